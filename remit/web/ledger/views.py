"""The season ledger's pages (staff login): a saved group's cycles, each cycle recorded as it really
happened and reconciled with its plan, corrections once it is completed, the season's summary and
each worker's statement in their language, the exports.

Each view reads its form, calls one service function of remit.services.ledger, commits, and answers
with the page again (a refusal: 422, with what to correct, nothing written).
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
from decimal import Decimal
from functools import wraps

from babel.numbers import format_decimal
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup

from ... import codes
from ...domain.errors import RemitError
from ...domain.money import round_money
from ...extensions import db, login_manager
from ...i18n import LANGUAGES, translate
from ...importers.confirmations import read_confirmation
from ...importers.readers import Problem
from ...inputs import (LEDGER_GROUPS_PER_PAGE, MAX_LEDGER_AMOUNT, MAX_RATE, InputError, page_number, parse_amount,
                      record_id)
from ...services import ledger
from .. import bp, files
from ..group.views import _fill_choices, _plan
from ..forms import choices
from ..group.forms import BundleForm
from .forms import (ConfirmationForm, ContributionsForm, CorrectionForm, DistributionFeeForm, PayoutsForm,
                    WireCorrectionForm, WireForm, read_date)


def staff_only(view):
    """Staff and administrators only: others are sent to the login page, or refused (403)."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if current_user.role not in ("admin", "staff"):
            abort(403)
        return view(*args, **kwargs)
    return wrapped


def _actor() -> str:
    return current_user.email


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


def _typed(value: Decimal | None, currency: str) -> str:
    """An amount as the page's language writes it in a field, without grouping (501,50 in Spanish)."""
    if value is None:
        return ""
    places = codes.minor_unit(currency)
    return format_decimal(round_money(value, places), format="0" + ("." + "0" * places if places else ""),
                          locale=get_locale())


# --- The list of groups and a group's cycles -----------------------------------------------------

