"""Corridor statistics as the World Bank computes them, and the UN SDG 10.c targets.

- Average: simple mean of the total cost % of the corridor's transparent services, at USD 200 and,
  separately, at USD 500. Services whose exchange rate was not disclosed are kept out.
- SmaRT: mean of the three cheapest qualifying services at USD 200 (transparent, 5 days or less).
- SDG 10.c: met when the average (USD 200) is below 3%; flagged when above 5%.
- Services whose exchange rate beat the mid-market rate when surveyed (a negative FX margin: a
  promotion for new customers, or a reference rate out of step) count in the average, SmaRT and the
  cheapest as RPW counts them, and the statistics say how many of SmaRT's three and whether the
  cheapest are such. The saving a migrant can expect in a year is measured against the cheapest
  service that did not beat the mid-market rate: a promotion is not a price to plan a year on.
- A quarter for which only RPW's published figures are held (the average at USD 200 and the cheapest
  quote's cost) has those and nothing per service: no count, no USD 500 average, no SmaRT.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .money import HUNDRED
from .vocabulary import speed_rank

SDG_TARGET = Decimal(3)
SDG_CEILING = Decimal(5)
SMART_MAX_SPEED = speed_rank("3_5_days")


@dataclass(frozen=True)
class ServiceCost:
    key: str
    name: str
    transparent: bool
    speed: str | None
    total_cost_pct_200: Decimal | None
    total_cost_pct_500: Decimal | None
    negative_margin: bool = False  # its FX margin at USD 200 was below zero
    # How pages name it in the reader's language: the provider and, for a surveyed service, the survey's
    # words after it (RPW's instrument, "Bank account transfer"), which pages translate; `name` is both in English.
    provider: str = ""
    terms: tuple[str, ...] = ()
    illustrative: bool = False  # from a fee table flagged illustrative: an example, not observed prices


@dataclass(frozen=True)
class CorridorStats:
    services: int | None  # None: not known (published figures only)
    transparent_services: int | None
    average_total_cost_pct_200: Decimal | None
    average_total_cost_pct_500: Decimal | None
    smart_pct: Decimal | None
    cheapest: ServiceCost | None  # the service, when the services are known
    sdg_target_met: bool | None
    above_5pct: bool | None
    smart_negative_margins: int = 0  # how many of SmaRT's three beat the mid-market rate
    smart_speed_unknown: bool = False  # one of SmaRT's three has no recorded speed: a slow one may be among them
    regular_cheapest: ServiceCost | None = None  # the cheapest whose FX margin is not negative
    cheapest_pct_200: Decimal | None = None  # the cheapest service's (or published quote's) cost at USD 200


def sdg_flags(average: Decimal | None) -> tuple[bool | None, bool | None]:
    """(target met, above 5%) for an average at USD 200."""
    if average is None:
        return None, None
    return average < SDG_TARGET, average > SDG_CEILING


def mean(values: list[Decimal]) -> Decimal | None:
    return sum(values, Decimal(0)) / len(values) if values else None


def qualifies_for_smart(cost: ServiceCost) -> bool:
    # An RPW file without speeds (the 2025 quotes) cannot exclude slow services; they are kept.
    return cost.transparent and cost.total_cost_pct_200 is not None and (
        cost.speed is None or speed_rank(cost.speed) <= SMART_MAX_SPEED)


def _count(costs: list[ServiceCost]) -> int:
    """Services counted once, though a survey file may give a service's two price points in two rows."""
    with_200 = sum(1 for c in costs if c.total_cost_pct_200 is not None)
    with_500 = sum(1 for c in costs if c.total_cost_pct_500 is not None)
    return max(with_200, with_500)


@dataclass(frozen=True)
class _Smart:
    """SmaRT: the mean of the three cheapest qualifying services at USD 200 (None with fewer than
    three), how many of them beat the mid-market rate, and whether one has no recorded speed."""

    pct: Decimal | None
    negative_margins: int = 0
    speed_unknown: bool = False


def _smart(costs: list[ServiceCost]) -> _Smart:
    qualifying = sorted((c for c in costs if qualifies_for_smart(c)), key=lambda c: (c.total_cost_pct_200, c.key))
    if len(qualifying) < 3:
        return _Smart(None)
    three = qualifying[:3]
    return _Smart(mean([c.total_cost_pct_200 for c in three]), sum(1 for c in three if c.negative_margin),
                  any(c.speed is None for c in three))


def corridor_stats(costs: list[ServiceCost]) -> CorridorStats:
    """The corridor's averages at USD 200 and 500 (transparent services), SmaRT, the cheapest service
    (and the cheapest whose rate did not beat the mid-market rate) and where it stands against the
    UN target."""
    transparent = [c for c in costs if c.transparent]
    average = mean([c.total_cost_pct_200 for c in transparent if c.total_cost_pct_200 is not None])
    smart = _smart(costs)
    priced = sorted((c for c in transparent if c.total_cost_pct_200 is not None),
                    key=lambda c: (c.total_cost_pct_200, speed_rank(c.speed), c.key))
    regular = next((c for c in priced if not c.negative_margin), None)
    met, above = sdg_flags(average)
    return CorridorStats(
        services=_count(costs), transparent_services=_count(transparent), average_total_cost_pct_200=average,
        average_total_cost_pct_500=mean([c.total_cost_pct_500 for c in transparent
                                         if c.total_cost_pct_500 is not None]),
        smart_pct=smart.pct, cheapest=priced[0] if priced else None, sdg_target_met=met, above_5pct=above,
        smart_negative_margins=smart.negative_margins, smart_speed_unknown=smart.speed_unknown,
        regular_cheapest=regular, cheapest_pct_200=priced[0].total_cost_pct_200 if priced else None,
    )


def published_stats(average_pct_200: Decimal, cheapest_pct_200: Decimal | None) -> CorridorStats:
    """A quarter known only by RPW's published average and cheapest quote."""
    met, above = sdg_flags(average_pct_200)
    return CorridorStats(services=None, transparent_services=None, average_total_cost_pct_200=average_pct_200,
                         average_total_cost_pct_500=None, smart_pct=None, cheapest=None, sdg_target_met=met,
                         above_5pct=above, cheapest_pct_200=cheapest_pct_200)


def saving(amount: Decimal, average_pct: Decimal, cheapest_pct: Decimal) -> Decimal:
    """What one transfer of `amount` saves with the cheapest service instead of an average one."""
    return amount * (average_pct - cheapest_pct) / HUNDRED


def yearly_saving(amount: Decimal, average_pct: Decimal, cheapest_pct: Decimal, transfers_per_year: int = 12
                  ) -> Decimal:
    """What sending `amount` that often saves in a year with the cheapest service instead of an average one."""
    return saving(amount, average_pct, cheapest_pct) * transfers_per_year
