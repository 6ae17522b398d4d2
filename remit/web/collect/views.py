"""Price collection's pages.

Recording is two steps without a script: "Check" reads the form, cleans the evidence and shows the
figures and flags the observation would be saved with, the form kept as typed (the cleaned evidence
kept in it); "Save" reads it all again and records it. Nothing is written before "Save", and a
refusal shows the form again with what to correct (4xx). The review is per round: each observation
with its figures, flags and evidence, approved or rejected with a reason.
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import io
import re
from functools import wraps

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ... import codes
from ...domain.errors import RemitError
from ...domain.messages import msg
from ...errors import on_refusal
from ...inputs import MAX_AMOUNT, MAX_RATE, record_id
from ...services import evidence as evidence_files
from ...services import observation_exports, observations
from ..access import actor
from ..forms import read_amount
from ..ledger.forms import read_date
from .forms import ObservationForm, ReviewForm, fill_choices

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
MAX_KEPT = 7 * 1024 * 1024  # the cleaned evidence kept in the form, base64 (5 MB → 6.7 MB)


def may_collect() -> bool:
    return current_user.role == "admin" or bool(getattr(current_user, "collector", False))


def collectors_only(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not may_collect():
            abort(403)
        return view(*args, **kwargs)
    return wrapped


def admins_only(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_user.role != "admin":
            abort(403)
        return view(*args, **kwargs)
    return wrapped


def _max_age() -> int:
    return current_app.config["REMIT_RATE_MAX_AGE_DAYS"]


def _page(form, status=200, assessment=None, given=None, problems=()):
    return render_template("collect/record.html", form=form, assessment=assessment, given=given,
                           providers=observations.provider_names(), problems=list(problems),
                           max_age=_max_age()), status


@collectors_only
def record():
    form = ObservationForm()
    fill_choices(form, observations.corridors())
    if request.method == "GET":
        form.observed_on.data = form.observed_on.data or dt.date.today().isoformat()
        form.collector.data = form.collector.data or current_user.email
        if "supersedes" in request.args:
            _correcting(form, record_id(request.args["supersedes"]))
        return _page(form)
    if not form.validate_on_submit():
        return _page(form, 422)
    given = _read(form)
    if given is None:
        return _page(form, 422)
    on_refusal(lambda problems, status: _page(form, status or 422, problems=problems), form)
    cleaned = _evidence(form)
    if request.form.get("action") != "save":
        observations.check(given)
        assessment = observations.assess(given, max_age_days=_max_age())
        return _page(form, 200, assessment, given)
    stored = evidence_files.store(cleaned) if cleaned else None
    try:
        row, assessment = observations.record(given, actor=actor(), max_age_days=_max_age(), evidence_file=stored,
                                              evidence_type=cleaned.media_type if cleaned else None)
    except RemitError:
        if stored:
            evidence_files.folder().joinpath(stored).unlink(missing_ok=True)
        raise
    flash(_("Observation %(id)s is recorded in round %(round)s. An administrator reviews it before it is "
            "published.", id=row.id, round=assessment.round))
    return redirect(url_for("collect.record"))


def _correcting(form, observation_id: int | None) -> None:
    """The form filled in from a published observation, to record the one that corrects it."""
    if observation_id is None:
        abort(404)
    row = observations.get(observation_id)
    if row.status != "approved":
        abort(404)
    form.corridor.data = row.corridor.code
    form.observed_on.data = row.observed_on.isoformat()
    for name in ("provider_type", "funding_method", "payout_method", "speed", "channel", "collector", "notes"):
        getattr(form, name).data = getattr(row, name) or ""
    form.provider.data, form.product.data = row.provider_name, row.product_name
    form.send_amount.data, form.fee.data = f"{row.send_amount.normalize():f}", f"{row.fee.normalize():f}"
    form.exchange_rate.data = f"{row.exchange_rate.normalize():f}" if row.exchange_rate is not None else ""
    form.receive_amount.data = f"{row.receive_amount.normalize():f}" if row.receive_amount is not None else ""
    form.accepted_ids.data, form.regions.data = row.accepted_ids.replace(";", ", "), row.regions.replace(";", ", ")
    form.supersedes.data = str(row.id)


def _read(form) -> observations.ObservationInput | None:
    """The form's fields as an observation, or None with the messages beside the fields."""
    corridor = observations.corridor_by_code(form.corridor.data)
    if corridor is None:
        form.corridor.errors = [*form.corridor.errors, _("Choose the corridor.")]
        return None
    day = read_date(form.observed_on)
    send = read_amount(form.send_amount, corridor.send_currency, maximum=MAX_AMOUNT)
    fee = read_amount(form.fee, corridor.send_currency, allow_zero=True, maximum=MAX_AMOUNT)
    rate = read_amount(form.exchange_rate, None, maximum=MAX_RATE) if (form.exchange_rate.data or "").strip() else None
    received = (read_amount(form.receive_amount, corridor.receive_currency, maximum=MAX_AMOUNT * MAX_RATE)
                if (form.receive_amount.data or "").strip() else None)
    if rate is None and received is None and not form.exchange_rate.errors and not form.receive_amount.errors:
        form.exchange_rate.errors = [*form.exchange_rate.errors,
                                     _("Give the exchange rate offered or the amount the family would receive.")]
    if any(f.errors for f in form):
        return None
    supersedes = record_id(form.supersedes.data) if form.supersedes.data else None
    return observations.ObservationInput(
        corridor=corridor, observed_on=day, collector=form.collector.data, provider_name=form.provider.data,
        product_name=form.product.data, funding_method=form.funding_method.data,
        payout_method=form.payout_method.data, send_amount=send, fee=fee, channel=form.channel.data,
        exchange_rate=rate, receive_amount=received, provider_type=form.provider_type.data or None,
        speed=form.speed.data or None, accepted_ids=_list(form.accepted_ids.data),
        regions=_list(form.regions.data).upper(), notes=(form.notes.data or "").strip(), supersedes_id=supersedes)


