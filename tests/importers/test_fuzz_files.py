"""Hypothesis-generated and mutated import files: never an exception, never a partial write, and no
text cell that a spreadsheet would run as a formula ever reaches an export."""
from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from remit.importers import run_import
from remit.importers.fees import HEADER
from remit.services.exports import current_fee_rows

from ..conftest import SEEDS, table_counts
from .helpers import xlsx_bytes

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                        HealthCheck.too_slow])
SEED_LINES = (SEEDS / "fees" / "CA-GT_illustrative_fee_table.csv").read_text().splitlines()
NASTY = st.sampled_from(["=cmd|' /C calc'!A0", "+SUM(A1)", "@import", "-2+3", "\t=1", "\x00", "é", "😀",
                         "1e9999", "NaN", "-0", "1,5", "", " ", "x" * 5000, "GT-HU;=1", "2026-13-01"])
CELL = st.one_of(NASTY, st.text(max_size=30))


def check(kind: str, data: bytes, name: str) -> None:
    before = table_counts()
    report = run_import(kind, data, name, actor="fuzz")
    if not report.ok:
        assert table_counts() == before, "a rejected file wrote something"
        assert all(str(p) for p in report.problems)


@FUZZ
@given(st.binary(max_size=2000), st.sampled_from(["fees", "rates", "rpw"]), st.sampled_from(["f.csv", "f.xlsx"]))
def test_random_bytes(app, data, kind, name):
    check(kind, data, name)


@FUZZ
@given(st.data())
def test_mutated_fee_tables(app, data):
    """The seed fee table with some cells replaced by hostile values."""
    rows = [line for line in csv.reader(io.StringIO("\n".join(SEED_LINES)))]
    for _ in range(data.draw(st.integers(1, 6))):
        r = data.draw(st.integers(1, len(rows) - 1))
        c = data.draw(st.integers(0, len(HEADER) - 1))
        rows[r][c] = data.draw(CELL)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    encoding = data.draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16"]))
    try:
        payload = out.getvalue().encode(encoding)
    except UnicodeEncodeError:
        payload = out.getvalue().encode("utf-8")
    check("fees", payload, "mutated.csv")
    for row in current_fee_rows():
        for column in ("provider", "product", "source", "accepted_ids", "regions"):
            assert not row[column].startswith(("=", "+", "-", "@", "\t", "\r")), row[column]


@FUZZ
@given(st.lists(st.lists(CELL, max_size=12), max_size=8), st.integers(0, 3))
def test_random_workbooks_and_wide_files(app, cells, extra_columns):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    header = HEADER + [f"extra{i}" for i in range(extra_columns * 400)]  # up to 1,200 more columns
    # A workbook cannot hold control characters: they are taken out of the generated cells.
    writable = [[ILLEGAL_CHARACTERS_RE.sub("", c) for c in row] for row in cells]
    check("fees", xlsx_bytes([header[:len(HEADER) + extra_columns]] + writable), "random.xlsx")
    check("fees", (",".join(header) + "\n").encode(), "wide.csv")
