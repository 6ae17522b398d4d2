"""Reference (mid-market) exchange rates: base_currency, quote_currency, rate, as_of, source."""
from __future__ import annotations

from decimal import Decimal

from marshmallow import Schema, ValidationError, validates_schema
from sqlalchemy import select

from ..domain.messages import msg
from ..extensions import db
from ..models import ImportRun, ReferenceRate
from ..services import reference
from .base import NO_DATA_ROWS, Column, ImportReport, PreviewRow, is_blank, load_row, map_header, row_values
from .fields import CurrencyCode, ExactNumber, IsoDate, Text
from .readers import Problem, Table

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


def parse(table: Table) -> tuple[list[tuple[int, dict]], list[Problem]]:
    positions, problems = map_header(table, COLUMNS)
    if problems:
        return [], problems
    schema = RateRowSchema()
    records: list[tuple[int, dict]] = []
    seen: dict[tuple, int] = {}
    for row, cells in table.rows:
        if is_blank(cells):
            continue
        data, row_problems = load_row(schema, row, row_values(cells, positions))
        problems.extend(row_problems)
        if data is None:
            continue
        key = (data["base_currency"], data["quote_currency"], data["as_of"])
        if key in seen:
            problems.append(Problem(row, "as_of", msg("rate_twice", "row %(row)s already gives %(base)s→%(quote)s on %(day)s",
                                                      row=seen[key], base=key[0], quote=key[1], day=key[2])))
            continue
        seen[key] = row
        records.append((row, data))
    if not records and not problems:
        problems.append(Problem(2, None, NO_DATA_ROWS))
    return records, problems


def _current(data: dict) -> ReferenceRate | None:
    return db.session.execute(select(ReferenceRate).where(
        ReferenceRate.base_currency == data["base_currency"],
        ReferenceRate.quote_currency == data["quote_currency"],
        ReferenceRate.as_of == data["as_of"],
        ReferenceRate.retired_by_import_id.is_(None),
    )).scalar_one_or_none()


def plan(records: list[tuple[int, dict]], report: ImportReport) -> list[tuple[dict, ReferenceRate | None]]:
    """Each row with the rate it replaces; rows equal to the stored rate are left out."""
    changes = []
    for _, data in records:
        old = _current(data)
        subject = f"{data['base_currency']}→{data['quote_currency']} on {data['as_of']}"
        if old is None:
            report.added += 1
            report.preview.append(PreviewRow("add", subject, (("rate", "", format(data["rate"], "f")),)))
        elif old.rate == data["rate"] and old.source == data["source"]:
            report.unchanged += 1
            continue
        else:
            report.changed += 1
            report.preview.append(PreviewRow("change", subject, (
                ("rate", format(old.rate.normalize(), "f"), format(data["rate"], "f")),
                ("source", old.source, data["source"]))))
        changes.append((data, old))
    return changes


def apply(changes: list[tuple[dict, ReferenceRate | None]], run: ImportRun) -> None:
    for data, old in changes:
        reference.ensure_currency(data["base_currency"])
        reference.ensure_currency(data["quote_currency"])
        if old is not None:
            old.retired_by_import_id = run.id
        db.session.add(ReferenceRate(import_id=run.id, **data))
