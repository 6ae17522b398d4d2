"""Time to plan bundles of 10, 100 and 1,000 members, against the time of one quote.

    python bench/bundle_bench.py [--repeat 5]

Uses a fresh SQLite database loaded with remit's seed data (the illustrative Canada→Guatemala fee
table) and members sending random amounts between CAD 100 and CAD 1,500 (a fixed seed). "One quote"
is a comparison of every Canada→Guatemala service for one amount, as the quotes API makes it. Each
figure is the median of --repeat runs, after one warm-up run.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("REMIT_LOG_LEVEL", "WARNING")


def median_seconds(func, repeat: int) -> float:
    func()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from remit import create_app
    from remit.cli import SEED_ORDER, SEEDS_DIR
    from remit.importers import run_import
    from remit.services import bundles, comparison
    from remit.services.reference import find_corridor

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db"})
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            for kind in SEED_ORDER:
                for path in sorted((SEEDS_DIR / kind).glob("*.csv")):
                    run_import(kind, path.read_bytes(), path.name, actor="bench")
            corridor = find_corridor("CA", "GT")
            one_quote = median_seconds(lambda: comparison.compare(corridor, "CAD", amount=Decimal("350")),
                                       args.repeat)
            print(f"one quote (7 services, CAD 350): {one_quote * 1000:.2f} ms")
            rng = random.Random(42)
            for size in (10, 100, 1000):
                members = [bundles.MemberInput(f"m{i:04d}", Decimal(rng.randint(10000, 150000)) / 100)
                           for i in range(size)]
                request = bundles.BundleRequest("CA", "GT", "CAD", members, distribution_fee=Decimal("1.50"),
                                                incoming_fee=Decimal("15"), transfers_per_year=12)
                seconds = median_seconds(lambda: bundles.plan(request), args.repeat)
                result = bundles.plan(request).plan
                joined = sum(1 for m in result.members if m.joins)
                print(f"bundle of {size:>5} members: {seconds * 1000:9.1f} ms = {seconds / one_quote:7.1f} quotes "
                      f"({len(result.transfers)} transfers, {joined} join, break-even {result.break_even_members})")


if __name__ == "__main__":
    main()
