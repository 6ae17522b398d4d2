"""Imports through the browser: upload → preview → apply or cancel; history; revert.

A file larger than `BACKGROUND_BYTES` is previewed and applied by a background job (remit.importers.jobs):
the browser is sent to the job's page, which reloads itself every two seconds until the job ends.
Uploads waiting for a decision are removed after `PENDING_UPLOAD_LIFETIME`.
"""
from __future__ import annotations

import datetime as dt

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..importers import jobs, run_import
from ..importers.limits import BACKGROUND_BYTES, PENDING_UPLOAD_LIFETIME, from_config
from ..inputs import page_number
from ..models import PendingUpload
from ..services import history, uploads
from ..services.exports import current_fee_rows, fee_table_csv, fee_table_xlsx
from . import bp
from .auth import role_required
from .forms import ImportForm

PAGE_SIZE = 25
# Seconds between two reloads of a running job's page.
POLL_SECONDS = 2


def _dry_run(pending: PendingUpload):
    return run_import(pending.kind, pending.content, pending.filename, actor=current_user.email, dry_run=True,
                      limits=from_config(current_app.config))


def _background(size: int) -> bool:
    return size > current_app.config.get("REMIT_IMPORT_BACKGROUND_BYTES", BACKGROUND_BYTES)


def _purge_expired() -> None:
    """Uploads nobody applied or cancelled in time, and old finished jobs, are removed."""
    uploads.purge_expired(PENDING_UPLOAD_LIFETIME)
    jobs.purge()


