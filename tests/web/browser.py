"""What the browser tests share: Debian's Chromium driven by Playwright, and remit served on loopback
with the seed data. A test module imports the fixtures it uses from here."""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def require_chromium() -> None:
    """Skip the calling module without Chromium; REMIT_REQUIRE_BROWSER=1 (as .ci/run sets) makes that an error."""
    if CHROMIUM is None:
        if os.environ.get("REMIT_REQUIRE_BROWSER") == "1":
            raise RuntimeError("Chromium is required here (apt-get install chromium) but was not found")
        pytest.skip("Chromium not found: browser tests skipped on this machine", allow_module_level=True)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's Chromium, not a downloaded build; no background traffic on a closed network.
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "headless": True,
            "args": ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync"]}


def serve(tmp_path_factory, live_db: dict[str, str], extra: list[tuple[str, str, bytes]] = (), *,
          config: dict | None = None, prepare=None):
    """remit with the seed data (and `extra` files, imported after it) on a free loopback port, in a
    thread; yields its base URL. `config`: settings of the app; `prepare`: called in its app context,
    after the files, to put in what a test needs (instead of the seeds when it is given)."""
    from werkzeug.serving import make_server

    from remit import create_app
    from remit.extensions import db
    from remit.importers import run_import

    from ..seeds import suite_files

    url = "sqlite:///" + str(tmp_path_factory.mktemp("browser") / "remit.db")
    live_db["url"] = url
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False, **(config or {})})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        for kind, name, data in [*(suite_files() if prepare is None else ()), *extra]:
            assert run_import(kind, data, name, actor="test").ok
        if prepare is not None:
            prepare()
            db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    with app.app_context():
        db.engine.dispose()


def add_user(live_db: dict[str, str], email: str, password: str, role: str = "admin") -> None:
    from remit import create_app
    from remit.admin import auth
    from remit.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": live_db["url"]})
    with app.app_context():
        if auth.find_user(email) is None:
            auth.create_user(email, password, role)
            db.session.commit()
        db.engine.dispose()


def shot(page, name: str) -> Path:
    path = ARTIFACTS / "screenshots" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path
