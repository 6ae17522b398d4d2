"""The list of corridors and a corridor's page, through the test client: what they say, in which order,
with which filters, and the trend over every quarter held (a quarter with no figure says so)."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from .test_pages import text_of


def rows(response) -> list[str]:
    """The corridors listed, as their links name them."""
    return re.findall(r'<th scope="row" class="first"><a href="/corridors/([A-Z]{2}-[A-Z]{2})"',
                      response.get_data(as_text=True))


def test_the_list_gives_every_corridor_with_its_latest_figures_and_data_age(seeded, client):
    response = client.get("/corridors?lang=en")
    assert response.status_code == 200
    text = text_of(response)
    listed = rows(response)
    assert len(listed) == 21 and "21 corridors." in text
    # By receiving country (then sending), A to Z: China first, Zimbabwe last.
    assert listed[:3] == ["CA-CN", "CA-GH", "CA-GT"] and listed[-1] == "CA-ZW"
    assert ("Canada → India CAD → INR 4.28% 1.33% not met Q3 2025, 14 months ago" in text
            or re.search(r"Canada → India CAD → INR 4\.28% 1\.33% not met Q3 2025, \d+ \w+ ago", text))
    assert re.search(r"Canada → Kenya CAD → KES 6\.00% 0\.86% above 5% Q3 2025", text)
    assert "Canada → Guatemala CAD → GTQ" in text and "fee tables in force today" in text
    assert "Source" not in text or "The World Bank, Remittance Prices Worldwide (CC BY 4.0)" in text
    # The home page and every page's header lead here.
    assert 'href="/corridors"' in client.get("/?lang=en").get_data(as_text=True)


def test_the_list_filters_and_sorts_without_script(seeded, client):
    cheapest_first = client.get("/corridors?send=CA&sort=cost&lang=en")
    listed = rows(cheapest_first)
    assert len(listed) == 16 and listed[:3] == ["CA-NG", "CA-PH", "CA-IN"]  # 3.15%, 3.55%, 4.28%
    assert listed[-1] == "CA-LB"  # 9.43%
    assert 'aria-sort="ascending"' in cheapest_first.get_data(as_text=True)
    assert rows(client.get("/corridors?send=CA&sort=cost_desc"))[0] == "CA-LB"
    below_five = rows(client.get("/corridors?status=between&lang=en"))
    assert below_five == ["US-GT", "CA-IN", "US-MX", "CA-NG", "CA-PK", "CA-PH", "CA-LK"]  # Sri Lanka: S
    assert rows(client.get("/corridors?status=met")) == []
    assert "No corridor matches these choices." in text_of(client.get("/corridors?status=met&lang=en"))
    assert rows(client.get("/corridors?receive=KE")) == ["CA-KE", "TZ-KE"]
    assert "2 corridors of 21 match these choices." in text_of(client.get("/corridors?receive=KE&lang=en"))
    newest = rows(client.get("/corridors?sort=date"))
    assert newest.index("TZ-KE") > newest.index("CA-ZW") and newest[-1] == "CA-GT"  # no survey date: last
    refused = client.get("/corridors?sort=fastest&lang=en")
    assert refused.status_code == 422 and "Please correct the following:" in text_of(refused)
    assert client.get("/corridors?page=2").status_code == 404
    assert client.get("/corridors?page=99999999999").status_code == 404


def test_the_list_is_searched_by_a_countrys_name_in_the_pages_language(seeded, client):
    """A part of either country's name, in the reader's language, without case or accents; or its code."""
    assert rows(client.get("/corridors?q=kenya&lang=en")) == ["CA-KE", "TZ-KE"]
    assert rows(client.get("/corridors?q=KENIA&lang=es")) == ["CA-KE", "TZ-KE"]
    assert rows(client.get("/corridors?q=haiti&lang=fr")) == ["CA-HT"]  # Haïti
    assert rows(client.get("/corridors?q=%C3%89tats&lang=fr")) == ["US-GT", "US-MX"]  # États-Unis
    assert rows(client.get("/corridors?q=tza&lang=en")) == ["TZ-KE", "TZ-RW", "TZ-UG"]
    assert rows(client.get("/corridors?q=tanz&receive=KE&lang=en")) == ["TZ-KE"]  # with the other filters
    text = text_of(client.get("/corridors?q=Atlantis&lang=en"))
    assert "0 corridors of 21 match these choices." in text and "No corridor matches these choices." in text
    page = client.get("/corridors?q=kenya&lang=en").get_data(as_text=True)
    assert re.search(r'<input [^>]*name="q"[^>]*type="search"[^>]*value="kenya"', page)
    too_long = client.get("/corridors?lang=en&q=" + "x" * 61)
    assert too_long.status_code == 422 and "Country name:" in text_of(too_long)


def test_a_corridor_page_shows_every_quarter_published_and_computed(seeded, client):
    response = client.get("/corridors/CA-IN?lang=en")
    page, text = response.get_data(as_text=True), text_of(response)
    assert "Statistics for Q3 2025" in text and "Average cost at USD 200 4.28%" in text
    table = text[text.index("Every quarter, from the first"):text.index("Providers by type")]
    assert re.findall(r"(Q\d 20\d\d) (\S+%|No figure)", table) == [
        ("Q3 2024", "5.28%"), ("Q4 2024", "5.13%"), ("Q1 2025", "5.10%"),
        ("Q2 2025", "No figure"), ("Q3 2025", "4.28%")]
    assert table.count("published by the World Bank") == 3 and "computed from 32 services surveyed" in table
    assert "No figure held for this quarter: none is made up." in table
    # The chart: the three series with figures and the two targets, one quarter label each.
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    assert [label for label in re.findall(r"<text[^>]*>([^<]+)</text>", svg) if label.startswith("Q")] == [
        "Q3 2024", "Q4 2024", "Q1 2025", "Q2 2025", "Q3 2025"]
    for target in ("target-3", "target-5"):  # the line and its key in the legend carry the target's class
        assert re.search(rf'<g class="series serie-\d color-\d target {target}"><path d="M[^"]+" class="line', svg)
        assert re.search(rf'<rect [^>]*class="color-\d reactive target {target}"', svg)
    for name in ("Average at USD 200", "SmaRT (3 cheapest)", "Cheapest service", "UN target: 3%",
                 "5%: far from the target"):
        assert f">{name}</text>" in svg
    assert "<style" not in svg and "<script" not in svg


def test_a_quarter_known_only_by_its_published_average(app, client):
    from remit.importers import run_import

    rows_ = b"source_code,destination_code,quarter,avg_cost_pct,cheapest_cost_pct\nCAN,KEN,2025_1Q,7.28,2.17\n"
    assert run_import("rpw", rows_, "kenya.csv", actor="test").ok
    text = text_of(client.get("/corridors/CA-KE?lang=en"))
    assert "Statistics for Q1 2025" in text
    assert "The World Bank published this quarter's average and the cost of its cheapest service" in text
    assert "Average cost at USD 200 7.28%" in text and "Cheapest service 2.17%" in text
    assert "SmaRT, the average of the three cheapest" not in text  # nothing per service is known
    listing = text_of(client.get("/corridors?lang=en"))
    assert re.search(r"Canada → Kenya CAD → KES 7\.28% not published above 5% Q1 2025, .* ago "
                     r"World Bank published average", listing)


# --- The list: data age and old data, the empty state, refused choices, 50 corridors a page ---

def list_row(response, code: str) -> str:
    """The text of one corridor's row in the list."""
    page = response.get_data(as_text=True)
    start = page.index(f'<a href="/corridors/{code}"')
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page[start:page.index("</tr>", start)])).strip()


