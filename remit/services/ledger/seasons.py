"""Seasons and statements: a group's cycles of a year, every worker's statement, and its rows for files."""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from ... import codes
from ...domain import caveats
from ...domain import ledger as rules
from ...domain.errors import NotFound
from ...domain.messages import msg
from ...models import BundleGroup
from .. import spreadsheets
from .records import CycleRecord, cycles_of, group_row, load


def seasons_of(group_id: int) -> list[int]:
    return sorted({c.season for c in cycles_of(group_id)}, reverse=True)


@dataclass
class SeasonRecord:
    group: BundleGroup
    year: int
    records: list[CycleRecord]
    season: rules.Season
    languages: dict[str, str | None]  # ref → the worker's language, from their latest cycle

    def number_of(self, ref: str) -> int:
        return next(i for i, s in enumerate(self.season.statements, start=1) if s.ref == ref)

    def record_of(self, number: int) -> CycleRecord:
        """The cycle of the season numbered `number`."""
        return next(r for r in self.records if r.cycle.number == number)

    def line_warnings(self, ref: str, number: int) -> dict[str, bool]:
        """What of a statement's line rests on old data: the rate its costs are measured against
        (`rate`), the prices its savings compare with (`prices`)."""
        record = self.record_of(number)
        return {"rate": record.rate_stale, "prices": caveats.STALE in record.member_warnings(ref)}

    def old_prices(self, ref: str) -> bool:
        """Some saving of the worker's season compares with prices from old data."""
        return any(caveats.STALE in r.member_warnings(ref) for r in self.records)

    @property
    def currency(self) -> str:
        return self.group.currency

    @property
    def receive_currency(self) -> str | None:
        return self.records[0].cycle.receive_currency if self.records else None

    @property
    def minor_unit(self) -> int:
        return codes.minor_unit(self.currency)

    @property
    def receive_minor_unit(self) -> int:
        return codes.minor_unit(self.receive_currency) if self.receive_currency else 2


def season_of(group_id: int, year: int, among: Collection[int] | None = None) -> SeasonRecord:
    group = group_row(group_id, among)
    cycles = [c for c in cycles_of(group_id) if c.season == year]
    if not cycles:
        raise NotFound(msg("ledger_no_season", "The group %(group)s has no cycle in %(year)s.", group=group.name,
                           year=str(year)))
    records = [load(c.id) for c in sorted(cycles, key=lambda c: (c.cycle_date, c.number))]
    languages: dict[str, str | None] = {}
    for record in records:
        for m in record.members:
            languages[m.ref] = m.language or languages.get(m.ref) or record.cycle.language
    return SeasonRecord(group, year, records, rules.season([(r.heading, r.reconciliation) for r in records]),
                        languages)


SEASON_COLUMNS = ("cycle", "date", "completed", "reference", "amount", "currency", "contributed", "share_of_costs",
                  "saving_vs_today", "saving_vs_cheapest", "family_received", "pending", "returned",
                  "receive_currency", "corrected")
# The columns' names for people (remit.services.spreadsheets.Label).
SEASON_NAMES = {
    "cycle": msg("export_cycle", "Cycle"), "date": msg("export_date", "Date"),
    "completed": msg("export_completed", "Completed"), "reference": msg("export_reference", "Reference"),
    "amount": msg("export_sent", "Sent"), "currency": msg("export_currency", "Currency"),
    "contributed": msg("export_contributed", "Handed over"),
    "share_of_costs": msg("export_share_of_costs", "Share of the costs"),
    "saving_vs_today": msg("export_saving_vs_today", "Saving against today"),
    "saving_vs_cheapest": msg("export_saving_vs_cheapest", "Saving against the cheapest way alone"),
    "family_received": msg("export_family_received", "Family received"),
    "pending": msg("export_pending", "Pending"), "returned": msg("export_returned", "Returned"),
    "receive_currency": msg("export_receive_currency", "Currency received"),
    "corrected": msg("export_corrected", "Corrected after completion"),
}
YES = spreadsheets.Label("yes", msg("export_yes", "yes"))
NO = spreadsheets.Label("no", msg("export_no", "no"))


def season_rows(season: SeasonRecord, ref: str | None = None) -> tuple[list[str], list[list[str]]]:
    """The season worker by worker and cycle by cycle (one worker's statement: `ref`), without
    personal columns (formula-safe when written by remit.services.spreadsheets)."""
    ccy, rcy = season.currency, season.receive_currency or ""
    mu, rmu = codes.minor_unit(ccy), codes.minor_unit(rcy) if rcy else 2
    money = spreadsheets.amount
    rows = []
    for statement in season.season.statements:
        if ref is not None and statement.ref != ref:
            continue
        for line in statement.lines:
            rows.append([str(line.cycle.number), line.cycle.date.isoformat(), YES if line.cycle.completed else NO,
                         statement.ref, money(line.amount, mu), ccy, money(line.contributed, mu),
                         money(line.share, mu), money(line.saving_vs_today, mu), money(line.saving_vs_cheapest, mu),
                         money(line.received, rmu), money(line.pending, rmu), money(line.returned, rmu), rcy,
                         YES if line.corrected else NO])
    return [spreadsheets.Label(name, SEASON_NAMES[name]) for name in SEASON_COLUMNS], rows
