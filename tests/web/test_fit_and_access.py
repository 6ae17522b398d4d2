"""Every page in Chromium at a desktop width (1280 px) and a phone's (375 px), in English and Spanish:
nothing scrolls sideways, and axe-core (run in the page) finds no serious or critical violation of
WCAG 2.1 A/AA or of its best practices. The figures for each page go to
artifacts/fit-and-access-<language>-<width>.json."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from .browser import ARTIFACTS, add_user, browser_type_launch_args, require_chromium, serve, shot  # noqa: F401

require_chromium()

from axe_playwright_python.sync_playwright import Axe  # noqa: E402  (after the skip: it imports playwright)

LIVE_DB: dict[str, str] = {}
EMAIL, PASSWORD = "staff-a11y@example.org", "correct horse battery staple"

PUBLIC = {
    "home": "/",
    "results CA-GT": "/compare?send=CA&receive=GT&mode=send&amount=300&currency=CAD",
    "results US-MX": "/compare?send=US&receive=MX&mode=send&amount=200",
    "results US-MX filtered": "/compare?send=US&receive=MX&mode=send&amount=200&payout_method=cash_pickup"
                              "&max_speed=same_day",
    "results US-GT to receive": "/compare?send=US&receive=GT&mode=receive&amount=2000",
    "compare refused": "/compare?send=CA&receive=GT&mode=send&amount=-5",
    "corridor CA-GT": "/corridors/CA-GT",
    "corridor US-MX": "/corridors/US-MX",
    "corridors": "/corridors",
    "corridors filtered": "/corridors?send=CA&status=above&sort=cost_desc",
    "corridor CA-IN": "/corridors/CA-IN",
    "corridor CA-GH": "/corridors/CA-GH",
    "guide CA-GT": "/corridors/CA-GT/guide",
    "guide CA-IN": "/corridors/CA-IN/guide?amount=150&amount=2500",
    "guide refused": "/corridors/CA-GT/guide?amount=abc",
    "guides from Canada": "/guides?send=CA",
    "providers": "/providers",
    "provider": "/providers/illustrative-money-transfer-a",
    "provider from the survey": "/providers/walmart2world",
    "login": "/login",
    "not found": "/no-such-page",
}
ADMIN = {
    "admin": "/admin/", "imports": "/admin/imports", "fees": "/admin/fees", "admin providers": "/admin/providers",
    "admin provider": "/admin/providers/illustrative-money-transfer-a", "api keys": "/admin/api-keys",
    "users": "/admin/users", "audit": "/admin/audit", "password": "/admin/password",
    # The seeds' imports: rates (#1), the fee table (#2), the surveys (#3 and on).
    "import": "/admin/imports/2", "confirm revert": "/admin/imports/2/confirm-revert",
}
SEED_FEES = Path(__file__).resolve().parents[2] / "seeds" / "fees" / "CA-GT_illustrative_fee_table.csv"
BUNDLE = {"group transfer": "/bundle"}


def ledger_pages() -> dict[str, str]:
    """The season ledger's pages, for a group of twelve made once in the live database."""
    if "ledger" not in LIVE_DB:
        from remit import create_app
        from remit.extensions import db

        from .ledger_data import make_season

        app = create_app({"SQLALCHEMY_DATABASE_URI": LIVE_DB["url"], "RATELIMIT_ENABLED": False})
        with app.app_context():
            LIVE_DB["ledger"] = make_season()
            db.engine.dispose()
    return LIVE_DB["ledger"]

def job_pages() -> dict[str, str]:
    """A background import seen while it runs (40% read) and after it failed, made once in the live
    database: the pages an administrator watches during a large upload."""
    if "jobs" not in LIVE_DB:
        import datetime as dt

        from remit import create_app
        from remit.extensions import db
        from remit.models import ImportJob

        app = create_app({"SQLALCHEMY_DATABASE_URI": LIVE_DB["url"], "RATELIMIT_ENABLED": False})
        with app.app_context():
            now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
            common = dict(kind="fees", filename="national-fee-table-2026.csv", size=16_000_000, dry_run=True,
                          actor=EMAIL, owner="user:1", bytes_total=16_000_000, created_at=now)
            # Its heartbeat a day ahead: still running whenever the test looks, as a live job is.
            running = ImportJob(state="running", phase="reading", rows_read=40_000, bytes_read=6_400_000,
                                started_at=now, heartbeat_at=now + dt.timedelta(days=1), **common)
            failed = ImportJob(state="failed", phase="", rows_read=0, bytes_read=0, started_at=now, finished_at=now,
                               error="the server stopped while importing; nothing was written: start it again",
                               **common)
            db.session.add_all([running, failed])
            db.session.commit()
            LIVE_DB["jobs"] = {"import job running": f"/admin/imports/jobs/{running.id}",
                               "import job failed": f"/admin/imports/jobs/{failed.id}"}
            db.engine.dispose()
    return LIVE_DB["jobs"]


WIDTHS = {"desktop": (1280, 800), "phone": (375, 740)}
SERIOUS = {"serious", "critical"}


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    yield from serve(tmp_path_factory, LIVE_DB)


@pytest.fixture(scope="module")
def axe():
    return Axe()


def overflow(page) -> int:
    """How far the page scrolls sideways, in CSS pixels."""
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


def serious_violations(axe, page) -> list[str]:
    results = axe.run(page)
    return [f"{v['id']} ({v['impact']}): " + "; ".join(n["target"][0] for n in v["nodes"][:4])
            for v in results.response["violations"] if v["impact"] in SERIOUS]


