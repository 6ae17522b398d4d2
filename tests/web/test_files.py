"""Files a coordinator opens as they are (issue 25): the payout list, the plan, the season and the
statements in the page's language, CSV as Spanish and French spreadsheets save it (`;` and a decimal
comma, UTF-8 with a byte-order mark), XLSX amounts as numbers that add up; the machine-readable file
unchanged under `?machine=1`; every file still formula-safe and read back as a member list.

The group is tests/web/test_group_transfer.py's: forty workers, CAD 17,000, and GTQ 91,225.55 paid out
to the families (1,876.75 or 1,876.74 to a CAD 350 family, 2,684.53 to a CAD 500 one), worked by hand
there."""
from __future__ import annotations

import csv
import io
import re
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from remit.importers.members import read_members
from remit.services import spreadsheets

from .test_group_transfer import corridor, form  # noqa: F401  (the fixture)
from .test_pages import text_of

PAID_OUT = D("91225.55")


def cells(data: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    return [[c.value for c in row] for row in sheet.iter_rows()]


def spanish_form(client, language="es", **extra):
    """The group's form on the page in `language` (English writes its amounts with a point)."""
    data = form(client, **extra)
    if language != "es":
        page = client.get(f"/bundle?lang={language}").get_data(as_text=True)
        data["csrf_token"] = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    if language == "en":
        for name in ("pasted", "distribution_fee"):
            data[name] = re.sub(r"(\d),(\d\d)\b", r"\1.\2", data[name])
    return data


def test_the_payout_xlsx_adds_up_to_the_plans_total_in_a_spreadsheet(corridor, client):  # noqa: F811
    response = client.post("/bundle/payout.xlsx", data=spanish_form(client))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    sheet = book.worksheets[0]
    rows = [[c for c in row] for row in sheet.iter_rows()]
    assert [c.value for c in rows[0]] == ["Referencia", "Cuenta", "Monto", "Moneda"]
    assert all(c.font.b for c in rows[0])
    amounts = [row[2] for row in rows[1:]]
    assert len(amounts) == 40 and {c.data_type for c in amounts} == {"n"}
    assert {c.number_format for c in amounts} == {"#,##0.00"}  # GTQ's two decimals
    # What a spreadsheet's SUM gives: the numbers as stored, added up.
    assert sum(D(str(c.value)) for c in amounts) == PAID_OUT
    assert [c.value for c in rows[1]] == ["Trabajador 01", "GT-8801", 1876.75, "GTQ"]
    assert text_of(client.post("/bundle", data=spanish_form(client))).count("91.225,55") >= 1  # the plan's total


def test_a_spanish_csv_has_semicolons_decimal_commas_and_a_byte_order_mark(corridor, client):  # noqa: F811
    response = client.post("/bundle/payout.csv", data=spanish_form(client))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel reads the accents
    text = response.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["Referencia", "Cuenta", "Monto", "Moneda"]
    assert rows[1] == ["Trabajador 01", "GT-8801", "1876,75", "GTQ"]
    assert rows[40] == ["Trabajador 40", "GT-8840", "2684,53", "GTQ"]
    assert sum(D(r[2].replace(",", ".")) for r in rows[1:]) == PAID_OUT
    plan = client.post("/bundle/plan.csv", data=spanish_form(client)).data.decode("utf-8-sig")
    header, first = list(csv.reader(io.StringIO(plan), delimiter=";"))[:2]
    first = dict(zip(header, first))
    assert header[:4] == ["Referencia", "Monto", "Se une al grupo", "Cargos adicionales"]
    assert (first["Parte de los costos"], first["Costo actual"], first["Ahorro frente a hoy"]) == ("9,43", "23,74",
                                                                                                  "14,31")
    assert first["Se une al grupo"] == "sí" and first["Servicio actual"] == "Corner Agent · Cash pickup"


def test_french_and_english_files_and_the_plans_reasons_in_the_readers_language(corridor, client):  # noqa: F811
    # With CAD 11 a family to pay out, Ana's CAD 20 costs her 8.89 alone (the cash agent's 7.99 + 4.5%)
    # and more in the group (0.40 of exchange rate, her part of the fixed fees, 11.00 to pay her family out):
    # she sends alone, and the plan says why.
    pasted = "Nom\tMontant\nAna\t20,00\n" + "\n".join(f"Trabajador {i:02d}\t350,00" for i in range(1, 41))
    data = spanish_form(client, "fr", pasted=pasted, distribution_fee="11")
    french = client.post("/bundle/plan.csv", data=data).data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(french), delimiter=";"))
    assert rows[0][:3] == ["Référence", "Montant", "Rejoint le groupe"]
    ana = dict(zip(rows[0], rows[1]))
    assert (ana["Rejoint le groupe"], ana["Montant"], ana["Coût de la façon la moins chère d’envoyer seul"]) == (
        "non", "20,00", "8,89")
    assert ana["Pourquoi"] and not re.search(r"\b(joining|would|cost|alone)\b", ana["Pourquoi"]), ana["Pourquoi"]
    english = client.post("/bundle/plan.csv", data=spanish_form(client, "en", pasted=pasted, distribution_fee="11"))
    text = english.data.decode("utf-8-sig")
    assert english.data.startswith(b"\xef\xbb\xbf") and text.startswith("Reference,Amount,Joins the group,")
    assert "\r\nAna,20.00,no," in text


