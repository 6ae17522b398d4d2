"""The corridor guide in a real headless Chromium (issue 29): printed in Spanish to PDF on two A4 pages
at most, no printed text under 10 pt, its figures the quote API's, and its QR code read back from
the screen to the live corridor page's address."""
from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest

from .browser import ARTIFACTS, browser_type_launch_args, require_chromium, serve, shot  # noqa: F401

require_chromium()

LIVE_DB: dict[str, str] = {}
CORRIDORS = [("CA-GT", "GT"), ("CA-IN", "IN")]


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    yield from serve(tmp_path_factory, LIVE_DB)


def spanish_number(text: str) -> Decimal:
    """'1.528,10 GTQ' → 1528.10 (Spanish groups with a point and writes decimals after a comma)."""
    digits = re.sub(r"[^0-9,]", "", text.split("\n")[0])
    return Decimal(digits.replace(",", "."))


@pytest.mark.parametrize("code, receive", CORRIDORS)
def test_the_spanish_guide_prints_on_two_a4_pages_at_most_at_10_pt_or_more(page, live_server, code, receive):
    page.goto(f"{live_server}/corridors/{code}/guide?lang=es")
    page.emulate_media(media="print")
    shot(page, f"guide-{code}-es-print")
    pdf = page.pdf(format="A4", print_background=True)
    (ARTIFACTS / f"guide-{code}-es.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= 2, f"the {code} guide prints on {pages} pages"
    # Every printed piece of text, measured as printed: 10 pt is 13.33 CSS pixels.
    smallest = page.evaluate("""() => {
        let least = null, where = null;
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
            const node = walker.currentNode, element = node.parentElement;
            if (!node.textContent.trim() || !element.getClientRects().length) continue;
            if (element.closest('svg')) continue;
            const size = parseFloat(getComputedStyle(element).fontSize);
            if (least === null || size < least) { least = size; where = node.textContent.trim().slice(0, 40); }
        }
        return [least, where];
    }""")
    assert smallest[0] >= 13.3, f"printed text at {smallest[0]} px: {smallest[1]!r}"
    # Black on white: no printed text in colour.
    colours = page.evaluate("""() => [...new Set([...document.querySelectorAll('main *')]
        .filter(e => e.getClientRects().length).map(e => getComputedStyle(e).color))]""")
    assert colours == ["rgb(0, 0, 0)"], colours


@pytest.mark.parametrize("code, receive", CORRIDORS)
def test_the_guides_figures_are_the_quote_apis_at_the_same_amounts(page, live_server, code, receive):
    page.goto(f"{live_server}/corridors/{code}/guide?lang=es")
    tables = page.locator("table.guide-table")
    guide = page.request.get(f"{live_server}/api/v1/corridors/{code}/guide").json()
    assert tables.count() == len(guide["amounts"]) == 3
    for index, shown in enumerate(guide["amounts"]):
        quotes = page.request.get(f"{live_server}/api/v1/quotes?send=CA&receive={receive}&currency=CAD"
                                  f"&amount={shown['amount']}&page_size=3").json()
        rows = tables.nth(index).locator("tbody tr")
        assert rows.count() == len(quotes) == 3
        for row, quote in zip(range(rows.count()), quotes):
            cells = rows.nth(row).locator("td")
            assert spanish_number(cells.nth(0).inner_text()) == Decimal(quote["total_cost"])
            assert spanish_number(cells.nth(1).inner_text()) == Decimal(quote["receive_amount"])
            assert quote["provider"]["name"] in rows.nth(row).locator("th").inner_text()


@pytest.mark.parametrize("code, receive", CORRIDORS)
def test_the_qr_code_scans_as_the_live_corridor_pages_address(page, live_server, code, receive):
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    page.goto(f"{live_server}/corridors/{code}/guide?lang=es")
    picture = Image.open(io.BytesIO(page.locator("svg.qr").screenshot()))
    found = [c.text for c in zxingcpp.read_barcodes(picture)]
    assert found == [f"{live_server}/corridors/{code}"]
    page.goto(found[0])
    assert "Canadá →" in page.locator("h1").inner_text()  # the corridor page, in the reader's language


def test_the_guides_of_the_canadian_corridors_print_as_one_pdf_each_on_its_own_sheet(page, live_server):
    page.goto(f"{live_server}/guides?send=CA&lang=es")
    page.emulate_media(media="print")
    sheets = page.locator("article.guide-sheet")
    assert sheets.count() == 16
    assert page.evaluate("""() => [...document.querySelectorAll('article.guide-sheet')].slice(1)
        .every(a => getComputedStyle(a).breakBefore === 'page')""")
    pdf = page.pdf(format="A4", print_background=True)
    (ARTIFACTS / "guides-CA-es.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 16 <= pages <= 32, f"16 guides print on {pages} pages"
