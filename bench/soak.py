"""A soak: ten minutes of mixed load on a live remit, on loopback, watching its memory.

    python bench/soak.py [--server default|gunicorn|both] [--seconds 600] [--warmup 120]
                         [--connections 16] [--postgres]

The server is started as `make run` starts it (`default`: `flask remit serve`, waitress, one process)
or as several app servers are (`gunicorn`: 2 workers, rate limits counted in a throwaway Redis),
on a fresh database loaded with the seeds (SQLite by default; `--postgres` starts a throwaway
PostgreSQL as the suite does). Rate limits stay on, with a partner key whose limit the run cannot
reach (REMIT_KEY_RATE_LIMIT), so every API request is counted in the store.

The load, all at once:
- wrk, `--connections` connections, in turn: a quote at a new amount (nothing answered from a
  cache), a corridor's statistics, the compare page in Spanish at a new amount, a corridor page and
  the corridor list;
- one 100-member group plan a second and one 1,000-member plan every ten seconds (a thread of this
  script, its own connection);
- a fee-table import through the API every 30 seconds (alternately the seed table and a copy with
  every fixed fee a cent higher, so each applies and invalidates the caches), in the background.

wrk runs twice: `--warmup` seconds first (caches filled, the server's memory at its working size:
two minutes: each of gunicorn's workers sees half the load, and in the runs measured reached its
size between 40 s and 2 minutes in),
then `--seconds`. The figures printed are the second run's: requests per second, p50 and p99 of
wrk's requests, errors (non-2xx answers, socket errors, failed plans or imports), the plans' and
imports' times, and the server's resident memory (its processes together) at the start, after the
warm-up, at the end and at its highest. The target (issue 24): at most 60 MB more at the end than
after the warm-up, no errors, p99 under 250 ms. The suite keeps no timed assertions; this prints.
"""
from __future__ import annotations

import argparse
import csv
import http.client
import io
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent

LUA = r"""
local threads = 0
function setup(thread)
  thread:set("thread_number", threads)
  threads = threads + 1
end
function init(args)
  math.randomseed(17 + 7919 * thread_number)
end
local corridors = {"US-GT", "US-MX", "CA-PH", "CA-GT", "CA-IN", "CA-CN"}
local n = 0
request = function()
  n = n + 1
  local kind = n % 5
  local auth = {["Authorization"] = "Bearer " .. KEY}
  if kind == 0 then
    return wrk.format("GET", string.format("/api/v1/quotes?send=CA&receive=GT&currency=CAD&amount=%d.%02d",
                                           math.random(1, 4999), math.random(0, 99)), auth)
  elseif kind == 1 then
    return wrk.format("GET", "/api/v1/corridors/" .. corridors[math.random(1, #corridors)] .. "/stats", auth)
  elseif kind == 2 then
    return wrk.format("GET", string.format("/compare?send=CA&receive=GT&mode=send&currency=CAD&lang=es&amount=%d.%02d",
                                           math.random(1, 4999), math.random(0, 99)))
  elseif kind == 3 then
    return wrk.format("GET", "/corridors/" .. corridors[math.random(1, #corridors)])
  else
    return wrk.format("GET", "/corridors")
  end
end
"""


