"""Read a CSV or XLSX file as a stream of rows of text cells, with spreadsheet row numbers.

Every value comes out as text, so CSV and XLSX go through the same row schemas. XLSX numbers are
turned into text by their shortest exact representation (a cell typed 9.99 gives "9.99"), never
through float arithmetic.

Rows are read one at a time from the file (bytes in memory or a file on disk): memory does not grow
with the file. Every limit (rows, columns, characters in a cell, the workbook's parts) is in
`limits.ImportLimits`; what goes past one is refused with the row and column where it happens.
"""
from __future__ import annotations

import codecs
import csv
import io
import itertools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from ..domain.messages import msg
from .limits import ImportLimits, quote
from .rows import FileRejected, Problem, ProblemLog, RowStream, cell_too_long, column_letter, no_header, too_many_rows


@dataclass
class Table:
    """A whole file in memory: for the small ones (a member list)."""

    header: list[str]
    # (row number as a spreadsheet counts it, header being row 1; the cells as text)
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


XLSX_MAGIC = b"PK\x03\x04"
CHUNK = 1024 * 1024

Source = bytes | bytearray | memoryview | str | os.PathLike


def source_size(source: Source) -> int:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return len(source)
    return os.stat(source).st_size


def _open_binary(source: Source):
    if isinstance(source, (bytes, bytearray, memoryview)):
        return io.BytesIO(source)
    return open(source, "rb")  # noqa: SIM115 — closed by open_table


@contextmanager
def open_table(source: Source, filename: str, limits: ImportLimits, problems: ProblemLog):
    """The file's rows, read as they are iterated. Raises FileRejected for a file that cannot be read
    at all; row and column problems met while reading go to `problems` and the row is passed over."""
    size = source_size(source)
    if size > limits.max_file_bytes:
        raise FileRejected([Problem(None, None, msg("file_too_large", "the file has %(size)s bytes; at most %(limit)s are read",
                                                    size=size, limit=limits.max_file_bytes))])
    stream = _open_binary(source)
    try:
        head = stream.read(CHUNK)
        stream.seek(0)
        if not head.strip() and len(head) < CHUNK:
            raise FileRejected([Problem(1, None, msg("file_empty", "the file is empty: expected a header row and data rows"))])
        if head.startswith(XLSX_MAGIC):
            from .xlsx import XlsxRows  # here, not above: openpyxl takes a third of a second to import

            with XlsxRows(stream, limits, problems) as rows:
                yield rows
            return
        if filename.lower().endswith((".xlsx", ".xlsm")):
            raise FileRejected([Problem(None, None, msg("not_xlsx", "'%(name)s' is not a readable XLSX workbook",
                                                        name=quote(filename)))])
        yield CsvRows(stream, size, limits, problems)
    finally:
        stream.close()


def read_table(data: bytes, filename: str, *, max_rows: int = ImportLimits.max_rows,
               max_columns: int = ImportLimits.max_columns) -> Table:
    """A small file read whole; any problem refuses it."""
    limits = ImportLimits().with_rows(max_rows, max_columns)
    problems = ProblemLog(limits.max_problems)
    with open_table(data, filename, limits, problems) as rows:
        table = Table(header=rows.header, rows=list(rows))
    if problems:
        raise FileRejected(problems.items)
    return table


class _NoNul(io.RawIOBase):
    """The file's bytes, refusing the first chunk that holds a NUL (no CSV text has one)."""

    def __init__(self, stream):
        self.stream = stream
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.stream.read(len(buffer))
        if b"\x00" in data:
            raise _NulFound()
        buffer[: len(data)] = data
        self.read_bytes += len(data)
        return len(data)


class _NulFound(Exception):
    pass


