"""The cheapest way to send any amount alone, found in O(log services): the lower envelope of costs.

A service's cost (the fee charged + the FX cost, RPW; remit.domain.pricing) is linear in the amount on
each of its pieces:
- a fee-table band: fee_fixed + amount × (fee_percent + fx_margin_pct) / 100, for min ≤ amount ≤ max,
  when its fee is flat (no percentage, the fixed fee in the minor unit); a band whose fee has a
  percentage charges it rounded to the minor unit, a line only to within half a unit;
- a survey service: the fee of the price point nearest the amount + amount × its margin / 100, over
  the stretch of amounts nearer to that point than to the others (a tie goes to the lower point).

The pieces' ends cut the amount axis into intervals on which the same pieces hold; on each open
interval the cheapest of the straight lines is their lower envelope (built once, kept sorted), found
by two binary searches; the pieces that are not straight lines (a percentage fee, rounded) are priced
directly, one by one, against it. Amounts that fall exactly on an end are priced directly over the few
pieces that hold there. Only services that disclose their rate take part: a quote whose real cost is
unknown is never anybody's cheapest way.

The answer is the same as pricing every service and taking the cheapest by (cost, key), which
tests/domain/test_envelope.py checks against random services.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from .money import HUNDRED, unit
from .pricing import Basis, FeeBand, Service, applied_rate

INFINITY = Decimal("Infinity")


@dataclass(frozen=True)
class Piece:
    low: Decimal  # the smallest amount it holds
    low_open: bool  # true when `low` itself belongs to the neighbouring piece (a survey midpoint)
    high: Decimal  # the largest amount it holds
    fixed: Decimal
    rate: Decimal  # cost per unit sent
    key: str
    margin: Decimal = Decimal(0)  # the FX margin, in percent (for the amount received and its caveat)
    point: Decimal | None = None  # a survey price point's amount; any other amount is an estimate
    converted: bool = False  # the survey price was converted from USD: always an estimate
    # A band whose fee has a percentage (or a fixed part finer than the minor unit): its fee is charged
    # rounded to the minor unit, so its cost (FeeBand.cost) is a straight line only to within half a unit.
    band: FeeBand | None = None
    minor_unit: int = 2
    rounded: bool = False
    slack: Decimal = Decimal(0)  # how far under its line a rounded piece's cost may be: half a minor unit

    def holds(self, amount: Decimal) -> bool:
        above = amount > self.low if self.low_open else amount >= self.low
        return above and amount <= self.high

    def covers(self, start: Decimal, end: Decimal) -> bool:
        """Whether it holds every amount strictly between start and end."""
        return self.low <= start and end <= self.high

    def cost(self, amount: Decimal) -> Decimal:
        """The fee charged plus the FX cost: its line, or its band's cost where that is not a line."""
        if self.rounded:
            return self.band.cost(amount, self.minor_unit)
        return self.fixed + amount * self.rate


def pieces(service: Service, levels: list[Decimal] = ()) -> list[Piece]:
    """The service's linear pieces. `levels` are the price points of the corridor's one-point survey
    services (RPW's per-quote file gives a service's USD 200 and 500 prices as two services): such a
    service prices only the amounts nearer to its point than to the other levels, as a comparison
    keeps only the rows of the nearest level."""
    if not service.transparent:
        return []
    if service.basis is Basis.FEE_TABLE:
        minor = service.send_minor_unit
        return [Piece(b.min_amount, False, b.max_amount, b.fee_fixed, b.rate, service.key, b.fx_margin_pct,
                      band=b, minor_unit=minor, rounded=not b.flat_fee(minor), slack=unit(minor) / 2)
                for b in service.bands]
    if len(service.price_points) == 1 and len(levels) > 1:
        point = service.price_points[0]
        if point.fx_margin_pct is None:
            return []
        index = levels.index(point.send_amount)
        low = (levels[index - 1] + point.send_amount) / 2 if index else Decimal(0)
        high = (point.send_amount + levels[index + 1]) / 2 if index + 1 < len(levels) else INFINITY
        return [Piece(low, True, high, point.fee, point.fx_margin_pct / HUNDRED, service.key, point.fx_margin_pct,
                      point.send_amount, point.converted)]
    points = sorted(service.price_points, key=lambda p: p.send_amount)
    found = []
    for index, point in enumerate(points):
        if point.fx_margin_pct is None:  # the rate was not disclosed at this price point: no real cost here
            continue
        low = (points[index - 1].send_amount + point.send_amount) / 2 if index else Decimal(0)
        high = (point.send_amount + points[index + 1].send_amount) / 2 if index + 1 < len(points) else INFINITY
        found.append(Piece(low, True, high, point.fee, point.fx_margin_pct / HUNDRED, service.key,
                           point.fx_margin_pct, point.send_amount, point.converted))
    return found


