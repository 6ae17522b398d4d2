"""The coordinator's group transfer through the pages: a list pasted as a spreadsheet copies it, the
plan against what each pays today, the slips, the payout list and the plan as files, saved groups.

The corridor is hand-built so that every figure can be worked by hand: a bank wire at CAD 30 + 2%,
a money transfer operator at 9.99 + 3.5% and a cash agent at 7.99 + 4.5%, with CAD→GTQ at 5.5."""
from __future__ import annotations

import csv
import io
import re
from decimal import Decimal as D
from html import unescape

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from remit.extensions import db
from remit.models import AuditEvent, BundleGroup

from ..admin.test_admin_imports import login
from ..importers.helpers import load_hand_worked_corridor
from .test_pages import text_of


@pytest.fixture
def corridor(app):
    load_hand_worked_corridor()


def spreadsheet() -> str:
    """Forty workers as a Spanish spreadsheet copies them: tab-separated, decimal commas, a header, the
    service each uses today in any case, the slip's language and an account number to carry through."""
    lines = ["Nombre\tMonto\tServicio actual\tIdioma\tCuenta"]
    for i in range(1, 41):
        amount = "350,00" if i <= 20 else "500,00"
        lines.append(f"Trabajador {i:02d}\t{amount}\tcorner agent · CASH PICKUP\t{'es' if i % 4 else 'fr'}\t"
                     f"GT-{8800 + i}")
    return "\n".join(lines)


def form(client, **extra) -> dict:
    page = client.get("/bundle?lang=es").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return {"csrf_token": token, "send": "CA", "receive": "GT", "pasted": spreadsheet(), "distribution_fee": "1,50",
            "incoming_fee": "15", "intermediary_fee": "0", "coordinator_fee": "0", "allocation": "pro_rata",
            "transfers_per_year": "12", "language_default": "es", "action": "plan"} | extra


# Hand-worked: CAD 17,000 in one wire (20 × 350 + 20 × 500): fee 30, FX 2% = 340, 15 deducted on
# arrival, 40 × 1.50 to pay the families out: CAD 445.00. Pro rata, a CAD 350 worker's share is
# 2% of 350 = 7.00 + 45 × 350 / 17,000 = 0.926… + 1.50 = 9.426…; a CAD 500 worker's 10.00 + 1.3235… +
# 1.50 = 12.8235…; to the cent, 9.43 and 12.82 (the twenty cents left go to the larger remainders).
# Today, with the cash agent: 7.99 + 4.5% = 23.74 and 30.49: they save 14.31 and 17.67.
# Alone, the cheapest is the MTO: 9.99 + 3.5% = 22.24 and 27.49: they save 12.81 and 14.67.
# The families: the bank's rate is 5.39; (17,000 − 15) × 5.39 = GTQ 91,549.15 arrives; 40 × 8.09 pays
# them out: 91,225.55 is paid. A CAD 350 family is owed (350 − 0.3088…) × 5.39 − 8.09 = 1,876.7454…,
# a CAD 500 family 2,684.5320…: 1,876.74 / 1,876.75 and 2,684.53, summing to 91,225.55.
EXPECTED = {"350": ("9.43", "23.74", "14.31", "22.24", "12.81"), "500": ("12.82", "30.49", "17.67", "27.49", "14.67")}


def test_a_pasted_spreadsheet_gives_a_plan_against_what_each_pays_today(corridor, client):
    response = client.post("/bundle", data=form(client))
    assert response.status_code == 200, text_of(response)[:3000]
    html = response.get_data(as_text=True)
    text = text_of(response)
    assert "Los 40 miembros ganan agrupando" in text
    for i in (1, 20, 21, 40):
        row = re.search(rf'<th scope="row"[^>]*>Trabajador {i:02d}</th>(.*?)</tr>', html, re.S).group(1)
        cells = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", c)).strip()
                 for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        share, today, versus_today, alone, versus_alone = EXPECTED["350" if i <= 20 else "500"]
        assert cells[1] == f"{share.replace('.', ',')} CAD"
        assert cells[2].startswith(f"{today.replace('.', ',')} CAD")
        assert cells[3] == f"{versus_today.replace('.', ',')} CAD"
        assert cells[4].startswith(f"{alone.replace('.', ',')} CAD")
        assert cells[5] == f"{versus_alone.replace('.', ',')} CAD"
    assert "91.225,55\u00a0GTQ" in html and "91.549,15\u00a0GTQ" in html
    # The input stays on the page, to be changed and planned again.
    assert "Trabajador 40\tGT-8840" not in html and "Trabajador 40\t500,00" in html


