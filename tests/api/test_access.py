"""Partner keys, rate limits and the OpenAPI document."""
from __future__ import annotations

import hashlib
import re

from sqlalchemy import select

from remit.extensions import db
from remit.models import ApiKey


def new_key(runner, scope="read") -> str:
    result = runner.invoke(args=["remit", "create-api-key", "Partner app", "--scope", scope])
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def test_keys_are_shown_once_and_stored_hashed(runner):
    text = new_key(runner)
    assert re.fullmatch(r"rk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}", text)
    stored = db.session.execute(select(ApiKey)).scalar_one()
    assert stored.key_hash == hashlib.sha256(text.encode()).hexdigest()
    assert text not in (stored.key_hash, stored.prefix, stored.name)


def test_valid_key_works_and_unknown_or_revoked_keys_get_401(runner, client):
    text = new_key(runner)
    ok = client.get("/api/v1/corridors", headers={"Authorization": f"Bearer {text}"})
    assert ok.status_code == 200
    assert db.session.execute(select(ApiKey.last_used_at)).scalar_one() is not None
    wrong = client.get("/api/v1/corridors", headers={"Authorization": f"Bearer {text[:-2]}xx"})
    assert wrong.status_code == 401 and wrong.json["code"] == 401
    assert wrong.headers["WWW-Authenticate"] == 'Bearer realm="remit"'
    prefix = text.split("_")[1]
    assert runner.invoke(args=["remit", "revoke-api-key", prefix]).exit_code == 0
    assert client.get("/api/v1/corridors", headers={"Authorization": f"Bearer {text}"}).status_code == 401
    listed = runner.invoke(args=["remit", "list-api-keys"]).output
    assert prefix in listed and "revoked" in listed


def test_anonymous_clients_are_limited_more_than_key_holders(app, make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://",
                   REMIT_ANONYMOUS_RATE_LIMIT="3 per minute", REMIT_KEY_RATE_LIMIT="6 per minute")
    client = app.test_client()
    with app.app_context():
        key, text = __import__("remit.services.keys", fromlist=["create_key"]).create_key("limit test", "read")
        db.session.commit()
        try:
            codes = [client.get("/api/v1/corridors").status_code for _ in range(4)]
            assert codes == [200, 200, 200, 429]
            limited = client.get("/api/v1/corridors")
            assert limited.json["code"] == 429 and "Retry-After" in limited.headers
            headers = {"Authorization": f"Bearer {text}"}
            keyed = [client.get("/api/v1/corridors", headers=headers).status_code for _ in range(7)]
            assert keyed == [200] * 6 + [429]
        finally:
            db.session.delete(db.session.get(ApiKey, key.id))
            db.session.commit()
            db.session.remove()


def test_rate_limits_can_be_switched_off(app, make_app, monkeypatch):
    monkeypatch.setenv("REMIT_RATE_LIMITS", "off")
    app = make_app(REMIT_ANONYMOUS_RATE_LIMIT="1 per minute")
    client = app.test_client()
    assert [client.get("/api/v1/corridors").status_code for _ in range(3)] == [200, 200, 200]


def test_openapi_document_describes_every_operation(client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    quotes = spec["paths"]["/api/v1/quotes"]["get"]
    names = {p["name"] for p in quotes["parameters"]}
    assert {"send", "receive", "currency", "amount", "receive_amount", "payout_method", "funding_method",
            "max_speed", "provider_type", "region", "id_type", "transparent_only"} <= names
    assert {"200", "401", "404", "422", "429"} <= set(quotes["responses"])
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            assert operation.get("summary"), path
            assert {"200", "201"} & set(operation["responses"]), path  # 201: a cycle recorded


def test_interactive_docs_use_local_files_only(client):
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert "/api/v1/docs/static/swagger-ui-bundle.js" in page
    assert not re.search(r'(src|href)="https?://', page)
    with client.get("/api/v1/docs/static/swagger-ui-bundle.js") as script:
        assert script.status_code == 200 and script.mimetype == "text/javascript"


def test_a_ledger_key_can_be_tied_to_saved_groups_from_the_command_line(runner, client):
    from ..services.test_ledger_season import make_group

    finca, vivero = make_group("Finca 2026"), make_group("Vivero 2026")
    result = runner.invoke(args=["remit", "create-api-key", "Cooperativa", "--scope", "ledger", "--group", str(vivero.id)])
    assert result.exit_code == 0, result.output
    assert f"(ledger, groups {vivero.id} only)" in result.stderr
    listed = client.get("/api/v1/ledger/groups", headers={"Authorization": f"Bearer {result.stdout.strip()}"}).json
    assert [g["id"] for g in listed] == [vivero.id]
    assert f"[groups {vivero.id}]" in runner.invoke(args=["remit", "list-api-keys"]).output
    wrong_scope = runner.invoke(args=["remit", "create-api-key", "X", "--scope", "read", "--group", str(finca.id)])
    assert wrong_scope.exit_code == 2 and "--group is for a ledger key only" in wrong_scope.output
    unknown = runner.invoke(args=["remit", "create-api-key", "X", "--scope", "ledger", "--group", "999999"])
    assert unknown.exit_code == 2 and "no saved group has the id 999999" in unknown.output
    assert db.session.execute(select(ApiKey.name)).scalars().all() == ["Cooperativa"]
