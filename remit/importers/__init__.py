"""Importers for the contract's three file kinds: validate every row, then write all or nothing."""
from __future__ import annotations

import datetime as dt
import logging

from ..extensions import db
from ..models import AuditEvent, ImportRun
from . import fees, rates, rpw
from .base import ImportReport, sha256
from .readers import FileRejected, read_table

KINDS = {"fees": fees, "rates": rates, "rpw": rpw}
log = logging.getLogger("remit.importers")


# Any number: the key of the PostgreSQL advisory lock that imports take for their transaction.
IMPORT_LOCK = 7_465_727


def _serialize_imports() -> None:
    """On PostgreSQL, imports run one after the other: each waits for the previous one to commit
    before it reads what is stored, so two imports started at once end as if run in turn. (SQLite
    lets one writer at a time; remit's embedded default serves one machine.)"""
    from sqlalchemy import text

    if db.engine.dialect.name == "postgresql":
        db.session.rollback()  # start the transaction with the lock, so every later read sees its result
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": IMPORT_LOCK})


def run_import(kind: str, data: bytes, filename: str, *, actor: str, dry_run: bool = False,
               max_rows: int = 200_000, max_columns: int = 64) -> ImportReport:
    """Validate the whole file; if it is clean and not a dry run, apply it in one transaction.

    The caller's session must hold no pending work: on success this commits, on any failure it rolls
    back, so the database is either fully updated or untouched.
    """
    module = KINDS[kind]
    report = ImportReport(kind=kind, filename=filename, sha256=sha256(data), dry_run=dry_run)
    try:
        table = read_table(data, filename, max_rows=max_rows, max_columns=max_columns)
    except FileRejected as rejected:
        report.problems = rejected.problems
        return report
    records, problems = module.parse(table)
    report.rows = len(records)
    if problems:
        report.problems = problems
        return report
    started = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    try:
        _serialize_imports()
        changes = module.plan(records, report)
        if dry_run or not report.has_changes:
            db.session.rollback()
            return report
        run = ImportRun(kind=kind, filename=filename[:255], sha256=report.sha256, actor=actor[:200],
                        started_at=started, finished_at=started, rows=report.rows, added=report.added,
                        changed=report.changed, retired=report.retired, unchanged=report.unchanged,
                        result="applied", summary="\n".join(report.details))
        db.session.add(run)
        db.session.flush()
        module.apply(changes, run)
        run.finished_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        db.session.add(AuditEvent(actor=actor[:254], action="import applied", target=f"import #{run.id}",
                                  detail=f"{kind} {filename}: {report.counts()}"))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    report.import_id = run.id
    log.info("import #%s %s %s by %s: %s", run.id, kind, filename, actor, report.counts())
    return report


__all__ = ["KINDS", "ImportReport", "run_import"]
