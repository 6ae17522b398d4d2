"""POST /api/v1/imports and GET /api/v1/imports/{id}."""
from __future__ import annotations

import io

import pytest

from remit.services.keys import create_key
from remit.extensions import db

from ..conftest import SEEDS, table_counts
from ..importers.test_fees import BAD_FILES

SEED_FEES = SEEDS / "fees" / "CA-GT_illustrative_fee_table.csv"


def key(scope: str) -> dict:
    _, text = create_key(f"{scope} partner", scope)
    db.session.commit()
    return {"Authorization": f"Bearer {text}"}


def post(client, data: bytes, headers=None, kind="fees", dry_run=False, name="fees.csv"):
    return client.post("/api/v1/imports", headers=headers or {}, content_type="multipart/form-data",
                       data={"kind": kind, "dry_run": "true" if dry_run else "false", "file": (io.BytesIO(data), name)})


def test_missing_key_401_and_read_key_403(client):
    assert post(client, SEED_FEES.read_bytes()).status_code == 401
    response = post(client, SEED_FEES.read_bytes(), key("read"))
    assert response.status_code == 403
    assert response.json["message"] == "This API key has the 'read' scope; this call needs 'import'."
    assert client.get("/api/v1/imports/1").status_code == 401
    assert table_counts()["fee_tiers"] == 0


def test_dry_run_apply_and_report(client):
    headers = key("import")
    dry = post(client, SEED_FEES.read_bytes(), headers, dry_run=True)
    assert dry.status_code == 200 and dry.json["result"] == "dry_run" and dry.json["added"] == 13
    assert table_counts()["fee_tiers"] == 0
    # The dry run's report is kept: its address gives it again, to this key only.
    assert dry.headers["Location"] == f"/api/v1/imports/jobs/{dry.json['job']}"
    kept = client.get(dry.headers["Location"], headers=headers).json
    assert (kept["state"], kept["dry_run"], kept["report"]["added"], kept["report"]["result"]) == (
        "done", True, 13, "dry_run")
    assert client.get(dry.headers["Location"], headers=key("import")).status_code == 404
    applied = post(client, SEED_FEES.read_bytes(), headers)
    assert applied.status_code == 201
    assert applied.headers["Location"] == f"/api/v1/imports/{applied.json['id']}"
    report = client.get(applied.headers["Location"], headers=headers).json
    assert (report["added"], report["actor"], report["result"]) == (13, "api:import partner", "applied")
    again = post(client, SEED_FEES.read_bytes(), headers)
    assert again.status_code == 200 and again.json["result"] == "no_change" and again.json["id"] is None


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_every_bad_file_is_422_with_its_row_errors_and_writes_nothing(client, case):
    headers = key("import")
    data, expected = BAD_FILES[case]
    before = table_counts()
    response = post(client, data, headers)
    assert response.status_code == 422
    assert expected in response.json["errors"]["form"]["file"]
    # The same problems as objects, for programs: where (row, column), what (message) and its code.
    problems = response.json["problems"]
    assert len(problems) == len(response.json["errors"]["form"]["file"])
    assert all(set(p) == {"row", "column", "message", "code"} and p["code"] for p in problems)
    assert table_counts() == before | {"api_keys": before["api_keys"]}


def test_bad_kind_is_422(client):
    response = post(client, SEED_FEES.read_bytes(), key("import"), kind="stuff")
    assert response.status_code == 422 and "kind" in response.json["errors"]["form"]
