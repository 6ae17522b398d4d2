"""The receiving bank's confirmation file (remit/importers/confirmations.py): rows matched to the
cycle's members by reference, amounts and statuses read as the bank writes them, every other row
refused with its reasons."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from remit.importers.confirmations import read_confirmation, status_code

from .helpers import xlsx_bytes

REFS = ["w01", "w02", "w03"]
TODAY = dt.date(2026, 3, 10)


def read(text: str, locale: str = "en", name: str = "file.csv"):
    data = text.encode() if isinstance(text, str) else text
    return read_confirmation(data, name, REFS, "GTQ", locale, today=TODAY)


def test_statuses_in_three_languages_and_in_banks_words():
    # "entregado" is how remit's own Spanish payout list writes paid (the family's payout is an entrega).
    for words, code in ((["paid", "PAGADO", "Payée", "completed", "ok", "Effectué", "Entregado"], "paid"),
                        (["returned", "Devuelto", "rejeté", "Rejected", "rechazada", "failed"], "returned"),
                        (["pending", "Pendiente", "en attente", "in_process", "En proceso"], "pending")):
        assert {status_code(w) for w in words} == {code}, words
    assert status_code("maybe") is None


def test_a_french_file_is_matched_by_reference():
    rows, problems = read("Référence;Montant payé;Statut;Date de paiement;Devise\r\n"
                          "w02;2 725,80;payé;05/03/2026;GTQ\r\nw01;1876,75;retourné;2026-03-06;gtq\r\n", "fr")
    assert problems == []
    assert [(r.row, r.ref, r.amount, r.status, r.paid_on) for r in rows] == [
        (2, "w02", D("2725.80"), "paid", dt.date(2026, 3, 5)), (3, "w01", D("1876.75"), "returned", dt.date(2026, 3, 6))]
    assert all(r.matches for r in rows)


def test_without_a_status_column_every_row_is_a_payout_made():
    rows, problems = read("reference,amount\nw01,10.00\n")
    assert problems == [] and rows[0].status == "paid" and rows[0].paid_on is None


def test_each_row_that_cannot_be_recorded_says_why():
    rows, problems = read("reference,amount,status,date,currency\n"
                          "w01,10.00,paid,2026-03-05,GTQ\n"
                          "w01,10.00,paid,,\n"
                          "w09,10.00,paid,,\n"
                          ",10.00,paid,,\n"
                          "w02,ten,maybe,05/03/2026,USD\n"
                          "w03,10.001,paid,2026-04-01,\n")
    assert problems == []
    reasons = {r.row: [str(p) for p in r.problems] for r in rows}
    assert reasons == {
        2: [],
        3: ["“w01” is already on row 2"],
        4: ["“w09” is not a member of this cycle"],
        5: ["give the member's reference"],
        # English dates are written year first: 05/03/2026 could be 5 March or 3 May.
        6: ["“ten” cannot be read as an amount. Write it like 12,345.50 or 12345.50.",
            "“maybe” is not a status remit knows: write paid, returned or pending",
            "paid in USD; this cycle's families are paid in GTQ",
            "“05/03/2026” is not a date: write it as 2026-03-05"],
        7: ["“10.001” has more decimals than GTQ has (2). Write it like 12,345.50 or 12345.50.",
            "2026-04-01 has not come yet"],
    }


def test_a_workbooks_numbers_and_dates_are_read_as_they_are():
    data = xlsx_bytes([["Referencia", "Monto", "Estado", "Fecha"], ["w01", 1.234, "Pagado", dt.date(2026, 3, 5)],
                       ["w02", 2725.8, "Devuelto", None]])
    rows, problems = read(data, "es", "banco.xlsx")
    assert problems == []
    assert [str(p) for p in rows[0].problems] == ["“1.234” has more decimals than GTQ has (2). "
                                                   "Write it like 12.345,50 or 12345,50."]
    assert (rows[1].amount, rows[1].status) == (D("2725.8"), "returned")
    assert rows[0].paid_on == dt.date(2026, 3, 5)


def test_a_file_without_the_columns_or_the_rows_is_refused_whole():
    rows, problems = read("name,paid\nw01,10\n")
    assert rows == [] and [str(p) for p in problems] == [
        "row 1, column reference: missing column (a header names beneficiario, beneficiary, beneficiary reference, "
        "bénéficiaire)",
        "row 1, column amount: missing column (a header names amount, amount paid, cantidad, envoie)"]
    rows, problems = read("reference,amount\n\n")
    assert rows == [] and [str(p) for p in problems][0].startswith("file:")