def visit(page, axe, base: str, path: str, language: str) -> dict:
    url = base + path + ("&" if "?" in path else "?") + f"lang={language}"
    response = page.goto(url)
    page.wait_for_load_state("load")
    return {"status": response.status, "overflow_px": overflow(page), "axe": serious_violations(axe, page)}


def log_in(page, base: str) -> None:
    add_user(LIVE_DB, EMAIL, PASSWORD, "admin")
    page.goto(base + "/login?lang=en")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/"))


def check(figures: dict) -> list[str]:
    return [f"{name}: {f['overflow_px']} px sideways; {f['axe']}" for name, f in figures.items()
            if f["overflow_px"] > 0 or f["axe"]]


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("width", list(WIDTHS))
def test_every_page_fits_and_passes_axe(browser, live_server, axe, language, width, tmp_path):
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h})
    page = context.new_page()
    figures = {name: visit(page, axe, live_server, path, language) for name, path in PUBLIC.items()}
    shot(page, f"not-found-{language}-{width}")
    page.goto(live_server + f"/login?lang={language}")
    page.click("button[type=submit]")  # empty: refused, with its error summary
    page.wait_for_load_state("load")
    # Drawn from a 422 answer; "status" here only says the page was drawn.
    figures["login refused"] = {"status": 200, "overflow_px": overflow(page), "axe": serious_violations(axe, page)}
    assert page.title().startswith(("Error:", "Error: ")), page.title()
    log_in(page, live_server)
    figures |= {name: visit(page, axe, live_server, path, language) for name, path in ADMIN.items()}
    # An upload's preview, of a fee table with one fee changed (left pending: never applied).
    changed = tmp_path / "changed-fees.csv"
    changed.write_text(SEED_FEES.read_text().replace(",1.99,1,1.5,", ",0.99,1,1.5,", 1))
    page.goto(live_server + f"/admin/imports?lang={language}")
    page.set_input_files("#file", str(changed))
    page.click("form[enctype] button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/imports/pending/\d+"))
    page.wait_for_load_state("load")
    figures["import preview"] = {"status": 200, "overflow_px": overflow(page), "axe": serious_violations(axe, page)}
    assert page.locator("table.preview").count() == 1
    figures |= {name: visit(page, axe, live_server, path, language) for name, path in job_pages().items()}
    figures |= {name: visit(page, axe, live_server, path, language) for name, path in ledger_pages().items()}
    page.goto(live_server + ledger_pages()["open cycle"] + f"?lang={language}")
    page.fill("#debited", "abc")
    page.click("#record-wire")  # refused: the page again with its error summary
    page.wait_for_load_state("load")
    figures["wire refused"] = {"status": 200, "overflow_px": overflow(page), "axe": serious_violations(axe, page)}
    assert page.title().startswith("Error:"), page.title()
    # A bank's confirmation file with a row the cycle cannot match: listed, with a box to leave it out.
    page.goto(live_server + ledger_pages()["open cycle"] + f"?lang={language}")
    confirmation = tmp_path / "confirmation.csv"
    confirmation.write_text("reference,amount,status\nw99,10.00,paid\nw01,10.00,maybe\n")
    page.set_input_files("#file", str(confirmation))
    page.click("#read-confirmation")
    page.wait_for_load_state("load")
    figures["confirmation refused"] = {"status": 200, "overflow_px": overflow(page),
                                       "axe": serious_violations(axe, page)}
    assert page.locator("table.confirmation-refused tbody tr").count() == 2
    context.close()
    (ARTIFACTS / f"fit-and-access-{language}-{width}.json").write_text(json.dumps(figures, indent=2))
    assert figures["not found"]["status"] == 404 and figures["compare refused"]["status"] == 422
    assert figures["guide refused"]["status"] == 422
    assert figures["import job failed"]["status"] == 500  # the import failed: the page says so, and why
    assert {name: f["status"] for name, f in figures.items()
            if name not in ("not found", "compare refused", "guide refused", "import job failed")
            and f["status"] != 200} == {}
    assert check(figures) == []


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("width", list(WIDTHS))
def test_group_transfer_pages_fit_and_pass_axe(browser, live_server, axe, language, width):
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h})
    page = context.new_page()
    figures = {name: visit(page, axe, live_server, path, language) for name, path in BUNDLE.items()}
    page.select_option("#send", "CA")
    page.select_option("#receive", "GT")
    page.fill("#pasted", "\n".join(f"worker-{i:02d},350" for i in range(1, 41)))
    page.fill("#distribution_fee", "1.50")
    page.click("#plan")
    page.wait_for_load_state("load")
    figures["group plan"] = {"status": 200, "overflow_px": overflow(page), "axe": serious_violations(axe, page)}
    assert page.locator("table.totals").count() == 1 and page.locator(".error-summary").count() == 0
    # The slips open in a new tab, from the plan's form.
    with page.expect_popup() as popup:
        page.click("button[formaction$='/bundle/slips']")
    slips = popup.value
    slips.wait_for_load_state("load")
    assert slips.locator("article.slip").count() == 40
    figures["slips"] = {"status": 200, "overflow_px": overflow(slips), "axe": serious_violations(axe, slips)}
    context.close()
    (ARTIFACTS / f"fit-and-access-group-{language}-{width}.json").write_text(json.dumps(figures, indent=2))
    assert check(figures) == []
