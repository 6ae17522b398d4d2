"""A cycle's forms read into what remit.services.ledger records: each amount as the page's language
writes it, each date as the calendar writes it; what cannot be read is left on its field with a message
(remit/web/ledger/cycle.py shows the page again, nothing written)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import partial

from flask import abort
from flask_babel import gettext as _

from ...i18n import translate
from ...inputs import MAX_LEDGER_AMOUNT, MAX_RATE, record_id
from ...services import ledger
from ..forms import read_amount
from .forms import read_date
from .page import typed

# The ledger's amounts go up to MAX_LEDGER_AMOUNT (a season's wires), not the comparison's MAX_AMOUNT.
amount = partial(read_amount, maximum=MAX_LEDGER_AMOUNT)


@dataclass
class Rows:
    """A list form read: the entries to record, the members whose entry is removed, the problems."""

    entries: list = field(default_factory=list)
    clear: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def rows_match(form, record: ledger.CycleRecord) -> None:
    """A list form's rows each name a different member of the cycle (the page sends one row per member):
    anything else was not sent by the page (400)."""
    if record.cycle.completed:  # refused as locked (409) by the service, whatever the rows hold
        return
    members = {str(m.id) for m in record.members}
    named = [row.form.member.data for row in form.rows]
    if not set(named) <= members or len(set(named)) != len(named):
        abort(400, description=_("The form does not match this cycle's members: reload the page and enter the "
                                 "figures again."))


def _member_ref(row, refs: dict[int, str]) -> str:
    member_id = record_id(row.form.member.data)
    if member_id not in refs:
        abort(400)
    return refs[member_id]


def _row_problems(form, refs: dict[int, str]) -> list[str]:
    problems = []
    for row in form.rows:
        for one in row.form:
            for error in one.errors:
                ref = refs.get(record_id(row.form.member.data) or 0, "?")
                problems.append(_("%(member)s, %(field)s: %(problem)s", member=ref, field=one.label.text,
                                  problem=translate(error)))
    return problems


def contributions(form, record: ledger.CycleRecord, *, as_planned: bool) -> Rows:
    """What each member handed over; "as planned" fills the empty rows not recorded yet with what the plan
    asks of the member, dated today."""
    read = Rows()
    refs = {m.id: m.ref for m in record.members}
    planned = {m.ref: m.planned_contribution for m in record.reconciliation.members}
    current = {c.member_id for c in record.current("contribution")}
    if form.validate_on_submit():
        for row in form.rows:
            ref = _member_ref(row, refs)
            member_id = record_id(row.form.member.data)
            text = (row.form.amount.data or "").strip()
            filled = not text and as_planned and member_id not in current
            if filled:
                row.form.amount.data = text = typed(planned[ref], record.cycle.currency)
            if not text:
                if member_id in current:
                    read.clear.append(ref)
                continue
            value = amount(row.form.amount, record.cycle.currency, allow_zero=True)
            received_on = read_date(row.form.received_on)
            if value is not None:
                read.entries.append(ledger.ContributionInput(
                    ref, value, row.form.method.data, row.form.receipt.data or "",
                    received_on or (dt.date.today() if filled else None)))
    read.problems = _row_problems(form, refs)
    return read


def payouts(form, record: ledger.CycleRecord, *, as_planned: bool) -> Rows:
    """Each family's payout: a row with a status is recorded, one set back to "not recorded" removed;
    "paid as due" records every row not recorded yet as paid, with what is due unless an amount is typed,
    dated today unless a date is."""
    read = Rows()
    refs = {m.id: m.ref for m in record.members}
    current = {p.member_id for p in record.current("payout")}
    due = {m.ref: m.expected_payout for m in record.reconciliation.members}
    not_due = []
    if form.validate_on_submit():
        for row in form.rows:
            ref = _member_ref(row, refs)
            filled = as_planned and not row.form.status.data and record_id(row.form.member.data) not in current
            if filled and not _paid_as_due(row, due.get(ref), record.cycle.receive_currency):
                not_due.append(ref)
                continue
            _payout_row(row, ref, read, record, in_force=record_id(row.form.member.data) in current, filled=filled)
    read.problems = _row_problems(form, refs)
    if not_due:
        read.problems.append(_("Record the wire first: what each family is due is known once it is."))
    return read


def _paid_as_due(row, due, currency: str) -> bool:
    """The row filled in as paid, with what is due unless an amount is typed; False when nothing is typed
    and what is due is not known yet (no wire)."""
    text = (row.form.amount.data or "").strip()
    if not text and due is None:
        return False
    row.form.amount.data = text or typed(due, currency)
    row.form.status.data = "paid"
    return True


def _payout_row(row, ref: str, read: Rows, record: ledger.CycleRecord, *, in_force: bool, filled: bool) -> None:
    text = (row.form.amount.data or "").strip()
    value = amount(row.form.amount, record.cycle.receive_currency) if text else None
    paid_on = read_date(row.form.paid_on)
    if not text or not row.form.status.data:
        if in_force:
            read.clear.append(ref)
        return
    if value is not None:
        read.entries.append(ledger.PayoutInput(ref, value, row.form.status.data,
                                               paid_on or (dt.date.today() if filled else None),
                                               row.form.confirmed_how.data or None, row.form.confirmed_by.data or None))


def wire(form, record: ledger.CycleRecord) -> ledger.WireInput | None:
    """The wire as the bank executed it; None when a field cannot be read (its message is on it)."""
    ccy, rcy, sent = record.cycle.currency, record.cycle.receive_currency, form.currency_sent.data
    values = {
        "debited": amount(form.debited, ccy), "fee": amount(form.fee, ccy, allow_zero=True),
        "applied_rate": amount(form.applied_rate, None, allow_zero=True, maximum=MAX_RATE),
        "intermediary": amount(form.intermediary, sent, allow_zero=True),
        "receiving_fee": amount(form.receiving_fee, sent, allow_zero=True),
        "credited": amount(form.credited, rcy),
    }
    executed_on = read_date(form.executed_on)
    if any(v is None for v in values.values()) or form.errors:
        return None
    return ledger.WireInput(currency_sent=sent, bank_reference=form.bank_reference.data or "",
                            executed_on=executed_on, **values)


def correction(form, record: ledger.CycleRecord, kind: str) -> ledger.Correction | None:
    """A correction of a contribution or a payout: the entry's new figures, or its removal, with the
    reason; None when a figure cannot be read or no member is chosen (the message is on its field)."""
    entry_id = record_id(form.entry.data) if form.entry.data else None
    values = None
    if not form.remove.data:
        values = _corrected_entry(form, record, kind, _corrected_member(form, record, kind, entry_id))
        if values is None:
            return None
    return ledger.Correction(kind, form.reason.data, entry_id, bool(form.remove.data), values)


def _corrected_member(form, record: ledger.CycleRecord, kind: str, entry_id: int | None):
    """The member of the entry corrected, else the member chosen; None (a message on the field) for none."""
    member_id = record_id(form.member.data)
    if entry_id is not None:
        row = next((r for r in record.current(kind) if r.id == entry_id), None)
        member_id = row.member_id if row is not None else member_id
    return record.member(member_id or 0)


def _corrected_entry(form, record: ledger.CycleRecord, kind: str, member):
    currency = record.cycle.currency if kind == "contribution" else record.cycle.receive_currency
    value = amount(form.amount, currency, allow_zero=kind == "contribution")
    on = read_date(form.on)
    if value is None or member is None or form.on.errors:
        if member is None:
            form.member.errors = [*form.member.errors, _("Choose a member.")]
        return None
    if kind == "contribution":
        return ledger.ContributionInput(member.ref, value, form.method.data, form.receipt.data or "", on)
    return ledger.PayoutInput(member.ref, value, form.status.data, on, form.confirmed_how.data or None,
                              form.confirmed_by.data or None)


def wire_correction(form, record: ledger.CycleRecord) -> ledger.Correction | None:
    """A correction of a wire: its new figures (debited and credited required), or its removal."""
    values = None
    if not form.remove.data:
        for name in ("debited", "credited"):
            if not (form[name].data or "").strip():
                form[name].errors = [*form[name].errors, _("Enter an amount.")]
        values = wire(form, record)
        if values is None:
            return None
    return ledger.Correction("wire", form.reason.data, record_id(form.entry.data), bool(form.remove.data), values)
