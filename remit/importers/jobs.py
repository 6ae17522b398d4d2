"""Imports in the background: a large upload is imported by a thread of the app server that received
it, while the page (or the partner) polls the job's status, which any app server answers.

Why this design: the job is a row in the database (`ImportJob`), so its status, progress and report are
seen by every gunicorn worker and every app server sharing the database, and survive the request that
started it. The import itself runs in a thread of the worker that took the upload: no extra service to
deploy, and remit's imports already serialise themselves (one writer at a time on SQLite, an advisory
lock on PostgreSQL). The job's end is written in the import's own transaction, so "done" and the data
commit together, or neither does.

If the worker dies mid-import (restarted, killed), the database rolls its transaction back: nothing was
written. The job's heartbeat then stops; the next status request after `JOB_HEARTBEAT_TIMEOUT` marks it
failed and says so. A job still queued that long (its worker died before starting it) is started by the
worker that answers the status request.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import socket
import threading
import time

from flask import Flask, current_app
from sqlalchemy import delete, update

from .. import dbfaults
from ..domain.messages import msg
from ..extensions import db
from ..models import ImportJob, PendingUpload
from . import run_import
from .base import ImportReport
from .limits import JOB_HEARTBEAT_TIMEOUT, from_config

log = logging.getLogger("remit.importers.jobs")
# Finished jobs (their status and report) are kept this long, then removed.
JOB_LIFETIME = dt.timedelta(days=7)
# At most one progress write per this many seconds.
PROGRESS_INTERVAL = 1.0

_threads: dict[int, threading.Thread] = {}


class JobGone(Exception):
    """The job was marked failed (its heartbeat had stopped) while it was still importing."""


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def submit(kind: str, content: bytes, filename: str, *, actor: str, owner: str, dry_run: bool,
           pending_id: int | None = None) -> ImportJob:
    """Record the job, commit, and start it in a thread of this process."""
    job = ImportJob(kind=kind, filename=filename[:255], content=content, size=len(content), dry_run=dry_run,
                    actor=actor[:254], owner=owner, pending_id=pending_id, state="queued", phase="",
                    rows_read=0, bytes_read=0, bytes_total=len(content), created_at=now())
    db.session.add(job)
    db.session.commit()
    start(job.id)
    return job


def start(job_id: int) -> None:
    app = current_app._get_current_object()
    thread = threading.Thread(target=_run, args=(app, job_id), name=f"import-job-{job_id}", daemon=True)
    _threads[job_id] = thread
    thread.start()


def wait(job_id: int, timeout: float = 120) -> None:
    """Wait for a job this process started (tests, and the command line)."""
    thread = _threads.get(job_id)
    if thread is not None:
        thread.join(timeout)


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"[:120]


def _claim(job_id: int, worker: str) -> bool:
    moment = now()
    with db.engine.begin() as connection:
        claimed = connection.execute(
            update(ImportJob).where(ImportJob.id == job_id, ImportJob.state == "queued")
            .values(state="running", phase="reading", worker=worker, started_at=moment, heartbeat_at=moment))
        return claimed.rowcount == 1


class _ProgressWriter:
    """Writes how far the import has gone to the job's row, through its own short transactions."""

    def __init__(self, job_id: int, sqlite: bool):
        self.job_id, self.sqlite, self.last = job_id, sqlite, 0.0

    def __call__(self, phase: str, rows: int, done: int, total: int) -> None:
        moment = time.monotonic()
        if phase == "reading" and moment - self.last < PROGRESS_INTERVAL:
            return
        values = {"phase": phase, "rows_read": rows, "heartbeat_at": now()}
        if phase == "reading":
            values |= {"bytes_read": done, "bytes_total": total}
        self.last = moment
        try:
            with db.engine.begin() as connection:
                connection.execute(update(ImportJob).where(ImportJob.id == self.job_id, ImportJob.state == "running")
                                   .values(**values))
        except Exception:  # noqa: BLE001 — progress is a courtesy: the import goes on without it
            log.warning("import job #%s: progress not recorded", self.job_id, exc_info=True)
        if phase == "writing" and self.sqlite:
            # From here the import holds SQLite's one write lock until it commits: no more writes.
            self.last = float("inf")