def _list(text: str | None) -> str:
    """A list typed with commas, semicolons or spaces, kept ';'-separated."""
    return ";".join(part for part in re.split(r"[,;\s]+", (text or "").strip()) if part)


def _evidence(form) -> evidence_files.Evidence | None:
    """The evidence uploaded now, or the one kept in the form at "Check", cleaned (again): the form keeps
    it so that it is chosen once."""
    upload = form.evidence.data
    content = None
    if upload and upload.filename:
        try:
            content = upload.read(evidence_files.MAX_EVIDENCE_BYTES + 1)
        finally:
            upload.close()  # a large upload is a temporary file: closed now, not when it is collected
    if content is None and form.kept_evidence.data:
        kept = request.form.get("kept_content", "")
        if len(kept) > MAX_KEPT:
            raise evidence_files.TooLarge(msg("evidence_too_large", "The evidence file is larger than 5 MB: send a "
                                                                    "smaller photo or a screenshot."), field="evidence")
        try:
            content = base64.b64decode(kept, validate=True)
        except (binascii.Error, ValueError):
            content = b""
    if content is None:
        return None
    cleaned = evidence_files.clean(content)
    form.kept_evidence.data = cleaned.media_type
    form.kept_content = base64.b64encode(cleaned.content).decode("ascii")
    return cleaned


def evidence(name: str):
    """An evidence file, to staff only (the blueprint's login), never cached by a shared cache."""
    path = evidence_files.path_of(name)
    if path is None:
        abort(404)
    response = send_file(path, mimetype=_media_type(name), as_attachment=name.endswith(".pdf"), max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def observation_evidence(observation_id: int):
    """An observation's evidence, as a quote of it links to it for staff."""
    row = observations.get(observation_id)
    if not row.evidence_file:
        abort(404)
    return evidence(row.evidence_file)


def _media_type(name: str) -> str:
    extension = name.rsplit(".", 1)[-1]
    return {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp", "pdf": "application/pdf"}[extension]


@admins_only
def rounds():
    return render_template("collect/rounds.html", rounds=observations.rounds())


def _round_rows(corridor_code: str, month: str):
    corridor = observations.corridor_by_code(corridor_code)
    if corridor is None or not MONTH.match(month):
        abort(404)
    rows = observations.round_rows(corridor, month)
    if not rows:
        abort(404)
    return corridor, rows


@admins_only
def round_page(corridor: str, month: str, status: int = 200, failed: dict | None = None):
    found, rows = _round_rows(corridor, month)
    assessed = [(row, observations.assess_row(row, _max_age())) for row in rows]
    forms = {row.id: (failed or {}).get(row.id) or ReviewForm(formdata=None, prefix=f"o{row.id}") for row in rows}
    return render_template("collect/round.html", corridor=found, month=month, assessed=assessed, forms=forms,
                           send_unit=codes.minor_unit(found.send_currency)), status


@admins_only
def review(observation_id: int):
    row = observations.get(observation_id)
    form = ReviewForm(prefix=f"o{row.id}")
    if not form.validate_on_submit():
        return round_page(row.corridor.code, row.month, 422, {row.id: form})
    on_refusal(lambda problems, status: round_page(row.corridor.code, row.month, status or 422, {row.id: form}), form)
    observations.review(row, request.form.get("decision", ""), form.reason.data or "", actor=actor())
    flash(_("Observation %(id)s is approved.", id=row.id) if row.status == "approved"
          else _("Observation %(id)s is rejected.", id=row.id))
    return redirect(url_for("collect.round_page", corridor=row.corridor.code, month=row.month,
                            _anchor=f"observation-{row.id}"))


@admins_only
def round_export(corridor: str, month: str, layout: str, file_format: str):
    """A round's published observations as a file, in the observation layout or RPW's quote layout."""
    if layout not in observation_exports.LAYOUTS or file_format not in observation_exports.FORMATS:
        abort(404)
    found, _rows = _round_rows(corridor, month)
    made = observation_exports.export(found, month, layout, file_format,
                                      organisation=current_app.config.get("REMIT_ORGANISATION", "remit"),
                                      max_age_days=_max_age())
    response = send_file(io.BytesIO(made.content), mimetype=made.media_type, as_attachment=True,
                         download_name=made.filename, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response
