"""The season ledger through the pages: a saved group's plan recorded as a cycle, what happened entered
(contributions as planned, the wire, the payouts), the reconciliation, completion and its lock, a
correction, the season, a statement in the worker's language and the exports; staff only.

The corridor and the figures are those of tests/services/test_ledger_season.py, cycle 5 (worked by hand
there; today's mid-market rate is the fixture's latest, 5.6): twelve workers, CAD 10,000, the wire
debits 10,030.00 and credits GTQ 54,684.00, the cooperative takes GTQ 8.40 a family; the cycle costs
CAD 283.00, w05 pays 21.38 of it and w05's family is due GTQ 4,092.90."""
from __future__ import annotations

import csv
import io
import re
import zipfile
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from remit.extensions import db
from remit.models import AuditEvent, BundleGroup, LedgerCycle, LedgerMember

from ..admin.test_admin_imports import login
from ..conftest import table_counts
from ..services.test_ledger_season import corridor  # noqa: F401  (the fixture)
from .test_pages import text_of

WORKERS = "\n".join(f"w{i:02d}\t{500 if i <= 4 else 750 if i <= 8 else 1250}\tCorner Agent · Cash pickup\tes"
                    for i in range(1, 13))


def csrf(client, path: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def plan_form(client, **extra) -> dict:
    return {"csrf_token": csrf(client, "/bundle?lang=en"), "send": "CA", "receive": "GT", "pasted": WORKERS,
            "distribution_fee": "1.50", "incoming_fee": "10", "intermediary_fee": "25", "coordinator_fee": "0",
            "allocation": "pro_rata", "transfers_per_year": "26", "language_default": "es", "action": "plan"} | extra


def rows(prefix: str, page: str) -> dict[str, str]:
    """The values a page's form holds for the fields whose names start with `prefix`."""
    found = dict(re.findall(rf'name="({prefix}[^"]*)"[^>]*value="([^"]*)"', page))
    found |= {name: value for value, name in re.findall(rf'value="([^"]*)"[^>]*name="({prefix}[^"]*)"', page)}
    for name, selected in re.findall(rf'<select[^>]*name="({prefix}[^"]*)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', selected)
        found[name] = next(g for g in chosen.groups() if g is not None) if chosen else ""
    return found


@pytest.fixture
def cycle_id(corridor, client):  # noqa: F811
    login(client, "staff")
    saved = client.post("/bundle/groups", data=plan_form(client, group_name="Finca 2026"))
    assert saved.status_code == 302
    group = db.session.execute(select(BundleGroup)).scalar_one()
    loaded = client.get(f"/bundle?group={group.id}&lang=en").get_data(as_text=True)
    assert f'name="group_id" type="hidden" value="{group.id}"' in loaded
    planned = client.post("/bundle", data=plan_form(client, group_id=str(group.id)))
    assert "Record as the group's next cycle" in planned.get_data(as_text=True)
    created = client.post("/ledger/cycles", data=plan_form(client, group_id=str(group.id)))
    assert created.status_code == 302, text_of(created)[:2000]
    return int(created.headers["Location"].rsplit("/", 1)[1])


def first_member(cycle_id: int) -> str:
    """The id of the cycle's first member, as its forms name it (ids run on across tests on PostgreSQL)."""
    return str(db.session.scalar(select(LedgerMember.id).where(LedgerMember.cycle_id == cycle_id)
                                 .order_by(LedgerMember.position).limit(1)))


def record_the_cycle(client, cycle_id):
    page = f"/ledger/cycles/{cycle_id}?lang=en"
    form = rows("rows-", client.get(page).get_data(as_text=True)) | {"csrf_token": csrf(client, page),
                                                                     "action": "as_planned"}
    assert client.post(f"/ledger/cycles/{cycle_id}/contributions", data=form).status_code == 302
    fee = {"csrf_token": csrf(client, page), "distribution_fee": "8.40"}
    assert client.post(f"/ledger/cycles/{cycle_id}/distribution-fee", data=fee).status_code == 302
    wire = {"csrf_token": csrf(client, page), "bank_reference": "FT2603020001", "executed_on": "2026-03-02",
            "debited": "10,030.00", "fee": "30", "currency_sent": "USD", "applied_rate": "0.75",
            "intermediary": "18.75", "receiving_fee": "7.50", "credited": "54,684.00"}
    assert client.post(f"/ledger/cycles/{cycle_id}/wires", data=wire).status_code == 302
    form = rows("rows-", client.get(page).get_data(as_text=True))
    for key in [k for k in form if k.endswith("-status")]:
        form[key] = "paid"
    form["csrf_token"] = csrf(client, page)
    saved = client.post(f"/ledger/cycles/{cycle_id}/payouts", data=form)
    assert saved.status_code == 302, text_of(saved)[:3000]


def test_a_cycle_is_recorded_from_a_saved_plan_and_reconciles(client, cycle_id):
    page = client.get(f"/ledger/cycles/{cycle_id}?lang=en")
    assert page.status_code == 200
    text = text_of(page)
    assert "Nothing handed over is recorded for 12 members" in text and "No wire is recorded yet" in text
    record_the_cycle(client, cycle_id)
    html = client.get(f"/ledger/cycles/{cycle_id}?lang=en").get_data(as_text=True)
    text = text_of(client.get(f"/ledger/cycles/{cycle_id}?lang=en"))
    assert "Everything adds up" in text
    assert re.search(r"What the cycle cost\s*</th>\s*<td[^>]*>CA\$283\.00 \(plan CA\$283\.00\)", html)
    w05 = re.search(r'<th scope="row" class="first" translate="no">w05</th>(.*?)</tr>', html, re.S).group(1)
    assert "CA$21.38" in w05 and "GTQ4,092.90" in w05
    complete = client.post(f"/ledger/cycles/{cycle_id}/complete",
                           data={"csrf_token": csrf(client, f"/ledger/cycles/{cycle_id}")})
    assert complete.status_code == 302
    assert "Completed on" in text_of(client.get(f"/ledger/cycles/{cycle_id}?lang=en"))


def test_a_completed_cycle_cannot_be_edited_through_the_pages(client, cycle_id):
    record_the_cycle(client, cycle_id)
    token = csrf(client, f"/ledger/cycles/{cycle_id}")
    client.post(f"/ledger/cycles/{cycle_id}/complete", data={"csrf_token": token})
    before = table_counts()
    page = client.get(f"/ledger/cycles/{cycle_id}?lang=en").get_data(as_text=True)
    assert "Save what was handed over" not in page and "Correct a payout" in page
    attempts = {
        "contributions": {"rows-0-member": first_member(cycle_id), "rows-0-amount": "1"},
        "wires": {"debited": "5", "fee": "0", "currency_sent": "CAD", "applied_rate": "1", "intermediary": "0",
                  "receiving_fee": "0", "credited": "20"},
        "distribution-fee": {"distribution_fee": "1"}, "complete": {}, "wires/1/remove": {},
    }
    for path, data in attempts.items():
        response = client.post(f"/ledger/cycles/{cycle_id}/{path}?lang=en", data={"csrf_token": token, **data})
        assert response.status_code == 409, (path, response.status_code)
        assert "was completed on" in text_of(response) or "already completed" in text_of(response)
    assert table_counts() == before


def test_a_correction_appears_in_the_statement(client, cycle_id):
    record_the_cycle(client, cycle_id)
    token = csrf(client, f"/ledger/cycles/{cycle_id}")
    client.post(f"/ledger/cycles/{cycle_id}/complete", data={"csrf_token": token})
    page = client.get(f"/ledger/cycles/{cycle_id}?lang=en").get_data(as_text=True)
    w06 = re.search(r'<option value="(\d+)">w06: GTQ', page).group(1)
    refused = client.post(f"/ledger/cycles/{cycle_id}/corrections", data={
        "csrf_token": token, "payout-kind": "payout", "payout-entry": w06, "payout-amount": "4092.90",
        "payout-status": "returned", "payout-reason": ""})
    assert refused.status_code == 422 and "Say why the entry is corrected." in text_of(refused)
    returned = client.post(f"/ledger/cycles/{cycle_id}/corrections", data={
        "csrf_token": token, "payout-kind": "payout", "payout-entry": w06, "payout-amount": "4092.90",
        "payout-status": "returned", "payout-on": "2026-03-09", "payout-reason": "Wrong account number."})
    assert returned.status_code == 302
    text = text_of(client.get(f"/ledger/cycles/{cycle_id}?lang=en"))
    assert "w06: the payout of GTQ 4092.90 came back and has not been paid again." in text
    assert "Wrong account number." in text
    group = db.session.scalar(select(LedgerCycle.group_id))
    year = db.session.scalar(select(LedgerCycle.cycle_date)).year
    season = text_of(client.get(f"/ledger/groups/{group}/seasons/{year}?lang=en"))
    assert "completed, corrected" in season
    # w06 is the sixth worker: the statement in Spanish, the worker's language, marks the corrected cycle.
    statement = client.get(f"/ledger/groups/{group}/seasons/{year}/statements/6?lang=en")
    html = statement.get_data(as_text=True)
    assert '<article class="statement" lang="es">' in html
    spanish = text_of(statement)
    assert "Su estado de cuenta de la temporada" in spanish
    assert "devuelto 4092,90" in spanish.replace(".", "")
    assert "Corregido después de cerrar el ciclo" in spanish


def test_the_season_downloads_and_the_auditor_gets_everything(client, cycle_id):
    record_the_cycle(client, cycle_id)
    group = db.session.scalar(select(LedgerCycle.group_id))
    year = db.session.scalar(select(LedgerCycle.cycle_date)).year
    response = client.get(f"/ledger/groups/{group}/seasons/{year}.csv?machine=1")
    lines = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(lines) == 12 and sum(D(r["share_of_costs"]) for r in lines) == D("283.00")
    # For people, in the page's language: Spanish columns, `;` and decimal commas; XLSX numbers that add up.
    spanish = client.get(f"/ledger/groups/{group}/seasons/{year}.csv?lang=es").data.decode("utf-8-sig")
    lines = list(csv.DictReader(io.StringIO(spanish), delimiter=";"))
    assert len(lines) == 12 and sum(D(r["Parte de los costos"].replace(",", ".")) for r in lines) == D("283.00")
    assert {r["Cerrado"] for r in lines} == {"no"} and lines[4]["Parte de los costos"] == "21,38"  # w05
    book = load_workbook(io.BytesIO(client.get(f"/ledger/groups/{group}/seasons/{year}.xlsx").data))
    sheet = [[c.value for c in row] for row in book.worksheets[0].iter_rows()]
    share = sheet[0].index("Parte de los costos")
    assert sum(D(str(row[share])) for row in sheet[1:]) == D("283.00")
    statement = client.get(f"/ledger/groups/{group}/seasons/{year}/statements/5.csv").data.decode("utf-8-sig")
    assert [r["Referencia"] for r in csv.DictReader(io.StringIO(statement), delimiter=";")] == ["w05"]
    assert "Este estado de cuenta (XLSX)" in text_of(client.get(f"/ledger/groups/{group}/seasons/{year}/statements/5"))
    for wrong in ("0.csv", "13.csv", "5.pdf"):
        assert client.get(f"/ledger/groups/{group}/seasons/{year}/statements/{wrong}").status_code == 404, wrong
    assert client.post("/ledger/export.zip", data={"csrf_token": csrf(client, "/bundle")}).status_code == 403
    login(client, "admin")
    export = client.post("/ledger/export.zip", data={"csrf_token": csrf(client, "/bundle")})
    assert export.status_code == 200
    assert "members.csv" in zipfile.ZipFile(io.BytesIO(export.data)).namelist()
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "ledger exported")) == 1


