"""Imports through the browser form (test client): preview, apply, cancel, history, revert, roles."""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from remit.admin import auth
from remit.extensions import db
from remit.models import FeeTier, ImportRun, PendingUpload

from ..conftest import SEEDS, table_counts
from ..importers.helpers import csv_bytes, fee_row
from ..importers.test_fees import BAD_FILES

SEED_FEES = SEEDS / "fees" / "CA-GT_illustrative_fee_table.csv"
PASSWORD = "correct horse battery"


def token(client, path="/admin/password") -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def login(client, role="admin"):
    email = f"{role}@example.org"
    if auth.find_user(email) is None:
        auth.create_user(email, PASSWORD, role)
        db.session.commit()
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post("/login", data={"csrf_token": csrf, "email": email, "password": PASSWORD}).status_code == 302


def upload(client, data: bytes, name="fees.csv", kind="fees"):
    return client.post("/admin/imports", data={"csrf_token": token(client), "kind": kind,
                                               "file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def test_anonymous_users_are_redirected_and_staff_cannot_change_anything(client):
    for path in ("/admin/", "/admin/imports", "/admin/imports/1"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    login(client, "staff")
    assert client.get("/admin/imports").status_code == 200
    assert upload(client, SEED_FEES.read_bytes()).status_code == 403
    assert client.post("/admin/imports/1/revert", data={"csrf_token": token(client)}).status_code == 403


def test_upload_preview_apply_and_history(client):
    login(client)
    response = upload(client, SEED_FEES.read_bytes(), SEED_FEES.name)
    assert response.status_code == 302
    preview = client.get(response.headers["Location"])
    assert "13 to add, 0 to change, 0 to retire, 0 unchanged." in text(preview)
    assert table_counts()["fee_tiers"] == 0  # nothing written by the preview
    pending = db.session.execute(select(PendingUpload)).scalar_one()
    applied = client.post(f"/admin/imports/pending/{pending.id}/apply", data={"csrf_token": token(client)})
    assert applied.status_code == 302
    run = db.session.execute(select(ImportRun)).scalar_one()
    assert applied.headers["Location"] == f"/admin/imports/{run.id}"
    assert (run.actor, run.added, run.filename) == ("admin@example.org", 13, SEED_FEES.name)
    detail = text(client.get(applied.headers["Location"]))
    assert "Rows it added (13)" in detail and "Illustrative Canadian Bank A" in detail
    assert "admin@example.org" in text(client.get("/admin/imports"))
    assert db.session.execute(select(PendingUpload)).first() is None

    changed = SEED_FEES.read_text().replace(",15.00,0,2,2026-01-01", ",17.50,0,2,2026-03-01", 1).encode()
    second = client.get(upload(client, changed).headers["Location"])
    page = text(second)
    assert "0 to add, 1 to change, 0 to retire, 12 unchanged." in page
    assert "fee_fixed 15 17.5" in page and "effective_from 2026-01-01 2026-03-01" in page


def test_the_same_file_applied_twice_changes_nothing(client):
    login(client)
    for _ in range(2):
        location = upload(client, SEED_FEES.read_bytes()).headers["Location"]
        pending_id = int(location.rsplit("/", 1)[1])
        client.post(f"/admin/imports/pending/{pending_id}/apply", data={"csrf_token": token(client)})
    assert db.session.query(ImportRun).count() == 1
    assert db.session.query(FeeTier).count() == 13


def test_cancel_writes_nothing(client):
    login(client)
    location = upload(client, SEED_FEES.read_bytes()).headers["Location"]
    pending_id = int(location.rsplit("/", 1)[1])
    client.post(f"/admin/imports/pending/{pending_id}/cancel", data={"csrf_token": token(client)})
    assert table_counts()["fee_tiers"] == 0 and table_counts()["pending_uploads"] == 0


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_every_bad_file_shows_its_row_errors_and_cannot_be_applied(client, case):
    login(client)
    data, expected = BAD_FILES[case]
    response = upload(client, data)
    preview = client.get(response.headers["Location"])
    assert preview.status_code == 422
    assert expected in preview.get_data(as_text=True).replace("&#39;", "'").replace("&#34;", '"')
    before = table_counts()
    pending = db.session.execute(select(PendingUpload)).scalar_one()
    refused = client.post(f"/admin/imports/pending/{pending.id}/apply", data={"csrf_token": token(client)})
    assert refused.status_code == 422
    assert table_counts() == before


def test_revert_through_the_page(client):
    login(client)
    for data in (csv_bytes([fee_row()]), csv_bytes([fee_row(fee_fixed="99.00")])):
        pending_id = int(upload(client, data).headers["Location"].rsplit("/", 1)[1])
        client.post(f"/admin/imports/pending/{pending_id}/apply", data={"csrf_token": token(client)})
    second = db.session.execute(select(ImportRun).order_by(ImportRun.id.desc())).scalars().first()
    # The detail page links to a page that says what the revert will change; one click changes nothing.
    assert f'href="/admin/imports/{second.id}/confirm-revert"' in client.get(f"/admin/imports/{second.id}").get_data(as_text=True)
    page = text(client.get(f"/admin/imports/{second.id}/confirm-revert"))
    assert ("Reverting retires the 1 rows this import added and restores the 1 rows it retired." in page
            and "99.00" in page and "15.00" in page)
    before = table_counts()
    unconfirmed = client.post(f"/admin/imports/{second.id}/revert", data={"csrf_token": token(client)})
    assert unconfirmed.headers["Location"] == f"/admin/imports/{second.id}/confirm-revert" and table_counts() == before
    response = client.post(f"/admin/imports/{second.id}/revert", data={"csrf_token": token(client), "confirm": "yes"})
    assert response.status_code == 302
    current = db.session.execute(select(FeeTier.fee_fixed).where(FeeTier.retired_by_import_id.is_(None))).scalars().all()
    assert [str(f) for f in current] == ["15.0000"]
    assert f"Import #{second.id} was reverted by import #" in text(client.get(response.headers["Location"]))


def test_a_file_too_large_gets_a_clear_413_page(make_app):
    small = make_app(MAX_CONTENT_LENGTH=2048)
    client = small.test_client()
    with small.app_context():
        login(client)
        response = upload(client, b"x" * 5000)
    assert response.status_code == 413
    assert "The file is too large: at most 2 KB can be uploaded." in text(response)


def test_only_csv_and_xlsx_are_accepted(client):
    login(client)
    response = upload(client, b"\x89PNG\r\n\x1a\n", name="photo.png")
    assert response.status_code == 422
    assert "Upload a .csv or .xlsx file." in text(response)
    renamed = client.get(upload(client, b"\x89PNG\r\n\x1a\n\x00\x00", name="photo.csv").headers["Location"])
    assert renamed.status_code == 422 and "not UTF-8 text" in text(renamed)


def test_fee_tables_page_and_download(client):
    login(client, "staff")
    from remit.importers import run_import

    run_import("fees", SEED_FEES.read_bytes(), SEED_FEES.name, actor="a")
    page = text(client.get("/admin/fees?as_of=2026-06-01"))
    assert "Fee tables in force on 2026-06-01" in page and "Illustrative Credit Union" in page
    assert "No fee table was in force on that date." in text(client.get("/admin/fees?as_of=2025-06-01"))
    assert client.get("/admin/fees?as_of=June").status_code == 422
    download = client.get("/admin/fees.csv?as_of=2026-06-01")
    assert download.mimetype == "text/csv" and download.get_data(as_text=True) == SEED_FEES.read_text()


def test_a_revert_that_cannot_be_made_says_why_before_anything_is_asked(client):
    login(client)
    from remit.importers import run_import

    first = run_import("fees", csv_bytes([fee_row()]), "first.csv", actor="a")
    run_import("fees", csv_bytes([fee_row(fee_fixed="11.00")]), "second.csv", actor="a")
    page = text(client.get(f"/admin/imports/{first.import_id}/confirm-revert"))
    assert f"This import cannot be reverted: import #{first.import_id + 1} changed these tables after" in page
    assert 'name="confirm"' not in client.get(f"/admin/imports/{first.import_id}/confirm-revert").get_data(as_text=True)


def test_pending_uploads_expire(client):
    import datetime as dt

    login(client)
    location = upload(client, SEED_FEES.read_bytes()).headers["Location"]
    pending = db.session.execute(select(PendingUpload)).scalar_one()
    pending.created_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - dt.timedelta(hours=25)
    db.session.commit()
    expired = client.get(location)
    assert expired.status_code == 410 and "This upload has expired" in text(expired)
    assert table_counts()["pending_uploads"] == 0
    # An old upload nobody opened again is removed at the next upload.
    upload(client, SEED_FEES.read_bytes())
    stale = db.session.execute(select(PendingUpload)).scalar_one()
    stale.created_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - dt.timedelta(days=2)
    db.session.commit()
    upload(client, SEED_FEES.read_bytes())
    assert table_counts()["pending_uploads"] == 1
