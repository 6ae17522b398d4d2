"""Sharing a bundle's cost: the split rule (fixed fees by amount or in equal parts, the exchange-rate
cost by amount, a distribution fee each) and the rounding of the parts to the minor unit by largest
remainder, so that they add up exactly to the whole.

The parts are worked on exact fractions, never on rounded quotients: each part is a numerator over
one denominator (`Parts`), the whole is the exact sum of what is shared and is rounded once, and the
remainders are compared exactly. A division's 28 digits would make parts that sum to 2.9949999… for a
whole of 2.995, and a group a cent short of what its bank charges. A plan's parts are Decimals; a
cycle's (remit.domain.ledger) are Fractions, its costs being measured at rates that do not divide.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Context, Decimal, localcontext
from fractions import Fraction
from math import lcm

from ..messages import msg
from ..money import convert, round_money
from ..pricing import Service
from ..vocabulary import ALLOCATIONS
from .model import BundleError, Member, Terms, Transfer
from .transfers import _applied, _credited, _deducted, _fx_cost, _on_top, cheapest_groups, group_sum

Number = Decimal | Fraction

# Products and sums of the parts' numerators, without rounding: an amount times a total times a rate
# has more digits than Decimal's usual 28.
EXACT = Context(prec=120)


@dataclass(frozen=True)
class Parts:
    """Exact parts of a whole: the part of `key` is numerators[key] / denominator (all Decimals, or all
    Fractions), and `total` is their sum."""

    numerators: dict[str, Number]
    denominator: Number
    total: Number

    def exact(self, key: str) -> Decimal:
        """A part as a Decimal, for showing (28 digits)."""
        value = self.numerators[key]
        if isinstance(value, Fraction) or isinstance(self.denominator, Fraction):
            value = Fraction(value) / Fraction(self.denominator)
            return Decimal(value.numerator) / Decimal(value.denominator)
        return value / self.denominator

    def rounded(self, total: Decimal, minor_unit: int) -> dict[str, Decimal]:
        """The parts rounded to the minor unit so that they add up to `total` (apportion)."""
        return apportion(total, self.numerators, minor_unit, self.denominator)


def round_exact(value: Number, minor_unit: int, denominator: Number = 1) -> Decimal:
    """value / denominator (Decimals, Fractions or whole numbers; the denominator positive) rounded half
    up to the minor unit (money.half_up), exactly: in whole numbers, never from a rounded quotient. The
    units are ⌊(2 × value in units + 1) / 2⌋, that is ⌊(2 × value × 10^minor + denominator) / (2 ×
    denominator)⌋."""
    if isinstance(value, Decimal) and not isinstance(denominator, Fraction):
        if denominator == 1:
            return round_money(value, minor_unit)
        with localcontext(EXACT):
            units, remainder = divmod(value.scaleb(minor_unit) * 2 + denominator, 2 * denominator)
            if remainder < 0:  # divmod rounds towards zero: down, for a negative value
                units -= 1
            return units.scaleb(-minor_unit) + 0
    top, bottom = value.as_integer_ratio()
    over, under = denominator.as_integer_ratio()
    units = (2 * top * under * 10 ** minor_unit + bottom * over) // (2 * bottom * over)
    return Decimal(units).scaleb(-minor_unit)


def round_all(numerators: list[Decimal], minor_unit: int, denominator: Decimal) -> list[Decimal]:
    """round_exact(n, minor_unit, denominator) for each Decimal numerator, in one exact context: the
    units are ⌊(n × 2 × 10^minor + denominator) / (2 × denominator)⌋."""
    found = []
    with localcontext(EXACT):
        scale, double = Decimal(2).scaleb(minor_unit), 2 * denominator
        for value in numerators:
            units, remainder = divmod(value * scale + denominator, double)  # towards zero
            if remainder < 0:  # below zero: down
                units -= 1
                found.append(units.scaleb(-minor_unit) + 0)  # (+ 0: never −0)
            else:
                found.append(units.scaleb(-minor_unit))
    return found


def apportion(total: Decimal, parts: Mapping[str, Number], minor_unit: int, denominator: Number = 1
              ) -> dict[str, Decimal]:
    """Round each exact part (parts[key] / denominator, the denominator positive) to the minor unit so
    that the parts add up to `total` (already rounded): each is rounded down, and the units left over
    go to the largest remainders (or are taken from the smallest), ties by key, so the order of the
    members never matters. Each part is divided as a whole number of units and a remainder, exactly
    (Decimals with enough digits, or whole numbers for Fractions), and the remainders are compared."""
    if isinstance(denominator, Fraction) or isinstance(next(iter(parts.values()), None), Fraction):
        units, remainders = _units_of_fractions(parts, minor_unit, denominator)
    else:
        units, remainders = _units_of_decimals(parts, minor_unit, denominator)
    left = int(total.scaleb(minor_unit)) - int(sum(units.values()))
    remainders.sort()  # the largest remainder first; ties by key
    if left >= 0:
        for _, key in remainders[:left]:
            units[key] += 1
    else:
        for _, key in remainders[::-1][:-left]:
            units[key] -= 1
    return {key: count.scaleb(-minor_unit) for key, count in units.items()}


def _units_of_decimals(parts: Mapping[str, Decimal], minor_unit: int, denominator: Decimal | int
                       ) -> tuple[dict, list]:
    """Each part in whole units rounded down, and its remainder negated (so that the largest sorts first)."""
    units, remainders = {}, []
    with localcontext(EXACT):
        whole = Decimal(denominator)
        if whole <= 0:
            raise ValueError("the parts' denominator must be positive")
        for key, value in parts.items():
            count, remainder = divmod(value.scaleb(minor_unit), whole)  # toward zero
            if remainder < 0:  # rounded down, not toward zero
                count, remainder = count - 1, remainder + whole
            units[key] = count
            remainders.append((-remainder, key))
    return units, remainders


def _units_of_fractions(parts: Mapping[str, Number], minor_unit: int, denominator: Number) -> tuple[dict, list]:
    """_units_of_decimals for Fractions, in whole numbers over a common denominator."""
    scale = 10 ** minor_unit
    over, under = denominator.as_integer_ratio()  # the parts are multiplied by under / over
    if over <= 0:
        raise ValueError("the parts' denominator must be positive")
    ratios = {key: value.as_integer_ratio() for key, value in parts.items()}
    common = lcm(*(d for _, d in ratios.values())) if ratios else 1
    whole = common * over
    units, remainders = {}, []
    for key, (numerator, below) in ratios.items():
        count, remainder = divmod(numerator * (common // below) * under * scale, whole)
        units[key] = Decimal(count)
        remainders.append((-remainder, key))
    return units, remainders


def _check_rule(rule: str) -> None:
    if rule not in ALLOCATIONS:
        raise BundleError(msg("allocation_unknown", "allocation must be one of %(choices)s", choices=list(ALLOCATIONS)))


def weight_parts(amounts: Mapping[str, Number], rule: str) -> Parts:
    """How the fixed fees are split, as exact parts of 1: by amount (`pro_rata`) or in equal parts."""
    _check_rule(rule)
    if rule == "pro_rata":
        with localcontext(EXACT):
            return Parts(dict(amounts), sum(amounts.values()), 1)
    return Parts(dict.fromkeys(amounts, 1), len(amounts), 1)


def split_parts(amounts: Mapping[str, Number], fixed: Number, fx: Number, each: Number, rule: str) -> Parts:
    """The split rule, for a plan and for a cycle as it really happened (ledger.reconcile): each
    member's exact part of a bundle's cost. The fixed fees (`fixed`: on top and deducted on the way)
    by the rule, by amount (`pro_rata`) or in equal parts; the exchange-rate cost (`fx`) by amount,
    since the margin falls on each member's own money; and `each` (a distribution fee) per member."""
    numerators, denominator, total = split_numerators(list(amounts.values()), fixed, fx, each, rule)
    return Parts(dict(zip(amounts, numerators)), denominator, total)


