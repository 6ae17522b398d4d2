"""RPW's published corridor averages: one row per corridor and quarter.

The layout is the one the World Bank's corridor trend tables use:
`source_code, destination_code, quarter, avg_cost_pct, cheapest_cost_pct` (the average total cost of
sending USD 200 and the cost of the cheapest quote, in percent; `source_name` and `destination_name`
may be given too). `remit import rpw` reads it as it reads the survey layouts: every row validated,
all or nothing, and only the corridor-quarters in the file are touched. A corridor-quarter whose
figures are those in force is unchanged; other figures retire the stored row (kept) and add the new one.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from marshmallow import ValidationError, validates_schema
from sqlalchemy import bindparam, select, update

from .. import codes
from ..domain.caveats import quarter_bounds
from ..domain.messages import msg
from ..extensions import db
from ..models import Corridor, ImportRun, PublishedAverage
from ..services import reference
from .base import Column, ImportReport, PreviewRow, RowLoader, map_header, valid_rows
from .batches import chunks
from .rows import Problem, ProblemLog, RowStream, normalize_header
from .survey_fields import CorridorRowSchema, Period, percent_field

LAYOUT = "rpw_averages"
COLUMNS = [
    Column("source_code"), Column("source_name", False), Column("destination_code"),
    Column("destination_name", False), Column("quarter", aliases=("period",)),
    Column("avg_cost_pct", aliases=("average_cost_pct", "avg cost %")),
    Column("cheapest_cost_pct", False, ("cheapest cost %",)),
]
WRITE_BATCH = 2_000


def is_averages(table: RowStream) -> bool:
    """The published layout: a quarter and an average cost per row."""
    names = {normalize_header(h) for h in table.header}
    return bool(names & {"avg cost pct", "average cost pct", "avg cost %"}) and bool(names & {"quarter", "period"})


class AverageRowSchema(CorridorRowSchema):
    quarter = Period(required=True)
    avg_cost_pct = percent_field(required=True)
    cheapest_cost_pct = percent_field(load_default=None)

    @validates_schema
    def check_row(self, data, **kwargs):
        if data["source_code"] == data["destination_code"]:
            return  # `check_corridor` says so, and the row's other checks wait until it names a corridor
        if quarter_bounds(data["quarter"])[0] > dt.date.today():
            raise ValidationError({"quarter": [msg("quarter_not_begun", "%(period)s has not begun: nothing can be "
                                                   "published for it yet", period=data["quarter"])]})
        cheapest = data.get("cheapest_cost_pct")
        if cheapest is not None and cheapest > data["avg_cost_pct"]:
            raise ValidationError({"cheapest_cost_pct": [msg(
                "cheapest_above_average", "the cheapest quote cannot cost more than the average (%(average)s)",
                average=data["avg_cost_pct"])]})


@dataclass
class AveragesFile:
    """(send, receive, period) → (row, average, cheapest), as read from the file."""

    figures: dict[tuple[str, str, str], tuple[int, Decimal, Decimal | None]] = field(default_factory=dict)


def collect(table: RowStream, problems: ProblemLog, report: ImportReport) -> AveragesFile | None:
    positions, header_problems = map_header(table, COLUMNS)
    if header_problems:
        problems.extend(header_problems)
        return None
    found = AveragesFile()
    for row, data in valid_rows(table, RowLoader(AverageRowSchema(), positions), problems):
        key = (data["source_code"], data["destination_code"], data["quarter"])
        if key in found.figures:
            corridor = "-".join(key[:2])
            problems.add(Problem(row, "quarter", msg("average_twice", "row %(row)s already gives %(corridor)s in %(period)s",
                                                     row=found.figures[key][0], corridor=corridor, period=key[2])))
            continue
        found.figures[key] = (row, data["avg_cost_pct"], data["cheapest_cost_pct"])
    report.rows = len(found.figures)
    return found


@dataclass
class AveragesPlan:
    add: list[tuple[tuple[str, str, str], Decimal, Decimal | None]] = field(default_factory=list)
    retire: list[int] = field(default_factory=list)


def _stored(corridors: set[tuple[str, str]]) -> dict[tuple[str, str, str], tuple[int, Decimal, Decimal | None]]:
    """(send, receive, period) → (id, average, cheapest) of the figures in force for these corridors."""
    found = {}
    for send, receive, period, row_id, average, cheapest in db.session.execute(
            select(Corridor.send_country, Corridor.receive_country, PublishedAverage.period, PublishedAverage.id,
                   PublishedAverage.avg_cost_pct, PublishedAverage.cheapest_cost_pct)
            .join(Corridor, Corridor.id == PublishedAverage.corridor_id)
            .where(PublishedAverage.retired_by_import_id.is_(None))):
        if (send, receive) in corridors:
            found[(send, receive, period)] = (row_id, average, cheapest)
    return found


def _text(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def plan(averages: AveragesFile, report: ImportReport) -> AveragesPlan:
    stored = _stored({key[:2] for key in averages.figures})
    changes = AveragesPlan()
    for key, (_row, average, cheapest) in sorted(averages.figures.items()):
        subject = f"{key[0]}-{key[1]} {key[2]}: published average"
        old = stored.get(key)
        if old is None:
            report.added += 1
            report.show(PreviewRow("add", subject, (("avg_cost_pct", "", _text(average)),
                                                    ("cheapest_cost_pct", "", _text(cheapest)))))
        elif old[1] == average and old[2] == cheapest:
            report.unchanged += 1
            continue
        else:
            report.changed += 1
            changes.retire.append(old[0])
            report.show(PreviewRow("change", subject, (("avg_cost_pct", _text(old[1]), _text(average)),
                                                       ("cheapest_cost_pct", _text(old[2]), _text(cheapest)))))
        changes.add.append((key, average, cheapest))
    return changes


def apply(changes: AveragesPlan, run: ImportRun) -> None:
    corridor_ids = {}
    for send, receive in sorted({key[:2] for key, _, _ in changes.add}):
        corridor_ids[(send, receive)] = reference.ensure_corridor(
            send, receive, codes.local_currency(send) or "USD", codes.local_currency(receive) or "USD").id
    connection = db.session.connection()
    table = PublishedAverage.__table__
    for batch in chunks(({"row_id": row_id} for row_id in changes.retire), WRITE_BATCH):
        connection.execute(update(table).where(table.c.id == bindparam("row_id")).values(retired_by_import_id=run.id),
                           batch)
    rows = ({"corridor_id": corridor_ids[key[:2]], "period": key[2], "avg_cost_pct": average,
             "cheapest_cost_pct": cheapest, "import_id": run.id} for key, average, cheapest in changes.add)
    for batch in chunks(rows, WRITE_BATCH):
        connection.execute(table.insert(), batch)
