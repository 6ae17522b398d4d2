"""The season ledger: what really happened to a pooled transfer, reconciled with its plan, and each
worker's statement for the season.

A cycle is one pooled transfer of a group, made from its plan. What happened is recorded as entries:
- each member's **contribution** as received (amount, method, receipt);
- each **wire** as the bank executed it: the amount debited from the group's account (the bank's fee
  included), the fee, the currency the wire travels in and the rate the bank applied to reach it
  (1 when it travels in the send currency), what intermediary banks and the receiving bank deducted
  (in the currency sent), and the amount credited to the collective account in the receive currency;
- each family's **payout** (amount, date, status: pending, paid or returned).

What the cycle really cost is measured as the World Bank measures a remittance, with the mid-market
reference rate of the cycle's day:

    cost = what left the members' hands for the wires (debited + the coordinator's fees)
           − what the families get (credited − the distribution fees), at the mid-market rate.

Its parts, in the send currency: the fees on top (the bank's fee and the coordinator's fee), the
deductions on the way (their amount in the currency sent, at the bank's applied rate), the
distribution fees (at the mid-market rate), and the exchange-rate cost, which is the rest (every
margin the conversions took). The cost is split as the plan splits it, by the same function
(`bundling.split_exact`): the fixed fees (on top and deducted) by the group's rule (`pro_rata` by
amount, or `equal`), the exchange-rate cost in proportion to each member's amount, a distribution
fee each.

Rounding, stated once: the cycle's cost is rounded half up to the minor unit; each member's share is
its exact part rounded down, and the units left over go one each to the largest remainders, ties to
the references in alphabetical order (`bundling.apportion`). So the shares add up exactly to the
cost, no share is more than one unit from its exact value, and the order of the list never matters.
The families' expected payouts are apportioned the same way in the receive currency and add up
exactly to what was credited less the distribution fees.

Entries of a completed cycle never change: a correction is a new entry that supersedes an old one
(or voids it), with its reason; `current` gives the entries in force.

Every function here is pure: Decimal in, Decimal out.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from .bundling import Member, apportion, split_exact, weights
from .errors import Conflict, RemitError
from .messages import Message, msg, msgn
from .money import round_money
from .vocabulary import ALLOCATIONS, CONFIRMATIONS, CONTRIBUTION_METHODS, PAYOUT_STATUSES

ZERO = Decimal(0)


class LedgerError(RemitError):
    """An entry that cannot be recorded as given; `field` names the input at fault."""


class CycleLocked(Conflict):
    """A completed cycle: its entries are kept as they are; corrections are new entries."""


# --- What a cycle holds --------------------------------------------------------------------------

@dataclass(frozen=True)
class CycleTerms:
    currency: str  # the send currency
    receive_currency: str
    minor_unit: int
    receive_minor_unit: int
    allocation: str
    reference_rate: Decimal  # mid-market, receive-currency units per send-currency unit, on the cycle's day
    distribution_fee: Decimal = ZERO  # per member, in the receive currency, out of the collective account
    coordinator_fee: Decimal = ZERO  # per wire, in the send currency, on top


@dataclass(frozen=True)
class CycleMember:
    """A member as the cycle's plan has them: the amount to send, what the plan expected them to hand
    over and pay, and what sending alone would have cost them on the cycle's day."""

    ref: str
    amount: Decimal
    planned_fees_on_top: Decimal = ZERO
    planned_share: Decimal | None = None
    planned_receive: Decimal | None = None
    today_cost: Decimal | None = None  # the service they use today, priced on the cycle's day
    cheapest_cost: Decimal | None = None  # their cheapest way alone, priced on the cycle's day

    @property
    def planned_contribution(self) -> Decimal:
        return self.amount + self.planned_fees_on_top


@dataclass(frozen=True)
class Contribution:
    ref: str
    amount: Decimal
    method: str = "cash"
    receipt: str = ""
    received_on: dt.date | None = None


