"""A cycle made from a group's plan, and a whole cycle recorded at once (the API's `record a cycle`)."""
from __future__ import annotations

import datetime as dt
import json

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from ... import codes
from ...domain import ledger as rules
from ...domain.messages import msg
from ...domain.bundling import MemberResult
from ...domain.members import MemberInput
from ...domain.money import convert
from ...extensions import db
from ...models import BundleGroup, LedgerCycle, LedgerMember
from ..audit import record as audit
from ..bundles import BundleResult
from .records import ContributionInput, CycleRecord, PayoutInput, WireInput, audit_target, load, source_json
from .typed import check_date
from .recording import add_wires, complete, record_contributions, record_payouts, set_distribution_fee


def create_cycle(group: BundleGroup, result: BundleResult, on: dt.date, *, actor: str,
                 keep_personal: bool = False, language: str | None = None) -> LedgerCycle:
    """A new open cycle of `group` from `result`, the group's plan priced on `on`: its joining
    members, what each was expected to hand over, pay and receive, and what sending alone would have
    cost each of them that day."""
    joining = _check_plan(group, result, on)
    request, plan, bulk = result.request, result.plan, result.bulk
    db.session.execute(select(BundleGroup.id).where(BundleGroup.id == group.id).with_for_update())
    number = (db.session.scalar(select(func.max(LedgerCycle.number)).where(LedgerCycle.group_id == group.id)) or 0) + 1
    cycle = LedgerCycle(
        group_id=group.id, number=number, cycle_date=on, send_country=group.send_country,
        receive_country=group.receive_country, currency=group.currency, receive_currency=result.receive_currency,
        bulk_product=bulk.product_id, bulk_label=f"{bulk.provider_name} · {bulk.product_name}",
        allocation=request.allocation,
        coordinator_fee=result.fees["coordinator_fee"].amount,
        distribution_fee=fee_per_family(result.fees["distribution_fee"].amount, plan.applied_rate,
                                        result.receive_currency),
        reference_rate=plan.reference_rate, reference_rate_as_of=bulk.reference_rate_as_of,
        reference_rate_source=source_json(bulk.reference_rate_source or ""),
        planned=json.dumps(_planned(result, joining)), language=language, created_by=actor)
    db.session.add(cycle)
    db.session.flush()
    _add_members(cycle, joining, {m.ref: m for m in request.members}, keep_personal)
    db.session.flush()
    audit("ledger cycle created", audit_target(cycle), {
        "group": group.id, "number": number, "date": on.isoformat(), "members": len(joining),
        "sent": str(sum((m.amount for m in joining), Decimal(0))), "planned_cost": str(plan.bundle_cost),
        "personal_columns": bool(keep_personal)}, actor=actor)
    return cycle


def fee_per_family(fee: Decimal, applied_rate: Decimal, receive_currency: str) -> Decimal:
    """The plan's distribution fee (in the send currency's minor unit, bundles.fee_amounts) as each
    family's is paid: out of the collective account, in the receive currency at the transfers' rate,
    half up to that currency's minor unit."""
    return convert(fee, applied_rate, codes.minor_unit(receive_currency))


def _check_plan(group: BundleGroup, result: BundleResult, on: dt.date) -> list[MemberResult]:
    """The plan's joining members; a plan for another corridor, with nobody who joins, or without the
    mid-market rate of its day is refused."""
    request, plan = result.request, result.plan
    if (request.send, request.receive, request.currency) != (group.send_country, group.receive_country, group.currency):
        raise rules.LedgerError(msg("ledger_other_corridor", "the plan is for %(plan)s; the group sends %(group)s",
                                    plan=f"{request.send}-{request.receive} {request.currency}",
                                    group=f"{group.send_country}-{group.receive_country} {group.currency}"),
                                field="send")
    joining = [m for m in plan.members if m.joins]
    bulk = result.bulk
    if not joining or not plan.transfers or bulk is None:
        raise rules.LedgerError(msg("ledger_nobody_joins", "nobody in this plan gains by bundling: there is no pooled "
                                    "transfer to record"), field="members")
    if plan.applied_rate is None or plan.reference_rate is None or bulk.reference_rate_as_of is None:
        raise rules.LedgerError(msg("ledger_no_rate", "the pooled transfer's product has no exchange rate on "
                                    "%(date)s: a cycle needs the mid-market rate of its day", date=on),
                                field="bulk_product")
    return joining


