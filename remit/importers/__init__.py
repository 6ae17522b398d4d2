"""Importers for the contract's three file kinds: validate every row, then write all or nothing.

Each kind's module has three steps: `collect` validates the rows as the file is read and keeps, in
compact form, what the checks and the writes need; `plan` compares that with what is stored (read
once per corridor) and fills the report; `apply` writes the plan with bulk statements. Nothing is
written unless every row is valid, and then everything is written in one transaction.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from ..extensions import db
from ..models import AuditEvent, ImportRun
from . import fees, rates, rpw
from .base import ImportReport, sha256, sha256_of_file
from .limits import PROGRESS_EVERY_ROWS, ImportLimits
from .readers import open_table
from .rows import FileRejected, ProblemLog, RowStream

KINDS = {"fees": fees, "rates": rates, "rpw": rpw}
log = logging.getLogger("remit.importers")

# Called as an import goes: (phase, rows read, bytes read, bytes in all); phases are reading,
# checking (comparing with what is stored) and writing.
Progress = Callable[[str, int, int, int], None]


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


class _Watched(RowStream):
    """A file's rows, telling `progress` how far the reading is every so many rows."""

    def __init__(self, table: RowStream, progress: Progress):
        self.table, self.progress, self.header, self.rows = table, progress, table.header, 0

    def __iter__(self):
        every, progress, position = PROGRESS_EVERY_ROWS, self.progress, self.table.position
        count = 0
        for item in self.table:
            count += 1
            if count % every == 0:
                self.rows = count
                progress("reading", count, *position())
            yield item
        self.rows = count

    def position(self) -> tuple[int, int]:
        return self.table.position()


def _quiet(phase: str, rows: int, done: int, total: int) -> None:
    pass


def _last_applied_if_same(kind: str, digest: str) -> int | None:
    """The rows of the last import of this kind, when it applied a file with this SHA-256. Data of a
    kind changes only through its imports (a revert is one too), so the data in force is then that
    file's, as that import wrote it."""
    from sqlalchemy import select

    last = db.session.execute(select(ImportRun.sha256, ImportRun.result, ImportRun.rows)
                              .where(ImportRun.kind == kind).order_by(ImportRun.id.desc()).limit(1)).first()
    db.session.rollback()
    if last is not None and last.sha256 == digest and last.result == "applied":
        return last.rows
    return None


def run_import(kind: str, data: bytes | Path, filename: str, *, actor: str, dry_run: bool = False,
               max_rows: int | None = None, max_columns: int | None = None, limits: ImportLimits | None = None,
               progress: Progress | None = None,
               before_commit: Callable[[ImportReport], None] | None = None) -> ImportReport:
    """Validate the whole file; if it is clean and not a dry run, apply it in one transaction.

    `data` is the file's content, or the path of a file that is then read as a stream. The caller's
    session must hold no pending work: on success this commits, on any failure it rolls back, so the
    database is either fully updated or untouched. `before_commit(report)` runs inside the import's
    transaction just before it commits (a background job records its end there, in the same commit);
    an exception from it rolls everything back.
    """
    module = KINDS[kind]
    limits = (limits or ImportLimits()).with_rows(max_rows, max_columns)
    progress = progress or _quiet
    digest = sha256(data) if isinstance(data, (bytes, bytearray, memoryview)) else sha256_of_file(data)
    report = ImportReport(kind=kind, filename=filename, sha256=digest, dry_run=dry_run,
                          preview_limit=limits.max_preview)
    same_rows = _last_applied_if_same(kind, digest)
    if same_rows is not None:
        # The very file that made the data in force, with nothing imported since: nothing can change.
        report.rows = report.unchanged = same_rows
        progress("checking", same_rows, 0, 0)
        return report
    return _run(module, kind, data, filename, report, limits, progress, actor=actor, dry_run=dry_run,
                before_commit=before_commit)


def _run(module, kind: str, data, filename: str, report: ImportReport, limits: ImportLimits, progress: Progress, *,
         actor: str, dry_run: bool, before_commit) -> ImportReport:
    problems = ProblemLog(limits.max_problems)
    read = 0

    @contextmanager
    def open_rows():
        """The file's rows, from the start: an importer may read the file twice."""
        nonlocal read
        with open_table(data, filename, limits, problems) as table:
            watched = _Watched(table, progress)
            yield watched
            read = watched.rows
            progress("reading", read, *table.position())

    collected = None
    try:
        collected = module.collect(open_rows, problems, report)
    except FileRejected as rejected:
        problems.extend(rejected.problems)
    report.problems, report.more_problems = problems.items, problems.more
    if problems:
        return report
    started = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    try:
        _serialize_imports()
        progress("checking", read, 0, 0)
        changes = module.plan(collected, report)
        del collected
        if dry_run or not report.has_changes:
            db.session.rollback()
            return report
        progress("writing", read, 0, 0)
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
        report.import_id = run.id
        if before_commit is not None:
            before_commit(report)
        db.session.commit()
    except BaseException:
        report.import_id = None
        db.session.rollback()
        raise
    log.info("import #%s %s %s by %s: %s", run.id, kind, filename, actor, report.counts())
    return report


__all__ = ["KINDS", "ImportReport", "ImportLimits", "run_import"]
