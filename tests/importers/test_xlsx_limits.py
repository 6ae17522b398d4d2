"""Hostile workbooks: each is refused at the row and column where it goes past a limit, quickly and in
bounded memory, and no message echoes what it refuses. The memory bounds asserted here are the peaks
measured (tracemalloc) with room to spare; the issue's originals: a 200 MB shared string was echoed
whole in the answer, two million shared strings took 406 MB, rows past <dimension> were dropped."""
from __future__ import annotations

import tracemalloc
import zipfile
from itertools import chain


from remit.importers.limits import ImportLimits
from remit.importers.readers import open_table, read_table
from remit.importers.rows import FileRejected, ProblemLog

from .workbooks import inline_row, long_text, shared_xml, sheet_xml, workbook

MiB = 1024 * 1024
HEADER = inline_row(1, ["name", "note"])


def read(data: bytes, limits: ImportLimits | None = None):
    """(header, rows, problems, refusal, peak bytes allocated while reading)."""
    problems = ProblemLog()
    refusal = None
    rows = []
    header = None
    tracemalloc.start()
    try:
        with open_table(data, "hostile.xlsx", limits or ImportLimits(), problems) as table:
            header = table.header
            rows = list(table)
    except FileRejected as exc:
        refusal = [str(p) for p in exc.problems]
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return header, rows, [str(p) for p in problems.items], refusal, peak


def test_rows_past_the_dimension_record_are_read():
    rows = [HEADER] + [inline_row(n, [f"firm {n}", "x"]) for n in range(2, 7)]
    header, read_rows, problems, refusal, _ = read(workbook(sheet_xml(rows, dimension="A1:B2")))
    assert (header, problems, refusal) == (["name", "note"], [], None)
    assert [number for number, _ in read_rows] == [2, 3, 4, 5, 6]


def test_a_200_mb_shared_string_is_refused_at_its_cell_and_never_held_whole():
    shared = shared_xml(["name", "note", *[""]], 3)
    strings = list(shared)
    strings[-2] = "<si><t>"  # the third string: 200 MB of one letter
    big = chain(strings[:-1], long_text(200 * MiB), ["</t></si>", strings[-1]])
    sheet = sheet_xml(['<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>',
                       '<row r="2"><c r="A2" t="inlineStr"><is><t>Firm</t></is></c><c r="B2" t="s"><v>2</v></c></row>',
                       inline_row(3, ["Other firm", "fine"])])
    data = workbook(sheet, big)
    assert len(data) < 2 * MiB
    header, rows, problems, refusal, peak = read(data)
    assert refusal is None and header == ["name", "note"]
    assert problems == ["row 2, column B: the cell holds 209715200 characters; at most 32767 are read"]
    assert rows == [(3, ["Other firm", "fine"])]  # the refused row is passed over, the others read
    assert peak < 8 * MiB, peak


def test_a_200_mb_inline_cell_is_refused_the_same_way():
    sheet = sheet_xml(chain([HEADER, '<row r="2"><c r="B2" t="inlineStr"><is><t>'], long_text(200 * MiB),
                            ["</t></is></c></row>"]))
    _, rows, problems, refusal, peak = read(workbook(sheet))
    assert refusal is None and rows == []
    assert problems == ["row 2, column B: the cell holds 209715200 characters; at most 32767 are read"]
    assert peak < 8 * MiB, peak


def test_two_million_shared_strings_are_refused_in_bounded_memory():
    strings = (f"s{n}" for n in range(2_000_000))
    data = workbook(sheet_xml([HEADER]), shared_xml(strings, 2_000_000))
    _, _, _, refusal, peak = read(data)
    assert refusal == ["file: the workbook has more than 1000000 shared strings; save the sheet as CSV and "
                       "import that"]
    assert peak < 96 * MiB, peak


def test_shared_strings_past_their_character_budget_are_refused():
    strings = ("x" * 30_000 for _ in range(40))
    _, _, _, refusal, _ = read(workbook(sheet_xml([HEADER]), shared_xml(strings, 40)),
                               ImportLimits(max_shared_chars=1_000_000))
    assert refusal == ["file: the workbook's shared strings hold more than 1000000 characters; save the sheet "
                       "as CSV and import that"]


