"""RPW's published corridor averages: imported as `remit import rpw` reads every layout (all or nothing,
problems by row and column, a re-import changes nothing), answered as statistics with `basis` published."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from remit import codes
from remit.extensions import db
from remit.importers import run_import
from remit.models import Corridor, PublishedAverage
from remit.services import history

from .. import seeds
from ..conftest import table_counts

TREND = seeds.canada_trend()  # RPW's published figures of Canada's 15 corridors, 2024 Q3 to 2025 Q3
HEADER = "source_code,destination_code,quarter,avg_cost_pct,cheapest_cost_pct\n"


def import_rpw(data: bytes, name="averages.csv", **kwargs):
    return run_import("rpw", data, name, actor="test", **kwargs)


def in_force():
    return db.session.execute(
        select(Corridor.send_country + "-" + Corridor.receive_country, PublishedAverage.period,
               PublishedAverage.avg_cost_pct, PublishedAverage.cheapest_cost_pct)
        .join(Corridor, Corridor.id == PublishedAverage.corridor_id)
        .where(PublishedAverage.retired_by_import_id.is_(None))
        .order_by(Corridor.receive_country, PublishedAverage.period)).all()


def test_the_60_published_figures_are_stored_as_published(app):
    report = import_rpw(TREND, "trend.csv")
    assert report.ok, report.problems
    assert (report.rows, report.added) == (60, 60)
    source = seeds.rows(TREND)
    stored = {(code, period): (average, cheapest) for code, period, average, cheapest in in_force()}
    assert len(stored) == len(source) == 60
    for row in source:
        key = (f"CA-{codes.country(row['destination_code'])}", f"{row['quarter'][:4]}Q{row['quarter'][5]}")
        assert stored[key] == (Decimal(row["avg_cost_pct"]), Decimal(row["cheapest_cost_pct"])), key
    # Every value as the World Bank wrote it (6.0 is 6, -2.3 a promotion beating the mid-market rate).
    assert stored[("CA-KE", "2025Q3")] == (Decimal("6.0"), Decimal("0.86"))
    assert stored[("CA-GH", "2025Q3")] == (Decimal("5.42"), Decimal("-2.3"))
    assert stored[("CA-IN", "2024Q3")] == (Decimal("5.28"), Decimal("1.29"))
    corridor = db.session.execute(select(Corridor).where(Corridor.receive_country == "ZW")).scalar_one()
    assert (corridor.send_currency, corridor.receive_currency) == ("CAD", "USD")  # Zimbabwe pays out in dollars


def test_reimport_changes_nothing_and_a_corrected_figure_keeps_the_old_one(app):
    assert import_rpw(TREND, "trend.csv").ok
    before = table_counts()
    # The same figures written otherwise (another file, rows reordered, 6.00 for 6.0): nothing changes.
    lines = TREND.decode().splitlines()
    rewritten = "\n".join([lines[0]] + list(reversed(lines[1:]))).replace("CAN,KEN,2025Q3,6.0,", "CAN,KEN,2025_3Q,6.00,")
    again = import_rpw(rewritten.encode(), "same-figures.csv")
    assert again.ok and again.import_id is None and (again.unchanged, again.added, again.changed) == (60, 0, 0)
    assert table_counts() == before
    corrected = import_rpw((HEADER + "CAN,IND,2024_3Q,5.3,1.29\nCAN,IND,2025_2Q,4.9,\n").encode())
    assert (corrected.added, corrected.changed, corrected.retired, corrected.unchanged) == (1, 1, 0, 0)
    india = [(p, a, c) for code, p, a, c in in_force() if code == "CA-IN"]
    assert india[:2] == [("2024Q3", Decimal("5.3"), Decimal("1.29")), ("2024Q4", Decimal("5.13"), Decimal("1.53"))]
    assert ("2025Q2", Decimal("4.9"), None) in india
    # The other 59 are untouched; the old 5.28 is kept, retired by the correction.
    assert len(in_force()) == 61 and db.session.scalar(select(func.count()).select_from(PublishedAverage)) == 62
    history.revert(corrected.import_id, actor="test")
    db.session.commit()
    assert [(p, a) for code, p, a, _ in in_force() if code == "CA-IN"][:1] == [("2024Q3", Decimal("5.28"))]
    assert len(in_force()) == 60


def test_bad_rows_refuse_the_whole_file_with_row_and_column(app):
    before = table_counts()
    bad = (HEADER + "CAN,IND,2024_3Q,5.28,1.29\n"  # row 2 is fine
           "CAN,IND,2024-Q3,5.13,1.53\n"  # bad quarter
           "CAN,XYZ,2024_4Q,5.13,1.53\n"  # unknown country
           "CAN,IND,2025_1Q,about 5,1.43\n"  # not a number
           "CAN,IND,2025_3Q,4.28,5.1\n"  # cheapest above the average
           "CAN,IND,2024Q3,5.28,1.29\n"  # the same corridor-quarter as row 2
           "CAN,CAN,2024_3Q,5.28,1.29\n"
           "CAN,IND,2099_1Q,5.28,1.29\n"
           "CAN,IND,2023_4Q,,1.29\n")
    report = import_rpw(bad.encode())
    assert not report.ok and report.import_id is None and table_counts() == before
    problems = [str(p) for p in report.problems]
    # The one rule for numbers (remit.inputs.parse_plain_decimal) says how to write one.
    assert problems[2].startswith("row 5, column avg_cost_pct: ") and "is not a plain number" in problems[2]
    assert problems[:2] + problems[3:] == [
        "row 3, column quarter: '2024-Q3' is not a quarter (write 2011Q1 or RPW's 2011_1Q)",
        "row 4, column destination_code: unknown country code 'XYZ' (use ISO 3166-1 alpha-2 or alpha-3)",
        "row 6, column cheapest_cost_pct: the cheapest quote cannot cost more than the average (4.28)",
        "row 7, column quarter: row 2 already gives CA-IN in 2024Q3",
        "row 8, column destination_code: must differ from source_code",
        "row 9, column quarter: 2099Q1 has not begun: nothing can be published for it yet",
        "row 10, column avg_cost_pct: a value is required",
    ]
    missing = import_rpw(b"source_code,destination_code,quarter,avg_cost_pct,cheapest\nCAN,IND,2024_3Q,5.28,1.29\n")
    assert [str(p) for p in missing.problems] == [
        "row 1, column cheapest: unknown column; expected one of: source_code, source_name, destination_code, "
        "destination_name, quarter, avg_cost_pct, cheapest_cost_pct"]
    assert table_counts() == before


def test_a_dry_run_previews_and_writes_nothing(app):
    report = import_rpw((HEADER + "CAN,IND,2024_3Q,5.28,1.29\n").encode(), dry_run=True)
    assert report.ok and report.added == 1 and report.import_id is None
    assert [(line.action, line.subject, line.changes) for line in report.preview] == [
        ("add", "CA-IN 2024Q3: published average", (("avg_cost_pct", "", "5.28"), ("cheapest_cost_pct", "", "1.29")))]
    assert table_counts()["published_averages"] == 0


def test_the_import_page_lists_the_figures_it_added_and_can_revert_them(app, client):
    from ..admin.test_admin_imports import login

    first = import_rpw((HEADER + "CAN,IND,2024_3Q,5.28,1.29\n").encode())
    second = import_rpw((HEADER + "CAN,IND,2024_3Q,5.3,1.29\n").encode())
    login(client, "admin")
    page = client.get(f"/admin/imports/{second.import_id}?lang=en").get_data(as_text=True)
    assert "CA-IN 2024Q3</td><td>published average</td><td class=\"num\">5.30%" in page
    assert "5.28%" in page  # the row it retired
    confirm = client.get(f"/admin/imports/{second.import_id}/confirm-revert?lang=en").get_data(as_text=True)
    assert "Reverting retires the 1 rows this import added and restores the 1 rows it retired." in confirm
    assert first.import_id < second.import_id