def _text(value) -> str | None:
    return str(value) if value is not None else None


def _planned(result: BundleResult, joining: list[MemberResult]) -> dict:
    """What the plan expected, kept with the cycle: its transfers, cost, credit and payouts, and the
    fees as it counts them, in the send currency (a fee may be given in another)."""
    plan, fees = result.plan, result.fees
    return {
        "transfers": [{"amount": str(t.amount), "fee": str(t.fee), "deducted": str(t.deducted),
                       "credited": _text(t.credited), "rate": _text(t.applied_rate)} for t in plan.transfers],
        "cost": str(plan.bundle_cost), "credited": _text(plan.credited), "paid_out": _text(plan.paid_out),
        "incoming_fee": str(fees["incoming_fee"].amount), "intermediary_fee": str(fees["intermediary_fee"].amount),
        "distribution_fee": str(fees["distribution_fee"].amount), "applied_rate": str(plan.applied_rate),
        # What should stop a person from taking each member's compared prices (today's service, the
        # cheapest way alone) at face value on the cycle's day, by position (a reference is personal).
        "member_warnings": {str(position): list(m.warnings) for position, m in enumerate(joining, start=1)
                            if m.warnings},
    }


def _add_members(cycle: LedgerCycle, joining: list[MemberResult], entered: dict[str, MemberInput],
                 keep_personal: bool) -> None:
    """The cycle's members, by their position in the plan: what each was expected to hand over, pay and
    receive, and their cheapest way alone and today's service as the plan priced them."""
    for position, m in enumerate(joining, start=1):
        extra = entered[m.ref].extra if keep_personal else ()
        db.session.add(LedgerMember(
            cycle_id=cycle.id, position=position, ref=m.ref, amount=m.amount, planned_fees_on_top=m.fees_on_top,
            planned_share=m.share, planned_receive=m.receive_amount,
            today_option=str(m.current_option)[:300] if m.current_option else None, today_cost=m.current_cost,
            cheapest_option=str(m.individual_option)[:300] if m.individual_option else None,
            cheapest_cost=m.individual_cost, language=entered[m.ref].language,
            personal=json.dumps(dict(extra), ensure_ascii=False) if extra else None))


@dataclass(frozen=True)
class CycleEntries:
    """What happened in a cycle, given at once (the API's `record a cycle`): what the members handed
    over, the fee per family (None: the plan's), the wires, the payouts, and whether to complete it."""

    contributions: Sequence[ContributionInput] = ()
    distribution_fee: Decimal | None = None
    wires: Sequence[WireInput] = ()
    payouts: Sequence[PayoutInput] = ()
    complete: bool = False
    completed_on: dt.date | None = None


def record_cycle(group: BundleGroup, result: BundleResult, on: dt.date, entries: CycleEntries, *, actor: str,
                 language: str | None = None) -> CycleRecord:
    """A cycle made from `result` and what happened in it, in the order the pages record it: one
    refusal anywhere refuses the whole (the caller rolls back; nothing is written)."""
    check_date(on, "date")
    cycle = create_cycle(group, result, on, actor=actor, language=language)
    if entries.distribution_fee is not None:
        set_distribution_fee(cycle.id, entries.distribution_fee, actor=actor)
    if entries.contributions:
        record_contributions(cycle.id, entries.contributions, actor=actor)
    if entries.wires:
        add_wires(cycle.id, entries.wires, actor=actor)
    if entries.payouts:
        record_payouts(cycle.id, entries.payouts, actor=actor)
    if entries.complete:
        if entries.completed_on is not None:
            check_date(entries.completed_on, "completed_on")
            if entries.completed_on < on:
                raise rules.LedgerError(msg("ledger_completed_before", "a cycle cannot be completed on %(date)s, "
                                            "before its own day (%(day)s)", date=entries.completed_on, day=on),
                                        field="completed_on")
        complete(cycle.id, actor=actor, on=entries.completed_on)
    return load(cycle.id)