def _finish_values(report: ImportReport) -> dict:
    return {"state": "done", "phase": "", "report": json.dumps(report.to_dict()), "content": None,
            "finished_at": now(), "heartbeat_at": now(), "rows_read": report.rows}


def _run(app: Flask, job_id: int) -> None:
    with app.app_context():
        worker = _worker_name()
        try:
            if not _claim(job_id, worker):
                return
            job = db.session.get(ImportJob, job_id)
            kind, content, filename, actor = job.kind, job.content, job.filename, job.actor
            dry_run, pending_id = job.dry_run, job.pending_id
            db.session.rollback()  # release the read: the import starts its own transaction
            progress = _ProgressWriter(job_id, db.engine.dialect.name == "sqlite")

            def record_end(report: ImportReport) -> None:
                """In the import's transaction: the job is done, and the upload it applied is used."""
                ended = db.session.execute(update(ImportJob).where(ImportJob.id == job_id, ImportJob.state == "running")
                                           .values(**_finish_values(report)))
                if ended.rowcount != 1:
                    raise JobGone(f"import job #{job_id} was given up while it ran")
                if pending_id is not None:
                    db.session.execute(delete(PendingUpload).where(PendingUpload.id == pending_id))

            report = run_import(kind, content, filename, actor=actor, dry_run=dry_run,
                                limits=from_config(app.config), progress=progress, before_commit=record_end)
            del content
            if report.import_id is None:
                with db.engine.begin() as connection:
                    connection.execute(update(ImportJob).where(ImportJob.id == job_id, ImportJob.state == "running")
                                       .values(**_finish_values(report)))
                    if pending_id is not None and not dry_run and report.ok:
                        connection.execute(delete(PendingUpload).where(PendingUpload.id == pending_id))
            log.info("import job #%s (%s %s): %s", job_id, kind, filename, report.result)
        except Exception as exc:  # noqa: BLE001 — whatever stopped it, the job says so; the import rolled back
            log.exception("import job #%s failed", job_id)
            db.session.rollback()
            fault = dbfaults.describe(exc)
            error = fault.english if fault else msg("job_failed", "the import stopped on an error; nothing was written")
            try:
                with db.engine.begin() as connection:
                    connection.execute(update(ImportJob).where(ImportJob.id == job_id,
                                                               ImportJob.state.in_(("queued", "running")))
                                       .values(state="failed", phase="", content=None, finished_at=now(), error=error))
            except Exception:  # noqa: BLE001 — the database is failing: the heartbeat stops, the job is seen failed
                log.exception("import job #%s: its failure could not be recorded", job_id)
        finally:
            db.session.remove()
            _threads.pop(job_id, None)


def status(job_id: int) -> ImportJob | None:
    """The job as it is now; a job whose worker stopped is marked failed (or, if it never started,
    started here)."""
    job = db.session.get(ImportJob, job_id)
    if job is None or job.state in ("done", "failed"):
        return job
    cutoff = now() - JOB_HEARTBEAT_TIMEOUT
    if job.state == "queued" and job.created_at < cutoff:
        start(job.id)
    elif job.state == "running" and (job.heartbeat_at or job.created_at) < cutoff:
        db.session.execute(update(ImportJob).where(ImportJob.id == job.id, ImportJob.state == "running",
                                                   ImportJob.heartbeat_at == job.heartbeat_at)
                           .values(state="failed", phase="", content=None, finished_at=now(),
                                   error=msg("job_lost", "the server stopped while importing; nothing was written: "
                                             "start it again")))
        db.session.commit()
    db.session.refresh(job)
    return job


def report_of(job: ImportJob) -> ImportReport | None:
    return ImportReport.from_dict(json.loads(job.report)) if job.report else None


def purge() -> None:
    """Remove finished jobs past their lifetime; the caller commits."""
    db.session.execute(delete(ImportJob).where(ImportJob.finished_at < now() - JOB_LIFETIME))
