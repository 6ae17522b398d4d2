"""The European Central Bank's euro reference rates, in its daily and history layouts: stored as EUR→X
rates of their day, and a rate between two other currencies derived from two rates of the same day."""
from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

from sqlalchemy import select

from remit.extensions import db
from remit.importers import run_import
from remit.importers.rates import ECB_SOURCE
from remit.models import ReferenceRate
from remit.services.rates import RateBook

from ..conftest import DATA, SEEDS, table_counts

DAILY = SEEDS / "rates" / "eurofxref_2026-10-30.csv"
HISTORY = DATA / "eurofxref-hist-excerpt.csv"
OCT_30 = dt.date(2026, 10, 30)


def import_rates(data: bytes, name="eurofxref.csv", **kwargs):
    return run_import("rates", data, name, actor="test", **kwargs)


def stored(day: dt.date) -> dict[str, Decimal]:
    return {quote: rate for quote, rate in db.session.execute(
        select(ReferenceRate.quote_currency, ReferenceRate.rate).where(
            ReferenceRate.base_currency == "EUR", ReferenceRate.as_of == day,
            ReferenceRate.retired_by_import_id.is_(None)))}


def history_rows() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(HISTORY.read_text())))


def test_the_daily_file_stores_each_euro_rate_of_its_day(app):
    report = import_rates(DAILY.read_bytes(), DAILY.name)
    assert report.ok, report.problems
    assert report.added == 29 and report.notes == []
    rates = stored(OCT_30)
    assert len(rates) == 29
    assert (rates["USD"], rates["CAD"], rates["INR"], rates["PHP"], rates["CNY"], rates["MXN"]) == (
        Decimal("1.1172"), Decimal("1.5606"), Decimal("106.0840"), Decimal("71.143"), Decimal("7.4326"),
        Decimal("21.1237"))
    assert set(db.session.execute(select(ReferenceRate.source)).scalars()) == {ECB_SOURCE}
    before = table_counts()
    again = import_rates(DAILY.read_bytes().replace(b"\n", b"\r\n"), "eurofxref-copy.csv")
    assert again.ok and again.import_id is None and again.unchanged == 29 and table_counts() == before


def test_the_history_layout_skips_not_quoted_cells_and_names_the_withdrawn_currencies(app):
    report = import_rates(HISTORY.read_bytes(), HISTORY.name)
    assert report.ok, report.problems
    expected = {(row["Date"], code): Decimal(value) for row in history_rows() for code, value in row.items()
                if code and code != "Date" and value not in ("N/A", "")
                and code not in {"CYP", "EEK", "LTL", "LVL", "MTL", "ROL", "SIT", "SKK", "TRL", "BGN", "HRK"}}
    assert report.added == len(expected)
    found = {(r.as_of.isoformat(), r.quote_currency): r.rate for r in db.session.execute(
        select(ReferenceRate)).scalars()}
    assert found == expected
    assert found[("2022-03-01", "RUB")] == Decimal("117.201") and ("2026-10-30", "RUB") not in found
    assert [str(note) for note in report.notes] == [
        "not imported: the columns BGN, CYP, EEK, LTL, LVL, MTL, ROL, SIT, SKK, HRK, TRL, currencies no longer "
        "in ISO 4217"]
    # The same days again, in another order: nothing changes.
    lines = HISTORY.read_text().splitlines()
    before = table_counts()
    again = import_rates(("\n".join([lines[0]] + lines[:0:-1]) + "\n").encode(), "history-reversed.csv")
    assert again.ok and again.import_id is None and again.unchanged == len(expected) and table_counts() == before


def test_cad_to_inr_is_the_ratio_of_the_two_euro_rates_of_that_day(app, client):
    """EUR→INR 106.0840 / EUR→CAD 1.5606 = 67.976419…: one Canadian dollar buys that many rupees."""
    assert import_rates(HISTORY.read_bytes(), HISTORY.name).ok
    book = RateBook.load(dt.date(2026, 12, 1))
    cad_inr = book.get("CAD", "INR")
    exact = Decimal("106.0840") / Decimal("1.5606")
    assert cad_inr.as_of == OCT_30 and cad_inr.derived
    places = Decimal(1).scaleb(-10)  # ReferenceRate.rate's scale
    assert cad_inr.rate.quantize(places) == exact.quantize(places) == Decimal("67.9764193259")
    assert str(cad_inr.source) == f"derived through EUR from the rates of 2026-10-30: {ECB_SOURCE}"
    # Both rates of one day: on 28 October the CAD rate alone would give another figure.
    row_28 = next(r for r in history_rows() if r["Date"] == "2026-10-28")
    assert cad_inr.rate != Decimal(row_28["INR"]) / Decimal("1.5606")
    # The inverse, and a pair through the euro where one currency stopped being quoted: the latest day
    # both were (the rouble's last, 1 March 2022), never one day's rate with another's.
    assert book.get("INR", "CAD").rate.quantize(places) == (1 / exact).quantize(places)
    cad_rub = book.get("CAD", "RUB")
    row_1 = next(r for r in history_rows() if r["Date"] == "2022-03-01")
    assert (cad_rub.as_of, cad_rub.rate) == (dt.date(2022, 3, 1), Decimal(row_1["RUB"]) / Decimal(row_1["CAD"]))
    # No rate reaches the Kenyan shilling: none is made up.
    assert book.get("CAD", "KES") is None