def test_the_machine_readable_files_are_as_they_always_were(corridor, client):  # noqa: F811
    """`?machine=1`: English codes, commas, points, no byte-order mark, XLSX cells as text, whatever the
    page's language (the Spanish page here)."""
    response = client.post("/bundle/payout.csv?machine=1", data=spanish_form(client))
    text = response.get_data(as_text=True)
    assert text.startswith("reference,Cuenta,amount,currency\nTrabajador 01,GT-8801,1876.75,GTQ\n")
    rows = list(csv.reader(io.StringIO(text)))
    assert sum(D(r[2]) for r in rows[1:]) == PAID_OUT
    assert [r[2] for r in rows[1:21]].count("1876.75") == 15  # 15 of the 20 cents left over
    sheet = cells(client.post("/bundle/payout.xlsx?machine=1", data=spanish_form(client)).data)
    assert sheet[0] == ["reference", "Cuenta", "amount", "currency"]
    assert sheet[1] == ["Trabajador 01", "GT-8801", "1876.75", "GTQ"]
    plan = list(csv.reader(io.StringIO(client.post("/bundle/plan.csv?machine=1", data=spanish_form(client))
                                       .get_data(as_text=True))))
    assert plan[0][:4] == ["reference", "amount", "joins", "fees_on_top"]
    first = dict(zip(plan[0], plan[1]))
    assert (first["joins"], first["share_of_costs"], first["cost_today"]) == ("yes", "9.43", "23.74")


def test_files_for_people_stay_formula_safe(corridor, client):  # noqa: F811
    hostile = ['=HYPERLINK("http://x","y")', "+1+1", "@SUM(A1)", "-2+3"]
    pasted = "Nombre\tMonto\tCuenta\n" + "\n".join(f"w{i}\t350,00\t{text}" for i, text in enumerate(hostile)) + \
        "\n" + "\n".join(f"Trabajador {i:02d}\t350,00\tGT-{i}" for i in range(1, 40))
    response = client.post("/bundle/payout.csv", data=spanish_form(client, pasted=pasted))
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert [r[1] for r in rows[1:5]] == ["'" + text for text in hostile]
    assert all(re.fullmatch(r"\d+,\d\d", r[2]) for r in rows[1:])
    book = load_workbook(io.BytesIO(client.post("/bundle/payout.xlsx", data=spanish_form(client, pasted=pasted)).data))
    accounts = [row[1] for row in book.worksheets[0].iter_rows(min_row=2, max_row=5)]
    assert [c.value for c in accounts] == hostile and {c.data_type for c in accounts} == {"s"}
    # Spreadsheet writers: a text that looks like a formula is never a number or a formula.
    style = spreadsheets.style_for("es", str)
    data = spreadsheets.people_xlsx(["a", "b"], [["=1+2", spreadsheets.Amount(D("-0.415"), 2)]], style)
    row = load_workbook(io.BytesIO(data)).worksheets[0]["A2":"B2"][0]
    # −0.415 half up is −0.41 (towards the larger number, as the contract rounds negatives).
    assert (row[0].value, row[0].data_type, row[1].value, row[1].data_type) == ("=1+2", "s", -0.41, "n")
    assert spreadsheets.people_csv(["a"], [[spreadsheets.Amount(D("-0.415"), 2)], ["=1"]], style) == \
        "\ufeffa\r\n-0,41\r\n'=1\r\n"


