"""Planning a group transfer against one quote request, on a corridor of 57 products.

    python bench/bundle_bench.py [--repeat 7]

A fresh SQLite database holds the seed reference rates, the seeds' illustrative Canada→Guatemala fee
table (7 products, among them the bank wires a bundle travels by) and 50 synthetic products of 3 bands
each (test data, not real prices), as bench/api_bench.py makes them. Through the Flask test client:

- the floor: GET /api/v1/quotes for one amount (a new amount each time, so nothing is answered from
  the cache) — one quote request;
- POST /api/v1/bundles with 10, 100 and 1,000 members sending random amounts (fixed seed) between
  CAD 100 and 1,500; 1,000 members with the service each uses today named.

Each bundle request's body is encoded once, before it is timed, and posted as it is (`data=`, type
application/json): encoding it on every call, in this same process, counted the client's work (1 to 3
ms for 1,000 members) in the server's time. Each figure is the median of --repeat runs after one
warm-up, and each plan is printed as a ratio to the quote request measured in the same run. The time
is the process's CPU time by default (--clock cpu), which other work on a busy machine disturbs less
than the wall clock (--clock wall); both run in this one process. The target (issue 14): a
1,000-member plan within 10× one quote request. Once the app is built and the data loaded, the
objects alive are frozen out of the garbage collector's full passes, as the servers do
(remit/server.py); the plans leave the collector as it is (issue 24).
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("REMIT_LOG_LEVEL", "WARNING")


CLOCK = {"cpu": time.process_time, "wall": time.perf_counter}


def median_seconds(func, repeat: int, clock=time.process_time) -> float:
    func()
    times = []
    for _ in range(repeat):
        started = clock()
        func()
        times.append(clock() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--clock", choices=sorted(CLOCK), default="cpu")
    args = parser.parse_args()
    clock = CLOCK[args.clock]
    from api_bench import fee_table

    from remit import create_app
    from remit.importers import run_import

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db", "RATELIMIT_ENABLED": False})
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            for kind, path in (("rates", ROOT / "seeds/rates/reference_rates_2025-12.csv"),
                               ("fees", ROOT / "seeds/fees/CA-GT_illustrative_fee_table.csv")):
                assert run_import(kind, path.read_bytes(), path.name, actor="bench").ok
            assert run_import("fees", fee_table(), "bench.csv", actor="bench").ok
            # As the servers do once the app is built (remit/server.py): its objects leave the
            # collector's full passes; everything a request makes is collected as usual.
            from remit.server import freeze_startup_objects

            freeze_startup_objects()
            client = app.test_client()
            products = client.get("/api/v1/quotes?send=CA&receive=GT&amount=300&currency=CAD&page_size=100").json
            names = [f"{q['provider']['name']} · {q['product']['name']}" for q in products]
            amounts = itertools.count(30000)

            def quote_request():
                amount = next(amounts) / 100
                response = client.get(f"/api/v1/quotes?send=CA&receive=GT&amount={amount:.2f}&currency=CAD")
                assert response.status_code == 200

            floor = median_seconds(quote_request, args.repeat, clock)
            print(f"{args.clock} time; one quote request ({len(products)} services, a new amount each time): "
                  f"{floor * 1000:.2f} ms")
            rng = random.Random(42)
            for size, today in ((10, False), (100, False), (1000, False), (1000, True)):
                members = [{"ref": f"m{i:04d}", "amount": f"{rng.randint(10000, 150000) / 100:.2f}"}
                           | ({"product": rng.choice(names)} if today else {}) for i in range(size)]
                body = json.dumps({"send": "CA", "receive": "GT", "currency": "CAD", "members": members,
                                   "distribution_fee": "1.50", "incoming_fee": "15", "transfers_per_year": 12})

                def plan():
                    response = client.post("/api/v1/bundles", data=body, content_type="application/json")
                    assert response.status_code == 200, response.json
                    return response

                seconds = median_seconds(plan, args.repeat, clock)
                result = plan().json
                joined = sum(1 for m in result["members"] if m["joins"])
                print(f"plan of {size:>5} members{' with today' if today else '           '}: {seconds * 1000:8.1f} ms"
                      f" = {seconds / floor:6.1f} × one quote request ({len(result['transfers'])} transfers, "
                      f"{joined} join, break-even {result['break_even_members']})")


if __name__ == "__main__":
    main()
