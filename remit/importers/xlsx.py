"""The first sheet of an XLSX workbook, read as a stream of rows within limits.

Why not openpyxl's reader: even in read-only mode it loads the whole shared-string table, and each
string whole, before the first row is read (two million strings or one 200 MB cell exhaust memory),
and it stops at the row count the sheet's `<dimension>` record claims, so rows past a wrong record are
dropped without a word. Here the workbook's XML parts are parsed with expat as they are unzipped:
`<dimension>` is not read at all, no cell keeps more than `max_cell_chars` characters (longer ones are
counted, not stored, and refused with their row and column), the shared strings are bounded in number
and characters, a document type declaration (the way to entity bombs) is refused, and only the
compression methods spreadsheet programs write are accepted. openpyxl still decides which number
formats are dates and converts serial dates, so cells read as they did before.
"""
from __future__ import annotations

import math
import posixpath
import re
import zipfile
import zlib
from decimal import Decimal
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel, from_ISO8601

from ..domain.messages import msg
from ..inputs import MAX_NUMBER_LENGTH
from .limits import ImportLimits
from .rows import (FileRejected, NumberCell, Problem, ProblemLog, RowStream, cell_too_long, column_letter, no_header,
                   too_many_rows)

PARSE_CHUNK = 64 * 1024
CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
# Possessive, so that a long cell is matched once, not tried at every split of its digits.
INTEGER = re.compile(r"[+-]?\d++")
FLOAT = re.compile(r"[+-]?(?:\d++(?:\.\d*+)?|\.\d++)(?:[eE][+-]?\d++)?")


def _local(name: str) -> str:
    return name.rpartition("}")[2]


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - 64
    return index - 1


def _refuse(message) -> FileRejected:
    return FileRejected([Problem(None, None, message)])


class TooLong:
    """A shared string longer than a cell may be: only its length is kept."""

    __slots__ = ("length",)

    def __init__(self, length: int):
        self.length = length


class _Text:
    """Characters of one cell as expat hands them over, kept up to the limit and counted beyond it."""

    __slots__ = ("parts", "length", "limit")

    def __init__(self, limit: int):
        self.parts: list[str] = []
        self.length = 0
        self.limit = limit

    def add(self, data: str) -> None:
        if self.length + len(data) <= self.limit:
            self.parts.append(data)
        elif self.length < self.limit:
            self.parts.append(data[: self.limit - self.length])
        self.length += len(data)

    @property
    def too_long(self) -> bool:
        return self.length > self.limit

    def text(self) -> str:
        return "".join(self.parts)


