"""Writing many rows at once: PostgreSQL's COPY, or elsewhere one prepared INSERT run with the driver's
executemany, in the caller's transaction.

SQLAlchemy's `insert()` with a list of dictionaries does the same as the INSERT, but spends most of its
time processing each row's parameters one by one. Here each column's values are converted once per
distinct value, with the column type's own bind processor (so an amount is stored exactly as the ORM
stores it), and the driver receives plain rows. The statements are written from the table's metadata.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from sqlalchemy import Table

from ..extensions import db
from .digests import chunks

BATCH = 5_000
# Distinct values remembered per column: amounts, dates and codes repeat from row to row.
MEMO_ENTRIES = 65_536


def _converter(column_type, dialect):
    """(memo, process) for a column whose type converts values, else None. The memo maps a value to
    what the type binds it as; None and the values that equal others yet bind otherwise are never in it
    (see `_remembered`)."""
    process = column_type.dialect_impl(dialect).bind_processor(dialect)
    if process is None:
        return None
    return {None: None}, process


def _remembered(value) -> bool:
    """Whether a value's conversion may be remembered for every value equal to it. A column type binds
    equal numbers alike (ExactDecimal quantizes them to its scale: 1.5 and 1.50 are both 1.5000), but
    for zero's sign (0 and -0 are equal, and stored as 0.0000 and -0.0000), and NaN equals nothing."""
    return not isinstance(value, Decimal) or (bool(value) and value.is_finite())


class BulkInsert:
    """INSERT INTO table (columns) for many rows, each given as a tuple in the columns' order."""

    def __init__(self, table: Table, columns: Sequence[str]):
        connection = db.session.connection()
        dialect = connection.dialect
        self.connection = connection
        marker = {"qmark": "?", "format": "%s", "pyformat": "%s", "numeric": ":{}", "named": ":{}"}[dialect.paramstyle]
        if "{}" in marker:
            raise NotImplementedError(f"paramstyle {dialect.paramstyle}")
        preparer = dialect.identifier_preparer
        names = ", ".join(preparer.format_column(table.c[name]) for name in columns)
        self.sql = f"INSERT INTO {preparer.format_table(table)} ({names}) VALUES ({', '.join([marker] * len(columns))})"
        self.copy = (f"COPY {preparer.format_table(table)} ({names}) FROM STDIN"
                     if dialect.name == "postgresql" and dialect.driver == "psycopg" else None)
        self.converters = [(_converter(table.c[name].type, dialect)) for name in columns]

    def write(self, rows: Iterable[tuple]) -> int:
        written = 0
        converting = [(index, *converter) for index, converter in enumerate(self.converters) if converter is not None]

        def prepare(row):
            row = list(row)
            for index, memo, process in converting:
                value = row[index]
                found = memo.get(value, memo)
                if found is memo:
                    found = process(value)
                    if len(memo) < MEMO_ENTRIES and _remembered(value):
                        memo[value] = found
                row[index] = found
            return tuple(row)

        if self.copy is not None:
            driver = self.connection.connection.driver_connection
            with driver.cursor() as cursor, cursor.copy(self.copy) as copy:
                for row in rows:
                    copy.write_row(prepare(row))
                    written += 1
            return written
        for batch in chunks(rows, BATCH):
            self.connection.exec_driver_sql(self.sql, [prepare(row) for row in batch])
            written += len(batch)
        return written