def test_bad_input_writes_nothing_and_says_why(client, cycle_id):
    page = f"/ledger/cycles/{cycle_id}?lang=es"
    token = csrf(client, page)
    before = table_counts()
    wire = {"csrf_token": token, "debited": "10.030,00", "fee": "30", "currency_sent": "USD", "applied_rate": "0",
            "intermediary": "0", "receiving_fee": "0", "credited": "53.707,50"}
    refused = client.post(f"/ledger/cycles/{cycle_id}/wires", data=wire)
    assert refused.status_code == 422
    assert "un tipo de cambio debe ser mayor que cero" in text_of(refused)
    refused = client.post(f"/ledger/cycles/{cycle_id}/wires", data=wire | {"applied_rate": "0,74"})
    assert refused.status_code == 422
    assert "más que los 0,00 que aportaron los miembros" in text_of(refused)
    refused = client.post(f"/ledger/cycles/{cycle_id}/contributions", data={
        "csrf_token": token, "rows-0-member": first_member(cycle_id), "rows-0-amount": "501,505",
        "rows-0-method": "cash"})
    assert refused.status_code == 422 and "501,505" in text_of(refused)
    assert table_counts() == before


def test_the_ledger_is_for_staff_only(client, cycle_id):
    client.post("/logout", data={"csrf_token": csrf(client, "/bundle")})
    for path in ("/ledger", f"/ledger/cycles/{cycle_id}", "/ledger/groups/1", "/ledger/groups/1/seasons/2026"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


def test_hostile_forms_on_a_real_cycle_get_a_4xx_and_write_nothing(client, cycle_id):
    """The hostile corpus (tests/hostile.py) names cycles that do not exist; these are sent to one that does."""
    page = f"/ledger/cycles/{cycle_id}?lang=en"
    token = csrf(client, page)
    before = table_counts()
    one = first_member(cycle_id)
    wire = {"csrf_token": token, "debited": "10030.00", "fee": "30", "currency_sent": "USD", "applied_rate": "0.74",
            "intermediary": "0", "receiving_fee": "0", "credited": "53707.50"}
    cases = [
        ("contributions", {"csrf_token": token, **{f"rows-{i}-member": one for i in range(5000)},
                           **{f"rows-{i}-amount": "1" for i in range(5000)}}, (400, 413, 422)),
        ("contributions", {"csrf_token": token, "rows-0-member": one, "rows-1-member": one, "rows-0-amount": "1"},
         (400,)),
        ("contributions", {"csrf_token": token, "rows-0-member": one, "rows-0-amount": "1e-999999999"}, (422,)),
        ("contributions", {"csrf_token": token, "rows-0-member": "9" * 5000, "rows-0-amount": "1"}, (400,)),
        ("contributions", {"csrf_token": token, "rows-0-member": one, "rows-0-amount": "1",
                           "rows-0-received_on": "99999-99-99"}, (422,)),
        ("payouts", {"csrf_token": token, "rows-0-member": one, "rows-0-amount": "9" * 5000}, (422,)),
        ("payouts", {"csrf_token": token, "rows-0-member": one, "rows-0-amount": "1", "rows-0-status": "stolen"},
         (422,)),
        ("wires", wire | {"applied_rate": "1" + "0" * 40}, (422,)),
        ("wires", wire | {"credited": "٣٠٠"}, (422,)),
        ("wires", wire | {"currency_sent": "XXX"}, (422,)),
        ("wires", wire | {"bank_reference": "x" * 100_000}, (422,)),
        ("wires/999999/remove", {"csrf_token": token}, (404,)),
        ("distribution-fee", {"csrf_token": token, "distribution_fee": "-1"}, (422,)),
        ("corrections", {"csrf_token": token, "kind": "wire"}, (400,)),
        ("payouts/confirmation", {"csrf_token": token}, (422,)),
        ("payouts/confirmation", {"csrf_token": token, "kept": "@@ not base64 @@"}, (400,)),
        ("payouts/confirmation", {"csrf_token": token, "kept": "iVBORw0KGgoAAAAA", "kept_name": "x.csv"}, (422,)),
        ("payouts/confirmation", {"csrf_token": token, "kept": "QQ==" * 2_000_000}, (413, 422)),
        ("payouts/confirmation", {"csrf_token": token, "kept": "cmVmLGFtb3VudAp3OTksMQo=", "leave_out": ["x" * 5000]},
         (422,)),
        ("complete", {"csrf_token": token}, (422,)),
    ]
    for path, data, statuses in cases:
        response = client.post(f"/ledger/cycles/{cycle_id}/{path}?lang=en", data=data)
        assert response.status_code in statuses, (path, list(data)[:3], response.status_code, text_of(response)[:500])
    assert table_counts() == before


def test_the_statement_says_how_the_group_split_the_costs(client, cycle_id):
    """Fixed fees follow the group's rule; the exchange rate's cost goes by amount and the payout fee one
    each, whatever the rule: the statement says the rule its cycles used, not always "by amount sent"."""
    record_the_cycle(client, cycle_id)
    group = db.session.scalar(select(LedgerCycle.group_id))
    year = db.session.scalar(select(LedgerCycle.cycle_date)).year
    spanish = text_of(client.get(f"/ledger/groups/{group}/seasons/{year}/statements/1?lang=en"))
    assert ("El grupo reparte las comisiones fijas (las del banco y la del coordinador), los descuentos y lo que se "
            "llevó el tipo de cambio según el monto enviado, y el cargo por la entrega a cada familia, uno por persona, "
            "al centavo.") in spanish
    equal = client.post("/ledger/cycles", data=plan_form(client, group_id=str(group), allocation="equal"))
    assert equal.status_code == 302, text_of(equal)[:2000]
    assert set(db.session.scalars(select(LedgerCycle.allocation))) == {"pro_rata", "equal"}
    spanish = text_of(client.get(f"/ledger/groups/{group}/seasons/{year}/statements/1?lang=en"))
    assert ("y las comisiones fijas y los descuentos según la regla de cada ciclo (según el monto enviado o en partes "
            "iguales), al centavo.") in spanish


def test_as_planned_dates_only_the_rows_it_fills(client, cycle_id):
    """'As planned' fills the empty rows with the plan's amount, received today; a row the staffer typed
    without a date keeps no date rather than today's."""
    import datetime as dt

    from remit.models import LedgerContribution

    page = f"/ledger/cycles/{cycle_id}?lang=en"
    form = rows("rows-", client.get(page).get_data(as_text=True)) | {"csrf_token": csrf(client, page),
                                                                     "action": "as_planned"}
    form["rows-0-amount"], form["rows-0-received_on"] = "600.00", ""
    assert client.post(f"/ledger/cycles/{cycle_id}/contributions", data=form).status_code == 302
    first = int(first_member(cycle_id))
    dates = {c.member_id: c.received_on for c in db.session.scalars(
        select(LedgerContribution).where(LedgerContribution.cycle_id == cycle_id))}
    assert len(dates) == 12 and dates.pop(first) is None
    assert set(dates.values()) == {dt.date.today()}


def test_the_group_page_shows_one_season_at_a_time(client, corridor):  # noqa: F811
    import datetime as dt

    from ..services.test_ledger_season import make_group, record_season

    group = make_group()
    ids = record_season(group)
    # The first cycle as if it had been recorded a year earlier: the group has two seasons.
    first = db.session.get(LedgerCycle, ids[0])
    first.cycle_date = dt.date(2025, 3, 2)
    db.session.commit()
    login(client, "staff")
    latest = text_of(client.get(f"/ledger/groups/{group.id}?lang=en"))
    assert "Cycles of the 2026 season, newest first" in latest
    assert "Season 2026: its cycles, below" in latest and "Season 2025: its cycles" in latest
    assert latest.count("Cycle ") - latest.count("Cycles ") == 5  # the five of 2026, not the one of 2025
    last_year = text_of(client.get(f"/ledger/groups/{group.id}?season=2025&lang=en"))
    assert "Cycles of the 2025 season" in last_year and "Cycle 1 of Mar 2, 2025" in last_year
    assert "Mar 16, 2026" not in last_year
    for wrong in ("2024", "abc", "", "2026.0"):
        assert client.get(f"/ledger/groups/{group.id}?season={wrong}").status_code == 404, wrong


def test_the_ledger_lists_50_groups_a_page(client):
    from ..services.test_ledger_season import make_group

    for n in range(1, 52):
        make_group(f"Group {n:02d}")
    login(client, "staff")
    first = text_of(client.get("/ledger?lang=en"))
    assert "Group 01" in first and "Group 50" in first and "Group 51" not in first and "Page 1 of 2" in first
    second = text_of(client.get("/ledger?page=2&lang=en"))
    assert "Group 51" in second and "Group 50" not in second and "Page 2 of 2" in second
    for wrong in ("3", "0", "x"):
        assert client.get(f"/ledger?page={wrong}").status_code == 404, wrong


def form_values(client, cycle_id: int, prefix: str) -> dict[str, str]:
    return rows(prefix, client.get(f"/ledger/cycles/{cycle_id}?lang=en").get_data(as_text=True))


def test_the_wire_is_filled_in_from_the_plan(client, cycle_id):
    """The plan's transfer (module docstring): CAD 10,000 and the bank's CAD 30 fee, 25 + 10 deducted on
    the way, (10,000 − 35) × 5.488 (today's mid-market 5.6 less the bank's 2%) = GTQ 54,687.92 to be
    credited; the bank's fee is no longer 0."""
    import datetime as dt

    page = client.get(f"/ledger/cycles/{cycle_id}?lang=en").get_data(as_text=True)
    wire = {name: re.search(rf'<input[^>]* id="{name}"[^>]* value="([^"]*)"', page).group(1)
            for name in ("debited", "fee", "intermediary", "receiving_fee", "credited", "executed_on")}
    assert wire == {"debited": "10030.00", "fee": "30.00", "intermediary": "25.00", "receiving_fee": "10.00",
                    "credited": "54687.92", "executed_on": dt.date.today().isoformat()}
    assert "Filled in with the plan's transfer 1 of 1 (Test Bank · Wire)" in text_of(
        client.get(f"/ledger/cycles/{cycle_id}?lang=en"))
    spanish = client.get(f"/ledger/cycles/{cycle_id}?lang=es").get_data(as_text=True)
    assert re.search(r'<input[^>]* id="credited"[^>]* value="54687,92"', spanish)
    # Recorded as it stands, the wire is the plan's transfer, to the cent.
    form = rows("rows-", page) | {"csrf_token": csrf(client, f"/ledger/cycles/{cycle_id}"), "action": "as_planned"}
    assert client.post(f"/ledger/cycles/{cycle_id}/contributions", data=form).status_code == 302
    wire_form = {"csrf_token": csrf(client, f"/ledger/cycles/{cycle_id}"), "currency_sent": "CAD",
                 "applied_rate": "1", **wire}
    assert client.post(f"/ledger/cycles/{cycle_id}/wires?lang=en", data=wire_form).status_code == 302
    html = client.get(f"/ledger/cycles/{cycle_id}?lang=en").get_data(as_text=True)
    assert "cost CA$0.00; credited GTQ0.00" in html
    assert "Filled in with the plan" not in html  # every planned transfer has its wire


def test_payouts_all_paid_as_due_in_one_action_with_exceptions(client, cycle_id):
    import datetime as dt

    from remit.models import LedgerPayout

    page = f"/ledger/cycles/{cycle_id}?lang=en"
    form = form_values(client, cycle_id, "rows-") | {"csrf_token": csrf(client, page), "action": "as_planned"}
    refused = client.post(f"/ledger/cycles/{cycle_id}/payouts", data=form)
    assert refused.status_code == 422 and "Record the wire first" in text_of(refused)
    record_the_cycle(client, cycle_id)  # every payout paid: now remove them, to record them again at once
    form = form_values(client, cycle_id, "rows-")
    for key in [k for k in form if k.endswith("-status")]:
        form[key] = ""
    form["csrf_token"] = csrf(client, page)
    assert client.post(f"/ledger/cycles/{cycle_id}/payouts", data=form).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(LedgerPayout)
                             .where(LedgerPayout.cycle_id == cycle_id)) == 0
    # The exceptions first: w06's payout came back, w07's is not confirmed yet; then one action.
    form = form_values(client, cycle_id, "rows-")
    assert {form[k] for k in form if k.endswith("-status")} == {""}
    form["rows-5-status"], form["rows-6-status"], form["rows-6-amount"] = "returned", "pending", "4000.00"
    form |= {"csrf_token": csrf(client, page), "action": "as_planned"}
    assert client.post(f"/ledger/cycles/{cycle_id}/payouts", data=form).status_code == 302
    payouts = {p.member_id: p for p in db.session.scalars(select(LedgerPayout)
                                                          .where(LedgerPayout.cycle_id == cycle_id))}
    members = {m.ref: m.id for m in db.session.scalars(select(LedgerMember).where(LedgerMember.cycle_id == cycle_id))}
    assert len(payouts) == 12
    assert [(payouts[members[r]].status, payouts[members[r]].amount) for r in ("w05", "w06", "w07")] == [
        ("paid", D("4092.90")), ("returned", D("4092.90")), ("pending", D("4000.00"))]
    assert {p.paid_on for p in payouts.values() if p.status == "paid"} == {dt.date.today()}
    text = text_of(client.get(page))
    assert "w06: the payout of GTQ 4092.90 came back and has not been paid again." in text
    assert "The payout to the family of w07 is not confirmed yet." in text


