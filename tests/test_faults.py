"""The database going away: a clear 503, then recovery without restarting the app."""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import InternalError, OperationalError

from remit import dbfaults
from remit.services.keys import create_key
from remit.extensions import db

from .admin.test_admin_imports import login, token, upload
from .conftest import table_counts
from .importers.helpers import csv_bytes, fee_row


def test_database_stopped_and_restarted(app, client, database_url, request):
    if not database_url.startswith("postgresql"):
        pytest.skip("needs the PostgreSQL server, which the test stops and starts again")
    server = request.getfixturevalue("postgres_server")
    assert client.get("/healthz").status_code == 200
    server.pause()
    try:
        health = client.get("/healthz")
        assert health.status_code == 503 and health.json == {"status": "error", "database": "unreachable"}
        api = client.get("/api/v1/corridors")
        assert api.status_code == 503 and api.json["code"] == 503
        assert "not reachable" in api.json["message"]
        page = client.get("/providers")
        assert page.status_code == 503 and "The database is not reachable just now." in page.get_data(as_text=True)
    finally:
        server.resume()
    # pool_pre_ping replaces the dead connections: the same app answers again.
    assert client.get("/healthz").status_code == 200
    assert client.get("/api/v1/corridors").status_code == 200


# --- A read-only database and a full disk -----------------------------------------------------------
# Simulated per connection, so that they work as root and on both databases: SQLite's query_only
# pragma answers every write with SQLITE_READONLY, as a read-only file does, and max_page_count with
# SQLITE_FULL, as a full disk does; PostgreSQL's read-only transactions answer 25006, as a standby
# server does. tests/test_faults_fs.py does the same on a real full and read-only filesystem.

ROWS = [fee_row(provider=f"Provider {i:03d}", product="Wire", fee_fixed=f"{i % 20 + 1}.00", source="x" * 200)
        for i in range(400)]


class DatabaseSwitch:
    """Turns this app's database read-only, or (SQLite) its disk full, on every connection taken
    from the pool; `None` makes it writable again."""

    def __init__(self, engine):
        self.engine, self.mode = engine, None
        event.listen(engine, "checkout", self._apply)

    def set(self, mode):
        db.session.rollback()  # hands the test's connection back, so the next use takes one anew
        self.mode = mode

    def _apply(self, dbapi_connection, record, proxy):
        cursor = dbapi_connection.cursor()
        if self.engine.dialect.name == "sqlite":
            cursor.execute(f"PRAGMA query_only = {int(self.mode == 'read_only')}")
            # At most the pages the file has now (SQLite never sets it below that), else no limit.
            cursor.execute(f"PRAGMA max_page_count = {1 if self.mode == 'full' else 2147483646}")
        else:
            level = "READ ONLY" if self.mode == "read_only" else "READ WRITE"
            cursor.execute(f"SET SESSION CHARACTERISTICS AS TRANSACTION {level}")
            dbapi_connection.commit()
        cursor.close()

    def close(self):
        self.set(None)
        event.remove(self.engine, "checkout", self._apply)
        self.engine.dispose()


@pytest.fixture
def switch(app):
    found = DatabaseSwitch(db.engine)
    yield found
    found.close()


def _key(scope):
    _, text = create_key(f"{scope} partner", scope)
    db.session.commit()
    return {"Authorization": f"Bearer {text}"}


def _post_import(client, data, headers):
    return client.post("/api/v1/imports", headers=headers, content_type="multipart/form-data",
                       data={"kind": "fees", "dry_run": "false", "file": (io.BytesIO(data), "fees.csv")})


def _integrity_ok():
    if db.engine.dialect.name == "sqlite":
        assert db.session.execute(text("PRAGMA integrity_check")).scalar() == "ok"


def test_a_read_only_database_still_answers_reads_and_refuses_writes_clearly(seeded, client, runner, switch,
                                                                              tmp_path):
    import_key, read_key = _key("import"), _key("read")
    login(client)
    pending = int(upload(client, csv_bytes(ROWS[:3])).headers["Location"].rsplit("/", 1)[1])
    path = tmp_path / "fees.csv"
    path.write_bytes(csv_bytes(ROWS))
    before = table_counts()

    switch.set("read_only")
    quotes = client.get("/api/v1/quotes?send=CA&receive=GT&amount=300&currency=CAD", headers=read_key)
    assert quotes.status_code == 200 and len(quotes.json) >= 3
    assert client.get("/compare?send=CA&receive=GT&mode=send&amount=300&currency=CAD").status_code == 200
    assert client.get("/api/v1/corridors/US-MX/stats").status_code == 200

    refused = _post_import(client, path.read_bytes(), import_key)
    assert refused.status_code == 503
    assert refused.json["message"].startswith("The database is read-only just now, so nothing was saved.")
    page = client.post(f"/admin/imports/pending/{pending}/apply", data={"csrf_token": token(client)})
    assert page.status_code == 503
    assert "The database is read-only just now, so nothing was saved." in page.get_data(as_text=True)
    spanish = client.post(f"/admin/imports/pending/{pending}/apply", data={"csrf_token": token(client)},
                          headers={"Accept-Language": "es"})
    assert spanish.status_code == 503
    assert "La base de datos está en modo de solo lectura en este momento" in spanish.get_data(as_text=True)
    cli = runner.invoke(args=["remit", "import", "fees", str(path)])
    assert cli.exit_code == 1
    assert "Error: The database is read-only just now, so nothing was saved." in cli.output

    switch.set(None)
    _integrity_ok()
    assert table_counts() == before  # not a row written, the pending upload kept
    applied = client.post(f"/admin/imports/pending/{pending}/apply", data={"csrf_token": token(client)})
    assert applied.status_code == 302
    assert table_counts()["fee_tiers"] == before["fee_tiers"] + 3


