"""Imports by API for partners that keep fee tables: needs a key with the `import` scope."""
from __future__ import annotations

from flask import current_app, url_for
from flask.views import MethodView
from flask_smorest import abort
from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from ..extensions import db
from ..importers import run_import
from ..models import ImportRun
from . import keys
from .blueprint import Blueprint

imports_bp = Blueprint("imports", __name__, url_prefix="/api/v1/imports",
                       description="Import fee tables, reference rates or RPW rows (needs an `import` key).")


class ImportFormSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(["fees", "rates", "rpw"]))
    dry_run = fields.Boolean(load_default=False, metadata={"description": "validate and report; write nothing"})


class ImportFileSchema(Schema):
    file = Upload(required=True, metadata={"description": "CSV (UTF-8) or XLSX"})


class ProblemSchema(Schema):
    row = fields.Integer(allow_none=True)
    column = fields.String(allow_none=True)
    message = fields.String()


class ImportReportSchema(Schema):
    id = fields.Integer(allow_none=True, metadata={"description": "the import's id; null for a dry run or no change"})
    kind = fields.String()
    filename = fields.String()
    sha256 = fields.String()
    result = fields.String(metadata={"description": "applied, no_change, dry_run or rejected"})
    rows = fields.Integer()
    added = fields.Integer()
    changed = fields.Integer()
    retired = fields.Integer()
    unchanged = fields.Integer()
    problems = fields.List(fields.Nested(ProblemSchema))
    actor = fields.String(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)


def require_import_scope():
    # Decided from the Authorization header alone, before the uploaded body is read.
    keys.require_scope("import")


def _report_json(report) -> dict:
    return {"id": report.import_id, "kind": report.kind, "filename": report.filename, "sha256": report.sha256,
            "result": report.result, "rows": report.rows, "added": report.added, "changed": report.changed,
            "retired": report.retired, "unchanged": report.unchanged,
            "problems": [{"row": p.row, "column": p.column, "message": p.message} for p in report.problems],
            "actor": None, "finished_at": None}


@imports_bp.route("")
class Imports(MethodView):
    @imports_bp.arguments(ImportFormSchema, location="form")
    @imports_bp.arguments(ImportFileSchema, location="files")
    @imports_bp.response(200, ImportReportSchema, description="A dry run, or a file that changes nothing.")
    @imports_bp.alt_response(201, schema=ImportReportSchema, description="Applied.")
    @imports_bp.alt_response(401, description="No valid API key.")
    @imports_bp.alt_response(403, description="The key lacks the import scope.")
    @imports_bp.alt_response(422, description="The file has errors; `errors.file` lists each as 'row N, column C: …'.")
    def post(self, form, files):
        """Import a file: every row is validated first; all of it is written in one transaction, or nothing"""
        upload = files["file"]
        key = keys.request_key()
        report = run_import(form["kind"], upload.read(), upload.filename or "upload", actor=f"api:{key.name}",
                            dry_run=form["dry_run"], max_rows=current_app.config["REMIT_IMPORT_MAX_ROWS"],
                            max_columns=current_app.config["REMIT_IMPORT_MAX_COLUMNS"])
        if report.problems:
            abort(422, message=f"{upload.filename}: {len(report.problems)} problem(s); nothing was written.",
                  errors={"file": [str(p) for p in report.problems]})
        if report.import_id is not None:
            return _report_json(report), 201, {"Location": url_for("imports.ImportDetail", import_id=report.import_id)}
        return _report_json(report)


@imports_bp.route("/<int:import_id>")
class ImportDetail(MethodView):
    @imports_bp.response(200, ImportReportSchema)
    @imports_bp.alt_response(404, description="No such import.")
    def get(self, import_id):
        """An import's report"""
        run = db.session.get(ImportRun, import_id)
        if run is None:
            abort(404, message=f"There is no import #{import_id}.")
        return {"id": run.id, "kind": run.kind, "filename": run.filename, "sha256": run.sha256, "result": run.result,
                "rows": run.rows, "added": run.added, "changed": run.changed, "retired": run.retired,
                "unchanged": run.unchanged, "problems": [], "actor": run.actor, "finished_at": run.finished_at}