def _hull(lines: list[Piece]) -> list[Piece]:
    """The lines that are cheapest somewhere, in the order in which they are cheapest as the amount
    grows (steepest first). Equal lines keep the lowest key; of parallel lines, the lowest."""
    best: dict[Decimal, Piece] = {}
    for line in lines:
        kept = best.get(line.rate)
        if kept is None or (line.fixed, line.key) < (kept.fixed, kept.key):
            best[line.rate] = line
    ordered = sorted(best.values(), key=lambda p: -p.rate)
    hull: list[Piece] = []
    for line in ordered:
        while len(hull) >= 2 and _crossing(hull[-2], line) <= _crossing(hull[-2], hull[-1]):
            hull.pop()
        hull.append(line)
    return hull


def _crossing(first: Piece, second: Piece) -> Decimal:
    """The amount from which `second` (less steep) is no dearer than `first`."""
    return (second.fixed - first.fixed) / (first.rate - second.rate)


@dataclass
class _Interval:
    hull: list[Piece]
    others: list[Piece]  # the pieces that are not straight lines (Piece.rounded), priced one by one
    turns: list[Decimal]  # where the cheapest line changes, ascending
    # Around each turn, amounts near enough to it for the division's rounding to matter, where the
    # neighbouring lines are compared: below[i] < turns[i] < above[i] (turns[i] ± a billionth of it).
    below: list[Decimal]
    above: list[Decimal]

    @classmethod
    def of(cls, pieces: list[Piece]) -> _Interval:
        hull = _hull([p for p in pieces if not p.rounded])
        turns = [_crossing(a, b) for a, b in zip(hull, hull[1:])]
        near = [abs(t) * NEAR + NEAR for t in turns]
        return cls(hull, [p for p in pieces if p.rounded], turns, [t - n for t, n in zip(turns, near)],
                   [t + n for t, n in zip(turns, near)])


NEAR = Decimal("1e-9")


@dataclass(slots=True)
class Priced:
    """What one service costs for one amount and what it pays out, as quote() would say (a test holds
    them equal), worked out from its piece alone. Never changed once made; not declared frozen, which
    is slower to make (two for each of a thousand members), as pricing.Quote."""

    cost: Decimal
    key: str
    receive_amount: Decimal | None
    negative_margin: bool
    estimated: bool


