"""Background imports: the admin page and the API hand large files to a job whose status any worker
answers from the database; the job reports its progress, writes all or nothing, and ends with the
report the command line gives for the same file."""
from __future__ import annotations

import io
import re
import threading

from sqlalchemy import select, text

from remit.cli import report_lines
from remit.extensions import db
from remit.importers import jobs
from remit.models import FeeTier, ImportJob, ImportRun, PendingUpload

from ..admin.test_admin_imports import login, token
from ..admin.test_admin_imports import text as page_text
from ..conftest import table_counts
from .helpers import FEE_HEADER, generated_fee_table

ROWS = 12_000  # more than two progress steps (every 5,000 rows)


def post_file(client, url: str, fields: dict, name: str, data: bytes, headers=None):
    """A multipart upload built in memory (the test client spools a large body to a temporary file
    that it never closes)."""
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    boundary, body = encode_multipart({**fields, "file": FileStorage(io.BytesIO(data), name)})
    return client.post(url, data=body, headers=headers or {},
                       content_type=f"multipart/form-data; boundary={boundary}")


def watch_progress(monkeypatch, pause_at_first_read: threading.Event | None = None,
                   resume: threading.Event | None = None) -> list[tuple]:
    """Every progress write of a job, as the job's row holds it just after; optionally the job waits
    at its first progress report while reading, so that the test can look at its page."""
    seen: list[tuple] = []
    write = jobs._ProgressWriter.__call__
    monkeypatch.setattr(jobs, "PROGRESS_INTERVAL", 0)

    def watched(self, phase, rows, done, total):
        write(self, phase, rows, done, total)
        with db.engine.connect() as connection:
            seen.append(tuple(connection.execute(text(
                "SELECT state, phase, rows_read, bytes_read, bytes_total FROM import_jobs WHERE id = :id"),
                {"id": self.job_id}).one()))
        if pause_at_first_read is not None and phase == "reading" and not pause_at_first_read.is_set():
            pause_at_first_read.set()
            resume.wait(30)

    monkeypatch.setattr(jobs._ProgressWriter, "__call__", watched)
    return seen


def test_admin_page_runs_a_large_file_in_the_background_and_shows_its_progress(make_app, runner, monkeypatch):
    paused, resume = threading.Event(), threading.Event()
    seen = watch_progress(monkeypatch, paused, resume)
    small = make_app(REMIT_IMPORT_BACKGROUND_BYTES=1024, RATELIMIT_ENABLED=False)
    client = small.test_client()
    data = generated_fee_table(ROWS)
    with small.app_context():
        login(client)
        uploaded = post_file(client, "/admin/imports", {"csrf_token": token(client), "kind": "fees"}, "big.csv", data)
        location = uploaded.headers["Location"]
        job_id = int(location.rsplit("/", 1)[1])
        assert location == f"/admin/imports/jobs/{job_id}"
        assert paused.wait(30)
        running = client.get(location)
        assert running.status_code == 200 and running.headers["Refresh"] == "2"
        assert "Reading and checking the file: 5,000 rows so far…" in page_text(running)
        resume.set()
        jobs.wait(job_id)
        preview = client.get(location)
        assert preview.status_code == 200
        assert f"{ROWS} to add, 0 to change, 0 to retire, 0 unchanged." in page_text(preview)
        assert table_counts()["fee_tiers"] == 0  # the preview wrote nothing
        # Progress went forward while reading, then through checking; a dry run never writes.
        reading = [s for s in seen if s[1] == "reading"]
        assert [s[2] for s in reading][:2] == [5_000, 10_000] and reading[-1][2] == ROWS
        assert reading[-1][3] == reading[-1][4] == len(data)
        assert [s[1] for s in seen][-1] == "checking"

        pending = db.session.execute(select(PendingUpload)).scalar_one()
        applied = client.post(f"/admin/imports/pending/{pending.id}/apply", data={"csrf_token": token(client)})
        apply_job = int(applied.headers["Location"].rsplit("/", 1)[1])
        jobs.wait(apply_job)
        done = client.get(applied.headers["Location"])
        run = db.session.execute(select(ImportRun)).scalar_one()
        assert done.headers["Location"] == f"/admin/imports/{run.id}"
        assert db.session.query(FeeTier).count() == ROWS and table_counts()["pending_uploads"] == 0
        # The job's report is the command line's for the same file.
        job = db.session.get(ImportJob, apply_job)
        assert job.state == "done" and job.content is None
        background = report_lines(jobs.report_of(job))
    path = _file(data)
    from ..conftest import _empty_tables

    _empty_tables()
    result = runner.invoke(args=["remit", "import", "fees", str(path)])
    assert result.exit_code == 0
    assert re.sub(r"#\d+", "#N", result.output) == re.sub(r"#\d+", "#N", "\n".join(background[0]) + "\n")


