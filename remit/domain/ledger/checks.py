"""Checks: a bad entry, a cycle completed twice or changed once completed, is refused whole, with a
message that names what is wrong."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from ..messages import Message, msg
from ..money import round_money
from ..vocabulary import ALLOCATIONS, CONFIRMATIONS, CONTRIBUTION_METHODS, PAYOUT_STATUSES
from .entries import (ZERO, Contribution, CycleLocked, CycleMember, CycleTerms, LedgerError, Payout, Wire)


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
