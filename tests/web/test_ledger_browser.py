"""The season ledger in Debian's Chromium: a cycle recorded through the pages from a saved plan, and a
worker's statement of a six-cycle season printed on one A4 page in Spanish.

The figures are worked by hand in tests/services/test_ledger_season.py (today's mid-market rate is the
corridor's latest, 5.6: the cycle is that module's cycle 5)."""
from __future__ import annotations

import re
import threading
from decimal import Decimal as D

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
    # (The currencies are in the columns' names: "Usted envió (CAD)"…; † and ‡ mark figures resting on old
    # data: five of the six cycles' rates were more than 14 days old on their day.)
    assert "La temporada\t3.100,00\t3.109,50\t91,88 †\t16.752,97\t95,56 ‡\t76,56 ‡" in text, text
    assert "Su familia recibió (GTQ)" in text
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    (ARTIFACTS / "ledger-statement-es.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 1, f"w01's statement of six cycles prints on {pages} pages"


class Counted:
    """The page, with every action a person takes counted: a page opened, a click, a field filled, a
    box ticked, a file chosen. Reading what the page shows is not an action."""

    def __init__(self, page):
        self.page, self.actions = page, []

    def open(self, url: str) -> None:
        self.actions.append(("open", url))
        self.page.goto(url)

    def click(self, selector: str, *, navigates: bool = True) -> None:
        self.actions.append(("click", selector))
        if navigates:
            with self.page.expect_navigation():
                self.page.click(selector)
        else:
            self.page.click(selector)

    def fill(self, selector: str, value: str) -> None:
        self.actions.append(("fill", selector))
        self.page.fill(selector, value)

    def check(self, selector: str) -> None:
        self.actions.append(("check", selector))
        self.page.check(selector)

    def upload(self, selector: str, path) -> None:
        self.actions.append(("upload", selector))
        self.page.set_input_files(selector, str(path))


def forty_workers_group() -> int:
    """A saved group of forty (twenty send CAD 350, twenty CAD 500, all paying the cash agent today),
    with the terms of tests/services/test_ledger_season.py's plans."""
    import json

    from remit import create_app
    from remit.extensions import db
    from remit.models import BundleGroup

    members = ["reference\tamount\tservice\tlanguage"] + [
        f"Trabajador {i:02d}\t{350 if i <= 20 else 500}.00\tCorner Agent · Cash pickup\tes" for i in range(1, 41)]
    settings = {"distribution_fee": "1.50", "incoming_fee": "10", "intermediary_fee": "25", "coordinator_fee": "0",
                "max_transfer": None, "allocation": "pro_rata", "transfers_per_year": "26", "language_default": "es"}
    app = create_app({"SQLALCHEMY_DATABASE_URI": LIVE["url"]})
    with app.app_context():
        group = BundleGroup(name="Finca Las Nubes", send_country="CA", receive_country="GT", currency="CAD",
                            members="\n".join(members), settings=json.dumps(settings), created_by=EMAIL)
        db.session.add(group)
        db.session.commit()
        group_id = group.id
        db.engine.dispose()
    return group_id


def test_a_forty_worker_cycle_is_recorded_in_at_most_twenty_actions(page, ledger_server, tmp_path):
    """From the saved group's plan to a completed cycle: the cycle from the plan (3 actions), every
    contribution as planned (1), the wire as the plan has it with the bank's reference typed (2), the
    payouts from the receiving bank's confirmation file, one row refused and left out (4), the family
    that row was for paid as due (1), completion (1). A payout the file says came back stays flagged."""
    from openpyxl import Workbook

    group_id = forty_workers_group()
    log_in(page, ledger_server)
    user = Counted(page)
    user.open(ledger_server + f"/ledger/groups/{group_id}?lang=es")
    user.click(f"a[href$='/bundle?group={group_id}']")
    user.click("#plan")
    user.click("#record-cycle")
    assert re.search(r"/ledger/cycles/\d+$", page.url), page.url
    user.click("#contributions-as-planned")
    assert page.input_value("#fee") == "30,00"  # the bank's fee, from the plan
    user.fill("#bank_reference", "FT2612060001")
    user.click("#record-wire")
    assert "No hay ninguna entrega anotada a las familias de 40 miembros" in page.locator("#check").inner_text()

    # The receiving bank pays what the payout list says and sends back a workbook: its amounts are
    # numbers; one reference is mistyped (Trabajador 4O), one payout came back.
    amounts = [D(page.locator(f"#payouts input[name='rows-{i}-amount']").input_value().replace(",", "."))
               for i in range(40)]
    book = Workbook()
    sheet = book.active
    sheet.append(["Referencia", "Monto", "Moneda", "Estado", "Fecha de pago"])
    for i, amount in enumerate(amounts, start=1):
        ref = "Trabajador 4O" if i == 40 else f"Trabajador {i:02d}"
        sheet.append([ref, float(amount), "GTQ", "Devuelto" if i == 7 else "Pagado", None])
    path = tmp_path / "confirmacion-banco.xlsx"
    book.save(path)
    user.upload("#file", path)
    user.click("#read-confirmation")
    refused = page.locator("table.confirmation-refused").inner_text()
    assert "Trabajador 4O" in refused and "no es miembro de este ciclo" in refused, refused
    user.check("input[name='leave_out'][value='41']")
    user.click("#read-confirmation")
    assert "Leído del archivo: entregados: 38; devueltos: 1; pendientes: 0; filas omitidas: 1." in page.locator(
        "main").inner_text()
    user.click("#payouts-as-planned")  # Trabajador 40, whose row was left out, paid as due
    flags = page.locator("#check").inner_text()
    assert "Trabajador 07: la entrega de" in flags and "No hay ninguna entrega" not in flags, flags
    user.click("#complete-cycle")
    assert "Cerrado el" in page.locator("main").inner_text()
    shot(page, "ledger-cycle-forty")
    assert len(user.actions) <= 20, user.actions
    print(f"a 40-worker cycle in {len(user.actions)} actions: {user.actions}")


def long_season(weeks: int = 26) -> int:
    """A season of `weeks` weekly cycles from 5 January 2026, each recorded as planned, for twelve
    workers whose statements are in Spanish (w01), French (w02) and English (w03); the group's id."""
    import datetime as dt

    from remit import create_app
    from remit.extensions import db
    from remit.services import bundles, ledger

    from ..services.test_ledger_season import AMOUNTS, make_group

    languages = {"w01": "es", "w02": "fr", "w03": "en"}
    app = create_app({"SQLALCHEMY_DATABASE_URI": LIVE["url"]})
    with app.app_context():
        group = make_group("Finca de todo el año")
        request = bundles.BundleRequest(
            send="CA", receive="GT", currency="CAD", distribution_fee=D("1.50"), incoming_fee=D("10"),
            intermediary_fee=D("25"),
            members=[bundles.MemberInput(ref, amount, None, "Corner Agent · Cash pickup", languages.get(ref, "es"))
                     for ref, amount in AMOUNTS.items()])
        for week in range(weeks):
            on = dt.date(2026, 1, 5) + dt.timedelta(weeks=week)
            result = bundles.plan(request, on=on)
            cycle = ledger.create_cycle(group, result, on, actor=EMAIL)
            record = ledger.load(cycle.id)
            ledger.record_contributions(cycle.id, [ledger.ContributionInput(m.ref, m.planned_contribution)
                                                   for m in record.reconciliation.members], actor=EMAIL)
            planned = ledger.planned_wire(record)
            ledger.add_wire(cycle.id, planned, actor=EMAIL)
            record = ledger.load(cycle.id)
            ledger.record_payouts(cycle.id, [ledger.PayoutInput(m.ref, m.expected_payout, "paid", on)
                                             for m in record.reconciliation.members], actor=EMAIL)
            ledger.complete(cycle.id, actor=EMAIL, on=on)
        db.session.commit()
        group_id = group.id
        db.engine.dispose()
    return group_id


# What is wider than its box, or than the page: any element, and any element that scrolls inside.
OVERFLOW = """(root) => {
  const width = document.documentElement.clientWidth;
  const found = [];
  const clipped = (el) => {  // inside a visually hidden box (a table's header on a phone)
    for (let a = el; a; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (style.position === 'absolute' && style.clip !== 'auto') return true;
    }
    return false;
  };
  for (const el of root.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if ((box.width === 0 && box.height === 0) || clipped(el)) continue;
    if (box.right > width + 0.5 || box.left < -0.5) found.push(`${el.tagName}.${el.className} ${box.left}-${box.right} > ${width}`);
    const style = getComputedStyle(el);
    if (/(auto|scroll)/.test(style.overflowX) && el.scrollWidth > el.clientWidth + 1) found.push(`scrolls: ${el.tagName}.${el.className}`);
  }
  if (document.documentElement.scrollWidth > width + 1) found.push(`page ${document.documentElement.scrollWidth} > ${width}`);
  return found;
}"""
SMALLEST_TEXT = """(root) => {
  let smallest = 1e9, where = '';
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim() || !node.parentElement.getClientRects().length) continue;
    const size = parseFloat(getComputedStyle(node.parentElement).fontSize);
    if (size < smallest) { smallest = size; where = node.textContent.trim().slice(0, 40); }
  }
  return [smallest, where];
}"""
A4_WIDTH = 718  # px at 96 per inch: 210 mm less the 10 mm margins on each side (@page in remit.css)


@pytest.mark.parametrize("number, language", [(1, "es"), (2, "fr"), (3, "en")])
def test_a_26_cycle_statement_fits_the_screen_and_one_a4_page(page, ledger_server, number, language):
    if "long season" not in LIVE:
        LIVE["long season"] = str(long_season())
    log_in(page, ledger_server)
    path = f"/ledger/groups/{LIVE['long season']}/seasons/2026/statements/{number}?lang=en"
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(ledger_server + path)
        statement = page.locator("article.statement")
        assert statement.get_attribute("lang") == language
        assert statement.locator("tbody tr").count() == 26
        assert statement.evaluate(OVERFLOW) == [], width
        # Every column is there to read: the last one's figure in the season's row too.
        last = statement.locator("tfoot td").last
        assert last.is_visible() and last.bounding_box()["x"] + last.bounding_box()["width"] <= width
    shot(page, f"ledger-statement-26-{language}-375")

    page.emulate_media(media="print")
    page.set_viewport_size({"width": A4_WIDTH, "height": 1000})
    page.goto(ledger_server + path)
    statement = page.locator("article.statement")
    assert statement.evaluate(OVERFLOW) == []
    smallest, where = statement.evaluate(SMALLEST_TEXT)
    assert smallest >= 12, f"{smallest}px (less than 9 pt): {where}"
    page.screenshot(path=str(ARTIFACTS / "screenshots" / f"ledger-statement-26-{language}-print.png"), full_page=True)
    pdf = page.pdf(format="A4", print_background=True)
    (ARTIFACTS / f"ledger-statement-26-{language}.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 1, f"a statement of 26 cycles in {language} prints on {pages} pages"
