"""Imports by API for partners that keep fee tables: needs a key with the `import` scope.

A file larger than `BACKGROUND_BYTES` (or any file sent with `background=true`) is imported by a
background job: the answer is 202 with the job's address, which the partner polls until the job ends.
"""
from __future__ import annotations

import json

from flask import current_app, request, url_for
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import Schema, fields, validate

from ..extensions import db
from ..importers import jobs, run_import
from ..importers.limits import BACKGROUND_BYTES, from_config
from ..models import ImportJob, ImportRun
from . import keys, present
from .blueprint import Blueprint, ProblemSchema
from .openapi import NEEDS_KEY, Answer, FilePart, Term, Text, Timestamp

imports_bp = Blueprint("imports", __name__, url_prefix="/api/v1/imports",
                       description="Import fee tables, reference rates or RPW rows (needs an `import` key).")


class ImportFormSchema(Schema):
    """The multipart form: its fields and its file, one request body."""

    kind = Term("ImportKind", required=True)
    dry_run = fields.Boolean(load_default=False, metadata={"description": "validate and report; write nothing"})
    background = fields.Boolean(load_default=False, metadata={
        "description": "import in the background and answer 202 at once (files over 512 KiB always are)"})
    file = FilePart(required=True, metadata={"description": "CSV (UTF-8) or XLSX in the layout of `kind` (the contract's "
                                                          "file formats); any other file is a 422 whose `problems` "
                                                          "say why"})


class ImportReportSchema(Answer):
    id = fields.Integer(allow_none=True, metadata={"description": "the import's id; null for a dry run or no change"})
    kind = Term("ImportKind")
    filename = fields.String()
    sha256 = Text("sha256")
    result = Term("ImportResult")
    rows = fields.Integer(validate=validate.Range(0))
    added = fields.Integer(validate=validate.Range(0))
    changed = fields.Integer(validate=validate.Range(0))
    retired = fields.Integer(validate=validate.Range(0))
    unchanged = fields.Integer(validate=validate.Range(0))
    problems = fields.List(fields.Nested(ProblemSchema))
    more_problems = fields.Integer(validate=validate.Range(0), metadata={
        "description": "problems found beyond those listed (at most 100 are)"})
    actor = fields.String(allow_none=True)
    finished_at = Timestamp(allow_none=True)
    job = fields.Integer(allow_none=True, metadata={
        "description": "a dry run's report is kept as this job: GET /api/v1/imports/jobs/{job} gives it again "
                       "(while finished jobs are kept); null otherwise"})


class ImportJobSchema(Answer):
    id = fields.Integer()
    kind = Term("ImportKind")
    filename = fields.String()
    dry_run = fields.Boolean()
    state = Term("ImportState")
    phase = Term("ImportPhase", allow_none=True, metadata={"description": "while running; null otherwise"})
    rows_read = fields.Integer(validate=validate.Range(0))
    bytes_read = fields.Integer(validate=validate.Range(0))
    bytes_total = fields.Integer(validate=validate.Range(0))
    created_at = Timestamp()
    finished_at = Timestamp(allow_none=True)
    error = fields.String(allow_none=True, metadata={"description": "why a failed job stopped (nothing was written)"})
    report = fields.Nested(ImportReportSchema, allow_none=True,
                           metadata={"description": "once done: the import's report, as the synchronous call gives it"})


def require_import_scope():
    # Decided from the Authorization header alone, before the uploaded body is read. A preflight is
    # answered without CORS headers: no other origin may import (remit/api/cors.py).
    if request.method != "OPTIONS":
        keys.require_scope("import")


def problem_json(problem) -> dict:
    return {"row": problem.row, "column": problem.column, "message": str(problem.message),
            "code": getattr(problem.message, "code", None) or "import_problem"}


def _report_json(report) -> dict:
    return {"id": report.import_id, "kind": report.kind, "filename": report.filename, "sha256": report.sha256,
            "result": report.result, "rows": report.rows, "added": report.added, "changed": report.changed,
            "retired": report.retired, "unchanged": report.unchanged,
            "problems": [problem_json(p) for p in report.problems],
            "more_problems": report.more_problems, "actor": None, "finished_at": None, "job": None}


def _keep_dry_run(report, size: int, key) -> int:
    """A dry run's report, kept as a finished job so that its id fetches it again."""
    moment = jobs.now()
    job = ImportJob(kind=report.kind, filename=report.filename[:255], content=None, size=size, dry_run=True,
                    actor=f"api:{key.name}"[:254], owner=f"key:{key.id}", pending_id=None, state="done", phase="",
                    rows_read=report.rows, bytes_read=size, bytes_total=size, created_at=moment,
                    finished_at=moment, heartbeat_at=moment, report=json.dumps(report.to_dict()))
    db.session.add(job)
    db.session.flush()  # its id for the answer; committed with it
    return job.id


