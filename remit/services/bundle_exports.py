"""What a group plan hands out: the payout list for the receiving bank or cooperative, the plan as a
table, and one slip per worker. Cells are written by remit.services.spreadsheets (formula-safe)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .. import codes
from ..domain.bundling import MemberResult
from ..domain.money import round_money
from .bundles import BundleResult, MemberInput

PAYOUT_COLUMNS = ("reference", "amount", "currency")
PLAN_COLUMNS = ("reference", "amount", "joins", "fees_on_top", "hands_over", "share_of_costs", "family_receives",
                "receive_currency", "service_today", "cost_today", "saving_vs_today", "cheapest_alone",
                "cheapest_cost", "saving_vs_cheapest", "reason")


def _money(value: Decimal | None, currency: str) -> str:
    return "" if value is None else str(round_money(value, codes.minor_unit(currency)))


def payout_rows(result: BundleResult, carried: list[str]) -> tuple[list[str], list[list[str]]]:
    """For the bank or cooperative that pays the families out of the collective account: each joining
    member's reference, the columns the coordinator's list carried (name, account…), and the amount
    to pay in the receive currency. The amounts add up to what the plan says is paid out."""
    header = ["reference", *carried, "amount", "currency"]
    rows = []
    for member in result.plan.members:
        if not member.joins or member.receive_amount is None:
            continue
        extra = dict(result.members[member.ref].extra)
        rows.append([member.ref, *[extra.get(name, "") for name in carried],
                     _money(member.receive_amount, result.receive_currency), result.receive_currency])
    return header, rows


def plan_rows(result: BundleResult) -> tuple[list[str], list[list[str]]]:
    """The plan, member by member, without the personal columns (those go to the payout list only)."""
    ccy, rcy = result.request.currency, result.receive_currency
    rows = []
    for m in result.plan.members:
        rows.append([m.ref, _money(m.amount, ccy), "yes" if m.joins else "no", _money(m.fees_on_top, ccy),
                     _money(m.contribution, ccy), _money(m.share, ccy), _money(m.receive_amount, rcy), rcy,
                     str(m.current_option or ""), _money(m.current_cost, ccy), _money(m.saving_vs_current, ccy),
                     str(m.individual_option or ""), _money(m.individual_cost, ccy), _money(m.saving, ccy),
                     str(m.reason or "")])
    return list(PLAN_COLUMNS), rows


@dataclass(frozen=True)
class Slip:
    member: MemberResult
    entered: MemberInput
    language: str | None


def slip_data(result: BundleResult) -> list[Slip]:
    """One slip per member, in the order of the list, each in the member's language when given."""
    return [Slip(m, result.members[m.ref], result.members[m.ref].language) for m in result.plan.members]
