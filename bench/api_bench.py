"""Requests per second for /healthz and for quotes in a corridor of 50 products, under gunicorn.

    python bench/api_bench.py [--seconds 5] [--rounds 3] [--connections 16] [--database-url URL]

Starts the app under gunicorn (2 workers) on a free loopback port with a fresh SQLite database (or
the given one, which must be empty), loads the seed reference rates and a synthetic fee table of 50
Canada→Guatemala products (test data, not real prices), and drives, in turn, /healthz, the same
quotes question again and again, and quotes with a different amount on every request (a fixed,
seeded list of random amounts, different in each wrk thread: no answer can come from the cache),
with wrk (Debian package `wrk`; a small Python load generator when wrk is not installed). It does so
in several rounds and divides each quote figure by the /healthz figure of its own round, so that
other work on the machine weighs on both sides of a ratio; it prints every round and the median
ratios, then stops the server. Target: both ratios at least 0.8.
"""
from __future__ import annotations

import argparse
import csv
import io
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
QUOTE_PATH = "/api/v1/quotes?send=CA&receive=GT&amount=300&currency=CAD"


def fee_table(products: int = 50) -> bytes:
    from remit.importers.fees import HEADER

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for p in range(products):
        for low, high, fixed in (("1.00", "999.99", 4 + p % 7), ("1000.00", "4999.99", 9 + p % 5),
                                 ("5000.00", "10000.00", 15)):
            writer.writerow([f"Bench Provider {p:02d}", "mto" if p % 3 else "bank", "Transfer", "CA", "GT", "CAD",
                             "GTQ", "debit_card", "bank_account" if p % 2 else "cash_pickup", "same_day", low, high,
                             f"{fixed}.99", "0", f"{1 + (p % 10) / 4}", "2026-01-01", "", "passport", "",
                             "synthetic benchmark data"])
    return out.getvalue().encode()


def prepare(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    from remit import create_app
    from remit.importers import run_import

    app = create_app()
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        rates = ROOT / "seeds" / "rates" / "reference_rates_2025-12.csv"
        assert run_import("rates", rates.read_bytes(), rates.name, actor="bench").ok
        report = run_import("fees", fee_table(), "bench.csv", actor="bench")
        assert report.ok, report.problems[:3]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer {url}")


# A different amount (CAD 1.00 to 9,999.99) on every request: no two questions alike, nothing cached.
# Each wrk thread gets its own seed (setup runs once per thread, before it starts).
VARIED_LUA = """
local threads = 0
function setup(thread)
  thread:set("thread_number", threads)
  threads = threads + 1
end
function init(args)
  math.randomseed(7 + 7919 * thread_number)
end
request = function()
  local path = string.format("/api/v1/quotes?send=CA&receive=GT&currency=CAD&amount=%d.%02d",
                             math.random(1, 9999), math.random(0, 99))
  return wrk.format("GET", path)
end
"""


def with_wrk(url: str, seconds: int, connections: int, script: str | None = None) -> tuple[float, str]:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if script:
        command += ["-s", script]
    result = subprocess.run([*command, url], capture_output=True, text=True, check=True)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1))
    p50 = re.search(r"^\s*50%\s+(\S+)", result.stdout, re.M).group(1)
    p99 = re.search(r"^\s*99%\s+(\S+)", result.stdout, re.M).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
    return rps, f"p50 {p50}, p99 {p99}, non-2xx {errors.group(1) if errors else 0}"


def with_python(url: str, seconds: int, connections: int, script: str | None = None) -> tuple[float, str]:
    counts, failures, stop = [0] * connections, [0] * connections, time.monotonic() + seconds
    rng = random.Random(7)

    def worker(index: int) -> None:
        while time.monotonic() < stop:
            target = url
            if script:
                target = (url.split("/api/")[0] + "/api/v1/quotes?send=CA&receive=GT&currency=CAD&amount="
                          f"{rng.randint(1, 9999)}.{rng.randint(0, 99):02d}")
            try:
                with urllib.request.urlopen(target, timeout=10) as response:
                    response.read()
                    counts[index] += 1
            except OSError:
                failures[index] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / seconds, f"errors {sum(failures)} (Python load generator)"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        prepare(url)
        port = free_port()
        env = os.environ | {"DATABASE_URL": url, "REMIT_RATE_LIMITS": "off", "SECRET_KEY": "bench-only",
                            "REMIT_LOG_LEVEL": "WARNING"}
        gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
        server = subprocess.Popen([gunicorn, "--workers", "2", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
                                  cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(base + "/healthz")
            with urllib.request.urlopen(base + QUOTE_PATH) as response:
                assert response.status == 200
            drive = with_wrk if shutil.which("wrk") else with_python
            print(f"gunicorn, 2 workers; {args.connections} connections for {args.seconds} s each, "
                  f"{args.rounds} rounds; database {url.split(':')[0]}")
            script = Path(tmp) / "varied.lua"
            script.write_text(VARIED_LUA)
            runs = (("/healthz", "/healthz", None), ("quotes, same question", QUOTE_PATH, None),
                    ("quotes, varied amounts", QUOTE_PATH, str(script)))
            ratios: dict[str, list[float]] = {name: [] for name, _, _ in runs[1:]}
            for round_number in range(1, args.rounds + 1):
                results = {}
                for name, path, lua in runs:
                    rps, detail = drive(base + path, args.seconds, args.connections, lua)
                    results[name] = rps
                    print(f"round {round_number}  {name:24} {rps:9.1f} requests/s  ({detail})")
                for name in ratios:
                    ratios[name].append(results[name] / results["/healthz"])
            for name, values in ratios.items():
                print(f"{name} / healthz: median {statistics.median(values):.2f} "
                      f"(rounds: {', '.join(f'{v:.2f}' for v in values)}; target: at least 0.80)")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