def age_in_words(last_day: dt.date) -> str:
    """How the pages say a day's age, as a person reckons it: days under 60, months (of 30.4375 days)
    under two years, else whole years."""
    days = (dt.date.today() - last_day).days
    if days < 60:
        return f"{days} days"
    if days < 730:
        months = round(days / 30.4375)
        return f"{months} month" + ("s" if months != 1 else "")
    return f"{days // 365} years"


def test_each_row_gives_its_data_date_and_age_and_flags_old_data(seeded, client):
    """The list judges each corridor's data by the rules its quotes are judged by: a surveyed corridor by its
    survey quarter (REMIT_SURVEY_MAX_AGE_DAYS), one known only by fee tables by the reference rate its
    quotes use (REMIT_RATE_MAX_AGE_DAYS): Canada→Guatemala's CAD→GTQ rate is of 26 December 2025."""
    seeded.config["REMIT_SURVEY_MAX_AGE_DAYS"] = 3650  # ten years: 2025's survey is recent, 2011's is old
    seeded.config["REMIT_RATE_MAX_AGE_DAYS"] = 3650
    listing = client.get("/corridors?lang=en")
    india, kenya_2011, guatemala = (list_row(listing, code) for code in ("CA-IN", "TZ-KE", "CA-GT"))
    assert india == (f"Canada → India CAD → INR 4.28% 1.33% not met Q3 2025, "
                     f"{age_in_words(dt.date(2025, 9, 30))} ago World Bank survey")
    # Tanzania → Kenya, surveyed in 2011 Q1: the figure keeps its date, its age and a caveat beside it.
    # Its 12 quotes at USD 200 in the seed file average 23.6175%; the three cheapest (8.36, 11.03, 11.61) 10.33%.
    assert kenya_2011 == ("Tanzania → Kenya TZS → KES 23.62% 10.33% above 5% Q1 2011, "
                          f"{age_in_words(dt.date(2011, 3, 31))} ago World Bank survey Old data: prices today may differ.")
    assert guatemala == ("Canada → Guatemala CAD → GTQ 6.14% 3.81% above 5% fee tables in force today exchange rate "
                         f"of Dec 26, 2025, {age_in_words(dt.date(2025, 12, 26))} ago Illustrative, not observed.")
    old = [code for code in rows(listing) if "Old data" in list_row(listing, code)]
    assert old == ["TZ-KE", "TZ-RW", "TZ-UG"]
    # With the defaults, a year for a survey and 14 days for a rate, 2025 Q3's figures are old too once a
    # year has passed since its last day, and Canada→Guatemala's rate is old, as its compare page says.
    seeded.config["REMIT_SURVEY_MAX_AGE_DAYS"] = 365
    seeded.config["REMIT_RATE_MAX_AGE_DAYS"] = 14
    listing = client.get("/corridors?lang=en")
    year_old = (dt.date.today() - dt.date(2025, 9, 30)).days > 365
    assert ("Old data" in list_row(listing, "CA-IN")) is year_old
    assert "Old data" in list_row(listing, "TZ-KE")
    assert list_row(listing, "CA-GT").endswith("Old data: the amounts received may differ today.")
    assert "Old data: exchange rate of Dec 26, 2025" in text_of(
        client.get("/compare?send=CA&receive=GT&mode=send&amount=300&lang=en"))
    assert ("Data is marked old by the rules the comparison uses: a survey quarter that ended more than 365 days "
            "ago, or, for a corridor known only by fee tables, an exchange rate more than 14 days old.") in text_of(listing)
    assert "Old data: exchange rate of Dec 26, 2025" in text_of(client.get("/corridors/CA-GT?lang=en"))