def split_numerators(amounts: list[Number], fixed: Number, fx: Number, each: Number, rule: str
                     ) -> tuple[list[Number], Number, Number]:
    """split_parts for a list of amounts: the parts' numerators in their order, their denominator and
    the whole. With A the amounts' sum and n the members: pro_rata, ((fixed + fx) × amount + each × A)
    / A; equal, (fixed × A + fx × amount × n + each × n × A) / (n × A)."""
    _check_rule(rule)
    with localcontext(EXACT):
        sent = sum(amounts)
        count = len(amounts)
        total = fixed + fx + each * count
        if rule == "pro_rata":
            shared, own = fixed + fx, each * sent
            return [shared * amount + own for amount in amounts], sent, total
        fixed_part, fx_part = fixed * sent + each * count * sent, fx * count
        return [fixed_part + fx_part * amount for amount in amounts], count * sent, total


def split_exact(amounts: Mapping[str, Number], fixed: Number, fx: Number, each: Number, rule: str
                ) -> dict[str, Decimal]:
    """split_parts, each part as a Decimal (for showing)."""
    parts = split_parts(amounts, fixed, fx, each, rule)
    return {ref: parts.exact(ref) for ref in parts.numerators}


def allocate(cost: Decimal, members: list[Member], rule: str, minor_unit: int) -> dict[str, tuple[Decimal, Decimal]]:
    """Each member's exact and rounded part of `cost` (already rounded) by the rule; the rounded parts
    sum to it exactly."""
    weights = weight_parts({m.ref: m.amount for m in members}, rule)
    with localcontext(EXACT):
        parts = Parts({ref: cost * w for ref, w in weights.numerators.items()}, weights.denominator, cost)
    rounded = parts.rounded(cost, minor_unit)
    return {ref: (parts.exact(ref), rounded[ref]) for ref in parts.numerators}


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
    """Transfers for the group's total with the cheapest product, and what each member pays and gets.
    The bundle's cost is the exact sum of what it costs (the transfers' fees and FX cost, the
    distribution fees), rounded once; the shares, the fees on top and the payouts are each apportioned
    from exact parts, so they add up to it, to the fees on top and to what is paid out."""
    sent = sum((m.amount for m in members), Decimal(0))
    groups = cheapest_groups(sent, services, terms)
    if groups is None:
        return None
    minor = terms.minor_unit
    amounts = {m.ref: m.amount for m in members}
    parts = split_parts(amounts, *_fixed_and_fx(groups), terms.distribution_fee, terms.allocation)
    cost = round_money(parts.total, minor)
    rounded = parts.rounded(cost, minor)
    shares = {ref: (parts.exact(ref), rounded[ref]) for ref in amounts}
    weights = weight_parts(amounts, terms.allocation)
    on_top = group_sum(groups, _on_top)
    with localcontext(EXACT):
        fees_on_top = apportion(round_money(on_top, minor), {ref: on_top * w for ref, w in weights.numerators.items()},
                                minor, weights.denominator)
    transfers = [transfer for transfer, times in groups for _ in range(times)]
    if not all(t.credited is not None for t, _ in groups):
        return Costed(transfers, cost, shares, fees_on_top, None, None, None, None)
    applied, credited, paid_out, payouts = _payouts(groups, amounts, weights, sent, terms)
    return Costed(transfers, cost, shares, fees_on_top, payouts, applied, credited, paid_out)