def test_the_payout_list_carries_the_accounts_and_adds_up(corridor, client):
    for fmt in ("csv", "xlsx"):
        response = client.post(f"/bundle/payout.{fmt}?machine=1", data=form(client))  # see tests/web/test_files.py
        assert response.status_code == 200
        if fmt == "csv":
            rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
        else:
            sheet = load_workbook(io.BytesIO(response.data), read_only=True).worksheets[0]
            rows = [[c if c is not None else "" for c in r] for r in sheet.iter_rows(values_only=True)]
        assert rows[0] == ["reference", "Cuenta", "amount", "currency"]
        assert rows[1] == ["Trabajador 01", "GT-8801", "1876.75", "GTQ"]
        assert rows[40] == ["Trabajador 40", "GT-8840", "2684.53", "GTQ"]
        assert sum(D(r[2]) for r in rows[1:]) == D("91225.55")
        assert [r[2] for r in rows[1:21]].count("1876.75") == 15  # 15 of the 20 cents left over


def test_the_plan_file_keeps_no_personal_column(corridor, client):
    response = client.post("/bundle/plan.csv?machine=1", data=form(client))
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:4] == ["reference", "amount", "joins", "fees_on_top"]
    assert "GT-8801" not in response.get_data(as_text=True)
    first = dict(zip(rows[0], rows[1]))
    assert (first["share_of_costs"], first["cost_today"], first["saving_vs_today"]) == ("9.43", "23.74", "14.31")


def test_slips_in_each_workers_language(corridor, client):
    response = client.post("/bundle/slips", data=form(client))
    html = response.get_data(as_text=True)
    assert html.count('<article class="slip"') == 40
    assert html.count('<article class="slip" lang="fr"') == 10 and html.count('<article class="slip" lang="es"') == 30
    spanish = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.search(
        r'<article class="slip" lang="es">(.*?)</article>', html, re.S).group(1)))
    # Trabajador 01 hands over 350 and 0.62 of the bank's CAD 30 fee (30 × 350 / 17,000 = 0.6176…, and
    # the twenty cents left go to the CAD 350 members' larger remainders).
    assert "Trabajador 01" in spanish and "Usted aporta 350,62 CAD" in spanish.replace("\u00a0", " ")
    assert "Su parte de todos los costos 9,43 CAD" in spanish.replace("\u00a0", " ")
    assert "Su familia recibe 1876,75 GTQ" in spanish.replace("\u00a0", " ").replace(".", "")
    assert "ahorra 14,31 CAD (hoy: 23,74 CAD con Corner Agent · Cash pickup)" in spanish.replace("\u00a0", " ")
    french = re.search(r'<article class="slip" lang="fr">(.*?)</article>', html, re.S).group(1)
    assert "Votre famille reçoit" in french


def test_a_list_that_names_an_unknown_service_says_which_row(corridor, client):
    pasted = "Nombre\tMonto\tServicio\nAna\t350,00\tWestern Onion\nBeto\t350,00\tTest MTO"
    response = client.post("/bundle", data=form(client, pasted=pasted))
    assert response.status_code == 422
    text = text_of(response)
    assert "la lista pegada, fila 2" in text and "«Western Onion» no es un servicio de este corredor" in text
    assert "Corner Agent · Cash pickup, Test Bank · Wire, Test MTO · Cash" in text


def test_a_saved_group_keeps_services_and_languages_and_personal_columns_only_if_asked(corridor, client):
    login(client, "staff")
    saved = client.post("/bundle/groups", data=form(client, group_name="Finca 2026"))
    assert saved.status_code == 302
    group = db.session.execute(select(BundleGroup)).scalar_one()
    assert group.members.splitlines()[0] == "reference\tamount\tservice\tlanguage"
    assert group.members.splitlines()[1] == "Trabajador 01\t350.00\tcorner agent · CASH PICKUP\tes"
    assert "GT-8801" not in group.members
    event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "bundle group saved")).scalar_one()
    assert "GT-88" not in event.detail and '"personal_columns": false' in event.detail
    client.post("/bundle/groups", data=form(client, group_name="Finca con cuentas", keep_personal="y"))
    kept = db.session.execute(select(BundleGroup).where(BundleGroup.name == "Finca con cuentas")).scalar_one()
    assert "GT-8801" in kept.members
    loaded = client.get(f"/bundle?group={group.id}").get_data(as_text=True)
    assert "Trabajador 01\t350.00\tcorner agent · CASH PICKUP\tes" in loaded


