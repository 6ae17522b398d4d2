"""The compare page for corridors the suite's seeds do not hold, United Kingdom → Nigeria and Spain →
Colombia, in Spanish and French, in Chromium: on a 375 px phone (nothing scrolls sideways, the ranking
is in view) and printed (the table of services fits the A4 page: no column cut). The server holds the
suite's seeds and the 2025 Q3 quotes of these two corridors, cut from the seeds' file of all 348 (so
the suite does not seed every corridor). Screenshots and PDFs go to artifacts/."""
from __future__ import annotations

import re

import pytest

from .. import seeds
from .browser import ARTIFACTS, browser_type_launch_args, require_chromium, serve, shot  # noqa: F401

require_chromium()

LIVE_DB: dict[str, str] = {}
CORRIDORS = {"GB-NG": ("GBR", "NGA"), "ES-CO": ("ESP", "COL")}
# The services each corridor's 2025 Q3 survey quotes at USD 200 (the seeds' file, counted by hand with grep).
SERVICES = {"GB-NG": 31, "ES-CO": 22}
TEXTS = {"es": {"table": "Todos los servicios, del más barato al más caro", "na": "no disponible"},
         "fr": {"table": "Tous les services, du moins cher au plus cher", "na": "non disponible"}}

# Every cell of the services' table that ends right of the page (a cut column), and the table's width
# against the page's.
CUT = """() => {
  const table = document.querySelector('table.results');
  const page = document.documentElement.clientWidth;
  const cells = [...table.querySelectorAll('th, td')].filter(c => c.getClientRects().length);
  const cut = cells.filter(c => c.getBoundingClientRect().right > page + 0.5).map(c => c.textContent.trim().slice(0, 30));
  return {page, table: table.getBoundingClientRect().right, scroll: table.scrollWidth - table.clientWidth, cut};
}"""


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    extra = [("rpw", "rpw_2025Q3_quotes_GBR-NGA_ESP-COL.csv", seeds.quotes(*CORRIDORS.values()))]
    yield from serve(tmp_path_factory, LIVE_DB, extra)


def compare_url(base: str, code: str, language: str) -> str:
    send, receive = code.split("-")
    return f"{base}/compare?send={send}&receive={receive}&mode=send&amount=200&lang={language}"


def sideways(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize("language", ["es", "fr"])
@pytest.mark.parametrize("code", list(CORRIDORS))
def test_on_a_phone_the_ranking_is_in_view_and_nothing_scrolls_sideways(browser, live_server, code, language):
    page = browser.new_context(viewport={"width": 375, "height": 740}).new_page()
    response = page.goto(compare_url(live_server, code, language))
    assert response.status == 200
    page.wait_for_load_state("load")
    shot(page, f"compare-{code}-{language}-phone")
    assert sideways(page) <= 0
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("#table-heading").inner_text() == TEXTS[language]["table"]
    rows = page.locator("table.results > tbody > tr")
    assert rows.count() == SERVICES[code]
    # The ranking: the cheapest service's card, whole within the phone's width, reached by scrolling down.
    first = rows.first
    first.scroll_into_view_if_needed()
    assert first.is_visible()
    box = first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375, box
    # Nigeria's naira and Colombia's peso have no reference rate: what the family receives is not available.
    assert TEXTS[language]["na"] in first.inner_text()


@pytest.mark.parametrize("language", ["es", "fr"])
@pytest.mark.parametrize("code", list(CORRIDORS))
def test_printed_the_table_fits_the_page(browser, live_server, code, language):
    # A4's width less the print margins (210 mm - 2 × 10 mm) at 96 CSS px an inch: 718 px.
    page = browser.new_context(viewport={"width": 718, "height": 1000}).new_page()
    page.goto(compare_url(live_server, code, language))
    page.wait_for_load_state("load")
    page.emulate_media(media="print")
    shot(page, f"compare-{code}-{language}-print")
    fit = page.evaluate(CUT)
    assert fit["cut"] == [] and fit["scroll"] <= 0 and fit["table"] <= fit["page"] + 0.5, fit
    assert sideways(page) <= 0
    pdf = page.pdf(format="A4", print_background=True)
    (ARTIFACTS / f"compare-{code}-{language}.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= 3, f"{SERVICES[code]} services print on {pages} pages"
