"""The list of corridors and a corridor's page in Chromium, in Spanish, at a desktop width and on a
phone: sorted and filtered with the form alone; the trend chart's points inside its plot, its two target
lines drawn across it, and its data table holding every quarter. Screenshots go to artifacts/screenshots/."""
from __future__ import annotations

import re

import pytest

from .browser import browser_type_launch_args, require_chromium, serve, shot  # noqa: F401

require_chromium()

LIVE_DB: dict[str, str] = {}
WIDTHS = {"desktop": (1280, 800), "phone": (375, 740)}

# Every figure drawn, in the page's CSS pixels: the plot's box, each point's centre, each line's box.
GEOMETRY = """() => {
  const svg = document.querySelector('figure.chart svg');
  const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const plot = box(svg.querySelector('.plot > rect.background'));
  const dots = [...svg.querySelectorAll('.series circle.dot')].map(c => {
    const r = c.getBoundingClientRect(); return [(r.left + r.right) / 2, (r.top + r.bottom) / 2]; });
  const targets = [...svg.querySelectorAll('.series.target')].filter(g => g.querySelector('path.line')).map(g => ({
    kind: [...g.classList].find(c => c.startsWith('target-')),
    box: box(g.querySelector('path.line')),
    dash: getComputedStyle(g.querySelector('path.line')).strokeDasharray }));
  return {plot, dots, targets};
}"""


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    yield from serve(tmp_path_factory, LIVE_DB)


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_spanish_list_of_corridors_sorts_and_filters_with_the_form(browser, live_server, width):
    w, h = WIDTHS[width]
    page = browser.new_context(viewport={"width": w, "height": h}).new_page()
    page.goto(live_server + "/corridors?lang=es")
    assert page.locator("h1").inner_text() == "Corredores"
    rows = page.locator("table.corridors tbody tr")
    assert rows.count() == 21
    assert page.locator("p[role=status]").inner_text() == "21 corredores."
    india = rows.filter(has_text="India").first.inner_text()
    assert "4,28" in india and "no cumplida" in india and "T3 2025" in india
    # Canada's corridors, the cheapest first: chosen in the form and sent without a script.
    page.select_option("#send", "CA")
    page.select_option("#sort", "cost")
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"/corridors\?"))
    assert rows.count() == 16
    assert [rows.nth(i).locator("th").inner_text().split("\n")[0] for i in range(3)] == [
        "Canadá → Nigeria CAD → NGN", "Canadá → Filipinas CAD → PHP", "Canadá → India CAD → INR"]
    assert page.locator("p[role=status]").inner_text() == "16 corredores de 21 cumplen estas condiciones."
    # The sorted column says so to a screen reader.
    assert page.locator("th[aria-sort=ascending]").inner_text().startswith("Costo promedio")
    page.select_option("#sort", "date")
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"sort=date"))
    assert page.locator("th[aria-sort=descending]").inner_text() == "Datos"
    shot(page, f"corridors-es-{width}")
    page.context.close()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_spanish_corridor_page_draws_its_trend_inside_the_plot_with_both_targets(browser, live_server, width):
    w, h = WIDTHS[width]
    page = browser.new_context(viewport={"width": w, "height": h}).new_page()
    page.goto(live_server + "/corridors/CA-GH?lang=es")
    assert page.locator("h1").inner_text() == "Envío de dinero: Canadá → Ghana"
    drawn = page.evaluate(GEOMETRY)
    left, top, right, bottom = drawn["plot"]
    # Four quarters with figures (2025 Q2 has none) × average, cheapest; SmaRT for 2025 Q3 only: 9 points,
    # the cheapest of 2025 Q3 below zero (−2.30%: a promotion beating the mid-market rate).
    assert len(drawn["dots"]) == 9
    outside = [(x, y) for x, y in drawn["dots"] if not (left <= x <= right and top <= y <= bottom)]
    assert outside == [], (drawn["plot"], outside)
    # The UN target of 3% and the 5% line: dashed, across the plot from side to side, 5% above 3%.
    targets = {t["kind"]: t for t in drawn["targets"]}
    assert sorted(targets) == ["target-3", "target-5"]
    for target in targets.values():
        x0, y0, x1, y1 = target["box"]
        assert abs(x0 - left) < 1.5 and abs(x1 - right) < 1.5 and top < y0 and y1 < bottom
        assert target["dash"] != "none"
    assert targets["target-5"]["box"][1] < targets["target-3"]["box"][1]
    # The chart's text alternative: the table holds every quarter from the first to the latest.
    table = page.locator("table.trend tbody tr")
    assert [table.nth(i).locator("th").inner_text() for i in range(table.count())] == [
        "T3 2024", "T4 2024", "T1 2025", "T2 2025",
        "T3 2025"]
    assert "8,61" in table.nth(0).inner_text() and "publicado por el Banco Mundial" in table.nth(0).inner_text()
    assert "No hay ninguna cifra para este trimestre" in table.nth(3).inner_text()
    assert "5,42" in table.nth(4).inner_text() and "-2,30" in table.nth(4).inner_text()
    label = page.locator("figure.chart [role=img]").get_attribute("aria-label")
    assert label.startswith("Gráfico de líneas del costo promedio por trimestre")
    # Legible on a phone: no text of the chart under 11 px.
    sizes = page.evaluate("""() => { const svg = document.querySelector('figure.chart svg');
        const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        return [...svg.querySelectorAll('text')].filter(t => t.getBBox().width > 0)
            .map(t => parseFloat(getComputedStyle(t).fontSize) * scale); }""")
    assert min(sizes) >= 11, min(sizes)
    # And no two labels of an axis overlap: the values (every 2 points here, −4% to 10%) nor the quarters.
    labels = page.evaluate("""() => Object.fromEntries(['y', 'x'].map(axis => [axis,
        [...document.querySelectorAll(`figure.chart svg .axis.${axis} text`)].filter(t => t.textContent.trim())
          .map(t => { const r = t.getBoundingClientRect();
                      return [t.textContent, r.left, r.top, r.right, r.bottom]; })]))""")
    assert [text for text, *_ in labels["y"]] == ["-4", "-2", "0", "2", "4", "6", "8", "10"]
    values = sorted(labels["y"], key=lambda label: label[2])
    assert all(upper[4] <= lower[2] for upper, lower in zip(values, values[1:])), values
    quarters = sorted(labels["x"], key=lambda label: label[1])
    assert len(quarters) == 5 and all(left[3] <= right[1] for left, right in zip(quarters, quarters[1:])), quarters
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    shot(page, f"corridor-ca-gh-es-{width}")
    page.context.close()