def _job_json(job) -> dict:
    report = jobs.report_of(job)
    return {"id": job.id, "kind": job.kind, "filename": job.filename, "dry_run": job.dry_run, "state": job.state,
            "phase": job.phase or None, "rows_read": job.rows_read, "bytes_read": job.bytes_read,
            "bytes_total": job.bytes_total, "created_at": job.created_at, "finished_at": job.finished_at,
            "error": job.error, "report": _report_json(report) if report is not None else None}


@imports_bp.route("")
class Imports(MethodView):
    @imports_bp.arguments(ImportFormSchema, location="form", content_type="multipart/form-data")
    @imports_bp.response(200, ImportReportSchema, description="A dry run (`Location` and `job` fetch its report "
                                                             "again), or a file that changes nothing.",
                         headers={"Location": {"$ref": "#/components/headers/Location"}})
    @imports_bp.alt_response(201, schema=ImportReportSchema, description="Applied.",
                             headers={"Location": {"$ref": "#/components/headers/Location"}})
    @imports_bp.alt_response(202, schema=ImportJobSchema, description="Imported in the background: poll `Location`.",
                             headers={"Location": {"$ref": "#/components/headers/Location"}})
    @imports_bp.alt_response(422, description="A field is wrong, or the file has errors: nothing was written. "
                                              "`problems` gives each (row, column, message, code); "
                                              "`errors.form.file` says them as 'row N, column C: …'.")
    @imports_bp.doc(operationId="import_file", **NEEDS_KEY)
    def post(self, form):
        """Import a file: every row is validated first; all of it is written in one transaction, or nothing"""
        upload = form["file"]
        key = keys.request_key()
        content = upload.read()
        upload.close()
        filename = upload.filename or "upload"
        threshold = current_app.config.get("REMIT_IMPORT_BACKGROUND_BYTES", BACKGROUND_BYTES)
        if form["background"] or len(content) > threshold:
            job = jobs.submit(form["kind"], content, filename, actor=f"api:{key.name}", owner=f"key:{key.id}",
                              dry_run=form["dry_run"])
            # Another shape than the 200 answer's schema: serialised here, not by the decorator.
            answer = present.json_response(present.json_text(ImportJobSchema().dump(_job_json(job))), {
                "Location": url_for("imports.ImportJobDetail", job_id=job.id)})
            answer.status_code = 202
            return answer
        report = run_import(form["kind"], content, filename, actor=f"api:{key.name}", dry_run=form["dry_run"],
                            limits=from_config(current_app.config))
        if not report.ok:
            found = len(report.problems) + report.more_problems
            abort(422, message=f"{upload.filename}: {found} problem(s); nothing was written.",
                  errors={"form": {"file": report.problem_lines()}},
                  extra={"problems": [problem_json(p) for p in report.problems]})
        if report.import_id is not None:
            return _report_json(report), 201, {"Location": url_for("imports.ImportDetail", import_id=report.import_id)}
        if form["dry_run"]:
            job_id = _keep_dry_run(report, len(content), key)
            return _report_json(report) | {"job": job_id}, 200, {
                "Location": url_for("imports.ImportJobDetail", job_id=job_id)}
        return _report_json(report)


@imports_bp.route("/<int:import_id>")
class ImportDetail(MethodView):
    @imports_bp.response(200, ImportReportSchema)
    @imports_bp.alt_response(404, description="No such import.")
    @imports_bp.doc(operationId="get_import", **NEEDS_KEY)
    def get(self, import_id):
        """An import's report"""
        run = db.session.get(ImportRun, import_id)
        if run is None:
            abort(404, message=f"There is no import #{import_id}.")
        return {"id": run.id, "kind": run.kind, "filename": run.filename, "sha256": run.sha256, "result": run.result,
                "rows": run.rows, "added": run.added, "changed": run.changed, "retired": run.retired,
                "unchanged": run.unchanged, "problems": [], "more_problems": 0, "actor": run.actor,
                "finished_at": run.finished_at, "job": None}


@imports_bp.route("/jobs/<int:job_id>")
class ImportJobDetail(MethodView):
    @imports_bp.response(200, ImportJobSchema)
    @imports_bp.alt_response(404, description="No such job for this key.")
    @imports_bp.doc(operationId="get_import_job", **NEEDS_KEY)
    def get(self, job_id):
        """A background import: how far it has gone, and its report once done (a dry run's included)"""
        job = jobs.status(job_id)
        if job is None or job.owner != f"key:{keys.request_key().id}":
            abort(404, message=f"There is no import job #{job_id} for this key.")
        return _job_json(job)
