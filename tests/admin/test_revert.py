"""Import, import a changed table, revert the second: the tables and quotes are as after the first."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from remit.extensions import db
from remit.importers import run_import
from remit.models import AuditEvent, FeeTier
from remit.services import history

from ..importers.helpers import csv_bytes, fee_row

RATES = b"base_currency,quote_currency,rate,as_of,source\nCAD,GTQ,5.5,2025-12-26,test rate\n"


def current_tiers():
    return sorted((t.min_amount, t.max_amount, t.fee_fixed, t.fx_margin_pct, t.effective_from)
                  for t in db.session.execute(select(FeeTier).where(FeeTier.retired_by_import_id.is_(None))).scalars())


def quotes(client):
    return [(q["product"]["name"], q["fee"], q["total_cost"], q["receive_amount"])
            for q in client.get("/api/v1/quotes?send=CA&receive=GT&amount=300&currency=CAD").json]


def test_revert_restores_the_fee_tables_and_quotes_exactly(app, client):
    assert run_import("rates", RATES, "rates.csv", actor="admin@example.org").ok
    first_rows = [fee_row(), fee_row(min_amount="2500.00", max_amount="10000.00", fee_fixed="20.00")]
    first = run_import("fees", csv_bytes(first_rows), "first.csv", actor="admin@example.org")
    after_first = (current_tiers(), quotes(client))
    changed = [fee_row(fee_fixed="12.50", effective_from="2026-02-01")]  # the upper band dropped
    second = run_import("fees", csv_bytes(changed), "second.csv", actor="admin@example.org")
    assert (second.changed, second.retired) == (1, 1)
    assert current_tiers() != after_first[0] and quotes(client) != after_first[1]

    reverting = history.revert(second.import_id, actor="admin@example.org")
    db.session.commit()
    assert (current_tiers(), quotes(client)) == after_first
    # Nothing was deleted: the first table's rows, the second's and the restored copies are all kept.
    assert db.session.query(FeeTier).count() == 2 + 1 + 2
    events = db.session.execute(select(AuditEvent.action, AuditEvent.target).order_by(AuditEvent.id)).all()
    assert [e for e in events if e[1] in (f"import #{first.import_id}", f"import #{second.import_id}")] == [
        ("import applied", f"import #{first.import_id}"), ("import applied", f"import #{second.import_id}"),
        ("import reverted", f"import #{second.import_id}")]

    # The revert can itself be reverted: back to the second table.
    history.revert(reverting.id, actor="admin@example.org")
    db.session.commit()
    assert [(t[2], t[4]) for t in current_tiers()] == [(Decimal("12.50"), dt.date(2026, 2, 1))]


def test_an_import_changed_later_cannot_be_reverted_first(app):
    first = run_import("fees", csv_bytes([fee_row()]), "first.csv", actor="a")
    run_import("fees", csv_bytes([fee_row(fee_fixed="11.00")]), "second.csv", actor="a")
    with pytest.raises(history.RevertError, match="changed these tables after import"):
        history.revert(first.import_id, actor="a")
    with pytest.raises(history.RevertError, match="there is no import #999"):
        history.revert(999, actor="a")


def test_fee_tables_as_of_a_date(app, runner, tmp_path):
    """January's table (CAD 15) was replaced from 1 March (CAD 17.50): each date shows its own."""
    run_import("fees", csv_bytes([fee_row(effective_from="2026-01-01")]), "jan.csv", actor="a")
    run_import("fees", csv_bytes([fee_row(fee_fixed="17.50", effective_from="2026-03-01")]), "mar.csv", actor="a")
    from remit.services.exports import current_fee_rows

    assert [r["fee_fixed"] for r in current_fee_rows(dt.date(2026, 2, 15))] == ["15.00"]
    assert [r["fee_fixed"] for r in current_fee_rows(dt.date(2026, 3, 1))] == ["17.50"]
    assert current_fee_rows(dt.date(2025, 12, 31)) == []
    out = tmp_path / "feb.csv"
    assert runner.invoke(args=["remit", "export", "fees", str(out), "--as-of", "2026-02-15"]).exit_code == 0
    assert ",15.00,0,2,2026-01-01," in out.read_text()
