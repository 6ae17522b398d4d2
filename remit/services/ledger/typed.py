"""Checks of what is typed (amounts within limits and the currency's decimals, texts, dates), each
entry's values as stored, and what the audit log may say of them (never personal data)."""
from __future__ import annotations

import datetime as dt

from decimal import Decimal

from ... import codes
from ...domain import ledger as rules
from ...domain.messages import msg
from ...inputs import MAX_CONFIRMED_BY_LENGTH, MAX_LEDGER_AMOUNT, MAX_RATE, MAX_RECEIPT_LENGTH, decimals
from ...models import LedgerMember
from .records import ContributionInput, CycleRecord, PayoutInput, WireInput


def check_amount(value: Decimal, currency: str, name: str) -> None:
    if value > MAX_LEDGER_AMOUNT:
        raise rules.LedgerError(msg("above_maximum", "must be at most %(maximum)s, not %(typed)s",
                                    maximum=MAX_LEDGER_AMOUNT, typed=value), field=name)
    places = codes.minor_unit(currency)
    if decimals(value) > places:
        raise rules.LedgerError(msg("currency_decimals", "has more decimals than %(currency)s allows (%(places)s)",
                                    currency=currency, places=places), field=name)


def checked_text(value: str | None, limit: int, name: str) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise rules.LedgerError(msg("text_too_long", "is %(length)s characters long; at most %(limit)s are allowed",
                                    length=len(text), limit=limit), field=name)
    return text


def check_date(value: dt.date | None, name: str, today: dt.date | None = None) -> None:
    today = today or dt.date.today()
    if value is not None and value > today + dt.timedelta(days=1):
        raise rules.LedgerError(msg("ledger_date_future", "%(date)s has not come yet", date=value), field=name)


def member_by_ref(record: CycleRecord, ref: str) -> LedgerMember:
    member = next((m for m in record.members if m.ref == ref), None)
    if member is None:
        raise rules.LedgerError(msg("ledger_not_a_member", "'%(ref)s' is not a member of this cycle", ref=ref),
                                field="ref")
    return member


def contribution_values(record: CycleRecord, entry: ContributionInput) -> dict:
    rules.check_contribution(rules.Contribution(entry.ref, entry.amount, entry.method), [m.ref for m in record.members])
    check_amount(entry.amount, record.cycle.currency, "amount")
    check_date(entry.received_on, "received_on")
    return {"member_id": member_by_ref(record, entry.ref).id, "amount": entry.amount, "method": entry.method,
            "receipt": checked_text(entry.receipt, MAX_RECEIPT_LENGTH, "receipt"), "received_on": entry.received_on}


def wire_values(record: CycleRecord, entry: WireInput) -> dict:
    try:
        codes.currency(entry.currency_sent)
    except codes.CodeError as exc:
        raise rules.LedgerError(exc.args[0], field="currency_sent") from None
    wire = rules.Wire(entry.debited, entry.fee, entry.currency_sent, entry.applied_rate, entry.intermediary,
                      entry.receiving_fee, entry.credited)
    if entry.applied_rate > MAX_RATE:
        raise rules.LedgerError(msg("above_maximum", "must be at most %(maximum)s, not %(typed)s", maximum=MAX_RATE,
                                    typed=entry.applied_rate), field="applied_rate")
    rules.check_wire(wire, record.terms)
    for name, value, currency in (("debited", entry.debited, record.cycle.currency),
                                  ("fee", entry.fee, record.cycle.currency),
                                  ("intermediary", entry.intermediary, entry.currency_sent),
                                  ("receiving_fee", entry.receiving_fee, entry.currency_sent),
                                  ("credited", entry.credited, record.cycle.receive_currency)):
        check_amount(value, currency, name)
    if decimals(entry.applied_rate) > 10:
        raise rules.LedgerError(msg("too_many_decimals", "has more than %(places)s decimals", places=10),
                                field="applied_rate")
    check_date(entry.executed_on, "executed_on")
    return {"debited": entry.debited, "fee": entry.fee, "currency_sent": entry.currency_sent,
            "applied_rate": entry.applied_rate, "intermediary": entry.intermediary,
            "receiving_fee": entry.receiving_fee, "credited": entry.credited,
            "bank_reference": checked_text(entry.bank_reference, MAX_RECEIPT_LENGTH, "bank_reference"),
            "executed_on": entry.executed_on}


def payout_values(record: CycleRecord, entry: PayoutInput) -> dict:
    rules.check_payout(rules.Payout(entry.ref, entry.amount, entry.status), [m.ref for m in record.members])
    rules.check_confirmation(entry.confirmed_how)
    check_amount(entry.amount, record.cycle.receive_currency, "amount")
    check_date(entry.paid_on, "paid_on")
    return {"member_id": member_by_ref(record, entry.ref).id, "amount": entry.amount, "status": entry.status,
            "paid_on": entry.paid_on, "confirmed_how": entry.confirmed_how or None,
            "confirmed_by": checked_text(entry.confirmed_by, MAX_CONFIRMED_BY_LENGTH, "confirmed_by") or None}


VALUES = {"contribution": contribution_values, "wire": wire_values, "payout": payout_values}
# What the audit log may say of each kind of entry: figures, dates, methods, the bank's reference; never
# the member's reference (the member's position stands for it), nor texts a person typed that may hold a
# name (a receipt's reference, who confirmed a payout): of those it says only that they were recorded.
AUDITED = {"contribution": ("amount", "method", "received_on"),
           "wire": ("debited", "fee", "currency_sent", "applied_rate", "intermediary", "receiving_fee", "credited",
                    "bank_reference", "executed_on"),
           "payout": ("amount", "status", "paid_on", "confirmed_how")}
PERSONAL = {"contribution": ("receipt",), "wire": (), "payout": ("confirmed_by",)}


def figure_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):  # as few digits as say the value: 18.7500 is 18.75
        return format(value.normalize(), "f")
    return str(value)


def audit_values(kind: str, values: dict, record: CycleRecord) -> dict:
    shown = {name: figure_text(values.get(name)) for name in AUDITED[kind] if name in values}
    if "member_id" in values:
        shown["member"] = f"#{record.member(values['member_id']).position}"
    for name in PERSONAL[kind]:
        if values.get(name):
            shown[name] = "(recorded)"
    return shown


def changed_fields(kind: str, row, values: dict) -> dict:
    """What an edit changes, field by field, as [before, after] (personal fields said, not shown)."""
    changed = {}
    for name, new in values.items():
        old = getattr(row, name)
        if old == new or figure_text(old) == figure_text(new):
            continue
        if name in PERSONAL[kind]:
            changed[name] = "changed"
        elif name in AUDITED[kind]:
            changed[name] = [figure_text(old), figure_text(new)]
    return changed
