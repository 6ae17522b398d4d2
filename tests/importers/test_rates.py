import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from remit.extensions import db
from remit.importers import run_import
from remit.importers.rates import HEADER
from remit.models import ReferenceRate

from ..conftest import SEEDS, table_counts
from .helpers import csv_bytes, xlsx_bytes

SEED_RATES = SEEDS / "rates" / "reference_rates_2025-12.csv"


def import_rates(data: bytes, name="rates.csv", **kwargs):
    return run_import("rates", data, name, actor="test", **kwargs)


def rate(**changes):
    return {"base_currency": "USD", "quote_currency": "GTQ", "rate": "7.66417", "as_of": "2025-12-26",
            "source": "Banco de Guatemala"} | changes


def test_seed_rates_are_stored_exactly_with_date_and_source(app):
    report = import_rates(SEED_RATES.read_bytes())
    assert report.ok and report.added == 4
    stored = db.session.execute(select(ReferenceRate).where(ReferenceRate.quote_currency == "GTQ")).scalar_one()
    assert stored.rate == Decimal("7.66417")
    assert stored.as_of == dt.date(2025, 12, 26)
    assert stored.source.startswith("Banco de Guatemala")


def test_reimport_changes_nothing_and_a_corrected_rate_keeps_the_old_one(app):
    import_rates(csv_bytes([rate()], HEADER))
    before = table_counts()
    again = import_rates(csv_bytes([rate()], HEADER))
    assert again.import_id is None and again.unchanged == 1 and table_counts() == before
    corrected = import_rates(csv_bytes([rate(rate="7.6642"), rate(as_of="2025-12-29", rate="7.665")], HEADER))
    assert (corrected.added, corrected.changed) == (1, 1)
    rows = db.session.execute(select(ReferenceRate).order_by(ReferenceRate.id)).scalars().all()
    assert [(r.rate, r.retired_by_import_id is None) for r in rows] == [
        (Decimal("7.66417"), False), (Decimal("7.6642"), True), (Decimal("7.665"), True)]


def test_xlsx_rates_arrive_exact(app):
    report = import_rates(xlsx_bytes([HEADER, ["usd", "mxn", 17.9248, dt.date(2025, 12, 26), "Banxico FIX"]]),
                          "rates.xlsx")
    assert report.ok, report.problems
    assert db.session.execute(select(ReferenceRate.rate)).scalar_one() == Decimal("17.9248")


def problems(data: bytes) -> list[str]:
    before = table_counts()
    report = import_rates(data)
    assert not report.ok and table_counts() == before
    return [str(p) for p in report.problems]


def test_bad_rates_are_refused_with_row_and_column(app):
    assert problems(csv_bytes([rate(rate="0")], HEADER)) == ["row 2, column rate: must be greater than 0, not 0"]
    assert problems(csv_bytes([rate(quote_currency="USD")], HEADER)) == [
        "row 2, column quote_currency: must differ from base_currency"]
    assert problems(csv_bytes([rate(source="")], HEADER)) == ["row 2, column source: a value is required"]
    assert problems(csv_bytes([rate(), rate(rate="7.7")], HEADER)) == [
        "row 3, column as_of: row 2 already gives USD→GTQ on 2025-12-26"]
    assert problems(csv_bytes([rate(as_of="26/12/2025")], HEADER)) == [
        "row 2, column as_of: '26/12/2025' is not a date in the form YYYY-MM-DD"]
    assert problems(csv_bytes([rate()], HEADER[:-1])) == ["row 1, column source: missing column"]