@bp.get("/imports")
@role_required("admin", "staff")
def imports():
    pages = max(1, -(-history.run_count() // PAGE_SIZE))
    page = page_number(request.args.get("page"), pages)
    if page is None:
        abort(404)
    runs = history.recent_runs(PAGE_SIZE, (page - 1) * PAGE_SIZE)
    return render_template("admin/imports.html", form=ImportForm(), runs=runs, page=page, pages=pages)


@bp.post("/imports")
@role_required("admin")
def upload():
    form = ImportForm()
    if not form.validate_on_submit():
        runs = history.recent_runs(PAGE_SIZE)
        return render_template("admin/imports.html", form=form, runs=runs, page=1, pages=1), 422
    _purge_expired()
    content = form.file.data.read()
    form.file.data.close()
    pending = uploads.keep(form.kind.data, form.file.data.filename, content, current_user.id)
    if _background(len(content)):  # the job, in another thread, reads the upload: jobs.submit commits it first
        return _submit(pending, dry_run=True)
    return redirect(url_for("admin.preview", pending_id=pending.id))


def _submit(pending: PendingUpload, *, dry_run: bool):
    job = jobs.submit(pending.kind, pending.content, pending.filename, actor=current_user.email,
                      owner=f"user:{current_user.id}", dry_run=dry_run, pending_id=pending.id)
    return redirect(url_for("admin.job", job_id=job.id))


def _pending_or_404(pending_id: int) -> PendingUpload:
    pending = uploads.find(pending_id)
    if pending is None:
        abort(404)
    if uploads.expired(pending, PENDING_UPLOAD_LIFETIME):
        uploads.discard(pending)
        db.session.commit()  # removed whatever the answer: a 410 writes nothing at the request's commit point
        abort(410, description=_("This upload has expired: nothing was written. Upload the file again."))
    return pending


@bp.get("/imports/pending/<int:pending_id>")
@role_required("admin")
def preview(pending_id: int):
    pending = _pending_or_404(pending_id)
    if _background(len(pending.content)):
        return _submit(pending, dry_run=True)
    report = _dry_run(pending)
    return render_template("admin/preview.html", pending=pending, report=report), (200 if report.ok else 422)


@bp.post("/imports/pending/<int:pending_id>/apply")
@role_required("admin")
def apply(pending_id: int):
    pending = _pending_or_404(pending_id)
    if _background(len(pending.content)):
        return _submit(pending, dry_run=False)
    content, kind, filename = pending.content, pending.kind, pending.filename
    report = run_import(kind, content, filename, actor=current_user.email, limits=from_config(current_app.config))
    if not report.ok:
        return render_template("admin/preview.html", pending=pending, report=report), 422
    uploads.discard(uploads.find(pending_id))  # the import committed its rows itself, all or nothing
    if report.import_id is None:
        flash(_("Nothing to apply: the file matches the data already stored."))
        return redirect(url_for("admin.imports"))
    return redirect(url_for("admin.import_detail", run_id=report.import_id))


@bp.post("/imports/pending/<int:pending_id>/cancel")
@role_required("admin")
def cancel(pending_id: int):
    uploads.discard(_pending_or_404(pending_id))
    flash(_("The upload was cancelled; nothing was written."))
    return redirect(url_for("admin.imports"))


@bp.get("/imports/jobs/<int:job_id>")
@role_required("admin")
def job(job_id: int):
    """A background import: its progress while it runs (the page reloads itself), then its outcome."""
    found = jobs.status(job_id)
    if found is None or not found.owner.startswith("user:"):
        abort(404)
    if found.state in ("queued", "running"):
        return render_template("admin/job.html", job=found, poll=POLL_SECONDS), 200, {"Refresh": str(POLL_SECONDS)}
    report = jobs.report_of(found)
    if found.state == "failed" or report is None:
        return render_template("admin/job.html", job=found, poll=None), 500
    pending = uploads.find(found.pending_id) if found.pending_id else None
    if found.dry_run or not report.ok:
        return render_template("admin/preview.html", pending=pending, report=report, job=found), (200 if report.ok else 422)
    if report.import_id is None:
        flash(_("Nothing to apply: the file matches the data already stored."))
        return redirect(url_for("admin.imports"))
    return redirect(url_for("admin.import_detail", run_id=report.import_id))


@bp.get("/imports/<int:run_id>")
@role_required("admin", "staff")
def import_detail(run_id: int):
    run = history.run(run_id)
    if run is None:
        abort(404)
    return render_template("admin/import_detail.html", run=run, changes=history.changes_of(run))


@bp.get("/imports/<int:run_id>/confirm-revert")
@role_required("admin")
def revert_confirm(run_id: int):
    """What reverting an import will change, and a button to confirm it."""
    run = history.run(run_id)
    if run is None:
        abort(404)
    try:
        changes = history.revert_preview(run_id)
        refusal = None
    except history.RevertError as exc:
        changes, refusal = history.changes_of(run), str(exc)
    return render_template("admin/revert.html", run=run, changes=changes, refusal=refusal)


@bp.post("/imports/<int:run_id>/revert")
@role_required("admin")
def revert(run_id: int):
    if request.form.get("confirm") != "yes":
        # A revert is made from the page that shows what it will change, never in one click.
        return redirect(url_for("admin.revert_confirm", run_id=run_id))
    try:
        reverting = history.revert(run_id, actor=current_user.email)
    except history.RevertError as exc:
        db.session.rollback()  # the refusal is answered with a redirect, which would commit what was begun
        flash(str(exc))
        return redirect(url_for("admin.import_detail", run_id=run_id))
    flash(_("Import #%(id)s was reverted by import #%(revert)s.", id=run_id, revert=reverting.id))
    return redirect(url_for("admin.import_detail", run_id=reverting.id))



@bp.get("/fees")
@role_required("admin", "staff")
def fees():
    """The fee tables in force on a date (today by default), to read or download."""
    text = request.args.get("as_of") or dt.date.today().isoformat()
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return render_template("admin/fees.html", rows=[], as_of=text,
                               error=_("Write the date as YYYY-MM-DD.")), 422
    return render_template("admin/fees.html", rows=current_fee_rows(day), as_of=day.isoformat(), error=None)


@bp.get("/fees.csv")
@role_required("admin", "staff")
def fees_csv():
    try:
        day = dt.date.fromisoformat(request.args.get("as_of") or dt.date.today().isoformat())
    except ValueError:
        abort(422)
    return Response(fee_table_csv(day), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="fee-tables-{day.isoformat()}.csv"'})


@bp.get("/fees.xlsx")
@role_required("admin", "staff")
def fees_xlsx():
    try:
        day = dt.date.fromisoformat(request.args.get("as_of") or dt.date.today().isoformat())
    except ValueError:
        abort(422)
    return Response(fee_table_xlsx(day), mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="fee-tables-{day.isoformat()}.xlsx"'})
