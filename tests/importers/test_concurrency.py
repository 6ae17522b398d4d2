"""Two imports started at once end as if run one after the other (PostgreSQL, real connections)."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from remit import create_app
from remit.extensions import db
from remit.importers import run_import
from remit.models import FeeTier

from .helpers import csv_bytes, fee_row


def test_two_imports_at_once_do_not_interleave(app, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("the advisory lock is PostgreSQL's; SQLite has one writer at a time")
    run_import("fees", csv_bytes([fee_row()]), "base.csv", actor="t")
    files = [csv_bytes([fee_row(fee_fixed=f"{20 + i}.00"),
                        fee_row(min_amount="2500.00", max_amount="5000.00", fee_fixed=f"{30 + i}.00")])
             for i in range(4)]
    barrier = threading.Barrier(len(files))
    results, errors = [], []

    # Apps are built before the threads start: building one registers shared blueprints.
    apps = [create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url}) for _ in files]

    def worker(data: bytes, index: int) -> None:
        with apps[index].app_context():
            try:
                barrier.wait()
                results.append(run_import("fees", data, f"f{index}.csv", actor=f"t{index}"))
            except Exception as exc:  # noqa: BLE001 — reported below
                errors.append(exc)
            finally:
                db.session.remove()
                db.engine.dispose()

    threads = [threading.Thread(target=worker, args=(data, i)) for i, data in enumerate(files)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert all(r.ok and r.import_id for r in results)
    db.session.expire_all()
    current = db.session.execute(select(FeeTier).where(FeeTier.retired_by_import_id.is_(None))).scalars().all()
    # Exactly one file's two bands are current: the last import in, which retired the one before it.
    assert len(current) == 2
    last = max(r.import_id for r in results)
    assert {t.import_id for t in current} == {last}
    # Each import saw the one before it: every import but the first changed rows another one wrote.
    assert sorted(r.changed for r in results).count(0) == 0
