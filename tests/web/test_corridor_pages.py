"""The list of corridors and a corridor's page, through the test client: what they say, in which order,
with which filters, and the trend over every quarter held (a quarter with no figure says so)."""
from __future__ import annotations

import re

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
    assert ("Canada → India CAD → INR 4.28% 1.33% not met July–September 2025, 14 months ago" in text
            or re.search(r"Canada → India CAD → INR 4\.28% 1\.33% not met July–September 2025, \d+ \w+ ago", text))
    assert re.search(r"Canada → Kenya CAD → KES 6\.00% 0\.86% above 5% July–September 2025", text)
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


def test_a_corridor_page_shows_every_quarter_published_and_computed(seeded, client):
    response = client.get("/corridors/CA-IN?lang=en")
    page, text = response.get_data(as_text=True), text_of(response)
    assert "Statistics for July–September 2025" in text and "Average cost at USD 200 4.28%" in text
    table = text[text.index("Every quarter, from the first"):text.index("Providers by type")]
    assert re.findall(r"(\w+–\w+ 20\d\d) (\S+%|No figure)", table) == [
        ("July–September 2024", "5.28%"), ("October–December 2024", "5.13%"), ("January–March 2025", "5.10%"),
        ("April–June 2025", "No figure"), ("July–September 2025", "4.28%")]
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
    assert "Statistics for January–March 2025" in text
    assert "The World Bank published this quarter's average and the cost of its cheapest service" in text
    assert "Average cost at USD 200 7.28%" in text and "Cheapest service 2.17%" in text
    assert "SmaRT, the average of the three cheapest" not in text  # nothing per service is known
    listing = text_of(client.get("/corridors?lang=en"))
    assert re.search(r"Canada → Kenya CAD → KES 7\.28% not published above 5% January–March 2025, .* ago "
                     r"World Bank published average", listing)
