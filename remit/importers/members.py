"""A coordinator's member list, as they keep it: pasted from a spreadsheet or uploaded (CSV, XLSX).

Columns: the member's reference (or name) and the amount, and optionally the service each uses today
(a product id or its name as the results page gives it), the language of their slip (en, es, fr) and
`payout_method`; any other column (name, account, national ID…) is carried through, unchanged, to the
payout list. A header row is optional: without one the columns come as reference, amount, today's
service, language, then the carried ones. Pasted rows may be separated by tabs (as spreadsheets copy
them), semicolons or commas. Amounts are read as the page's language writes them
(remit.inputs.parse_amount), so a list typed in Spanish with decimal commas is read as meant, and a
workbook's numbers as the numbers they are (an XLSX saved by remit holds its amounts as numbers); rows
are numbered as the spreadsheet numbers them. remit's own files (the payout list and the plan, in
any language, CSV with `;` or `,`, or XLSX) are read back as member lists.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

from ..domain.members import MemberInput
from ..domain.messages import msg
from ..domain.vocabulary import PAYOUT_METHODS
from ..inputs import MAX_MEMBERS, MAX_REF_LENGTH, InputError, parse_amount, quoted
from .fields import FORMULA_START
from .readers import Table, read_table
from .rows import FileRejected, NumberCell, Problem, normalize_header

# The names a coordinator's header may give each column, in the three languages.
HEADER_NAMES = {
    "ref": {"ref", "reference", "member", "worker", "referencia", "miembro", "trabajador", "référence",
            "reference du membre", "membre", "travailleur", "id"},
    "amount": {"amount", "monto", "importe", "cantidad", "montant", "somme", "sends", "envía", "envoie"},
    "payout_method": {"payout method", "payout_method", "payout"},
    "product": {"product", "service", "today's service", "service today", "sends with", "producto", "servicio",
                "servicio actual", "envía con", "produit", "service actuel", "envoie avec"},
    "language": {"language", "lang", "slip language", "idioma", "lengua", "langue"},
}
# A list with a name column and no reference column uses the name as the reference.
NAME_NAMES = {"name", "full name", "nombre", "nombre completo", "nom", "nom complet"}
# Without a header, the columns come in this order; any further ones are carried through.
ORDER = ("ref", "amount", "product", "language")
LANGUAGE_NAMES = {"en": {"en", "english", "inglés", "ingles", "anglais"},
                  "es": {"es", "spanish", "español", "espanol", "espagnol"},
                  "fr": {"fr", "french", "francés", "frances", "français", "francais"}}

# The columns as a problem names them, in the reader's language.
COLUMN_NAMES = {"ref": msg("column_ref", "reference"), "amount": msg("column_amount", "amount"),
                "payout_method": msg("column_payout_method", "payout method"),
                "product": msg("column_product", "today's service"), "language": msg("column_language", "language")}


def _lookup() -> dict[str, str]:
    return {normalize_header(name): column for column, names in HEADER_NAMES.items() for name in names}


def language_code(text: str) -> str | None:
    folded = text.strip().casefold()
    return next((code for code, names in LANGUAGE_NAMES.items() if folded in names), None)


def pasted_table(text: str) -> Table:
    """Rows of pasted text as cells: tabs if the text has any (as spreadsheets copy), else semicolons,
    else commas."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n")
    delimiter = "\t" if "\t" in lines else (";" if ";" in lines else ",")
    rows = list(csv.reader(io.StringIO(lines), delimiter=delimiter))
    table = Table(header=[])
    for number, cells in enumerate(rows, start=1):
        table.rows.append((number, [cell.strip() for cell in cells]))
    return table


@dataclass
class Layout:
    """Which cell holds each known column, and the names of the columns carried through."""

    positions: dict[str, int]
    extra: list[tuple[int, str]]  # (cell index, header as the coordinator wrote it)


def _layout(first: list[str]) -> Layout | None:
    """The layout a header row gives, or None when the row is data (it names no known column)."""
    lookup = _lookup()
    names = [lookup.get(normalize_header(cell)) for cell in first]
    if not any(names):
        return None
    positions: dict[str, int] = {}
    extra = []
    for index, (name, cell) in enumerate(zip(names, first)):
        if name is not None and name not in positions:
            positions[name] = index
        elif cell.strip():
            extra.append((index, cell.strip()))
    if "ref" not in positions:
        named = next(((i, n) for i, n in extra if normalize_header(n) in {normalize_header(x) for x in NAME_NAMES}),
                     None)
        if named is not None:
            positions["ref"] = named[0]
            extra.remove(named)
    return Layout(positions, extra)


def _plain_layout(width: int) -> Layout:
    positions = {name: index for index, name in enumerate(ORDER) if index < width}
    extra = [(index, str(msg("column_n", "column %(n)s", n=index + 1))) for index in range(len(ORDER), width)]
    return Layout(positions, extra)


