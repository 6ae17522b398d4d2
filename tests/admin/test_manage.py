"""Providers, API keys, users and the audit log in the admin pages."""
from __future__ import annotations

import re

from sqlalchemy import select

from remit.extensions import db
from remit.models import ApiKey, AuditEvent, Provider, User

from ..conftest import SEEDS
from .test_admin_imports import login, text, token


def test_deactivating_a_provider_takes_it_out_of_quotes_and_is_audited(client):
    from remit.importers import run_import

    run_import("rates", (SEEDS / "rates" / "reference_rates_2025-12.csv").read_bytes(), "r.csv", actor="a")
    run_import("fees", (SEEDS / "fees" / "CA-GT_illustrative_fee_table.csv").read_bytes(), "f.csv", actor="a")
    quotes = "/api/v1/quotes?send=CA&receive=GT&amount=300&currency=CAD"
    assert len(client.get(quotes).json) == 7
    login(client)
    response = client.post("/admin/providers/illustrative-money-transfer-b", data={
        "csrf_token": token(client), "name": "Illustrative Money Transfer B", "website": "https://example.org",
        "licence_note": "FINTRAC MSB (illustrative)"})  # 'active' unticked
    assert response.status_code == 302
    provider = db.session.execute(select(Provider).where(Provider.slug == "illustrative-money-transfer-b")).scalar_one()
    assert provider.active is False and provider.website == "https://example.org"
    assert len(client.get(quotes).json) == 5  # its two products are gone, at once
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "provider changed")).scalar_one()
    assert event.actor == "admin@example.org" and '"active": [true, false]' in event.detail
    bad = client.post("/admin/providers/illustrative-money-transfer-b",
                      data={"csrf_token": token(client), "name": "", "website": "not a url"})
    assert bad.status_code == 422 and "Enter a name." in text(bad)


def test_staff_may_read_but_not_change(client):
    from remit.importers import run_import

    run_import("fees", (SEEDS / "fees" / "CA-GT_illustrative_fee_table.csv").read_bytes(), "f.csv", actor="a")
    login(client, "staff")
    assert client.get("/admin/providers").status_code == 200
    assert client.get("/admin/audit").status_code == 200
    assert client.post("/admin/providers/illustrative-credit-union", data={"csrf_token": token(client),
                                                                           "name": "X"}).status_code == 403
    for path in ("/admin/api-keys", "/admin/users"):
        assert client.get(path).status_code == 403


def test_api_keys_created_shown_once_and_revoked(client):
    login(client)
    page = client.post("/admin/api-keys", data={"csrf_token": token(client), "name": "Remesas App", "scope": "read"})
    shown = re.search(r'<code class="key">(rk_[^<]+)</code>', page.get_data(as_text=True)).group(1)
    assert client.get("/api/v1/corridors", headers={"Authorization": f"Bearer {shown}"}).status_code == 200
    listing = text(client.get("/admin/api-keys"))
    assert "Remesas App" in listing and shown not in listing and "UTC" in listing  # last use shown
    key = db.session.execute(select(ApiKey)).scalar_one()
    client.post(f"/admin/api-keys/{key.id}/revoke", data={"csrf_token": token(client)})
    assert client.get("/api/v1/corridors", headers={"Authorization": f"Bearer {shown}"}).status_code == 401
    actions = [a for (a,) in db.session.execute(select(AuditEvent.action).order_by(AuditEvent.id))]
    assert "API key created" in actions and "API key revoked" in actions


def test_users_are_managed_by_admins(client, app):
    login(client)
    created = client.post("/admin/users", data={"csrf_token": token(client), "email": "Ana@Example.org",
                                                "role": "staff", "password": "a long password here"})
    assert created.status_code == 302
    ana = db.session.execute(select(User).where(User.email == "ana@example.org")).scalar_one()
    assert ana.role == "staff" and ana.password_hash.startswith("$argon2id$")
    duplicate = client.post("/admin/users", data={"csrf_token": token(client), "email": "ana@example.org",
                                                  "role": "staff", "password": "a long password here"})
    assert duplicate.status_code == 422 and "exists already" in text(duplicate)
    client.post(f"/admin/users/{ana.id}/active", data={"csrf_token": token(client)})
    db.session.refresh(ana)
    assert ana.active is False
    other = app.test_client()
    page = other.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    refused = other.post("/login", data={"csrf_token": csrf, "email": "ana@example.org",
                                         "password": "a long password here"})
    assert refused.status_code == 401
    audit_page = text(client.get("/admin/audit"))
    assert "login created" in audit_page and "login deactivated" in audit_page


