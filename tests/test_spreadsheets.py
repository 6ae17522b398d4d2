"""Downloads and exports cannot carry a formula, whichever way the text came in."""
from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import select

from remit.extensions import db
from remit.importers import run_import
from remit.models import Provider
from remit.services import spreadsheets

from .admin.test_admin_imports import login, token
from .conftest import SEEDS

SEED_FEES = SEEDS / "fees" / "CA-GT_illustrative_fee_table.csv"
HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "|calc", "%0A", "\t=1", "\r=1"]


def test_cells_that_would_run_are_neutralised_and_numbers_are_not():
    assert [spreadsheets.neutralise(text) for text in HOSTILE] == ["'" + text for text in HOSTILE]
    assert [spreadsheets.neutralise(text) for text in ("-0.41", "12.50", "+3", "1,000.50", "plain", "")] == [
        "-0.41", "12.50", "+3", "1,000.50", "plain", ""]
    text = spreadsheets.csv_text(["a", "=b"], [["=1", 2], {"a": None, "=b": "@x"}])
    assert text == "a,'=b\n'=1,2\n,'@x\n"


def test_xlsx_cells_are_text_never_formulas():
    data = spreadsheets.xlsx_bytes(["name"], [[text] for text in HOSTILE] + [["bell\x07"]])
    sheet = load_workbook(io.BytesIO(data)).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [c.data_type for c in cells] == ["s"] * (len(HOSTILE) + 1)
    # (A carriage return is read back as written or as a line feed, as the XML parser openpyxl finds
    # reads it: lxml, which pikepdf brings, keeps it; the standard library's makes it a line feed.)
    assert [c.value.replace("\r", "\n") for c in cells] == [t.replace("\r", "\n") for t in HOSTILE] + ["bell"]


def test_a_provider_renamed_to_a_formula_in_the_admin_pages_is_neutralised_in_every_export(client, runner, tmp_path):
    run_import("fees", SEED_FEES.read_bytes(), SEED_FEES.name, actor="a")
    login(client)
    name = '=HYPERLINK("http://evil.example","Bank")'
    response = client.post("/admin/providers/illustrative-credit-union", data={
        "csrf_token": token(client), "name": name, "active": "y"})
    assert response.status_code == 302
    assert db.session.execute(select(Provider.name).where(Provider.slug == "illustrative-credit-union")).scalar_one() == name
    download = client.get("/admin/fees.csv?as_of=2026-06-01").get_data(as_text=True)
    assert "'=HYPERLINK(\"\"http://evil.example\"\",\"\"Bank\"\")" in download
    assert not any(line.startswith("=") for line in download.splitlines())
    out = tmp_path / "fees.csv"
    assert runner.invoke(args=["remit", "export", "fees", str(out)]).exit_code == 0
    assert out.read_text() == download
    workbook = load_workbook(io.BytesIO(client.get("/admin/fees.xlsx?as_of=2026-06-01").get_data()))
    names = {row[0].value: row[0].data_type for row in workbook.active.iter_rows(min_row=2)}
    assert names[name] == "s"
