"""Fee-table imports: what is written, what is kept, and every bad file refused with its row and column."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from remit.extensions import db
from remit.importers import run_import
from remit.models import FeeTier, ImportRun, Product, Provider, Region
from remit.services.exports import fee_table_csv

from ..conftest import SEEDS, table_counts
from .helpers import FEE_HEADER, csv_bytes, fee_row, xlsx_bytes

SEED_FEES = SEEDS / "fees" / "CA-GT_illustrative_fee_table.csv"


def import_fees(data: bytes, name: str = "fees.csv", **kwargs):
    return run_import("fees", data, name, actor="test", **kwargs)


def two_bands(**changes):
    return [fee_row(**changes), fee_row(min_amount="2500.00", max_amount="10000.00", fee_fixed="20.00", **changes)]


def test_seed_fee_table_is_stored_with_exact_values(app):
    report = import_fees(SEED_FEES.read_bytes(), SEED_FEES.name)
    assert report.ok and report.added == 13 and report.import_id is not None
    tier = db.session.execute(
        select(FeeTier).join(Product).join(Provider)
        .where(Provider.name == "Illustrative Money Transfer A", FeeTier.min_amount == Decimal("500.01"))
    ).scalar_one()
    assert tier.fee_fixed == Decimal("11.99")
    assert tier.max_amount == Decimal("1000.00")
    assert tier.fx_margin_pct == Decimal("2.5")
    assert tier.product.payout_method == "cash_pickup"
    assert tier.regions == "GT-01;GT-09;GT-12;GT-13;GT-14;GT-16"
    assert tier.source.startswith("Illustrative, not observed")
    assert tier.effective_from == dt.date(2026, 1, 1) and tier.effective_to is None
    provider = db.session.execute(select(Provider).where(Provider.slug == "illustrative-credit-union")).scalar_one()
    assert provider.type == "credit_union"
    # Guatemala's departments come with the country.
    assert db.session.get(Region, "GT-13").name == "Huehuetenango"


def test_importing_the_same_file_again_changes_nothing(app):
    data = SEED_FEES.read_bytes()
    import_fees(data)
    before = table_counts()
    report = import_fees(data)
    assert report.ok and report.import_id is None
    assert (report.added, report.changed, report.retired, report.unchanged) == (0, 0, 0, 13)
    assert table_counts() == before


def test_a_changed_fee_retires_the_old_tier_and_keeps_it(app):
    first = import_fees(csv_bytes(two_bands()))
    changed = two_bands()
    changed[0]["fee_fixed"] = "17.50"
    for row in changed:
        row["effective_from"] = "2026-03-01"
    second = import_fees(csv_bytes(changed))
    assert (second.added, second.changed, second.retired, second.unchanged) == (0, 2, 0, 0)
    tiers = db.session.execute(select(FeeTier).order_by(FeeTier.id)).scalars().all()
    assert len(tiers) == 4  # nothing deleted
    old_low, old_high, new_low, new_high = tiers
    assert old_low.fee_fixed == Decimal("15.00") and old_low.retired_on == dt.date(2026, 3, 1)
    assert old_low.retired_by_import_id == second.import_id and old_low.import_id == first.import_id
    assert new_low.fee_fixed == Decimal("17.50") and new_low.retired_by_import_id is None
    assert new_high.effective_from == dt.date(2026, 3, 1)


def test_illustrative_is_a_flag_of_the_data(app):
    """The seed's thirteen rows say `illustrative` yes; a file without the column, or with it empty, is
    observed prices; flagging a table that was not is a change to each of its bands."""
    assert import_fees(SEED_FEES.read_bytes()).ok
    flags = db.session.execute(select(Provider.name, FeeTier.illustrative).join(FeeTier.product).join(Product.provider)
                               ).all()
    assert len(flags) == 13 and all(flag is True for _, flag in flags)
    without_column = csv_bytes(two_bands(), header=[h for h in FEE_HEADER if h != "illustrative"])
    assert import_fees(without_column).ok
    assert db.session.execute(select(FeeTier.illustrative).join(FeeTier.product).join(Product.provider)
                              .where(Provider.name == "Test Bank")).scalars().all() == [False, False]
    flagged = import_fees(csv_bytes(two_bands(illustrative="Yes")))
    assert (flagged.added, flagged.changed, flagged.unchanged) == (0, 2, 0)
    assert [row.changes for row in flagged.preview][0][-1] == ("illustrative", "no", "yes")
    assert import_fees(csv_bytes(two_bands(illustrative="yes"))).import_id is None  # as stored: nothing to do


def test_a_band_left_out_is_retired_and_other_products_are_kept(app):
    other = fee_row(provider="Other Bank", product="Other wire")
    import_fees(csv_bytes(two_bands() + [other]))
    report = import_fees(csv_bytes([fee_row()]))
    assert (report.added, report.changed, report.retired, report.unchanged) == (0, 0, 1, 1)
    current = db.session.execute(
        select(Provider.name, FeeTier.min_amount).join(FeeTier.product).join(Product.provider)
        .where(FeeTier.retired_by_import_id.is_(None)).order_by(Provider.name)
    ).all()
    assert current == [("Other Bank", Decimal("1.00")), ("Test Bank", Decimal("1.00"))]


def test_dry_run_reports_and_writes_nothing(app):
    before = table_counts()
    report = import_fees(SEED_FEES.read_bytes(), dry_run=True)
    assert report.ok and report.added == 13 and report.import_id is None
    assert table_counts() == before


def test_export_then_import_into_an_empty_database_exports_byte_identical(app):
    import_fees(SEED_FEES.read_bytes())
    import_fees(csv_bytes([fee_row(provider="Ünïcode Bänk", product="Wire, \"quoted\"", fee_fixed="0.5",
                                   fee_percent="1.25", fx_margin_pct="-0.41", regions="GT-HU;gt-09",
                                   effective_to="2026-12-31")]))
    first = fee_table_csv()
    from ..conftest import _empty_tables

    _empty_tables()
    assert table_counts()["fee_tiers"] == 0
    report = import_fees(first.encode("utf-8"))
    assert report.ok and report.added == 14
    assert fee_table_csv() == first
    # The seed file itself is written in the export's canonical form.
    assert SEED_FEES.read_text(encoding="utf-8") in first.replace(
        'Ünïcode Bänk,bank,"Wire, ""quoted""",CA,GT,CAD,GTQ,bank_account,bank_account,2_days,1.00,2499.99,0.50,1.25,-0.41,'
        '2026-01-01,2026-12-31,passport,GT-09;GT-13,test data\n', "")


