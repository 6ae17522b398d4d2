"""Reference (mid-market) exchange rates: base_currency, quote_currency, rate, as_of, source."""
from __future__ import annotations

from decimal import Decimal

from marshmallow import Schema, ValidationError, validates_schema
from sqlalchemy import bindparam, select, update

from ..extensions import db
from ..models import ImportRun, ReferenceRate
from ..services import reference
from . import digests
from ..domain.messages import msg
from .base import NO_DATA_ROWS, Column, ImportReport, PreviewRow, RowLoader, is_blank, map_header
from .fields import CurrencyCode, ExactNumber, IsoDate, Text
from .readers import Problem, ProblemLog, RowStream

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
        return _collect(table, problems, report)


def _collect(table: RowStream, problems: ProblemLog, report: ImportReport) -> dict[tuple, tuple] | None:
    positions, header_problems = map_header(table, COLUMNS)
    if header_problems:
        problems.extend(header_problems)
        return None
    loader = RowLoader(RateRowSchema(), positions)
    rates: dict[tuple, tuple] = {}
    for row, cells in table:
        if is_blank(cells):
            continue
        data, row_problems = loader.load(row, cells)
        if row_problems:
            problems.extend(row_problems)
            continue
        key = (data["base_currency"], data["quote_currency"], data["as_of"])
        if key in rates:
            problems.add(Problem(row, "as_of", msg("rate_twice", "row %(row)s already gives %(base)s→%(quote)s on %(day)s",
                                                   row=rates[key][0], base=key[0], quote=key[1], day=key[2])))
            continue
        rates[key] = (row, data["rate"], data["source"])
    report.rows = len(rates)
    if not rates and not problems:
        problems.add(Problem(2, None, NO_DATA_ROWS))
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
    for batch in digests.chunks(retired, WRITE_BATCH):
        connection.execute(update(table).where(table.c.id == bindparam("rate_id"))
                           .values(retired_by_import_id=run.id), batch)
    rows = ({"base_currency": key[0], "quote_currency": key[1], "as_of": key[2], "rate": rate, "source": source,
             "import_id": run.id} for key, (rate, source), _ in changes)
    for batch in digests.chunks(rows, WRITE_BATCH):
        connection.execute(table.insert(), batch)