def _cell(cells: list[str], positions: dict[str, int], name: str) -> str:
    index = positions.get(name)
    return cells[index].strip() if index is not None and index < len(cells) else ""


def read_table_members(table: Table, currency: str, locale: str, *, header_in_rows: bool = True):
    """Members from rows of cells: (MemberInput list, problems, the carried columns' names)."""
    rows = list(table.rows) if header_in_rows else [(1, table.header)] + list(table.rows)
    rows = [(n, cells) for n, cells in rows if any(c.strip() for c in cells)]
    if not rows:
        return [], [Problem(None, None, msg("members_none", "the list names no members"))], []
    layout = _layout(rows[0][1])
    if layout is None:
        layout = _plain_layout(max(len(cells) for _, cells in rows))
    else:
        header_row = rows.pop(0)[0]
        missing = [c for c in ("ref", "amount") if c not in layout.positions]
        if missing:
            return [], [Problem(header_row, COLUMN_NAMES[c], msg(
                "member_column_missing", "missing column (a header names %(names)s)",
                names=sorted(HEADER_NAMES[c])[:4])) for c in missing], []
    members, problems, seen = [], [], {}
    for row, cells in rows:
        if len(members) >= MAX_MEMBERS:
            problems.append(Problem(row, None, msg("members_too_many", "a group has at most %(limit)s members",
                                                   limit=MAX_MEMBERS)))
            break
        found = _member(row, cells, layout, currency, locale, seen)
        if isinstance(found, list):
            problems.extend(found)
            continue
        seen[found.ref] = row
        members.append(found)
    if not members and not problems:
        problems.append(Problem(None, None, msg("members_none", "the list names no members")))
    return members, problems, [name for _, name in layout.extra]


def _member(row: int, cells: list[str], layout: Layout, currency: str, locale: str, seen: dict):
    """One row as a member, or its problems."""
    positions = layout.positions
    ref, amount_text = _cell(cells, positions, "ref"), _cell(cells, positions, "amount")
    at = positions.get("amount")
    number = at is not None and at < len(cells) and isinstance(cells[at], NumberCell)  # a workbook's number
    payout = _cell(cells, positions, "payout_method").lower()
    product, language = _cell(cells, positions, "product"), _cell(cells, positions, "language")
    problems = []
    if not ref:
        problems.append(Problem(row, COLUMN_NAMES["ref"], msg("member_ref_missing", "give the member's reference")))
    elif len(ref) > MAX_REF_LENGTH:
        problems.append(Problem(row, COLUMN_NAMES["ref"], msg(
            "member_ref_long", "“%(typed)s” is longer than %(limit)s characters", typed=quoted(ref),
            limit=MAX_REF_LENGTH)))
    elif ref.startswith(FORMULA_START):
        problems.append(Problem(row, COLUMN_NAMES["ref"], msg(
            "text_formula", "must not start with '%(start)s' (spreadsheets read it as a formula)", start=ref[0])))
    amount: Decimal | None = None
    try:
        amount = parse_amount(amount_text, locale, currency, number=number)
    except InputError as exc:
        problems.append(Problem(row, COLUMN_NAMES["amount"], exc.message))
    if payout and payout not in PAYOUT_METHODS:
        problems.append(Problem(row, COLUMN_NAMES["payout_method"], msg(
            "not_a_choice", "'%(typed)s' is not one of: %(choices)s", typed=quoted(payout),
            choices=list(PAYOUT_METHODS))))
    code = language_code(language) if language else None
    if language and code is None:
        problems.append(Problem(row, COLUMN_NAMES["language"], msg(
            "language_unknown", "“%(typed)s” is not a language of the slips (en, es, fr)", typed=quoted(language))))
    if len(product) > 200:
        problems.append(Problem(row, COLUMN_NAMES["product"], msg(
            "member_ref_long", "“%(typed)s” is longer than %(limit)s characters", typed=quoted(product), limit=200)))
    if not problems and ref in seen:
        problems.append(Problem(row, COLUMN_NAMES["ref"], msg(
            "member_ref_twice", "“%(ref)s” is already on row %(row)s", ref=ref, row=seen[ref])))
    if problems:
        return problems
    extra = tuple((name, cells[index].strip() if index < len(cells) else "") for index, name in layout.extra)
    return MemberInput(ref, amount, payout or None, product or None, code, extra, row)


# A list whose columns are known, with no header: the group transfer's form rows, and an upload the page
# kept (remit/web/group/members.py): these columns, then the carried ones.
KNOWN_ORDER = (*ORDER, "payout_method")