def test_payouts_read_from_the_banks_confirmation_file(client, cycle_id):
    """A Spanish bank's CSV (`;`, decimal commas): one reference the cycle does not have and one status
    remit cannot read are refused, and nothing is written until both are left out."""
    import base64

    from remit.models import LedgerPayout

    record_the_cycle(client, cycle_id)
    form = form_values(client, cycle_id, "rows-")
    for key in [k for k in form if k.endswith("-status")]:
        form[key] = ""
    form["csrf_token"] = csrf(client, f"/ledger/cycles/{cycle_id}")
    assert client.post(f"/ledger/cycles/{cycle_id}/payouts", data=form).status_code == 302
    due = {"w01": "2725,80", "w05": "4092,90", "w09": "6827,10"}
    lines = ["Referencia;Monto;Moneda;Estado;Fecha"]
    for i in range(1, 13):
        ref = f"w{i:02d}"
        amount = due["w01" if i <= 4 else "w05" if i <= 8 else "w09"]
        status = "Devuelto" if ref == "w06" else "no sé" if ref == "w07" else "Pagado"
        lines.append(f"{ref};{amount};GTQ;{status};02/03/2026")
    lines.append("w99;100,00;GTQ;Pagado;02/03/2026")
    data = ("\ufeff" + "\r\n".join(lines)).encode()
    page = f"/ledger/cycles/{cycle_id}?lang=es"
    before = table_counts()
    sent = {"csrf_token": csrf(client, page), "file": (io.BytesIO(data), "confirmacion.csv")}
    refused = client.post(f"/ledger/cycles/{cycle_id}/payouts/confirmation", data=sent,
                          content_type="multipart/form-data")
    assert refused.status_code == 422 and table_counts() == before
    text = text_of(refused)
    assert "2 filas del archivo de confirmación no se pueden registrar" in text, text[:3000]
    assert "«no sé» no es un estado" in text and "«w99» no es miembro de este ciclo" in text
    html = refused.get_data(as_text=True)
    kept = re.search(r'id="kept" name="kept" type="hidden" value="([^"]+)"', html).group(1)
    assert base64.b64decode(kept) == data
    assert 'name="leave_out" value="8"' in html and 'name="leave_out" value="14"' in html
    partly = client.post(f"/ledger/cycles/{cycle_id}/payouts/confirmation", data={
        "csrf_token": csrf(client, page), "kept": kept, "kept_name": "confirmacion.csv", "leave_out": ["14"]})
    assert partly.status_code == 422 and table_counts() == before
    saved = client.post(f"/ledger/cycles/{cycle_id}/payouts/confirmation", data={
        "csrf_token": csrf(client, page), "kept": kept, "kept_name": "confirmacion.csv", "leave_out": ["8", "14"]})
    assert saved.status_code == 302, text_of(saved)[:3000]
    assert "Leído del archivo: entregados: 10; devueltos: 1; pendientes: 0; filas omitidas: 2." in text_of(
        client.get(page))
    payouts = db.session.scalars(select(LedgerPayout).where(LedgerPayout.cycle_id == cycle_id)).all()
    assert len(payouts) == 11 and {p.confirmed_how for p in payouts} == {"bank_statement"}
    assert sorted(p.status for p in payouts).count("returned") == 1
    assert {p.paid_on.isoformat() for p in payouts} == {"2026-03-02"}


