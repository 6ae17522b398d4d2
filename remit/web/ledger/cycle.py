"""A cycle of the season ledger (staff login): its page, and what is recorded on it as it really
happened (contributions, the wire, the fee per family, the payouts, the bank's confirmation file), its
completion, and the corrections once it is completed.

Each view reads its form (remit/web/ledger/reading.py), calls one service function of
remit.services.ledger and answers with the cycle's page again; what cannot be read, or a refusal of the
service, shows the page with what was typed and what to correct (422, or the refusal's status), nothing
written. The commit is the request's (remit/edge.py).
"""
from __future__ import annotations

import base64
import binascii

from flask import abort, flash, redirect, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from ...errors import on_refusal
from ...i18n import translate
from ...importers.confirmations import read_confirmation
from ...importers.rows import Problem
from ...inputs import record_id
from ...services import ledger
from ..access import actor
from . import reading
from .forms import ConfirmationForm, DistributionFeeForm
from .page import (contributions_form, correction_form, cycle_page, payouts_form, wire_correction_form,
                   wire_form)


def cycle(cycle_id: int):
    return cycle_page(ledger.load(cycle_id))


def _refusal_shows(cycle_id: int, name: str | None = None, form=None) -> None:
    """A refusal from here on shows the cycle's page again, as it stands without the change, with the
    form that was sent (`name` says which of the page's forms it is) and the message beside its field."""
    sent = {name: form} if name else {}
    on_refusal(lambda problems, status: cycle_page(ledger.load(cycle_id), status, problems, **sent), form)


def _saved(cycle_id: int, anchor: str, message: str):
    flash(message)
    return redirect(url_for("season_ledger.cycle", cycle_id=cycle_id, _anchor=anchor))


def contributions(cycle_id: int):
    """What each member handed over (remit/web/ledger/reading.py says how the rows are read)."""
    return _member_rows(cycle_id, "contributions", contributions_form, reading.contributions,
                        ledger.record_contributions, _("What the members handed over is saved."))


def payouts(cycle_id: int):
    """Each family's payout (remit/web/ledger/reading.py says how the rows are read)."""
    return _member_rows(cycle_id, "payouts", payouts_form, reading.payouts, ledger.record_payouts,
                        _("The payouts are saved."))


def _member_rows(cycle_id: int, name: str, make_form, read_rows, record, saved: str):
    """A form of a row per member (`name`: contributions or payouts): read, or shown again with what to
    correct; recorded by the service function `record` ("as planned" fills in the rows left empty)."""
    found = ledger.load(cycle_id)
    form = make_form(found, request.form)
    reading.rows_match(form, found)
    read = read_rows(form, found, as_planned=request.form.get("action") == "as_planned")
    if read.problems:
        return cycle_page(found, 422, read.problems, **{name: form})
    _refusal_shows(cycle_id, name, form)
    record(cycle_id, read.entries, clear=read.clear, actor=actor())
    return _saved(cycle_id, name, saved)


def _confirmation_file(form) -> tuple[bytes, str] | None:
    """The file uploaded, else the one the page kept (base64) from the previous try; None when neither."""
    upload = form.file.data
    if upload and getattr(upload, "filename", ""):
        return upload.read(), upload.filename
    try:
        data = base64.b64decode(form.kept.data or "", validate=True)
    except (binascii.Error, ValueError):
        abort(400)
    return (data, form.kept_name.data or "file.csv") if data else None


def confirmation(cycle_id: int):
    """The receiving bank's confirmation file: its rows matched to the members by reference and recorded
    as paid, returned or pending as it says, once every row matches or is left out; until then nothing
    is written and the page lists the refused rows, each with its reasons and a box to leave it out."""
    record = ledger.load(cycle_id)
    form = ConfirmationForm()
    if not form.validate_on_submit():
        return cycle_page(record, 422, [], confirmation=form)
    sent = _confirmation_file(form)
    if sent is None:
        form.file.errors = [*form.file.errors, _("Choose the file.")]
        return cycle_page(record, 422, [], confirmation=form)
    data, name = sent
    rows, problems = read_confirmation(data, name, [m.ref for m in record.members], record.cycle.receive_currency,
                                       str(get_locale()))
    left_out = {n for n in (record_id(v) for v in request.form.getlist("leave_out")) if n is not None}
    _refusal_shows(cycle_id, "confirmation", form)
    found = ledger.record_confirmation(cycle_id, rows, left_out=left_out, problems=problems, actor=actor())
    if found.recorded is None:  # nothing is recorded until every row matches or is left out
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


def wire(cycle_id: int):
    record = ledger.load(cycle_id)
    form = wire_form(record, request.form)
    entry = reading.wire(form, record) if form.validate_on_submit() else None
    if entry is None:
        return cycle_page(record, 422, [], wire=form)
    _refusal_shows(cycle_id, "wire", form)
    ledger.add_wire(cycle_id, entry, actor=actor())
    return _saved(cycle_id, "wires", _("The wire is recorded."))


def wire_remove(cycle_id: int, wire_id: int):
    _refusal_shows(cycle_id)
    ledger.remove_wire(cycle_id, wire_id, actor=actor())
    return _saved(cycle_id, "wires", _("The wire is removed."))


def distribution_fee(cycle_id: int):
    record = ledger.load(cycle_id)
    form = DistributionFeeForm()
    fee = reading.amount(form.distribution_fee, record.cycle.receive_currency, allow_zero=True) \
        if form.validate_on_submit() else None
    if fee is None:
        return cycle_page(record, 422, [], distribution=form)
    _refusal_shows(cycle_id, "distribution", form)
    ledger.set_distribution_fee(cycle_id, fee, actor=actor())
    return _saved(cycle_id, "terms", _("The fee per family is saved."))


def complete(cycle_id: int):
    _refusal_shows(cycle_id)
    ledger.complete(cycle_id, actor=actor())
    return _saved(cycle_id, "top", _("The cycle is completed and locked: corrections are new entries."))


def correct(cycle_id: int):
    record = ledger.load(cycle_id)
    kind = request.form.get("kind") or request.form.get("contribution-kind") or request.form.get("payout-kind")
    if kind not in ("contribution", "payout"):
        abort(400)
    form = correction_form(record, kind, request.form)
    name = "correct_" + kind
    change = reading.correction(form, record, kind) if form.validate_on_submit() else None
    if change is None:
        return cycle_page(record, 422, [], **{name: form})
    _refusal_shows(cycle_id, name, form)
    ledger.correct(cycle_id, change, actor=actor())
    return _saved(cycle_id, "corrections", _("The correction is recorded."))


def correct_wire(cycle_id: int):
    record = ledger.load(cycle_id)
    form = wire_correction_form(record, request.form)
    change = reading.wire_correction(form, record) if form.validate_on_submit() else None
    if change is None:
        return cycle_page(record, 422, [], correct_wire=form)
    _refusal_shows(cycle_id, "correct_wire", form)
    ledger.correct(cycle_id, change, actor=actor())
    return _saved(cycle_id, "corrections", _("The correction is recorded."))