def _payouts(groups: list[tuple[Transfer, int]], amounts: dict[str, Decimal], weights: Parts, sent: Decimal,
             terms: Terms) -> tuple[Decimal, Decimal, Decimal | None, dict[str, Decimal] | None]:
    """The transfers' rate (what they convert, over what they carry), what they credit, what is paid
    out (credited less each family's distribution fee, converted at that rate) and each family's
    payout: their amount less their part of the fees deducted on the way, converted, less the fee,
    apportioned from exact parts so that the payouts add up to what is paid out. Nothing is paid out
    (None) when the fees would take a family's whole payout."""
    converted = group_sum(groups, _applied)  # Σ amount × rate over the transfers
    applied = converted / sent
    credited = group_sum(groups, _credited)
    distribution = convert(terms.distribution_fee, applied, terms.receive_minor_unit)
    paid_out = credited - distribution * len(amounts)
    deducted = group_sum(groups, _deducted)
    with localcontext(EXACT):
        # ((amount − deducted × w) × converted / sent − distribution), over weights.denominator × sent
        scale = weights.denominator
        entitled = {ref: (amount * scale - deducted * weights.numerators[ref]) * converted - distribution * scale * sent
                    for ref, amount in amounts.items()}
    if paid_out > 0 and all(v > 0 for v in entitled.values()):
        return applied, credited, paid_out, apportion(paid_out, entitled, terms.receive_minor_unit, scale * sent)
    return applied, credited, None, None
