"""Reading CSV and XLSX into text cells; no database needed."""
from __future__ import annotations

import datetime as dt

import pytest

from remit.importers.readers import read_table
from remit.importers.rows import FileRejected

from .helpers import xlsx_bytes


def test_csv_with_bom_quotes_and_blank_rows():
    table = read_table('\ufeffa,b\n"x, y",2\n,\n3,"multi\nline"\n4,5\n'.encode(), "f.csv")
    assert table.header == ["a", "b"]
    # Rows are counted as a spreadsheet counts them: a quoted line break does not start a new row.
    assert table.rows == [(2, ["x, y", "2"]), (3, ["", ""]), (4, ["3", "multi\nline"]), (5, ["4", "5"])]


def test_xlsx_cells_become_exact_text():
    data = xlsx_bytes([["amount", "when", "flag", "tiny"],
                       [9.99, dt.datetime(2026, 3, 1), True, 0.00001],
                       [1e16, dt.datetime(2026, 3, 1, 12, 30), False, None]])
    table = read_table(data, "anything.bin")
    assert table.rows == [(2, ["9.99", "2026-03-01", "true", "0.00001"]),
                          (3, ["10000000000000000", "2026-03-01T12:30:00", "false"])]


def message(data: bytes, name: str = "f.csv", **limits) -> str:
    with pytest.raises(FileRejected) as rejected:
        read_table(data, name, **limits)
    return str(rejected.value)


def test_limits_protect_memory():
    assert message(b"a\n1\n2\n3\n", max_rows=2) == "row 4: the file has more than 2 data rows"
    assert message(b",".join([b"c"] * 70) + b"\n", max_columns=64) == (
        "row 1: the header has 70 columns; at most 64 are read")
    wide = xlsx_bytes([["a"], ["x"] * 100])
    assert message(wide, "w.xlsx", max_columns=64) == "row 2: the row has more than 64 cells"


def test_files_that_are_not_text_or_not_workbooks():
    assert message(b"a,b\n1,\x002\n") == "file: the file is not a CSV text file (it holds NUL bytes)"
    assert message(b"   \n") == "row 1: the file is empty: expected a header row and data rows"
    assert message(b"PK\x03\x04garbage", "x.csv").startswith("file: the file is not a readable XLSX workbook")
