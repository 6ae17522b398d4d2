"""The World Bank DataBank's export of RPW's corridor averages, imported by `remit import rpw` as DataBank
writes it: each figure a published corridor average of the quarter its column names (all or nothing,
problems by row and column, a re-import changes nothing, revert)."""
from __future__ import annotations

import csv
import io
import re
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select

from remit import codes
from remit.extensions import db
from remit.importers import run_import
from remit.models import Corridor, PublishedAverage
from remit.services import history

from ..conftest import DATA, SEEDS, table_counts
from .helpers import xlsx_bytes

EXCERPT = DATA / "databank_rpw_corridors_excerpt.csv"
RAW_2011 = SEEDS / "rpw" / "rpw_raw_excerpt_EastAfrica_2011Q1.csv"


def import_rpw(data, name="databank.csv", **kwargs):
    return run_import("rpw", data, name, actor="test", **kwargs)


def in_force() -> dict[tuple[str, str], tuple[Decimal, Decimal | None]]:
    return {(f"{send}-{receive}", period): (average, cheapest) for send, receive, period, average, cheapest in
            db.session.execute(
                select(Corridor.send_country, Corridor.receive_country, PublishedAverage.period,
                       PublishedAverage.avg_cost_pct, PublishedAverage.cheapest_cost_pct)
                .join(Corridor, Corridor.id == PublishedAverage.corridor_id)
                .where(PublishedAverage.retired_by_import_id.is_(None)))}


