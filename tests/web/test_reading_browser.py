"""Pages that read cleanly, in Chromium: no chart's text runs into another's, on a 375 px phone or a
1280 px screen, and no printed column of the results runs into the next."""
from __future__ import annotations

import pytest

from .browser import browser_type_launch_args, require_chromium, serve, shot  # noqa: F401

require_chromium()

LIVE_DB: dict[str, str] = {}

CHARTS = ["/compare?send=CA&receive=GT&mode=send&amount=300&lang=es",
          "/compare?send=US&receive=MX&mode=send&amount=200&lang=fr",
          "/compare?send=CA&receive=GT&mode=send&amount=45000&lang=en",
          "/corridors/CA-IN?lang=es", "/corridors/US-MX?lang=fr"]

# Every text of each chart that the browser draws, as boxes on the page, and the pairs that meet: that
# overlap, or stand on one line less than 3 px apart ("10111213 14").
OVERLAPS = """() => [...document.querySelectorAll('figure.chart svg')].map(svg => {
    const boxes = [...svg.querySelectorAll('text')].map(t => ({text: t.textContent, box: t.getBoundingClientRect()}))
        .filter(t => t.box.width > 0 && t.box.height > 0);
    const met = [];
    boxes.forEach((a, i) => boxes.slice(i + 1).forEach(b => {
        const x = Math.min(a.box.right, b.box.right) - Math.max(a.box.left, b.box.left);
        const y = Math.min(a.box.bottom, b.box.bottom) - Math.max(a.box.top, b.box.top);
        if (x > -3 && y > 0) met.push([a.text, b.text]);
    }));
    return {texts: boxes.map(b => b.text), met: met,
            outside: boxes.filter(b => b.box.left < svg.getBoundingClientRect().left - 0.5
                                       || b.box.right > svg.getBoundingClientRect().right + 0.5).map(b => b.text)};
})"""

# For each row of the results table, the neighbouring cells whose contents come closer than 3 px (about
# 2 points on paper): the boxes of what each cell holds, not of the cells.
TOUCHING = """(rows) => {
    const found = [];
    for (const row of document.querySelectorAll(rows)) {
        const boxes = [...row.children].filter(c => getComputedStyle(c).display !== 'none').map(cell => {
            const range = document.createRange();
            range.selectNodeContents(cell);
            const rects = [...range.getClientRects()].filter(r => r.width > 0);
            return rects.length ? {text: cell.innerText.trim().slice(0, 40), left: Math.min(...rects.map(r => r.left)),
                                   right: Math.max(...rects.map(r => r.right))} : null;
        }).filter(Boolean);
        for (let i = 0; i + 1 < boxes.length; i++) {
            if (boxes[i + 1].left - boxes[i].right < 3) found.push([boxes[i].text, boxes[i + 1].text]);
        }
    }
    return found;
}"""

A4_WIDTH = 718  # CSS pixels between the margins of an A4 page (210 mm less 2 × 10 mm, remit.css's @page)


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    yield from serve(tmp_path_factory, LIVE_DB)


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("path", CHARTS)
def test_no_chart_text_meets_another(page, live_server, path, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server + path)
    charts = page.evaluate(OVERLAPS)
    assert charts, "the page draws a chart"
    for chart in charts:
        assert len(chart["texts"]) >= 5, chart["texts"]
        assert chart["met"] == [], chart["met"]
        assert chart["outside"] == [], chart["outside"]


def test_the_cost_chart_names_each_service_by_provider_and_product(page, live_server):
    """The seed's providers all begin "Illustrative": the labels leave the word out (the table and each
    label's <title> give the whole name, and the caption says the prices are illustrative)."""
    page.goto(live_server + "/compare?send=CA&receive=GT&mode=send&amount=300&lang=es")
    labels = page.locator("figure.chart svg .bar-labels text")
    assert labels.count() == 7
    assert labels.first.evaluate("t => t.firstChild.textContent") == "Money Transfer B · App to a bank account"
    assert labels.first.locator("title").text_content() == "Illustrative Money Transfer B · App to a bank account"
    assert "Todos sus precios son ilustrativos, no observados." in page.locator("figure.chart figcaption").inner_text()
    survey = page.goto(live_server + "/compare?send=US&receive=MX&mode=send&amount=200&lang=es")
    assert survey.ok
    names = page.locator("figure.chart svg .bar-labels text").evaluate_all(
        "ts => ts.map(t => t.firstChild.textContent)")
    # Surveyed services are named by the survey's words, in the page's language.
    assert names[0] == "Wise · Transferencia bancaria · Internet"
    assert all(len(name) <= 46 for name in names) and len(names) == 15
    shot(page, "chart-labels-es")


@pytest.mark.parametrize("path", ["/compare?send=CA&receive=GT&mode=send&amount=300&lang=es",
                                  "/compare?send=CA&receive=GT&mode=send&amount=300&lang=fr",
                                  "/compare?send=CA&receive=GT&mode=receive&amount=2000&lang=es",
                                  "/compare?send=US&receive=MX&mode=send&amount=200&lang=fr",
                                  "/compare?send=US&receive=GT&mode=send&amount=200&lang=en"])
def test_printed_results_columns_never_touch(page, live_server, path):
    page.set_viewport_size({"width": A4_WIDTH, "height": 1000})
    page.goto(live_server + path)
    page.emulate_media(media="print")
    assert page.locator("table.results tbody tr").count() > 0
    assert page.evaluate(TOUCHING, "table.results tr") == []
    # Nothing wider than the page either.
    assert page.evaluate("() => document.querySelector('table.results').getBoundingClientRect().right") <= A4_WIDTH


@pytest.mark.parametrize("path", ["/corridors/CA-IN?lang=fr", "/corridors/CA-GT?lang=es", "/corridors?lang=fr",
                                  "/providers?lang=es", "/providers/illustrative-money-transfer-a?lang=fr",
                                  "/providers/walmart2world?lang=es"])  # the home page holds no table now
def test_the_other_printed_tables_keep_their_columns_apart(page, live_server, path):
    page.set_viewport_size({"width": A4_WIDTH, "height": 1000})
    page.goto(live_server + path)
    page.emulate_media(media="print")
    assert page.locator("main table tbody tr").count() > 0
    assert page.evaluate(TOUCHING, "main table tr") == []


def test_a_printed_query_line_ends_without_a_stray_separator(page, live_server):
    page.goto(live_server + "/compare?send=CA&receive=GT&mode=send&amount=300&lang=es")
    page.emulate_media(media="print")
    assert page.locator("p.query").inner_text().strip() == "Monto enviado: 300,00\u00a0CAD"
