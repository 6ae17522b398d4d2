"""The coordinator's workflow in Debian's Chromium: paste 40 workers as a spreadsheet copies them, read
each one's saving against today, print the slips, download the payout list and open it again."""
from __future__ import annotations

import csv
import io
import re
import threading
from decimal import Decimal as D
from pathlib import Path

import pytest

from .browser import ARTIFACTS, browser_type_launch_args, require_chromium  # noqa: F401  (the fixture)
from .test_group_transfer import EXPECTED, spreadsheet

require_chromium()


@pytest.fixture(scope="module")
def group_server(tmp_path_factory):
    from werkzeug.serving import make_server

    from remit import create_app
    from remit.extensions import db

    from ..importers.helpers import load_hand_worked_corridor

    url = "sqlite:///" + str(tmp_path_factory.mktemp("group") / "remit.db")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        load_hand_worked_corridor()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    with app.app_context():
        db.engine.dispose()


def plan(page, base):
    page.goto(base + "/bundle?lang=es")
    page.select_option("#send", "CA")
    page.select_option("#receive", "GT")
    page.fill("#pasted", spreadsheet())  # tabs and decimal commas, as a spreadsheet copies them
    page.fill("#distribution_fee", "1,50")
    page.fill("#incoming_fee", "15")
    page.click("#plan")
    page.wait_for_load_state("load")


def test_forty_pasted_workers_save_against_today_as_worked_by_hand(page, group_server):
    plan(page, group_server)
    rows = page.locator("table.members tbody tr:not(.detail-row)")
    assert rows.count() == 40
    for index in (0, 19, 20, 39):
        cells = rows.nth(index).locator("td").all_inner_texts()
        share, today, versus_today, _alone, _versus_alone = EXPECTED["350" if index < 20 else "500"]
        assert cells[1].replace("\u00a0", " ") == f"{share.replace('.', ',')} CAD"
        assert cells[3].replace("\u00a0", " ") == f"{versus_today.replace('.', ',')} CAD"
        assert cells[2].replace("\u00a0", " ").startswith(f"{today.replace('.', ',')} CAD")
    assert "Los 40 miembros ganan agrupando" in page.locator(".verdict").inner_text()
    ARTIFACTS.joinpath("screenshots").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "screenshots" / "group-plan-es.png"), full_page=True)


def test_the_slips_print_three_to_a_page(page, group_server):
    plan(page, group_server)
    with page.expect_popup() as popup:
        page.click("button:has-text('Comprobantes para cada trabajador')")
    slips = popup.value
    slips.wait_for_load_state("load")
    assert slips.locator("article.slip").count() == 40
    slips.emulate_media(media="print")
    pdf = slips.pdf(format="A4", print_background=True)
    (ARTIFACTS / "group-slips.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 14, f"40 slips, three to an A4 page, print on 14 pages, not {pages}"


def test_the_payout_list_downloads_and_adds_up(page, group_server, tmp_path):
    plan(page, group_server)
    from openpyxl import load_workbook

    with page.expect_download() as download:
        page.click("button:has-text('Lista de entregas (XLSX)')")
    path = tmp_path / "payout.xlsx"
    download.value.save_as(path)
    book = load_workbook(path, read_only=True)  # read-only keeps the file open until closed
    try:
        rows = list(book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()
    assert rows[0] == ("Referencia", "Cuenta", "Monto", "Moneda")  # the page's language; amounts are numbers
    assert len(rows) == 41 and sum(D(str(r[2])) for r in rows[1:]) == D("91225.55")
    with page.expect_download() as download:
        page.click("button:has-text('Lista de entregas (CSV)')")
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert sum(D(r["Monto"].replace(",", ".")) for r in csv.DictReader(io.StringIO(text), delimiter=";")) == D(
        "91225.55")


def test_the_plan_of_forty_prints_on_one_page_and_the_notes_before_pooling_on_the_next(page, group_server):
    plan(page, group_server)
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    (ARTIFACTS / "group-plan.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 2, f"the plan of 40 and the notes before pooling print on {pages} pages, not 1 + 1"
    # The notes start a page of their own: the plan alone is one page.
    assert page.evaluate("getComputedStyle(document.querySelector('.pooling-notes')).breakBefore") == "page"
