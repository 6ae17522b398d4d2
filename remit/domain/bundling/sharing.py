"""Sharing a bundle's cost: the split rule (fixed fees by amount or in equal parts, the exchange-rate
cost by amount, a distribution fee each) and the rounding of the parts to the minor unit by largest
remainder, so that they add up exactly to the whole."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from ..messages import msg
from ..money import round_money, unit
from ..pricing import Service
from ..vocabulary import ALLOCATIONS
from .model import BundleError, Member, Terms, Transfer
from .transfers import _applied, _credited, _deducted, _fx_cost, _on_top, cheapest_groups, group_sum


def apportion(total: Decimal, exact: dict[str, Decimal], minor_unit: int) -> dict[str, Decimal]:
    """Round each exact part to the minor unit so that the parts add up to `total` (already rounded):
    the units left over go to the largest remainders (or are taken from the smallest), ties by key,
    so the order of the members never matters."""
    step = unit(minor_unit)
    floors, remainders = {}, []
    for key, value in exact.items():
        floor = value.quantize(step, ROUND_FLOOR)
        floors[key] = floor
        remainders.append((floor - value, key))  # the largest remainder sorts first; ties by key
    left = int(((total - sum(floors.values(), Decimal(0))) / step).to_integral_value())
    remainders.sort()
    if left >= 0:
        for _, key in remainders[:left]:
            floors[key] += step
    else:
        for _, key in remainders[::-1][:-left]:
            floors[key] -= step
    return floors


def weights(members: list[Member], rule: str) -> dict[str, Decimal]:
    """How the fixed fees are split: by amount (`pro_rata`) or in equal parts."""
    if rule not in ALLOCATIONS:
        raise BundleError(msg("allocation_unknown", "allocation must be one of %(choices)s", choices=list(ALLOCATIONS)))
    total = sum((m.amount for m in members), Decimal(0))
    return {m.ref: (m.amount / total if rule == "pro_rata" else Decimal(1) / len(members)) for m in members}


def split_rates(total: Decimal, count: int, fixed: Decimal, fx: Decimal, rule: str) -> tuple[Decimal | None, Decimal]:
    """The split rule's two figures for a group sending `total` in all, `count` members: what each pays
    whatever they send (None under `pro_rata`, where nothing is) and what they pay per unit sent.
    A member's exact part is then `amount × per unit` (plus the first figure, if any) plus their
    distribution fee: split_exact writes it out for every member, the coalition for those it asks."""
    if rule not in ALLOCATIONS:
        raise BundleError(msg("allocation_unknown", "allocation must be one of %(choices)s", choices=list(ALLOCATIONS)))
    if rule == "pro_rata":
        return None, (fixed + fx) / total
    return fixed / count, fx / total


def split_exact(amounts: dict[str, Decimal], fixed: Decimal, fx: Decimal, each: Decimal, rule: str
                ) -> dict[str, Decimal]:
    """The split rule, for a plan and for a cycle as it really happened (ledger.reconcile): each
    member's exact part of a bundle's cost. The fixed fees (`fixed`: on top and deducted on the way)
    by the rule, by amount (`pro_rata`) or in equal parts; the exchange-rate cost (`fx`) by amount,
    since the margin falls on each member's own money; and `each` (a distribution fee) per member."""
    fixed_each, per_unit = split_rates(sum(amounts.values(), Decimal(0)), len(amounts), fixed, fx, rule)
    if fixed_each is None:
        return {ref: amount * per_unit + each for ref, amount in amounts.items()}
    return {ref: fixed_each + amount * per_unit + each for ref, amount in amounts.items()}


def allocate(cost: Decimal, members: list[Member], rule: str, minor_unit: int) -> dict[str, tuple[Decimal, Decimal]]:
    """Each member's exact and rounded part of `cost` (already rounded) by the rule; the rounded parts
    sum to it exactly."""
    parts = {ref: cost * w for ref, w in weights(members, rule).items()}
    rounded = apportion(cost, parts, minor_unit)
    return {ref: (parts[ref], rounded[ref]) for ref in parts}


@dataclass
class Costed:
    """A group's bundle: its transfers and each member's share, fees on top and payout."""

    transfers: list[Transfer]
    cost: Decimal  # rounded
    shares: dict[str, tuple[Decimal, Decimal]]  # exact, rounded
    fees_on_top: dict[str, Decimal]  # rounded, summing to the fees on top (rounded)
    payouts: dict[str, Decimal] | None  # receive currency, summing to what is paid out
    applied_rate: Decimal | None
    credited: Decimal | None
    paid_out: Decimal | None


def _fixed_and_fx(groups: list[tuple[Transfer, int]]) -> tuple[Decimal, Decimal]:
    """The transfers' fixed fees (on top and deducted on the way) and their exchange-rate cost."""
    return group_sum(groups, _on_top) + group_sum(groups, _deducted), group_sum(groups, _fx_cost)


def cost_group(members: list[Member], services: list[Service], terms: Terms) -> Costed | None:
    """Transfers for the group's total with the cheapest product, and what each member pays and gets."""
    sent = sum((m.amount for m in members), Decimal(0))
    groups = cheapest_groups(sent, services, terms)
    if groups is None:
        return None
    fixed, fx = _fixed_and_fx(groups)
    exact = split_exact({m.ref: m.amount for m in members}, fixed, fx, terms.distribution_fee, terms.allocation)
    cost = round_money(sum(exact.values(), Decimal(0)), terms.minor_unit)
    transfers = [transfer for transfer, times in groups for _ in range(times)]
    on_top = group_sum(groups, _on_top)
    deducted = group_sum(groups, _deducted)
    w = weights(members, terms.allocation)
    rounded = apportion(cost, exact, terms.minor_unit)
    shares = {ref: (exact[ref], rounded[ref]) for ref in exact}
    fees_on_top = apportion(round_money(on_top, terms.minor_unit), {ref: on_top * w[ref] for ref in w},
                            terms.minor_unit)
    payouts = applied = credited = paid_out = None
    if all(t.credited is not None for t, _ in groups):
        applied = group_sum(groups, _applied) / sent
        credited = group_sum(groups, _credited)
        distribution = round_money(terms.distribution_fee * applied, terms.receive_minor_unit)
        paid_out = credited - distribution * len(members)
        entitled = {m.ref: (m.amount - deducted * w[m.ref]) * applied - distribution for m in members}
        if paid_out > 0 and all(v > 0 for v in entitled.values()):
            payouts = apportion(paid_out, entitled, terms.receive_minor_unit)
        else:
            paid_out = None
    return Costed(transfers, cost, shares, fees_on_top, payouts, applied, credited, paid_out)
