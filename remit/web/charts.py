"""Server-side SVG charts (pygal, no JavaScript): each comes with a text alternative in the page.

The charts carry no styles of their own: pygal's per-chart <style> (5 KB in each chart, not
cacheable) is taken out and the shared rules for `.pygal-chart` live in remit.css. They are drawn
400 units wide with 14-unit text so that, shrunk to a 375 px phone's column, their text stays at
least 11 px high; on wider screens remit.css caps their width.
"""
from __future__ import annotations

import math
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
MAX_VALUE_LABELS = 8
_PLOT_WIDTH = re.compile(r'class="plot"><rect x="0" y="0" width="([\d.]+)"')


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


def trend(labels: list[str], series: list[tuple[str, list[Decimal | None]]],
          targets: list[tuple[str, Decimal, str]]) -> str:
    """Figures per quarter: `labels` names every quarter in order (gaps included), each series gives one
    value per quarter (None where there is no figure: its line breaks there), and each target
    (name, value, class) is a dashed line across the whole plot. The axes are set so that every point
    and every target lies inside the plot, with a unit to spare; at most six quarters are labelled, and at
    most eight values."""
    count = len(labels)
    values = [float(v) for _, vs in series for v in vs if v is not None] + [float(t) for _, t, _ in targets]
    low = math.floor(min(values)) - 1 if values and min(values) < 0 else 0
    high = math.ceil(max(values, default=0)) + 1
    # At most eight labels on the value axis, at whole multiples of 1, 2, 5, 10…: more would overlap,
    # 14-unit text on a 172-unit plot.
    every = next((s for s in (1, 2, 5, 10, 20, 25, 50, 100) if high - low <= MAX_VALUE_LABELS * s),
                 math.ceil((high - low) / MAX_VALUE_LABELS))
    low, high = every * math.floor(low / every), every * math.ceil(high / every)
    step = max(1, math.ceil(count / 6))
    # Quarters at x = 1 … count, so the y axis (x = 0) is not drawn through the first one.
    chart = pygal.XY(**_options(
        height=320, show_legend=True, legend_at_bottom=True, legend_at_bottom_columns=1, title=None,
        xrange=(0.5, count + 0.5), range=(low, high), y_labels=list(range(low, high + 1, every)),
        x_labels=list(range(1, count + 1, step)),
        x_value_formatter=lambda x: labels[int(x) - 1] if float(x).is_integer() and 1 <= x <= count else "",
        allow_interruptions=True, show_x_guides=False, x_label_rotation=0))
    for name, points in series:
        chart.add(name, [(i, float(v) if v is not None else None) for i, v in enumerate(points, start=1)])
    for name, value, _ in targets:
        chart.add(name, [(0.5, float(value)), (count + 0.5, float(value))], show_dots=False)
    svg = _render(chart)
    # The plot's width: pygal keeps a margin inside it on either side; a target spans it all.
    width = _PLOT_WIDTH.search(svg).group(1)
    for index, (_, _, css_class) in enumerate(targets, start=len(series)):
        group = f'class="series serie-{index} color-{index}"'
        # The target lines' own class (remit.css draws them dashed), on the line and on its legend key.
        svg = svg.replace(group, f'{group[:-1]} target {css_class}"')
        svg = svg.replace(f'class="color-{index} reactive"', f'class="color-{index} reactive target {css_class}"')
        svg = re.sub(rf'({re.escape(group[:-1])} target {css_class}"><path d=")M[\d.]+ ([\d.-]+) L[\d.]+ [\d.-]+"',
                     rf'\g<1>M0 \2 L{width} \2"', svg)
    return svg


def savings_curve(title: str, points: list[tuple[int, Decimal | None]]) -> str:
    chart = pygal.Bar(**_options(height=300, title=None, show_minor_x_labels=len(points) <= 12,
                                 x_labels_major_count=8))
    chart.x_labels = [str(n) for n, _ in points]
    chart.add(title, [float(v) if v is not None else None for _, v in points])
    return _render(chart)