def raw_figures(data: bytes) -> dict[tuple[str, str], str]:
    """(SEND-RECEIVE, quarter) → the figure as DataBank wrote it, read with nothing but `csv`."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header = rows[0]
    found = {}
    for row in rows[1:]:
        if len(row) < 7 or not row[1] or "ANT" in (row[1], row[5]):
            continue
        corridor = f"{codes.country(row[1])}-{codes.country(row[5])}"
        for column, text in zip(header[6:], row[6:]):
            if text != "..":
                found[(corridor, column[:6])] = text
    return found


def six_places(text: str) -> Decimal:
    return Decimal(text).quantize(Decimal("0.000001"), ROUND_HALF_UP)


def test_the_export_as_databank_writes_it_is_stored_figure_for_figure(app):
    data = EXCERPT.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfSending Countries Name,") and b"Receiving Countries  Code" in data
    report = import_rpw(data, EXCERPT.name)
    assert report.ok, report.problems
    raw = raw_figures(data)
    stored = in_force()
    assert report.rows == report.added == len(raw) == len(stored) == 3 * 35 + 20 + 35 + 18
    # Each figure as published, to the six decimals kept of a percentage; no cheapest quote.
    for key, text in raw.items():
        assert stored[key] == (six_places(text), None), key
    # DataBank writes 23.6175 as 23.6175003051758 (the single-precision number it keeps).
    assert stored[("TZ-KE", "2011Q1")] == (Decimal("23.6175"), None)
    assert stored[("TR-BG", "2020Q3")] == (Decimal("11.115"), None)  # written 11.1149997711182
    # Kosovo, KSV at the World Bank, is held as XK; the corridor sends euros, and pays out in euros.
    kosovo = db.session.execute(select(Corridor).where(Corridor.receive_country == "XK")).scalar_one()
    assert (kosovo.send_country, kosovo.send_currency, kosovo.receive_currency) == ("AT", "EUR", "EUR")
    # The Netherlands Antilles no longer exist: their figures are not imported, and the report says so.
    assert [str(note) for note in report.notes] == [
        "not imported: the figures of NLD→ANT, corridors of a country that no longer exists (ANT: Netherlands Antilles)"]
    assert not any("AN" in code for code, _ in stored)


def test_kosovo_is_xk_in_the_api(app, client):
    assert import_rpw(EXCERPT.read_bytes(), EXCERPT.name).ok
    for asked in ("XK", "xkx", "KSV"):
        listed = client.get(f"/api/v1/corridors?receive={asked}")  # the answer is checked against the OpenAPI document
        assert [c["code"] for c in listed.json] == ["AT-XK"], asked
    assert client.get("/api/v1/corridors/AUT-KSV/stats").json["corridor"] == "AT-XK"


def test_half_yearly_surveys_keep_their_quarter_and_cover_the_next(app, client):
    assert import_rpw(EXCERPT.read_bytes(), EXCERPT.name).ok
    stats = client.get("/api/v1/corridors/TZ-KE/stats").json
    periods = [t["period"] for t in stats["trend"]]
    # Until 2013 RPW surveyed in the first and third quarters; 2011Q2, 2011Q4, 2012Q2 and 2012Q4 have no
    # figure of their own: the half-year's covers them.
    assert periods[:6] == ["2011Q1", "2011Q3", "2012Q1", "2012Q3", "2013Q1", "2013Q2"]
    assert len(periods) == 35 and periods[-1] == "2020Q3"
    assert {t["basis"] for t in stats["trend"]} == {"published"}
    assert [t["frequency"] for t in stats["trend"]][:6] == ["half_yearly"] * 4 + ["quarterly"] * 2
    assert client.get("/api/v1/corridors/TZ-KE/stats?period=2011Q2").status_code == 404
    first = client.get("/api/v1/corridors/TZ-KE/stats?period=2011Q1").json
    assert (first["average_total_cost_pct_200"], first["cheapest_total_cost_pct"]) == ("23.62", None)
    # Every quarter from 2011 Q1 to 2020 Q3, 39 of them: the 35 held and the 4 second quarters of a
    # half-year, none a gap.
    quarters = stats["quarters"]
    assert len(quarters) == 39 and (quarters[0]["period"], quarters[-1]["period"]) == ("2011Q1", "2020Q3")
    assert not any(q["gap"] for q in quarters)
    assert [(q["period"], q["frequency"], q["figures_of"], q["average_total_cost_pct_200"]) for q in quarters[:10]] == [
        ("2011Q1", "half_yearly", "2011Q1", "23.62"), ("2011Q2", "half_yearly", "2011Q1", None),
        ("2011Q3", "half_yearly", "2011Q3", "23.60"), ("2011Q4", "half_yearly", "2011Q3", None),
        ("2012Q1", "half_yearly", "2012Q1", "21.98"), ("2012Q2", "half_yearly", "2012Q1", None),
        ("2012Q3", "half_yearly", "2012Q3", "19.63"), ("2012Q4", "half_yearly", "2012Q3", None),
        ("2013Q1", "quarterly", "2013Q1", "20.03"), ("2013Q2", "quarterly", "2013Q2", "20.30")]
    assert {q["basis"] for q in quarters} == {"published"}


def test_a_half_year_without_a_figure_is_a_gap_of_two_quarters(app, client):
    """TZA→KEN without its 2011 Q3 survey: 2011 Q2 is still covered by 2011 Q1's figure; 2011 Q3 and Q4
    are gaps; 2012 Q1's figure covers 2012 Q2. On the API, on the corridor page's table and its chart."""
    data = EXCERPT.read_bytes().replace(b"23.6175003051758,23.6027278900146,", b"23.6175003051758,..,")
    assert import_rpw(data, EXCERPT.name).ok
    quarters = client.get("/api/v1/corridors/TZ-KE/stats").json["quarters"]
    assert [(q["period"], q["gap"], q["basis"], q["frequency"], q["figures_of"]) for q in quarters[:6]] == [
        ("2011Q1", False, "published", "half_yearly", "2011Q1"), ("2011Q2", False, "published", "half_yearly", "2011Q1"),
        ("2011Q3", True, None, None, None), ("2011Q4", True, None, None, None),
        ("2012Q1", False, "published", "half_yearly", "2012Q1"), ("2012Q2", False, "published", "half_yearly", "2012Q1")]
    assert all(q["average_total_cost_pct_200"] is None for q in quarters if q["gap"])
    from ..web.test_corridor_pages import trend_table

    page = client.get("/corridors/TZ-KE?lang=en").get_data(as_text=True)
    table = trend_table(page)
    assert [(row["quarter"], row["gap"], row["covered"]) for row in table[:6]] == [
        ("Q1 2011", False, False), ("Q2 2011", False, True), ("Q3 2011", True, False), ("Q4 2011", True, False),
        ("Q1 2012", False, False), ("Q2 2012", False, True)]
    assert table[1]["note"] == ("Half-yearly: the figures of Q1 2011 cover this quarter too (the World Bank "
                                "surveyed twice a year until 2013).")
    assert table[0]["Figures"] == ("published by the World Bank; half-yearly: the survey of this quarter and the next "
                                   "(the World Bank surveyed twice a year until 2013)")
    assert table[8]["Figures"] == "published by the World Bank"  # 2013 Q1: quarterly
    for language, covered, figures in (
            ("es", "Semestral: las cifras del T1 2011 cubren también este trimestre",
             "publicado por el Banco Mundial; semestral: la encuesta de este trimestre y del siguiente"),
            ("fr", "Semestriel : les chiffres du T1 2011 couvrent aussi ce trimestre",
             "publié par la Banque mondiale ; semestriel : l’enquête de ce trimestre et du suivant")):
        translated = trend_table(client.get(f"/corridors/TZ-KE?lang={language}").get_data(as_text=True))
        assert translated[1]["note"].startswith(covered) and translated[0][next(
            k for k in translated[0] if k not in ("quarter", "gap", "covered", "half_yearly")
            and translated[0][k].startswith(figures[:6]))].startswith(figures), language
    # The chart (one series: DataBank gives the average alone): a dot for 2011 Q1 alone, the gap of 2011
    # Q3 and Q4, then one line from 2012 Q1 straight to 2012 Q3 and on (2012 Q2 is covered, not a gap).
    svg = re.search(r'<figure class="chart".*?(<svg.*?</svg>)', page, re.S).group(1)
    dots = [Decimal(x) for x in re.findall(r'<circle cx="([\d.]+)"', svg[svg.index('class="plot overlay"'):])]
    step = min(b - a for a, b in zip(dots, dots[1:]))  # one quarter
    quarters = [int((x - dots[0]) / step + Decimal("0.5")) + 1 for x in dots]
    assert quarters[:5] == [1, 5, 7, 9, 10] and len(quarters) == 39 - 4 - 1
    lines = re.findall(r'<g class="series serie-0 [^"]*"><path d="M([^"]+)" class="line', svg)
    assert len(lines) == 1  # one unbroken line from 2012 Q1 to 2020 Q3
    assert [Decimal(x) for x in re.findall(r"([\d.]+) [\d.]+", lines[0])][:3] == dots[1:4]


def test_the_2011Q1_column_is_the_survey_of_january_2011(app):
    """The RPW workbook's own rows of 2011_1Q (surveyed on 24 January 2011) give, as their mean, the
    figure DataBank names 2011Q1: the column's quarter is the survey's."""
    rows = [r for r in csv.DictReader(io.StringIO(RAW_2011.read_text(encoding="utf-8-sig"))) if r["PERIOD"]]
    assert {r["DATE"] for r in rows} == {"24/Jan/2011"} and {r["PERIOD"] for r in rows} == {"2011_1Q"}
    kenya = [Decimal(r["CC1 TOTAL COST %"]) for r in rows
             if r["DESTINATION_CODE"] == "KEN" and r["TRANSPARENT"].lower() == "yes"]
    assert import_rpw(EXCERPT.read_bytes(), EXCERPT.name).ok
    assert six_places(str(sum(kenya) / len(kenya))) == in_force()[("TZ-KE", "2011Q1")][0] == Decimal("23.6175")


def test_reimport_changes_nothing_and_a_newer_export_changes_only_its_figures(app):
    data = EXCERPT.read_bytes()
    first = import_rpw(data, EXCERPT.name)
    before = table_counts()
    assert import_rpw(data, EXCERPT.name).import_id is None and table_counts() == before
    # The same figures in another export (XLSX, the rows in another order, columns named by code only):
    # nothing changes.
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header = rows[0][:6] + ["YR" + column[:6] for column in rows[0][6:]]
    again = import_rpw(xlsx_bytes([header] + list(reversed(rows[1:]))), "databank.xlsx")
    assert again.ok and (again.added, again.changed, again.unchanged) == (0, 0, first.rows)
    assert table_counts() == before
    # A newer export that corrects one figure and adds a quarter: one change, one addition, the old figure kept.
    lines = data.replace(b"2020Q3 [YR2020Q3]", b"2020Q3 [YR2020Q3],2020Q4 [YR2020Q4]").split(b"\n")
    for index, line in enumerate(lines[1:], start=1):
        if b",TZA," in line and b",KEN," in line:
            lines[index] = line.replace(b"23.6175003051758", b"23.5") + b",7.25"
        elif line.count(b",") > 30:
            lines[index] = line + b",.."
    newer = b"\n".join(lines)
    report = import_rpw(newer, "newer.csv")
    assert report.ok, report.problems
    assert (report.added, report.changed, report.retired, report.unchanged) == (1, 1, 0, first.rows - 1)
    assert in_force()[("TZ-KE", "2011Q1")] == (Decimal("23.5"), None)
    assert in_force()[("TZ-KE", "2020Q4")] == (Decimal("7.25"), None)
    assert db.session.scalar(select(func.count()).select_from(PublishedAverage)) == first.rows + 2
    history.revert(report.import_id, actor="test")
    db.session.commit()
    assert in_force()[("TZ-KE", "2011Q1")] == (Decimal("23.6175"), None) and ("TZ-KE", "2020Q4") not in in_force()


def test_bad_rows_refuse_the_whole_file_naming_databanks_columns(app):
    before = table_counts()
    data = EXCERPT.read_bytes().decode("utf-8-sig")
    lines = data.split("\n")
    kenya = next(line for line in lines if ",TZA," in line and ",KEN," in line)
    bad = [lines[0],
           kenya.replace(",TZA,", ",TZX,"),  # row 2: an unknown country
           kenya.replace(",KEN,", ",RWA,").replace("23.6175003051758", "about 23"),  # row 3: not a number
           kenya.replace("ATCR.CORR", "ATCR.CORR.500"),  # row 4: another series
           kenya,  # row 5: fine
           kenya.replace("23.6175003051758", "23.6"),  # row 6: Tanzania→Kenya again
           *lines[-6:]]
    report = import_rpw("\n".join(bad).encode(), "bad.csv")
    assert not report.ok and report.import_id is None and table_counts() == before
    problems = [str(p) for p in report.problems]
    assert problems[0] == ("row 2, column Sending Countries Code: unknown country code 'TZX' (use ISO 3166-1 alpha-2 "
                           "or alpha-3)")
    assert problems[1].startswith("row 3, column 2011Q1 [YR2011Q1]: ") and "is not a plain number" in problems[1]
    assert problems[2:4] == [
        "row 4, column Series Code: 'ATCR.CORR.500' is not the series remit reads: ATCR.CORR, the average total "
        "cost to remit in the corridor",
        "row 6, column 2011Q1 [YR2011Q1]: row 5 already gives TZ-KE in 2011Q1",
    ]
    assert len(problems) == 3 + 35  # each of the row's 35 figures is given by row 5 already
    # The header: a yearly column is not a quarter; a column DataBank does not write is unknown.
    header = lines[0].replace("2011Q3 [YR2011Q3]", "2011 [YR2011]").replace("Series Name", "Notes")
    report = import_rpw("\n".join([header, kenya]).encode(), "header.csv")
    assert [str(p) for p in report.problems] == [
        "row 1, column Notes: unknown column; expected one of: Sending Countries Name, Sending Countries Code, "
        "Series Name, Series Code, Receiving Countries Name, Receiving Countries Code, 2011Q1 [YR2011Q1]",
        "row 1, column 2011 [YR2011]: not a quarter: remit reads DataBank's quarterly columns (2011Q1 [YR2011Q1])"]
    missing = import_rpw("\n".join(line.replace("Sending Countries Code,", "") for line in [lines[0]]).encode(), "m.csv")
    assert [str(p) for p in missing.problems][-1] == "row 1, column Sending Countries Code: missing column"
    # An export without any figure is refused rather than taken as nothing to do.
    empty = import_rpw("\n".join([lines[0], lines[1]] + lines[-6:]).encode(), "empty.csv")
    assert [str(p) for p in empty.problems] == ["row 2: no row holds a figure (DataBank writes '..' where it has none)"]
    assert table_counts() == before


def test_a_dry_run_previews_published_averages(app):
    report = import_rpw(EXCERPT.read_bytes(), EXCERPT.name, dry_run=True)
    assert report.ok and report.added == 178 and report.import_id is None
    assert (report.preview[0].action, report.preview[0].subject, report.preview[0].changes) == (
        "add", "AT-XK 2015Q4: published average", (("avg_cost_pct", "", "7.558"), ("cheapest_cost_pct", "", "")))
    assert table_counts()["published_averages"] == 0
