"""RPW's corridor averages as the World Bank's DataBank exports them.

DataBank's database "Remittance Prices Worldwide (Corridors)" exports one row per corridor and series:
`Sending Countries Name, Sending Countries Code, Series Name, Series Code, Receiving Countries  Name,
Receiving Countries  Code` (DataBank writes two spaces before `Name` and `Code`), then one column per
period, `2011Q1 [YR2011Q1]` (or `2011Q1`, or `YR2011Q1`, as its export options write them), `..` where
it has no figure, and after the rows, empty lines and two footer lines ("Data from database: …",
"Last Updated: …"). The CSV comes with a UTF-8 byte-order mark, which the reader passes over.

remit reads the series `ATCR.CORR`, the average total cost of sending USD 200 in the corridor, in
percent: each figure is a published corridor average of the quarter its column names, with no cheapest
quote, and is planned and written as `published` plans and writes every published average. DataBank
writes its figures to 15 significant digits, past the single-precision numbers it keeps (5.522 comes
out as 5.52199983596802): a figure is kept to the six decimals remit keeps of every percentage,
rounded half up (5.522000). Until 2013 RPW surveyed twice a year, in the first and the third quarter,
and DataBank names each of those surveys by its quarter (`2011Q1`, `2011Q3`): a figure is kept as the
quarter its column names, and nothing is written for the quarters between (the trend shows each as
covered by the half-year's figure: domain.caveats.frequency).

A row without any figure (DataBank lists every pair of its sending and receiving countries, most of
them never surveyed, and its footer lines) is passed over. So is a corridor to or from a country that
no longer exists (the Netherlands Antilles, `ANT`, dissolved in 2010, surveyed in 2011): the report
names what was not imported.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

from marshmallow import ValidationError, validates_schema

from .. import codes
from ..domain.caveats import quarter_bounds
from ..domain.messages import msg
from ..inputs import quoted
from .base import Column, ImportReport, RowLoader, map_header, valid_rows
from .fields import ExactNumber, Text
from .published import AveragesFile
from .rows import Problem, ProblemLog, RowStream, normalize_header
from .survey_fields import PERCENT_PLACES, CorridorRowSchema

SERIES = "ATCR.CORR"  # Average Total Cost to remit in corridor (USD 200), in %
NO_FIGURE = ("..", "")
# Each fixed column under the name remit gives it, and the name DataBank writes.
COLUMNS = [
    Column("source_name", False, ("Sending Countries Name",)),
    Column("source_code", True, ("Sending Countries Code",)),
    Column("series_name", False, ("Series Name",)),
    Column("series_code", True, ("Series Code",)),
    Column("destination_name", False, ("Receiving Countries Name",)),
    Column("destination_code", True, ("Receiving Countries Code",)),
]
DATABANK_NAMES = {column.name: column.aliases[0] for column in COLUMNS}
# 2011Q1 [YR2011Q1], 2011Q1 or YR2011Q1: a quarter, as DataBank's export options name the columns.
PERIOD_COLUMN = re.compile(r"^(?:(?P<year>\d{4})Q(?P<quarter>[1-4])(?: \[YR(?P=year)Q(?P=quarter)\])?"
                           r"|YR(?P<year2>\d{4})Q(?P<quarter2>[1-4]))$", re.IGNORECASE)
# A column of another kind of period that DataBank writes (2011, 2011M01, YR2011): not a quarter.
OTHER_PERIOD = re.compile(r"^(?:YR)?\d{4}(?:[A-Z]\d{1,2})?(?: \[YR\d{4}(?:[A-Z]\d{1,2})?\])?$", re.IGNORECASE)
PLACES = Decimal(1).scaleb(-PERCENT_PLACES)


def _period(header: str) -> str | None:
    match = PERIOD_COLUMN.match(header.strip())
    if match is None:
        return None
    return f"{match['year'] or match['year2']}Q{match['quarter'] or match['quarter2']}"


def is_databank(table: RowStream) -> bool:
    """DataBank's layout: a series code and the periods as columns."""
    names = {normalize_header(h) for h in table.header}
    return "series code" in names and any(_period(h) for h in table.header)


class Figure(ExactNumber):
    """A DataBank figure: a percentage, kept to remit's six decimals, rounded half up."""

    def __init__(self, **kwargs):
        super().__init__(minimum=Decimal(-1000), maximum=Decimal(1000), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).quantize(PLACES, ROUND_HALF_UP)


class _CorridorSeries(CorridorRowSchema):
    series_name = Text(load_default=None)
    series_code = Text(required=True)

    @validates_schema
    def check_series(self, data, **kwargs):
        if data["series_code"].upper() != SERIES:
            raise ValidationError({"series_code": [msg(
                "databank_series", "'%(typed)s' is not the series remit reads: %(series)s, the average total cost "
                "to remit in the corridor", typed=quoted(data["series_code"]), series=SERIES)]})