class Envelope:
    """The cheapest transparent service for any amount, among `services`."""

    def __init__(self, services: list[Service]):
        self.services = {s.key: s for s in services}
        levels = sorted({s.price_points[0].send_amount for s in services
                         if s.basis is Basis.SURVEY and len(s.price_points) == 1})
        self._pieces = [p for s in services for p in pieces(s, levels)]
        self._by_key: dict[str, list[Piece]] = {}
        for piece in self._pieces:
            self._by_key.setdefault(piece.key, []).append(piece)
        # Services none of whose pieces overlap: the piece that prices an amount is the one that holds it.
        self._single = {key: _disjoint(found) for key, found in self._by_key.items()}
        # By piece (its id: the envelope keeps them): what pricing an amount by it needs besides its cost,
        # the applied rate as stated (None without a reference rate), the receive currency's minor unit
        # (a payout is rounded down to it), whether the margin is negative.
        self._payout_of = {id(p): (applied_rate(self.services[p.key], p.margin),
                                   unit(self.services[p.key].receive_minor_unit), p.margin < 0) for p in self._pieces}
        ends = sorted({p.low for p in self._pieces} | {p.high for p in self._pieces if p.high != INFINITY})
        self._ends = ends
        self._at_end: dict[Decimal, tuple[Decimal, str] | None] = {}
        self._intervals: list[_Interval] = []
        # Interval i lies strictly between ends[i - 1] and ends[i] (−∞ before the first, +∞ after the last).
        bounds = [Decimal("-Infinity"), *ends, INFINITY]
        for start, end in zip(bounds, bounds[1:]):
            self._intervals.append(_Interval.of([p for p in self._pieces if p.covers(start, end)]))

    def cheapest(self, amount: Decimal) -> tuple[Decimal, str] | None:
        """(exact total cost, service key) of the cheapest service for `amount`, or None."""
        found = self._cheapest(amount)
        return None if found is None else found[:2]

    def _cheapest(self, amount: Decimal) -> tuple[Decimal, str, Piece] | None:
        """(exact total cost, service key, the piece that prices it), the least by cost and key."""
        position = bisect_left(self._ends, amount)
        if position < len(self._ends) and self._ends[position] == amount:
            if amount not in self._at_end:
                holding = [(p.cost(amount), p.key, p) for p in self._pieces if p.holds(amount)]
                self._at_end[amount] = min(holding, key=_by_cost_and_key) if holding else None
            return self._at_end[amount]
        interval = self._intervals[position]
        best = None
        if interval.hull:
            index = bisect_right(interval.turns, amount)
            # The crossings are computed by division; the neighbours settle an amount that lands on one
            # (or near enough to one for the division's rounding to matter). Elsewhere (exact costs,
            # turns within 1e-27 of the crossings) the line between the two turns is cheaper than both.
            if ((index == 0 or amount > interval.above[index - 1])
                    and (index == len(interval.turns) or amount < interval.below[index])):
                line = interval.hull[index]
                best = line.fixed + amount * line.rate, line.key, line
            else:
                best = min(((line.fixed + amount * line.rate, line.key, line)
                            for line in interval.hull[max(0, index - 1):index + 2]), key=_by_cost_and_key)
        # The pieces that are not straight lines (a band's percentage fee, charged rounded): each is at
        # most half a unit under its line, and priced only if that could beat the best so far.
        for piece in interval.others:
            if best is None or piece.fixed + amount * piece.rate - piece.slack <= best[0]:
                found = (piece.cost(amount), piece.key, piece)
                if best is None or _by_cost_and_key(found) < _by_cost_and_key(best):
                    best = found
        return best

    def priced(self, amount: Decimal, key: str | None = None) -> Priced | None:
        """The cheapest service for `amount` (or service `key`, when it is one of the envelope's), with
        what the family receives and the caveats a quote would carry."""
        found = self.price_many([amount], None if key is None else [key])[0]
        return None if found is None else Priced(*found)

    def price_many(self, amounts: list[Decimal], keys: list[str] | None = None
                   ) -> list[tuple[Decimal, str, Decimal | None, bool, bool] | None]:
        """priced(amount) for each amount, or priced(amount, key) for each amount and key, in order, as
        tuples of Priced's fields (quicker to make): a group's thousand members at once, the look-ups
        made once rather than once per member."""
        found_cheapest, by_key, single, payout_of = self._cheapest, self._by_key, self._single, self._payout_of
        results: list[tuple | None] = []
        append = results.append
        for index, amount in enumerate(amounts):
            if keys is None:
                found = found_cheapest(amount)
                if found is None:
                    append(None)
                    continue
                cost, key, piece = found
                if not single[key]:  # the piece that prices it alone is the first that holds it, as quote()'s
                    piece = None
            else:
                key, piece = keys[index], None
            if piece is None:
                for candidate in by_key.get(key, ()):
                    if ((amount > candidate.low if candidate.low_open else amount >= candidate.low)
                            and amount <= candidate.high):
                        piece = candidate
                        break
                else:
                    append(None)
                    continue
                cost = piece.cost(amount) if piece.rounded else piece.fixed + amount * piece.rate
            applied, places, negative = payout_of[id(piece)]
            point = piece.point
            append((cost, key, None if applied is None else (amount * applied).quantize(places, ROUND_FLOOR),
                    negative, piece.converted or (point is not None and point != amount)))
        return results


def _by_cost_and_key(found: tuple[Decimal, str, Piece]) -> tuple[Decimal, str]:
    return found[0], found[1]


def _disjoint(pieces: list[Piece]) -> bool:
    """Whether no amount is held by two of these pieces (one service's bands or price points)."""
    ordered = sorted(pieces, key=lambda p: (p.low, p.high))
    return all(a.high < b.low or (a.high == b.low and b.low_open) for a, b in zip(ordered, ordered[1:]))
