"""Import generated fee tables of 100,000 and 1,000,000 rows; print rows/s, the ratio to a floor
measured in the same run, the no-op re-import's ratio and peak memory.

    python bench/import_bench.py [--rows 100000 1000000] [--databases sqlite postgresql] [--format csv|xlsx]

For each database and size, a fresh process (so that its peak memory is its own):
- writes the file to disk (six corridors, products of ten bands, providers serving several corridors),
- imports it into an empty database (`run_import` with the file's path: it is read as a stream),
- imports the same file again (nothing changes: the no-op re-import, recognised by the file's SHA-256),
- imports the same rows in another order (nothing changes either: recognised by each product's digest,
  without validating the rows again; a file re-saved by a spreadsheet program is in this case),
- then measures the floor: the same file parsed with `csv`, its amounts converted to `Decimal` and its
  dates to `date`, written with one `executemany` into a table of the same columns, in one transaction.
PostgreSQL is a throwaway server started with the machine's initdb and pg_ctl, as the test suite does.
The generated products are synthetic, not prices of real providers. Figures to report, not a test:
the suite asserts no timings.

Peak RSS is the process's (Python, the app and the import); "kept" is the growth over the RSS measured
just before the import, per row of the file.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADER = ["provider", "provider_type", "product", "send_country", "receive_country", "send_currency",
          "receive_currency", "funding_method", "payout_method", "speed", "min_amount", "max_amount",
          "fee_fixed", "fee_percent", "fx_margin_pct", "effective_from", "effective_to", "accepted_ids",
          "regions", "source"]
CORRIDORS = [("CA", "GT", "CAD", "GTQ", "GT-13"), ("US", "GT", "USD", "GTQ", "GT-01"),
             ("US", "MX", "USD", "MXN", "MX-JAL"), ("CA", "PH", "CAD", "PHP", "PH-00"),
             ("US", "SV", "USD", "USD", "SV-SS"), ("ES", "CO", "EUR", "COP", "CO-ANT")]
BANDS = 10
PRODUCTS_PER_PROVIDER = 12  # two per corridor: every provider serves all six corridors


def generate(path: Path, rows: int) -> None:
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(HEADER)
        for index in range(rows):
            product, band = divmod(index, BANDS)
            provider, slot = divmod(product, PRODUCTS_PER_PROVIDER)
            send, receive, send_ccy, receive_ccy, region = CORRIDORS[slot % len(CORRIDORS)]
            low = band * 1000 + 1
            writer.writerow([
                f"Bench Provider {provider:05d}", "mto", f"Product {slot // len(CORRIDORS)}", send, receive,
                send_ccy, receive_ccy, "debit_card", "cash_pickup" if product % 2 else "bank_account", "same_day",
                f"{low}.00", f"{low + 999}.00", f"{(band + product) % 15 + 1}.99", "0.5", "2.25", "2026-01-01", "",
                "passport", region, "synthetic benchmark data",
            ])


def to_xlsx(source: Path, target: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    with open(source, newline="", encoding="utf-8") as fh:
        for record in csv.reader(fh):
            sheet.append(record)
    workbook.save(target)


def rss_now() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_rss() -> float:
    """The process's peak resident memory in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


FLOOR_COLUMNS = ["product_id", "import_id", "min_amount", "max_amount", "fee_fixed", "fee_percent",
                 "fx_margin_pct", "speed", "accepted_ids", "regions", "source", "effective_from", "effective_to"]


def floor(url: str, path: Path) -> float:
    """csv + Decimal + one executemany into a table of fee_tiers' columns, in one transaction."""
    from sqlalchemy import create_engine

    engine = create_engine(url)
    sqlite = engine.dialect.name == "sqlite"
    number = "TEXT" if sqlite else "NUMERIC(18, 6)"
    mark = "?" if sqlite else "%s"
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        cursor = raw.cursor()
        cursor.execute("DROP TABLE IF EXISTS floor_tiers")
        cursor.execute(f"""CREATE TABLE floor_tiers (id INTEGER PRIMARY KEY, product_id INTEGER, import_id INTEGER,
            min_amount {number}, max_amount {number}, fee_fixed {number}, fee_percent {number},
            fx_margin_pct {number}, speed VARCHAR(20), accepted_ids VARCHAR(300), regions TEXT, source TEXT,
            effective_from DATE, effective_to DATE)""" if sqlite else f"""CREATE TABLE floor_tiers (
            id SERIAL PRIMARY KEY, product_id INTEGER, import_id INTEGER, min_amount {number},
            max_amount {number}, fee_fixed {number}, fee_percent {number}, fx_margin_pct {number},
            speed VARCHAR(20), accepted_ids VARCHAR(300), regions TEXT, source TEXT, effective_from DATE,
            effective_to DATE)""")
        raw.commit()
        started = time.perf_counter()
        with open(path, newline="", encoding="utf-8") as fh:
            records = csv.reader(fh)
            next(records)

            def params():
                as_text = str if sqlite else (lambda value: value)
                for r in records:
                    yield (1, 1, as_text(Decimal(r[10])), as_text(Decimal(r[11])), as_text(Decimal(r[12])),
                           as_text(Decimal(r[13])), as_text(Decimal(r[14])), r[9], r[17], r[18], r[19],
                           dt.date.fromisoformat(r[15]), dt.date.fromisoformat(r[16]) if r[16] else None)

            cursor.executemany(f"INSERT INTO floor_tiers ({', '.join(FLOOR_COLUMNS)}) VALUES "
                               f"({', '.join([mark] * len(FLOOR_COLUMNS))})", params())
        raw.commit()
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE floor_tiers")
        raw.commit()
    engine.dispose()
    return elapsed


