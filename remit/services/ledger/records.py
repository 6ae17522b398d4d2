"""What the ledger takes in (entries as typed, corrections) and gives out (a cycle as stored, its
entries in force and its reconciliation), and the loading of cycles and saved groups."""
from __future__ import annotations

import datetime as dt
import json

from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select

from ... import codes
from ...domain import caveats
from ...domain import ledger as rules
from ...domain.errors import NotFound
from ...domain.messages import Message, msg
from ...extensions import db
from ...models import BundleGroup, LedgerContribution, LedgerCycle, LedgerMember, LedgerPayout, LedgerWire
from ..comparison import freshness


ENTRY_KINDS = ("contribution", "wire", "payout")
MODELS = {"contribution": LedgerContribution, "wire": LedgerWire, "payout": LedgerPayout}


# --- What comes in -------------------------------------------------------------------------------

# What a member handed over is recorded as the domain reads it (the same five fields).
ContributionInput = rules.Contribution


@dataclass(frozen=True)
class WireInput:
    debited: Decimal
    fee: Decimal
    currency_sent: str
    applied_rate: Decimal
    intermediary: Decimal
    receiving_fee: Decimal
    credited: Decimal
    bank_reference: str = ""
    executed_on: dt.date | None = None


@dataclass(frozen=True)
class PayoutInput:
    ref: str
    amount: Decimal
    status: str = "paid"
    paid_on: dt.date | None = None
    confirmed_how: str | None = None
    confirmed_by: str | None = None  # personal: staff pages only


@dataclass(frozen=True)
class Correction:
    kind: str  # contribution, wire or payout
    reason: str
    supersedes: int | None = None  # the entry's id; None adds an entry
    void: bool = False  # remove the superseded entry
    values: ContributionInput | WireInput | PayoutInput | None = None


# --- What goes out -------------------------------------------------------------------------------

@dataclass
class CycleRecord:
    """A cycle as stored, its entries (all of them, and those in force) and its reconciliation."""

    cycle: LedgerCycle
    group: BundleGroup
    members: list[LedgerMember]
    contributions: list[LedgerContribution]
    wires: list[LedgerWire]
    payouts: list[LedgerPayout]
    terms: rules.CycleTerms
    reconciliation: rules.Reconciliation
    planned: dict
    in_force: dict[str, set[int]] = field(default_factory=dict)

    def current(self, kind: str) -> list:
        rows = {"contribution": self.contributions, "wire": self.wires, "payout": self.payouts}[kind]
        return [row for row in rows if row.id in self.in_force[kind]]

    @property
    def corrections(self) -> list:
        """Every correction, oldest first."""
        rows = [r for r in (*self.contributions, *self.wires, *self.payouts) if r.correction]
        return sorted(rows, key=lambda r: (r.entered_at, r.id))

    def member(self, member_id: int) -> LedgerMember | None:
        return next((m for m in self.members if m.id == member_id), None)

    @property
    def rate_source(self) -> Message | str:
        return source_of(self.cycle.reference_rate_source)

    # Old data, by the freshness rules of quotes (REMIT_RATE_MAX_AGE_DAYS, REMIT_SURVEY_MAX_AGE_DAYS),
    # judged on the cycle's day: the day its figures are measured on.
    @property
    def rate_stale(self) -> bool:
        """The mid-market rate the cycle's cost is measured against was past its freshness limit."""
        return caveats.rate_is_stale(self.cycle.reference_rate_as_of, self.cycle.cycle_date, freshness())

    @property
    def rate_age(self) -> caveats.Age:
        return caveats.age(self.cycle.reference_rate_as_of, self.cycle.cycle_date)

    def member_warnings(self, ref: str) -> tuple[str, ...]:
        """The warnings of the prices a member's savings compare with (today's service, the cheapest
        way alone), as the plan had them on the cycle's day: `stale` when their data was old."""
        member = next((m for m in self.members if m.ref == ref), None)
        if member is None:
            return ()
        return tuple((self.planned.get("member_warnings") or {}).get(str(member.position), ()))

    @property
    def old_prices(self) -> list[str]:
        """The members whose savings compare with prices from data past its freshness limit that day."""
        return [m.ref for m in self.members if caveats.STALE in self.member_warnings(m.ref)]

    @property
    def warnings(self) -> tuple[str, ...]:
        """The cycle's own: `stale` when its mid-market rate was old on its day."""
        return (caveats.STALE,) if self.rate_stale else ()

    @property
    def heading(self) -> rules.CycleHeading:
        corrections = self.corrections
        refs = {m.id: m.ref for m in self.members}
        return rules.CycleHeading(self.cycle.number, self.cycle.cycle_date, self.cycle.completed,
                                  frozenset(refs[r.member_id] for r in corrections if hasattr(r, "member_id")),
                                  any(isinstance(r, LedgerWire) for r in corrections))


# --- Loading -------------------------------------------------------------------------------------

def _encode(value):
    if isinstance(value, Message):
        return {"message": [value.code, value.template, {k: _encode(v) for k, v in value.params.items()}]}
    return str(value)


def _decode(value):
    if isinstance(value, dict) and "message" in value:
        code, template, params = value["message"]
        return Message(code, template, {k: _decode(v) for k, v in params.items()})
    return value


def source_json(source) -> str:
    """A rate's source as stored with the cycle: its message (so that pages can say it in their
    language), as JSON."""
    return json.dumps(_encode(source), ensure_ascii=False)