class CsvRows(RowStream):
    """UTF-8 CSV, ',' or ';' separated, decoded and split into records as it is read."""

    def __init__(self, stream, size: int, limits: ImportLimits, problems: ProblemLog):
        self.stream, self.size, self.limits, self.problems = stream, size, limits, problems
        self.raw = _NoNul(stream)
        self.text = io.TextIOWrapper(io.BufferedReader(self.raw, CHUNK), encoding="utf-8-sig", newline="")
        self.row = 0
        with self._reading():
            first = self.text.readline()
        # Spreadsheets set to Spanish or French save CSV with ';' between fields.
        self.delimiter = ";" if first.count(";") > first.count(",") else ","
        self._reader = csv.reader(itertools.chain((first,), self.text), delimiter=self.delimiter)
        with self._reading():
            header = next(self._reader, None)
        if header is None:
            raise FileRejected([Problem(1, None, no_header())])
        if len(header) > limits.max_columns:
            raise FileRejected([Problem(1, None, msg("header_too_wide", "the header has %(columns)s columns; at most "
                                                     "%(limit)s are read", columns=len(header), limit=limits.max_columns))])
        self.row = 1
        self.header = [h.strip() for h in header]
        self._check_lengths(1, self.header)

    @contextmanager
    def _reading(self):
        """What can go wrong while reading, as a problem of the file at the row where it happens."""
        try:
            yield
        except UnicodeDecodeError:
            raise self._decode_problem() from None
        except _NulFound:
            problem = self._decode_problem(stop_at_nul=True)
            raise problem or FileRejected([Problem(None, None, msg("csv_nul", "the file is not a CSV text file (it holds NUL bytes)"))]) from None
        except csv.Error as exc:
            row = self.row + 1
            if "field larger than field limit" in str(exc):
                raise FileRejected([Problem(row, None, msg(
                    "cell_too_long", "a cell holds more than %(length)s characters; at most %(limit)s are read",
                    length=csv.field_size_limit(), limit=self.limits.max_cell_chars))]) from None
            raise FileRejected([Problem(row, None, msg("csv_unreadable", "the CSV cannot be read: %(error)s",
                                                       error=quote(str(exc))))]) from None

    def _decode_problem(self, stop_at_nul: bool = False) -> FileRejected | None:
        """Where the first byte that is not UTF-8 is, counted in lines from the start of the file (read
        again for that: this happens once, on a file that is refused). None when there is none before a NUL."""
        self.stream.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")("strict")
        newlines_before = 0
        while chunk := self.stream.read(CHUNK):
            if stop_at_nul and b"\x00" in chunk:
                chunk = chunk[: chunk.index(b"\x00")]
                stop = True
            else:
                stop = False
            try:
                decoder.decode(chunk, final=stop)
            except UnicodeDecodeError as exc:
                # The decoder's object is what it held back from the last chunk (never a line break)
                # followed by this chunk, so the lines before the bad byte are counted exactly.
                row = newlines_before + exc.object[: exc.start].count(b"\n") + 1
                byte = format(exc.object[exc.start], "02x")
                return FileRejected([Problem(row, None, msg(
                    "not_utf8", "the file is not UTF-8 text (byte 0x%(byte)s cannot be read); save it as 'CSV UTF-8' "
                    "and import it again", byte=byte))])
            if stop:
                return None
            newlines_before += chunk.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return FileRejected([Problem(newlines_before + 1, None, msg(
                "not_utf8_end", "the file is not UTF-8 text (it ends inside a character); save it as 'CSV UTF-8' and "
                "import it again"))])
        return None

    def _check_lengths(self, row: int, cells: list[str]) -> bool:
        limit = self.limits.max_cell_chars
        if max(map(len, cells), default=0) <= limit:
            return True
        for index, cell in enumerate(cells):
            if len(cell) > limit:
                self.problems.add(Problem(row, self.column_name(index) if row > 1 else column_letter(index),
                                          cell_too_long(len(cell), limit)))
        return False

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        limits = self.limits
        last_row, max_columns, cell_limit = limits.max_rows + 1, limits.max_columns, limits.max_cell_chars
        strip = str.strip
        row = self.row
        with self._reading():
            for record in self._reader:
                row += 1
                self.row = row
                if row > last_row:
                    raise FileRejected([Problem(row, None, too_many_rows(limits.max_rows))])
                if len(record) > max_columns:
                    raise FileRejected([Problem(row, None, msg("row_too_wide", "the row has %(cells)s cells; at most "
                                                               "%(limit)s are read", cells=len(record), limit=max_columns))])
                # No cell can be too long when all of them together are not (the common case, checked at C speed).
                if len("".join(record)) > cell_limit and not self._check_lengths(row, record):
                    continue
                yield row, list(map(strip, record))

    def position(self) -> tuple[int, int]:
        return self.raw.read_bytes, self.size
