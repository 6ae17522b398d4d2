"""The database going away: a clear 503, then recovery without restarting the app."""
from __future__ import annotations

import pytest


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