def test_old_data_is_flagged_on_cycles_and_statements(client, corridor):  # noqa: F811
    """tests/services/test_ledger_season.py's season: on five of its six cycles' days the mid-market
    rate was past REMIT_RATE_MAX_AGE_DAYS (all but 13 April, 12 days after the rate of 1 April)."""
    from ..services.test_ledger_season import make_group, record_season

    group = make_group()
    ids = record_season(group)
    login(client, "staff")
    first = text_of(client.get(f"/ledger/cycles/{ids[0]}?lang=es"))
    assert ("Datos antiguos: el tipo interbancario del 5 ene 2026 tenía 56 días de antigüedad el día del ciclo: "
            "los costos medidos con él pueden no ser exactos.") in first
    assert "Los ahorros de 12 miembros se comparan con precios de datos" in first
    assert first.count("Datos antiguos: comparado con precios que superaban su límite de antigüedad.") == 12
    fourth = client.get(f"/ledger/cycles/{ids[3]}?lang=es").get_data(as_text=True)
    assert 'class="stale"' not in fourth and "Datos antiguos" not in fourth
    season = text_of(client.get(f"/ledger/groups/{group.id}/seasons/2026?lang=es"))
    assert season.count("Datos antiguos: tipo del") == 5
    assert text_of(client.get(f"/ledger/groups/{group.id}?lang=es")).count("Datos antiguos: tipo del") == 5
    statement = text_of(client.get(f"/ledger/groups/{group.id}/seasons/2026/statements/1?lang=es"))
    assert statement.count("interbancario 5,5 †") == 3 and "interbancario 5,6 †" in statement
    assert "† Datos antiguos: el tipo interbancario había superado su límite de antigüedad" in statement
    assert "‡ Datos antiguos: comparado con precios de datos" in statement