def test_staff_save_a_bundle_group_and_load_it_again(seeded, client):
    login(client, "staff")
    page = client.get("/bundle").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    members = "\n".join(f"worker-{i:02d},350" for i in range(1, 21))
    data = {"csrf_token": csrf, "send": "CA", "receive": "GT", "pasted": members, "distribution_fee": "1.50",
            "incoming_fee": "15", "coordinator_fee": "0", "allocation": "pro_rata", "transfers_per_year": "12",
            "action": "plan"}
    html = client.post("/bundle", data=data).get_data(as_text=True)
    assert "Save this group" in html and 'formaction="/bundle/groups"' in html
    saved = client.post("/bundle/groups", data=data | {"group_name": "Farm crew 2026"})
    assert saved.status_code == 302
    from remit.models import BundleGroup

    group = db.session.execute(select(BundleGroup)).scalar_one()
    assert (group.name, group.created_by, group.members.count("\n")) == ("Farm crew 2026", "staff@example.org", 20)
    loaded = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "worker-20\t350" in loaded and 'value="1.50"' in loaded and "Farm crew 2026" in loaded


def test_anonymous_users_cannot_save_or_load_groups(seeded, client):
    assert "Save this group" not in client.get("/bundle").get_data(as_text=True)
    assert client.get("/bundle?group=1").status_code == 403
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                     client.get("/bundle").get_data(as_text=True)).group(1)
    response = client.post("/bundle/groups", data={"csrf_token": csrf, "name": "x"})
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]


def test_key_scopes_and_user_roles_are_listed_in_the_page_language(client):
    login(client)
    client.post("/admin/api-keys", data={"csrf_token": token(client), "name": "Cooperativa", "scope": "ledger"})
    for lang, scope in (("es", "registro de la temporada: todos los grupos guardados"),
                        ("fr", "registre de la saison : tous les groupes enregistrés"),
                        ("en", "season ledger: every saved group")):
        row = re.search(r"Cooperativa rk_\S+ (.+?) (nunca|jamais|never)", text(client.get(f"/admin/api-keys?lang={lang}")))
        assert row is not None and row.group(1) == scope
    assert "admin@example.org administrateur" in text(client.get("/admin/users?lang=fr"))
    assert "admin@example.org administrador" in text(client.get("/admin/users?lang=es"))


def test_a_ledger_key_is_tied_to_the_groups_ticked(client):
    from remit.models import ApiKeyGroup

    from ..services.test_ledger_season import make_group

    finca, vivero = make_group("Finca 2026"), make_group("Vivero 2026")
    login(client)
    form = text(client.get("/admin/api-keys?lang=es"))
    assert "Grupos guardados a los que tiene acceso" in form and "Finca 2026" in form and "Vivero 2026" in form
    refused = client.post("/admin/api-keys?lang=es", data={"csrf_token": token(client), "name": "Lectura",
                                                           "scope": "read", "groups": [str(finca.id)]})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "<title>Error:" in page or "<title>Error: " in page
    assert "Solo una clave del registro de la temporada se vincula a grupos" in text(refused)
    assert db.session.execute(select(ApiKey)).first() is None
    created = client.post("/admin/api-keys", data={"csrf_token": token(client), "name": "Cooperativa",
                                                   "scope": "ledger", "groups": [str(vivero.id)]})
    assert created.status_code == 200
    key = db.session.execute(select(ApiKey)).scalar_one()
    assert key.all_groups is False
    assert db.session.execute(select(ApiKeyGroup.group_id)).scalars().all() == [vivero.id]
    assert re.search(r"Cooperativa rk_\S+ season ledger: Vivero 2026 never", text(client.get("/admin/api-keys?lang=en")))
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "API key created")).scalar_one()
    assert f'"groups": [{vivero.id}]' in event.detail
