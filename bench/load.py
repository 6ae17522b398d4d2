"""A 60-second mixed load on remit under gunicorn (2 workers), on loopback, with wrk.

    python bench/load.py [--seconds 60] [--connections 16] [--postgres | --database-url URL]
                         [--import-every SECONDS]

Quotes with varied amounts, corridor statistics and bundle plans, in turn, from one wrk run; prints
requests per second, p50/p99 latency, the count of non-2xx answers and socket errors, and the
server's resident memory (master and workers) at the start and at the end. It stops by itself.

The database is a fresh SQLite file by default; `--postgres` starts a throwaway PostgreSQL server
(the machine's initdb and pg_ctl, as the test suite does) and `--database-url` takes an empty
database of yours. `--import-every N` applies a fee-table import every N seconds during the run (the
seed table and a copy with every fixed fee one cent higher, in turn), so the figures include readers
working while imports commit and every import invalidating the caches.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import api_bench  # noqa: E402

MIXED_LUA = r"""
math.randomseed(11)
local members = {}
for i = 1, 12 do members[#members + 1] = string.format('{"ref":"w%d","amount":"%d.00"}', i, 300 + i * 10) end
local bundle = '{"send":"CA","receive":"GT","currency":"CAD","distribution_fee":"1.50","incoming_fee":"15",' ..
               '"transfers_per_year":12,"members":[' .. table.concat(members, ",") .. ']}'
local n = 0
request = function()
  n = n + 1
  local kind = n % 3
  if kind == 0 then
    return wrk.format("GET", string.format("/api/v1/quotes?send=CA&receive=GT&currency=CAD&amount=%d.%02d",
                                           math.random(1, 4999), math.random(0, 99)))
  elseif kind == 1 then
    local corridors = {"US-GT", "US-MX", "CA-PH", "CA-GT"}
    return wrk.format("GET", "/api/v1/corridors/" .. corridors[math.random(1, 4)] .. "/stats")
  else
    return wrk.format("POST", "/api/v1/bundles", {["Content-Type"] = "application/json"}, bundle)
  end
end
"""


def rss_mib(pid: int) -> float:
    """Resident memory of a process and its children, from /proc."""
    total = 0
    pids = [pid] + [int(p) for p in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
                    .stdout.split()]
    for p in pids:
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except FileNotFoundError:
            continue
        total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
    return total / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=16)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL server")
    where.add_argument("--database-url", help="an empty database to load (it is written to)")
    parser.add_argument("--import-every", type=float, default=0, help="seconds between fee imports (0: none)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    pg_server = None
    with tempfile.TemporaryDirectory() as tmp:
        if args.postgres:
            sys.path.insert(0, str(api_bench.ROOT))
            from tests import pg

            pg_server = pg.start()
            url = pg.create_database(pg_server, "remit_load")
        else:
            url = args.database_url or f"sqlite:///{tmp}/load.db"
        try:
            run(args, url, tmp)
        finally:
            if pg_server is not None:
                pg_server.stop()


def run(args, url: str, tmp: str) -> None:
    api_bench.prepare(url)
    os.environ["DATABASE_URL"] = url
    from remit import create_app
    from remit.cli import SEEDS_DIR
    from remit.importers import run_import

    app = create_app()
    with app.app_context():
        # The seed fee table brings the bank wires a bundle travels by; RPW rows the survey statistics.
        for kind in ("fees", "rpw"):
            for path in sorted((SEEDS_DIR / kind).glob("*.csv")):
                assert run_import(kind, path.read_bytes(), path.name, actor="bench").ok
    port = api_bench.free_port()
    env = os.environ | {"REMIT_RATE_LIMITS": "off", "SECRET_KEY": "bench-only", "REMIT_LOG_LEVEL": "WARNING"}
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    server = subprocess.Popen([gunicorn, "--workers", "2", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
                              cwd=api_bench.ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        api_bench.wait_for(base + "/healthz")
        time.sleep(1)
        start = rss_mib(server.pid)
        script = Path(tmp) / "mixed.lua"
        script.write_text(MIXED_LUA)
        stop = threading.Event()
        imports: list[float] = []
        importer = threading.Thread(target=import_now_and_then, args=(app, args.import_every, stop, imports))
        if args.import_every > 0:
            importer.start()
        try:
            result = subprocess.run(["wrk", "-t2", f"-c{args.connections}", f"-d{args.seconds}s", "--latency",
                                     "-s", str(script), base], capture_output=True, text=True, check=True)
        finally:
            stop.set()
            if importer.is_alive():
                importer.join()
        end = rss_mib(server.pid)
        out = result.stdout
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        total = int(re.search(r"(\d+) requests in", out).group(1))
        non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        socket = re.search(r"Socket errors: (.*)", out)
        print(f"gunicorn 2 workers, {args.connections} connections, {args.seconds} s, {url.split(':')[0]}; "
              f"quotes (varied amounts), corridor stats and 12-member bundles in turn")
        if args.import_every > 0:
            print(f"fee imports applied during the run: {len(imports)}, "
                  f"{sum(imports) / max(len(imports), 1) * 1000:.0f} ms each on average")
        print(f"requests: {total}, {rps:.1f} per second")
        p50 = re.search(r"^\s*50%\s+(\S+)", out, re.M).group(1)
        p99 = re.search(r"^\s*99%\s+(\S+)", out, re.M).group(1)
        print(f"latency p50 {p50}, p99 {p99}")
        print(f"errors: non-2xx {non2xx.group(1) if non2xx else 0}; socket: {socket.group(1) if socket else 'none'}")
        print(f"server memory (RSS, master + workers): {start:.0f} MiB at start, {end:.0f} MiB at end")
    finally:
        server.terminate()
        server.wait(timeout=30)


def import_now_and_then(app, every: float, stop: threading.Event, took: list[float]) -> None:
    """Apply the seed fee table and a copy with fixed fees a cent higher, in turn, every `every` s."""
    import csv
    import io
    from decimal import Decimal

    from remit.cli import SEEDS_DIR
    from remit.importers import run_import

    seed = (SEEDS_DIR / "fees" / "CA-GT_illustrative_fee_table.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(seed)))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows([row | {"fee_fixed": str(Decimal(row["fee_fixed"]) + Decimal("0.01"))} for row in rows])
    files = [out.getvalue().encode("utf-8"), seed.encode("utf-8")]
    with app.app_context():
        while not stop.wait(every):
            began = time.perf_counter()
            try:
                report = run_import("fees", files[len(took) % 2], f"load-{len(took)}.csv", actor="bench")
            except Exception as exc:  # noqa: BLE001 — the run goes on; the failure is printed
                print(f"import failed: {exc!r}", file=sys.stderr)
                continue
            if not (report.ok and report.import_id):
                print(f"import refused: {report.problems[:3]}", file=sys.stderr)
                continue
            took.append(time.perf_counter() - began)


if __name__ == "__main__":
    main()
