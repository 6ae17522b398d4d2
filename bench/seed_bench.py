"""Every RPW corridor in the seeds: `remit seed` on an empty SQLite database against a floor measured in
the same run, then the server as `make run` starts it (one process, waitress) with every corridor held:
its first answers, its memory once each corridor's page has been visited, and the requests per second of
quotes, statistics and the corridor list divided by those of /healthz in the same round.

    python bench/seed_bench.py [--seconds 3] [--rounds 3] [--connections 8]

- `remit seed` (init-db first) in a process of its own: wall time and that process's peak RSS; then the
  same command again, which changes nothing.
- The floor, as in bench/import_bench.py: the same seed files read with `csv`, their figures converted to
  `Decimal` and written with one `executemany` per file into a table of plain columns, in one
  transaction (DataBank's export unpivoted, a figure a row, as the importer stores it).
- The server (`flask remit serve`, what `make run` starts): the first /corridors, compare page and
  corridor page after it starts (each builds what it needs when first asked: nothing is prepared at
  start), the RSS after every corridor's page has been visited once, then the rounds (wrk when
  installed, else a small Python load generator).
Figures to report, not a test: the suite asserts no timings.
"""
from __future__ import annotations

import argparse
import csv
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from decimal import Decimal, InvalidOperation
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.api_bench import free_port, wait_for, with_python, with_wrk  # noqa: E402

SEEDS = ROOT / "seeds"
ORDER = ("rates", "fees", "rpw")
ROUNDS = (("/healthz", "/healthz"),
          ("quotes", "/api/v1/quotes?send=US&receive=MX&amount=300&currency=USD"),
          ("statistics", "/api/v1/corridors/GB-NG/stats"),
          ("/corridors", "/corridors?lang=en"))


def flask(args: list[str], env: dict) -> tuple[float, float, str]:
    """Run `flask --app wsgi …`: wall seconds, the process's peak RSS in MiB, its output."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - started
    if process.returncode:
        raise RuntimeError(output[-2000:])
    return elapsed, usage.ru_maxrss / 1024, output


def _cell(text: str):
    try:
        return str(Decimal(text)) if text and text[0] in "-0123456789." else text
    except InvalidOperation:
        return text


def _databank_rows(path: Path):
    """A figure a row: sending code, receiving code, period, figure."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        records = csv.reader(fh)
        header = next(records)
        periods = [column.split(" ")[0] for column in header[6:]]
        for record in records:
            if len(record) < 7:
                continue
            for period, figure in zip(periods, record[6:]):
                if figure and figure != "..":
                    yield (record[1], record[5], period, str(Decimal(figure)))


def floor(path: Path) -> float:
    """Every seed file through csv, Decimal and one executemany each, in one SQLite transaction."""
    connection = sqlite3.connect(path)
    columns = 30
    connection.execute(f"CREATE TABLE floor_rows ({', '.join(f'c{i} TEXT' for i in range(columns))})")
    connection.commit()
    insert = f"INSERT INTO floor_rows VALUES ({', '.join('?' * columns)})"
    started = time.perf_counter()
    for kind in ORDER:
        for file in sorted((SEEDS / kind).glob("*.csv")):
            if file.name.startswith("wb_databank"):
                rows = _databank_rows(file)
            else:
                with open(file, newline="", encoding="utf-8-sig") as fh:
                    records = list(csv.reader(fh))
                rows = (tuple(_cell(cell) for cell in record) for record in records[1:] if any(record))
            connection.executemany(insert, ((*row, *[None] * (columns - len(row)))[:columns] for row in rows))
    connection.commit()
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def timed_get(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:
        response.read()
        assert response.status == 200, url
    return time.perf_counter() - started


def corridor_codes(database: Path) -> list[str]:
    connection = sqlite3.connect(database)
    codes = [f"{send}-{receive}" for send, receive in
             connection.execute("SELECT send_country, receive_country FROM corridors ORDER BY 1, 2")]
    connection.close()
    return codes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    load = with_wrk if subprocess.run(["which", "wrk"], capture_output=True).returncode == 0 else with_python
    with tempfile.TemporaryDirectory() as tmp:
        database = Path(tmp) / "remit.db"
        env = os.environ | {"DATABASE_URL": f"sqlite:///{database}", "SECRET_KEY": "bench-only",
                            "REMIT_LOG_LEVEL": "WARNING", "REMIT_RATE_LIMITS": "off"}
        flask(["remit", "init-db"], env)
        seconds, peak, _ = flask(["remit", "seed"], env)
        again, _, output = flask(["remit", "seed"], env)
        assert output.count("no changes") == len(list(SEEDS.glob("*/*.csv"))), output
        floor_seconds = floor(Path(tmp) / "floor.db")
        print(f"remit seed, empty SQLite: {seconds:.1f} s = {seconds / floor_seconds:.1f}× the floor "
              f"({floor_seconds:.2f} s: csv, Decimal, one executemany a file); peak RSS {peak:.0f} MiB; "
              f"again (nothing changes) {again:.1f} s", flush=True)

        codes = corridor_codes(database)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "remit", "serve", "--host",
                                   "127.0.0.1", "--port", str(port)], cwd=ROOT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for(base + "/healthz")
            started_rss = rss_mib(server.pid)
            first = {name: timed_get(base + path) for name, path in (
                ("/corridors", "/corridors?lang=en"),
                ("compare GB→NG", "/compare?send=GB&receive=NG&mode=send&amount=200&lang=en"),
                ("corridor page ES-CO", "/corridors/ES-CO?lang=en"),
                ("compare ES→CO", "/compare?send=ES&receive=CO&mode=send&amount=300&lang=en"))}
            again_corridors = timed_get(base + "/corridors?lang=en")
            print("first answers after start: " + ", ".join(f"{name} {value * 1000:.0f} ms" for name, value in first.items())
                  + f"; /corridors again {again_corridors * 1000:.0f} ms", flush=True)
            started = time.perf_counter()
            pages = [timed_get(f"{base}/corridors/{code}?lang=en") for code in codes]
            print(f"every corridor's page once ({len(codes)}): {time.perf_counter() - started:.1f} s, median "
                  f"{statistics.median(pages) * 1000:.0f} ms, slowest {max(pages) * 1000:.0f} ms; server RSS "
                  f"{started_rss:.0f} MiB after start, {rss_mib(server.pid):.0f} MiB after", flush=True)
            ratios: dict[str, list[float]] = {name: [] for name, _ in ROUNDS[1:]}
            for round_number in range(1, args.rounds + 1):
                results = {name: load(base + path, args.seconds, args.connections)[0] for name, path in ROUNDS}
                print(f"round {round_number}: " + ", ".join(f"{name} {rps:,.0f} req/s" for name, rps in results.items()),
                      flush=True)
                for name in ratios:
                    ratios[name].append(results[name] / results["/healthz"])
            for name, values in ratios.items():
                print(f"{name} / healthz: median {statistics.median(values):.2f} "
                      f"({min(values):.2f}–{max(values):.2f})")
            print(f"server RSS at the end: {rss_mib(server.pid):.0f} MiB")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