def read_known_rows(rows, currency: str, locale: str, *, carried=()):
    """Members from (row number, cells) whose cells come in KNOWN_ORDER, then the carried columns named
    `carried`: (MemberInput list, problems). Each row is read as a pasted row is; a reference on two rows
    is left to the caller, who sees every list the members come from."""
    layout = Layout({name: index for index, name in enumerate(KNOWN_ORDER)},
                    [(len(KNOWN_ORDER) + index, name) for index, name in enumerate(carried)])
    members, problems = [], []
    for row, cells in rows:
        found = _member(row, cells, layout, currency, locale, {})
        if isinstance(found, list):
            problems.extend(found)
        else:
            members.append(found)
    return members, problems


def read_pasted(text: str, currency: str, locale: str):
    """Members pasted into the page: (MemberInput list, problems, carried columns)."""
    return read_table_members(pasted_table(text), currency, locale)


def read_members(data: bytes, filename: str, currency: str, locale: str = "en"):
    """Members from an uploaded CSV or XLSX file: (MemberInput list, problems, carried columns)."""
    try:
        table = read_table(data, filename, max_rows=MAX_MEMBERS + 1)
    except FileRejected as rejected:
        return [], rejected.problems, []
    return read_table_members(table, currency, locale, header_in_rows=False)


# --- A form's members, from all the places it names them ---------------------------------------------

TYPED, UPLOADED, PASTED = "typed", "uploaded", "pasted"


@dataclass(frozen=True)
class MemberSources:
    """Where a form's members come from: its typed rows (row number, cells in KNOWN_ORDER; rows left
    empty are not sent, a row with a reference or an amount alone is refused), a file sent
    with it (its bytes and name) or the rows the page kept from an earlier one (rows in KNOWN_ORDER and
    the carried columns' names), and a pasted list."""

    typed: list = field(default_factory=list)
    upload: tuple[bytes, str] | None = None
    kept: tuple[list, list[str]] | None = None
    pasted: str = ""


@dataclass
class MemberList:
    """Every member a form names, in the order of its sources (typed rows, the file, the pasted list);
    each problem with the source it comes from (None for the list as a whole); the carried columns; where
    each member was entered (source, row); and a file read whole this time as rows the page can keep."""

    members: list[MemberInput] = field(default_factory=list)
    problems: list[tuple[str | None, Problem | str]] = field(default_factory=list)
    carried: list[str] = field(default_factory=list)
    entered: dict[str, tuple[str, int]] = field(default_factory=dict)
    upload_rows: dict | None = None

    def add(self, source: str, members, problems, carried=()) -> None:
        self.problems += [(source, problem) for problem in problems]
        self.members.extend(members)
        self.carried += [name for name in carried if name not in self.carried]
        self.entered.update((member.ref, (source, member.row)) for member in members)


def read_sources(sources: MemberSources, currency: str, locale: str) -> MemberList:
    """The members of every source, each read as a pasted row is, in `locale`; then what concerns them
    all: a reference on two rows or in two lists, more than MAX_MEMBERS, none at all."""
    found = MemberList()
    complete = [(row, cells) for row, cells in sources.typed if cells[0].strip() and cells[1].strip()]
    members, problems = read_known_rows(complete, currency, locale)
    problems += [Problem(row, COLUMN_NAMES["amount"], msg("member_incomplete", "Give both a reference and an amount."))
                 for row, cells in sources.typed if (row, cells) not in complete]
    found.add(TYPED, members, sorted(problems, key=lambda problem: problem.row))
    if sources.upload is not None:
        members, problems, carried = read_members(*sources.upload, currency, locale)
        if not problems:
            found.upload_rows = known_rows(members, carried)
        found.add(UPLOADED, members, problems, carried)
    elif sources.kept is not None:
        rows, carried = sources.kept
        found.add(UPLOADED, *read_known_rows(rows, currency, locale, carried=carried), carried)
    if sources.pasted.strip():
        found.add(PASTED, *read_pasted(sources.pasted, currency, locale))
    refs = [member.ref for member in found.members]
    for ref in sorted({ref for ref in refs if refs.count(ref) > 1}):
        found.problems.append((None, msg("members_ref_twice", "The reference %(ref)s is used twice.", ref=ref)))
    if len(found.members) > MAX_MEMBERS:
        found.problems.append((None, msg("members_over_limit", "A group has at most %(limit)s members.",
                                         limit=f"{MAX_MEMBERS:,}")))
    if not found.members and not found.problems:
        found.problems.append((None, msg("members_enter", "Enter at least one member.")))
    return found


def known_rows(members: list[MemberInput], carried: list[str]) -> dict:
    """Members as rows in KNOWN_ORDER with their carried columns and the row each came from, amounts as
    plain decimals, with the carried columns' names: what `read_known_rows` reads back as the same
    members."""
    rows = []
    for member in members:
        extra = dict(member.extra)
        rows.append([member.row, member.ref, format(member.amount, "f"), member.product or "",
                     member.language or "", member.payout_method or "", *[extra.get(name, "") for name in carried]])
    return {"carried": list(carried), "rows": rows}