def _reversed_rows(path: Path, target: Path) -> None:
    """The same rows, last first (read back in chunks, so that a million rows do not sit in memory)."""
    with open(path, "rb") as fh:
        header = fh.readline()
        offsets = []
        while True:
            offsets.append(fh.tell())
            if not fh.readline():
                break
        with open(target, "wb") as out:
            out.write(header)
            for start, end in zip(reversed(offsets[:-1]), reversed(offsets[1:])):
                fh.seek(start)
                out.write(fh.read(end - start))


def run_case(url: str, path: Path, rows: int) -> dict:
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ["REMIT_LOG_LEVEL"] = "WARNING"
    import logging

    logging.getLogger("alembic").setLevel(logging.WARNING)
    from remit import create_app
    from remit.extensions import db
    from remit.importers import run_import

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "REMIT_IMPORT_MAX_ROWS": rows})
    result = {"database": None, "rows": rows}
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        result["database"] = db.engine.dialect.name
        result["rss_before"] = rss_now()
        shuffled = path.with_name("reordered-" + path.name)
        for label, source in (("first", path), ("noop", path), ("reordered", shuffled)):
            if not source.exists():
                continue
            started = time.perf_counter()
            report = run_import("fees", source, source.name, actor="bench", max_rows=rows)
            result[label] = time.perf_counter() - started
            result[f"{label}_peak"] = peak_rss()
            assert report.ok, report.problem_lines()[:5]
            result[f"{label}_counts"] = report.counts()
        db.session.remove()
        db.engine.dispose()
    result["floor"] = floor(url, path)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    parser.add_argument("--case", nargs=3, metavar=("URL", "FILE", "ROWS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        url, file, rows = args.case
        print(json.dumps(run_case(url, Path(file), int(rows))))
        return
    pg_server = None
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        try:
            for rows in args.rows:
                path = Path(tmp) / f"fees-{rows}.csv"
                generate(path, rows)
                if args.format == "csv":
                    _reversed_rows(path, path.with_name("reordered-" + path.name))
                if args.format == "xlsx":
                    workbook = Path(tmp) / f"fees-{rows}.xlsx"
                    to_xlsx(path, workbook)
                    path.unlink()
                    path = workbook
                for database in args.databases:
                    if database == "postgresql":
                        if pg_server is None:
                            from tests import pg

                            pg_server = pg.start()
                        url = pg.create_database(pg_server, f"remit_bench_{rows}")
                    else:
                        url = f"sqlite:///{tmp}/bench-{rows}.db"
                    print(f"{database}, {rows:,} rows ({path.stat().st_size / 1e6:.0f} MB {args.format}) …",
                          file=sys.stderr, flush=True)
                    done = subprocess.run([sys.executable, __file__, "--case", url, str(path), str(rows)],
                                          check=True, capture_output=True, text=True)
                    results.append(json.loads(done.stdout.strip().splitlines()[-1]))
                    report(results[-1])
                path.unlink()
                path.with_name("reordered-" + path.name).unlink(missing_ok=True)
        finally:
            if pg_server is not None:
                pg_server.stop()


def report(r: dict) -> None:
    rows = r["rows"]
    kept = (r["first_peak"] - r["rss_before"]) * 1024 * 1024 / rows
    print(f"{r['database']:10} {rows:>9,} rows: first import {r['first']:6.1f} s, {rows / r['first']:>8,.0f} rows/s, "
          f"{r['first'] / r['floor']:.2f}× the floor ({r['floor']:.1f} s, {rows / r['floor']:,.0f} rows/s); "
          f"no-op re-import {r['noop']:.2f} s = {r['noop'] / r['first']:.2f}× the first"
          + (f" (same rows reordered: {r['reordered']:.2f} s = {r['reordered'] / r['first']:.2f}×)" if 'reordered' in r else "")
          + "; "
          f"peak RSS {r['first_peak']:.0f} MiB ({r['rss_before']:.0f} before the import, "
          f"{kept:,.0f} bytes per row kept)", flush=True)


if __name__ == "__main__":
    main()
