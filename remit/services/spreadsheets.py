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
  cannot hold, are left out of XLSX cells. Only an `Amount`, in a file for people, is a number.

Two kinds of file come out of the same rows:
- the **machine-readable** file (`csv_text`, `xlsx_bytes`): English column codes (`reference`,
  `amount`), words as codes (`yes`), amounts as plain text with a point (`1876.75`), `,` between
  fields, no byte-order mark; XLSX cells all text. Stable: programs and tests read it;
- the file **for people** (`people_csv`, `people_xlsx`), in the reader's language (`Style`): column
  names and words translated, amounts as that language writes them in its spreadsheets (Spanish and
  French: `;` between fields and a decimal comma, `1876,75`), UTF-8 with a byte-order mark so that
  Excel reads accents; in XLSX each amount is a number with its currency's decimals as its format,
  so that a sum gives the total.
A row builder writes each amount as an `Amount` and each word or column name as a `Label` (both are
`str`: their text is the machine-readable one), and any sentence as a `Message`.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..domain.messages import Message
from ..domain.money import round_money

FORMULA_TRIGGERS = ("=", "+", "-", "@", "|", "%", "\t", "\r", "\n")
PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*")


class Amount(str):
    """An amount rounded to its currency's minor unit: as text, the machine-readable `1876.75`."""

    value: Decimal
    places: int

    def __new__(cls, value: Decimal, places: int):
        rounded = round_money(value, places)
        text = super().__new__(cls, str(rounded))
        text.value, text.places = rounded, places
        return text

    def __reduce__(self):
        return (Amount, (self.value, self.places))


def amount(value: Decimal | None, places: int) -> Amount | str:
    """The cell of an amount (empty when there is none)."""
    return "" if value is None else Amount(value, places)


class Label(str):
    """A column's name or a word: as text, its stable code (`share_of_costs`, `yes`); `text`, what a
    person reads (a Message, translated by the file for people)."""

    text: str

    def __new__(cls, code: str, text: str):
        label = super().__new__(cls, code)
        label.text = text
        return label

    def __reduce__(self):
        return (Label, (str(self), self.text))


@dataclass(frozen=True)
class Style:
    """How a file for people is written: what separates fields and decimals, and how a Message or a
    Label's text is said in the reader's language."""

    delimiter: str
    decimal: str
    translate: Callable[[str], str]


def style_for(locale: str, translate: Callable[[str], str]) -> Style:
    """English: `,` and `1876.75`; Spanish and French, as their spreadsheets save and read CSV: `;`
    and `1876,75`."""
    if str(locale).split("_")[0] in ("es", "fr"):
        return Style(";", ",", translate)
    return Style(",", ".", translate)


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


def _people_text(value, style: Style) -> str:
    if value is None:
        return ""
    if isinstance(value, Amount):
        return str(value).replace(".", style.decimal)
    if isinstance(value, Label):
        return str(style.translate(value.text))
    if isinstance(value, Message):
        return str(style.translate(value))
    return str(value)


def people_csv(header: Sequence, rows: Iterable[Sequence], style: Style) -> str:
    """The file for people as CSV text, its byte-order mark first (Excel then reads it as UTF-8)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=style.delimiter, lineterminator="\r\n")
    writer.writerow([neutralise(_people_text(name, style)) for name in header])
    for row in rows:
        writer.writerow([neutralise(_people_text(value, style)) for value in row])
    return out.getvalue()


def number_format(places: int) -> str:
    """An amount's format in a workbook: grouped, with its currency's decimals (shown as the reader's
    spreadsheet writes them)."""
    return "#,##0" + ("." + "0" * places if places else "")


def people_xlsx(header: Sequence, rows: Iterable[Sequence], style: Style, *, title: str = "Sheet1") -> bytes:
    """The file for people as an XLSX workbook: amounts are numbers with their currency's decimals as
    their format; everything else is text, never a formula. The header is bold and stays in view."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=ILLEGAL_CHARACTERS_RE.sub("", title)[:31] or "Sheet1")
    sheet.freeze_panes = "A2"
    names = [_people_text(name, style) for name in header]
    for index, name in enumerate(names):  # wide enough for its name, within reason
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(40, max(10, len(name) + 2))
    bold = Font(bold=True)
    formats: dict[int, str] = {}

    def cell(value, *, header: bool = False):
        if isinstance(value, Amount):
            made = WriteOnlyCell(sheet, value=value.value)
            made.number_format = formats.setdefault(value.places, number_format(value.places))
            return made
        made = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", _people_text(value, style)))
        made.data_type = "s"  # text, even when it starts with '=': never a formula
        if header:
            made.font = bold
        return made

    sheet.append([cell(name, header=True) for name in names])
    for row in rows:
        sheet.append([cell(value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