def rss_mib(pid: int) -> float:
    """Resident memory of a process and its children, from /proc."""
    total = 0
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    for p in [pid, *map(int, children)]:
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except FileNotFoundError:
            continue
        total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
    return total / 1024


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def flask(env: dict, *args: str) -> str:
    result = subprocess.run([str(BIN / "flask"), "--app", "wsgi", "remit", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    if result.returncode:
        sys.exit(f"flask remit {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def wait_for(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def members(count: int, seed: int) -> bytes:
    chooser = random.Random(seed)
    return json.dumps({"send": "CA", "receive": "GT", "currency": "CAD", "distribution_fee": "1.50",
                       "incoming_fee": "15", "transfers_per_year": 12,
                       "members": [{"ref": f"w{i}", "amount": f"{chooser.randint(100, 1500)}.{chooser.randint(0, 99):02d}"}
                                   for i in range(count)]}).encode()


def fee_files() -> list[bytes]:
    seed = (ROOT / "seeds" / "fees" / "CA-GT_illustrative_fee_table.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(seed)))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows([row | {"fee_fixed": str(Decimal(row["fee_fixed"]) + Decimal("0.01"))} for row in rows])
    return [out.getvalue().encode("utf-8"), seed.encode("utf-8")]


def multipart(fields: dict, filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                 f"Content-Type: text/csv\r\n\r\n".encode() + content + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


class Side:
    """The plans and imports sent beside wrk, from threads of this script: their times and failures."""

    def __init__(self, port: int, read_key: str, import_key: str):
        self.port, self.read_key, self.import_key = port, read_key, import_key
        self.stop = threading.Event()
        self.times: dict[str, list[float]] = {"plan 100": [], "plan 1,000": [], "import": []}
        self.failures: list[str] = []
        self.plans = {100: [members(100, s) for s in range(5)], 1000: [members(1000, s) for s in range(3)]}
        self.files = fee_files()

    def _send(self, connection, method, path, body, headers, what) -> bytes | None:
        began = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
        except OSError as exc:
            self.failures.append(f"{what}: {exc!r}")
            return None
        if response.status >= 400:
            self.failures.append(f"{what}: {response.status} {data[:200]!r}")
            return None
        self.times[what].append(time.perf_counter() - began)
        return data

    def plans_loop(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {self.read_key}"}
        tick = 0
        while not self.stop.wait(1.0):
            tick += 1
            size = 1000 if tick % 10 == 0 else 100
            body = self.plans[size][tick % len(self.plans[size])]
            if self._send(connection, "POST", "/api/v1/bundles", body, headers,
                          "plan 1,000" if size == 1000 else "plan 100") is None:
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)

    def imports_loop(self) -> None:
        done = 0
        while not self.stop.wait(30.0):
            body, content_type = multipart({"kind": "fees", "background": "true"}, f"soak-{done}.csv",
                                           self.files[done % 2])
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            answer = self._send(connection, "POST", "/api/v1/imports", body,
                                {"Content-Type": content_type, "Authorization": f"Bearer {self.import_key}"}, "import")
            if answer is not None:
                self._wait_job(connection, json.loads(answer))
            connection.close()
            done += 1

    def _wait_job(self, connection, job: dict) -> None:
        deadline = time.monotonic() + 60
        while job.get("state") not in ("done", "failed") and time.monotonic() < deadline:
            time.sleep(0.5)
            connection.request("GET", f"/api/v1/imports/jobs/{job['id']}",
                               headers={"Authorization": f"Bearer {self.import_key}"})
            job = json.loads(connection.getresponse().read())
        report = job.get("report") or {}
        if job.get("state") != "done" or report.get("result") != "applied":
            self.failures.append(f"import job {job.get('id')}: {job.get('state')} {job.get('error')} "
                                 f"{report.get('result')}")


def run_wrk(port: int, seconds: int, connections: int, script: Path) -> str:
    return subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency",
                           "-s", str(script), f"http://127.0.0.1:{port}"],
                          capture_output=True, text=True, check=True).stdout


def soak(server_kind: str, args, url: str, tmp: str) -> dict:
    env = os.environ | {"DATABASE_URL": url, "SECRET_KEY": "soak-only", "REMIT_LOG_LEVEL": "WARNING",
                        "REMIT_KEY_RATE_LIMIT": "1000000 per minute"}
    redis_server = None
    flask(env, "init-db")
    flask(env, "seed")
    read_key = flask(env, "create-api-key", "soak reads", "--scope", "read").split()[0]
    import_key = flask(env, "create-api-key", "soak imports", "--scope", "import").split()[0]
    port = free_port()
    if server_kind == "default":
        command = [str(BIN / "flask"), "--app", "wsgi", "remit", "serve", "--port", str(port)]
    else:
        from tests import redis_server as redis_module

        redis_server = redis_module.start()
        env["REMIT_RATE_LIMIT_STORAGE"] = redis_server.url
        command = [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "--workers", "2",
                   "--bind", f"127.0.0.1:{port}", "wsgi:app"]
    log = open(Path(tmp) / f"{server_kind}.log", "wb")  # noqa: SIM115 — closed with the server
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    samples: list[float] = []
    try:
        wait_for(port)
        start = rss_mib(server.pid)
        script = Path(tmp) / "soak.lua"
        script.write_text(f'KEY = "{read_key}"\n' + LUA)
        side = Side(port, read_key, import_key)
        threads = [threading.Thread(target=side.plans_loop), threading.Thread(target=side.imports_loop)]
        sampling = threading.Event()

        def sample() -> None:
            while not sampling.wait(5):
                samples.append(rss_mib(server.pid))

        sampler = threading.Thread(target=sample)
        for thread in [*threads, sampler]:
            thread.start()
        try:
            run_wrk(port, args.warmup, args.connections, script)
            warm = rss_mib(server.pid)
            side.failures.clear()
            for times in side.times.values():
                times.clear()
            out = run_wrk(port, args.seconds, args.connections, script)
        finally:
            side.stop.set()
            for thread in threads:
                thread.join()
            sampling.set()
            sampler.join()
        end = rss_mib(server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        if redis_server is not None:
            redis_server.stop()
    logged = (Path(tmp) / f"{server_kind}.log").read_text(errors="replace").splitlines()
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "server": server_kind, "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": re.search(r"^\s*50%\s+(\S+)", out, re.M).group(1),
        "p99": re.search(r"^\s*99%\s+(\S+)", out, re.M).group(1),
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": sum(map(int, socket_errors.groups())) if socket_errors else 0,
        "side": {what: (len(t), statistics.median(t) if t else 0, max(t, default=0)) for what, t in side.times.items()},
        "failures": side.failures, "log": [line for line in logged if "Traceback" in line or "ERROR" in line],
        "trace": samples[::12],
        "rss": (start, warm, end, max([warm, end, *samples[len(samples) * args.warmup // (args.warmup + args.seconds):]])),
    }


def report(result: dict, args, database: str) -> None:
    start, warm, end, peak = result["rss"]
    label = ("make run's server (waitress, 1 process, 8 threads)" if result["server"] == "default"
             else "gunicorn, 2 workers x 8 threads, rate limits in Redis")
    print(f"\n== {label}; {database}; {args.connections} connections; {args.warmup} s warm-up, {args.seconds} s measured")
    print(f"wrk: {result['requests']} requests, {result['rps']:.1f}/s; p50 {result['p50']}, p99 {result['p99']}; "
          f"non-2xx {result['non2xx']}, socket errors {result['socket_errors']}")
    for what, (count, median, worst) in result["side"].items():
        print(f"{what}: {count}, median {median * 1000:.0f} ms, slowest {worst * 1000:.0f} ms")
    print(f"failed plans or imports: {len(result['failures'])}" +
          "".join(f"\n  {line}" for line in result["failures"][:5]))
    print(f"errors in the server's log: {len(result['log'])}" + "".join(f"\n  {line}" for line in result["log"][:5]))
    print("server RSS every minute (MiB): " + " ".join(f"{value:.0f}" for value in result["trace"]))
    print(f"server RSS: start {start:.0f} MiB, after warm-up {warm:.0f} MiB, end {end:.0f} MiB "
          f"(highest after warm-up {peak:.0f} MiB); growth after warm-up {end - warm:+.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", choices=("default", "gunicorn", "both"), default="both")
    parser.add_argument("--seconds", type=int, default=600)
    parser.add_argument("--warmup", type=int, default=120)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL server")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    kinds = ["default", "gunicorn"] if args.server == "both" else [args.server]
    for kind in kinds:
        pg_server = None
        with tempfile.TemporaryDirectory() as tmp:
            if args.postgres:
                from tests import pg

                pg_server = pg.start()
                url = pg.create_database(pg_server, "remit_soak")
            else:
                url = f"sqlite:///{tmp}/soak.db"
            try:
                result = soak(kind, args, url, tmp)
            finally:
                if pg_server is not None:
                    pg_server.stop()
            report(result, args, "PostgreSQL" if args.postgres else "SQLite")


if __name__ == "__main__":
    main()
