"""Reference (mid-market) exchange rates, in two layouts:

- remit's own: `base_currency, quote_currency, rate, as_of, source`, one rate a row;
- the European Central Bank's euro reference rates (`eurofxref`): a `Date` column, then one column per
  currency, each cell the units of that currency one euro buys on that day. The daily file
  (`eurofxref.csv`: `30 October 2026`, one row) and the history (`eurofxref-hist.csv`: ISO dates,
  every working day since 1999, `N/A` where a currency was not quoted) are both read. Each cell is
  stored as a EUR→currency rate dated that day, its source the ECB's. A column of a currency that is
  no longer in ISO 4217 (CYP, EEK, ROL, …) is passed over, and the report says so.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from babel.numbers import list_currencies
from marshmallow import Schema, ValidationError, fields, validates_schema
from sqlalchemy import bindparam, select, update

from .. import codes
from ..extensions import db
from ..models import ImportRun, ReferenceRate
from ..services import reference
from ..domain.messages import msg
from ..inputs import quoted
from .batches import chunks
from .base import Column, ImportReport, PreviewRow, RowLoader, map_header, valid_rows
from .fields import REQUIRED, CurrencyCode, ExactNumber, IsoDate, Text
from .rows import Problem, ProblemLog, RowStream, normalize_header

COLUMNS = [Column("base_currency"), Column("quote_currency"), Column("rate"), Column("as_of"), Column("source")]
HEADER = [c.name for c in COLUMNS]


class RateRowSchema(Schema):
    base_currency = CurrencyCode(required=True)
    quote_currency = CurrencyCode(required=True)
    rate = ExactNumber(required=True, positive=True, maximum=Decimal("100000000"), places=10)
    as_of = IsoDate(required=True)
    source = Text(required=True, max_length=1000)

    @validates_schema
    def check_row(self, data, **kwargs):
        if data["base_currency"] == data["quote_currency"]:
            raise ValidationError({"quote_currency": [msg("same_currency", "must differ from base_currency")]})


WRITE_BATCH = 5_000


def collect(open_rows, problems: ProblemLog, report: ImportReport) -> dict[tuple, tuple] | None:
    """Validate every row as it is read: (base, quote, as_of) → (row, rate, source)."""
    with open_rows() as table:
        if is_ecb(table):
            return _collect_ecb(table, problems, report)
        return _collect(table, problems, report)


# The European Central Bank's euro foreign exchange reference rates.
ECB_SOURCE = "European Central Bank, euro foreign exchange reference rates"
ECB_NOT_QUOTED = {"n/a", ""}
ECB_MONTHS = {name: number for number, name in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"), start=1)}
_ECB_DAY = re.compile(r"^(\d{1,2}) ([A-Za-z]+) (\d{4})$")


def is_ecb(table: RowStream) -> bool:
    """The ECB's layout: `Date`, then currency codes."""
    names = [h.strip() for h in table.header]
    return (bool(names) and normalize_header(names[0]) == "date" and len([n for n in names[1:] if n]) > 0
            and all(re.fullmatch(r"[A-Za-z]{3}", n) for n in names[1:] if n))


class EcbDate(fields.Field):
    """A day as the ECB writes it: 2026-10-30 in the history, 30 October 2026 in the daily file."""

    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", REQUIRED)
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = str(value).strip()
        try:
            if IsoDate.PATTERN.match(text):
                return dt.date.fromisoformat(text)
            match = _ECB_DAY.match(text)
            if match and match.group(2).lower() in ECB_MONTHS:
                return dt.date(int(match.group(3)), ECB_MONTHS[match.group(2).lower()], int(match.group(1)))
        except ValueError:
            raise ValidationError(msg("not_a_real_date", "'%(typed)s' is not a real date", typed=quoted(text))) from None
        raise ValidationError(msg("not_an_ecb_date", "'%(typed)s' is not a date (the ECB writes 2026-10-30 or "
                                  "30 October 2026)", typed=quoted(value)))


def _ecb_columns(table: RowStream, problems: ProblemLog, report: ImportReport) -> dict[str, int] | None:
    """Currency → cell index of the columns to read; the withdrawn currencies passed over are noted."""
    positions: dict[str, int] = {}
    withdrawn = []
    for index, raw in enumerate(table.header[1:], start=1):
        name = raw.strip().upper()
        if not name:
            continue
        try:
            code = codes.currency(name)
        except codes.CodeError as exc:
            if name in list_currencies():  # a former ISO 4217 currency (CLDR keeps them), replaced since
                withdrawn.append(name)
            else:
                problems.add(Problem(1, raw, exc.args[0]))
            continue
        if code == "EUR":
            problems.add(Problem(1, raw, msg("ecb_euro_column", "every rate of this file is from the euro: "
                                                                "a EUR column cannot be one of them")))
        elif code in positions:
            problems.add(Problem(1, raw, msg("column_twice", "column %(column)s appears twice", column=code)))
        else:
            positions[code] = index
    if withdrawn:
        report.notes.append(msg("ecb_withdrawn_currencies",
                                "not imported: the columns %(codes)s, currencies no longer in ISO 4217",
                                codes=withdrawn))
    return positions


