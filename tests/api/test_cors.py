"""Partners' web pages: cross-origin reads (REMIT_CORS_ORIGINS), preflights that cost no rate limit,
and Retry-After only where it means "wait"."""
from __future__ import annotations

import pytest

from remit.config import cors_origins

PARTNER = "https://partner.example"


def preflight(client, path, method="GET", origin=PARTNER, headers="Authorization"):
    return client.open(path, method="OPTIONS", headers={
        "Origin": origin, "Access-Control-Request-Method": method, "Access-Control-Request-Headers": headers})


def test_any_origin_reads_public_data_by_default(seeded, client):
    answer = client.get("/api/v1/quotes?send=CA&receive=GT&amount=300&currency=CAD", headers={"Origin": PARTNER})
    assert answer.status_code == 200
    assert answer.headers["Access-Control-Allow-Origin"] == PARTNER
    exposed = {h.strip() for h in answer.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"ETag", "X-Pagination", "X-RateLimit-Remaining", "Retry-After"} <= exposed
    assert "Access-Control-Allow-Credentials" not in answer.headers  # no cookie crosses origins
    allowed = preflight(client, "/api/v1/corridors/CA-GT/stats", headers="Authorization, If-None-Match")
    assert allowed.status_code == 200 and allowed.headers["Access-Control-Allow-Origin"] == PARTNER
    assert allowed.headers["Access-Control-Allow-Methods"] == "GET, HEAD"
    assert {h.strip().lower() for h in allowed.headers["Access-Control-Allow-Headers"].split(",")} == {
        "authorization", "if-none-match"}
    # A bundle plan writes nothing: a page may ask for one.
    plan = preflight(client, "/api/v1/bundles", method="POST", headers="Content-Type")
    assert plan.headers["Access-Control-Allow-Methods"] == "POST"
    # An error answer carries the headers too, so that the page can read why.
    refused = client.get("/api/v1/quotes?send=CA&receive=GT&currency=CAD", headers={"Origin": PARTNER})
    assert refused.status_code == 422 and refused.headers["Access-Control-Allow-Origin"] == PARTNER


def test_imports_answer_no_other_origin(client):
    answer = preflight(client, "/api/v1/imports", method="POST", headers="Authorization, Content-Type")
    assert answer.status_code == 200  # not 401: a preflight carries no key
    assert not any(name.startswith("Access-Control-") for name in answer.headers.keys())
    refused = client.post("/api/v1/imports", headers={"Origin": PARTNER})
    assert refused.status_code == 401 and "Access-Control-Allow-Origin" not in refused.headers


def test_only_the_origins_configured(seeded, make_app):
    app = make_app(REMIT_CORS_ORIGINS=["https://a.example", "https://b.example"], RATELIMIT_ENABLED=False)
    client = app.test_client()
    with app.app_context():
        allowed = client.get("/api/v1/corridors", headers={"Origin": "https://b.example"})
        other = client.get("/api/v1/corridors", headers={"Origin": "https://evil.example"})
        none = make_app(REMIT_CORS_ORIGINS=[], RATELIMIT_ENABLED=False).test_client().get(
            "/api/v1/corridors", headers={"Origin": "https://a.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://b.example"
    assert "Origin" in allowed.headers["Vary"]
    assert other.status_code == 200 and "Access-Control-Allow-Origin" not in other.headers
    assert "Access-Control-Allow-Origin" not in none.headers


@pytest.mark.parametrize("text, origins", [
    (None, "*"), ("", "*"), ("*", "*"), ("none", []),
    ("https://a.example, https://b.example:8443/", ["https://a.example", "https://b.example:8443"]),
])
def test_the_setting_is_read_as_written(text, origins):
    assert cors_origins(text) == origins


@pytest.mark.parametrize("text", ["partner.example", "https://a.example/path", "ftp://a.example", "https://"])
def test_a_setting_that_names_no_origin_stops_the_start(text):
    with pytest.raises(ValueError, match="REMIT_CORS_ORIGINS"):
        cors_origins(text)


def test_preflights_cost_no_rate_limit_and_retry_after_means_wait(make_app):
    app = make_app(RATELIMIT_ENABLED=True, REMIT_ANONYMOUS_RATE_LIMIT="2 per minute")
    client = app.test_client()
    with app.app_context():
        preflights = [preflight(client, "/api/v1/corridors").status_code for _ in range(5)]
        first, second, third = (client.get("/api/v1/corridors", headers={"Origin": PARTNER}) for _ in range(3))
    assert preflights == [200] * 5
    assert (first.status_code, second.status_code, third.status_code) == (200, 200, 429)
    assert (first.headers["X-RateLimit-Remaining"], second.headers["X-RateLimit-Remaining"]) == ("1", "0")
    assert "Retry-After" not in first.headers and "Retry-After" not in second.headers
    assert 0 < int(third.headers["Retry-After"]) <= 60
    assert third.json["code"] == 429 and third.headers["Access-Control-Allow-Origin"] == PARTNER