def test_a_newer_euro_cross_replaces_an_older_rate_and_the_same_day_keeps_the_pairs_own(app):
    own = b"base_currency,quote_currency,rate,as_of,source\nUSD,CAD,1.3802,2025-12-31,Bank of Canada\n"
    assert import_rates(own, "boc.csv").ok
    assert import_rates(DAILY.read_bytes(), DAILY.name).ok
    book = RateBook.load(dt.date(2026, 12, 1))
    usd_cad = book.get("USD", "CAD")
    assert (usd_cad.as_of, usd_cad.rate) == (OCT_30, Decimal("1.5606") / Decimal("1.1172"))
    # As of a day before the ECB's, the Bank of Canada's is the latest.
    assert book.get("USD", "CAD").derived and not RateBook.load(dt.date(2026, 10, 29)).get("USD", "CAD").derived
    same_day = b"base_currency,quote_currency,rate,as_of,source\nUSD,CAD,1.3969,2026-10-30,Bank of Canada\n"
    assert import_rates(same_day, "boc-same-day.csv").ok
    chosen = RateBook.load(dt.date(2026, 12, 1)).get("USD", "CAD")
    assert (chosen.rate, chosen.source, chosen.derived) == (Decimal("1.3969"), "Bank of Canada", False)


def test_quotes_where_no_rate_reaches_the_receive_currency_say_not_available(seeded, client):
    """Canada→Kenya: the ECB does not publish KES. The quotes give their costs in percent and money,
    and no amount received."""
    quotes = client.get("/api/v1/quotes?send=CA&receive=KE&amount=500&currency=CAD").json
    assert quotes and all(q["receive_amount"] is None and q["reference_rate"] is None for q in quotes)
    assert all(q["total_cost_pct"] is not None and q["fee"] is not None for q in quotes)
    assert all("estimate" in q["warnings"] for q in quotes)  # CAD 500 is neither survey price point
    page = client.get("/compare?send=CA&receive=KE&mode=send&amount=500&lang=en").get_data(as_text=True)
    assert "remit holds no reference rate for KES, so it cannot say how much the family receives" in page
    assert page.count("not available</span>") == len(quotes)
    # Canada→India: the ECB publishes both; the amount received rests on the euro cross of 30 October 2026.
    india = client.get("/api/v1/quotes?send=CA&receive=IN&amount=500&currency=CAD").json
    rate = Decimal("106.0840") / Decimal("1.5606")
    assert india[0]["reference_rate"] == str(rate.quantize(Decimal("0.000001")))
    assert india[0]["reference_rate_as_of"] == "2026-10-30"
    assert india[0]["reference_rate_source"].startswith("derived through EUR from the rates of 2026-10-30")
    assert all(q["receive_amount"] is not None for q in india if q["transparent"])


def test_bad_ecb_files_are_refused_with_row_and_column(app):
    before = table_counts()
    header = "Date, USD, CAD, INR, \n"
    bad = (header + "30 October 2026, 1.1172, 1.5606, 106.0840, \n"
           "31 Octobre 2026, 1.1172, 1.5606, 106.0840, \n"
           "2026-10-29, 1.113, one, 106.0345, \n"
           "2026-10-28, 1.1133, -1.55, 106.1, \n"
           "30 October 2026, 1.1172, 1.5606, 106.0840, \n")
    report = import_rates(bad.encode())
    problems = [str(p) for p in report.problems]
    assert not report.ok and table_counts() == before
    assert problems[0] == ("row 3, column Date: '31 Octobre 2026' is not a date (the ECB writes 2026-10-30 or "
                           "30 October 2026)")
    assert problems[1].startswith("row 4, column CAD: ")
    assert problems[2:] == ["row 5, column CAD: must be greater than 0, not -1.55",
                            "row 6, column Date: row 2 already gives the rates of 2026-10-30"]
    unknown = import_rates(b"Date,USD,XYZ,EUR\n2026-10-30,1.1172,1,1\n")
    assert [str(p) for p in unknown.problems] == [
        "row 1, column XYZ: unknown currency code 'XYZ' (use ISO 4217, e.g. CAD)",
        "row 1, column EUR: every rate of this file is from the euro: a EUR column cannot be one of them"]
    assert table_counts() == before
