"""Imports through the browser: upload → preview → apply or cancel; history; revert."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from ..extensions import db
from ..importers import run_import
from ..inputs import page_number
from ..models import ImportRun, PendingUpload
from ..services import history
from . import bp
from .auth import audit, role_required
from .forms import ImportForm

PAGE_SIZE = 25


def _dry_run(pending: PendingUpload):
    return run_import(pending.kind, pending.content, pending.filename, actor=current_user.email, dry_run=True,
                      max_rows=current_app.config["REMIT_IMPORT_MAX_ROWS"],
                      max_columns=current_app.config["REMIT_IMPORT_MAX_COLUMNS"])


@bp.get("/imports")
@role_required("admin", "staff")
def imports():
    total = db.session.scalar(select(func.count()).select_from(ImportRun))
    pages = max(1, -(-total // PAGE_SIZE))
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
    content = form.file.data.read()
    pending = PendingUpload(kind=form.kind.data, filename=(form.file.data.filename or "upload")[:255],
                            content=content, user_id=current_user.id)
    db.session.add(pending)
    db.session.commit()
    return redirect(url_for("admin.preview", pending_id=pending.id))


def _pending_or_404(pending_id: int) -> PendingUpload:
    pending = db.session.get(PendingUpload, pending_id)
    if pending is None:
        abort(404)
    return pending


@bp.get("/imports/pending/<int:pending_id>")
@role_required("admin")
def preview(pending_id: int):
    pending = _pending_or_404(pending_id)
    report = _dry_run(pending)
    return render_template("admin/preview.html", pending=pending, report=report), (200 if report.ok else 422)


@bp.post("/imports/pending/<int:pending_id>/apply")
@role_required("admin")
def apply(pending_id: int):
    pending = _pending_or_404(pending_id)
    content, kind, filename = pending.content, pending.kind, pending.filename
    report = run_import(kind, content, filename, actor=current_user.email,
                        max_rows=current_app.config["REMIT_IMPORT_MAX_ROWS"],
                        max_columns=current_app.config["REMIT_IMPORT_MAX_COLUMNS"])
    if not report.ok:
        return render_template("admin/preview.html", pending=pending, report=report), 422
    db.session.delete(db.session.get(PendingUpload, pending_id))
    db.session.commit()
    if report.import_id is None:
        flash(_("Nothing to apply: the file matches the data already stored."))
        return redirect(url_for("admin.imports"))
    return redirect(url_for("admin.import_detail", run_id=report.import_id))


@bp.post("/imports/pending/<int:pending_id>/cancel")
@role_required("admin")
def cancel(pending_id: int):
    db.session.delete(_pending_or_404(pending_id))
    db.session.commit()
    flash(_("The upload was cancelled; nothing was written."))
    return redirect(url_for("admin.imports"))


@bp.get("/imports/<int:run_id>")
@role_required("admin", "staff")
def import_detail(run_id: int):
    run = db.session.get(ImportRun, run_id)
    if run is None:
        abort(404)
    return render_template("admin/import_detail.html", run=run, changes=history.changes_of(run))


@bp.post("/imports/<int:run_id>/revert")
@role_required("admin")
def revert(run_id: int):
    try:
        reverting = history.revert(run_id, actor=current_user.email)
    except history.RevertError as exc:
        db.session.rollback()
        flash(str(exc))
        return redirect(url_for("admin.import_detail", run_id=run_id))
    db.session.commit()
    flash(_("Import #%(id)s was reverted by import #%(revert)s.", id=run_id, revert=reverting.id))
    return redirect(url_for("admin.import_detail", run_id=reverting.id))


__all__ = ["audit"]


@bp.get("/fees")
@role_required("admin", "staff")
def fees():
    """The fee tables in force on a date (today by default), to read or download."""
    import datetime as dt

    from ..services.exports import current_fee_rows

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
    import datetime as dt

    from flask import Response

    from ..services.exports import fee_table_csv

    try:
        day = dt.date.fromisoformat(request.args.get("as_of") or dt.date.today().isoformat())
    except ValueError:
        abort(422)
    return Response(fee_table_csv(day), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="fee-tables-{day.isoformat()}.csv"'})
