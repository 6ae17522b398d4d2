"""Statements: each worker's season, a line per cycle they took part in, and the group's season;
the statements add up to the cycles' totals."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .entries import ZERO
from .results import MemberResult, Reconciliation


@dataclass(frozen=True)
class CycleHeading:
    number: int
    date: dt.date
    completed: bool
    corrected: frozenset[str] = frozenset()  # members whose entries were corrected after completion
    corrected_all: bool = False  # a wire was corrected: every member's figures changed

    def corrected_for(self, ref: str) -> bool:
        return self.corrected_all or ref in self.corrected


@dataclass(frozen=True)
class StatementLine:
    cycle: CycleHeading
    corrected: bool
    amount: Decimal
    contributed: Decimal
    share: Decimal | None
    received: Decimal  # paid to the family, receive currency
    pending: Decimal
    returned: Decimal
    today_cost: Decimal | None
    cheapest_cost: Decimal | None
    saving_vs_today: Decimal | None
    saving_vs_cheapest: Decimal | None


@dataclass
class Statement:
    ref: str
    lines: list[StatementLine]
    amount: Decimal
    contributed: Decimal
    share: Decimal
    received: Decimal
    pending: Decimal
    saving_vs_today: Decimal | None  # over the cycles where today's service is known
    saving_vs_cheapest: Decimal | None
    cycles_vs_today: int
    cycles_vs_cheapest: int


def _in_date_order(cycles: Sequence[tuple[CycleHeading, Reconciliation]]) -> list[tuple[CycleHeading, Reconciliation]]:
    return sorted(cycles, key=lambda c: (c[0].date, c[0].number))


def _members_by_ref(ordered: Sequence[tuple[CycleHeading, Reconciliation]]) -> list[dict[str, MemberResult]]:
    """Each cycle's members by reference (a reference is in a cycle once: check_members), so that a
    season's statements find each worker in each cycle at once rather than by a scan of its members."""
    return [{m.ref: m for m in recon.members} for _, recon in ordered]


def statement(ref: str, cycles: Sequence[tuple[CycleHeading, Reconciliation]]) -> Statement:
    """One worker's season: a line for each cycle they took part in (with a recorded wire), in date
    order, and the season's totals, which add up the lines exactly."""
    ordered = _in_date_order(cycles)
    return _statement(ref, ordered, _members_by_ref(ordered))


def _statement(ref: str, ordered: Sequence[tuple[CycleHeading, Reconciliation]],
               members: Sequence[dict[str, MemberResult]]) -> Statement:
    lines = []
    for (heading, recon), by_ref in zip(ordered, members):
        member = by_ref.get(ref)
        if member is None or recon.cost is None:
            continue
        lines.append(StatementLine(heading, heading.corrected_for(ref), member.amount, member.contributed,
                                   member.share, member.paid, member.pending, member.returned, member.today_cost,
                                   member.cheapest_cost, member.saving_vs_today, member.saving_vs_cheapest))
    vs_today = [line.saving_vs_today for line in lines if line.saving_vs_today is not None]
    vs_cheapest = [line.saving_vs_cheapest for line in lines if line.saving_vs_cheapest is not None]
    return Statement(
        ref=ref, lines=lines, amount=sum((line.amount for line in lines), ZERO),
        contributed=sum((line.contributed for line in lines), ZERO),
        share=sum((line.share for line in lines), ZERO), received=sum((line.received for line in lines), ZERO),
        pending=sum((line.pending for line in lines), ZERO),
        saving_vs_today=sum(vs_today, ZERO) if vs_today else None,
        saving_vs_cheapest=sum(vs_cheapest, ZERO) if vs_cheapest else None,
        cycles_vs_today=len(vs_today), cycles_vs_cheapest=len(vs_cheapest))


@dataclass
class Season:
    cycles: list[tuple[CycleHeading, Reconciliation]]
    statements: list[Statement]
    amount: Decimal
    contributed: Decimal
    cost: Decimal
    credited: Decimal
    paid_out: Decimal
    saving_vs_today: Decimal | None
    saving_vs_cheapest: Decimal | None


def season(cycles: Sequence[tuple[CycleHeading, Reconciliation]]) -> Season:
    """The group's season: its cycles in date order and every worker's statement; the statements add
    up to the cycles' totals."""
    ordered = _in_date_order(cycles)
    members = _members_by_ref(ordered)
    refs = sorted({ref for by_ref in members for ref in by_ref})
    statements = [_statement(ref, ordered, members) for ref in refs]
    statements = [s for s in statements if s.lines]
    counted = [(h, r) for h, r in ordered if r.cost is not None]
    vs_today = [s.saving_vs_today for s in statements if s.saving_vs_today is not None]
    vs_cheapest = [s.saving_vs_cheapest for s in statements if s.saving_vs_cheapest is not None]
    return Season(
        cycles=ordered, statements=statements,
        amount=sum((m.amount for _, r in counted for m in r.members), ZERO),
        contributed=sum((r.contributed for _, r in counted), ZERO), cost=sum((r.cost for _, r in counted), ZERO),
        credited=sum((r.credited for _, r in counted), ZERO), paid_out=sum((r.paid_out for _, r in counted), ZERO),
        saving_vs_today=sum(vs_today, ZERO) if vs_today else None,
        saving_vs_cheapest=sum(vs_cheapest, ZERO) if vs_cheapest else None)
