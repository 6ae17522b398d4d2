"""RPW survey imports: real World Bank rows stored with their values unchanged."""
from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

from sqlalchemy import func, select

from remit.extensions import db
from remit.importers import run_import
from remit.models import Corridor, Provider, SurveyObservation, SurveyPricePoint

from .. import seeds
from ..conftest import SEEDS, table_counts
from .helpers import xlsx_bytes

RAW = SEEDS / "rpw" / "rpw_raw_excerpt_EastAfrica_2011Q1.csv"
# The 2025 Q3 quotes of USA→Mexico, USA→Guatemala and Canada→Philippines (226 rows of the seed file).
QUOTES = seeds.quotes(*seeds.USA, ("CAN", "PHL"))


def import_rpw(data: bytes, name="rpw.csv", **kwargs):
    return run_import("rpw", data, name, actor="test", **kwargs)


def current_observations():
    return db.session.execute(
        select(SurveyObservation).where(SurveyObservation.retired_by_import_id.is_(None))
        .order_by(SurveyObservation.id)
    ).scalars().all()


def dec(text: str) -> Decimal | None:
    return Decimal(text) if text.strip() else None


def test_raw_excerpt_stores_its_36_observations_with_values_unchanged(app):
    report = import_rpw(RAW.read_bytes(), RAW.name)
    assert report.ok, report.problems
    assert report.added == 36
    source_rows = [r for r in csv.DictReader(io.StringIO(RAW.read_text())) if r["FIRM"]]
    stored = current_observations()
    assert len(stored) == len(source_rows) == 36
    for row, obs in zip(source_rows, stored):
        assert obs.period == "2011Q1"
        assert (obs.corridor.send_country, obs.corridor.receive_country) == ("TZ", row["CORRIDOR"][3:5])
        assert obs.firm == row["FIRM"] and obs.firm_type == (row["FIRM_TYPE"] or None)
        assert obs.instrument == (row["PAYMENT INSTRUMENT"] or None)
        assert obs.speed == (row["SPEED ACTUAL"] or None)
        assert obs.pickup_method == (row["PICK-UP METHOD"] or None)
        assert obs.note1 == (row["NOTE1"] or None) and obs.note2 is None
        assert obs.interbank_rate == dec(row["INTER LCU BANK FX"])
        assert obs.transparent is True
        assert obs.surveyed_on == dt.date(2011, 1, 24)
        cc1, cc2 = obs.price_points
        for point, prefix in ((cc1, "CC1"), (cc2, "CC2")):
            assert point.amount_usd == dec(row[f"{prefix} DENOMINATION AMOUNT"])
            assert point.amount_lcu == dec(row[f"{prefix} LCU AMOUNT"])
            assert point.lcu_code == row[f"{prefix} LCU CODE"] == "TZS"
            assert point.fee_lcu == dec(row[f"{prefix} LCU FEE"])
            assert point.fx_rate == dec(row[f"{prefix} LCU FX RATE"])
            assert point.fx_margin_pct == dec(row[f"{prefix} FX MARGIN"])
            assert point.total_cost_pct == dec(row[f"{prefix} TOTAL COST %"])
    # The promotion with a negative FX margin is kept as RPW recorded it.
    assert any(p.fx_margin_pct == Decimal("-0.41") for o in stored for p in o.price_points)
    moneygram = db.session.execute(select(Provider).where(Provider.slug == "moneygram")).scalar_one()
    assert moneygram.type == "mto"


def test_raw_excerpt_imported_twice_is_stored_once(app):
    import_rpw(RAW.read_bytes())
    before = table_counts()
    again = import_rpw(RAW.read_bytes())
    assert again.ok and again.import_id is None and again.unchanged == 36
    assert table_counts() == before
    assert db.session.scalar(select(func.count()).select_from(SurveyObservation)) == 36


def test_2025_quotes_file_is_stored_per_corridor(app):
    report = import_rpw(QUOTES, "quotes.csv")
    assert report.ok and report.added == 226
    counts = dict(db.session.execute(
        select(Corridor.send_country + "-" + Corridor.receive_country, func.count())
        .join(SurveyObservation, SurveyObservation.corridor_id == Corridor.id).group_by(Corridor.id)
    ).all())
    assert counts == {"US-MX": 92, "US-GT": 60, "CA-PH": 74}
    corridor = db.session.execute(select(Corridor).where(Corridor.receive_country == "PH")).scalar_one()
    assert (corridor.send_currency, corridor.receive_currency) == ("CAD", "PHP")
    walmart = db.session.execute(
        select(SurveyPricePoint).join(SurveyObservation).join(Corridor).where(
            Corridor.receive_country == "MX", SurveyObservation.firm == "Walmart2World",
            SurveyPricePoint.amount_usd == 200, SurveyObservation.instrument == "Debit card")
        .order_by(SurveyObservation.id)
    ).scalars().first()  # the file's first such row to Mexico: without an order PostgreSQL may return another
    assert (walmart.fee_pct, walmart.fx_margin_pct, walmart.total_cost_pct, walmart.cost_usd) == (
        Decimal("0.0"), Decimal("-2.44"), Decimal("-2.44"), Decimal("-4.88"))
    assert walmart.observation.provider.type is None  # this file does not say what kind of firm it is


