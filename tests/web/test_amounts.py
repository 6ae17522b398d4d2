"""Amounts as people write them, in English, Spanish and French: on the compare form, in a pasted
group list and in a fee-table file. Each is read as meant or refused with a message; none is read as
another number."""
from __future__ import annotations

import re
from decimal import Decimal as D

import pytest

from remit.importers import run_import

from ..importers.helpers import csv_bytes, fee_row
from .test_pages import text_of

REFUSED = None
# typed → what it means on a page in en, es, fr (CAD has two decimals)
WAYS = {
    "1,000": (D("1000"), REFUSED, REFUSED),
    "1.000": (REFUSED, D("1000"), REFUSED),
    "1 000": (D("1000"), D("1000"), D("1000")),
    "300,50": (REFUSED, D("300.50"), D("300.50")),
    "300.50": (D("300.50"), D("300.50"), D("300.50")),
    "1,00": (REFUSED, D("1"), D("1")),
    "٣٠٠": (REFUSED, REFUSED, REFUSED),
    "1e3": (REFUSED, REFUSED, REFUSED),
}
LANGUAGES = ["en", "es", "fr"]


@pytest.mark.parametrize("typed", list(WAYS))
@pytest.mark.parametrize("index,language", list(enumerate(LANGUAGES)))
def test_compare_form(seeded, client, typed, index, language):
    response = client.get("/compare", query_string={"send": "CA", "receive": "GT", "mode": "send", "amount": typed,
                                                    "lang": language})
    expected = WAYS[typed][index]
    page = response.get_data(as_text=True)
    if expected is REFUSED:
        assert response.status_code == 422
        assert 'id="amount-error"' in page and f'value="{typed}"' in page  # refused, and kept to correct
        return
    assert response.status_code == 200
    # The results say what amount they price, in the page's own way of writing it.
    from flask_babel import force_locale

    from remit.i18n import money

    with force_locale(language):
        shown = money(expected, "CAD")
    assert shown in text_of(response).replace("\u202f", " ").replace("\u00a0", " ") or \
        shown.replace("\u202f", " ").replace("\u00a0", " ") in text_of(response).replace("\u202f", " ")


def csrf(client) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                     client.get("/bundle").get_data(as_text=True)).group(1)


@pytest.mark.parametrize("typed", list(WAYS))
@pytest.mark.parametrize("index,language", list(enumerate(LANGUAGES)))
def test_group_paste(seeded, client, typed, index, language):
    client.get(f"/bundle?lang={language}")
    # Copied from a spreadsheet: tab-separated, a header row, and a second member to keep the first company.
    pasted = f"Nombre\tMonto\nana\t{typed}\nben\t350"
    data = {"csrf_token": csrf(client), "send": "CA", "receive": "GT", "pasted": pasted, "distribution_fee": "0",
            "incoming_fee": "0", "coordinator_fee": "0", "allocation": "pro_rata", "transfers_per_year": "12",
            "action": "plan"}
    response = client.post("/bundle", data=data)
    expected = WAYS[typed][index]
    if expected is REFUSED:
        assert response.status_code == 422
        text = text_of(response)
        # The row as the spreadsheet numbers it (the header is row 1), and what was typed.
        assert re.search(r"\b(row|fila|ligne) 2\b", text) and typed in text
        return
    assert response.status_code == 200, text_of(response)[:2000]
    # The machine-readable plan file gives the amount as read, in plain digits (the file for people
    # writes it as the page's language does).
    plan = client.post("/bundle/plan.csv?machine=1", data=data).get_data(as_text=True)
    ana = next(line for line in plan.splitlines() if line.startswith("ana,"))
    assert D(ana.split(",")[1]) == expected


@pytest.mark.parametrize("typed,read", [
    ("300.50", D("300.50")), ("1000", D("1000")), ("1,000", REFUSED), ("1.000", REFUSED), ("1 000", REFUSED),
    ("300,50", REFUSED), ("1,00", REFUSED), ("٣٠٠", REFUSED), ("1e3", REFUSED),
])
def test_fee_table_file_takes_plain_numbers_only(app, typed, read):
    """A file declares no language: plain digits with a point, or a row error that says so."""
    report = run_import("fees", csv_bytes([fee_row(fee_fixed=typed)]), "fees.csv", actor="test", dry_run=True)
    if read is REFUSED:
        assert [p.row for p in report.problems] == [2] and [p.column for p in report.problems] == ["fee_fixed"]
        assert typed in str(report.problems[0])
    else:
        assert report.ok, report.problems
