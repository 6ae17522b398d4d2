"""What one service costs for one amount, following the World Bank RPW methodology: the one home of a
band's cost, a survey price point's fee and a quote.

- The sender pays the fee on top of the send amount; the whole send amount is converted at the
  applied rate: received = send amount × applied rate, rounded down to the receive currency's unit.
- FX margin % = (1 − applied rate / reference rate) × 100, so applied = reference × (1 − margin/100).
- FX cost = send amount × margin / 100; total cost = fee + FX cost; total cost % = total / send × 100.

The figures of a quote are those a person is shown, and they add up (remit.domain.money says how each
is rounded): the fee as charged, in the send currency's minor unit; the FX cost half up to that unit;
the total, the fee plus the FX cost; the percentage, worked from that total; the applied rate as stated
(six decimals, ten for a tiny rate) and the amount received worked from it. What a transfer costs
before its FX cost is rounded for showing (`Quote.cost`, `FeeBand.cost`) orders services and is what a
plan shares out.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum

from .money import HUNDRED, convert, round_down, round_money, round_up, shown_rate, unit


class Basis(str, Enum):
    FEE_TABLE = "fee_table"  # exact, from an imported fee table
    SURVEY = "survey"  # an RPW observation at the USD 200 or USD 500 price point
    OBSERVED = "observed"  # a resource centre's own observation, approved (remit.domain.observations)


@dataclass(frozen=True)
class FeeBand:
    min_amount: Decimal
    max_amount: Decimal
    fee_fixed: Decimal
    fee_percent: Decimal
    fx_margin_pct: Decimal

    def holds(self, amount: Decimal) -> bool:
        return self.min_amount <= amount <= self.max_amount

    def fee(self, amount: Decimal, minor_unit: int) -> Decimal:
        """The fee charged for sending `amount`: its fixed part and its percentage, rounded half up to
        the minor unit, as it is charged."""
        return round_money(self.fee_fixed + amount * self.fee_percent / HUNDRED, minor_unit)

    def fx_cost(self, amount: Decimal) -> Decimal:
        """The margin on `amount`, exact (rounded only where it is shown)."""
        return amount * self.fx_margin_pct / HUNDRED

    def cost(self, amount: Decimal, minor_unit: int) -> Decimal:
        """What sending `amount` in this band costs: the fee charged plus the FX cost (exact)."""
        return self.fee(amount, minor_unit) + amount * self.fx_margin_pct / HUNDRED

    @property
    def rate(self) -> Decimal:
        """What the cost grows by for each unit sent (the fee's percentage and the margin)."""
        return (self.fee_percent + self.fx_margin_pct) / HUNDRED

    def flat_fee(self, minor_unit: int) -> bool:
        """Whether the fee charged is the fixed fee whatever the amount (no percentage, and the fixed fee
        in the minor unit): then the cost is exactly fee_fixed + amount × rate, a straight line."""
        return not self.fee_percent and self.fee_fixed == round_money(self.fee_fixed, minor_unit)


@dataclass(frozen=True)
class PricePoint:
    """A survey price point expressed in the send currency (`survey_point` makes one).

    `send_amount` is the observed local-currency amount, or the USD amount converted at the reference
    rate when the survey did not record it (then `converted` is true and every quote is an estimate).
    `fee` is the fee charged, in the send currency's minor unit. `fx_margin_pct` is None when the
    provider did not disclose its exchange rate.
    """

    amount_usd: Decimal
    send_amount: Decimal
    fee: Decimal
    fx_margin_pct: Decimal | None
    converted: bool = False


def survey_point(amount_usd: Decimal, minor_unit: int, *, amount_lcu: Decimal | None = None,
                 send_is_usd: bool = False, usd_rate: Decimal | None = None, fee_lcu: Decimal | None = None,
                 fee_pct: Decimal | None = None, total_cost_pct: Decimal | None = None,
                 fx_margin_pct: Decimal | None = None, disclosed: bool = True) -> PricePoint | None:
    """A survey price point in the send currency (of `minor_unit` decimals), or None when the survey
    does not say enough to price it.

    Its amount: the one observed in the send currency (`amount_lcu`), the USD amount when the send
    currency is USD, or else the USD amount converted at `usd_rate` (USD → send currency) and rounded
    half up to the minor unit. Its fee, charged in the minor unit (half up): the one observed in the
    send currency (`fee_lcu`); else the fee's percentage of the amount; else the total cost's
    percentage less the margin's. The margin is kept only when the provider disclosed its rate."""
    if amount_lcu is not None:
        send_amount, converted = amount_lcu, False
    elif send_is_usd:
        send_amount, converted = amount_usd, False
    elif usd_rate is not None:
        send_amount, converted = convert(amount_usd, usd_rate, minor_unit), True
    else:
        return None
    if fee_lcu is not None:
        fee = fee_lcu
    elif fee_pct is not None:
        fee = send_amount * fee_pct / HUNDRED
    elif total_cost_pct is not None and fx_margin_pct is not None:
        fee = send_amount * (total_cost_pct - fx_margin_pct) / HUNDRED
    else:
        return None
    return PricePoint(amount_usd, send_amount, round_money(fee, minor_unit), fx_margin_pct if disclosed else None,
                      converted)


def survey_cost_usd(amount_usd: Decimal, total_cost_pct: Decimal | None,
                    cost_usd: Decimal | None = None) -> Decimal | None:
    """A survey quote's total cost in US dollars, for a send currency remit holds no rate for: the
    survey's own figure (`cost_usd`) where it gives one, else its total cost's percentage of the USD
    amount; unrounded (rounded once, at output). None when the survey gives neither."""
    if cost_usd is not None:
        return cost_usd
    if total_cost_pct is None:
        return None
    return amount_usd * total_cost_pct / HUNDRED


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
    # An illustrative fee table (an example, not prices anyone observed): ranked after the services
    # priced from data of the same tier, whatever it costs (ranking.rank_key).
    illustrative: bool = False


@dataclass(slots=True)
class Quote:
    """One service's price for one amount, in the figures shown (see the module's docstring). Never
    changed once made; not declared frozen, because a frozen dataclass is slower to make and a
    comparison makes one per service."""

    service: Service
    send_amount: Decimal
    fee: Decimal  # as charged, in the send currency's minor unit
    fx_margin_pct: Decimal | None
    reference_rate: Decimal | None
    exchange_rate: Decimal | None  # the applied rate as stated (shown_rate)
    fx_cost: Decimal | None  # half up to the minor unit
    total_cost: Decimal  # fee + fx_cost
    total_cost_pct: Decimal  # total_cost / send_amount × 100 (rounded at output)
    receive_amount: Decimal | None  # send_amount × exchange_rate, rounded down
    estimated: bool
    price_point_usd: Decimal | None = None

    @property
    def transparent(self) -> bool:
        return self.service.transparent and self.fx_margin_pct is not None

    @property
    def negative_margin(self) -> bool:
        """The applied rate beat the mid-market reference rate: a promotion or data out of step."""
        return self.fx_margin_pct is not None and self.fx_margin_pct < 0

    @property
    def cost(self) -> Decimal:
        """The fee charged plus the FX cost before it is rounded for showing: what orders services
        (total_cost is this, rounded; two services whose totals show alike are told apart by it)."""
        margin = self.fx_margin_pct
        return self.fee if margin is None else self.fee + self.send_amount * margin / HUNDRED


def band_for(service: Service, amount: Decimal) -> FeeBand | None:
    for band in service.bands:  # a product has a handful of bands: a plain loop beats anything cleverer
        if band.min_amount <= amount <= band.max_amount:
            return band
    return None


def applied_rate(service: Service, margin: Decimal | None) -> Decimal | None:
    """The rate applied at `margin` below the reference rate, as stated (shown_rate); None when the
    margin is not disclosed or remit has no reference rate."""
    if margin is None or service.reference_rate is None:
        return None
    return shown_rate(service.reference_rate * (1 - margin / HUNDRED))


def _price(service: Service, amount: Decimal, fee: Decimal, margin: Decimal | None, applied: Decimal | None,
           estimated: bool, point_usd: Decimal | None = None) -> Quote:
    """The quote's figures, each worked out once, as shown: the FX cost half up, the total the fee plus
    it, the percentage from that total, the amount received from the applied rate as stated."""
    fx_cost = received = None
    total = fee
    if margin is not None:
        fx_cost = round_money(amount * margin / HUNDRED, service.send_minor_unit)
        total = fee + fx_cost
        if applied is not None:
            received = round_down(amount * applied, service.receive_minor_unit)
    return Quote(
        service=service, send_amount=amount, fee=fee, fx_margin_pct=margin, reference_rate=service.reference_rate,
        exchange_rate=applied, fx_cost=fx_cost, total_cost=total, total_cost_pct=total / amount * HUNDRED,
        receive_amount=received, estimated=estimated, price_point_usd=point_usd,
    )


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
        """The quote for sending `amount` (send currency); None when the service does not take it."""
        if amount <= 0:
            raise ValueError("the send amount must be positive")
        service = self.service
        if service.basis is Basis.FEE_TABLE:
            found = self._band(amount)
            if found is None:
                return None
            band, applied = found
            return _price(service, amount, band.fee(amount, service.send_minor_unit), band.fx_margin_pct, applied,
                          estimated=False)
        if not self.points:
            return None
        index = min(range(len(self.points)),
                    key=lambda i: (abs(self.points[i].send_amount - amount), self.points[i].send_amount))
        point = self.points[index]
        estimated = point.converted or point.send_amount != amount
        fee = round_money(point.fee, service.send_minor_unit)  # as charged (survey_point's already is)
        return _price(service, amount, fee, point.fx_margin_pct, self.point_applied[index], estimated,
                      point.amount_usd)

    def smallest_send_for(self, target: Decimal) -> Quote | None:
        """The quote for the smallest send amount (in the send currency's unit) that delivers `target`.

        None when it cannot be known (no reference rate, undisclosed margin) or no band reaches it."""
        if target <= 0:
            raise ValueError("the amount to receive must be positive")
        service = self.service
        if service.reference_rate is None:
            return None
        if service.basis is Basis.FEE_TABLE:
            stretches = [(band.min_amount, band.max_amount, applied)
                         for band, applied in zip(self.bands, self.band_applied)]
        else:
            stretches = self._point_stretches()
            if stretches is None:
                return None
        candidates = []
        for low, high, applied in stretches:
            amount = _first_delivering(target, applied, low, service)
            if amount is not None and (high is None or amount <= high):
                found = self.quote(amount)
                if found is not None and found.receive_amount is not None and found.receive_amount >= target:
                    candidates.append(found)
        return min(candidates, key=lambda q: q.send_amount, default=None)

    def _point_stretches(self) -> list[tuple[Decimal, Decimal | None, Decimal | None]] | None:
        """Each price point's stretch of amounts (those nearer to it than to its neighbours, a tie going
        to the lower point) with its applied rate; None when a point's rate is not disclosed."""
        service = self.service
        pairs = sorted(zip(self.points, self.point_applied), key=lambda pair: pair[0].send_amount)
        if not pairs or any(p.fx_margin_pct is None for p, _ in pairs):
            return None
        step = unit(service.send_minor_unit)
        stretches = []
        for index, (point, applied) in enumerate(pairs):
            low = step
            if index > 0:
                low = round_down((pairs[index - 1][0].send_amount + point.send_amount) / 2,
                                 service.send_minor_unit) + step
            high = None
            if index + 1 < len(pairs):
                high = round_down((point.send_amount + pairs[index + 1][0].send_amount) / 2, service.send_minor_unit)
            stretches.append((low, high, applied))
        return stretches


def _first_delivering(target: Decimal, applied: Decimal | None, low: Decimal, service: Service) -> Decimal | None:
    """The first amount from `low` on (in the send currency's unit) that delivers `target` at `applied`."""
    if applied is None or applied <= 0:
        return None
    amount = max(round_up(target / applied, service.send_minor_unit), low)
    step = unit(service.send_minor_unit)
    # The rounding down of the amount received can leave it a unit short: step up until it is not.
    while round_down(amount * applied, service.receive_minor_unit) < target:
        amount += step
    return amount


def prepare(service: Service) -> PreparedService:
    bands = tuple(sorted(service.bands, key=lambda b: b.min_amount))
    disjoint = all(a.max_amount < b.min_amount for a, b in zip(bands, bands[1:]))
    if not disjoint:
        bands = service.bands  # overlapping bands: the first that holds the amount, as `band_for` does
    return PreparedService(
        service=service, bands=bands, lows=tuple(b.min_amount for b in bands) if disjoint else (),
        band_applied=tuple(applied_rate(service, b.fx_margin_pct) for b in bands),
        points=service.price_points, point_applied=tuple(applied_rate(service, p.fx_margin_pct)
                                                         for p in service.price_points))


_prepared: dict[int, PreparedService] = {}  # by id(service), while it is that very service


def prepared(service: Service) -> PreparedService:
    """prepare(service), kept (at most 4,096) for the services asked about again and again."""
    kept = _prepared.get(id(service))
    if kept is not None and kept.service is service:
        return kept
    made = prepare(service)
    if len(_prepared) >= 4096:
        _prepared.clear()
    _prepared[id(service)] = made
    return made


def quote(service: Service, amount: Decimal) -> Quote | None:
    """The quote for sending `amount` (send currency); None when the service does not take it."""
    return prepared(service).quote(amount)


def smallest_send_for(service: Service, target: Decimal) -> Quote | None:
    """The quote for the smallest send amount that delivers `target` (PreparedService.smallest_send_for)."""
    return prepared(service).smallest_send_for(target)
