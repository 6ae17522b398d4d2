"""Security headers, logins, roles, lockout and CSRF."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select
from werkzeug.routing import IntegerConverter

from remit.admin import auth
from remit.domain.errors import RemitError
from remit.extensions import db
from remit.models import AuditEvent, LoginFailure


def test_security_headers_on_pages_and_api(client):
    for path in ("/", "/api/v1/corridors", "/healthz", "/no-such-page"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp.split(
            "script-src")[1].split(";")[0]
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_no_page_has_an_inline_script(seeded, client):
    for path in ("/", "/compare?send=CA&receive=GT&mode=send&amount=300&currency=CAD", "/bundle", "/providers",
                 "/corridors/US-GT", "/login", "/api/v1/docs"):
        page = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), path


def make_user(email="admin@example.org", password="correct horse battery", role="admin"):
    user = auth.create_user(email, password, role)
    db.session.commit()
    return user


def csrf(client, path="/login") -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def log_in(client, email="admin@example.org", password="correct horse battery"):
    return client.post("/login", data={"csrf_token": csrf(client), "email": email, "password": password})


def test_password_is_stored_as_argon2(app):
    user = make_user()
    assert user.password_hash.startswith("$argon2id$")
    assert "correct horse battery" not in user.password_hash
    with pytest.raises(RemitError, match="A password needs 12 to 200 characters."):
        auth.create_user("short@example.org", "too short", "staff")


def test_anonymous_users_are_sent_to_the_login_page(client):
    for path in ("/admin/", "/admin/password"):
        response = client.get(path)
        assert response.status_code == 302 and "/login?next=" in response.headers["Location"]


def test_login_logout_and_wrong_password(client):
    make_user()
    wrong = log_in(client, password="wrong password!!")
    assert wrong.status_code == 401 and "The e-mail or the password is wrong." in wrong.get_data(as_text=True)
    ok = log_in(client)
    assert ok.status_code == 302 and ok.headers["Location"] == "/admin/"
    assert "Logged in as admin@example.org (admin)." in client.get("/admin/").get_data(as_text=True)
    token = csrf(client, "/admin/password")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/admin/").status_code == 302


STRANGER, OWNER = {"REMOTE_ADDR": "203.0.113.5"}, {"REMOTE_ADDR": "198.51.100.7"}


def log_in_from(client, where: dict, email="admin@example.org", password="correct horse battery"):
    return client.post("/login", data={"csrf_token": csrf(client), "email": email, "password": password},
                       environ_base=where)


def test_each_wrong_password_after_the_fourth_doubles_the_wait():
    waits = [auth.wait_after(n) for n in range(1, 12)]
    assert waits == [None] * 4 + [dt.timedelta(seconds=s) for s in (30, 60, 120, 240, 480, 900, 900)]


def test_a_stranger_failing_on_purpose_slows_only_themselves(client):
    make_user()
    for _ in range(4):
        wrong = log_in_from(client, STRANGER, password="wrong password!!")
        assert wrong.status_code == 401 and "The e-mail or the password is wrong." in wrong.get_data(as_text=True)
    fifth = log_in_from(client, STRANGER, password="wrong password!!")
    assert fifth.status_code == 401
    assert "Too many wrong passwords from here: try again in 1 minute." in fifth.get_data(as_text=True)
    # From that address even the right password waits …
    assert log_in_from(client, STRANGER).status_code == 401
    # … while the owner, elsewhere, logs in.
    owner = client.application.test_client()
    assert log_in_from(owner, OWNER).status_code == 302
    # When the wait is over, one more wrong password waits twice as long (1 minute, then 2).
    row = db.session.execute(select(LoginFailure)).scalar_one()
    assert (row.email, row.address, row.failures) == ("admin@example.org", "203.0.113.5", 5)
    row.locked_until = auth.now() - dt.timedelta(seconds=1)
    db.session.commit()
    sixth = log_in_from(client, STRANGER, password="wrong password!!")
    assert "try again in 1 minute." in sixth.get_data(as_text=True)
    db.session.refresh(row)
    row.locked_until = auth.now() - dt.timedelta(seconds=1)
    db.session.commit()
    assert "try again in 2 minutes." in log_in_from(client, STRANGER, password="wrong password!!").get_data(
        as_text=True)
    db.session.refresh(row)
    row.locked_until = auth.now() - dt.timedelta(seconds=1)
    db.session.commit()
    # The right password, once the wait is over, logs in and forgets the failures.
    assert log_in_from(client, STRANGER).status_code == 302
    assert db.session.execute(select(LoginFailure)).all() == []
    assert [e.action for e in db.session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars()] == [
        "logins slowed", "logged in", "logged in"]


def test_an_unknown_e_mail_is_slowed_the_same_way(client):
    make_user()
    answers = [log_in_from(client, STRANGER, email="nobody@example.org", password="wrong password!!")
               for _ in range(5)]
    assert [a.status_code for a in answers] == [401] * 5
    assert "try again in 1 minute." in answers[-1].get_data(as_text=True)
    # Another e-mail from the same address is not slowed.
    other = log_in_from(client, STRANGER, password="wrong password!!")
    assert "The e-mail or the password is wrong." in other.get_data(as_text=True)


@pytest.mark.parametrize("target", [
    "/%09/evil.example", "/%0a/evil.example", "//evil.example", "/\\evil.example", "/%5Cevil.example",
    "/%2F%2Fevil.example", "/%252F%252Fevil.example", "https://evil.example/", "/%20/evil.example",
    "javascript:alert(1)", "%2F%2Fevil.example",
])
def test_next_leads_nowhere_off_site(client, target):
    make_user()
    page = client.get(f"/login?next={target}")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    response = client.post(f"/login?next={target}", data={"csrf_token": token, "email": "admin@example.org",
                                                          "password": "correct horse battery"})
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"


def test_next_leads_back_to_the_page_asked_for(client):
    make_user()
    asked = client.get("/admin/imports?page=1")
    assert asked.headers["Location"] == "/login?next=%2Fadmin%2Fimports%3Fpage%3D1"
    token = csrf(client)
    response = client.post(asked.headers["Location"], data={"csrf_token": token, "email": "admin@example.org",
                                                            "password": "correct horse battery"})
    assert response.headers["Location"] == "/admin/imports?page=1"


def test_a_session_cookie_copied_before_logout_opens_nothing_after(app):
    make_user()
    browser, thief = app.test_client(), app.test_client()
    log_in(browser)
    thief.set_cookie("session", browser.get_cookie("session").value)
    assert thief.get("/admin/").status_code == 200  # the copy works while the session lasts
    assert browser.post("/logout", data={"csrf_token": csrf(browser, "/admin/password")}).status_code == 302
    after = thief.get("/admin/")
    assert after.status_code == 302 and "/login?next=" in after.headers["Location"]
    assert browser.get("/admin/").status_code == 302
    assert log_in(browser).status_code == 302  # a new login works


def test_login_attempts_are_limited_per_address(make_app):
    limited = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://", REMIT_LOGIN_RATE_LIMIT="3 per minute")
    client = limited.test_client()
    with limited.app_context():
        token = csrf(client)
        codes = [client.post("/login", data={"csrf_token": token, "email": "x@example.org", "password": "y"}).status_code
                 for _ in range(4)]
    assert codes == [401, 401, 401, 429]


@pytest.mark.parametrize("proxies, expected", [(0, [401, 401, 429, 429]), (1, [401, 401, 401, 401])])
def test_behind_a_trusted_proxy_logins_are_limited_per_client_address(make_app, proxies, expected):
    """Two clients, each trying twice, through one proxy that says who each is (X-Forwarded-For).
    Unless the proxy is trusted (REMIT_TRUSTED_PROXIES), the header is ignored, as any client could
    write it, and both count as the one address: the third and fourth attempts are refused. Trusted,
    each client has its own count, so neither locks the other out."""
    limited = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://", REMIT_LOGIN_RATE_LIMIT="2 per minute",
                       REMIT_TRUSTED_PROXIES=proxies)
    client = limited.test_client()
    with limited.app_context():
        token = csrf(client)
        codes = [client.post("/login", data={"csrf_token": token, "email": "x@example.org", "password": "y"},
                             headers={"X-Forwarded-For": address}).status_code
                 for address in ("203.0.113.5", "198.51.100.7", "203.0.113.5", "198.51.100.7")]
    assert codes == expected


def test_a_form_without_csrf_token_is_refused(client):
    make_user()
    response = client.post("/login", data={"email": "admin@example.org", "password": "correct horse battery"})
    assert response.status_code == 400
    assert "The form expired or did not come from this page" in response.get_data(as_text=True)


def test_changing_the_password_ends_other_sessions(app):
    make_user()
    first, second = app.test_client(), app.test_client()
    log_in(first)
    log_in(second)
    token = csrf(first, "/admin/password")
    changed = first.post("/admin/password", data={"csrf_token": token, "current": "correct horse battery",
                                                   "new": "a new long password", "confirm": "a new long password"})
    assert changed.status_code == 302
    assert first.get("/admin/").status_code == 200
    assert second.get("/admin/").status_code == 302  # the other session has ended


def test_session_cookie_flags(client):
    make_user()
    response = log_in(client)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_create_user_cli(runner):
    result = runner.invoke(args=["remit", "create-user", "Staff@Example.org", "--role", "staff", "--password-stdin"],
                           input="a long enough password\n")
    assert result.exit_code == 0, result.output
    assert auth.find_user("staff@example.org").role == "staff"
    again = runner.invoke(args=["remit", "create-user", "staff@example.org", "--role", "staff", "--password-stdin"],
                          input="a long enough password\n")
    assert again.exit_code == 1 and "exists already" in again.output
    short = runner.invoke(args=["remit", "create-user", "b@example.org", "--role", "admin", "--password-stdin"],
                          input="short\n")
    assert short.exit_code == 1 and "A password needs 12 to 200 characters." in short.output


def test_hsts_is_sent_over_https_only(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://remit.example.org")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


def test_every_admin_page_redirects_anonymous_users(app, client):
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/admin") or "GET" not in rule.methods:
            continue
        values = {arg: ("1" if isinstance(rule._converters.get(arg), IntegerConverter) else "x")
                  for arg in rule.arguments}
        path = rule.rule
        for arg, value in values.items():
            path = re.sub(rf"<(?:\w+:)?{arg}>", value, path)
        response = client.get(path)
        assert response.status_code == 302 and "/login?next=" in response.headers["Location"], path
        checked += 1
    assert checked >= 10


def test_a_request_that_changes_nothing_in_the_session_sends_no_cookie(client):
    """A browser sends the favicon's and the style sheet's requests beside a page's: were each answer to
    send the session back as it was read, a slow one could land after the page that chose Spanish and
    put English back. Only an answer that changes the session sends it."""
    make_user()
    log_in(client)
    assert "Set-Cookie" in client.get("/admin/?lang=es").headers
    static = client.get("/static/favicon.svg")
    assert static.status_code == 200 and "Set-Cookie" not in static.headers
    page = client.get("/admin/")
    assert page.status_code == 200 and "Set-Cookie" not in page.headers
    assert 'lang="es"' in page.get_data(as_text=True)
