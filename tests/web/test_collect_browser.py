"""Price collection in Debian's Chromium, on a 375 px phone in Spanish: a collector records the
hand-worked observation with a photo carrying EXIF GPS, sees its figures before saving, saves it; an
administrator approves it. The stored photo has no GPS left."""
from __future__ import annotations

import re
import threading

import pytest
from PIL import Image

from .browser import add_user, browser_type_launch_args, require_chromium, shot  # noqa: F401
from .test_collect import photo_with_gps
from .test_fit_and_access import serious_violations

require_chromium()

COLLECTOR, ADMIN, PASSWORD = "colecta@example.org", "admin-collect@example.org", "correct horse battery staple"
LIVE: dict[str, str] = {}


@pytest.fixture(scope="module")
def collect_server(tmp_path_factory):
    from werkzeug.serving import make_server

    from remit import create_app
    from remit.admin import auth
    from remit.extensions import db

    from ..importers.helpers import load_hand_worked_corridor

    url = "sqlite:///" + str(tmp_path_factory.mktemp("collect") / "remit.db")
    evidence = tmp_path_factory.mktemp("evidence")
    LIVE.update(url=url, evidence=str(evidence))
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False, "REMIT_EVIDENCE_DIR": str(evidence)})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        load_hand_worked_corridor(b"CAD,GTQ,5.55,2026-11-20,test rate\n")
        auth.create_user(COLLECTOR, PASSWORD, "staff").collector = True
        db.session.commit()
        db.session.remove()
    add_user(LIVE, ADMIN, PASSWORD, "admin")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    with app.app_context():
        db.engine.dispose()


def log_in(page, base: str, email: str) -> None:
    page.goto(base + "/login?lang=es")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/"))


def sideways(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def test_a_collector_records_with_a_photo_and_an_administrator_approves(browser, collect_server, tmp_path, axe):
    base = collect_server
    phone = browser.new_context(viewport={"width": 375, "height": 800}, locale="es-ES")
    page = phone.new_page()
    log_in(page, base, COLLECTOR)
    page.goto(base + "/collect?lang=es")
    assert page.locator("h1").inner_text() == "Registrar un precio observado"
    assert sideways(page) <= 0 and serious_violations(axe, page) == []
    with page.expect_navigation():
        page.click("button[value=check]")  # nothing filled in: each field says what it needs
    assert page.locator(".error-summary").is_visible()
    assert sideways(page) <= 0 and serious_violations(axe, page) == []
    page.select_option("#corridor", "CA-GT")
    page.fill("#observed_on", "2026-11-20")
    page.fill("#provider", "Remesas Uno")
    page.select_option("#provider_type", "mto")
    page.fill("#product", "Retiro en efectivo")
    page.fill("#send_amount", "300,00")
    page.fill("#fee", "9,99")
    page.fill("#exchange_rate", "5,40")
    page.fill("#collector", "MG")
    photo = tmp_path / "tablero.jpg"
    photo.write_bytes(photo_with_gps())
    page.set_input_files("#evidence", str(photo))
    with page.expect_navigation():
        page.click("button[value=check]")
    figures = page.locator("#figures").inner_text()
    for shown in ("Antes de guardar: ronda CA-GT:2026-11", "2,70", "8,11", "18,10", "6,03", "1.620,00",
                  "Nada que revisar"):
        assert shown in figures, shown
    assert sideways(page) <= 0 and serious_violations(axe, page) == []
    shot(page, "collect-check-es-375")
    with page.expect_navigation():
        page.click("button[value=save]")
    assert "quedó registrada en la ronda CA-GT:2026-11" in page.locator("[role=status]").inner_text()
    phone.close()

    desk = browser.new_context(viewport={"width": 375, "height": 800}, locale="es-ES")
    page = desk.new_page()
    log_in(page, base, ADMIN)
    page.goto(base + "/collect/rounds/CA-GT/2026-11?lang=es")
    assert "Remesas Uno" in page.locator("h2").first.inner_text()
    assert sideways(page) <= 0 and serious_violations(axe, page) == []
    evidence = page.locator("a", has_text="Prueba (image/jpeg)")
    stored = evidence.get_attribute("href").rsplit("/", 1)[-1]
    with page.expect_navigation():
        page.click("button[value=approve]")
    assert "aprobada" in page.locator("[role=status]").inner_text()
    shot(page, "collect-round-es-375")
    desk.close()

    path = LIVE["evidence"] + "/" + stored
    with Image.open(path) as kept:
        assert kept.format == "JPEG"
        assert not kept.getexif().get_ifd(0x8825) and not kept.getexif()
    with open(path, "rb") as stored_file:
        assert b"TestCam" not in stored_file.read()

    from remit import create_app
    from remit.extensions import db
    from remit.models import PriceObservation

    app = create_app({"SQLALCHEMY_DATABASE_URI": LIVE["url"]})
    with app.app_context():
        row = db.session.query(PriceObservation).one()
        assert (row.status, row.reviewed_by, row.evidence_file) == ("approved", ADMIN, stored)
        db.engine.dispose()