def test_reimport_replaces_only_the_corridor_quarters_in_the_file(app):
    import_rpw(RAW.read_bytes())
    import_rpw(QUOTES)
    lines = RAW.read_text().splitlines(keepends=True)
    kenya_only = [lines[0]] + [line for line in lines[1:] if "TZAKEN" in line]
    dropped = kenya_only.pop(3)  # one Kenya observation is no longer in the file
    changed = "".join(kenya_only).replace(",1.36,8.36,", ",1.40,8.40,", 1)
    report = import_rpw(changed.encode())
    assert report.ok, report.problems
    assert (report.added, report.changed, report.retired) == (0, 1, 1)
    firm = dropped.split(",")[5]
    assert firm
    kenya = [o for o in current_observations() if o.corridor.receive_country == "KE"]
    assert len(kenya) == len(kenya_only) - 1 == 11
    # Rwanda, Uganda and the 2025 corridors are untouched; nothing was deleted.
    assert len(current_observations()) == 36 + 226 - 1
    assert db.session.scalar(select(func.count()).select_from(SurveyObservation)) == 36 + 226 + 1


def test_2016_workbook_layout_is_read(app):
    """The sheet used from 2016Q2: lower-case names, extra columns remit does not keep (test values)."""
    header = ["period", "source_code", "source_name", "source_region", "destination_code", "destination_name",
              "firm", "firm_type", "payment instrument", "access point", "speed actual", "cc1 lcu amount",
              "cc1 denomination amount", "cc1 lcu code", "cc1 lcu fee", "cc1 lcu fx rate", "cc1 fx margin",
              "cc1 total cost %", "cc2 lcu amount", "cc2 lcu fee", "cc2 lcu fx rate", "cc2 fx margin",
              "cc2 total cost %", "inter lcu bank fx", "transparent", "receiving network coverage",
              "pickup location", "pickup method", "date", "corridor"]
    row = ["2016_2Q", "USA", "United States", "North America", "GTM", "Guatemala", "Example Bank", "Bank",
           "Account to account", "Branch", "3-5 days", 200, 200, "USD", 25, 7.5, 2.3, 14.8, 500, 25, 7.5, 2.3,
           7.3, 7.677, "Yes", "National", "Branch", "Bank account", "2016-05-10", "USAGTM"]
    report = import_rpw(xlsx_bytes([header, row]), "rpw2016.xlsx")
    assert report.ok, report.problems
    (obs,) = current_observations()
    assert (obs.period, obs.layout, obs.firm_type, obs.access_point, obs.speed) == (
        "2016Q2", "rpw_sheet_2016", "Bank", "Branch", "3-5 days")
    assert [p.amount_usd for p in obs.price_points] == [Decimal(200), Decimal(500)]
    assert obs.price_points[0].fx_rate == Decimal("7.5") and obs.interbank_rate == Decimal("7.677")
    assert obs.price_points[1].total_cost_pct == Decimal("7.3")


def test_non_transparent_row_is_kept_with_its_flag(app):
    text = RAW.read_text().splitlines()
    header, first = text[0], text[2]
    hidden = first.replace(",yes,", ",no,")
    report = import_rpw(f"{header}\n{hidden}\n".encode())
    assert report.ok
    assert current_observations()[0].transparent is False


def test_bad_rpw_rows_are_refused_with_row_and_column(app):
    lines = RAW.read_text().splitlines()
    header, row = lines[0], lines[2]
    bad = "\n".join([header, row.replace("2011_1Q", "2011-Q5", 1), row.replace("TZA,Tanzania", "XYZ,Nowhere", 1),
                     row.replace(",yes,", ",maybe,"), row.replace("24/Jan/2011", "Jan 24th")]) + "\n"
    before = table_counts()
    report = import_rpw(bad.encode())
    assert table_counts() == before
    assert [str(p) for p in report.problems] == [
        "row 2, column period: '2011-Q5' is not a quarter (write 2011Q1 or RPW's 2011_1Q)",
        "row 3, column source_code: unknown country code 'XYZ' (use ISO 3166-1 alpha-2 or alpha-3)",
        "row 4, column transparent: 'maybe' is not yes or no",
        "row 5, column date: 'Jan 24th' is not a date (RPW writes 24/Jan/2011; YYYY-MM-DD is read too)",
    ]
    missing = import_rpw(b"PERIOD,SOURCE_CODE,FIRM\n2011_1Q,TZA,X\n")
    assert "row 1, column destination_code: missing column" in [str(p) for p in missing.problems]


def test_a_local_currency_that_is_not_the_sending_countrys_is_refused(app):
    lines = RAW.read_text().splitlines()
    header, row = lines[0], lines[2]
    report = import_rpw(f"{header}\n{row.replace(',TZS,', ',KES,', 1)}\n".encode())
    assert [str(p) for p in report.problems] == ["row 2, column cc1_lcu_code: KES is not a currency of TZ (TZS)"]
