"""What every reader of a file gives and reports: the header and the rows of a file as a stream of
text cells (`RowStream`), the problems found in it with the row and the column where a person finds
them (`Problem`, `ProblemLog`), and the refusal of a file that cannot be read any further.

The CSV reader (`readers`), the XLSX reader (`xlsx`) and every importer take these from here; this
module takes nothing from them.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..domain.messages import msg
from .limits import ImportLimits, quote


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a file, where a person can find it."""

    row: int | None
    column: str | None
    message: str

    def __post_init__(self):
        # The column may be a header cell of the file: a message never echoes a huge one whole.
        if self.column is not None and len(self.column) > ImportLimits.max_quote_chars:
            object.__setattr__(self, "column", quote(self.column))

    def __str__(self) -> str:
        return str(self.text())

    def text(self):
        """`row N, column C: message` as a Message, so a page can say it in its own language."""
        if self.row is None:
            return msg("problem_file", "file: %(message)s", message=self.message)
        if self.column is None:
            return msg("problem_row", "row %(row)s: %(message)s", row=self.row, message=self.message)
        return msg("problem_row_column", "row %(row)s, column %(column)s: %(message)s", row=self.row,
                   column=self.column, message=self.message)


class NumberCell(str):
    """The text of a cell that a workbook holds as a number, not as text: the number in plain digits
    with a point (`1876.75`), whatever the language of the person who reads the file, so that an
    amount is read as that number and never by the conventions of a language."""


class FileRejected(Exception):
    """The file cannot be read any further (not a workbook, past a limit): these are the reasons."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def cell_too_long(length: int, limit: int):
    return msg("cell_too_long", "the cell holds %(length)s characters; at most %(limit)s are read",
               length=length, limit=limit)


def too_many_rows(limit: int):
    return msg("too_many_rows", "the file has more than %(limit)s data rows", limit=limit)


def no_header():
    return msg("file_no_header", "the file is empty: expected a header row")


class ProblemLog:
    """The problems found so far: the first `limit` are kept, the rest only counted."""

    def __init__(self, limit: int = ImportLimits.max_problems):
        self.limit = limit
        self.items: list[Problem] = []
        self.more = 0

    def add(self, problem: Problem) -> None:
        if len(self.items) < self.limit:
            self.items.append(problem)
        else:
            self.more += 1

    def extend(self, problems) -> None:
        for problem in problems:
            self.add(problem)

    def __len__(self) -> int:
        return len(self.items) + self.more

    def __bool__(self) -> bool:
        return bool(self.items) or self.more > 0


def normalize_header(name: str) -> str:
    """'CC1 LCU FEE', 'cc1_lcu_fee' and 'Cc1 Lcu Fee' are the same column."""
    return re.sub(r"[\s_]+", " ", name.strip().lower())


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: how a spreadsheet names a column."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class RowStream:
    """The header and then, as they are read, the data rows of a file."""

    header: list[str]

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        raise NotImplementedError

    def position(self) -> tuple[int, int]:
        """(bytes read, bytes in all): how far through the file the reading is."""
        raise NotImplementedError

    def column_name(self, index: int) -> str:
        if index < len(self.header) and self.header[index].strip():
            return self.header[index].strip()
        return column_letter(index)
