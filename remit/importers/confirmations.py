"""The receiving bank's or cooperative's confirmation of the payouts it made to the families: a CSV or
XLSX file with, for each payout, the member's reference, the amount paid (in the receive currency) and
its status; a date and a currency if the file has them.

Columns are found by their header, in English, Spanish or French (`reference`/`referencia`/`référence`,
`amount`/`monto`/`montant`, `status`/`estado`/`statut`, `date`/`fecha`, `currency`/`moneda`/`devise`);
remit's own payout list, in any language, is such a file once a status column is added. Without a
status column every row is a payout made (`paid`). Statuses are read in the three languages and in the
words banks use (`paid`, `pagado`, `payé`, `completed`; `returned`, `devuelto`, `rejected`,
`rechazado`; `pending`, `pendiente`, `en attente`…). Amounts are read as the page's language writes
them (a workbook's numbers as the numbers they are); dates as 2026-03-05 or, in Spanish and French,
05/03/2026.

Each row is matched to a member of the cycle by reference. A row that does not match (an unknown
reference, a member already on another row, an amount or a status that cannot be read, another
currency) is refused with its reasons; the caller writes nothing until every row matches or is left
out (remit.services.ledger.record_confirmation).
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from ..domain.messages import Message, msg
from ..inputs import MAX_MEMBERS, InputError, parse_amount, quoted
from .members import HEADER_NAMES as MEMBER_HEADERS
from .readers import read_table
from .rows import FileRejected, NumberCell, Problem, normalize_header

HEADER_NAMES = {
    # Not "id": a bank's file often has an id of its own for each payment.
    "ref": (MEMBER_HEADERS["ref"] - {"id"}) | {"beneficiary", "beneficiary reference", "beneficiario",
                                               "referencia del beneficiario", "bénéficiaire",
                                               "référence du bénéficiaire"},
    "amount": MEMBER_HEADERS["amount"] | {"amount paid", "paid amount", "monto pagado", "importe pagado",
                                          "montant payé", "montant versé"},
    "status": {"status", "state", "result", "estado", "estatus", "resultado", "statut", "état", "résultat"},
    "date": {"date", "paid on", "payment date", "date paid", "fecha", "fecha de pago", "pagado el",
             "date de paiement", "date du paiement", "payé le"},
    "currency": {"currency", "moneda", "divisa", "devise"},
}
STATUS_WORDS = {
    "paid": {"paid", "paid out", "completed", "complete", "done", "ok", "success", "successful", "settled",
             "pagado", "pagada", "entregado", "entregada", "completado", "completada", "exitoso", "exitosa",
             "liquidado", "acreditado",
             "payé", "payée", "versé", "versée", "effectué", "effectuée", "réussi", "terminé"},
    "returned": {"returned", "rejected", "failed", "refused", "reversed", "cancelled", "canceled",
                 "devuelto", "devuelta", "rechazado", "rechazada", "fallido", "fallida", "anulado", "anulada",
                 "retourné", "retournée", "rejeté", "rejetée", "échoué", "refusé", "refusée", "annulé", "annulée"},
    "pending": {"pending", "in process", "in progress", "processing", "on hold", "pendiente", "en proceso",
                "en trámite", "en attente", "en cours"},
}
COLUMN_NAMES = {"ref": msg("column_ref", "reference"), "amount": msg("column_amount", "amount"),
                "status": msg("column_status", "status"), "date": msg("column_date", "date"),
                "currency": msg("column_currency", "currency")}
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


@dataclass
class ConfirmedRow:
    """One row of the file: the member it names and what it says was paid, or why it cannot be read."""

    row: int
    ref: str
    amount: Decimal | None = None
    status: str | None = None
    paid_on: dt.date | None = None
    problems: list[Message] = field(default_factory=list)

    @property
    def matches(self) -> bool:
        return not self.problems


def status_code(text: str) -> str | None:
    folded = " ".join(text.strip().casefold().replace("_", " ").split())
    return next((code for code, words in STATUS_WORDS.items() if folded in words), None)


def _date(text: str, locale: str) -> dt.date:
    if len(text) == 10 and text.isascii() and text[4] == "-":
        return dt.date.fromisoformat(text)
    found = _DAY_MONTH_YEAR.fullmatch(text)
    if found and str(locale).split("_")[0] in ("es", "fr"):
        day, month, year = (int(g) for g in found.groups())
        return dt.date(year, month, day)
    raise ValueError(text)


def _layout(header: list[str]) -> dict[str, int]:
    lookup = {normalize_header(name): column for column, names in HEADER_NAMES.items() for name in names}
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        column = lookup.get(normalize_header(cell))
        if column is not None and column not in positions:
            positions[column] = index
    return positions


def read_confirmation(data: bytes, filename: str, refs: Iterable[str], currency: str, locale: str,
                      today: dt.date | None = None) -> tuple[list[ConfirmedRow], list[Problem]]:
    """The file's rows, each matched to one of `refs` or refused with its reasons; and the problems of
    the file as a whole (not readable, no reference or amount column, no rows)."""
    try:
        table = read_table(data, filename, max_rows=MAX_MEMBERS)
    except FileRejected as rejected:
        return [], rejected.problems
    positions = _layout(table.header)
    missing = [name for name in ("ref", "amount") if name not in positions]
    if missing:
        return [], [Problem(1, COLUMN_NAMES[name], msg(
            "confirmation_column_missing", "missing column (a header names %(names)s)",
            names=sorted(HEADER_NAMES[name])[:4])) for name in missing]
    members = set(refs)
    today = today or dt.date.today()
    seen: dict[str, int] = {}
    rows: list[ConfirmedRow] = []
    for number, cells in table.rows:
        if any(c.strip() for c in cells):
            rows.append(_confirmed_row(number, cells, positions, members, seen, currency, locale, today))
    if not rows:
        return [], [Problem(None, None, msg("confirmation_empty", "the file lists no payout"))]
    return rows, []



def _confirmed_row(number: int, cells: list[str], positions: dict[str, int], members: set[str],
                   seen: dict[str, int], currency: str, locale: str, today: dt.date) -> ConfirmedRow:
    """One row of the file, read with the reasons it is refused: its reference (`seen`: the row where
    each reference was first met), amount, status, currency and date."""

    def cell(name: str) -> str:
        index = positions.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    row = ConfirmedRow(number, cell("ref"))
    _check_ref(row, members, seen)
    index = positions["amount"]
    number_cell = index < len(cells) and isinstance(cells[index], NumberCell)
    try:
        row.amount = parse_amount(cell("amount"), locale, currency, number=number_cell)
    except InputError as exc:
        row.problems.append(exc.message)
    status = cell("status")
    row.status = status_code(status) if status else "paid"
    if row.status is None:
        row.problems.append(msg("confirmation_status_unknown", "“%(typed)s” is not a status remit knows: "
                                "write paid, returned or pending", typed=quoted(status)))
    sent_in = cell("currency")
    if sent_in and sent_in.upper() != currency:
        row.problems.append(msg("confirmation_currency", "paid in %(typed)s; this cycle's families are paid "
                                "in %(currency)s", typed=quoted(sent_in), currency=currency))
    _read_date(row, cell("date"), locale, today)
    return row


def _check_ref(row: ConfirmedRow, members: set[str], seen: dict[str, int]) -> None:
    """A reference given, of a member of the cycle, on one row only (the first is remembered in `seen`)."""
    if not row.ref:
        row.problems.append(msg("member_ref_missing", "give the member's reference"))
    elif row.ref not in members:
        row.problems.append(msg("confirmation_not_a_member", "“%(ref)s” is not a member of this cycle",
                                ref=quoted(row.ref)))
    elif row.ref in seen:
        row.problems.append(msg("member_ref_twice", "“%(ref)s” is already on row %(row)s", ref=row.ref,
                                row=seen[row.ref]))
    else:
        seen[row.ref] = row.row


def _read_date(row: ConfirmedRow, day: str, locale: str, today: dt.date) -> None:
    """The day the family was paid, when given: a date, not after tomorrow."""
    if not day:
        return
    try:
        row.paid_on = _date(day, locale)
    except ValueError:
        row.problems.append(msg("confirmation_date", "“%(typed)s” is not a date: write it as 2026-03-05",
                                typed=quoted(day)))
    else:
        if row.paid_on > today + dt.timedelta(days=1):
            row.problems.append(msg("ledger_date_future", "%(date)s has not come yet", date=row.paid_on))


__all__ = ["ConfirmedRow", "HEADER_NAMES", "STATUS_WORDS", "read_confirmation", "status_code"]
