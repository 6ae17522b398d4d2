"""The cost chart (drawn by remit) and its labels and axis: names that tell services apart in
the room a label has, and axis numbers that never meet (the browser checks the drawing:
test_reading_browser.py)."""
from __future__ import annotations

import re
from decimal import Decimal

from remit.web import charts


def test_labels_leave_out_the_words_every_provider_begins_with_and_keep_the_services_apart():
    labels = charts.service_labels([
        ("Illustrative Money Transfer B", "App to a bank account"),
        ("Illustrative Money Transfer A", "Cash at an agent to cash pickup"),
        ("Illustrative Canadian Bank A", "Online international wire")])
    assert labels == ["Money Transfer B · App to a bank account", "Money Transfer A · Cash at an agent to cash…",
                      "Canadian Bank A · Online international wire"]
    # A survey's name has parts: the longest is cut first, so the last part still tells two apart.
    wells = charts.service_labels([("Western Union", "Bank account transfer · Internet"),
                                   ("Wells Fargo", "Bank account transfer · Bank branch")], limit=40)
    assert wells == ["Western Union · Bank account… · Internet", "Wells Fargo · Bank accoun… · Bank branch"]
    # One provider alone, or providers sharing nothing, keep their names where the label has room.
    assert charts.service_labels([("Illustrative Credit Union", "Wire abroad")]) == [
        "Illustrative Credit Union · Wire abroad"]
    assert charts.service_labels([("A provider whose name goes on and on and on", "Wire abroad")]) == [
        "A provider whose name goes on… · Wire abroad"]
    assert all(len(label) <= charts.BAR_LABEL_CHARACTERS for label in labels)


def spanish(value: Decimal, places: int) -> str:
    """As the Spanish page writes a number: 1.250 (a thousand grouped with a point), 2,5."""
    text = f"{value:,.{places}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def test_the_axis_steps_leave_room_between_its_numbers():
    # CAD 9.49 to 37.50 (the seed's CA→GT at CAD 300): 0, 5 … 40 — not 0, 4 … 36, whose numbers met.
    ticks, places = charts.cost_axis(37.5, spanish)
    assert (ticks[1], ticks[-1], places) == (5, 40, 0)
    # Costs in the thousands take wider numbers, so fewer of them.
    ticks, places = charts.cost_axis(1125.0, spanish)
    assert [spanish(t, places) for t in ticks] == ["0", "200", "400", "600", "800", "1.000", "1.200"]
    # Below one unit, decimals.
    ticks, places = charts.cost_axis(0.9, spanish)
    assert [spanish(t, places) for t in ticks] == ["0,0", "0,2", "0,4", "0,6", "0,8", "1,0"]
    for top in (0.3, 3, 7.7, 12, 49.99, 120, 999, 4800, 75000):
        ticks, places = charts.cost_axis(top, spanish)
        widest = max(len(spanish(t, places)) for t in ticks)
        assert ticks[0] == 0 and ticks[-1] >= Decimal(str(top)) and len(ticks) <= 13
        # Numbers reckoned as pygal does (0.6 of the 14-unit font a character), two characters apart.
        assert (charts.WIDTH - 24) / (len(ticks) - 1) >= (widest + 2) * 0.6 * 14


def test_each_bar_has_its_label_above_it_and_its_whole_name_in_a_title():
    svg = charts.cost_bars([("Money Transfer B · App", "Illustrative Money Transfer B · App", Decimal("9.49")),
                            ("Bank B · Wire & more", "Illustrative Bank B · Wire & more", Decimal("37.50"))])
    labels = re.findall(r'<text x="([\d.]+)" y="([\d.]+)" class="bar-label">([^<]*)<title>([^<]*)</title>', svg)
    assert [(text, title) for _, _, text, title in labels] == [
        ("Money Transfer B · App", "Illustrative Money Transfer B · App"),
        ("Bank B · Wire &amp; more", "Illustrative Bank B · Wire &amp; more")]
    bars = re.findall(r'<rect x="([\d.]+)" y="([\d.]+)" rx="0" ry="0" width="[\d.]+" height="([\d.]+)" class="rect', svg)
    # Cheapest at the top: the first label stands above the top bar, and below nothing else.
    tops = sorted(float(y) for _, y, _ in bars)
    assert float(labels[0][1]) < tops[0] and tops[0] < float(labels[1][1]) < tops[1]
    assert "guide line" not in svg and "<script" not in svg


def test_bars_are_as_long_as_their_costs_on_the_axis():
    """Two rows: 2 x 46 + 44 = 136 units high; the axis 0, 5 … 40 on a plot 400 - 8 - 11 = 381 wide, 2% of
    its range free at each end: 0 at 381 x 0.02 / 1.04 = 7.3, 40 at 381 x 1.02 / 1.04 = 373.7, and CAD 37.50
    a bar 381 x 37.5 / 41.6 = 343.4 long. The plot is 136 - 23 - 8 - 24 = 81 high, a row 81 / 1.04 / 2 = 38.9:
    the cheapest bar 1.6 + 38.9 x 0.22 + 38.9 x 0.56 x 0.06 = 11.4 from the plot's top, 38.9 x 0.56 x 0.88 =
    19.2 thick."""
    svg = charts.cost_bars([("A", "Provider A", Decimal("9.49")), ("B", "Provider B", Decimal("37.50"))])
    assert 'viewBox="0 0 400 136"' in svg and 'width="381" height="81" class="background"' in svg
    axis = re.findall(r'<text x="([\d.]+)" y="[\d.]+" class="(?:major)?">([^<]*)</text>', svg)
    assert axis[0] == ("7.3", "0") and axis[-1] == ("373.7", "40") and len(axis) == 9
    bars = re.findall(r'<rect x="([\d.]+)" y="([\d.]+)" rx="0" ry="0" width="([\d.]+)" height="([\d.]+)"', svg)
    assert bars[0] == ("7.3", "11.4", "86.9", "19.2")  # 381 x 9.49 / 41.6 = 86.9
    assert bars[1][2] == "343.4"


def test_charts_are_written_by_one_xml_writer_whatever_is_installed():
    """pikepdf brings lxml, which pygal then prefers: its SVG differs from ElementTree's (the bar labels
    and the tidying read ElementTree's), so remit keeps pygal on ElementTree."""
    from pygal.etree import etree

    assert etree.lxml is False
    svg = charts.trend(["2025 Q1", "2025 Q2"], [("Average", [Decimal("6.1"), Decimal("5.8")])],
                       [("SDG", Decimal(3), "target-3")])
    assert 'class="plot"><rect x="0" y="0" width="' in svg  # what the tidying reads, as ElementTree writes it