@dataclass(frozen=True)
class Wire:
    debited: Decimal  # from the group's account, in the send currency, the bank's fee included
    fee: Decimal  # the sending bank's fee, in the send currency
    currency_sent: str
    applied_rate: Decimal  # units of the currency sent per unit of the send currency
    intermediary: Decimal  # deducted by correspondent banks, in the currency sent
    receiving_fee: Decimal  # deducted by the receiving bank, in the currency sent
    credited: Decimal  # to the collective account, in the receive currency
    reference: str = ""
    executed_on: dt.date | None = None

    @property
    def principal(self) -> Decimal:
        """What the wire carries, in the send currency: the amount debited less the fee."""
        return self.debited - self.fee

    @property
    def sent(self) -> Decimal:
        """What the wire carries in the currency it travels in (exact)."""
        return self.principal * self.applied_rate

    @property
    def deductions(self) -> Decimal:
        """What the banks on the way took, in the currency sent."""
        return self.intermediary + self.receiving_fee

    @property
    def arrived(self) -> Decimal:
        """What reached the receiving bank, in the currency sent, after the deductions (exact)."""
        return self.sent - self.deductions

    @property
    def deducted(self) -> Decimal:
        """The deductions in the send currency, at the bank's applied rate (exact)."""
        return (self.intermediary + self.receiving_fee) / self.applied_rate


@dataclass(frozen=True)
class Payout:
    ref: str
    amount: Decimal  # in the receive currency
    status: str = "paid"
    paid_on: dt.date | None = None


@dataclass(frozen=True)
class PlannedTransfer:
    amount: Decimal
    fee: Decimal
    deducted: Decimal
    credited: Decimal | None


# --- Checks: bad entries are refused whole --------------------------------------------------------

def _positive(value: Decimal, name: str, label: Message) -> None:
    if value <= 0:
        raise LedgerError(msg("ledger_not_positive", "%(what)s must be more than zero, not %(value)s", what=label,
                              value=value), field=name)


def _not_negative(value: Decimal, name: str, label: Message) -> None:
    if value < 0:
        raise LedgerError(msg("ledger_negative", "%(what)s must not be negative, not %(value)s", what=label,
                              value=value), field=name)


def check_terms(terms: CycleTerms) -> None:
    if terms.allocation not in ALLOCATIONS:
        raise LedgerError(msg("allocation_unknown", "allocation must be one of %(choices)s",
                              choices=list(ALLOCATIONS)), field="allocation")
    if terms.reference_rate <= 0:
        raise LedgerError(msg("ledger_rate_zero", "a rate must be more than zero, not %(value)s",
                              value=terms.reference_rate), field="reference_rate")
    _not_negative(terms.distribution_fee, "distribution_fee", msg("what_distribution_fee", "the distribution fee"))
    _not_negative(terms.coordinator_fee, "coordinator_fee", msg("what_coordinator_fee", "the coordinator's fee"))


def check_members(members: Sequence[CycleMember]) -> None:
    if not members:
        raise LedgerError(msg("ledger_no_members", "a cycle needs at least one member"), field="members")
    refs = [m.ref for m in members]
    if len(set(refs)) != len(refs):
        raise LedgerError(msg("bundle_refs_repeat", "every member needs a different ref"), field="members")
    for m in members:
        _positive(m.amount, "members", msg("what_member_amount", "a member's amount"))


def check_contribution(entry: Contribution, refs: Iterable[str]) -> None:
    if entry.ref not in set(refs):
        raise LedgerError(msg("ledger_not_a_member", "'%(ref)s' is not a member of this cycle", ref=entry.ref),
                          field="ref")
    _not_negative(entry.amount, "amount", msg("what_contribution", "a contribution"))
    if entry.method not in CONTRIBUTION_METHODS:
        raise LedgerError(msg("not_a_choice", "'%(typed)s' is not one of: %(choices)s", typed=entry.method,
                              choices=list(CONTRIBUTION_METHODS)), field="method")


