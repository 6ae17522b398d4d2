"""Server-side SVG charts (pygal, no JavaScript): each comes with a text alternative in the page."""
from __future__ import annotations

import re
from decimal import Decimal

import pygal
from pygal.style import Style

STYLE = Style(background="white", plot_background="white", foreground="#1b1b1b", foreground_strong="#1b1b1b",
              foreground_subtle="#767676", colors=("#0b5394", "#b45f06", "#38761d", "#741b47"),
              font_family="DejaVu Sans, Arial, sans-serif", label_font_size=12, major_label_font_size=12,
              value_font_size=11, title_font_size=14, legend_font_size=12)


def _render(chart) -> str:
    # pygal writes a configuration <script> even without its tooltips; the pages run no script
    # (the Content-Security-Policy forbids inline ones), so it is taken out.
    return re.sub(r"<script\b[^>]*>.*?</script>", "", chart.render(is_unicode=True), flags=re.S)


def _options(title: str, **extra) -> dict:
    options = dict(style=STYLE, js=[], disable_xml_declaration=True, title=title, width=800, print_values=False,
                   explicit_size=False, show_legend=False, truncate_label=-1)
    return options | extra


def cost_bars(title: str, rows: list[tuple[str, Decimal]]) -> str:
    """Total cost per service, cheapest first."""
    chart = pygal.HorizontalBar(**_options(title, height=max(160, 26 * len(rows) + 80)))
    chart.x_labels = [label for label, _ in reversed(rows)]
    chart.add(title, [float(value) for _, value in reversed(rows)])  # drawing only: floats are fine here
    return _render(chart)


def trend(title: str, periods: list[str], series: dict[str, list[Decimal | None]]) -> str:
    chart = pygal.Line(**_options(title, height=300, show_legend=True, legend_at_bottom=True))
    chart.x_labels = periods
    for name, values in series.items():
        chart.add(name, [float(v) if v is not None else None for v in values])
    return _render(chart)


def savings_curve(title: str, points: list[tuple[int, Decimal | None]]) -> str:
    chart = pygal.Bar(**_options(title, height=300, x_title=title))
    chart.x_labels = [str(n) for n, _ in points]
    chart.add(title, [float(v) if v is not None else None for _, v in points])
    return _render(chart)
