"""Rate limits count every request once, however many processes serve them.

Two gunicorn workers (two processes) share one count in Redis: 90 reads against a limit of 60 give
exactly 60 answers and 30 refusals, 40 login posts against 30 exactly 30 and 10 (the issue counted 90
and 61 passing when each worker counted apart; with memory:// and the same two workers 72 and 85 of
the 90 reads passed in two runs by hand). `make run` serves with one process and threads (waitress);
gunicorn's settings refuse several processes with a store only one of them sees.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

from remit.config import rate_limits_problem

from .conftest import ROOT
from .redis_server import free_port

GUNICORN = str(Path(sys.executable).parent / "gunicorn")


def _migrated_sqlite(folder: Path) -> str:
    from flask_migrate import upgrade

    from remit import create_app
    from remit.extensions import db

    url = f"sqlite:///{folder}/limits.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return url


def _start_gunicorn(tmp_path: Path, workers: int, env: dict) -> tuple[subprocess.Popen, str, Path]:
    port = free_port()
    log = tmp_path / "access.log"
    # One thread per worker: with 8 clients at once, both processes take requests.
    server = subprocess.Popen(
        [GUNICORN, "--config", "gunicorn.conf.py", "--workers", str(workers), "--threads", "1",
         "--bind", f"127.0.0.1:{port}", "--access-logfile", str(log), "--access-logformat", "%(p)s %(U)s %(s)s",
         "wsgi:app"],
        cwd=ROOT, env=os.environ | {"SECRET_KEY": "rate-limit-test", "REMIT_LOG_LEVEL": "WARNING"} | env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return server, f"http://127.0.0.1:{port}", log


def _wait_until_up(server: subprocess.Popen, base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"gunicorn stopped: {server.stderr.read()}")
        try:
            if requests.get(base + "/healthz", timeout=5).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or a worker still starting
            time.sleep(0.1)
    raise AssertionError("gunicorn did not answer within 60 s")


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    server.stderr.close()


def _wait_until_every_worker_answers(base: str, log: Path, workers: int) -> None:
    """A worker still importing the app takes no connection: on a busy machine the other could then
    answer every read, and the test would not show two processes sharing one count. /healthz carries
    no rate limit; it is asked from several threads at once until each worker's pid is in the log."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda _: requests.get(base + "/healthz", headers={"Connection": "close"}, timeout=30),
                          range(16)))
        pids = {line.split()[0] for line in log.read_text().splitlines() if " /healthz " in line}
        if len(pids) >= workers:
            return
        time.sleep(0.2)
    raise AssertionError(f"only {len(pids)} of {workers} gunicorn workers answered within 60 s")


def test_two_gunicorn_workers_share_one_count_in_redis(redis_server, tmp_path):
    import redis

    with redis.Redis.from_url(redis_server.url) as store:
        store.flushdb()
    env = {"DATABASE_URL": _migrated_sqlite(tmp_path), "REMIT_RATE_LIMIT_STORAGE": redis_server.url,
           "REMIT_LOGIN_RATE_LIMIT": "30 per 15 minutes"}
    server, base, log = _start_gunicorn(tmp_path, 2, env)
    try:
        _wait_until_up(server, base)
        _wait_until_every_worker_answers(base, log, 2)

        def read(_):  # a new connection each time, from 8 threads at once: both workers answer
            return requests.get(base + "/api/v1/corridors", headers={"Connection": "close"}, timeout=30).status_code

        with ThreadPoolExecutor(8) as pool:
            reads = list(pool.map(read, range(90)))
        assert (reads.count(200), reads.count(429)) == (60, 30)

        session = requests.Session()
        page = session.get(base + "/login").text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

        def log_in(_):
            return session.post(base + "/login", data={"csrf_token": token, "email": "x@example.org",
                                                      "password": "not the password"},
                                headers={"Connection": "close"}, timeout=30).status_code

        with ThreadPoolExecutor(8) as pool:
            logins = list(pool.map(log_in, range(40)))
        assert (logins.count(401), logins.count(429)) == (30, 10)
    finally:
        _stop(server)
    served_by = {line.split()[0] for line in log.read_text().splitlines() if " /api/v1/corridors " in line}
    assert len(served_by) == 2, "both worker processes answered reads"


def test_several_workers_without_a_shared_store_are_refused(tmp_path):
    server, base, _log = _start_gunicorn(tmp_path, 2, {"DATABASE_URL": f"sqlite:///{tmp_path}/none.db",
                                                       "REMIT_RATE_LIMIT_STORAGE": "memory://"})
    try:
        assert server.wait(timeout=60) != 0
        assert "2 worker processes would each count rate limits in their own memory" in server.stderr.read()
    finally:
        _stop(server)


def test_make_run_serves_with_one_process_and_threads():
    # One process by default: waitress and its threads (remit/server.py); several: gunicorn's settings.
    makefile = (ROOT / "Makefile").read_text()
    assert "WORKERS ?= 1" in makefile
    assert "$(FLASK) remit serve --host $(HOST) --port $(PORT)" in makefile
    settings: dict = {}
    exec((ROOT / "gunicorn.conf.py").read_text(), settings)
    assert (settings["threads"], settings["worker_class"]) == (8, "gthread")
    assert rate_limits_problem(1, {}) is None
    assert rate_limits_problem(4, {"REMIT_RATE_LIMIT_STORAGE": "redis://127.0.0.1:6379/0"}) is None
    assert rate_limits_problem(4, {"REMIT_RATE_LIMITS": "off"}) is None
    assert rate_limits_problem(2, {}).startswith("2 worker processes would each count rate limits")


def test_limits_hold_when_redis_stops_answering(make_app):
    """A store that does not answer counts in the process's memory until it is back: reads go on, limited."""
    from remit.extensions import limiter

    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}/0",
                   REMIT_ANONYMOUS_RATE_LIMIT="3 per minute")
    client = app.test_client()
    try:
        with app.app_context():
            assert [client.get("/api/v1/corridors").status_code for _ in range(4)] == [200, 200, 200, 429]
    finally:
        limiter._storage_dead = False  # the limiter is one object for every app the tests build