def check_wire(wire: Wire, terms: CycleTerms) -> None:
    """A wire as a bank can execute it; the message names what is impossible."""
    if wire.applied_rate <= 0:
        raise LedgerError(msg("ledger_rate_zero", "a rate must be more than zero, not %(value)s",
                              value=wire.applied_rate), field="applied_rate")
    _positive(wire.debited, "debited", msg("what_debited", "the amount debited"))
    _not_negative(wire.fee, "fee", msg("what_fee", "the fee"))
    _not_negative(wire.intermediary, "intermediary", msg("what_intermediary", "the intermediary banks' deduction"))
    _not_negative(wire.receiving_fee, "receiving_fee", msg("what_receiving_fee", "the receiving bank's fee"))
    _positive(wire.credited, "credited", msg("what_credited", "the amount credited"))
    if wire.fee >= wire.debited:
        raise LedgerError(msg("ledger_fee_whole", "the fee of %(fee)s would take the whole %(debited)s debited",
                              fee=wire.fee, debited=wire.debited), field="fee")
    if wire.currency_sent == terms.currency and wire.applied_rate != 1:
        raise LedgerError(msg("ledger_rate_same_currency",
                              "a wire sent in %(currency)s needs no conversion: its rate is 1, not %(rate)s",
                              currency=terms.currency, rate=wire.applied_rate), field="applied_rate")
    if wire.intermediary + wire.receiving_fee >= wire.sent:
        raise LedgerError(msg("ledger_deductions_whole",
                              "the deductions of %(deducted)s %(currency)s would take all the wire carried",
                              deducted=wire.intermediary + wire.receiving_fee, currency=wire.currency_sent),
                          field="intermediary")


def check_wires_funded(wires: Sequence[Wire], contributions: Sequence[Contribution], terms: CycleTerms) -> None:
    """The wires cannot take more than the members handed over."""
    taken = sum((w.debited + terms.coordinator_fee for w in wires), ZERO)
    given = sum((c.amount for c in contributions), ZERO)
    if taken > given:
        raise LedgerError(msg(
            "ledger_wire_exceeds_contributions",
            "the wires would take %(currency)s %(taken)s (fees included), more than the %(given)s the members "
            "handed over", currency=terms.currency, taken=round_money(taken, terms.minor_unit),
            given=round_money(given, terms.minor_unit)), field="debited")


def check_payout(entry: Payout, refs: Iterable[str]) -> None:
    if entry.ref not in set(refs):
        raise LedgerError(msg("ledger_payout_not_a_member",
                              "a payout to '%(ref)s', who is not a member of this cycle", ref=entry.ref), field="ref")
    _positive(entry.amount, "amount", msg("what_payout", "a payout"))
    if entry.status not in PAYOUT_STATUSES:
        raise LedgerError(msg("not_a_choice", "'%(typed)s' is not one of: %(choices)s", typed=entry.status,
                              choices=list(PAYOUT_STATUSES)), field="status")


def check_confirmation(how: str | None) -> None:
    if how and how not in CONFIRMATIONS:
        raise LedgerError(msg("not_a_choice", "'%(typed)s' is not one of: %(choices)s", typed=how,
                              choices=list(CONFIRMATIONS)), field="confirmed_how")


def check_open(completed_on: dt.date | None, number: int) -> None:
    """Refuse to change a completed cycle."""
    if completed_on is not None:
        raise CycleLocked(msg("ledger_cycle_locked",
                              "cycle %(number)s was completed on %(date)s: its entries are kept as they are; "
                              "record a correction instead", number=number, date=completed_on))


def check_completion(completed_on: dt.date | None, number: int, members: Sequence[CycleMember],
                     contributions: Sequence[Contribution], wires: Sequence[Wire], payouts: Sequence[Payout]) -> None:
    """A cycle is completed once, when each member's contribution, a wire and each payout are recorded."""
    if completed_on is not None:
        raise CycleLocked(msg("ledger_completed_twice", "cycle %(number)s was already completed on %(date)s",
                              number=number, date=completed_on))
    if not wires:
        raise LedgerError(msg("ledger_complete_no_wire", "record the wire before completing the cycle"),
                          field="wires")
    given = {c.ref for c in contributions}
    paid = {p.ref for p in payouts}
    missing = [m.ref for m in members if m.ref not in given]
    if missing:
        raise LedgerError(msg("ledger_complete_contributions",
                              "record what each member handed over before completing the cycle; missing: %(refs)s",
                              refs=missing[:10]), field="contributions")
    missing = [m.ref for m in members if m.ref not in paid]
    if missing:
        raise LedgerError(msg("ledger_complete_payouts",
                              "record each family's payout (pending, paid or returned) before completing the cycle; "
                              "missing: %(refs)s", refs=missing[:10]), field="payouts")


