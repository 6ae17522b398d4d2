"""Reconciliation: what the cycle really cost (measured at the mid-market rate of its day), each
member's share of it and each family's expected payout, the differences from the plan, and the flags."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from ..bundling.sharing import apportion, round_exact, split_parts, weight_parts
from ..money import round_money
from .checks import check_members, check_terms
from .entries import (
    ZERO,
    Contribution,
    CycleMember,
    CycleTerms,
    Payout,
    PlannedTransfer,
    Wire,
)
from .flags import flags
from .results import MemberResult, Reconciliation, WireResult


def wire_result(number: int, wire: Wire, terms: CycleTerms, planned: PlannedTransfer | None) -> WireResult:
    principal = wire.principal
    deducted = wire.deducted
    fx = principal - wire.credited / terms.reference_rate - deducted
    cost = wire.fee + terms.coordinator_fee + deducted + fx
    cost_difference = credited_difference = None
    if planned is not None and planned.credited is not None:
        # Measured as the wire is: what left the account less what arrived, at the mid-market rate.
        planned_cost = planned.fee + terms.coordinator_fee + planned.amount - planned.credited / terms.reference_rate
        cost_difference = round_money(cost - planned_cost, terms.minor_unit)
        credited_difference = wire.credited - planned.credited
    return WireResult(number, wire, principal, deducted, fx, cost, wire.credited / principal, planned,
                      cost_difference, credited_difference)


def _sums(entries, refs) -> dict[str, Decimal]:
    totals = {ref: ZERO for ref in refs}
    for e in entries:
        totals[e.ref] = totals.get(e.ref, ZERO) + e.amount
    return totals


def _shared(ordered: Sequence[CycleMember], terms: CycleTerms, wires: Sequence[Wire], taken: Decimal,
            credited: Decimal, on_top: Decimal) -> tuple[Decimal, dict, dict, dict]:
    """The cycle's cost rounded, each member's share of it (exact, rounded), their fees on top and
    their families' expected payouts, each apportioned from exact fractions (the deductions and the
    distribution fees are measured at rates that do not divide), so that they add up exactly to the
    cost, to the fees on top and to what is to be paid out."""
    mu, rmu, mid = terms.minor_unit, terms.receive_minor_unit, Fraction(terms.reference_rate)
    amounts = {m.ref: Fraction(m.amount) for m in ordered}
    count = len(ordered)
    distribution_fees = Fraction(terms.distribution_fee) * count
    deducted = sum((Fraction(w.intermediary + w.receiving_fee) / Fraction(w.applied_rate) for w in wires), Fraction(0))
    cost_exact = Fraction(taken) - (Fraction(credited) - distribution_fees) / mid
    fx = cost_exact - Fraction(on_top) - deducted - distribution_fees / mid
    parts = split_parts(amounts, Fraction(on_top) + deducted, fx, distribution_fees / mid / count, terms.allocation)
    cost = round_exact(cost_exact, mu)
    rounded = parts.rounded(cost, mu)
    shares = {ref: (parts.exact(ref), rounded[ref]) for ref in amounts}
    weights = weight_parts(amounts, terms.allocation)
    on_top_parts = {ref: Fraction(on_top) * w for ref, w in weights.numerators.items()}
    fees_on_top = apportion(round_money(on_top, mu), on_top_parts, mu, weights.denominator)
    expected: dict[str, Decimal] = {}
    net = sum(amounts.values()) - deducted
    paid_out = credited - terms.distribution_fee * count
    if net > 0 and paid_out > 0:
        # credited × (amount − deducted × w) / net − the distribution fee, over net × the weights' denominator
        scale = weights.denominator
        entitled = {ref: Fraction(credited) * (amount * scale - deducted * weights.numerators[ref])
                    - Fraction(terms.distribution_fee) * net * scale for ref, amount in amounts.items()}
        if all(v > 0 for v in entitled.values()):
            expected = apportion(paid_out, entitled, rmu, net * scale)
    return cost, shares, fees_on_top, expected


@dataclass(frozen=True)
class _Entries:
    """What the members handed over and what their families were paid, pending and returned, by ref."""

    given: dict[str, Decimal]
    paid: dict[str, Decimal]
    pending: dict[str, Decimal]
    returned: dict[str, Decimal]


def _entries(refs: list[str], contributions: Sequence[Contribution], payouts: Sequence[Payout]) -> _Entries:
    return _Entries(_sums(contributions, refs), *(_sums([p for p in payouts if p.status == status], refs)
                                                  for status in ("paid", "pending", "returned")))


@dataclass(frozen=True)
class _Wires:
    """The wires' figures added up: fees on top (the bank's and the coordinator's), deductions (in the
    send currency), credited, principal, debited, and what the wires and the coordinator took."""

    on_top: Decimal
    deducted: Decimal
    credited: Decimal
    principal: Decimal
    debited: Decimal
    taken: Decimal


def _wire_totals(results: list[WireResult], terms: CycleTerms) -> _Wires:
    coordinator = terms.coordinator_fee * len(results)
    debited = sum((x.wire.debited for x in results), ZERO)
    return _Wires(on_top=sum((x.wire.fee for x in results), ZERO) + coordinator,
                  deducted=sum((x.deducted for x in results), ZERO),
                  credited=sum((x.wire.credited for x in results), ZERO),
                  principal=sum((x.principal for x in results), ZERO), debited=debited, taken=debited + coordinator)


@dataclass(frozen=True)
class _Shares:
    """The cycle's cost as it really was (exact and rounded), its exchange-rate cost, each member's
    share (exact, rounded), fees on top and expected payout, and what is left to settle: all empty
    until a wire is recorded."""

    cost_exact: Decimal = ZERO
    fx: Decimal = ZERO
    cost: Decimal | None = None
    shares: dict[str, tuple[Decimal, Decimal]] = field(default_factory=dict)
    fees_on_top: dict[str, Decimal] = field(default_factory=dict)
    expected: dict[str, Decimal] = field(default_factory=dict)
    expected_paid_out: Decimal | None = None
    left: Decimal | None = None


def _cycle_shares(ordered: list[CycleMember], terms: CycleTerms, wires: Sequence[Wire], totals: _Wires,
                  given: dict[str, Decimal]) -> _Shares:
    """What the cycle cost (what left the members' hands less what the families get, at the mid-market
    rate), its parts and how it is shared; nothing before a wire is recorded."""
    if not wires:
        return _Shares()
    mid, distribution_fees = terms.reference_rate, terms.distribution_fee * len(ordered)
    cost_exact = totals.taken - (totals.credited - distribution_fees) / mid
    fx = cost_exact - totals.on_top - totals.deducted - distribution_fees / mid
    cost, shares, fees_on_top, expected = _shared(ordered, terms, wires, totals.taken, totals.credited, totals.on_top)
    return _Shares(cost_exact, fx, cost, shares, fees_on_top, expected, totals.credited - distribution_fees,
                   sum(given.values(), ZERO) - totals.taken)


def _member_result(m: CycleMember, entries: _Entries, shared: _Shares) -> MemberResult:
    exact_share, share = shared.shares.get(m.ref, (None, None))
    on_top = shared.fees_on_top.get(m.ref)
    given = entries.given[m.ref]

    def less_share(value: Decimal | None) -> Decimal | None:
        return value - share if share is not None and value is not None else None

    return MemberResult(
        ref=m.ref, amount=m.amount, contributed=given, planned_contribution=m.planned_contribution,
        fees_on_top=on_top, balance=given - m.amount - on_top if on_top is not None else None,
        exact_share=exact_share, share=share, planned_share=m.planned_share,
        share_difference=share - m.planned_share if share is not None and m.planned_share is not None else None,
        expected_payout=shared.expected.get(m.ref), planned_receive=m.planned_receive, paid=entries.paid[m.ref],
        pending=entries.pending[m.ref], returned=entries.returned[m.ref], today_cost=m.today_cost,
        cheapest_cost=m.cheapest_cost, saving_vs_today=less_share(m.today_cost),
        saving_vs_cheapest=less_share(m.cheapest_cost))


def reconcile(members: Sequence[CycleMember], terms: CycleTerms, contributions: Sequence[Contribution] = (),
              wires: Sequence[Wire] = (), payouts: Sequence[Payout] = (),
              planned: Sequence[PlannedTransfer] = ()) -> Reconciliation:
    """What the cycle really cost, each member's share and each family's expected payout, the
    differences from the plan, and every flag: the entries added up, the wires measured, the cost
    shared, each member's result, then the flags."""
    check_terms(terms)
    check_members(members)
    ordered = sorted(members, key=lambda m: m.ref)
    entries = _entries([m.ref for m in ordered], contributions, payouts)
    wire_results = [wire_result(i, wire, terms, planned[i - 1] if i <= len(planned) else None)
                    for i, wire in enumerate(wires, start=1)]
    totals = _wire_totals(wire_results, terms)
    shared = _cycle_shares(ordered, terms, wires, totals, entries.given)
    by_ref = {m.ref: _member_result(m, entries, shared) for m in ordered}
    distribution_fees = terms.distribution_fee * len(ordered)
    planned_cost = (sum((m.planned_share for m in ordered), ZERO)
                    if all(m.planned_share is not None for m in ordered) else None)
    result = Reconciliation(
        members=[by_ref[m.ref] for m in members], wires=wire_results, contributed=sum(entries.given.values(), ZERO),
        planned_contributions=sum((m.planned_contribution for m in ordered), ZERO), principal=totals.principal,
        debited=totals.debited, fees_on_top=totals.on_top, deducted=totals.deducted,
        distribution=distribution_fees / terms.reference_rate if wire_results else ZERO, fx_cost=shared.fx,
        cost_exact=shared.cost_exact, cost=shared.cost, planned_cost=planned_cost, credited=totals.credited,
        distribution_fees=distribution_fees, expected_paid_out=shared.expected_paid_out,
        paid_out=sum(entries.paid.values(), ZERO), pending=sum(entries.pending.values(), ZERO),
        returned=sum(entries.returned.values(), ZERO), left_to_settle=shared.left, taken=totals.taken)
    result.flags = flags(result, terms, {c.ref for c in contributions}, {p.ref for p in payouts},
                         sum((m.amount for m in ordered), ZERO), len(planned))
    return result
