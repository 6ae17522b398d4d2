"""The seed data the test suite loads (`seeded` and the few harnesses that seed a database of their own).

`remit seed` loads everything in `seeds/`: 348 corridors' 2025 Q3 quotes, their published figures of
2024 Q3 to 2025 Q3 and DataBank's history of 2011 Q1 to 2020 Q3. The suite's figures were worked on 20
corridors, and seeding 348 for each of its hundreds of database tests would multiply its time: so the
suite loads the seeds' rates and fee table as they are and, of the RPW seeds, the rows of those
corridors only, cut from the seed files line by line (nothing is rewritten): the 2025 Q3 quotes of
Canada's 15 corridors, USA→Mexico and USA→Guatemala, Canada's published figures, and the East-Africa
excerpt of 2011. `tests/test_full_seeds.py` loads all of `seeds/` once per database, as `remit seed` does.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
ALL_QUOTES = SEEDS / "rpw" / "rpw_2025Q3_quotes_all_corridors.csv"
ALL_TREND = SEEDS / "rpw" / "rpw_2024Q3-2025Q3_trend_all_corridors.csv"
DATABANK = SEEDS / "rpw" / "wb_databank_rpw_corridors_ATCR_CORR_2011Q1_2020Q3.csv"
RAW_2011 = SEEDS / "rpw" / "rpw_raw_excerpt_EastAfrica_2011Q1.csv"
USA = (("USA", "MEX"), ("USA", "GTM"))


def _lines_where(path: Path, keep) -> bytes:
    """The file's header and the lines `keep(cells)` keeps, bytes as they are (line ends included)."""
    lines = path.read_bytes().splitlines(keepends=True)
    kept = [line for line in lines[1:] if keep(next(csv.reader([line.decode("utf-8")])))]
    return b"".join([lines[0], *kept])


def quotes(*corridors: tuple[str, str], sender: str | None = None) -> bytes:
    """The 2025 Q3 quotes of these corridors (alpha-3 pairs), or of every corridor from `sender`."""
    wanted = set(corridors)
    return _lines_where(ALL_QUOTES, lambda cells: (cells[1], cells[3]) in wanted or cells[1] == sender)


def canada_trend() -> bytes:
    """RPW's published figures of Canada's 15 corridors, 2024 Q3 to 2025 Q3 (60 rows)."""
    return _lines_where(ALL_TREND, lambda cells: cells[0] == "CAN")


def rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def suite_files() -> list[tuple[str, str, bytes]]:
    """(kind, file name, content) in the order `remit seed` imports: the suite's seed data."""
    files = [(kind, path.name, path.read_bytes()) for kind in ("rates", "fees")
             for path in sorted((SEEDS / kind).glob("*.csv"))]
    return files + [
        ("rpw", "rpw_2025Q3_quotes_CAN_USA.csv", quotes(*USA, sender="CAN")),
        ("rpw", "rpw_2025Q3_trend_CAN.csv", canada_trend()),
        ("rpw", RAW_2011.name, RAW_2011.read_bytes()),
    ]
