"""Money stays exact in both databases."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from remit.extensions import db
from remit.models import Currency, ReferenceRate
from remit.models.types import ExactDecimal


def test_values_come_back_exactly(app):
    db.session.add_all([Currency(code="USD", name="US Dollar", minor_unit=2),
                        Currency(code="GTQ", name="Quetzal", minor_unit=2)])
    db.session.flush()
    from remit.models import ImportRun
    import datetime as dt

    now = dt.datetime(2026, 1, 1)
    run = ImportRun(kind="rates", filename="x", sha256="0" * 64, actor="t", started_at=now, finished_at=now,
                    rows=1, added=1, changed=0, retired=0, unchanged=0, result="applied")
    db.session.add(run)
    db.session.flush()
    for value in ("0.0006532", "7.66417", "12345678901234.0000000001"):
        db.session.add(ReferenceRate(base_currency="USD", quote_currency="GTQ", rate=Decimal(value),
                                     as_of=dt.date(2025, 12, 26), source="t", import_id=run.id))
    db.session.commit()
    db.session.expire_all()
    rates = db.session.execute(select(ReferenceRate.rate).order_by(ReferenceRate.id)).scalars().all()
    assert rates == [Decimal("0.0006532"), Decimal("7.66417"), Decimal("12345678901234.0000000001")]
    assert all(isinstance(r, Decimal) for r in rates)


def test_floats_are_refused():
    column = ExactDecimal(18, 4)
    with pytest.raises(TypeError):
        column.process_bind_param(9.99, dialect=type("D", (), {"name": "sqlite"})())


@settings(max_examples=200)
@given(st.decimals(min_value=Decimal("-99999999999999"), max_value=Decimal("99999999999999"), places=4,
                   allow_nan=False, allow_infinity=False))
def test_text_storage_round_trips_every_money_value(value):
    column = ExactDecimal(18, 4)
    sqlite = type("D", (), {"name": "sqlite"})()
    assert column.process_result_value(column.process_bind_param(value, sqlite), sqlite) == value