# --- Corrections: entries in force ---------------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    """A stored entry: its id, the entry it supersedes (a correction), and whether it voids it."""

    id: int
    supersedes: int | None = None
    void: bool = False


def current(entries: Sequence[Entry]) -> list[int]:
    """The ids of the entries in force, in their order: an entry superseded by a later one is not,
    nor is a voiding entry itself."""
    superseded = {e.supersedes for e in entries if e.supersedes is not None}
    return [e.id for e in entries if e.id not in superseded and not e.void]


# --- Reconciliation ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Flag:
    """Something in the cycle that does not add up, or is not recorded yet, said in a sentence."""

    code: str
    message: Message
    ref: str | None = None
    wire: int | None = None  # 1-based


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


def reconcile(members: Sequence[CycleMember], terms: CycleTerms, contributions: Sequence[Contribution] = (),
              wires: Sequence[Wire] = (), payouts: Sequence[Payout] = (),
              planned: Sequence[PlannedTransfer] = ()) -> Reconciliation:
    """What the cycle really cost, each member's share and each family's expected payout, the
    differences from the plan, and every flag."""
    check_terms(terms)
    check_members(members)
    ordered = sorted(members, key=lambda m: m.ref)
    refs = [m.ref for m in ordered]
    mu, rmu, mid = terms.minor_unit, terms.receive_minor_unit, terms.reference_rate
    w = weights([Member(m.ref, m.amount) for m in ordered], terms.allocation)
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
        exact = split_exact({m.ref: m.amount for m in ordered}, on_top + deducted, fx, distribution / len(ordered),
                            terms.allocation)
        cost = round_money(cost_exact, mu)
        rounded = apportion(cost, exact, mu)
        shares = {ref: (exact[ref], rounded[ref]) for ref in refs}
        fees_on_top = apportion(round_money(on_top, mu), {m.ref: on_top * w[m.ref] for m in ordered}, mu)
        expected_paid_out = credited - distribution_fees
        net = amounts - deducted
        entitled = {m.ref: credited * (m.amount - deducted * w[m.ref]) / net - terms.distribution_fee
                    for m in ordered} if net > 0 else {}
        if entitled and expected_paid_out > 0 and all(v > 0 for v in entitled.values()):
            expected = apportion(expected_paid_out, entitled, rmu)
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