class XlsxRows(RowStream):
    def __init__(self, stream, limits: ImportLimits, problems: ProblemLog):
        self.limits, self.problems = limits, problems
        try:
            self.zip = zipfile.ZipFile(stream)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, KeyError) as exc:
            raise _refuse(msg("xlsx_unreadable", "the file is not a readable XLSX workbook (%(error)s)",
                              error=exc.__class__.__name__)) from None
        try:
            self._open_workbook()
        except BaseException:
            self.zip.close()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.zip.close()

    # -- the workbook's small parts ---------------------------------------------------------------

    def _member(self, name: str, limit: int):
        try:
            info = self.zip.getinfo(name)
        except KeyError:
            return None
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _refuse(msg("workbook_compression", "the workbook's part %(part)s is compressed in a way spreadsheet "
                          "programs do not use", part=name))
        if info.file_size > limit:
            raise _refuse(msg("workbook_part_too_large", "the workbook's part %(part)s unpacks to %(size)s bytes; at most "
                          "%(limit)s are read", part=name, size=info.file_size, limit=limit))
        return info

    def _parse(self, name: str, limit: int, start=None, end=None, chars=None) -> bool:
        """Run expat over one part; False when the workbook has no such part."""
        info = self._member(name, limit)
        if info is None:
            return False
        for _ in self._feed(info, start, end, chars):
            pass
        return True

    def _feed(self, info, start, end, chars):
        """Parse a part chunk by chunk, yielding after each chunk (rows are collected by the handlers)."""
        parser = expat.ParserCreate(namespace_separator="}")
        parser.buffer_text = True
        parser.buffer_size = PARSE_CHUNK

        def no_doctype(*_):
            raise _refuse(msg("workbook_doctype", "the workbook's part %(part)s declares a document type; workbooks do not",
                          part=info.filename))

        parser.StartDoctypeDeclHandler = no_doctype
        parser.EntityDeclHandler = no_doctype
        if start:
            parser.StartElementHandler = start
        if end:
            parser.EndElementHandler = end
        if chars:
            parser.CharacterDataHandler = chars
        self._part_bytes = 0
        try:
            with self.zip.open(info) as part:
                while True:
                    chunk = part.read(PARSE_CHUNK)
                    self._part_bytes += len(chunk)
                    parser.Parse(chunk, not chunk)
                    yield
                    if not chunk:
                        return
        except expat.ExpatError as exc:
            raise _refuse(msg("workbook_xml", "the workbook's part %(part)s is not well-formed XML (line %(line)s: "
                          "%(reason)s)", part=info.filename, line=exc.lineno, reason=expat.ErrorString(exc.code))) from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise _refuse(msg("workbook_unpack", "the workbook's part %(part)s cannot be unpacked (%(reason)s)",
                          part=info.filename, reason=exc.__class__.__name__)) from None

    def _relations(self, name: str) -> dict[str, tuple[str, str]]:
        """Id → (type, target) of a relationships part."""
        found: dict[str, tuple[str, str]] = {}

        def start(tag, attrs):
            if _local(tag) == "Relationship" and len(found) < 10_000:
                found[attrs.get("Id", "")] = (attrs.get("Type", ""), attrs.get("Target", ""))

        self._parse(name, self.limits.max_part_bytes, start=start)
        return found

    @staticmethod
    def _target(base_dir: str, target: str) -> str:
        if target.startswith("/"):
            return posixpath.normpath(target.lstrip("/"))
        return posixpath.normpath(posixpath.join(base_dir, target))

    def _open_workbook(self) -> None:
        limits = self.limits
        workbook = "xl/workbook.xml"
        for kind, target in self._relations("_rels/.rels").values():
            if kind.endswith("/officeDocument"):
                workbook = self._target("", target)
        base = posixpath.dirname(workbook)
        sheets: list[str] = []
        self.date1904 = False

        def start(tag, attrs):
            name = _local(tag)
            if name == "sheet" and len(sheets) < 1:
                sheets.extend(value for key, value in attrs.items() if _local(key) == "id")
            elif name == "workbookPr":
                self.date1904 = attrs.get("date1904", "").lower() in ("1", "true")

        if not self._parse(workbook, limits.max_part_bytes, start=start):
            raise _refuse(msg("workbook_no_part", "the file is not a readable XLSX workbook (it has no workbook part)"))
        relations = self._relations(posixpath.join(base, "_rels", posixpath.basename(workbook) + ".rels"))
        if not sheets or sheets[0] not in relations:
            raise _refuse(msg("xlsx_no_sheet", "the workbook has no sheet"))
        self.sheet_name = self._target(base, relations[sheets[0]][1])
        self._sheet = self._member(self.sheet_name, limits.max_sheet_bytes)
        if self._sheet is None:
            raise _refuse(msg("xlsx_no_sheet", "the workbook has no sheet"))
        self.date_styles, self.timedelta_styles = set(), set()
        self.shared: list = []
        for kind, target in relations.values():
            if kind.endswith("/styles"):
                self._read_styles(self._target(base, target))
            elif kind.endswith("/sharedStrings"):
                self._read_shared_strings(self._target(base, target))
        self._start_sheet()

    def _read_styles(self, name: str) -> None:
        custom: dict[int, str] = {}
        styles: list[int] = []
        inside = []

        def start(tag, attrs):
            local = _local(tag)
            inside.append(local)
            if local == "numFmt":
                try:
                    custom[int(attrs.get("numFmtId", ""))] = attrs.get("formatCode", "")
                except ValueError:
                    pass
            elif local == "xf" and len(inside) >= 2 and inside[-2] == "cellXfs":
                try:
                    styles.append(int(attrs.get("numFmtId", "0")))
                except ValueError:
                    styles.append(0)

        def end(tag):
            inside.pop()

        self._parse(name, self.limits.max_part_bytes, start=start, end=end)
        for index, number_format in enumerate(styles):
            code = custom.get(number_format, BUILTIN_FORMATS.get(number_format, "General"))
            if is_date_format(code):
                self.date_styles.add(index)
            if is_timedelta_format(code):
                self.timedelta_styles.add(index)

    def _read_shared_strings(self, name: str) -> None:
        limits = self.limits
        shared = self.shared
        state = {"text": None, "depth_rph": 0, "in_t": False, "chars": 0}

        def start(tag, attrs):
            local = _local(tag)
            if local == "si":
                if len(shared) >= limits.max_shared_strings:
                    raise _refuse(msg("too_many_shared_strings", "the workbook has more than %(limit)s shared strings; "
                                  "save the sheet as CSV and import that", limit=limits.max_shared_strings))
                state["text"] = _Text(limits.max_cell_chars)
            elif local == "rPh":  # phonetic guide text: not part of the cell's value
                state["depth_rph"] += 1
            elif local == "t" and state["text"] is not None and not state["depth_rph"]:
                state["in_t"] = True

        def end(tag):
            local = _local(tag)
            if local == "t":
                state["in_t"] = False
            elif local == "rPh":
                state["depth_rph"] -= 1
            elif local == "si" and state["text"] is not None:
                text: _Text = state["text"]
                state["text"] = None
                if text.too_long:
                    shared.append(TooLong(text.length))
                    return
                value = text.text().replace("x005F_", "")  # as openpyxl reads it
                state["chars"] += len(value)
                if state["chars"] > limits.max_shared_chars:
                    raise _refuse(msg("shared_strings_too_long", "the workbook's shared strings hold more than %(limit)s "
                                  "characters; save the sheet as CSV and import that", limit=limits.max_shared_chars))
                shared.append(value)

        def chars(data):
            if state["in_t"]:
                state["text"].add(data)

        # Its size does not matter: it is parsed as a stream, and what it holds is bounded as it comes.
        self._parse(name, limits.max_sheet_bytes, start=start, end=end, chars=chars)

    # -- the sheet --------------------------------------------------------------------------------

    def _start_sheet(self) -> None:
        self._ready: list[tuple[int, list[str]]] = []
        self._row: dict[int, str] | None = None
        self._row_number = 0
        self._last_row = 0
        self._column = -1
        self._refused_row = False
        self._cell: tuple[int, str, int] | None = None  # column, type, style
        self._value: _Text | None = None
        self._capture = False
        self._rph = 0
        self._events = self._feed(self._sheet, self._start, self._end, self._chars)
        self._done = False
        self.header = []
        first = self._next_rows()
        while first is not None and not first:
            first = self._next_rows()
        rows = first or []
        if rows and rows[0][0] == 1:
            self.header = rows.pop(0)[1]
        self._pending = rows
        if not any(cell.strip() for cell in self.header):
            raise FileRejected([Problem(1, None, no_header())])

    def _next_rows(self) -> list | None:
        """Rows completed by parsing the next chunk; None at the end of the sheet."""
        if self._done:
            return None
        try:
            next(self._events)
        except StopIteration:
            self._done = True
        rows, self._ready = self._ready, []
        return rows if rows or not self._done else None

    def _start(self, tag, attrs):
        local = _local(tag)
        if local == "c" and self._row is not None:
            ref = CELL_REF.match(attrs.get("r", ""))
            self._column = _column_index(ref.group(1)) if ref else self._column + 1
            try:
                style = int(attrs.get("s", "0"))
            except ValueError:
                style = 0
            self._cell = (self._column, attrs.get("t", "n"), style)
            self._value = _Text(self.limits.max_cell_chars)
        elif local == "v" and self._cell is not None:
            self._capture = True
        elif local == "t" and self._cell is not None and not self._rph:
            self._capture = True
        elif local == "rPh":
            self._rph += 1
        elif local == "row":
            ref = attrs.get("r", "")
            number = int(ref) if ref.isdigit() else self._last_row + 1
            limits = self.limits
            if number <= self._last_row:
                raise FileRejected([Problem(number, None, msg(
                    "rows_out_of_order", "the sheet lists row %(row)s after row %(last)s: the workbook is damaged",
                    row=number, last=self._last_row))])
            if number > limits.max_rows + 1:
                raise FileRejected([Problem(number, None, too_many_rows(limits.max_rows))])
            self._row_number = self._last_row = number
            self._row = {}
            self._column = -1
            self._refused_row = False

    def _chars(self, data):
        if self._capture:
            self._value.add(data)

    def _end(self, tag):
        local = _local(tag)
        if local in ("v", "t"):
            self._capture = False
        elif local == "rPh":
            self._rph -= 1
        elif local == "c" and self._cell is not None:
            self._end_cell()
        elif local == "row" and self._row is not None:
            if not self._refused_row:
                cells = [""] * (max(self._row) + 1 if self._row else 0)
                for index, text in self._row.items():
                    cells[index] = text
                while cells and cells[-1] == "":
                    cells.pop()
                self._ready.append((self._row_number, cells))
            self._row = None

    def _end_cell(self) -> None:
        column, kind, style = self._cell
        value = self._value
        self._cell = self._value = None
        row = self._row_number
        limit = self.limits.max_cell_chars
        if value.too_long:
            self._refuse_cell(row, column, cell_too_long(value.length, limit))
            return
        text = self._cell_text(kind, style, value.text(), row, column)
        if text is None or text == "":
            return
        if column >= self.limits.max_columns:
            raise FileRejected([Problem(row, None, msg("row_too_wide_xlsx", "the row has more than %(limit)s cells",
                                                       limit=self.limits.max_columns))])
        self._row[column] = text

    def _refuse_cell(self, row: int, column: int, message: str) -> None:
        self.problems.add(Problem(row, column_letter(column), message))
        self._refused_row = True

    def _cell_text(self, kind: str, style: int, raw: str, row: int, column: int) -> str | None:
        if kind == "s":
            try:
                value = self.shared[int(raw)]
            except (ValueError, IndexError):
                self._refuse_cell(row, column, msg("no_such_shared_string",
                                                   "the cell refers to a shared string the workbook does not have"))
                return None
            if isinstance(value, TooLong):
                self._refuse_cell(row, column, cell_too_long(value.length, self.limits.max_cell_chars))
                return None
            return value.strip()
        if kind in ("inlineStr", "str", "e"):
            return raw.strip()
        if kind == "b":
            return "true" if raw.strip() in ("1", "true") else "false"
        raw = raw.strip()
        if kind == "d":
            try:
                return _date_text(from_ISO8601(raw))
            except (ValueError, TypeError):
                return raw
        return self._number_text(raw, style)

    def _number_text(self, raw: str, style: int) -> str:
        if len(raw) > MAX_NUMBER_LENGTH:
            return raw  # longer than any number a spreadsheet writes: the row's schema refuses it, with the column
        if INTEGER.fullmatch(raw):
            number: int | float = int(raw)
        elif FLOAT.fullmatch(raw) and math.isfinite(float(raw)):
            number = float(raw)
        else:
            return raw  # not a number: the row's schema says so, with the column
        if style in self.date_styles:
            try:
                moment = from_excel(number, CALENDAR_MAC_1904 if self.date1904 else CALENDAR_WINDOWS_1900,
                                    timedelta=style in self.timedelta_styles)
            except (OverflowError, ValueError):
                moment = None
            if moment is not None:
                return str(moment) if style in self.timedelta_styles else _date_text(moment)
        if isinstance(number, int):
            return NumberCell(number)
        # repr() is the shortest text that reads back as the same float: what the user typed.
        return NumberCell(format(Decimal(repr(number)), "f"))

    def __iter__(self):
        pending, self._pending = self._pending, []
        yield from pending
        while True:
            rows = self._next_rows()
            if rows is None:
                return
            yield from rows

    def position(self) -> tuple[int, int]:
        return self._part_bytes, self._sheet.file_size


def _date_text(moment) -> str:
    import datetime as dt

    if isinstance(moment, dt.datetime):
        return moment.date().isoformat() if moment.time() == dt.time() else moment.isoformat()
    if isinstance(moment, (dt.date, dt.time)):
        return moment.isoformat()
    return str(moment)
