"""What one service costs for one amount, following the World Bank RPW methodology.

- The sender pays the fee on top of the send amount; the whole send amount is converted at the
  applied rate: received = send amount × applied rate, rounded down to the receive currency's unit.
- FX margin % = (1 − applied rate / reference rate) × 100, so applied = reference × (1 − margin/100).
- FX cost = send amount × margin / 100; total cost = fee + FX cost; total cost % = total / send × 100.

Values here are exact; rounding happens at output (see money.py), except the amount received.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum

from .money import HUNDRED, round_down, round_up, unit


class Basis(str, Enum):
    FEE_TABLE = "fee_table"  # exact, from an imported fee table
    SURVEY = "survey"  # an RPW observation at the USD 200 or USD 500 price point


@dataclass(frozen=True)
class FeeBand:
    min_amount: Decimal
    max_amount: Decimal
    fee_fixed: Decimal
    fee_percent: Decimal
    fx_margin_pct: Decimal

    def holds(self, amount: Decimal) -> bool:
        return self.min_amount <= amount <= self.max_amount

    def fee(self, amount: Decimal) -> Decimal:
        return self.fee_fixed + amount * self.fee_percent / HUNDRED


@dataclass(frozen=True)
class PricePoint:
    """A survey price point expressed in the send currency.

    `send_amount` is the observed local-currency amount, or the USD amount converted at the reference
    rate when the survey did not record it (then `converted` is true and every quote is an estimate).
    `fx_margin_pct` is None when the provider did not disclose its exchange rate.
    """

    amount_usd: Decimal
    send_amount: Decimal
    fee: Decimal
    fx_margin_pct: Decimal | None
    converted: bool = False


@dataclass(frozen=True)
class Service:
    key: str
    basis: Basis
    send_currency: str
    receive_currency: str
    send_minor_unit: int
    receive_minor_unit: int
    reference_rate: Decimal | None  # send → receive mid-market; None when remit has no rate
    bands: tuple[FeeBand, ...] = ()
    price_points: tuple[PricePoint, ...] = ()
    speed: str | None = None
    transparent: bool = True
    # Used by filters and tie-breaks, not by the price.
    provider_type: str | None = None
    funding_method: str | None = None
    payout_method: str | None = None
    regions: frozenset[str] = field(default_factory=frozenset)
    accepted_ids: frozenset[str] = field(default_factory=frozenset)
    sort_name: str = ""


@dataclass(slots=True)
class Quote:
    """One service's price for one amount. Never changed once made; not declared frozen because a
    frozen dataclass is slower to make (a question's 50 quotes priced in about 0.15 ms rather than
    0.11 ms of CPU in bench/api_bench.py's corridor), and a comparison makes one per service."""

    service: Service
    send_amount: Decimal
    fee: Decimal
    fx_margin_pct: Decimal | None
    reference_rate: Decimal | None
    exchange_rate: Decimal | None
    fx_cost: Decimal | None
    total_cost: Decimal
    total_cost_pct: Decimal
    receive_amount: Decimal | None
    estimated: bool
    price_point_usd: Decimal | None = None

    @property
    def transparent(self) -> bool:
        return self.service.transparent and self.fx_margin_pct is not None

    @property
    def negative_margin(self) -> bool:
        """The applied rate beat the mid-market reference rate: a promotion or data out of step."""
        return self.fx_margin_pct is not None and self.fx_margin_pct < 0


def band_for(service: Service, amount: Decimal) -> FeeBand | None:
    for band in service.bands:  # a product has a handful of bands: a plain loop beats anything cleverer
        if band.min_amount <= amount <= band.max_amount:
            return band
    return None


def nearest_point(service: Service, amount: Decimal) -> PricePoint | None:
    if not service.price_points:
        return None
    return min(service.price_points, key=lambda p: (abs(p.send_amount - amount), p.send_amount))


def _price(service: Service, amount: Decimal, fee: Decimal, margin: Decimal | None, estimated: bool,
           point_usd: Decimal | None = None) -> Quote:
    rate = applied = fx_cost = received = None
    if margin is not None:
        fx_cost = amount * margin / HUNDRED
        if service.reference_rate is not None:
            rate = service.reference_rate
            applied = rate * (1 - margin / HUNDRED)
            received = round_down(amount * applied, service.receive_minor_unit)
    elif service.reference_rate is not None:
        rate = service.reference_rate
    total = fee + (fx_cost or Decimal(0))
    return Quote(
        service=service, send_amount=amount, fee=fee, fx_margin_pct=margin, reference_rate=rate,
        exchange_rate=applied, fx_cost=fx_cost, total_cost=total, total_cost_pct=total / amount * HUNDRED,
        receive_amount=received, estimated=estimated, price_point_usd=point_usd,
    )


def quote(service: Service, amount: Decimal) -> Quote | None:
    """The quote for sending `amount` (send currency); None when the service does not take it."""
    if amount <= 0:
        raise ValueError("the send amount must be positive")
    if service.basis is Basis.FEE_TABLE:
        band = band_for(service, amount)
        if band is None:
            return None
        return _price(service, amount, band.fee(amount), band.fx_margin_pct, estimated=False)
    point = nearest_point(service, amount)
    if point is None:
        return None
    estimated = point.converted or point.send_amount != amount
    return _price(service, amount, point.fee, point.fx_margin_pct, estimated, point.amount_usd)


def smallest_send_for(service: Service, target: Decimal, price=None) -> Quote | None:
    """The quote for the smallest send amount (in the send currency's unit) that delivers `target`.

    None when it cannot be known (no reference rate, undisclosed margin) or no band reaches it.
    `price(amount)` prices a candidate amount: `quote(service, amount)` unless given (a PreparedService
    gives its own, which prices alike).
    """
    if target <= 0:
        raise ValueError("the amount to receive must be positive")
    if service.reference_rate is None:
        return None
    step = unit(service.send_minor_unit)

    price = price or (lambda amount: quote(service, amount))

    def delivers(amount: Decimal) -> Quote | None:
        result = price(amount)
        if result is not None and result.receive_amount is not None and result.receive_amount >= target:
            return result
        return None

    def first_at_or_after(margin: Decimal, low: Decimal) -> Decimal:
        applied = service.reference_rate * (1 - margin / HUNDRED)
        if applied <= 0:
            return None
        amount = max(round_up(target / applied, service.send_minor_unit), low)
        # The rounding down of the amount received can leave it a unit short: step up until it is not.
        while round_down(amount * applied, service.receive_minor_unit) < target:
            amount += step
        return amount

    candidates: list[Quote] = []
    if service.basis is Basis.FEE_TABLE:
        for band in service.bands:
            amount = first_at_or_after(band.fx_margin_pct, band.min_amount)
            if amount is not None and amount <= band.max_amount:
                found = delivers(amount)
                if found is not None:
                    candidates.append(found)
    else:
        points = sorted(service.price_points, key=lambda p: p.send_amount)
        if not points or any(p.fx_margin_pct is None for p in points):
            return None
        # Each point prices the amounts nearer to it than to its neighbours (a tie goes to the lower
        # point): find the first amount in each point's stretch that delivers.
        for index, point in enumerate(points):
            low = step
            if index > 0:
                middle = (points[index - 1].send_amount + point.send_amount) / 2
                low = round_down(middle, service.send_minor_unit) + step
            high = None
            if index + 1 < len(points):
                high = round_down((point.send_amount + points[index + 1].send_amount) / 2, service.send_minor_unit)
            amount = first_at_or_after(point.fx_margin_pct, low)
            if amount is not None and (high is None or amount <= high):
                found = delivers(amount)
                if found is not None:
                    candidates.append(found)
    return min(candidates, key=lambda q: q.send_amount, default=None)


@dataclass(frozen=True)
class PreparedService:
    """A service made ready to price amount after amount: its bands in order of their lower bound
    (when they do not overlap; else as given) and each band's or price point's applied exchange rate
    worked out once. Only what depends on the amount is left for `PreparedService.quote`."""

    service: Service
    bands: tuple[FeeBand, ...]
    lows: tuple[Decimal, ...]  # the bands' lower bounds, for bisect; empty when bands overlap
    band_applied: tuple[Decimal | None, ...]
    points: tuple[PricePoint, ...]
    point_applied: tuple[Decimal | None, ...]

    def _band(self, amount: Decimal) -> tuple[FeeBand, Decimal | None] | None:
        if self.lows:
            index = bisect_right(self.lows, amount) - 1
            if index >= 0 and amount <= self.bands[index].max_amount:
                return self.bands[index], self.band_applied[index]
            return None
        for band, applied in zip(self.bands, self.band_applied):
            if band.holds(amount):
                return band, applied
        return None

    def quote(self, amount: Decimal) -> Quote | None:
        """The same quote as `quote(self.service, amount)`, figure for figure."""
        if amount <= 0:
            raise ValueError("the send amount must be positive")
        service = self.service
        if service.basis is Basis.FEE_TABLE:
            found = self._band(amount)
            if found is None:
                return None
            band, applied = found
            return _priced(service, amount, band.fee(amount), band.fx_margin_pct, applied, estimated=False)
        if not self.points:
            return None
        index = min(range(len(self.points)),
                    key=lambda i: (abs(self.points[i].send_amount - amount), self.points[i].send_amount))
        point = self.points[index]
        estimated = point.converted or point.send_amount != amount
        return _priced(service, amount, point.fee, point.fx_margin_pct, self.point_applied[index], estimated,
                       point.amount_usd)

    def smallest_send_for(self, target: Decimal) -> Quote | None:
        """The same quote as `smallest_send_for(self.service, target)`, its candidates priced as prepared."""
        return smallest_send_for(self.service, target, self.quote)


def _applied(service: Service, margin: Decimal | None) -> Decimal | None:
    if margin is None or service.reference_rate is None:
        return None
    return service.reference_rate * (1 - margin / HUNDRED)


def _priced(service: Service, amount: Decimal, fee: Decimal, margin: Decimal | None, applied: Decimal | None,
            estimated: bool, point_usd: Decimal | None = None) -> Quote:
    """`_price` with the applied rate given (see PreparedService)."""
    fx_cost = received = None
    if margin is not None:
        fx_cost = amount * margin / HUNDRED
        if applied is not None:
            received = round_down(amount * applied, service.receive_minor_unit)
    total = fee + (fx_cost or Decimal(0))
    return Quote(
        service=service, send_amount=amount, fee=fee, fx_margin_pct=margin, reference_rate=service.reference_rate,
        exchange_rate=applied, fx_cost=fx_cost, total_cost=total, total_cost_pct=total / amount * HUNDRED,
        receive_amount=received, estimated=estimated, price_point_usd=point_usd,
    )


def prepare(service: Service) -> PreparedService:
    bands = tuple(sorted(service.bands, key=lambda b: b.min_amount))
    disjoint = all(a.max_amount < b.min_amount for a, b in zip(bands, bands[1:]))
    if not disjoint:
        bands = service.bands  # overlapping bands: the first that holds the amount, as `band_for` does
    return PreparedService(
        service=service, bands=bands, lows=tuple(b.min_amount for b in bands) if disjoint else (),
        band_applied=tuple(_applied(service, b.fx_margin_pct) for b in bands),
        points=service.price_points, point_applied=tuple(_applied(service, p.fx_margin_pct)
                                                         for p in service.price_points))