def test_the_list_without_data_says_how_to_load_it(app, client):
    response = client.get("/corridors?lang=en")
    assert response.status_code == 200
    text = text_of(response)
    assert "No data is loaded yet. An administrator can load the default data with the command" in text
    assert rows(response) == [] and "<form" not in response.get_data(as_text=True)


def test_a_refused_choice_is_named_and_the_others_are_kept(seeded, client):
    refused = client.get("/corridors?send=QQ&sort=cost&lang=en")
    page, text = refused.get_data(as_text=True), text_of(refused)
    assert refused.status_code == 422 and rows(refused) == []
    assert "Please correct the following: Sending from: Not a valid choice." in text
    assert page.startswith("<!doctype html>") or "<title>Error:" in page
    assert re.search(r'<option selected value="cost">|<option value="cost" selected>', page)
    kept = client.get("/corridors?send=CA&receive=IN&lang=en").get_data(as_text=True)
    assert re.search(r'<option selected value="CA">|<option value="CA" selected>', kept)


# 60 corridors, each known by one published average: 2.00%, 2.10%, … 7.90% in this order.
SENDERS = ("USA", "CAN", "ESP")
RECEIVERS = ("MEX", "GTM", "SLV", "HND", "NIC", "COL", "PER", "ECU", "BOL", "DOM",
             "JAM", "HTI", "PHL", "IND", "PAK", "BGD", "NPL", "LKA", "VNM", "CHN")