def test_former_region_codes_are_read_as_the_current_ones(app):
    import_fees(csv_bytes([fee_row(regions="GT-HU; GT-QZ")]))
    assert db.session.execute(select(FeeTier.regions)).scalar_one() == "GT-09;GT-13"


def test_xlsx_file_imports_like_the_csv(app):
    rows = [FEE_HEADER] + [[row[h] for h in FEE_HEADER] for row in two_bands()]
    # A spreadsheet types numbers and dates: they must arrive exact.
    rows[1][FEE_HEADER.index("fee_fixed")] = 9.99
    rows[1][FEE_HEADER.index("fx_margin_pct")] = 2.5
    rows[1][FEE_HEADER.index("effective_from")] = dt.datetime(2026, 1, 1)
    report = import_fees(xlsx_bytes(rows), "fees.xlsx")
    assert report.ok, report.problems
    fees = db.session.execute(select(FeeTier.fee_fixed, FeeTier.fx_margin_pct).order_by(FeeTier.id)).all()
    assert fees == [(Decimal("9.99"), Decimal("2.5")), (Decimal("20.00"), Decimal("2"))]


def test_semicolon_separated_csv_from_a_spanish_spreadsheet_is_read(app):
    data = csv_bytes([fee_row()]).decode().replace(",", ";").encode()
    report = import_fees(data)
    assert report.ok, report.problems
    assert report.added == 1


def test_import_log_records_who_what_and_counts(app):
    data = SEED_FEES.read_bytes()
    report = import_fees(data, "tabla.csv")
    run = db.session.get(ImportRun, report.import_id)
    assert (run.kind, run.filename, run.actor, run.result) == ("fees", "tabla.csv", "test", "applied")
    assert (run.rows, run.added, run.changed, run.retired) == (13, 13, 0, 0)
    import hashlib

    assert run.sha256 == hashlib.sha256(data).hexdigest()


def problems_of(data: bytes, name: str = "bad.csv") -> list[str]:
    before = table_counts()
    report = import_fees(data, name)
    assert not report.ok
    assert table_counts() == before, "a rejected file must leave the database unchanged"
    return [str(p) for p in report.problems]


@pytest.fixture
def with_existing_data(app):
    import_fees(SEED_FEES.read_bytes())


