"""Read a CSV or XLSX file into rows of text cells, with spreadsheet row numbers.

Every value comes out as text, so CSV and XLSX go through the same row schemas. XLSX numbers are
turned into text by their shortest exact representation (a cell typed 9.99 gives "9.99"), never
through float arithmetic.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from ..domain.messages import msg
from ..inputs import quoted


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a file, where a person can find it."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        return str(self.text())

    def text(self):
        """`row N, column C: message` as a Message, so a page can say it in its own language."""
        from ..domain.messages import msg

        if self.row is None:
            return msg("problem_file", "file: %(message)s", message=self.message)
        if self.column is None:
            return msg("problem_row", "row %(row)s: %(message)s", row=self.row, message=self.message)
        return msg("problem_row_column", "row %(row)s, column %(column)s: %(message)s", row=self.row,
                   column=self.column, message=self.message)


class FileRejected(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class Table:
    header: list[str]
    # (row number as a spreadsheet counts it, header being row 1; the cells as text)
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


XLSX_MAGIC = b"PK\x03\x04"


def normalize_header(name: str) -> str:
    """'CC1 LCU FEE', 'cc1_lcu_fee' and 'Cc1 Lcu Fee' are the same column."""
    return re.sub(r"[\s_]+", " ", name.strip().lower())


def read_table(data: bytes, filename: str, *, max_rows: int = 200_000, max_columns: int = 64) -> Table:
    if not data or not data.strip():
        raise FileRejected([Problem(1, None, msg("file_empty", "the file is empty: expected a header row and data rows"))])
    is_xlsx_name = filename.lower().endswith((".xlsx", ".xlsm"))
    if data.startswith(XLSX_MAGIC):
        return _read_xlsx(data, max_rows, max_columns)
    if is_xlsx_name:
        raise FileRejected([Problem(None, None, msg("not_xlsx", "'%(name)s' is not a readable XLSX workbook", name=quoted(filename)))])
    return _read_csv(data, max_rows, max_columns)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = data[: exc.start].count(b"\n") + 1
        raise FileRejected([Problem(row, None, msg(
            "not_utf8", "the file is not UTF-8 text (byte 0x%(byte)s cannot be read); save it as 'CSV UTF-8' and "
            "import it again", byte=f"{data[exc.start]:02x}"))]) from None


def _read_csv(data: bytes, max_rows: int, max_columns: int) -> Table:
    text = _decode(data)
    if "\x00" in text:
        raise FileRejected([Problem(None, None, msg("csv_nul", "the file is not a CSV text file (it holds NUL bytes)"))])
    first_line = text.split("\n", 1)[0]
    # Spreadsheets set to Spanish or French save CSV with ';' between fields.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = iter(reader)
        header = next(records, None)
        if header is None:
            raise FileRejected([Problem(1, None, msg("file_no_header", "the file is empty: expected a header row"))])
        _check_header_width(header, max_columns)
        table = Table(header=[h.strip() for h in header])
        for index, record in enumerate(records, start=2):
            if index > max_rows + 1:
                raise FileRejected([Problem(index, None, msg("too_many_rows", "the file has more than %(limit)s data rows",
                                                           limit=max_rows))])
            if len(record) > max_columns:
                raise FileRejected([Problem(index, None, msg("row_too_wide", "the row has %(cells)s cells; at most %(limit)s are read",
                                                           cells=len(record), limit=max_columns))])
            table.rows.append((index, [cell.strip() for cell in record]))
    except csv.Error as exc:
        raise FileRejected([Problem(reader.line_num, None, msg("csv_unreadable", "the CSV cannot be read: %(error)s",
                                                                   error=quoted(str(exc))))]) from None
    return table


def _check_header_width(header, max_columns: int) -> None:
    if len(header) > max_columns:
        raise FileRejected([Problem(1, None, msg("header_too_wide", "the header has %(columns)s columns; at most %(limit)s are read",
                                                 columns=len(header), limit=max_columns))])


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # repr() is the shortest text that reads back as the same float: what the user typed.
        return format(Decimal(repr(value)), "f")
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _read_xlsx(data: bytes, max_rows: int, max_columns: int) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise FileRejected([Problem(None, None, msg("xlsx_unreadable", "the file is not a readable XLSX workbook (%(error)s)",
                                                    error=exc.__class__.__name__))]) from None
    except Exception as exc:  # openpyxl raises many kinds on damaged parts  # noqa: BLE001
        raise FileRejected([Problem(None, None, msg("xlsx_unreadable", "the file is not a readable XLSX workbook (%(error)s)",
                                                    error=exc.__class__.__name__))]) from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise FileRejected([Problem(None, None, msg("xlsx_no_sheet", "the workbook has no sheet"))])
        rows = sheet.iter_rows(values_only=True, max_col=max_columns + 1)
        table: Table | None = None
        try:
            for index, values in enumerate(rows, start=1):
                cells = [_cell_text(v) for v in values]
                # max_col pads short rows with empty cells; only filled cells count.
                while cells and cells[-1] == "":
                    cells.pop()
                if index == 1:
                    _check_header_width(cells, max_columns)
                    table = Table(header=cells)
                    continue
                if index > max_rows + 1:
                    raise FileRejected([Problem(index, None, msg("too_many_rows", "the file has more than %(limit)s data rows",
                                                               limit=max_rows))])
                if len(cells) > max_columns:
                    raise FileRejected([Problem(index, None, msg("row_too_wide_xlsx", "the row has more than %(limit)s cells",
                                                               limit=max_columns))])
                table.rows.append((index, cells))
        except FileRejected:
            raise
        except Exception as exc:  # noqa: BLE001 — a damaged sheet part
            raise FileRejected([Problem(None, None, msg("xlsx_sheet_unreadable",
                                                    "the workbook's sheet cannot be read (%(error)s)",
                                                    error=exc.__class__.__name__))]) from None
        if table is None or not any(table.header):
            raise FileRejected([Problem(1, None, msg("file_no_header", "the file is empty: expected a header row"))])
        return table
    finally:
        workbook.close()