SIXTY = [(send, receive) for send in SENDERS for receive in RECEIVERS]


def import_sixty():
    from remit import codes
    from remit.importers import run_import

    lines = [f"{send},{receive},2024_4Q,{Decimal('2.00') + Decimal('0.10') * i},1.00"
             for i, (send, receive) in enumerate(SIXTY)]
    report = run_import("rpw", ("source_code,destination_code,quarter,avg_cost_pct,cheapest_cost_pct\n"
                                + "\n".join(lines) + "\n").encode(), "sixty.csv", actor="test")
    assert report.ok and report.added == 60, report.problems
    return [f"{codes.country(send)}-{codes.country(receive)}" for send, receive in SIXTY]


def test_fifty_corridors_a_page_and_a_page_beyond_the_last_is_not_found(app, client):
    codes_in_order = import_sixty()
    first = client.get("/corridors?sort=cost&lang=en")
    assert first.status_code == 200 and "60 corridors." in text_of(first)
    assert rows(first) == codes_in_order[:50]  # 2.00% … 6.90%
    assert "2.00%" in list_row(first, "US-MX") and "6.90%" in list_row(first, codes_in_order[49])
    assert "Page 1 of 2" in text_of(first) and "Previous page" not in text_of(first)
    # The next page keeps the order chosen.
    following = re.search(r'<a href="([^"]+)">Next page</a>', first.get_data(as_text=True)).group(1)
    following = following.replace("&amp;", "&")
    assert "sort=cost" in following and "page=2" in following
    second = client.get(following)
    assert second.status_code == 200 and rows(second) == codes_in_order[50:]  # 7.00% … 7.90%
    assert "Page 2 of 2" in text_of(second) and "Next page" not in text_of(second)
    assert "Previous page" in text_of(second)
    # Every corridor once, over the two pages, in the default order too.
    by_country = rows(client.get("/corridors")) + rows(client.get("/corridors?page=2"))
    assert sorted(by_country) == sorted(codes_in_order)
    # As on the other listed pages: a page that does not exist is not found, whatever is written.
    for page in ("3", "0", "-1", "two", "1.5", "99999999999"):
        assert client.get(f"/corridors?sort=cost&page={page}").status_code == 404, page
    assert rows(client.get("/corridors?sort=cost&page=")) == codes_in_order[:50]
    # A full page of 50 weighs under the pages' bar of 15 KB with its stylesheet, compressed.
    from .test_weight import stylesheet_url

    full = client.get("/corridors?sort=cost", headers={"Accept-Encoding": "gzip"})
    css = client.get(stylesheet_url(first.get_data(as_text=True)), headers={"Accept-Encoding": "gzip"})
    css.close()
    assert full.headers["Content-Encoding"] == css.headers["Content-Encoding"] == "gzip"
    assert len(full.data) + len(css.data) < 15_000, len(full.data) + len(css.data)
    # A filter that leaves fewer than 50 needs no pages.
    canada = client.get("/corridors?send=CA&sort=cost_desc&lang=en")
    assert rows(canada) == list(reversed(codes_in_order[20:40])) and "Page 1" not in text_of(canada)
    assert "20 corridors of 60 match these choices." in text_of(canada)
    assert client.get("/corridors?send=CA&page=2").status_code == 404


# --- A corridor's trend: the chart draws the table's figures ---

def figure(text: str) -> Decimal | None:
    text = text.strip().replace("\u2212", "-")
    return None if text in ("—", "") else Decimal(text.rstrip("%").replace(",", ""))


