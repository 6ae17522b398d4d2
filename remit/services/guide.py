"""A corridor guide to take home: the cheapest services at the amounts people usually send, a worked
example with the corridor's own figures, and where the figures come from.

Every figure is the quote service's (services.comparison.compare, the one GET /api/v1/quotes answers
with, no filter): the guide only chooses the amounts and keeps the first few services of each ranking.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from .. import codes
from ..domain.bundling import PoolingThreshold, Terms, pooling_threshold
from ..domain.messages import msg
from ..domain.money import convert, round_money
from ..domain.errors import RemitError
from ..domain.pricing import Quote
from ..models import Corridor
from . import comparison
from .bundles import cheapest_alone, default_terms, pooled_products
from .rates import RateBook
from .snapshot import snapshot
from .stats import PRICE_POINTS_USD
from .versions import data_version

MAX_AMOUNTS = 3  # a staffer may choose up to three amounts: more do not fit on one sheet
SERVICES_PER_AMOUNT = 3  # the cheapest services shown at each amount
# The steps a round amount is chosen from: 1, 1.5, 2, 2.5, 3, 5 and 7.5 times a power of ten.
_ROUND_STEPS = (Decimal(1), Decimal("1.5"), Decimal(2), Decimal("2.5"), Decimal(3), Decimal(5), Decimal("7.5"))


class TooManyAmounts(RemitError):
    """More amounts than one sheet holds."""


@dataclass(frozen=True)
class GuideAmount:
    amount: Decimal
    # "usd_200", "usd_500" (the World Bank's price points in the send currency), "round" or "chosen"
    kind: str
    comparison: comparison.Comparison

    @property
    def cheapest(self) -> list[Quote]:
        return self.comparison.quotes[:SERVICES_PER_AMOUNT]


@dataclass(frozen=True)
class WorkedExample:
    """How to work out a price yourself, with one quote of the guide: the amount sent, the fee, the
    rate applied and the mid-market rate, what the family receives and what the rate took."""

    quote: Quote
    info: comparison.ServiceInfo
    mid_market_value: Decimal  # the amount sent at the mid-market rate, in the receive currency, half up


@dataclass(frozen=True)
class Pooling:
    """The group option: at each of the guide's amounts, from which group size one pooled transfer (its
    cost split) costs each member less than the cheapest way alone, found as the group transfer page
    plans (the same products, the same fees: those a plan assumes until the coordinator enters them).
    `assessed` is False when the corridor has no product a pooled transfer can go by (no bank-to-bank
    fee table): nothing is guessed."""

    assessed: bool
    terms: Terms | None  # the fees assumed (per transfer and per member) and the limits
    # Each amount and its threshold; None where no service alone takes the amount (nothing to compare).
    thresholds: list[tuple[Decimal, PoolingThreshold | None]] = field(default_factory=list)
    products: dict[str, comparison.ServiceInfo] = field(default_factory=dict)  # the pooled products, by key


@dataclass(frozen=True)
class Guide:
    corridor: Corridor
    send_currency: str
    receive_currency: str
    amounts: list[GuideAmount]
    chosen: bool  # the amounts are the staffer's, not the defaults
    example: WorkedExample | None
    data_dates: list[comparison.DataDate] = field(default_factory=list)
    sources: list = field(default_factory=list)
    reference_rate_source: str | None = None
    pooling: Pooling | None = None

    @property
    def illustrative(self) -> bool:
        return any(a.comparison.info[q.service.key].illustrative for a in self.amounts for q in a.cheapest)

    @property
    def poolable(self) -> bool:
        """Whether a service shown charges a fixed fee per transfer (a fee table's band): one transfer
        for several workers then shares it, and the group transfer page can say from which size it pays."""
        return any(band.fee_fixed > 0 for a in self.amounts for q in a.cheapest for band in q.service.bands)


def round_amount(above: Decimal) -> Decimal:
    """The first round amount (1, 1.5, 2, 2.5, 3, 5 or 7.5 times a power of ten) above `above`:
    CAD 300 above CAD 276.84, USD 300 above USD 200."""
    power = Decimal(1)
    while power * 10 <= above:
        power *= 10
    while True:
        for step in _ROUND_STEPS:
            if step * power > above:
                return (step * power).normalize() + 0
        power *= 10


def default_amounts(corridor: Corridor, on: dt.date | None = None) -> list[tuple[Decimal, str]]:
    """The amounts a guide shows unless asked otherwise: the World Bank's price points (USD 200 and
    500) in the send currency, half up to its minor unit, and a round amount above the first (CAD 300
    for Canada); only the round amount when remit holds no USD rate for the send currency."""
    currency = corridor.send_currency
    minor = codes.minor_unit(currency)
    if currency == "USD":
        points = list(PRICE_POINTS_USD)
    else:
        usd = RateBook.load(on).get("USD", currency)
        points = [convert(p, usd.rate, minor) for p in PRICE_POINTS_USD] if usd else []
    if not points:
        return [(Decimal(300), "round")]
    found = [(points[0], "usd_200"), (round_amount(points[0]), "round"), (points[1], "usd_500")]
    return sorted(found, key=lambda item: item[0])


def guide(corridor: Corridor, amounts: list[Decimal] | None = None, *, on: dt.date | None = None,
          version: str | None = None) -> Guide:
    """The corridor's guide at `amounts` (the defaults when none is given), each amount's ranking
    the quote service's for that amount in the corridor's send currency."""
    on = on or dt.date.today()
    if amounts and len(amounts) > MAX_AMOUNTS:
        raise TooManyAmounts(msg("guide_amounts", "A guide shows at most %(num)s amounts.", num=MAX_AMOUNTS),
                             field="amount")
    currency = corridor.send_currency
    with snapshot():  # every amount priced from the same state of the tables
        wanted = [(a, "chosen") for a in dict.fromkeys(amounts)] if amounts else default_amounts(corridor, on)
        found = [GuideAmount(a, kind, comparison.compare(corridor, currency, amount=a, on=on, version=version))
                 for a, kind in wanted]
    example = _example(found)
    dates: dict = {}
    for a in found:
        for d in a.comparison.data_dates:
            dates.setdefault((d.kind, d.last_day), d)
    sources = list(dict.fromkeys(a.comparison.info[q.service.key].source for a in found for q in a.cheapest))
    rate_source = next((a.comparison.info[q.service.key].reference_rate_source for a in found for q in a.cheapest
                        if a.comparison.info[q.service.key].reference_rate_source), None)
    return Guide(corridor, currency, corridor.receive_currency, found, bool(amounts), example,
                 sorted(dates.values(), key=lambda d: (d.kind, d.last_day)), sources, rate_source,
                 pooling(corridor, [a.amount for a in found], on, version))


def pooling(corridor: Corridor, amounts: list[Decimal], on: dt.date, version: str | None = None) -> Pooling:
    """The group option at each amount (see Pooling): the corridor's bank-to-bank fee tables in its send
    currency, the plan's default terms, and the cheapest way alone from the envelope the plan compares
    members with; the domain finds the smallest group from 2 to 50 that pays."""
    currency = corridor.send_currency
    with snapshot():
        version = version or data_version(on)
        _, built = comparison.priced_services(corridor, on, version)
        rates = RateBook.load(on)
    services = [(s, i) for s, i in built if s.send_currency == currency]
    products = pooled_products([s for s, _ in services])
    if not products:
        return Pooling(False, None)
    terms = default_terms(corridor, currency, rates, on)
    alone = cheapest_alone(corridor, currency, None, on, version, [s for s, _ in services if s.transparent])
    thresholds = []
    for amount in amounts:
        cheapest = alone.cheapest(amount)
        thresholds.append((amount, None if cheapest is None else pooling_threshold(
            amount, products, terms, round_money(cheapest[0], terms.minor_unit))))
    keys = {s.key for s in products}
    info = {i.product_id: i for _, i in services if i.product_id in keys}
    return Pooling(True, terms, thresholds, info)


def _example(amounts: list[GuideAmount]) -> WorkedExample | None:
    """The worked example: the recommended service at the first amount that has one with a disclosed
    rate, a mid-market rate and a margin that costs something (a worked example with a promotion
    would teach the wrong sum)."""
    for a in amounts:
        for q in a.cheapest:
            if q.transparent and not q.negative_margin and q.reference_rate is not None and q.receive_amount is not None:
                info = a.comparison.info[q.service.key]
                value = convert(q.send_amount, q.reference_rate, q.service.receive_minor_unit)
                return WorkedExample(q, info, value)
    return None
