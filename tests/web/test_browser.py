"""The staff pages in a real headless Chromium (Debian's package), driven by Playwright.

Screenshots go to artifacts/screenshots/. Set REMIT_REQUIRE_BROWSER=1 (as .ci/run does) to make a
missing Chromium an error rather than a skip.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from .browser import ARTIFACTS, add_user, browser_type_launch_args, require_chromium, serve, shot  # noqa: F401

require_chromium()

LIVE_DB: dict[str, str] = {}


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    yield from serve(tmp_path_factory, LIVE_DB)


# The compare form's visible Compare button: its first, hidden one is what Enter presses in a field,
# and the "Choose" buttons (named choose) reload the form.
COMPARE = "button[type=submit]:not([name]):not([aria-hidden])"


def fill_compare(page, base: str, amount: str = "300") -> None:
    page.goto(base + "/?lang=en")
    page.select_option("#send", "CA")
    page.select_option("#receive", "GT")
    page.fill("#amount", amount)
    page.select_option("#currency", "CAD")
    page.click(COMPARE)
    # The click returns once the new page's navigation has begun; its stylesheet (print rules
    # included) applies by the load event.
    page.wait_for_url(re.compile(r"/compare\?"))
    page.wait_for_load_state("load")


def test_compare_ca_gt_shows_the_ranked_table_and_chart(page, live_server):
    fill_compare(page, live_server)
    assert page.url.startswith(live_server + "/compare?")
    rows = page.locator("table.results tbody tr")
    assert rows.count() == 7
    assert "Illustrative Money Transfer B" in rows.first.inner_text()
    assert rows.first.get_attribute("class") == "cheapest"
    assert page.locator("figure.chart svg").is_visible()
    assert "it costs CA$9.49 in all, 3.16% of the amount sent" in page.locator(".summary").inner_text()
    shot(page, "compare-results-en")


def test_switching_to_spanish(page, live_server):
    fill_compare(page, live_server)
    page.click("nav.languages >> text=Español")
    assert page.locator("h1").inner_text() == "Envío de dinero: Canadá → Guatemala"
    table = page.locator("table.results").inner_text()
    assert "Tipo de cambio" in table and "1.640,89\u00a0GTQ" in table
    shot(page, "compare-results-es")


def test_spanish_results_say_how_old_the_data_is_and_flag_a_promotion(page, live_server):
    """USA → Mexico at USD 200 in Spanish: the 2025 Q3 survey is past its 365-day limit (by the date the
    suite runs), and Walmart2World's −2.44% beat the mid-market rate; neither is taken at face value."""
    import datetime as dt

    page.goto(live_server + "/?lang=es")
    page.select_option("#send", "US")
    page.select_option("#receive", "MX")
    page.fill("#amount", "200")
    page.click(COMPARE)
    page.wait_for_url(re.compile(r"/compare\?"))
    if (dt.date.today() - dt.date(2025, 9, 30)).days > 365:
        banner = page.locator("p.stale").first
        assert banner.is_visible()
        assert re.match(r"Datos antiguos: precios encuestados por el Banco Mundial en T3 2025, "
                        r"hace \d+ meses\.", banner.inner_text())
    walmart = page.locator("table.results tbody tr", has_text="Walmart2World").filter(has_text="Internet").first
    assert "Mejor que el tipo medio del mercado cuando se tomó el precio" in walmart.inner_text()
    assert walmart.get_attribute("class") != "cheapest"
    summary = page.locator(".summary").inner_text()
    assert "dieron un tipo de cambio mejor que el tipo medio del mercado" in summary
    first = page.locator("table.results tbody tr").first
    assert first.get_attribute("class") == "cheapest" and "Mejor que el tipo medio" not in first.inner_text()
    shot(page, "compare-results-es-us-mx")


def test_a_bad_amount_is_shown_next_to_the_field(page, live_server):
    fill_compare(page, live_server, amount="-5")
    error = page.locator("#amount-error")
    assert error.inner_text() == "The amount must be more than zero."
    assert page.locator("#amount").input_value() == "-5"
    assert page.locator("#amount").get_attribute("aria-invalid") == "true"
    shot(page, "compare-bad-amount")


def test_bundle_of_twenty_members_shows_the_totals(page, live_server):
    """Twenty workers of CAD 350 on the seeded (illustrative) corridor, as a spreadsheet copies them."""
    page.goto(live_server + "/bundle?lang=en")
    page.select_option("#send", "CA")
    page.select_option("#receive", "GT")
    page.fill("#pasted", "\n".join(f"worker-{i:02d}\t350" for i in range(1, 21)))
    page.fill("#distribution_fee", "1.50")
    page.fill("#incoming_fee", "15")
    page.click("#plan")
    totals = page.locator("table.totals").inner_text()
    assert "Each sending alone the cheapest way\tCA$214.80" in totals
    # 29 × 350 = 10,150 passes Bank A's CAD 10,000 band: two wires, (2 × 20 + 2 × 15) / 29 + 7 + 1.50 = 10.91
    # each, and the credit union's one wire 65 / 29 + 8.50 = 10.74, no less than alone; from 30, 10.67.
    assert ("Members each sending CAD 350.00 gain in a group of these sizes, and in no other of up to 1000: 16 to 28, "
            "30 or more.") in page.locator(".verdict").inner_text()
    assert page.locator("text=worker-20").first.is_visible()
    shot(page, "bundle-20")


