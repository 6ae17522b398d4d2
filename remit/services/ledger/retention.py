"""Retention: the personal columns of seasons past the retention period erased, every figure kept."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from ...extensions import db
from ...models import LedgerContribution, LedgerCycle, LedgerMember, LedgerPayout, LedgerWire
from ..audit import record as audit
from .records import audit_target, rows_of


def retention_cutoff(today: dt.date, years: int) -> dt.date:
    """The first day still kept: cycles dated before it are past the retention period."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def _season_pseudonyms(cycles: list[LedgerCycle], members_of: dict[int, list[LedgerMember]]
                       ) -> dict[tuple[int, int], dict[str, str]]:
    """One pseudonym per worker for a season (#01, #02…), numbered in the order of their references
    and padded to one width: the pseudonyms sort as the references did, so the cents left over by
    rounding (ties go to references in alphabetical order) go to the same workers after the erasure,
    and every share and statement stays what it was."""
    refs: dict[tuple[int, int], set[str]] = {}
    for cycle in cycles:
        refs.setdefault((cycle.group_id, cycle.cycle_date.year), set()).update(m.ref for m in members_of[cycle.id])
    named = {}
    for season, found in refs.items():
        width = len(str(len(found)))
        named[season] = {ref: f"#{number:0{width}d}" for number, ref in enumerate(sorted(found), start=1)}
    return named


def erase_expired(today: dt.date, years: int, *, actor: str, dry_run: bool = False) -> list[LedgerCycle]:
    """Erase the personal columns of every season (a group's cycles of one calendar year) whose last
    cycle is dated more than `years` years before `today`, all its cycles at once: each worker gets one
    pseudonym for the whole season (#01, #02…, in the order of their references), so a season's
    statements stay one per worker, never add up two people's cycles, and keep every cent; carried columns, receipts' references (a
    coordinator may write a name or the member's reference in one), who confirmed each payout and the
    reasons typed for corrections are removed. Amounts, dates, methods, statuses and the banks'
    references of wires are kept, so every total stays as it was. Every cycle is kept at least `years`
    years (a season's earlier cycles somewhat longer)."""
    cutoff = retention_cutoff(today, years)
    dated = db.session.execute(select(LedgerCycle.group_id, LedgerCycle.cycle_date)).all()
    last: dict[tuple[int, int], dt.date] = {}
    for group_id, day in dated:
        key = (group_id, day.year)
        last[key] = max(last.get(key, day), day)
    expired = {key for key, day in last.items() if day < cutoff}
    cycles = [c for c in db.session.execute(select(LedgerCycle).where(LedgerCycle.cycle_date < cutoff,
                                                                       LedgerCycle.erased_at.is_(None))
                                            .order_by(LedgerCycle.cycle_date, LedgerCycle.id)).scalars()
              if (c.group_id, c.cycle_date.year) in expired]
    if dry_run:
        return cycles
    stamp = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    members_of = {c.id: list(db.session.execute(select(LedgerMember).where(LedgerMember.cycle_id == c.id)).scalars())
                  for c in cycles}
    pseudonyms = _season_pseudonyms(cycles, members_of)
    for cycle in cycles:
        members = members_of[cycle.id]
        season = pseudonyms[(cycle.group_id, cycle.cycle_date.year)]
        # Two steps, so that no reference is ever held by two members at once (unique per cycle).
        names = {m.id: season[m.ref] for m in members}
        for m in members:
            m.ref = f"~{m.id}"
        db.session.flush()
        for m in members:
            m.ref = names[m.id]
            m.personal = None
        for model in (LedgerContribution, LedgerWire, LedgerPayout):
            for row in rows_of(model, cycle.id):
                if row.reason:
                    row.reason = None
                if model is LedgerPayout:
                    row.confirmed_by = None
                if model is LedgerContribution:
                    row.receipt = ""
        cycle.erased_at = stamp
        audit("ledger personal data erased", audit_target(cycle), {"date": cycle.cycle_date.isoformat(),
                                                               "members": len(members), "retention_years": years},
              actor=actor)
    db.session.flush()
    return cycles