class _FileNames:
    """A row loader whose problems name the file's columns, as DataBank writes them."""

    def __init__(self, loader: RowLoader, names: dict[str, str]):
        self.loader, self.names = loader, names

    def load(self, row: int, cells: list[str]):
        data, problems = self.loader.load(row, cells)
        if problems:
            problems = [Problem(p.row, self.names.get(p.column, p.column), p.message) for p in problems]
        return data, problems


def _columns(table: RowStream) -> tuple[dict[str, int], dict[str, int], list[Problem]]:
    """(fixed column → index, period → index, problems of the header)."""
    positions, problems = map_header(table, COLUMNS, strict=False)
    problems = [Problem(p.row, DATABANK_NAMES.get(p.column, p.column), p.message) for p in problems]
    fixed = set(positions.values())
    periods: dict[str, int] = {}
    for index, raw in enumerate(table.header):
        if index in fixed or not raw.strip():
            continue
        period = _period(raw)
        if period is None:
            expected = (msg("databank_not_a_quarter", "not a quarter: remit reads DataBank's quarterly columns "
                                                      "(2011Q1 [YR2011Q1])") if OTHER_PERIOD.match(raw.strip())
                        else msg("unknown_column", "unknown column; expected one of: %(columns)s",
                                 columns=[*DATABANK_NAMES.values(), "2011Q1 [YR2011Q1]"]))
            problems.append(Problem(1, raw, expected))
        elif period in periods:
            problems.append(Problem(1, raw, msg("column_twice", "column %(column)s appears twice", column=period)))
        else:
            periods[period] = index
    if not periods and not problems:
        problems.append(Problem(1, None, msg("databank_no_periods", "the file has no quarter's column "
                                                                   "(2011Q1 [YR2011Q1])")))
    return positions, periods, problems


def collect(table: RowStream, problems: ProblemLog, report: ImportReport) -> AveragesFile | None:
    """Validate every row that holds a figure: (send, receive, quarter) → (row, average, no cheapest)."""
    positions, periods, header_problems = _columns(table)
    if header_problems:
        problems.extend(header_problems)
        return None
    schema = type("DataBankRowSchema", (_CorridorSeries,), {period: Figure(load_default=None) for period in periods})()
    names = {name: table.column_name(index) for name, index in (positions | periods).items()}
    loader = _FileNames(RowLoader(schema, positions | periods), names)
    figure_cells = sorted(periods.values())
    codes_at = (positions["source_code"], positions["destination_code"])
    former: list[tuple[str, str, list[str]]] = []

    def keep(cells: list[str]) -> bool:
        """Only the rows that hold a figure are read; those of a country that no longer exists are noted."""
        width = len(cells)
        if all(index >= width or cells[index] in NO_FIGURE for index in figure_cells):
            return False
        sides = [cells[index] if index < width else "" for index in codes_at]
        gone = [f"{side.upper()}: {name}" for side in sides if (name := codes.former_country(side))]
        if gone:
            former.append((sides[0].upper(), sides[1].upper(), gone))
            return False
        return True

    today = dt.date.today()
    not_begun = {period for period in periods if quarter_bounds(period)[0] > today}
    found = AveragesFile()
    for row, data in valid_rows(table, loader, problems, not_available=(figure_cells, {".."}), keep=keep):
        send, receive = data["source_code"], data["destination_code"]
        for period in periods:
            figure = data[period]
            if figure is None:
                continue
            if period in not_begun:
                problems.add(Problem(row, names[period], msg("quarter_not_begun", "%(period)s has not begun: nothing "
                                                             "can be published for it yet", period=period)))
                continue
            key = (send, receive, period)
            if key in found.figures:
                problems.add(Problem(row, names[period], msg(
                    "average_twice", "row %(row)s already gives %(corridor)s in %(period)s",
                    row=found.figures[key][0], corridor=f"{send}-{receive}", period=period)))
                continue
            found.figures[key] = (row, figure, None)
    if former:
        corridors = [f"{send}→{receive}" for send, receive, _ in former]
        countries = sorted({name for _, _, gone in former for name in gone})
        report.notes.append(msg("databank_former_countries", "not imported: the figures of %(corridors)s, "
                                "corridors of a country that no longer exists (%(countries)s)",
                                corridors=corridors, countries=countries))
    report.rows = len(found.figures)
    if not found.figures and not problems:
        problems.add(Problem(2, None, msg("databank_no_figure", "no row holds a figure (DataBank writes '..' where "
                                                                "it has none)")))
    return found