def test_a_full_disk_refuses_imports_clearly_and_corrupts_nothing(seeded, client, runner, switch, tmp_path,
                                                                   database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("simulated with SQLite's max_page_count; tests/test_faults_fs.py fills a real disk")
    import_key = _key("import")
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM")  # no free pages left for the import to fill
    path = tmp_path / "fees.csv"
    path.write_bytes(csv_bytes(ROWS))
    exported_before = runner.invoke(args=["remit", "export", "fees"]).output
    before = table_counts()

    switch.set("full")
    refused = _post_import(client, path.read_bytes(), import_key)
    assert refused.status_code == 503
    assert refused.json["message"] == (
        "The disk that holds the database is full, so nothing was saved. The data stored before is intact; "
        "an administrator needs to free space on the disk.")
    cli = runner.invoke(args=["remit", "import", "fees", str(path)])
    assert cli.exit_code == 1 and "Error: The disk that holds the database is full" in cli.output
    assert client.get("/api/v1/quotes?send=CA&receive=GT&amount=300&currency=CAD").status_code == 200

    switch.set(None)
    _integrity_ok()
    assert table_counts() == before
    assert runner.invoke(args=["remit", "export", "fees"]).output == exported_before
    assert _post_import(client, path.read_bytes(), import_key).status_code == 201
    assert table_counts()["fee_tiers"] == before["fee_tiers"] + len(ROWS)


class _Driver(Exception):
    def __init__(self, sqlstate=None, sqlite_errorname=None):
        super().__init__("driver error")
        self.sqlstate, self.sqlite_errorname = sqlstate, sqlite_errorname


@pytest.mark.parametrize("error, kind", [
    (OperationalError("INSERT", {}, _Driver(sqlite_errorname="SQLITE_FULL")), "full"),
    (OperationalError("INSERT", {}, _Driver(sqlite_errorname="SQLITE_READONLY_DBMOVED")), "read_only"),
    (OperationalError("INSERT", {}, _Driver(sqlite_errorname="SQLITE_IOERR_WRITE")), "io"),
    (OperationalError("INSERT", {}, _Driver(sqlite_errorname="SQLITE_BUSY")), "busy"),
    (OperationalError("SELECT", {}, _Driver(sqlite_errorname="SQLITE_NOTADB")), "corrupt"),
    (OperationalError("INSERT", {}, _Driver(sqlstate="53100")), "full"),  # PostgreSQL: disk_full
    (InternalError("INSERT", {}, _Driver(sqlstate="25006")), "read_only"),  # read_only_sql_transaction
    (OperationalError("SELECT", {}, _Driver(sqlstate="08006")), "unreachable"),  # connection_failure
    (InternalError("SELECT", {}, _Driver(sqlstate="XX000")), None),  # a bug, answered as one (500)
])
def test_database_faults_are_told_apart(error, kind):
    fault = dbfaults.describe(error)
    assert (fault.kind if fault else None) == kind


def test_a_login_that_cannot_be_recorded_does_not_log_in(app, client, switch):
    """The audit row of a login is written before the login takes effect: on a read-only database
    the answer is the read-only page, and the browser is not logged in."""
    from remit.admin import auth
    from remit.models import AuditEvent

    auth.create_user("admin@example.org", "correct horse battery", "admin")
    db.session.commit()
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    switch.set("read_only")
    answer = client.post("/login", data={"csrf_token": csrf, "email": "admin@example.org",
                                         "password": "correct horse battery"})
    assert answer.status_code == 503
    assert "The database is read-only just now" in answer.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302  # sent to the login page
    switch.set(None)
    assert db.session.query(AuditEvent).filter_by(action="logged in").count() == 0
    login(client)  # and once writable, the login goes through
    assert client.get("/admin/").status_code == 200
