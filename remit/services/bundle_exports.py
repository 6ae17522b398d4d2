"""What a group plan hands out: the payout list for the receiving bank or cooperative, the plan as a
table, and one slip per worker. Cells are written by remit.services.spreadsheets (formula-safe): each
column is a `Label` and each amount an `Amount`, so the same rows make the machine-readable file
(`reference`, `1876.75`) and the file for people in their language (`Referencia`, `1876,75`)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .. import codes
from ..domain.bundling import MemberResult
from ..domain.members import MemberInput
from ..domain.messages import msg
from .bundles import BundleResult
from .spreadsheets import Label, amount

# The columns' names for people: a list saved from either file is read again as a member list
# (remit/importers/members.py knows "Reference", "Amount" and "Service today" in each language).
COLUMNS = {
    "reference": msg("export_reference", "Reference"),
    "amount": msg("export_amount", "Amount"),
    "currency": msg("export_currency", "Currency"),
    "joins": msg("export_joins", "Joins the group"),
    "fees_on_top": msg("export_fees_on_top", "Fees on top"),
    "hands_over": msg("export_hands_over", "Hands over"),
    "share_of_costs": msg("export_share_of_costs", "Share of the costs"),
    "family_receives": msg("export_family_receives", "Family receives"),
    "receive_currency": msg("export_receive_currency", "Currency received"),
    "service_today": msg("export_service_today", "Service today"),
    "cost_today": msg("export_cost_today", "Cost today"),
    "saving_vs_today": msg("export_saving_vs_today", "Saving against today"),
    "cheapest_alone": msg("export_cheapest_alone", "Cheapest way alone"),
    "cheapest_cost": msg("export_cheapest_cost", "Cost of the cheapest way alone"),
    "saving_vs_cheapest": msg("export_saving_vs_cheapest", "Saving against the cheapest way alone"),
    "reason": msg("export_reason", "Why"),
}
PAYOUT_COLUMNS = ("reference", "amount", "currency")
PLAN_COLUMNS = ("reference", "amount", "joins", "fees_on_top", "hands_over", "share_of_costs", "family_receives",
                "receive_currency", "service_today", "cost_today", "saving_vs_today", "cheapest_alone",
                "cheapest_cost", "saving_vs_cheapest", "reason")
YES, NO = Label("yes", msg("export_yes", "yes")), Label("no", msg("export_no", "no"))


def column(name: str) -> Label:
    return Label(name, COLUMNS[name])


def payout_rows(result: BundleResult, carried: list[str]) -> tuple[list[str], list[list[str]]]:
    """For the bank or cooperative that pays the families out of the collective account: each joining
    member's reference, the columns the coordinator's list carried (name, account…), and the amount
    to pay in the receive currency. The amounts add up to what the plan says is paid out."""
    header = [column("reference"), *carried, column("amount"), column("currency")]
    places = codes.minor_unit(result.receive_currency)
    rows = []
    for member in result.plan.members:
        if not member.joins or member.receive_amount is None:
            continue
        extra = dict(result.members[member.ref].extra)
        rows.append([member.ref, *[extra.get(name, "") for name in carried],
                     amount(member.receive_amount, places), result.receive_currency])
    return header, rows


def plan_rows(result: BundleResult) -> tuple[list[str], list[list[str]]]:
    """The plan, member by member, without the personal columns (those go to the payout list only)."""
    ccy, rcy = result.request.currency, result.receive_currency
    mu, rmu = codes.minor_unit(ccy), codes.minor_unit(rcy)

    def money(value: Decimal | None):
        return amount(value, mu)

    rows = []
    for m in result.plan.members:
        rows.append([m.ref, money(m.amount), YES if m.joins else NO, money(m.fees_on_top), money(m.contribution),
                     money(m.share), amount(m.receive_amount, rmu), rcy, m.current_option or "",
                     money(m.current_cost), money(m.saving_vs_current), m.individual_option or "",
                     money(m.individual_cost), money(m.saving), m.reason or ""])
    return [column(name) for name in PLAN_COLUMNS], rows


@dataclass(frozen=True)
class Slip:
    member: MemberResult
    entered: MemberInput
    language: str | None


def slip_data(result: BundleResult) -> list[Slip]:
    """One slip per member, in the order of the list, each in the member's language when given."""
    return [Slip(m, result.members[m.ref], result.members[m.ref].language) for m in result.plan.members]
