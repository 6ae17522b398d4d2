"""Import a generated fee table of 100,000 rows and print rows per second and peak memory.

    python bench/import_bench.py [--rows 100000] [--database-url URL]

Without --database-url it uses a fresh SQLite file in a temporary folder. The generated products are
synthetic test data, not prices of real providers. A figure to report, not a test.
"""
from __future__ import annotations

import argparse
import csv
import io
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("REMIT_LOG_LEVEL", "WARNING")

from remit import create_app  # noqa: E402
from remit.extensions import db  # noqa: E402
from remit.importers import run_import  # noqa: E402
from remit.importers.fees import HEADER  # noqa: E402

BANDS = 10


def generate(rows: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    products = rows // BANDS
    for p in range(products):
        provider = f"Bench Provider {p // 20:04d}"
        for band in range(BANDS):
            low = band * 1000 + 1
            writer.writerow([
                provider, "mto", f"Product {p % 20:02d}", "CA", "GT", "CAD", "GTQ", "debit_card",
                "cash_pickup" if p % 2 else "bank_account", "same_day", f"{low}.00", f"{low + 999}.00",
                f"{(band + p) % 15 + 1}.99", "0.5", "2.25", "2026-01-01", "", "passport", "GT-13",
                "synthetic benchmark data",
            ])
    return out.getvalue().encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "REMIT_IMPORT_MAX_ROWS": args.rows})
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            data = generate(args.rows)
            print(f"database: {db.engine.dialect.name}; file: {args.rows} rows, {len(data) / 1e6:.1f} MB")
            print(f"peak RSS before importing: {peak_rss():.0f} MiB")
            for label in ("first import", "same file again"):
                started = time.perf_counter()
                report = run_import("fees", data, "bench.csv", actor="bench",
                                    max_rows=args.rows, max_columns=64)
                elapsed = time.perf_counter() - started
                assert report.ok, report.problems[:5]
                print(f"{label}: {elapsed:.1f} s, {args.rows / elapsed:,.0f} rows/s, "
                      f"peak RSS so far {peak_rss():.0f} MiB ({report.counts()})")


def peak_rss() -> float:
    """The process's peak resident memory in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()
