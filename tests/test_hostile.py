"""Every hostile request of tests/hostile.py gets its documented 4xx, on both databases.

Time and memory are measured against a live gunicorn by bench/hostile.py (the suite has no timed
assertions).
"""
from __future__ import annotations

import re

from remit.extensions import db
from remit.services.keys import create_key

from .admin.test_admin_imports import login
from .hostile import CASES, CSRF, Case


def _csrf(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def send(client, case: Case, keys: dict[str, str] | None = None):
    headers = dict(case.headers)
    if case.who in ("import_key", "ledger_key"):
        headers["Authorization"] = f"Bearer {keys[case.who]}"
    kwargs = {"headers": headers}
    if case.json is not None:
        kwargs["json"] = case.json
    elif case.data is not None:
        kwargs["data"], kwargs["content_type"] = case.data, case.content_type
    elif case.form:
        token_page = "/admin/password" if case.who == "admin" else ("/login" if case.path == "/login" else "/bundle")
        kwargs["data"] = {name: (_csrf(client, token_page) if value == CSRF else value)
                          for name, value in case.form.items()}
    return client.open(case.path, method=case.method, **kwargs)


def _methods(allow: str | None) -> list[str] | None:
    return None if allow is None else sorted(m.strip() for m in allow.split(","))


def outcome(response, case: Case) -> tuple:
    body = response.get_data(as_text=True)
    allow = _methods(response.headers.get("Allow")) if case.allow else None
    return (case.name, response.status_code, case.says in body, allow)


def expected(case: Case) -> tuple:
    return (case.name, case.status, True, _methods(case.allow))


def check(got: list[tuple], cases: list[Case]) -> None:
    wrong = [(g, expected(c)) for g, c in zip(got, cases) if g != expected(c)]
    assert not wrong, "\n".join(f"got {g}, expected {e}" for g, e in wrong)


def test_every_hostile_request_gets_its_4xx(seeded, client):
    keys = {"import_key": create_key("hostile", "import")[1], "ledger_key": create_key("hostile ledger", "ledger")[1]}
    db.session.commit()
    cases = [c for c in CASES if c.who != "admin"]
    check([outcome(send(client, case, keys), case) for case in cases], cases)
    login(client)
    admin = [c for c in CASES if c.who == "admin"]
    check([outcome(send(client, case), case) for case in admin], admin)