@pytest.mark.parametrize("language", ["es", "fr", "en"])
def test_remits_own_files_are_read_back_as_member_lists(corridor, client, language):  # noqa: F811
    """The payout list and the plan, CSV and XLSX, in each language: read again as a member list, with
    the page's language, they give the same references, amounts and carried columns; the plan, uploaded
    again, gives the same plan."""
    data = spanish_form(client, language)
    payout_csv = client.post("/bundle/payout.csv", data=data).data
    members, problems, carried = read_members(payout_csv, "payout.csv", "GTQ", language)
    assert problems == [] and len(members) == 40
    assert (members[0].ref, members[0].amount, dict(members[0].extra)["Cuenta"]) == ("Trabajador 01", D("1876.75"),
                                                                                     "GT-8801")
    assert sum(m.amount for m in members) == PAID_OUT
    payout_xlsx = client.post("/bundle/payout.xlsx", data=data).data
    again, problems, _ = read_members(payout_xlsx, "payout.xlsx", "GTQ", language)
    assert problems == [] and [(m.ref, m.amount) for m in again] == [(m.ref, m.amount) for m in members]
    before = text_of(client.post("/bundle", data=data))
    for fmt in ("csv", "xlsx"):
        plan = client.post(f"/bundle/plan.{fmt}", data=data).data
        members, problems, carried = read_members(plan, f"plan.{fmt}", "CAD", language)
        assert problems == [] and len(members) == 40, problems
        assert [m.amount for m in members] == [D(350)] * 20 + [D(500)] * 20
        assert members[0].product == "Corner Agent · Cash pickup"  # "Service today" names today's service
        uploaded = client.post("/bundle", data={**data, "pasted": "", "upload": (io.BytesIO(plan), f"plan.{fmt}")},
                               content_type="multipart/form-data")
        assert uploaded.status_code == 200, text_of(uploaded)[:2000]
        total = {"es": "91.225,55", "fr": "91225,55", "en": "91,225.55"}[language]  # paid out

        def squeezed(text: str) -> str:
            return re.sub(r"[\s\u00a0\u202f]", "", text)

        assert total in squeezed(before) and total in squeezed(text_of(uploaded))


def test_a_spanish_list_with_grouped_amounts_and_a_workbook_of_numbers_are_read_as_meant(app):
    text = "\ufeffReferencia;Cuenta;Monto;Moneda\r\nw01;GT-1;1.234,50;GTQ\r\nw02;GT-2;1876,75;GTQ\r\n"
    members, problems, carried = read_members(text.encode(), "lista.csv", "GTQ", "es")
    assert problems == [] and [(m.ref, m.amount) for m in members] == [("w01", D("1234.50")), ("w02", D("1876.75"))]
    assert carried == ["Cuenta", "Moneda"]
    # A workbook's number is that number in any language: 1.234 is not read as 1,234 in Spanish.
    style = spreadsheets.style_for("es", str)
    book = spreadsheets.people_xlsx(["Referencia", "Monto"], [["w01", spreadsheets.Amount(D("1234.5"), 2)],
                                                               ["w02", spreadsheets.Amount(D("1.234"), 3)]], style)
    members, problems, _ = read_members(book, "lista.xlsx", "KWD", "es")
    assert problems == [] and [m.amount for m in members] == [D("1234.5"), D("1.234")]
    members, problems, _ = read_members(book, "lista.xlsx", "GTQ", "es")
    assert [str(p) for p in problems] == ["row 3, column amount: “1.234” has more decimals than GTQ has (2). "
                                          "Write it like 12.345,50 or 12345,50."]