@bp.get("/ledger")
@staff_only
def ledger_index():
    groups = ledger.groups_with_cycles()
    pages = max(1, -(-len(groups) // LEDGER_GROUPS_PER_PAGE))
    page = page_number(request.args.get("page"), pages)
    if page is None:
        abort(404)
    shown = groups[(page - 1) * LEDGER_GROUPS_PER_PAGE: page * LEDGER_GROUPS_PER_PAGE]
    return render_template("web/ledger_index.html", groups=shown, total=len(groups), page=page, pages=pages)


@bp.get("/ledger/groups/<int:group_id>")
@staff_only
def ledger_group(group_id: int):
    """The group and the cycles of one season (`?season=YEAR`, the latest by default): only those are
    read whole and reconciled, however many seasons the group has."""
    group = ledger.group_row(group_id)
    rows = ledger.cycles_of(group_id)
    seasons = sorted({c.season for c in rows}, reverse=True)
    season = seasons[0] if seasons else None
    if "season" in request.args:
        season = record_id(request.args["season"])
        if season not in seasons:
            abort(404)
    records = [ledger.load(c.id) for c in rows if c.season == season]
    return render_template("web/ledger_group.html", group=group, records=records, seasons=seasons, season=season)


@bp.post("/ledger/cycles")
@staff_only
def ledger_create():
    """A new cycle from the group page's form: the plan it shows, priced today."""
    form = BundleForm()
    _fill_choices(form)
    group_id = record_id(form.group_id.data)
    if group_id is None:
        abort(404)
    group = ledger.group_row(group_id)
    entered, result = _plan(form)
    if result is None:
        from ..group.views import _page

        return _page(form, entered, None, 422)
    try:
        cycle = ledger.create_cycle(group, result, dt.date.today(), actor=_actor(),
                                    keep_personal=bool(form.keep_personal.data),
                                    language=form.language_default.data or None)
        db.session.commit()
    except RemitError as exc:
        db.session.rollback()
        from ..group.views import _page

        entered.problems.append(translate(exc.message))
        return _page(form, entered, result, 422)
    flash(_("Cycle %(number)s of %(group)s is recorded from the plan. Record what happens as it happens.",
            number=cycle.number, group=group.name))
    return redirect(url_for("web.ledger_cycle", cycle_id=cycle.id))


# --- A cycle -------------------------------------------------------------------------------------

def _currency_choices(record: ledger.CycleRecord) -> list:
    found = dict.fromkeys([record.cycle.currency, "USD", "EUR", record.cycle.receive_currency])
    found.update(dict.fromkeys(w.currency_sent for w in record.wires))
    return choices([(code, code) for code in found])


def _contributions_form(record: ledger.CycleRecord, formdata=None) -> ContributionsForm:
    current = {c.member_id: c for c in record.current("contribution")}
    form = ContributionsForm(formdata=formdata)
    if formdata is None:
        for m in record.members:
            entry = current.get(m.id)
            form.rows.append_entry({
                "member": str(m.id), "amount": _typed(entry.amount, record.cycle.currency) if entry else "",
                "method": entry.method if entry else "cash", "receipt": entry.receipt if entry else "",
                "received_on": entry.received_on.isoformat() if entry and entry.received_on else ""})
    return form


def _payouts_form(record: ledger.CycleRecord, formdata=None) -> PayoutsForm:
    current = {p.member_id: p for p in record.current("payout")}
    expected = {m.ref: m.expected_payout for m in record.reconciliation.members}
    form = PayoutsForm(formdata=formdata)
    if formdata is None:
        rcy = record.cycle.receive_currency
        for m in record.members:
            entry = current.get(m.id)
            form.rows.append_entry({
                "member": str(m.id), "amount": _typed(entry.amount if entry else expected.get(m.ref), rcy),
                "status": entry.status if entry else "",
                "paid_on": entry.paid_on.isoformat() if entry and entry.paid_on else "",
                "confirmed_how": (entry.confirmed_how or "") if entry else "",
                "confirmed_by": (entry.confirmed_by or "") if entry else ""})
    return form


def _wire_form(record: ledger.CycleRecord, formdata=None) -> WireForm:
    """The wire's form, filled in with the plan's next transfer (remit.services.ledger.planned_wire):
    the staffer changes what the bank's confirmation says otherwise."""
    form = WireForm(formdata=formdata)
    form.currency_sent.choices = _currency_choices(record)
    if formdata is None:
        ccy = record.cycle.currency
        form.currency_sent.data = ccy
        for name in ("fee", "intermediary", "receiving_fee"):
            form[name].data = _typed(Decimal(0), ccy)
        form.applied_rate.data = "1"
        planned = ledger.planned_wire(record)
        if planned is not None:
            for name in ("debited", "fee", "intermediary", "receiving_fee"):
                form[name].data = _typed(getattr(planned, name), ccy)
            form.credited.data = _typed(planned.credited, record.cycle.receive_currency)
            form.executed_on.data = planned.executed_on.isoformat()
    return form


def _entry_label(record: ledger.CycleRecord, kind: str, row) -> str:
    if kind == "wire":
        return _("Wire %(reference)s of %(amount)s", reference=row.bank_reference or f"#{row.id}",
                 amount=_money(row.debited, record.cycle.currency))
    member = record.member(row.member_id)
    if kind == "payout":
        from ...i18n import label

        return _("%(member)s: %(amount)s, %(status)s", member=member.ref,
                 amount=_money(row.amount, record.cycle.receive_currency), status=label(row.status))
    return _("%(member)s: %(amount)s", member=member.ref, amount=_money(row.amount, record.cycle.currency))


def _money(value, currency):
    from ...i18n import money

    return money(value, currency)


def _correction_form(record: ledger.CycleRecord, kind: str, formdata=None) -> CorrectionForm:
    form = CorrectionForm(formdata=formdata, prefix=kind)
    form.kind.data = kind
    form.entry.choices = choices([("", _("A new entry"))] + [(str(r.id), _entry_label(record, kind, r))
                                                             for r in record.current(kind)])
    form.member.choices = choices([(str(m.id), m.ref) for m in record.members])
    if kind == "contribution":
        form.status.data = form.status.data or "paid"
    return form


def _wire_correction_form(record: ledger.CycleRecord, formdata=None) -> WireCorrectionForm:
    form = WireCorrectionForm(formdata=formdata, prefix="wire")
    form.currency_sent.choices = _currency_choices(record)
    form.entry.choices = choices([(str(w.id), _entry_label(record, "wire", w)) for w in record.current("wire")])
    return form


def _cycle_page(record: ledger.CycleRecord, status: int = 200, problems=(), confirmed=None, **forms):
    """The cycle's page: its reconciliation, and the forms that record what happened (or, once it is
    completed, its corrections). `forms` replaces the empty form of the one that was sent."""
    defaults = {}
    if not record.cycle.completed:
        defaults = {"contributions": lambda: _contributions_form(record), "payouts": lambda: _payouts_form(record),
                    "wire": lambda: _wire_form(record), "confirmation": lambda: ConfirmationForm(formdata=None),
                    "distribution": lambda: DistributionFeeForm(formdata=None, distribution_fee=_typed(
                        record.cycle.distribution_fee, record.cycle.receive_currency))}
    else:
        defaults = {"correct_" + kind: (lambda kind=kind: _correction_form(record, kind))
                    for kind in ("contribution", "payout")}
        defaults["correct_wire"] = lambda: _wire_correction_form(record)
    built = {name: forms.get(name) or make() for name, make in defaults.items()}
    members = {m.ref: m for m in record.members}
    return render_template("web/ledger_cycle.html", record=record, cycle=record.cycle, recon=record.reconciliation,
                           members=members, members_by_id={str(m.id): m for m in record.members},
                           problems=list(problems), forms=built, confirmed=confirmed,
                           planned_wire=ledger.planned_wire(record) if not record.cycle.completed else None,
                           sent=next(iter(forms), None)), status


@bp.get("/ledger/cycles/<int:cycle_id>")
@staff_only
def ledger_cycle(cycle_id: int):
    return _cycle_page(ledger.load(cycle_id))


def _refused(cycle_id: int, exc: RemitError, name: str, form):
    """A refused change: nothing is written; the page again with the message and what was typed."""
    db.session.rollback()
    problem = translate(exc.message)
    field = form._fields.get(exc.field) if exc.field else None
    if field is not None and field.type not in ("FieldList", "HiddenField"):
        field.errors = [*field.errors, problem]  # shown beside the field and in the summary
        problem = None
    return _cycle_page(ledger.load(cycle_id), exc.status, [problem] if problem else [], **{name: form})


def _saved(cycle_id: int, anchor: str, message: str):
    db.session.commit()
    flash(message)
    return redirect(url_for("web.ledger_cycle", cycle_id=cycle_id, _anchor=anchor))


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


@bp.post("/ledger/cycles/<int:cycle_id>/contributions")
@staff_only
def ledger_contributions(cycle_id: int):
    record = ledger.load(cycle_id)
    form = _contributions_form(record, request.form)
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
                row.form.amount.data = _typed(planned[ref], record.cycle.currency)
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
        return _cycle_page(record, 422, problems, contributions=form)
    try:
        ledger.record_contributions(cycle_id, entries, clear=clear, actor=_actor())
    except RemitError as exc:
        return _refused(cycle_id, exc, "contributions", form)
    return _saved(cycle_id, "contributions", _("What the members handed over is saved."))


@bp.post("/ledger/cycles/<int:cycle_id>/payouts")
@staff_only
def ledger_payouts(cycle_id: int):
    """Each family's payout: the rows with a status are recorded; "paid as due" (action as_planned) also
    records every row not recorded yet as paid, with what is due unless an amount is typed, dated today
    unless a date is; a row set back to "not recorded yet" is removed."""
    record = ledger.load(cycle_id)
    form = _payouts_form(record, request.form)
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
                row.form.amount.data = text = text or _typed(due[ref], rcy)
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
        return _cycle_page(record, 422, problems, payouts=form)
    try:
        ledger.record_payouts(cycle_id, entries, clear=clear, actor=_actor())
    except RemitError as exc:
        return _refused(cycle_id, exc, "payouts", form)
    return _saved(cycle_id, "payouts", _("The payouts are saved."))


@bp.post("/ledger/cycles/<int:cycle_id>/payouts/confirmation")
@staff_only
def ledger_confirmation(cycle_id: int):
    """The receiving bank's confirmation file: its rows matched to the members by reference and recorded
    as paid, returned or pending as it says, once every row matches or is left out; until then nothing
    is written and the page lists the refused rows, each with its reasons and a box to leave it out."""
    record = ledger.load(cycle_id)
    form = ConfirmationForm()
    if not form.validate_on_submit():
        return _cycle_page(record, 422, [], confirmation=form)
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
            return _cycle_page(record, 422, [], confirmation=form)
    rows, problems = read_confirmation(data, name, [m.ref for m in record.members], record.cycle.receive_currency,
                                       str(get_locale()))
    left_out = {n for n in (record_id(v) for v in request.form.getlist("leave_out")) if n is not None}
    try:
        found = ledger.record_confirmation(cycle_id, rows, left_out=left_out, problems=problems, actor=_actor())
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
        return _cycle_page(record, 422, problems, confirmation=form, confirmed=found)
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


@bp.post("/ledger/cycles/<int:cycle_id>/wires")
@staff_only
def ledger_wire(cycle_id: int):
    record = ledger.load(cycle_id)
    form = _wire_form(record, request.form)
    entry = _wire_input(form, record) if form.validate_on_submit() else None
    if entry is None:
        return _cycle_page(record, 422, [], wire=form)
    try:
        ledger.add_wire(cycle_id, entry, actor=_actor())
    except RemitError as exc:
        return _refused(cycle_id, exc, "wire", form)
    return _saved(cycle_id, "wires", _("The wire is recorded."))


@bp.post("/ledger/cycles/<int:cycle_id>/wires/<int:wire_id>/remove")
@staff_only
def ledger_wire_remove(cycle_id: int, wire_id: int):
    try:
        ledger.remove_wire(cycle_id, wire_id, actor=_actor())
    except RemitError as exc:
        db.session.rollback()
        return _cycle_page(ledger.load(cycle_id), exc.status, [translate(exc.message)])
    return _saved(cycle_id, "wires", _("The wire is removed."))


@bp.post("/ledger/cycles/<int:cycle_id>/distribution-fee")
@staff_only
def ledger_distribution_fee(cycle_id: int):
    record = ledger.load(cycle_id)
    form = DistributionFeeForm()
    fee = _amount(form.distribution_fee, record.cycle.receive_currency, allow_zero=True) \
        if form.validate_on_submit() else None
    if fee is None:
        return _cycle_page(record, 422, [], distribution=form)
    try:
        ledger.set_distribution_fee(cycle_id, fee, actor=_actor())
    except RemitError as exc:
        return _refused(cycle_id, exc, "distribution", form)
    return _saved(cycle_id, "terms", _("The fee per family is saved."))


@bp.post("/ledger/cycles/<int:cycle_id>/complete")
@staff_only
def ledger_complete(cycle_id: int):
    try:
        ledger.complete(cycle_id, actor=_actor())
    except RemitError as exc:
        db.session.rollback()
        return _cycle_page(ledger.load(cycle_id), exc.status, [translate(exc.message)])
    return _saved(cycle_id, "top", _("The cycle is completed and locked: corrections are new entries."))


@bp.post("/ledger/cycles/<int:cycle_id>/corrections")
@staff_only
def ledger_correct(cycle_id: int):
    record = ledger.load(cycle_id)
    kind = request.form.get("kind") or request.form.get("contribution-kind") or request.form.get("payout-kind")
    if kind not in ("contribution", "payout"):
        abort(400)
    form = _correction_form(record, kind, request.form)
    name = "correct_" + kind
    if not form.validate_on_submit():
        return _cycle_page(record, 422, [], **{name: form})
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
            return _cycle_page(record, 422, [], **{name: form})
        if kind == "contribution":
            values = ledger.ContributionInput(member.ref, amount, form.method.data, form.receipt.data or "", on)
        else:
            values = ledger.PayoutInput(member.ref, amount, form.status.data, on, form.confirmed_how.data or None,
                                        form.confirmed_by.data or None)
    try:
        ledger.correct(cycle_id, ledger.Correction(kind, form.reason.data, entry_id, bool(form.remove.data), values),
                       actor=_actor())
    except RemitError as exc:
        return _refused(cycle_id, exc, name, form)
    return _saved(cycle_id, "corrections", _("The correction is recorded."))


@bp.post("/ledger/cycles/<int:cycle_id>/wire-corrections")
@staff_only
def ledger_correct_wire(cycle_id: int):
    record = ledger.load(cycle_id)
    form = _wire_correction_form(record, request.form)
    if not form.validate_on_submit():
        return _cycle_page(record, 422, [], correct_wire=form)
    entry_id = record_id(form.entry.data)
    values = None
    if not form.remove.data:
        for name in ("debited", "credited"):
            if not (form[name].data or "").strip():
                form[name].errors = [*form[name].errors, _("Enter an amount.")]
        values = _wire_input(form, record)
        if values is None:
            return _cycle_page(record, 422, [], correct_wire=form)
    try:
        ledger.correct(cycle_id, ledger.Correction("wire", form.reason.data, entry_id, bool(form.remove.data), values),
                       actor=_actor())
    except RemitError as exc:
        return _refused(cycle_id, exc, "correct_wire", form)
    return _saved(cycle_id, "corrections", _("The correction is recorded."))


# --- Seasons and statements ----------------------------------------------------------------------

@bp.get("/ledger/groups/<int:group_id>/seasons/<int:year>")
@staff_only
def ledger_season(group_id: int, year: int):
    return render_template("web/ledger_season.html", season=ledger.season_of(group_id, year))


@bp.get("/ledger/groups/<int:group_id>/seasons/<int:year>.<fmt>")
@staff_only
def ledger_season_file(group_id: int, year: int, fmt: str):
    """The season as CSV or XLSX: for people in the page's language, or machine-readable (`?machine=1`)."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    header, rows = ledger.season_rows(ledger.season_of(group_id, year))
    return files.spreadsheet(header, rows, fmt, f"season-{year}-group-{group_id}", title=f"season {year}",
                             sheet=_("Season %(year)s", year=str(year)))


@bp.get("/ledger/groups/<int:group_id>/seasons/<int:year>/statements/<int:number>.<fmt>")
@staff_only
def ledger_statement_file(group_id: int, year: int, number: int, fmt: str):
    """One worker's statement as CSV or XLSX: the season's rows for that worker."""
    season = ledger.season_of(group_id, year)
    if fmt not in ("csv", "xlsx") or not 1 <= number <= len(season.season.statements):
        abort(404)
    header, rows = ledger.season_rows(season, season.season.statements[number - 1].ref)
    return files.spreadsheet(header, rows, fmt, f"statement-{year}-group-{group_id}-{number}",
                             title=f"statement {year}", sheet=_("Statement %(year)s", year=str(year)))


def _statement_html(season: ledger.SeasonRecord, statement) -> tuple[str, Markup]:
    """One worker's statement rendered in the worker's language (else the page's)."""
    language = season.languages.get(statement.ref) or str(get_locale())
    if language not in LANGUAGES:
        language = str(get_locale())
    with force_locale(language):
        return language, Markup(render_template("web/_statement.html", season=season, statement=statement))


@bp.get("/ledger/groups/<int:group_id>/seasons/<int:year>/statements")
@staff_only
def ledger_statements(group_id: int, year: int):
    season = ledger.season_of(group_id, year)
    rendered = [_statement_html(season, s) for s in season.season.statements]
    return render_template("web/ledger_statements.html", season=season, statements=rendered)


@bp.get("/ledger/groups/<int:group_id>/seasons/<int:year>/statements/<int:number>")
@staff_only
def ledger_statement(group_id: int, year: int, number: int):
    season = ledger.season_of(group_id, year)
    if not 1 <= number <= len(season.season.statements):
        abort(404)
    rendered = [_statement_html(season, season.season.statements[number - 1])]
    return render_template("web/ledger_statements.html", season=season, statements=rendered, number=number)


@bp.post("/ledger/export.zip")
@staff_only
def ledger_export():
    """Everything the ledger holds, for an auditor (administrators; the export is itself audited)."""
    if current_user.role != "admin":
        abort(403)
    data = ledger.audit_export(actor=_actor())
    db.session.commit()
    return Response(data, mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="ledger-{dt.date.today():%Y-%m-%d}.zip"'})


__all__ = ["ledger_complete", "ledger_confirmation", "ledger_contributions", "ledger_correct", "ledger_correct_wire", "ledger_create",
           "ledger_cycle", "ledger_distribution_fee", "ledger_export", "ledger_group", "ledger_index",
           "ledger_payouts", "ledger_season", "ledger_season_file", "ledger_statement", "ledger_statement_file",
           "ledger_statements", "ledger_wire", "ledger_wire_remove"]
