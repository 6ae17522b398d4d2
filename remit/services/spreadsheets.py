"""The one place that writes spreadsheet cells (CSV and XLSX) for remit's downloads and exports.

Whatever a cell holds, and however it came in (an import, a form, the admin pages, the API), it cannot
run as a formula in the spreadsheet program that opens the file:
- CSV: a cell that starts with a character a spreadsheet program reads as the start of a formula or a
  command (`=`, `+`, `-`, `@`, `|`, `%`, tab, carriage return, line feed) gets a leading apostrophe, as
  OWASP's CSV-injection guidance advises; a plain number (`-0.41`, `12.50`) is left as it is, so fee
  tables still round-trip. defusedcsv applies the same idea but leaves tab and carriage return through
  and would not cover the XLSX writer, hence these few lines of remit's own.
- XLSX: every cell is written as text (openpyxl would otherwise store a text starting with `=` as a
  formula), in write-only mode so that a long list streams out. Control characters, which a workbook
  cannot hold, are left out of XLSX cells.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence

FORMULA_TRIGGERS = ("=", "+", "-", "@", "|", "%", "\t", "\r", "\n")
PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*")


def cell_text(value) -> str:
    """A value as the text of a cell: None is empty; anything else its str()."""
    return "" if value is None else str(value)


def neutralise(text: str) -> str:
    """The text of a CSV cell that no spreadsheet program will run as a formula."""
    if text.startswith(FORMULA_TRIGGERS) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def _cells(row, header: Sequence[str]) -> list[str]:
    if isinstance(row, Mapping):
        return [cell_text(row.get(name)) for name in header]
    return [cell_text(value) for value in row]


def write_csv(out, header: Sequence[str], rows: Iterable) -> None:
    """Write a header and rows (sequences, or mappings by column name) as CSV to a text stream."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([neutralise(name) for name in header])
    for row in rows:
        writer.writerow([neutralise(text) for text in _cells(row, header)])


def csv_text(header: Sequence[str], rows: Iterable) -> str:
    out = io.StringIO()
    write_csv(out, header, rows)
    return out.getvalue()


def xlsx_bytes(header: Sequence[str], rows: Iterable, *, title: str = "Sheet1") -> bytes:
    """An XLSX workbook of one sheet: the header, then the rows, every cell as text."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])

    def text_cells(texts):
        cells = []
        for text in texts:
            cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", text))
            cell.data_type = "s"  # text, even when it starts with '=': never a formula
            cells.append(cell)
        return cells

    sheet.append(text_cells([cell_text(name) for name in header]))
    for row in rows:
        sheet.append(text_cells(_cells(row, header)))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