def test_entity_declarations_are_refused():
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
            f'<worksheet {"xmlns"}="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>')
    _, _, _, refusal, _ = read(workbook(bomb))
    assert refusal == ["file: the workbook's part xl/worksheets/sheet1.xml declares a document type; workbooks do not"]


def test_parts_compressed_as_spreadsheet_programs_never_do_are_refused():
    _, _, _, refusal, _ = read(workbook(sheet_xml([HEADER]), compression=zipfile.ZIP_BZIP2))
    assert refusal == ["file: the workbook's part _rels/.rels is compressed in a way spreadsheet programs do not use"]


def test_rows_columns_and_order_limits():
    wide = sheet_xml([HEADER, inline_row(2, ["a"] * 65)])
    assert read(workbook(wide))[3] == ["row 2: the row has more than 64 cells"]
    # Empty styled cells far to the right are not cells with values.
    styled = sheet_xml([HEADER, '<row r="2"><c r="A2" t="inlineStr"><is><t>a</t></is></c><c r="XFD2" s="1"/></row>'])
    assert read(workbook(styled))[1] == [(2, ["a"])]
    many = sheet_xml([HEADER] + [inline_row(n, ["a"]) for n in range(2, 6)])
    assert read(workbook(many), ImportLimits(max_rows=3))[3] == ["row 5: the file has more than 3 data rows"]
    jump = sheet_xml([HEADER, inline_row(1_048_576, ["a"])])
    assert read(workbook(jump))[3] == ["row 1048576: the file has more than 200000 data rows"]
    backwards = sheet_xml([HEADER, inline_row(3, ["a"]), inline_row(2, ["b"])])
    assert read(workbook(backwards))[3] == ["row 2: the sheet lists row 2 after row 3: the workbook is damaged"]


def test_a_long_header_is_not_echoed_whole(app):
    from remit.importers import run_import

    from .helpers import FEE_HEADER, csv_bytes, fee_row

    header = FEE_HEADER + ["z" * 5000]
    report = run_import("fees", csv_bytes([fee_row()], header=header), "long.csv", actor="test")
    (problem,) = [str(p) for p in report.problems]
    assert problem.startswith("row 1, column zzzz") and "…: unknown column; expected one of: provider," in problem
    assert len(problem.split(": unknown column")[0]) <= len("row 1, column ") + 200


def test_xlsx_cells_are_read_as_openpyxl_read_them():
    """Strings, numbers, booleans, dates from a date style; a formula openpyxl saved has no cached value."""
    import datetime as dt

    from .helpers import xlsx_bytes

    data = xlsx_bytes([["text", "number", "flag", "date", "formula"],
                       ["  padded  ", 1e-05, True, dt.datetime(2026, 3, 1), "=1+1"]])
    table = read_table(data, "cells.xlsx")
    assert table.rows == [(2, ["padded", "0.00001", "true", "2026-03-01"])]


def test_long_numeric_cells_are_read_in_linear_time_and_never_crash():
    """A number cell (<v>, no type) may hold 32,767 characters. Its pattern once backtracked over every
    split of the digits (a cell of 32,000 ones and a letter: half a minute; a sheet of them: hours),
    and 5,000 digits went past what Python turns into an int (a 500)."""
    digits = "1" * 32_000
    sheet = sheet_xml([HEADER, f'<row r="2"><c r="A2"><v>{digits}x</v></c><c r="B2"><v>{digits}</v></c></row>',
                       f'<row r="3"><c r="A3"><v>{digits}.5</v></c><c r="B3"><v>-{digits}e5</v></c></row>'])
    header, rows, problems, refusal, _ = read(workbook(sheet))
    assert (header, refusal) == (["name", "note"], None)
    assert [number for number, _ in rows] == [2, 3] and problems == []
    (_, (a2, b2)), (_, (a3, b3)) = rows
    assert a2 == digits + "x"  # not a number: the row's schema says so, with its column
    assert b2 == digits  # a whole number too long for float or int is kept as written, not turned into 1e31999
    assert a3 == digits + ".5" and b3 == "-" + digits + "e5"
    sheet = sheet_xml([HEADER, '<row r="2"><c r="A2"><v>1e400</v></c><c r="B2"><v>-12.50</v></c></row>'])
    assert read(workbook(sheet))[1] == [(2, ["1e400", "-12.5"])]  # past a float: as written, never "Infinity"
