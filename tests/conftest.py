"""Fixtures: the app on SQLite and on a throwaway PostgreSQL server, a CLI runner, data builders.

Every test that takes `app` runs once per database. REMIT_TEST_DATABASES=sqlite limits a local run
to SQLite; REMIT_REQUIRE_POSTGRES=1 (set by .ci/run) makes a missing PostgreSQL an error, not a skip,
and REMIT_REQUIRE_REDIS=1 a missing redis-server.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import delete, func, select

os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ["REMIT_LOG_LEVEL"] = "WARNING"

from remit import create_app  # noqa: E402
from remit.extensions import db  # noqa: E402

from . import pg  # noqa: E402
from .api_document import ValidatingClient  # noqa: E402

# No timed assertions in the suite: Hypothesis's 200 ms deadline per example is one, and on a busy
# machine a ledger property test failed on it. Speed is measured in bench/.
settings.register_profile("remit", deadline=None)
settings.load_profile("remit")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATA = Path(__file__).resolve().parent / "data"
DATABASES = [d.strip() for d in os.environ.get("REMIT_TEST_DATABASES", "sqlite,postgresql").split(",") if d.strip()]


@pytest.fixture(scope="session")
def postgres_server():
    if pg.find_binaries() is None:
        if os.environ.get("REMIT_REQUIRE_POSTGRES") == "1":
            pytest.fail("PostgreSQL (initdb, pg_ctl) is required here but was not found")
        pytest.skip("PostgreSQL's initdb/pg_ctl not found: the PostgreSQL run is skipped on this machine")
    server = pg.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_server():
    """A throwaway redis-server for the rate-limit tests; REMIT_REQUIRE_REDIS=1 (set by .ci/run) makes a
    missing redis-server an error, not a skip."""
    from . import redis_server as redis_

    if redis_.find_binary() is None:
        if os.environ.get("REMIT_REQUIRE_REDIS") == "1":
            pytest.fail("redis-server is required here but was not found")
        pytest.skip("redis-server not found: the tests of rate limits shared through Redis are skipped")
    server = redis_.start()
    yield server
    server.stop()


def _migrated_url(kind: str, request, tmp_path_factory) -> str:
    if kind == "sqlite":
        return "sqlite:///" + str(tmp_path_factory.mktemp("sqlite") / "remit-test.db")
    server = request.getfixturevalue("postgres_server")
    return pg.create_database(server, "remit_test")


@pytest.fixture(scope="session", params=DATABASES)
def database_url(request, tmp_path_factory):
    url = _migrated_url(request.param, request, tmp_path_factory)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        db.engine.dispose()
    return url


@pytest.fixture
def app(database_url):
    # Rate limits are off except in the tests about them: the suite makes many calls a minute.
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": False})
    _fresh_g_per_request(app)
    app.test_client_class = ValidatingClient  # every API response is checked against the OpenAPI document
    with app.app_context():
        yield app
        db.session.rollback()
        _empty_tables()
        db.session.remove()
        db.engine.dispose()


def _fresh_g_per_request(app) -> None:
    """The test holds an app context open to reach the database, and Flask reuses it for the test
    client's requests; in production each request has its own. Emptying g first thing in every
    request keeps one request's cached values (CSRF token, logged-in user, locale) from leaking."""
    from flask import g

    def fresh_g():
        g.__dict__.clear()

    app.before_request_funcs.setdefault(None, []).insert(0, fresh_g)


def _empty_tables() -> None:
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(delete(table))
    db.session.commit()


@pytest.fixture
def make_app(database_url):
    """Build another app on the test database (other settings); its connections are closed after."""
    built = []

    def make(**config):
        new = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, **config})
        _fresh_g_per_request(new)
        new.test_client_class = ValidatingClient
        built.append(new)
        return new

    yield make
    for other in built:
        with other.app_context():
            db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def table_counts() -> dict[str, int]:
    """Rows in every table: what 'the database is unchanged' is checked against."""
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}


@pytest.fixture
def seeded(app):
    """The suite's seed data (tests/seeds.py): the seeds' rates and fee table, and 20 of the RPW corridors."""
    from remit.importers import run_import

    from .seeds import suite_files

    for kind, name, data in suite_files():
        report = run_import(kind, data, name, actor="test")
        assert report.ok, report.problems
    return app
