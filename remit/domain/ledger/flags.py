"""Flags: everything in a cycle that does not add up, or is not recorded yet, each said in a sentence."""
from __future__ import annotations

from decimal import Decimal

from ..messages import msg, msgn
from ..money import round_money
from .entries import CycleTerms
from .results import Flag, Reconciliation


def flags(result: Reconciliation, terms: CycleTerms, contributed: set[str], with_payout: set[str],
          amounts: Decimal, planned_wires: int) -> list[Flag]:
    """Everything that does not add up yet: members' contributions, then (once a wire is recorded)
    their families' payouts, then the wires and the cycle. Amounts are rounded to their currency's
    minor unit for the sentence."""
    found = _contribution_flags(result, terms, contributed)
    if result.wires:
        found += _payout_flags(result, terms, with_payout)
        found += _cycle_flags(result, terms, amounts, planned_wires)
    return found


def _contribution_flags(result: Reconciliation, terms: CycleTerms, contributed: set[str]) -> list[Flag]:
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
                "%(planned)s.", ref=m.ref, currency=terms.currency, given=round_money(m.contributed, terms.minor_unit),
                planned=round_money(m.planned_contribution, terms.minor_unit)), m.ref))
    return found


def _payout_flags(result: Reconciliation, terms: CycleTerms, with_payout: set[str]) -> list[Flag]:
    rcy, rmu = terms.receive_currency, terms.receive_minor_unit
    found: list[Flag] = []
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
                "not been paid again.", ref=m.ref, currency=rcy, amount=round_money(m.returned, rmu)), m.ref))
        elif m.expected_payout is not None and m.paid + m.pending != m.expected_payout:
            found.append(Flag("payout_differs", msg(
                "ledger_flag_payout_differs", "%(ref)s: the family is paid %(currency)s %(paid)s; %(expected)s is "
                "due.", ref=m.ref, currency=rcy, paid=round_money(m.paid + m.pending, rmu),
                expected=round_money(m.expected_payout, rmu)), m.ref))
    pending = [m.ref for m in result.members if m.pending]
    if pending:
        found.append(Flag("payout_pending", msgn(
            "ledger_flag_payout_pending", "The payout to the family of %(refs)s is not confirmed yet.",
            "The payouts to the families of %(count)s members are not confirmed yet: %(refs)s.", len(pending),
            refs=_few(pending))))
    return found


def _cycle_flags(result: Reconciliation, terms: CycleTerms, amounts: Decimal, planned_wires: int) -> list[Flag]:
    cy, rcy = terms.currency, terms.receive_currency

    def money(value: Decimal) -> Decimal:
        return round_money(value, terms.minor_unit)

    def received(value: Decimal) -> Decimal:
        return round_money(value, terms.receive_minor_unit)

    found: list[Flag] = []
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
