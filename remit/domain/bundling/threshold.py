"""From which group size pooling pays at one amount: the smallest group whose members, each sending
`amount`, pay less each for one pooled transfer of the group's total (its cost split) than the cheapest
way to send `amount` alone; with what each then pays and saves, and the pooled product's terms.

It costs every size from `smallest` to `upto` as the group plan's curve does (group_sizes._equal_group:
the cheapest product for the total, the bank's limit splitting it, the fees per transfer and per member,
each paying the larger share when the cost does not divide evenly). Gains need not last once they
start: a total past a band's edge or the bank's limit costs more, so "from N" is the first size only;
`paying_sizes` gives every size that pays."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..money import round_money, round_up
from ..pricing import Service, band_for
from .model import Terms
from .transfers import transfer_groups, transfers_cost

SMALLEST_GROUP = 2  # one person alone is not a pool
LARGEST_GROUP = 50  # the sizes a resource centre's group can reach


@dataclass(frozen=True)
class PooledTerms:
    """The pooled transfer a size is costed with: the product, how many transfers the bank's limit
    needs, the bank's fee for the first (the larger) and the FX margin of its band."""

    service_key: str
    transfers: int
    fee: Decimal  # the bank's fee for one transfer (the first, the larger), as charged
    fx_margin_pct: Decimal


@dataclass(frozen=True)
class PoolingThreshold:
    amount: Decimal  # what each member sends
    alone: Decimal  # the cheapest way alone at `amount`, rounded
    members: int | None  # the smallest size from `smallest` to `upto` that pays; None: none does
    per_member: Decimal | None  # what each pays pooled at that size (the larger share)
    saving: Decimal | None  # alone − per_member, > 0
    pooled: PooledTerms | None  # the product at that size, or at `upto` when none pays (None: none carries it)
    smallest: int
    upto: int

    @property
    def pays(self) -> bool:
        return self.members is not None


def pooled_cost(n: int, amount: Decimal, services: list[Service], terms: Terms) -> tuple[Decimal, Service] | None:
    """What each of `n` members sending `amount` pays for the cheapest pooled transfer of their total
    (its cost and the distribution fees, rounded half up, shared: the larger share), and its product
    (ties: the product's key); None when no product carries the total."""
    found = []
    for service in services:
        cost = transfers_cost(amount * n, service, terms)
        if cost is not None:
            total = round_money(cost + terms.distribution_fee * n, terms.minor_unit)
            found.append((round_up(total / n, terms.minor_unit), service.key, service))
    if not found:
        return None
    each, _, service = min(found, key=lambda f: f[:2])
    return each, service


def _terms_of(n: int, amount: Decimal, service: Service, terms: Terms) -> PooledTerms | None:
    groups = transfer_groups(amount * n, service, terms)
    if not groups:
        return None
    first = groups[0][0]
    band = band_for(service, first.amount)
    return PooledTerms(service.key, sum(times for _, times in groups), first.fee,
                       band.fx_margin_pct if band is not None else Decimal(0))


def pooling_threshold(amount: Decimal, services: list[Service], terms: Terms, alone: Decimal, *,
                      smallest: int = SMALLEST_GROUP, upto: int = LARGEST_GROUP) -> PoolingThreshold:
    """The smallest group size from `smallest` to `upto` at which members each sending `amount` each pay
    strictly less pooled than `alone` (the cheapest way alone, rounded to the minor unit)."""
    last = None
    for n in range(smallest, upto + 1):
        found = pooled_cost(n, amount, services, terms)
        if found is None:
            continue
        each, service = found
        last = (n, service)
        if each < alone:
            return PoolingThreshold(amount, alone, n, each, alone - each, _terms_of(n, amount, service, terms),
                                    smallest, upto)
    pooled = _terms_of(last[0], amount, last[1], terms) if last else None
    return PoolingThreshold(amount, alone, None, None, None, pooled, smallest, upto)
