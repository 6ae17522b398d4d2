"""Server-side SVG charts (pygal, no JavaScript): each comes with a text alternative in the page.

The charts carry no styles of their own: pygal's per-chart <style> (5 KB in each chart, not
cacheable) is taken out and the shared rules for `.pygal-chart` live in remit.css. They are drawn
400 units wide with 14-unit text so that, shrunk to a 375 px phone's column, their text stays at
least 11 px high; on wider screens remit.css caps their width.
"""
from __future__ import annotations

import re
from decimal import Decimal

import pygal
from pygal.style import Style

WIDTH = 400
STYLE = Style(background="white", plot_background="white", foreground="#1b1b1b", foreground_strong="#1b1b1b",
              foreground_subtle="#767676", colors=("#0b5394", "#b45f06", "#38761d", "#741b47"),
              font_family="system-ui, sans-serif", label_font_size=14, major_label_font_size=14,
              value_font_size=14, title_font_size=15, legend_font_size=14)
LABEL_CHARACTERS = 22
_GEOMETRY = re.compile(r'(\s(?:x|y|width|height|d|transform|points|cx|cy|r|x1|x2|y1|y2)=")([^"]*)"')
_DECIMALS = re.compile(r"(\d+\.\d)\d+")


def _render(chart) -> str:
    svg = chart.render(is_unicode=True)
    # Taken out: pygal's configuration <script> (the pages run no script), its <style> (shared in
    # remit.css), its comments, and the tooltip layers that only a script would show.
    for pattern in (r"<script\b[^>]*>.*?</script>", r"<style\b[^>]*>.*?</style>", r"<!--.*?-->",
                    r"<desc\b[^>]*>.*?</desc>", r"<title>.*?</title>", r' id=""', r'<g class="plot tooltip-overlay">.*?</g>\s*</g>'):
        svg = re.sub(pattern, "", svg, flags=re.S)
    # Coordinates to a tenth of a unit: the drawing looks the same and weighs a third less.
    return _GEOMETRY.sub(lambda m: m.group(1) + _DECIMALS.sub(r"\1", m.group(2)) + '"', svg)


def _options(**extra) -> dict:
    options = dict(style=STYLE, js=[], css=[], no_prefix=True, disable_xml_declaration=True, width=WIDTH,
                   print_values=False, explicit_size=False, show_legend=False, truncate_label=-1, margin=8,
                   tooltip_border_radius=0)
    return options | extra


def short(label: str) -> str:
    return label if len(label) <= LABEL_CHARACTERS else label[:LABEL_CHARACTERS - 1].rstrip() + "…"


def cost_bars(title: str, rows: list[tuple[str, Decimal]]) -> str:
    """Total cost per service, cheapest first (at the top)."""
    chart = pygal.HorizontalBar(**_options(height=max(140, 28 * len(rows) + 50), title=None))
    chart.x_labels = [short(label) for label, _ in reversed(rows)]
    chart.add(title, [float(value) for _, value in reversed(rows)])  # drawing only: floats are fine here
    return _render(chart)


def trend(title: str, periods: list[str], series: dict[str, list[Decimal | None]]) -> str:
    chart = pygal.Line(**_options(height=320, show_legend=True, legend_at_bottom=True, legend_at_bottom_columns=1,
                                  title=None, x_label_rotation=0 if len(periods) <= 4 else 30))
    chart.x_labels = periods
    for name, values in series.items():
        chart.add(name, [float(v) if v is not None else None for v in values])
    return _render(chart)


def savings_curve(title: str, points: list[tuple[int, Decimal | None]]) -> str:
    chart = pygal.Bar(**_options(height=300, title=None, show_minor_x_labels=len(points) <= 12,
                                 x_labels_major_count=8))
    chart.x_labels = [str(n) for n, _ in points]
    chart.add(title, [float(v) if v is not None else None for _, v in points])
    return _render(chart)