def test_results_print_on_one_a4_page(page, live_server):
    fill_compare(page, live_server)
    assert page.locator("table.results tbody tr").count() == 7  # the 7 CA→GT services
    page.emulate_media(media="print")
    assert not page.locator("nav.languages").is_visible()
    shot(page, "compare-results-print")
    pdf = page.pdf(format="A4", print_background=True)
    (ARTIFACTS / "compare-results.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 1, f"the results print on {pages} pages"


def test_page_weight_and_first_render(page, live_server):
    page.goto(live_server + "/compare?send=CA&receive=GT&mode=send&amount=300&currency=CAD&lang=en")
    page.wait_for_load_state("load")
    metrics = page.evaluate("""() => new Promise(resolve => {
        const report = (paint) => {
            const nav = performance.getEntriesByType('navigation')[0];
            const resources = performance.getEntriesByType('resource');
            resolve({document_bytes: nav.transferSize,
                     resource_bytes: resources.reduce((s, r) => s + r.transferSize, 0),
                     resources: resources.map(r => r.name), first_contentful_paint_ms: paint ? paint.startTime : null,
                     dom_content_loaded_ms: nav.domContentLoadedEventEnd, load_ms: nav.loadEventEnd});
        };
        new PerformanceObserver(list => {
            const fcp = list.getEntries().find(e => e.name === 'first-contentful-paint');
            if (fcp) report(fcp);
        }).observe({type: 'paint', buffered: true});
        setTimeout(() => report(null), 3000);
    })""")
    metrics["total_bytes"] = metrics["document_bytes"] + metrics["resource_bytes"]
    (ARTIFACTS / "page-metrics.json").write_text(json.dumps(metrics, indent=2))
    print("results page:", metrics)
    # Only remit's own files (the stylesheet): no script, no web font, no CDN.
    assert metrics["resources"] and all(name.startswith(live_server + "/static/") for name in metrics["resources"])
    assert not any(name.endswith(".js") for name in metrics["resources"])
    assert metrics["total_bytes"] < 150_000


def test_admin_logs_in_uploads_previews_applies_and_sees_the_new_fee(page, live_server, tmp_path):
    add_user(LIVE_DB, "admin@example.org", "correct horse battery")

    page.goto(live_server + "/login?lang=en")
    page.fill("#email", "admin@example.org")
    page.fill("#password", "correct horse battery")
    page.click("button[type=submit]")
    assert page.locator("h1").inner_text() == "Administration"
    page.goto(live_server + "/admin/imports")
    seed = Path(__file__).resolve().parents[2] / "seeds" / "fees" / "CA-GT_illustrative_fee_table.csv"
    changed = tmp_path / "new-fees.csv"
    changed.write_text(seed.read_text().replace(",1.99,1,1.5,", ",0.99,1,1.5,", 1))
    page.set_input_files("#file", str(changed))
    page.click("button[type=submit]")
    assert "0 to add, 1 to change, 0 to retire, 12 unchanged." in page.locator("p.summary").inner_text()
    assert "fee_fixed" in page.locator("table.preview").inner_text()
    shot(page, "admin-preview")
    page.click("text=Apply")
    assert page.locator("h1").inner_text().startswith("Import #")
    fill_compare(page, live_server)
    assert "it costs CA$8.49 in all" in page.locator(".summary").inner_text()  # 0.99 + 1% + 1.5% of 300
    shot(page, "compare-after-import")


CONTRAST = """(element) => {
    const rgb = (text) => (text.match(/[\\d.]+/g) || []).map(Number);
    const luminance = ([r, g, b]) => {
        const c = [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    };
    const style = getComputedStyle(element);
    // The ring is drawn outside the element: against the nearest ancestor's opaque background.
    let parent = element.parentElement, behind = [255, 255, 255];
    while (parent) {
        const bg = rgb(getComputedStyle(parent).backgroundColor);
        if (bg.length === 3 || (bg.length === 4 && bg[3] === 1)) { behind = bg.slice(0, 3); break; }
        parent = parent.parentElement;
    }
    const ring = rgb(style.outlineColor).slice(0, 3);
    const [a, b] = [luminance(ring), luminance(behind)].sort((x, y) => y - x);
    return {width: parseFloat(style.outlineWidth), style: style.outlineStyle, ratio: (a + 0.05) / (b + 0.05),
            id: element.id || element.tagName};
}"""


def test_the_compare_form_works_with_the_keyboard_alone_and_shows_where_focus_is(page, live_server):
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(live_server + "/?lang=en")
    visited, rings = [], []
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate("() => document.activeElement.id || document.activeElement.textContent.trim()")
        rings.append(page.evaluate(CONTRAST, page.evaluate_handle("document.activeElement")))
        visited.append(focused)
        if focused == "send":
            break
    assert visited[0] == "Skip to content" and visited[-1] == "send"
    page.keyboard.type("Canada")
    chosen = "document.activeElement.name + '=' + document.activeElement.value"
    page.keyboard.press("Tab")
    assert page.evaluate(chosen) == "choose=send"  # "Choose" beside the country reloads the form, no script
    rings.append(page.evaluate(CONTRAST, page.evaluate_handle("document.activeElement")))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "receive"
    page.keyboard.type("Guatemala")
    page.keyboard.press("Tab")
    assert page.evaluate(chosen) == "choose=receive"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "mode-0"  # the first of the two radio buttons
    rings.append(page.evaluate(CONTRAST, page.evaluate_handle("document.activeElement")))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "amount"
    rings.append(page.evaluate(CONTRAST, page.evaluate_handle("document.activeElement")))
    page.keyboard.type("300")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/compare\?"))
    assert page.locator("h1").inner_text() == "Sending money: Canada → Guatemala"
    assert page.locator("table.results tbody tr").count() == 7
    # The results table's scroll region is reached by the keyboard too, and shows its focus.
    page.focus(".table-wrap")
    rings.append(page.evaluate(CONTRAST, page.evaluate_handle("document.activeElement")))
    for ring in rings:
        assert ring["style"] == "solid" and ring["width"] >= 3 and ring["ratio"] >= 3, ring


def test_a_refused_form_moves_focus_to_the_summary_whose_links_reach_each_field(page, live_server):
    page.goto(live_server + "/?lang=en")
    page.click(COMPARE)
    page.wait_for_load_state("load")
    assert page.title() == "Error: Compare the cost of sending money · remit"
    assert page.evaluate("document.activeElement.className") == "error-summary"
    assert page.locator(".error-summary").get_attribute("role") == "alert"
    links = page.locator(".error-summary a")
    assert links.count() == 3
    links.nth(2).click()
    assert page.evaluate("document.activeElement.id") == "amount"
    ring = page.evaluate(CONTRAST, page.evaluate_handle("document.activeElement"))
    assert ring["ratio"] >= 3
    shot(page, "compare-refused")


@pytest.mark.parametrize("path", ["/compare?send=US&receive=MX&mode=send&amount=200&lang=es", "/corridors/US-MX?lang=en"])
def test_chart_text_is_at_least_11_px_on_a_phone(page, live_server, path):
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(live_server + path)
    sizes = page.evaluate("""() => [...document.querySelectorAll('figure.chart svg')].flatMap(svg => {
        const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        return [...svg.querySelectorAll('text')].filter(t => t.getBBox().width > 0)
            .map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
    })""")
    assert sizes and min(sizes) >= 11, min(sizes)
    # Its figures are in the table beside it.
    assert page.locator("figure.chart [role=img]").get_attribute("aria-label")
    shot(page, "chart-phone-" + path.split("?")[0].strip("/").replace("/", "-"))


def pdf_pages(page, name: str) -> int:
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    (ARTIFACTS / f"{name}.pdf").write_bytes(pdf)
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def test_46_services_print_on_two_a4_pages_at_most_cheapest_and_filters_first(page, live_server):
    page.goto(live_server + "/compare?send=US&receive=MX&mode=send&amount=200&payout_method=&lang=en")
    page.wait_for_load_state("load")
    assert page.locator("table.results tbody tr").count() == 46
    pages = pdf_pages(page, "results-us-mx")
    assert pages <= 2, f"the 46 services print on {pages} pages"
    # The first rows, the data's date and the filters stand before the table on the first page.
    order = page.evaluate("""() => ['h1', 'p.query', 'section.summary', 'table.results tbody tr']
        .map(s => document.querySelector(s).getBoundingClientRect().top)""")
    assert order == sorted(order)


@pytest.mark.parametrize("corridor, services", [("send=CA&receive=PK", 19), ("send=CA&receive=VN", 19)])
def test_up_to_20_services_print_on_one_a4_page(page, live_server, corridor, services):
    # The seeds' largest corridors under 20 (Canada→Ghana and →Kenya have 21).
    page.goto(live_server + f"/compare?{corridor}&mode=send&amount=200&lang=es")
    page.wait_for_load_state("load")
    assert page.locator("table.results tbody tr").count() == services
    pages = pdf_pages(page, "results-" + corridor.replace("&", "-").replace("=", ""))
    assert pages == 1, f"{services} services print on {pages} pages"
