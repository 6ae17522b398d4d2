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
from .entries import ZERO, Contribution, CycleMember, CycleTerms, Payout, PlannedTransfer, Wire
from .flags import Flag, flags


@dataclass(frozen=True)
class WireResult:
    number: int
    wire: Wire
    principal: Decimal
    deducted: Decimal  # in the send currency, exact
    fx_cost: Decimal  # exact
    cost: Decimal  # fee + coordinator fee + deductions + FX, exact
    effective_rate: Decimal  # credited per unit of the principal
    planned: PlannedTransfer | None
    cost_difference: Decimal | None  # against the planned transfer's, rounded
    credited_difference: Decimal | None


@dataclass(frozen=True)
class MemberResult:
    ref: str
    amount: Decimal
    contributed: Decimal  # as received
    planned_contribution: Decimal
    fees_on_top: Decimal | None  # the actual fees on top, rounded (None until a wire is recorded)
    balance: Decimal | None  # contributed − (amount + fees_on_top): + to refund, − still owed
    exact_share: Decimal | None
    share: Decimal | None  # of the actual cost, rounded
    planned_share: Decimal | None
    share_difference: Decimal | None  # share − planned share
    expected_payout: Decimal | None  # in the receive currency
    planned_receive: Decimal | None
    paid: Decimal  # paid to the family
    pending: Decimal
    returned: Decimal
    today_cost: Decimal | None
    cheapest_cost: Decimal | None
    saving_vs_today: Decimal | None
    saving_vs_cheapest: Decimal | None


@dataclass
class Reconciliation:
    members: list[MemberResult]
    wires: list[WireResult]
    contributed: Decimal
    planned_contributions: Decimal
    principal: Decimal
    debited: Decimal
    fees_on_top: Decimal  # exact: bank fees + coordinator fees
    deducted: Decimal  # exact, send currency
    distribution: Decimal  # exact, send currency at the mid-market rate
    fx_cost: Decimal  # exact
    cost_exact: Decimal
    cost: Decimal | None  # rounded; the members' shares sum to it (None until a wire is recorded)
    planned_cost: Decimal | None
    credited: Decimal
    distribution_fees: Decimal  # in the receive currency
    expected_paid_out: Decimal | None
    paid_out: Decimal
    pending: Decimal
    returned: Decimal
    left_to_settle: Decimal | None  # contributed − what the wires and the coordinator took
    taken: Decimal = ZERO  # what the wires and the coordinator took: debited + a coordinator's fee a wire
    flags: list[Flag] = field(default_factory=list)

    @property
    def settled(self) -> bool:
        return bool(self.wires) and not self.flags


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
    fees_on_top = apportion(round_money(on_top, mu), {ref: Fraction(on_top) * w for ref, w in weights.numerators.items()},
                            mu, weights.denominator)
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


def reconcile(members: Sequence[CycleMember], terms: CycleTerms, contributions: Sequence[Contribution] = (),
              wires: Sequence[Wire] = (), payouts: Sequence[Payout] = (),
              planned: Sequence[PlannedTransfer] = ()) -> Reconciliation:
    """What the cycle really cost, each member's share and each family's expected payout, the
    differences from the plan, and every flag."""
    check_terms(terms)
    check_members(members)
    ordered = sorted(members, key=lambda m: m.ref)
    refs = [m.ref for m in ordered]
    mid = terms.reference_rate
    amounts = sum((m.amount for m in ordered), ZERO)
    given = _sums(contributions, refs)
    paid = _sums([p for p in payouts if p.status == "paid"], refs)
    pending = _sums([p for p in payouts if p.status == "pending"], refs)
    returned = _sums([p for p in payouts if p.status == "returned"], refs)
    wire_results = [wire_result(i, wire, terms, planned[i - 1] if i <= len(planned) else None)
                    for i, wire in enumerate(wires, start=1)]

    on_top = sum((x.wire.fee for x in wire_results), ZERO) + terms.coordinator_fee * len(wire_results)
    deducted = sum((x.deducted for x in wire_results), ZERO)
    credited = sum((x.wire.credited for x in wire_results), ZERO)
    principal = sum((x.principal for x in wire_results), ZERO)
    debited = sum((x.wire.debited for x in wire_results), ZERO)
    distribution_fees = terms.distribution_fee * len(ordered)
    distribution = distribution_fees / mid
    cost_exact = fx = ZERO
    cost = expected_paid_out = left = None
    shares: dict[str, tuple[Decimal, Decimal]] = {}
    fees_on_top: dict[str, Decimal] = {}
    expected: dict[str, Decimal] = {}
    taken = debited + terms.coordinator_fee * len(wire_results)
    if wire_results:
        cost_exact = taken - (credited - distribution_fees) / mid
        fx = cost_exact - on_top - deducted - distribution
        cost, shares, fees_on_top, expected = _shared(ordered, terms, wires, taken, credited, on_top)
        expected_paid_out = credited - distribution_fees
        left = sum(given.values(), ZERO) - taken

    results = []
    for m in ordered:
        exact_share, share = shares.get(m.ref, (None, None))
        on_top_m = fees_on_top.get(m.ref)
        results.append(MemberResult(
            ref=m.ref, amount=m.amount, contributed=given[m.ref], planned_contribution=m.planned_contribution,
            fees_on_top=on_top_m, balance=given[m.ref] - m.amount - on_top_m if on_top_m is not None else None,
            exact_share=exact_share, share=share, planned_share=m.planned_share,
            share_difference=share - m.planned_share if share is not None and m.planned_share is not None else None,
            expected_payout=expected.get(m.ref), planned_receive=m.planned_receive, paid=paid[m.ref],
            pending=pending[m.ref], returned=returned[m.ref], today_cost=m.today_cost, cheapest_cost=m.cheapest_cost,
            saving_vs_today=m.today_cost - share if share is not None and m.today_cost is not None else None,
            saving_vs_cheapest=m.cheapest_cost - share if share is not None and m.cheapest_cost is not None else None))
    by_ref = {r.ref: r for r in results}
    planned_cost = (sum((m.planned_share for m in ordered), ZERO)
                    if all(m.planned_share is not None for m in ordered) else None)
    result = Reconciliation(
        members=[by_ref[m.ref] for m in members], wires=wire_results, contributed=sum(given.values(), ZERO),
        planned_contributions=sum((m.planned_contribution for m in ordered), ZERO), principal=principal,
        debited=debited, fees_on_top=on_top, deducted=deducted, distribution=distribution if wire_results else ZERO,
        fx_cost=fx, cost_exact=cost_exact, cost=cost, planned_cost=planned_cost, credited=credited,
        distribution_fees=distribution_fees, expected_paid_out=expected_paid_out,
        paid_out=sum(paid.values(), ZERO), pending=sum(pending.values(), ZERO), returned=sum(returned.values(), ZERO),
        left_to_settle=left, taken=taken)
    result.flags = flags(result, terms, {c.ref for c in contributions}, {p.ref for p in payouts}, amounts,
                         len(planned))
    return result