BAD_FILES = {
    "missing column": (
        csv_bytes([fee_row()], header=[h for h in FEE_HEADER if h != "fee_fixed"]),
        "row 1, column fee_fixed: missing column"),
    "unknown country": (
        csv_bytes([fee_row(), fee_row(min_amount="2500", max_amount="3000", receive_country="XX")]),
        "row 3, column receive_country: unknown country code 'XX' (use ISO 3166-1 alpha-2 or alpha-3)"),
    "unknown currency": (
        csv_bytes([fee_row(send_currency="CAX")]),
        "row 2, column send_currency: unknown currency code 'CAX' (use ISO 4217, e.g. CAD)"),
    "negative amount": (
        csv_bytes([fee_row(fee_fixed="-5.00")]),
        "row 2, column fee_fixed: must not be negative"),
    "non-numeric amount": (
        csv_bytes([fee_row(max_amount="lots")]),
        "row 2, column max_amount: 'lots' is not a number"),
    "overlapping bands": (
        csv_bytes([fee_row(), fee_row(min_amount="2000.00", max_amount="5000.00")]),
        "row 3, column min_amount: band 2000.00–5000.00 overlaps row 2's band 1.00–2499.99 of the same product"),
    "min above max": (
        csv_bytes([fee_row(min_amount="500.00", max_amount="100.00")]),
        "row 2, column min_amount: 500.00 is above max_amount 100.00"),
    "date in the wrong format": (
        csv_bytes([fee_row(effective_from="01/03/2026")]),
        "row 2, column effective_from: '01/03/2026' is not a date in the form YYYY-MM-DD"),
    "impossible date": (
        csv_bytes([fee_row(effective_from="2026-02-30")]),
        "row 2, column effective_from: '2026-02-30' is not a real date"),
    "too many decimals for the currency": (
        csv_bytes([fee_row(fee_fixed="9.999")]),
        "row 2, column fee_fixed: “9.999” has more decimals than CAD allows (2); a file takes plain numbers, so a "
        "thousand is 1000"),
    "empty required cell": (
        csv_bytes([fee_row(product="")]),
        "row 2, column product: a value is required"),
    "unknown provider type": (
        csv_bytes([fee_row(provider_type="casino")]),
        "row 2, column provider_type: 'casino' is not one of: bank, mto, post, mobile, credit_union, other"),
    "region of another country": (
        csv_bytes([fee_row(regions="MX-CMX")]),
        "row 2, column regions: MX-CMX is not a region of the receiving country GT"),
    "formula in a text cell": (
        csv_bytes([fee_row(provider="=HYPERLINK(\"http://x\")")]),
        "row 2, column provider: must not start with '=' (spreadsheets read it as a formula)"),
    "illustrative neither yes nor no": (
        csv_bytes([fee_row(illustrative="maybe")]),
        "row 2, column illustrative: 'maybe' is not yes or no"),
    "empty file": (b"", "row 1: the file is empty: expected a header row and data rows"),
    "header only": (csv_bytes([]), "row 2: the file has a header but no data rows"),
    "non-UTF-8 file": (
        csv_bytes([fee_row(), fee_row(min_amount="2500", max_amount="3000", provider="Banco Café")])
        .decode().encode("latin-1"),
        "row 3: the file is not UTF-8 text (byte 0xe9 cannot be read); save it as 'CSV UTF-8' and import it again"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_is_refused_naming_row_and_column(with_existing_data, case):
    data, expected = BAD_FILES[case]
    assert expected in problems_of(data)


def test_corrupt_xlsx_is_refused(with_existing_data):
    good = xlsx_bytes([FEE_HEADER, [fee_row()[h] for h in FEE_HEADER]])
    corrupt = good[: len(good) // 2]
    problems = problems_of(corrupt, "fees.xlsx")
    assert problems == [p for p in problems if p.startswith("file: the file is not a readable XLSX workbook")]
    assert problems_of(b"not a workbook at all", "fees.xlsx") == ["file: 'fees.xlsx' is not a readable XLSX workbook"]


def test_every_problem_in_a_file_is_reported_at_once(with_existing_data):
    problems = problems_of(csv_bytes([
        fee_row(send_country="ZZ"), fee_row(min_amount="2500", max_amount="3000", fee_percent="abc"),
        fee_row(min_amount="4000", max_amount="5000", speed="slow"),
    ]))
    assert [p.split(":")[0] for p in problems] == [
        "row 2, column send_country", "row 3, column fee_percent", "row 4, column speed"]


def test_unknown_and_repeated_columns_are_refused(app):
    problems = problems_of(csv_bytes([fee_row()], header=FEE_HEADER + ["fee_fix"]))
    assert problems[0].startswith("row 1, column fee_fix: unknown column; expected one of: provider, provider_type")
    data = csv_bytes([fee_row()]).decode().replace("illustrative\n", "illustrative,Provider\n", 1).encode()
    assert "row 1, column Provider: column provider appears twice" in problems_of(data)


def test_one_provider_with_two_types_is_refused(app):
    problems = problems_of(csv_bytes([fee_row(), fee_row(product="Cash", provider_type="mto")]))
    assert problems == ["row 3, column provider_type: 'mto' differs from row 2 ('bank') for provider Test Bank"]


def test_currencies_must_be_the_countries_and_id_types_the_vocabulary(app):
    problems = problems_of(csv_bytes([
        fee_row(send_currency="EUR"),
        fee_row(min_amount="2500", max_amount="3000", receive_currency="MXN"),
        fee_row(min_amount="3001", max_amount="4000", accepted_ids="passport;library_card"),
    ]))
    assert problems == [
        "row 2, column send_currency: EUR is not a currency of CA (CAD)",
        "row 3, column receive_currency: MXN is not a currency of GT (GTQ, USD)",
        "row 4, column accepted_ids: 'library_card' is not an ID type remit knows (passport, consular_id, national_id, "
        "permanent_resident_card, work_permit, drivers_licence)",
    ]
    # US dollars paid out in Guatemala are a declared exception; every ID type of the vocabulary is read.
    report = import_fees(csv_bytes([fee_row(receive_currency="USD", accepted_ids="national_id;consular_id")]))
    assert report.ok, report.problems