def _file(data: bytes):
    import tempfile
    from pathlib import Path

    path = Path(tempfile.mkdtemp()) / "big.csv"
    path.write_bytes(data)
    return path


def test_api_background_import_reports_progress_and_the_cli_report(client, runner, monkeypatch):
    from ..api.test_imports_api import key

    seen = watch_progress(monkeypatch)
    headers = key("import")
    data = generated_fee_table(ROWS)
    response = post_file(client, "/api/v1/imports", {"kind": "fees", "dry_run": "true", "background": "true"},
                         "big.csv", data, headers)
    assert response.status_code == 202
    job_id = response.json["id"]
    assert response.headers["Location"] == f"/api/v1/imports/jobs/{job_id}"
    assert response.json["state"] in ("queued", "running", "done")
    jobs.wait(job_id)
    status = client.get(response.headers["Location"], headers=headers).json
    assert (status["state"], status["rows_read"], status["error"]) == ("done", ROWS, None)
    report = status["report"]
    assert (report["result"], report["added"], report["problems"]) == ("dry_run", ROWS, [])
    assert [s[2] for s in seen if s[1] == "reading"][:2] == [5_000, 10_000]
    # Another key does not see the job.
    assert client.get(response.headers["Location"], headers=key("import")).status_code == 404
    # The same file through the command line, dry run: the same report, line for line.
    cli = runner.invoke(args=["remit", "import", "fees", str(_file(data)), "--dry-run"])
    assert cli.output == "\n".join(report_lines(jobs.report_of(db.session.get(ImportJob, job_id)))[0]) + "\n"


def test_a_bad_file_in_the_background_writes_nothing_and_lists_its_problems(client):
    from ..api.test_imports_api import key

    headers = key("import")

    def spoil(number, cells):
        if number == 11_000:
            cells[FEE_HEADER.index("min_amount")] = "cheap"

    response = post_file(client, "/api/v1/imports", {"kind": "fees", "background": "true"}, "bad.csv",
                         generated_fee_table(ROWS, spoil), headers)
    jobs.wait(response.json["id"])
    status = client.get(response.headers["Location"], headers=headers).json
    assert status["state"] == "done" and status["report"]["result"] == "rejected"
    assert [(p["row"], p["column"]) for p in status["report"]["problems"]] == [(11_000, "min_amount")]
    assert table_counts()["fee_tiers"] == 0 and table_counts()["import_runs"] == 0


def test_a_job_whose_worker_stopped_is_reported_failed(client):
    import datetime as dt

    from ..api.test_imports_api import key

    headers = key("import")
    stale = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - dt.timedelta(minutes=5)
    owner = f"key:{db.session.execute(text('SELECT max(id) FROM api_keys')).scalar_one()}"
    job = ImportJob(kind="fees", filename="lost.csv", content=b"x", size=1, dry_run=False, actor="api:x", owner=owner,
                    state="running", phase="writing", rows_read=10, bytes_read=1, bytes_total=1, worker="gone:1:1",
                    created_at=stale, started_at=stale, heartbeat_at=stale)
    db.session.add(job)
    db.session.commit()
    status = client.get(f"/api/v1/imports/jobs/{job.id}", headers=headers).json
    assert status["state"] == "failed"
    assert status["error"] == "the server stopped while importing; nothing was written: start it again"
