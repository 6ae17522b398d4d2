"""The season ledger in Debian's Chromium: a cycle recorded through the pages from a saved plan, and a
worker's statement of a six-cycle season printed on one A4 page in Spanish.

The figures are worked by hand in tests/services/test_ledger_season.py (today's mid-market rate is the
corridor's latest, 5.6: the cycle is that module's cycle 5)."""
from __future__ import annotations

import re
import threading

import pytest

from .browser import ARTIFACTS, add_user, browser_type_launch_args, require_chromium, shot  # noqa: F401

require_chromium()

EMAIL, PASSWORD = "coordinator-ledger@example.org", "correct horse battery staple"
WORKERS = "\n".join(f"w{i:02d}\t{500 if i <= 4 else 750 if i <= 8 else 1250}\tCorner Agent · Cash pickup\tes"
                    for i in range(1, 13))
LIVE: dict[str, str] = {}


@pytest.fixture(scope="module")
def ledger_server(tmp_path_factory):
    from werkzeug.serving import make_server

    from remit import create_app
    from remit.extensions import db

    from ..services.test_ledger_season import load_corridor, make_group, record_season

    url = "sqlite:///" + str(tmp_path_factory.mktemp("ledger") / "remit.db")
    LIVE["url"] = url
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        load_corridor()
        group = make_group()
        record_season(group)
        LIVE["season"] = f"/ledger/groups/{group.id}/seasons/2026"
        db.session.remove()
    add_user(LIVE, EMAIL, PASSWORD, "staff")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    with app.app_context():
        db.engine.dispose()


def log_in(page, base: str) -> None:
    page.goto(base + "/login?lang=en")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/"))


def submit(page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def test_a_cycle_is_recorded_through_the_pages_from_a_saved_plan(page, ledger_server):
    log_in(page, ledger_server)
    page.goto(ledger_server + "/bundle?lang=en")
    page.select_option("#send", "CA")
    page.select_option("#receive", "GT")
    page.fill("#pasted", WORKERS)
    page.fill("#distribution_fee", "1.50")
    page.fill("#incoming_fee", "10")
    page.fill("#intermediary_fee", "25")
    submit(page, "#plan")
    page.fill("#group_name", "Finca del Norte")
    submit(page, "button:has-text('Save the group')")
    assert "was saved" in page.locator("main").inner_text()
    submit(page, "#plan")  # the saved group's plan, priced today
    submit(page, "#record-cycle")
    assert re.search(r"/ledger/cycles/\d+$", page.url), page.url
    assert "Nothing handed over is recorded for 12 members" in page.locator("#check").inner_text()

    submit(page, "#contributions-as-planned")
    for selector, value in (("#bank_reference", "FT2612010001"), ("#debited", "10030.00"), ("#fee", "30"),
                            ("#applied_rate", "0.75"), ("#intermediary", "18.75"), ("#receiving_fee", "7.50"),
                            ("#credited", "54684.00")):
        page.fill(selector, value)
    page.select_option("#currency_sent", "USD")
    submit(page, "#record-wire")
    page.fill("#distribution_fee", "8.40")
    submit(page, "button:has-text('Save the fee')")
    statuses = page.locator("#payouts select[name$='-status']")
    for index in range(statuses.count()):
        statuses.nth(index).select_option("paid")
    submit(page, "#save-payouts")

    assert "Everything adds up" in page.locator("#check").inner_text()
    w05 = page.locator("table.ledger-members tbody tr").nth(4).inner_text()
    assert "CA$21.38" in w05 and "GTQ4,092.90" in w05, w05
    assert "What the cycle cost\tCA$283.00 (plan CA$283.00)" in page.locator("table.totals").inner_text()
    submit(page, "#complete-cycle")
    assert "Completed on" in page.locator("main").inner_text()
    assert page.locator("#record-wire").count() == 0  # locked: no form to change it
    shot(page, "ledger-cycle-completed")


def test_a_statement_prints_on_one_page_in_spanish(page, ledger_server):
    log_in(page, ledger_server)
    page.goto(ledger_server + LIVE["season"] + "?lang=es")
    page.click("a:has-text('w01')")
    page.wait_for_load_state("load")
    statement = page.locator("article.statement")
    assert statement.count() == 1 and statement.get_attribute("lang") == "es"
    text = statement.inner_text().replace("\u00a0", " ")
    assert "Su estado de cuenta de la temporada 2026" in text
    # w01's season, worked by hand: shares 91.88, handed over 3,109.50, family 16,752.97, saved 95.56.
    assert "La temporada\t3.100,00 CAD\t3.109,50 CAD\t91,88 CAD\t16.752,97 GTQ\t95,56 CAD\t76,56 CAD" in text, text
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    (ARTIFACTS / "ledger-statement-es.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 1, f"w01's statement of six cycles prints on {pages} pages"