def source_of(stored: str) -> Message | str:
    try:
        return _decode(json.loads(stored))
    except ValueError:
        return stored


def _cycle_row(cycle_id: int, *, lock: bool = False, among: Collection[int] | None = None) -> LedgerCycle:
    query = select(LedgerCycle).where(LedgerCycle.id == cycle_id)
    if lock:  # two people changing one cycle at once: the second waits for the first (PostgreSQL)
        query = query.with_for_update()
    cycle = db.session.execute(query).scalar_one_or_none()
    if cycle is None or (among is not None and cycle.group_id not in among):
        raise NotFound(msg("ledger_no_cycle", "There is no cycle %(id)s.", id=cycle_id))
    return cycle


def terms_of(cycle: LedgerCycle) -> rules.CycleTerms:
    return rules.CycleTerms(
        currency=cycle.currency, receive_currency=cycle.receive_currency,
        minor_unit=codes.minor_unit(cycle.currency), receive_minor_unit=codes.minor_unit(cycle.receive_currency),
        allocation=cycle.allocation, reference_rate=cycle.reference_rate, distribution_fee=cycle.distribution_fee,
        coordinator_fee=cycle.coordinator_fee)


def rows_of(model, cycle_id: int) -> list:
    return list(db.session.execute(select(model).where(model.cycle_id == cycle_id).order_by(model.id)).scalars())


def _in_force(rows) -> set[int]:
    return set(rules.current([rules.Entry(r.id, r.supersedes_id, r.void) for r in rows]))


def load(cycle_id: int, *, lock: bool = False, among: Collection[int] | None = None) -> CycleRecord:
    """A cycle as recorded and reconciled. `among`: the groups the reader may see (None: every one);
    a cycle of another group is not found, as if it did not exist."""
    cycle = _cycle_row(cycle_id, lock=lock, among=among)
    group = db.session.get(BundleGroup, cycle.group_id)
    members = list(db.session.execute(select(LedgerMember).where(LedgerMember.cycle_id == cycle.id)
                                      .order_by(LedgerMember.position)).scalars())
    contributions, wires, payouts = (rows_of(m, cycle.id) for m in (LedgerContribution, LedgerWire, LedgerPayout))
    in_force = {"contribution": _in_force(contributions), "wire": _in_force(wires), "payout": _in_force(payouts)}
    terms = terms_of(cycle)
    planned = json.loads(cycle.planned or "{}")
    refs = {m.id: m.ref for m in members}
    recon = rules.reconcile(
        [domain_member(m) for m in members], terms,
        [rules.Contribution(refs[c.member_id], c.amount, c.method, c.receipt, c.received_on)
         for c in contributions if c.id in in_force["contribution"]],
        [domain_wire(w) for w in wires if w.id in in_force["wire"]],
        [rules.Payout(refs[p.member_id], p.amount, p.status, p.paid_on) for p in payouts if p.id in in_force["payout"]],
        [rules.PlannedTransfer(Decimal(t["amount"]), Decimal(t["fee"]), Decimal(t["deducted"]),
                               Decimal(t["credited"]) if t.get("credited") is not None else None)
         for t in planned.get("transfers", [])])
    return CycleRecord(cycle, group, members, contributions, wires, payouts, terms, recon, planned, in_force)


def domain_member(m: LedgerMember) -> rules.CycleMember:
    return rules.CycleMember(m.ref, m.amount, m.planned_fees_on_top, m.planned_share, m.planned_receive,
                             m.today_cost, m.cheapest_cost)


def domain_wire(w: LedgerWire) -> rules.Wire:
    return rules.Wire(w.debited, w.fee, w.currency_sent, w.applied_rate, w.intermediary, w.receiving_fee, w.credited,
                      w.bank_reference, w.executed_on)


def group_row(group_id: int, among: Collection[int] | None = None) -> BundleGroup:
    """A saved group; `among`: the groups the reader may see (None: every one), others not found."""
    group = db.session.get(BundleGroup, group_id)
    if group is None or (among is not None and group_id not in among):
        raise NotFound(msg("ledger_no_group", "There is no saved group %(id)s.", id=group_id))
    return group


def cycles_of(group_id: int) -> list[LedgerCycle]:
    return list(db.session.execute(select(LedgerCycle).where(LedgerCycle.group_id == group_id)
                                   .order_by(LedgerCycle.cycle_date.desc(), LedgerCycle.number.desc())).scalars())


def groups_with_cycles(among: Collection[int] | None = None) -> list[tuple[BundleGroup, int, dt.date | None]]:
    """Every saved group (those of `among` when given), with how many cycles it has and the date of its latest."""
    counts = dict(db.session.execute(select(LedgerCycle.group_id, func.count()).group_by(LedgerCycle.group_id)).all())
    latest = dict(db.session.execute(select(LedgerCycle.group_id, func.max(LedgerCycle.cycle_date))
                                     .group_by(LedgerCycle.group_id)).all())
    query = select(BundleGroup).order_by(BundleGroup.name, BundleGroup.id)
    if among is not None:
        query = query.where(BundleGroup.id.in_(set(among)))
    groups = db.session.execute(query).scalars()
    return [(g, counts.get(g.id, 0), latest.get(g.id)) for g in groups]


def audit_target(cycle: LedgerCycle) -> str:
    return f"cycle {cycle.id} (group {cycle.group_id}, no. {cycle.number})"
