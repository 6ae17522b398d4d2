"""Server-side SVG charts (no JavaScript): each comes with a text alternative in the page. The trend
chart is pygal's; the cost bars, drawn at every comparison, are written here as pygal would draw them.

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
from markupsafe import escape
from pygal.etree import etree as pygal_etree
from pygal.style import Style

# pygal writes its SVG with lxml when lxml is installed (pikepdf brings it) and with the standard
# library's ElementTree otherwise: the two write attributes and empty elements differently, and the
# bar labels and the tidying below read what ElementTree writes. One writer, whatever is installed.
pygal_etree.to_etree()

WIDTH = 400
STYLE = Style(background="white", plot_background="white", foreground="#1b1b1b", foreground_strong="#1b1b1b",
              foreground_subtle="#767676", colors=("#0b5394", "#b45f06", "#38761d", "#741b47"),
              font_family="system-ui, sans-serif", label_font_size=14, major_label_font_size=14,
              value_font_size=14, title_font_size=15, legend_font_size=14)
LABEL_CHARACTERS = 22
BAR_LABEL_CHARACTERS = 46  # a label across the plot, 14-unit text: at most 46 characters as pygal reckons them
BAR_ROW = 46  # units per bar: its label (14-unit text) above a bar 26 units thick
_GEOMETRY = re.compile(r'(\s(?:x|y|width|height|d|transform|points|cx|cy|r|x1|x2|y1|y2)=")([^"]*)"')
_DECIMALS = re.compile(r"(\d+\.\d)\d+")
MAX_VALUE_LABELS = 8
_PLOT_WIDTH = re.compile(r'class="plot"><rect x="0" y="0" width="([\d.]+)"')


# As pygal draws: a margin of 8 units around the plot, the axis's numbers 24 units high below it, 2% of
# each axis's range left free at both ends, and 6% of a bar's room on each side of it. Each bar is a
# little over half its row thick: 22% of the row above it holds its label.
_MARGIN = 8
_ROW_MARGIN = .22
_AXIS_TEXT = 24
_FREE = .02
_SERIE_MARGIN = .06


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


def short(label: str, limit: int = LABEL_CHARACTERS) -> str:
    """`label` in at most `limit` characters: cut after a whole word where one ends late enough, with "…"."""
    if len(label) <= limit:
        return label
    cut = label[:limit - 1]
    if " " in cut and cut.rindex(" ") >= limit // 2:
        cut = cut[:cut.rindex(" ")]
    return cut.rstrip(" ·,–-") + "…"


def _shared_first_words(names: list[str]) -> int:
    """How many first words every name shares, leaving each at least one of its own ("Illustrative" in
    "Illustrative Money Transfer A" and "Illustrative Credit Union")."""
    words = [name.split() for name in names]
    shared = 0
    while (len(names) > 1 and all(len(w) > shared + 1 for w in words)
           and len({w[shared].lower() for w in words}) == 1):
        shared += 1
    return shared


def _fit(parts: list[str], limit: int) -> str:
    """Parts joined by " · " in at most `limit` characters, the longest part cut first: each part keeps
    its start, so "Bank account transfer · Bank branch" and "… · Internet" stay apart."""
    parts = list(parts)
    while len(" · ".join(parts)) > limit:
        longest = max(range(len(parts)), key=lambda k: len(parts[k]))
        target = len(parts[longest]) - (len(" · ".join(parts)) - limit)
        if target < 4:  # nothing left to cut sensibly: the whole label, cut at its end
            return short(" · ".join(parts), limit)
        parts[longest] = short(parts[longest], target)
    return " · ".join(parts)


def service_labels(services: list[tuple[str, str]], limit: int = BAR_LABEL_CHARACTERS) -> list[str]:
    """Each (provider, product) as a bar's label of at most `limit` characters that tells the services
    apart: the words every provider's name begins with are left out ("Illustrative" when all begin so),
    the provider's name is cut to what the product leaves (half the label at least), and the parts of
    the product (a surveyed service's "Bank account transfer · Internet") share the rest, the longest
    cut first."""
    shared = _shared_first_words([provider for provider, _ in services])
    labels = []
    for provider, product in services:
        name = " ".join(provider.split()[shared:])
        # The provider keeps what the product leaves of the label, and at least half of it.
        name = short(name, max(limit // 2, limit - len(product) - 3))
        labels.append(_fit([name, *product.split(" · ")], limit))
    return labels


def _steps(top: float):
    """Steps of 1, 2, 2.5, 5 × 10ⁿ that cover 0 … top in at most 12 steps, the finest first."""
    magnitude = 10.0 ** math.floor(math.log10(top / 12))
    while True:
        for factor in (1, 2, 2.5, 5):
            step = factor * magnitude
            if math.ceil(top / step - 1e-9) <= 12:
                yield Decimal(str(factor)) * Decimal(str(magnitude))
        magnitude *= 10


def cost_axis(top: float, number) -> tuple[list[Decimal], int]:
    """The cost axis's numbers from 0 past `top`, and their decimals: the finest step whose numbers, as
    `number` writes them, each fit in the space between two of them with a gap of two characters
    (pygal reckons a character 0.6 of the font size; the plot is about WIDTH - 24 units wide)."""
    character = 0.6 * STYLE.label_font_size
    for step in _steps(top or 1):
        places = max(0, -step.normalize().as_tuple().exponent)
        count = math.ceil(Decimal(str(top or 1)) / step)
        ticks = [step * i for i in range(count + 1)]
        widest = max(len(number(t, places)) for t in ticks)
        if (WIDTH - 24) / max(1, count) >= (widest + 2) * character:
            return ticks, places
    raise AssertionError("unreachable: one step covers the whole axis")


def cost_bars(rows: list[tuple[str, str, Decimal]], number=None) -> str:
    """Total cost per service, cheapest first (at the top): `rows` are (label, full name, cost). Each
    bar has its label above it, across the whole plot (full name in a <title>), and the cost axis is
    numbered at steps of 1, 2, 2.5 or 5 × 10ⁿ few enough that its numbers, written by
    `number(value, decimals)` (the page's locale), never meet.

    Drawn here, not by pygal: a compare page draws one at every new amount, and pygal took a quarter
    of the server's time under load (its set-up copies its whole configuration at every chart) for a
    drawing of rectangles. The drawing is pygal's own: the same classes (remit.css styles them with
    the trend chart's), sizes and projection (2% of each axis's range left free at both ends)."""
    number = number or (lambda value, places: format(value, f".{places}f"))
    top = max((float(cost) for _, _, cost in rows), default=0)
    ticks, places = cost_axis(top, number)
    texts = [number(t, places) for t in ticks]
    # The last number is centred on the plot's right edge: half of it must fit in the margin.
    half = math.ceil(max(len(text) for text in texts) * 0.6 * STYLE.label_font_size / 2)
    height = BAR_ROW * len(rows) + 44
    plot_width = WIDTH - _MARGIN - max(_MARGIN, half + 2)
    plot_height = height - BAR_ROW // 2 - _MARGIN - _AXIS_TEXT
    span = float(ticks[-1])

    def across(value: float) -> float:  # a cost's place across the plot
        return plot_width * (value / span + _FREE) / (1 + 2 * _FREE)

    pitch = plot_height / (1 + 2 * _FREE) / len(rows)
    row = pitch * (1 - 2 * _ROW_MARGIN)  # the part of a row the bar may take
    thickness = row * (1 - 2 * _SERIE_MARGIN)
    left = across(0)
    axis = [f'<g class="guides"><path d="M{left:.1f} 0.0 v{plot_height:.1f}" class="axis major line" />'
            f'<text x="{left:.1f}" y="{plot_height + 17:.1f}" class="major">{escape(texts[0])}</text></g>']
    axis += [f'<g class="guides"><text x="{across(float(t)):.1f}" y="{plot_height + 17:.1f}" class="">'
             f'{escape(text)}</text></g>' for t, text in zip(ticks[1:], texts[1:])]
    labels, bars = [], []
    for k, (label, full, cost) in enumerate(rows):
        y = plot_height * _FREE / (1 + 2 * _FREE) + k * pitch + pitch * _ROW_MARGIN + row * _SERIE_MARGIN
        labels.append(f'<text x="{left:.1f}" y="{y - 5:.1f}" class="bar-label">{escape(label)}'
                      f'<title>{escape(full)}</title></text>')
        bars.append(f'<g class="bar"><rect x="{left:.1f}" y="{y:.1f}" rx="0" ry="0" '
                    f'width="{across(float(cost)) - left:.1f}" height="{thickness:.1f}" '
                    f'class="rect reactive tooltip-trigger" /></g>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="pygal-chart" viewBox="0 0 {WIDTH} {height}">'
            f'<g class="graph _bars-graph horizontal"><rect x="0" y="0" width="{WIDTH}" height="{height}" '
            f'class="background" /><g transform="translate({_MARGIN}, {BAR_ROW // 2})" class="plot">'
            f'<rect x="0" y="0" width="{plot_width}" height="{plot_height}" class="background" />'
            f'<g class="axis x always_show">{"".join(axis)}</g>'
            # Written cheapest first, as the table lists them (a screen reader reads them in this order).
            f'<g class="bar-labels">{"".join(labels)}</g>'
            f'<g class="series serie-0 color-0"><g class="bars">{"".join(bars)}</g></g></g></g></svg>')


LONG_TREND = 24  # quarters: beyond six years, the time axis is labelled by year


def _time_labels(labels: list[str], years: list[str] | None) -> tuple[list[int], dict[int, str]]:
    """The quarters labelled on the time axis (1-based) and their labels: at most six. Up to six years, a
    quarter every so many, by its name; a longer trend (`years`: each quarter's year) by year, at the
    first quarter of every so many years."""
    count = len(labels)
    if years is None or count <= LONG_TREND:
        shown = list(range(1, count + 1, max(1, math.ceil(count / 6))))
        return shown, {i: labels[i - 1] for i in shown}
    firsts = [i for i in range(1, count + 1) if i == 1 or years[i - 1] != years[i - 2]]
    shown = firsts[::max(1, math.ceil(len(firsts) / 6))]
    return shown, {i: years[i - 1] for i in shown}


def trend(labels: list[str], series: list[tuple[str, list[Decimal | None]]],
          targets: list[tuple[str, Decimal, str]], years: list[str] | None = None,
          covered: set[int] = frozenset()) -> str:
    """Figures per quarter: `labels` names every quarter in order (gaps included), each series gives one
    value per quarter (None where there is no figure: its line breaks there), and each target
    (name, value, class) is a dashed line across the whole plot. The axes are set so that every point
    and every target lies inside the plot, with a unit to spare; at most six quarters are labelled (by
    year, for a trend longer than six years when `years` gives each quarter's year: fifteen years of 60
    quarters stay legible at 375 px), and at most eight values. `covered`: the quarters (1 for the first)
    that a half-yearly figure before them covers: no point and no break there, the line goes straight on."""
    count = len(labels)
    values = [float(v) for _, vs in series for v in vs if v is not None] + [float(t) for _, t, _ in targets]
    low = math.floor(min(values)) - 1 if values and min(values) < 0 else 0
    high = math.ceil(max(values, default=0)) + 1
    # At most eight labels on the value axis, at whole multiples of 1, 2, 5, 10…: more would overlap,
    # 14-unit text on a 172-unit plot.
    every = next((s for s in (1, 2, 5, 10, 20, 25, 50, 100) if high - low <= MAX_VALUE_LABELS * s),
                 math.ceil((high - low) / MAX_VALUE_LABELS))
    low, high = every * math.floor(low / every), every * math.ceil(high / every)
    shown, texts = _time_labels(labels, years)
    # Quarters at x = 1 … count, so the y axis (x = 0) is not drawn through the first one.
    chart = pygal.XY(**_options(
        height=320, show_legend=True, legend_at_bottom=True, legend_at_bottom_columns=1, title=None,
        xrange=(0.5, count + 0.5), range=(low, high), y_labels=list(range(low, high + 1, every)),
        x_labels=shown,
        x_value_formatter=lambda x: texts.get(int(x), "") if float(x).is_integer() else "",
        allow_interruptions=True, show_x_guides=False, x_label_rotation=0))
    for name, points in series:
        chart.add(name, [(i, float(v) if v is not None else None) for i, v in enumerate(points, start=1)
                         if i not in covered])
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
