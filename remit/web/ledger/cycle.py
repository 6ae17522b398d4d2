"""A cycle of the season ledger (staff login): its page, and what is recorded on it as it really
happened (contributions, the wire, the fee per family, the payouts, the bank's confirmation file), its
completion, and the corrections once it is completed.

Each view reads its form, calls one service function of remit.services.ledger, commits, and answers
with the page again (a refusal: 422, with what to correct, nothing written).
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
from decimal import Decimal

from flask import abort, flash, redirect, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from ...domain.errors import RemitError
from ...extensions import db
from ...i18n import translate
from ...importers.confirmations import read_confirmation
from ...importers.readers import Problem
from ...inputs import MAX_LEDGER_AMOUNT, MAX_RATE, InputError, parse_amount, record_id
from ...services import ledger
from ..access import actor
from .forms import ConfirmationForm, DistributionFeeForm, read_date
from .page import (contributions_form, correction_form, cycle_page, payouts_form, typed, wire_correction_form,
                   wire_form)


def _amount(field, currency: str | None, *, allow_zero: bool = False,
            maximum: Decimal = MAX_LEDGER_AMOUNT) -> Decimal | None:
    """The field's amount as the page's language writes it, with at most the currency's decimals (any
    number of them for a rate: currency None); None, and the message on the field, when it cannot be
    read as meant."""
    try:
        return parse_amount(field.data, str(get_locale()), currency, allow_zero=allow_zero, maximum=maximum)
    except InputError as exc:
        field.errors = [*field.errors, exc.message]
        return None


def cycle(cycle_id: int):
    return cycle_page(ledger.load(cycle_id))


def _refused(cycle_id: int, exc: RemitError, name: str, form):
    """A refused change: nothing is written; the page again with the message and what was typed."""
    db.session.rollback()
    problem = translate(exc.message)
    field = form._fields.get(exc.field) if exc.field else None
    if field is not None and field.type not in ("FieldList", "HiddenField"):
        field.errors = [*field.errors, problem]  # shown beside the field and in the summary
        problem = None
    return cycle_page(ledger.load(cycle_id), exc.status, [problem] if problem else [], **{name: form})


def _saved(cycle_id: int, anchor: str, message: str):
    db.session.commit()
    flash(message)
    return redirect(url_for("season_ledger.cycle", cycle_id=cycle_id, _anchor=anchor))


def _rows_match(form, record: ledger.CycleRecord) -> None:
    """A list form's rows each name a different member of the cycle (the page sends one row per member):
    anything else was not sent by the page (400)."""
    if record.cycle.completed:  # refused as locked (409) by the service, whatever the rows hold
        return
    members = {str(m.id) for m in record.members}
    named = [row.form.member.data for row in form.rows]
    if not set(named) <= members or len(set(named)) != len(named):
        abort(400, description=_("The form does not match this cycle's members: reload the page and enter the "
                                 "figures again."))


def _row_problems(form, refs: dict[int, str]) -> list[str]:
    problems = []
    for row in form.rows:
        for field in row.form:
            for error in field.errors:
                ref = refs.get(record_id(row.form.member.data) or 0, "?")
                problems.append(_("%(member)s, %(field)s: %(problem)s", member=ref, field=field.label.text,
                                  problem=translate(error)))
    return problems


def contributions(cycle_id: int):
    record = ledger.load(cycle_id)
    form = contributions_form(record, request.form)
    _rows_match(form, record)
    refs = {m.id: m.ref for m in record.members}
    planned = {m.ref: m.planned_contribution for m in record.reconciliation.members}
    current = {c.member_id for c in record.current("contribution")}
    as_planned = request.form.get("action") == "as_planned"
    entries, clear = [], []
    if form.validate_on_submit():
        for row in form.rows:
            member_id = record_id(row.form.member.data)
            if member_id not in refs:
                abort(400)
            ref = refs[member_id]
            text = (row.form.amount.data or "").strip()
            filled = not text and as_planned and member_id not in current  # "as planned" fills it, dated today
            if filled:
                row.form.amount.data = typed(planned[ref], record.cycle.currency)
                text = row.form.amount.data
            if not text:
                if member_id in current:
                    clear.append(ref)
                continue
            amount = _amount(row.form.amount, record.cycle.currency, allow_zero=True)
            received_on = read_date(row.form.received_on)
            if amount is not None:
                entries.append(ledger.ContributionInput(ref, amount, row.form.method.data, row.form.receipt.data or "",
                                                        received_on or (dt.date.today() if filled else None)))
    problems = _row_problems(form, refs)
    if problems:
        return cycle_page(record, 422, problems, contributions=form)
    try:
        ledger.record_contributions(cycle_id, entries, clear=clear, actor=actor())
    except RemitError as exc:
        return _refused(cycle_id, exc, "contributions", form)
    return _saved(cycle_id, "contributions", _("What the members handed over is saved."))


def payouts(cycle_id: int):
    """Each family's payout: the rows with a status are recorded; "paid as due" (action as_planned) also
    records every row not recorded yet as paid, with what is due unless an amount is typed, dated today
    unless a date is; a row set back to "not recorded yet" is removed."""
    record = ledger.load(cycle_id)
    form = payouts_form(record, request.form)
    _rows_match(form, record)
    refs = {m.id: m.ref for m in record.members}
    current = {p.member_id for p in record.current("payout")}
    due = {m.ref: m.expected_payout for m in record.reconciliation.members}
    rcy = record.cycle.receive_currency
    as_planned = request.form.get("action") == "as_planned"
    entries, clear, not_due = [], [], []
    if form.validate_on_submit():
        for row in form.rows:
            member_id = record_id(row.form.member.data)
            if member_id not in refs:
                abort(400)
            ref = refs[member_id]
            text = (row.form.amount.data or "").strip()
            filled = as_planned and not row.form.status.data and member_id not in current
            if filled:
                if not text and due.get(ref) is None:
                    not_due.append(ref)
                    continue
                row.form.amount.data = text = text or typed(due[ref], rcy)
                row.form.status.data = "paid"
            amount = _amount(row.form.amount, rcy) if text else None
            paid_on = read_date(row.form.paid_on)
            if not text or not row.form.status.data:
                if member_id in current:
                    clear.append(ref)
                continue
            if amount is not None:
                entries.append(ledger.PayoutInput(ref, amount, row.form.status.data,
                                                  paid_on or (dt.date.today() if filled else None),
                                                  row.form.confirmed_how.data or None,
                                                  row.form.confirmed_by.data or None))
    problems = _row_problems(form, refs)
    if not_due:
        problems.append(_("Record the wire first: what each family is due is known once it is."))
    if problems:
        return cycle_page(record, 422, problems, payouts=form)
    try:
        ledger.record_payouts(cycle_id, entries, clear=clear, actor=actor())
    except RemitError as exc:
        return _refused(cycle_id, exc, "payouts", form)
    return _saved(cycle_id, "payouts", _("The payouts are saved."))


def confirmation(cycle_id: int):
    """The receiving bank's confirmation file: its rows matched to the members by reference and recorded
    as paid, returned or pending as it says, once every row matches or is left out; until then nothing
    is written and the page lists the refused rows, each with its reasons and a box to leave it out."""
    record = ledger.load(cycle_id)
    form = ConfirmationForm()
    if not form.validate_on_submit():
        return cycle_page(record, 422, [], confirmation=form)
    upload = form.file.data
    if upload and getattr(upload, "filename", ""):
        data, name = upload.read(), upload.filename
    else:
        try:
            data, name = base64.b64decode(form.kept.data or "", validate=True), form.kept_name.data or "file.csv"
        except (binascii.Error, ValueError):
            abort(400)
        if not data:
            form.file.errors = [*form.file.errors, _("Choose the file.")]
            return cycle_page(record, 422, [], confirmation=form)
    rows, problems = read_confirmation(data, name, [m.ref for m in record.members], record.cycle.receive_currency,
                                       str(get_locale()))
    left_out = {n for n in (record_id(v) for v in request.form.getlist("leave_out")) if n is not None}
    try:
        found = ledger.record_confirmation(cycle_id, rows, left_out=left_out, problems=problems, actor=actor())
    except RemitError as exc:
        return _refused(cycle_id, exc, "confirmation", form)
    if found.recorded is None:
        db.session.rollback()
        form.kept.data, form.kept_name.data = base64.b64encode(data).decode("ascii"), name
        problems = [translate(p.text() if isinstance(p, Problem) else p) for p in found.problems]
        if found.refused:
            problems.append(ngettext("%(num)s row of the confirmation file cannot be recorded as it is: it is "
                                     "listed with the payouts, with the reason.",
                                     "%(num)s rows of the confirmation file cannot be recorded as they are: they "
                                     "are listed with the payouts, each with its reason.", len(found.refused)))
        return cycle_page(record, 422, problems, confirmation=form, confirmed=found)
    statuses = [r.status for r in found.accepted]
    return _saved(cycle_id, "payouts", _(
        "Read from the file: paid %(paid)s, returned %(returned)s, pending %(pending)s; rows left out: %(left)s.",
        paid=statuses.count("paid"), returned=statuses.count("returned"), pending=statuses.count("pending"),
        left=len(found.left_out)))


def _wire_input(form, record: ledger.CycleRecord) -> ledger.WireInput | None:
    ccy, rcy, sent = record.cycle.currency, record.cycle.receive_currency, form.currency_sent.data
    values = {
        "debited": _amount(form.debited, ccy), "fee": _amount(form.fee, ccy, allow_zero=True),
        "applied_rate": _amount(form.applied_rate, None, allow_zero=True, maximum=MAX_RATE),
        "intermediary": _amount(form.intermediary, sent, allow_zero=True),
        "receiving_fee": _amount(form.receiving_fee, sent, allow_zero=True),
        "credited": _amount(form.credited, rcy),
    }
    executed_on = read_date(form.executed_on)
    if any(v is None for v in values.values()) or form.errors:
        return None
    return ledger.WireInput(currency_sent=sent, bank_reference=form.bank_reference.data or "",
                            executed_on=executed_on, **values)


def wire(cycle_id: int):
    record = ledger.load(cycle_id)
    form = wire_form(record, request.form)
    entry = _wire_input(form, record) if form.validate_on_submit() else None
    if entry is None:
        return cycle_page(record, 422, [], wire=form)
    try:
        ledger.add_wire(cycle_id, entry, actor=actor())
    except RemitError as exc:
        return _refused(cycle_id, exc, "wire", form)
    return _saved(cycle_id, "wires", _("The wire is recorded."))


def wire_remove(cycle_id: int, wire_id: int):
    try:
        ledger.remove_wire(cycle_id, wire_id, actor=actor())
    except RemitError as exc:
        db.session.rollback()
        return cycle_page(ledger.load(cycle_id), exc.status, [translate(exc.message)])
    return _saved(cycle_id, "wires", _("The wire is removed."))


def distribution_fee(cycle_id: int):
    record = ledger.load(cycle_id)
    form = DistributionFeeForm()
    fee = _amount(form.distribution_fee, record.cycle.receive_currency, allow_zero=True) \
        if form.validate_on_submit() else None
    if fee is None:
        return cycle_page(record, 422, [], distribution=form)
    try:
        ledger.set_distribution_fee(cycle_id, fee, actor=actor())
    except RemitError as exc:
        return _refused(cycle_id, exc, "distribution", form)
    return _saved(cycle_id, "terms", _("The fee per family is saved."))


def complete(cycle_id: int):
    try:
        ledger.complete(cycle_id, actor=actor())
    except RemitError as exc:
        db.session.rollback()
        return cycle_page(ledger.load(cycle_id), exc.status, [translate(exc.message)])
    return _saved(cycle_id, "top", _("The cycle is completed and locked: corrections are new entries."))


def correct(cycle_id: int):
    record = ledger.load(cycle_id)
    kind = request.form.get("kind") or request.form.get("contribution-kind") or request.form.get("payout-kind")
    if kind not in ("contribution", "payout"):
        abort(400)
    form = correction_form(record, kind, request.form)
    name = "correct_" + kind
    if not form.validate_on_submit():
        return cycle_page(record, 422, [], **{name: form})
    entry_id = record_id(form.entry.data) if form.entry.data else None
    member_id = record_id(form.member.data)
    if entry_id is not None:
        row = next((r for r in record.current(kind) if r.id == entry_id), None)
        member_id = row.member_id if row is not None else member_id
    member = record.member(member_id or 0)
    values = None
    if not form.remove.data:
        currency = record.cycle.currency if kind == "contribution" else record.cycle.receive_currency
        amount = _amount(form.amount, currency, allow_zero=kind == "contribution")
        on = read_date(form.on)
        if amount is None or member is None or form.on.errors:
            if member is None:
                form.member.errors = [*form.member.errors, _("Choose a member.")]
            return cycle_page(record, 422, [], **{name: form})
        if kind == "contribution":
            values = ledger.ContributionInput(member.ref, amount, form.method.data, form.receipt.data or "", on)
        else:
            values = ledger.PayoutInput(member.ref, amount, form.status.data, on, form.confirmed_how.data or None,
                                        form.confirmed_by.data or None)
    try:
        ledger.correct(cycle_id, ledger.Correction(kind, form.reason.data, entry_id, bool(form.remove.data), values),
                       actor=actor())
    except RemitError as exc:
        return _refused(cycle_id, exc, name, form)
    return _saved(cycle_id, "corrections", _("The correction is recorded."))


def correct_wire(cycle_id: int):
    record = ledger.load(cycle_id)
    form = wire_correction_form(record, request.form)
    if not form.validate_on_submit():
        return cycle_page(record, 422, [], correct_wire=form)
    entry_id = record_id(form.entry.data)
    values = None
    if not form.remove.data:
        for name in ("debited", "credited"):
            if not (form[name].data or "").strip():
                form[name].errors = [*form[name].errors, _("Enter an amount.")]
        values = _wire_input(form, record)
        if values is None:
            return cycle_page(record, 422, [], correct_wire=form)
    try:
        ledger.correct(cycle_id, ledger.Correction("wire", form.reason.data, entry_id, bool(form.remove.data), values),
                       actor=actor())
    except RemitError as exc:
        return _refused(cycle_id, exc, "correct_wire", form)
    return _saved(cycle_id, "corrections", _("The correction is recorded."))