def flags(result: Reconciliation, terms: CycleTerms, contributed: set[str], with_payout: set[str],
          amounts: Decimal, planned_wires: int) -> list[Flag]:
    """Everything that does not add up yet: members, then wires, then the cycle. Amounts are rounded
    to their currency's minor unit for the sentence."""
    cy, rcy = terms.currency, terms.receive_currency

    def money(value: Decimal) -> Decimal:
        return round_money(value, terms.minor_unit)

    def received(value: Decimal) -> Decimal:
        return round_money(value, terms.receive_minor_unit)

    found: list[Flag] = []
    missing = [m.ref for m in result.members if m.ref not in contributed]
    if missing:
        found.append(Flag("contribution_missing", msgn(
            "ledger_flag_contribution_missing", "Nothing handed over is recorded for %(refs)s.",
            "Nothing handed over is recorded for %(count)s members: %(refs)s.", len(missing), refs=_few(missing))))
    for m in result.members:
        if m.ref in contributed and m.contributed != m.planned_contribution:
            found.append(Flag("contribution_differs", msg(
                "ledger_flag_contribution_differs", "%(ref)s handed over %(currency)s %(given)s; the plan asks "
                "%(planned)s.", ref=m.ref, currency=cy, given=money(m.contributed),
                planned=money(m.planned_contribution)), m.ref))
    if not result.wires:
        return found
    missing = [m.ref for m in result.members if m.ref not in with_payout]
    if missing:
        found.append(Flag("payout_missing", msgn(
            "ledger_flag_payout_missing", "No payout to the family of %(refs)s is recorded.",
            "No payout is recorded for the families of %(count)s members: %(refs)s.", len(missing),
            refs=_few(missing))))
    for m in result.members:
        if m.ref not in with_payout:
            continue
        if m.returned and not m.paid and not m.pending:
            found.append(Flag("payout_returned", msg(
                "ledger_flag_payout_returned", "%(ref)s: the payout of %(currency)s %(amount)s came back and has "
                "not been paid again.", ref=m.ref, currency=rcy, amount=received(m.returned)), m.ref))
        elif m.expected_payout is not None and m.paid + m.pending != m.expected_payout:
            found.append(Flag("payout_differs", msg(
                "ledger_flag_payout_differs", "%(ref)s: the family is paid %(currency)s %(paid)s; %(expected)s is "
                "due.", ref=m.ref, currency=rcy, paid=received(m.paid + m.pending),
                expected=received(m.expected_payout)), m.ref))
    pending = [m.ref for m in result.members if m.pending]
    if pending:
        found.append(Flag("payout_pending", msgn(
            "ledger_flag_payout_pending", "The payout to the family of %(refs)s is not confirmed yet.",
            "The payouts to the families of %(count)s members are not confirmed yet: %(refs)s.", len(pending),
            refs=_few(pending))))
    if planned_wires and len(result.wires) != planned_wires:
        found.append(Flag("wire_count", msg(
            "ledger_flag_wire_count", "%(count)s wires are recorded; the plan has %(planned)s.",
            count=len(result.wires), planned=planned_wires)))
    if result.principal != amounts:
        found.append(Flag("wires_carry", msg(
            "ledger_flag_wires_carry", "The wires carry %(currency)s %(carried)s; the members' amounts add up to "
            "%(amounts)s.", currency=cy, carried=money(result.principal), amounts=money(amounts))))
    if result.left_to_settle:
        found.append(Flag("left_to_settle", msg(
            "ledger_flag_left_to_settle", "The members handed over %(currency)s %(given)s; the wires and the "
            "coordinator's fees took %(taken)s: %(left)s is to be settled with the members, as each line says.",
            currency=cy, given=money(result.contributed), taken=money(result.contributed - result.left_to_settle),
            left=money(result.left_to_settle))))
    if result.expected_paid_out is not None and result.paid_out + result.pending != result.expected_paid_out:
        found.append(Flag("payouts_total", msg(
            "ledger_flag_payouts_total", "The payouts add up to %(currency)s %(paid)s; the collective account "
            "received %(credited)s and, less %(fees)s in distribution fees, %(expected)s is to be paid out.",
            currency=rcy, paid=received(result.paid_out + result.pending), credited=received(result.credited),
            fees=received(result.distribution_fees), expected=received(result.expected_paid_out))))
    if result.fx_cost < 0:
        found.append(Flag("below_mid_market", msg(
            "ledger_flag_below_mid_market", "The rates applied beat the mid-market rate of the cycle's day: check "
            "the amounts credited and the reference rate.")))
    return found


def _few(refs: list[str], limit: int = 10) -> str:
    """References for a sentence: at most `limit` of them, then how many more."""
    shown = ", ".join(refs[:limit])
    return shown + (f" (+{len(refs) - limit})" if len(refs) > limit else "")


# --- Statements ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class CycleHeading:
    number: int
    date: dt.date
    completed: bool
    corrected: frozenset[str] = frozenset()  # members whose entries were corrected after completion
    corrected_all: bool = False  # a wire was corrected: every member's figures changed

    def corrected_for(self, ref: str) -> bool:
        return self.corrected_all or ref in self.corrected


@dataclass(frozen=True)
class StatementLine:
    cycle: CycleHeading
    corrected: bool
    amount: Decimal
    contributed: Decimal
    share: Decimal | None
    received: Decimal  # paid to the family, receive currency
    pending: Decimal
    returned: Decimal
    today_cost: Decimal | None
    cheapest_cost: Decimal | None
    saving_vs_today: Decimal | None
    saving_vs_cheapest: Decimal | None


@dataclass
class Statement:
    ref: str
    lines: list[StatementLine]
    amount: Decimal
    contributed: Decimal
    share: Decimal
    received: Decimal
    pending: Decimal
    saving_vs_today: Decimal | None  # over the cycles where today's service is known
    saving_vs_cheapest: Decimal | None
    cycles_vs_today: int
    cycles_vs_cheapest: int


def _in_date_order(cycles: Sequence[tuple[CycleHeading, Reconciliation]]) -> list[tuple[CycleHeading, Reconciliation]]:
    return sorted(cycles, key=lambda c: (c[0].date, c[0].number))