def _collect_ecb(table: RowStream, problems: ProblemLog, report: ImportReport) -> dict[tuple, tuple] | None:
    positions = _ecb_columns(table, problems, report)
    if problems:
        return None
    number = {"positive": True, "maximum": Decimal("100000000"), "places": 10, "load_default": None}
    schema = type("EcbRowSchema", (Schema,), {"Date": EcbDate(required=True)}
                  | {code: ExactNumber(**number) for code in positions})()
    loader = RowLoader(schema, {"Date": 0, **positions})
    rates: dict[tuple, tuple] = {}
    days: dict[dt.date, int] = {}
    for row, data in valid_rows(table, loader, problems, not_available=(list(positions.values()), ECB_NOT_QUOTED)):
        day = data.pop("Date")
        if day in days:
            problems.add(Problem(row, table.column_name(0), msg("ecb_day_twice", "row %(row)s already gives the "
                                                                "rates of %(day)s", row=days[day], day=day)))
            continue
        days[day] = row
        for code, rate in data.items():
            if rate is not None:
                rates[("EUR", code, day)] = (row, rate, ECB_SOURCE)
    report.rows = len(rates)
    return rates


def _collect(table: RowStream, problems: ProblemLog, report: ImportReport) -> dict[tuple, tuple] | None:
    positions, header_problems = map_header(table, COLUMNS)
    if header_problems:
        problems.extend(header_problems)
        return None
    rates: dict[tuple, tuple] = {}
    for row, data in valid_rows(table, RowLoader(RateRowSchema(), positions), problems):
        key = (data["base_currency"], data["quote_currency"], data["as_of"])
        if key in rates:
            problems.add(Problem(row, "as_of", msg("rate_twice", "row %(row)s already gives %(base)s→%(quote)s on %(day)s",
                                                   row=rates[key][0], base=key[0], quote=key[1], day=key[2])))
            continue
        rates[key] = (row, data["rate"], data["source"])
    report.rows = len(rates)
    return rates


def _stored(pairs) -> dict[tuple, tuple]:
    """(base, quote, as_of) → (id, rate, source) of the rates in force, read once per currency pair."""
    found = {}
    for base, quote in sorted(pairs):
        for rate_id, as_of, rate, source in db.session.execute(
                select(ReferenceRate.id, ReferenceRate.as_of, ReferenceRate.rate, ReferenceRate.source).where(
                    ReferenceRate.base_currency == base, ReferenceRate.quote_currency == quote,
                    ReferenceRate.retired_by_import_id.is_(None))):
            found[(base, quote, as_of)] = (rate_id, rate, source)
    return found


def plan(rates: dict[tuple, tuple], report: ImportReport) -> list[tuple[tuple, tuple, int | None]]:
    """Each row with the id of the rate it replaces; rows equal to the stored rate are left out."""
    stored = _stored({key[:2] for key in rates})
    changes = []
    for key, (row, rate, source) in rates.items():
        old = stored.get(key)
        subject = f"{key[0]}→{key[1]} on {key[2]}"
        if old is None:
            report.added += 1
            report.show(PreviewRow("add", subject, (("rate", "", format(rate, "f")),)))
        elif old[1] == rate and old[2] == source:
            report.unchanged += 1
            continue
        else:
            report.changed += 1
            report.show(PreviewRow("change", subject, (
                ("rate", format(old[1].normalize(), "f"), format(rate, "f")), ("source", old[2], source))))
        changes.append((key, (rate, source), old[0] if old else None))
    return changes


def apply(changes: list[tuple[tuple, tuple, int | None]], run: ImportRun) -> None:
    for code in sorted({code for key, _, _ in changes for code in key[:2]}):
        reference.ensure_currency(code)
    connection = db.session.connection()
    table = ReferenceRate.__table__
    retired = ({"rate_id": old} for _, _, old in changes if old is not None)
    for batch in chunks(retired, WRITE_BATCH):
        connection.execute(update(table).where(table.c.id == bindparam("rate_id"))
                           .values(retired_by_import_id=run.id), batch)
    rows = ({"base_currency": key[0], "quote_currency": key[1], "as_of": key[2], "rate": rate, "source": source,
             "import_id": run.id} for key, (rate, source), _ in changes)
    for batch in chunks(rows, WRITE_BATCH):
        connection.execute(table.insert(), batch)
