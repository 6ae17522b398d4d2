"""A coordinator's member list, as they keep it: pasted from a spreadsheet or uploaded (CSV, XLSX).

Columns: the member's reference and the amount, and optionally `payout_method` and `product` (the
service used today). A header row is optional: without one the first column is the reference and the
second the amount. Pasted rows may be separated by tabs (as spreadsheets copy them), semicolons or
commas. Amounts are read as the page's language writes them (remit.inputs.parse_amount), so a list
typed in Spanish with decimal commas is read as meant; rows are numbered as the spreadsheet numbers
them.
"""
from __future__ import annotations

import csv
import io
from decimal import Decimal

from ..domain.messages import msg
from ..domain.vocabulary import PAYOUT_METHODS
from ..inputs import MAX_MEMBERS, MAX_REF_LENGTH, InputError, parse_amount, quoted
from .fields import FORMULA_START
from .readers import FileRejected, Problem, Table, normalize_header, read_table

# The names a coordinator's header may give each column, in the three languages.
HEADER_NAMES = {
    "ref": {"ref", "reference", "name", "member", "worker", "referencia", "nombre", "miembro", "trabajador",
            "référence", "reference du membre", "nom", "membre", "travailleur"},
    "amount": {"amount", "monto", "importe", "cantidad", "montant", "somme"},
    "payout_method": {"payout method", "payout_method", "payout"},
    "product": {"product", "service", "today's service", "producto", "servicio", "produit"},
}


# The columns as a problem names them, in the reader's language.
COLUMN_NAMES = {"ref": msg("column_ref", "reference"), "amount": msg("column_amount", "amount"),
                "payout_method": msg("column_payout_method", "payout method"),
                "product": msg("column_product", "today's service")}


def _lookup() -> dict[str, str]:
    return {normalize_header(name): column for column, names in HEADER_NAMES.items() for name in names}


def pasted_table(text: str) -> Table:
    """Rows of pasted text as cells: tabs if the text has any, else semicolons, else commas."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n")
    delimiter = "\t" if "\t" in lines else (";" if ";" in lines else ",")
    rows = list(csv.reader(io.StringIO(lines), delimiter=delimiter))
    table = Table(header=[])
    for number, cells in enumerate(rows, start=1):
        table.rows.append((number, [cell.strip() for cell in cells]))
    return table


def _split_header(table: Table, header_in_rows: bool) -> tuple[dict[str, int], list[tuple[int, list[str]]], list[Problem]]:
    """Which cell holds each column, and the data rows. A first row naming known columns is a header."""
    rows = list(table.rows) if header_in_rows else [(1, table.header)] + list(table.rows)
    lookup = _lookup()
    first = next(((n, cells) for n, cells in rows if any(cells)), None)
    if first is None:
        return {}, [], []
    names = [lookup.get(normalize_header(cell)) for cell in first[1]]
    if not any(names):
        return {"ref": 0, "amount": 1}, rows, []
    positions: dict[str, int] = {}
    problems = []
    for index, name in enumerate(names):
        if name is not None and name not in positions:
            positions[name] = index
    for column in ("ref", "amount"):
        if column not in positions:
            problems.append(Problem(first[0], COLUMN_NAMES[column], msg("member_column_missing",
                                                          "missing column (a header names %(names)s)",
                                                          names=sorted(HEADER_NAMES[column])[:4])))
    return positions, [r for r in rows if r[0] > first[0]], problems


def _cell(cells: list[str], positions: dict[str, int], name: str) -> str:
    index = positions.get(name)
    return cells[index].strip() if index is not None and index < len(cells) else ""


def read_table_members(table: Table, currency: str, locale: str, *, header_in_rows: bool = True):
    from ..services.bundles import MemberInput

    positions, rows, problems = _split_header(table, header_in_rows)
    if problems:
        return [], problems
    members, seen = [], {}
    for row, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        if len(members) >= MAX_MEMBERS:
            problems.append(Problem(row, None, msg("members_too_many", "a group has at most %(limit)s members",
                                                   limit=MAX_MEMBERS)))
            break
        ref, amount_text = _cell(cells, positions, "ref"), _cell(cells, positions, "amount")
        payout, product = _cell(cells, positions, "payout_method").lower(), _cell(cells, positions, "product")
        row_problems = []
        if not ref:
            row_problems.append(Problem(row, COLUMN_NAMES["ref"], msg("member_ref_missing", "give the member's reference")))
        elif len(ref) > MAX_REF_LENGTH:
            row_problems.append(Problem(row, COLUMN_NAMES["ref"], msg("member_ref_long", "“%(typed)s” is longer than %(limit)s characters",
                                                        typed=quoted(ref), limit=MAX_REF_LENGTH)))
        elif ref.startswith(FORMULA_START):
            row_problems.append(Problem(row, COLUMN_NAMES["ref"], msg("text_formula", "must not start with '%(start)s' (spreadsheets read it as a formula)",
                                                        start=ref[0])))
        amount: Decimal | None = None
        try:
            amount = parse_amount(amount_text, locale, currency)
        except InputError as exc:
            row_problems.append(Problem(row, COLUMN_NAMES["amount"], exc.message))
        if payout and payout not in PAYOUT_METHODS:
            row_problems.append(Problem(row, COLUMN_NAMES["payout_method"], msg("not_a_choice", "'%(typed)s' is not one of: %(choices)s",
                                                                  typed=quoted(payout), choices=list(PAYOUT_METHODS))))
        if not row_problems and ref in seen:
            row_problems.append(Problem(row, COLUMN_NAMES["ref"], msg("member_ref_twice", "“%(ref)s” is already on row %(row)s",
                                                        ref=ref, row=seen[ref])))
        if row_problems:
            problems.extend(row_problems)
            continue
        seen[ref] = row
        members.append(MemberInput(ref, amount, payout or None, product or None))
    if not members and not problems:
        problems.append(Problem(None, None, msg("members_none", "the list names no members")))
    return members, problems


def read_pasted(text: str, currency: str, locale: str):
    """Members pasted into the page: (MemberInput list, problems)."""
    return read_table_members(pasted_table(text), currency, locale)


def read_members(data: bytes, filename: str, currency: str, locale: str = "en"):
    """Members from an uploaded CSV or XLSX file: (MemberInput list, problems)."""
    try:
        table = read_table(data, filename, max_rows=MAX_MEMBERS + 1)
    except FileRejected as rejected:
        return [], rejected.problems
    return read_table_members(table, currency, locale, header_in_rows=False)