def plain(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\u00a0", " ")


def test_the_transfers_of_one_day_are_all_reported_with_the_days_total(corridor, client):
    """The forty workers' CAD 17,000 under the bank's limit of CAD 5,000: four transfers of 4,250.00,
    none of CAD 10,000 alone, all made by the coordinator on one day. The bank adds them up: all four are
    reported, and the page says so with the day's total, written as Spanish writes money (17.000,00),
    the limit with its two decimals (5.000,00, not 5000,0000). Made on two days (8,500.00 each), none is."""
    html = client.post("/bundle", data=form(client, max_transfer="5.000")).get_data(as_text=True)
    text = plain(html)
    assert text.count("declarada por el banco") == 4
    assert "1 4 17.000,00 CAD sí: 17.000,00 CAD llega a 10.000,00 CAD" in text
    assert "El dinero va en 4 transferencias porque el banco acepta como máximo CAD 5.000,00 en una sola." in text
    assert ("El banco declara estas 4 transferencias a FINTRAC. Hechas por una misma persona en un mismo día, "
            "suman CAD 17.000,00") in text
    assert "0000," not in text and "esta declaración" not in text
    slips = plain(client.post("/bundle/slips", data=form(client, max_transfer="5.000")).get_data(as_text=True))
    assert slips.count("Las transferencias del grupo suman 17.000,00 CAD en un mismo día") == 30  # the es slips
    two_days = plain(client.post("/bundle", data=form(client, max_transfer="5.000", transfer_days="2"))
                     .get_data(as_text=True))
    assert "declarada por el banco" not in two_days
    assert "1 2 8.500,00 CAD no" in two_days and "2 2 8.500,00 CAD no" in two_days
    assert "Las transferencias se hacen en 2 días, como eligió quien coordina." in two_days
    refused = client.post("/bundle", data=form(client, transfer_days="40"))
    assert refused.status_code == 422
    assert "Escriba un número entero de 1 a 31." in plain(refused.get_data(as_text=True))


def test_an_intermediary_fee_in_us_dollars_is_counted_at_the_reference_rate(app, client):
    """USD 20 taken on the way, with USD→CAD at 1.40: CAD 28.00 deducted from the one wire of CAD 17,000,
    and the page shows the fee as given, as counted and the rate with its date."""
    load_hand_worked_corridor(later_rates=b"USD,CAD,1.40,2026-01-05,test rate\n")
    page = client.get("/bundle?lang=es").get_data(as_text=True)
    assert '<option value="USD">USD</option>' in page and 'id="intermediary_fee_currency"' in page
    html = client.post("/bundle", data=form(client, intermediary_fee="20", intermediary_fee_currency="USD"))
    text = plain(html.get_data(as_text=True))
    assert "bancos intermediarios 28,00 CAD, banco receptor 15,00 CAD" in text
    assert "20,00 US$ contados como 28,00 CAD: 1 USD = 1,4 CAD, tipo de cambio de referencia del 5 ene 2026" in text
    # Only currencies remit has a rate for are offered: any other is refused, and nothing is planned.
    refused = client.post("/bundle", data=form(client, coordinator_fee="3", coordinator_fee_currency="EUR"))
    assert refused.status_code == 422 and 'id="plan-heading"' not in refused.get_data(as_text=True)


def test_a_reason_to_send_alone_reads_as_a_sentence_on_the_slip_and_old_data_is_flagged(corridor, client):
    """Ana sends CAD 5 with the forty; CAD 400 is deducted on arrival and the fees are shared in equal
    parts: (30 + 400) / 41 = 10.4878… + 2% of 5 + 1.50 = 12.09 is more than her 8.22 alone (Corner
    Agent: 7.99 + 4.5% of 5), so she sends alone. Her slip starts the reason with a capital and ends it
    with a full stop; the rate of 5 January 2026 is past its 14 days, and every slip says so, in its
    language."""
    data = form(client, pasted=spreadsheet() + "\nAna\t5,00\tTest MTO\tes\tGT-1", allocation="equal",
                incoming_fee="400")
    html = client.post("/bundle/slips", data=data).get_data(as_text=True)
    ana = plain(re.search(r'<article class="slip" lang="es">((?:(?!</article>).)*Ana(?:(?!</article>).)*)</article>',
                          html, re.S).group(1))
    assert ("Esta vez, envíe solo. Unirse le costaría CAD 12,09, más que enviar solo con Corner Agent · "
            "Cash pickup por CAD 8,22.") in ana
    assert "Datos antiguos: tipo de cambio del 5 ene 2026" in ana
    assert html.count("Datos antiguos:") == 31 and html.count("Données anciennes :") == 10
    page = plain(client.post("/bundle", data=data).get_data(as_text=True))
    assert "Unirse le costaría CAD 12,09, más que enviar solo con Corner Agent · Cash pickup por CAD 8,22." in page


def kept_field(html: str) -> str:
    """The upload the page keeps, as a browser sends it back."""
    return unescape(re.search(r'<input id="uploaded" name="uploaded" type="hidden" value="([^"]*)"', html).group(1))


def test_an_upload_is_kept_as_it_was_read_and_planned_again_in_another_language(corridor, client):
    """The members read from a file are kept in the form as read: the plan made again from the page, in
    French and without the file, has the same members, each carried cell whole (a tab, a line break,
    quotes)."""
    lines = ["Reference,Amount,Payout method,Address",
             '"""Ana"" Pérez",350.00,bank_account,"Calle 5\tapto 2\nzona 1"',
             "Beto,500.50,,Aldea El Rosario"] + [f"Trabajador {i:02d},350.00,,GT-{8800 + i}" for i in range(3, 41)]
    data = form(client, pasted="") | {"upload": (io.BytesIO("\r\n".join(lines).encode()), "members.csv")}
    first = client.post("/bundle?lang=es", data=data, content_type="multipart/form-data")
    assert first.status_code == 200, text_of(first)[:2000]
    sent = form(client, pasted="") | {"uploaded": kept_field(first.get_data(as_text=True))}
    again = client.post("/bundle/payout.csv?machine=1&lang=fr", data=sent)
    assert again.status_code == 200, text_of(again)[:2000]
    rows = list(csv.reader(io.StringIO(again.get_data(as_text=True))))
    assert rows[0] == ["reference", "Address", "amount", "currency"]
    assert [r[:2] for r in rows[1:3]] == [['"Ana" Pérez', "Calle 5\tapto 2\nzona 1"], ["Beto", "Aldea El Rosario"]]
    assert len(rows) == 41


def test_a_kept_upload_still_names_the_files_rows(corridor, client):
    """A refusal of a member of a kept list says where the file has it (row 4: after a blank row), on the
    page that sends the list back as on the one that read the file."""
    lines = ["Reference,Amount,Service", "Ana,350.00,", ",,", "Beto,500.50,Western Onion"]
    data = form(client, pasted="") | {"upload": (io.BytesIO("\r\n".join(lines).encode()), "members.csv")}
    first = client.post("/bundle?lang=es", data=data, content_type="multipart/form-data")
    assert first.status_code == 422 and "el archivo subido, fila 4: miembro «Beto»: «Western Onion»" in text_of(first)
    again = client.post("/bundle?lang=fr", data=form(client, pasted="") | {
        "uploaded": kept_field(first.get_data(as_text=True))})
    assert again.status_code == 422 and "le fichier envoyé, ligne 4 : membre « Beto » : « Western Onion »" in text_of(
        again)


def test_a_kept_list_the_page_did_not_send_is_refused(corridor, client):
    """The kept members are signed by remit: text put in their place is not read as a list (400)."""
    before = client.post("/bundle", data=form(client, pasted="", uploaded="reference\tamount\nAna\t350"))
    assert before.status_code == 400


def test_a_row_typed_in_the_form_is_read_as_a_pasted_row(corridor, client):
    """One reader for every list: a reference a spreadsheet would take for a formula is refused in a row
    of the form as in a pasted list; an amount is read in the page's language."""
    rows = {"rows-0-ref": "Ana", "rows-0-amount": "350,00", "rows-1-ref": "=HYPERLINK(1)", "rows-1-amount": "20"}
    refused = client.post("/bundle", data=form(client, pasted="") | rows)
    assert refused.status_code == 422
    assert "Fila 2: no debe empezar por «=»" in text_of(refused)
    planned = client.post("/bundle", data=form(client) | {"rows-0-ref": "Ana", "rows-0-amount": "350,00"})
    assert planned.status_code == 200 and "Ana" in text_of(planned)
