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
from .batches import chunks

BATCH = 5_000
# Distinct values remembered per column: amounts, dates and codes repeat from row to row.
MEMO_ENTRIES = 65_536


class _Bound(dict):
    """value → what a column type binds it as, converted when first met. Equal values bind alike (the
    money types quantize to their scale: 1.5 and 1.50 are both 1.5000), but for zero's sign (0 and -0
    are equal, and stored as 0.0000 and -0.0000) and NaN (equal to nothing): those are not remembered."""

    def __init__(self, process):
        super().__init__({None: None})
        self.process = process

    def __missing__(self, value):
        found = self.process(value)
        if len(self) < MEMO_ENTRIES and (not isinstance(value, Decimal) or (value and value.is_finite())):
            self[value] = found
        return found


def _converter(column_type, dialect) -> _Bound | None:
    process = column_type.dialect_impl(dialect).bind_processor(dialect)
    return None if process is None else _Bound(process)


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
        converting = [(index, converter.__getitem__) for index, converter in enumerate(self.converters)
                      if converter is not None]

        def prepared(batch: list[tuple]) -> list[tuple]:
            """The batch's rows as the driver takes them: converted column by column (at C speed)."""
            if not converting:
                return batch
            columns = list(zip(*batch, strict=True))  # every row has a value for every column
            for index, bound in converting:
                columns[index] = map(bound, columns[index])
            return list(zip(*columns))

        if self.copy is not None:
            driver = self.connection.connection.driver_connection
            with driver.cursor() as cursor, cursor.copy(self.copy) as copy:
                for batch in chunks(rows, BATCH):
                    for row in prepared(batch):
                        copy.write_row(row)
                    written += len(batch)
            return written
        for batch in chunks(rows, BATCH):
            self.connection.exec_driver_sql(self.sql, prepared(batch))
            written += len(batch)
        return written