def chart_points(page: str, quarters: int) -> tuple[list[str], dict[str, dict[int, Decimal]], dict[str, Decimal]]:
    """What the trend chart of `quarters` quarters draws, read back from its SVG: the quarter labels in
    order, each series' value per quarter (1 for the first; from each dot's position on the two axes),
    and each target line's value. Every dot must lie inside the plot. Positions are written to 0.1 px,
    less than 0.01 percentage points on these charts."""
    svg = re.search(r'<figure class="chart".*?(<svg.*?</svg>)', page, re.S).group(1)
    width, height = map(float, re.search(r'class="plot"><rect x="0" y="0" width="([\d.]+)" height="([\d.]+)"',
                                         svg).groups())
    y_axis = svg[svg.index('class="axis y'):svg.index('class="axis x"')]
    guides = [(Decimal(y), Decimal(label)) for y, label in
              re.findall(r'<path d="M[\d.]+ ([\d.]+) h[\d.]+" class="[^"]*line" /><text [^>]*>(-?\d+)</text>', y_axis)]
    (y0, v0), (y1, v1) = guides[0], guides[-1]

    def value(y: str) -> Decimal:
        return (v0 + (y0 - Decimal(y)) * (v1 - v0) / (y0 - y1)).quantize(Decimal("0.01"))

    x_axis = svg[svg.index('class="axis x"'):svg.index('class="series')]
    labels = [(Decimal(x), label) for x, label in
              re.findall(r'<text x="([\d.]+)" y="[\d.]+" class="[^"]*">([^<]+)</text>', x_axis)]
    # The first quarter is labelled, then every `step`-th.
    step = -(-quarters // 6)
    per_quarter = (labels[-1][0] - labels[0][0]) / ((len(labels) - 1) * step)
    names = dict(re.findall(r'id="activate-serie-(\d+)".*?<text [^>]*>([^<]+)</text>', svg))
    overlay = svg[svg.index('class="plot overlay"'):svg.index('class="plot text-overlay"')]
    series: dict[str, dict[int, Decimal]] = {}
    for index, body in re.findall(r'<g class="series serie-(\d+) [^"]*"(?: />|>(.*?</g></g>)(?=<g class="series|</g>$))',
                                  overlay, re.S):
        for cx, cy in re.findall(r'<circle cx="([\d.-]+)" cy="([\d.-]+)"', body or ""):
            assert 0 <= float(cx) <= width and 0 <= float(cy) <= height, (cx, cy)  # inside the plot
            position = (Decimal(cx) - labels[0][0]) / per_quarter
            assert abs(position - round(position)) < Decimal("0.02"), cx  # on a quarter
            series.setdefault(names[index], {})[round(position) + 1] = value(cy)
    targets = {names[i]: value(y) for i, y in
               re.findall(r'<g class="series serie-(\d+) [^"]*target[^"]*"><path d="M0 ([\d.]+) L', svg)}
    return [label for _, label in labels], series, targets


def trend_table(page: str) -> list[dict[str, str]]:
    """The trend table's rows: the quarter, whether it is a gap, whether it is the second quarter of a
    half-yearly survey ("covered"; its text in "note") and each cell by its column's name."""
    body = page[page.index('<table class="cards trend">'):]
    body = body[:body.index("</table>")]
    found = []
    for row in re.findall(r"<tr(?: class=\"([^\"]*)\")?><th scope=\"row\" class=\"first\">(.*?)</th>(.*?)</tr>",
                          body, re.S):
        classes = row[0].split()
        cells = {name: re.sub(r"<[^>]+>", "", value).strip()
                 for name, value in re.findall(r'<td [^>]*data-label="([^"]+)">(.*?)</td>', row[2], re.S)}
        note = re.search(r'<td class="wide"[^>]*>(.*?)</td>', row[2], re.S)
        found.append({"quarter": row[1], "gap": "gap" in classes, "covered": "covered" in classes,
                      "half_yearly": "half-yearly" in classes, **cells,
                      **({"note": note.group(1).strip()} if note else {})})
    return found


def test_the_chart_draws_exactly_the_figures_of_its_table(seeded, client):
    """Canada → India. From the seed files, by hand: RPW published 5.28% (cheapest 1.29%) for 2024 Q3,
    5.13% (1.53%) for 2024 Q4 and 5.10% (1.43%) for 2025 Q1, nothing for 2025 Q2; 2025 Q3 is computed
    from the 32 quotes at USD 200: their mean 4.28%, the cheapest 0.86%, SmaRT (0.86 + 1.54 + 1.58) / 3
    = 1.33%."""
    page = client.get("/corridors/CA-IN?lang=en").get_data(as_text=True)
    table = trend_table(page)
    quarters, drawn, targets = chart_points(page, len(table))
    series = {name: {quarters[i - 1]: v for i, v in points.items()} for name, points in drawn.items()}
    assert quarters == ["Q3 2024", "Q4 2024", "Q1 2025", "Q2 2025", "Q3 2025"]
    assert [row["quarter"] for row in table] == ["Q3 2024", "Q4 2024",
                                                 "Q1 2025", "Q2 2025", "Q3 2025"]
    assert series == {
        "Average at USD 200": {"Q3 2024": Decimal("5.28"), "Q4 2024": Decimal("5.13"), "Q1 2025": Decimal("5.10"),
                               "Q3 2025": Decimal("4.28")},
        "SmaRT (3 cheapest)": {"Q3 2025": Decimal("1.33")},
        "Cheapest service": {"Q3 2024": Decimal("1.29"), "Q4 2024": Decimal("1.53"), "Q1 2025": Decimal("1.43"),
                             "Q3 2025": Decimal("0.86")},
    }
    assert targets == {"UN target: 3%": Decimal("3.00"), "5%: far from the target": Decimal("5.00")}
    # The table gives the same figures, quarter by quarter; the quarter with none is a gap in both.
    columns = {"Average at USD 200": "Average at USD 200", "SmaRT (3 cheapest)": "SmaRT",
               "Cheapest service": "Cheapest service"}
    for short, row in zip(quarters, table):
        if row["gap"]:
            assert short == "Q2 2025" and all(short not in drawn for drawn in series.values())
            continue
        for name, column in columns.items():
            assert figure(row[column]) == series[name].get(short), (short, name, row)
    assert [row["Figures"] for row in table if not row["gap"]] == ["published by the World Bank"] * 3 + [
        "computed from 32 services surveyed"]
    # No line is drawn across the gap: the lines before 2025 Q2 stop at 2025 Q1.
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    q1, q3 = (float(x) for x in re.findall(r'<text x="([\d.]+)" y="[\d.]+" class="[^"]*">Q[13] 2025</text>', svg))
    for path in re.findall(r'<g class="series serie-\d color-\d"><path d="([^"]+)"', svg):
        xs = [float(x) for x in re.findall(r"([\d.]+) [\d.-]+", path)]
        assert not any(a <= q1 and b >= q3 for a, b in zip(xs, xs[1:])), path


def test_a_long_trend_labels_at_most_six_quarters_and_draws_every_point_inside(app, client):
    """Five years of published averages with one quarter missing (2022 Q2): 21 quarters in the table,
    the missing one a gap; a point below zero and one above 10% stay inside the plot."""
    from remit.importers import run_import

    held = [f"{year}_{quarter}Q" for year in range(2020, 2025) for quarter in range(1, 5)] + ["2025_1Q"]
    held.remove("2022_2Q")
    figures = {period: (Decimal("8.50") - Decimal("0.25") * i, Decimal("1.00")) for i, period in enumerate(held)}
    figures["2020_1Q"] = (Decimal("12.40"), Decimal("-1.75"))
    text = "source_code,destination_code,quarter,avg_cost_pct,cheapest_cost_pct\n" + "".join(
        f"CAN,JAM,{period},{average},{cheapest}\n" for period, (average, cheapest) in figures.items())
    assert run_import("rpw", text.encode(), "jamaica.csv", actor="test").ok
    page = client.get("/corridors/CA-JM?lang=en").get_data(as_text=True)
    table = trend_table(page)
    quarters, series, targets = chart_points(page, len(table))
    assert quarters == ["Q1 2020", "Q1 2021", "Q1 2022", "Q1 2023", "Q1 2024", "Q1 2025"]
    # −1.75% to 12.40%, a unit to spare each side: the value axis labelled every 5 points, not at 17 lines.
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    assert re.findall(r'<text x="-5" y="[\d.]+" class="[^"]*">([^<]+)</text>', svg) == ["-5", "0", "5", "10", "15"]
    assert abs(targets["UN target: 3%"] - 3) <= Decimal("0.01") and abs(targets["5%: far from the target"] - 5) <= Decimal("0.01")
    assert len(table) == 21 and [row["quarter"] for row in table if row["gap"]] == ["Q2 2022"]
    assert table[0]["quarter"] == "Q1 2020" and table[-1]["quarter"] == "Q1 2025"
    assert figure(table[0]["Average at USD 200"]) == Decimal("12.40")
    assert figure(table[0]["Cheapest service"]) == Decimal("-1.75")
    # The chart's points are the table's figures, quarter by quarter (to 0.01 pp: positions are written to 0.1 px, 0.012 pp here);
    # none for the gap (quarter 10).
    for name in ("Average at USD 200", "Cheapest service"):
        expected = {i: figure(row[name]) for i, row in enumerate(table, start=1) if not row["gap"]}
        assert sorted(series[name]) == sorted(expected) and 10 not in expected and table[9]["gap"]
        assert all(abs(series[name][i] - expected[i]) <= Decimal("0.01") for i in expected), (name, series[name])
    assert abs(series["Average at USD 200"][1] - Decimal("12.40")) <= Decimal("0.01")
    assert abs(series["Cheapest service"][1] - Decimal("-1.75")) <= Decimal("0.01")
    assert abs(series["Average at USD 200"][21] - Decimal("3.75")) <= Decimal("0.01")  # 2025 Q1: 8.50 − 19 × 0.25


def test_a_smart_made_of_promotions_says_so_in_the_list(seeded, client):
    """Canada→Ghana 2025 Q3: WorldRemit's three instruments at −2.30% are SmaRT's three, each with an FX
    margin below zero; the list flags that SmaRT, and leaves India's (1.33%, no promotion) alone."""
    text = text_of(client.get("/corridors?lang=es"))
    assert re.search(r"Canadá → Ghana CAD → GHS [\d,]+% -2,30% Incluye promociones que superan el tipo medio del "
                     r"mercado\.", text), text[:3000]
    assert not re.search(r"Canadá → India CAD → INR 4,28% 1,33% Incluye", text)


def test_countries_are_named_as_people_name_them_in_each_language(seeded, client):
    # CLDR's names, not ISO 3166's register names ("Tanzania, United Republic of").
    for lang, tanzania, kenya in (("en", "Tanzania", "Kenya"), ("es", "Tanzania", "Kenia"), ("fr", "Tanzanie", "Kenya")):
        row = list_row(client.get(f"/corridors?lang={lang}"), "TZ-KE")
        assert row.startswith(f"{tanzania} → {kenya} TZS → KES"), row
        assert "United Republic" not in row and "República" not in row and "République" not in row


def test_the_corridor_page_gives_each_published_round_with_its_source_and_caveats(app, client):
    """The round worked by hand in tests/api/test_observations_api.py: average 5.28%, SmaRT 4.81%, the
    cheapest 3.70%, above 5%, beside RPW's published 5.90% for Q4 2026; the rejected and the unreviewed
    observations are not counted (four services)."""
    from remit.extensions import db
    from remit.importers import run_import

    from ..api.test_observations_api import observed_round
    from ..importers.helpers import load_hand_worked_corridor

    load_hand_worked_corridor(b"CAD,GTQ,5.55,2026-11-20,test rate\n")
    app.config["REMIT_ORGANISATION"] = "Centro Migrante"
    assert run_import("rpw", b"source_code,destination_code,quarter,avg_cost_pct,cheapest_cost_pct\n"
                             b"CAN,GTM,2026Q4,5.90,3.10\n", "averages.csv", actor="test").ok
    db.session.commit()
    assert "Prices observed by" not in text_of(client.get("/corridors/CA-GT?lang=en"))
    observed_round(client)
    text = text_of(client.get("/corridors/CA-GT?lang=en"))
    assert "Prices observed by Centro Migrante" in text
    assert re.search(r"November 2026 5\.28% 4\.81% Banco Dos · Cash pickup ?: 3\.70% above 5% Q4 2026: average 5\.90% "
                     r"at USD 200 Observed by Centro Migrante, round November 2026 \(4 services counted, observed on "
                     r"Nov 20, 2026\)", text), text
    assert "At the amounts observed (CA$300.00), not at USD 200 as the World Bank measures" in text
    spanish = text_of(client.get("/corridors/CA-GT?lang=es"))
    assert "Precios observados por Centro Migrante" in spanish
    assert "Observado por Centro Migrante, ronda de noviembre de 2026 (4 servicios contados" in spanish
    assert "5,28" in spanish and "4,81" in spanish
    french = text_of(client.get("/corridors/CA-GT?lang=fr"))
    assert "Relevé par Centro Migrante, tournée de novembre 2026 (4 services comptés" in french