def _members_by_ref(ordered: Sequence[tuple[CycleHeading, Reconciliation]]) -> list[dict[str, MemberResult]]:
    """Each cycle's members by reference (a reference is in a cycle once: check_members), so that a
    season's statements find each worker in each cycle at once rather than by a scan of its members."""
    return [{m.ref: m for m in recon.members} for _, recon in ordered]


def statement(ref: str, cycles: Sequence[tuple[CycleHeading, Reconciliation]]) -> Statement:
    """One worker's season: a line for each cycle they took part in (with a recorded wire), in date
    order, and the season's totals, which add up the lines exactly."""
    ordered = _in_date_order(cycles)
    return _statement(ref, ordered, _members_by_ref(ordered))


def _statement(ref: str, ordered: Sequence[tuple[CycleHeading, Reconciliation]],
               members: Sequence[dict[str, MemberResult]]) -> Statement:
    lines = []
    for (heading, recon), by_ref in zip(ordered, members):
        member = by_ref.get(ref)
        if member is None or recon.cost is None:
            continue
        lines.append(StatementLine(heading, heading.corrected_for(ref), member.amount, member.contributed,
                                   member.share, member.paid, member.pending, member.returned, member.today_cost,
                                   member.cheapest_cost, member.saving_vs_today, member.saving_vs_cheapest))
    vs_today = [line.saving_vs_today for line in lines if line.saving_vs_today is not None]
    vs_cheapest = [line.saving_vs_cheapest for line in lines if line.saving_vs_cheapest is not None]
    return Statement(
        ref=ref, lines=lines, amount=sum((line.amount for line in lines), ZERO),
        contributed=sum((line.contributed for line in lines), ZERO),
        share=sum((line.share for line in lines), ZERO), received=sum((line.received for line in lines), ZERO),
        pending=sum((line.pending for line in lines), ZERO),
        saving_vs_today=sum(vs_today, ZERO) if vs_today else None,
        saving_vs_cheapest=sum(vs_cheapest, ZERO) if vs_cheapest else None,
        cycles_vs_today=len(vs_today), cycles_vs_cheapest=len(vs_cheapest))


@dataclass
class Season:
    cycles: list[tuple[CycleHeading, Reconciliation]]
    statements: list[Statement]
    amount: Decimal
    contributed: Decimal
    cost: Decimal
    credited: Decimal
    paid_out: Decimal
    saving_vs_today: Decimal | None
    saving_vs_cheapest: Decimal | None


def season(cycles: Sequence[tuple[CycleHeading, Reconciliation]]) -> Season:
    """The group's season: its cycles in date order and every worker's statement; the statements add
    up to the cycles' totals."""
    ordered = _in_date_order(cycles)
    members = _members_by_ref(ordered)
    refs = sorted({ref for by_ref in members for ref in by_ref})
    statements = [_statement(ref, ordered, members) for ref in refs]
    statements = [s for s in statements if s.lines]
    counted = [(h, r) for h, r in ordered if r.cost is not None]
    vs_today = [s.saving_vs_today for s in statements if s.saving_vs_today is not None]
    vs_cheapest = [s.saving_vs_cheapest for s in statements if s.saving_vs_cheapest is not None]
    return Season(
        cycles=ordered, statements=statements,
        amount=sum((m.amount for _, r in counted for m in r.members), ZERO),
        contributed=sum((r.contributed for _, r in counted), ZERO), cost=sum((r.cost for _, r in counted), ZERO),
        credited=sum((r.credited for _, r in counted), ZERO), paid_out=sum((r.paid_out for _, r in counted), ZERO),
        saving_vs_today=sum(vs_today, ZERO) if vs_today else None,
        saving_vs_cheapest=sum(vs_cheapest, ZERO) if vs_cheapest else None)


__all__ = ["Contribution", "CycleHeading", "CycleLocked", "CycleMember", "CycleTerms", "Entry", "Flag", "LedgerError",
           "MemberResult", "Payout", "PlannedTransfer", "Reconciliation", "Season", "Statement", "StatementLine",
           "Wire", "WireResult", "check_completion", "check_confirmation", "check_contribution", "check_members",
           "check_open", "check_payout", "check_terms", "check_wire", "check_wires_funded", "current", "flags",
           "reconcile", "season", "statement", "wire_result"]
