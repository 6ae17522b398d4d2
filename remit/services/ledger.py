"""The season ledger's use cases: a cycle made from a group's plan, what really happened recorded as
entries, reconciliation, statements, retention and the auditor's export.

Every change is checked by the domain first (remit/domain/ledger.py) and refused whole; every change
is written to the audit log with who made it and the figures before and after, and never with
personal data (members are named there by their position in the cycle, not by their reference).
Callers commit once, at the edge.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select

from .. import codes
from ..domain import caveats
from ..domain import ledger as rules
from ..domain.errors import NotFound
from ..domain.messages import Message, msg
from ..domain.money import round_money
from ..extensions import db
from ..inputs import (MAX_CONFIRMED_BY_LENGTH, MAX_LEDGER_AMOUNT, MAX_LEDGER_WIRES, MAX_RATE, MAX_REASON_LENGTH,
                      MAX_RECEIPT_LENGTH, decimals)
from ..models import (AuditEvent, BundleGroup, LedgerContribution, LedgerCycle, LedgerMember, LedgerPayout,
                      LedgerWire)
from . import spreadsheets
from .audit import record as audit
from .bundles import BundleResult

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
        from .comparison import freshness

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


def _rows(model, cycle_id: int) -> list:
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
    contributions, wires, payouts = (_rows(m, cycle.id) for m in (LedgerContribution, LedgerWire, LedgerPayout))
    in_force = {"contribution": _in_force(contributions), "wire": _in_force(wires), "payout": _in_force(payouts)}
    terms = terms_of(cycle)
    planned = json.loads(cycle.planned or "{}")
    refs = {m.id: m.ref for m in members}
    recon = rules.reconcile(
        [_domain_member(m) for m in members], terms,
        [rules.Contribution(refs[c.member_id], c.amount, c.method, c.receipt, c.received_on)
         for c in contributions if c.id in in_force["contribution"]],
        [_domain_wire(w) for w in wires if w.id in in_force["wire"]],
        [rules.Payout(refs[p.member_id], p.amount, p.status, p.paid_on) for p in payouts if p.id in in_force["payout"]],
        [rules.PlannedTransfer(Decimal(t["amount"]), Decimal(t["fee"]), Decimal(t["deducted"]),
                               Decimal(t["credited"]) if t.get("credited") is not None else None)
         for t in planned.get("transfers", [])])
    return CycleRecord(cycle, group, members, contributions, wires, payouts, terms, recon, planned, in_force)


def _domain_member(m: LedgerMember) -> rules.CycleMember:
    return rules.CycleMember(m.ref, m.amount, m.planned_fees_on_top, m.planned_share, m.planned_receive,
                             m.today_cost, m.cheapest_cost)


def _domain_wire(w: LedgerWire) -> rules.Wire:
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


# --- Creating a cycle from a plan ----------------------------------------------------------------

def create_cycle(group: BundleGroup, result: BundleResult, on: dt.date, *, actor: str,
                 keep_personal: bool = False, language: str | None = None) -> LedgerCycle:
    """A new open cycle of `group` from `result`, the group's plan priced on `on`: its joining
    members, what each was expected to hand over, pay and receive, and what sending alone would have
    cost each of them that day."""
    request, plan = result.request, result.plan
    if (request.send, request.receive, request.currency) != (group.send_country, group.receive_country, group.currency):
        raise rules.LedgerError(msg("ledger_other_corridor", "the plan is for %(plan)s; the group sends %(group)s",
                                    plan=f"{request.send}-{request.receive} {request.currency}",
                                    group=f"{group.send_country}-{group.receive_country} {group.currency}"),
                                field="send")
    joining = [m for m in plan.members if m.joins]
    bulk = result.bulk
    if not joining or not plan.transfers or bulk is None:
        raise rules.LedgerError(msg("ledger_nobody_joins", "nobody in this plan gains by bundling: there is no pooled "
                                    "transfer to record"), field="members")
    if plan.applied_rate is None or plan.reference_rate is None or bulk.reference_rate_as_of is None:
        raise rules.LedgerError(msg("ledger_no_rate", "the pooled transfer's product has no exchange rate on "
                                    "%(date)s: a cycle needs the mid-market rate of its day", date=on),
                                field="bulk_product")
    rmu = codes.minor_unit(result.receive_currency)
    db.session.execute(select(BundleGroup.id).where(BundleGroup.id == group.id).with_for_update())
    number = (db.session.scalar(select(func.max(LedgerCycle.number)).where(LedgerCycle.group_id == group.id)) or 0) + 1
    planned = {
        "transfers": [{"amount": str(t.amount), "fee": str(t.fee), "deducted": str(t.deducted),
                       "credited": str(t.credited) if t.credited is not None else None,
                       "rate": str(t.applied_rate) if t.applied_rate is not None else None} for t in plan.transfers],
        "cost": str(plan.bundle_cost), "credited": str(plan.credited) if plan.credited is not None else None,
        "paid_out": str(plan.paid_out) if plan.paid_out is not None else None,
        # The fees as the plan counts them: in the send currency (a fee may be given in another).
        "incoming_fee": str(result.fees["incoming_fee"].amount),
        "intermediary_fee": str(result.fees["intermediary_fee"].amount),
        "distribution_fee": str(result.fees["distribution_fee"].amount), "applied_rate": str(plan.applied_rate),
        # What should stop a person from taking each member's compared prices (today's service, the
        # cheapest way alone) at face value on the cycle's day, by position (a reference is personal).
        "member_warnings": {str(position): list(m.warnings) for position, m in enumerate(joining, start=1)
                            if m.warnings},
    }
    cycle = LedgerCycle(
        group_id=group.id, number=number, cycle_date=on, send_country=group.send_country,
        receive_country=group.receive_country, currency=group.currency, receive_currency=result.receive_currency,
        bulk_product=bulk.product_id, bulk_label=f"{bulk.provider_name} · {bulk.product_name}",
        allocation=request.allocation,
        coordinator_fee=round_money(result.fees["coordinator_fee"].amount, codes.minor_unit(group.currency)),
        distribution_fee=round_money(result.fees["distribution_fee"].amount * plan.applied_rate, rmu),
        reference_rate=plan.reference_rate, reference_rate_as_of=bulk.reference_rate_as_of,
        reference_rate_source=source_json(bulk.reference_rate_source or ""), planned=json.dumps(planned),
        language=language, created_by=actor)
    db.session.add(cycle)
    db.session.flush()
    entered = {m.ref: m for m in request.members}
    for position, m in enumerate(joining, start=1):
        extra = entered[m.ref].extra if keep_personal else ()
        db.session.add(LedgerMember(
            cycle_id=cycle.id, position=position, ref=m.ref, amount=m.amount, planned_fees_on_top=m.fees_on_top,
            planned_share=m.share, planned_receive=m.receive_amount,
            today_option=str(m.current_option)[:300] if m.current_option else None, today_cost=m.current_cost,
            cheapest_option=str(m.individual_option)[:300] if m.individual_option else None,
            cheapest_cost=m.individual_cost, language=entered[m.ref].language,
            personal=json.dumps(dict(extra), ensure_ascii=False) if extra else None))
    db.session.flush()
    audit("ledger cycle created", _target(cycle), {
        "group": group.id, "number": number, "date": on.isoformat(), "members": len(joining),
        "sent": str(sum((m.amount for m in joining), Decimal(0))), "planned_cost": str(plan.bundle_cost),
        "personal_columns": bool(keep_personal)}, actor=actor)
    return cycle


def _target(cycle: LedgerCycle) -> str:
    return f"cycle {cycle.id} (group {cycle.group_id}, no. {cycle.number})"


# --- Checks of what is typed ---------------------------------------------------------------------

def _amount(value: Decimal, currency: str, name: str) -> None:
    if value > MAX_LEDGER_AMOUNT:
        raise rules.LedgerError(msg("above_maximum", "must be at most %(maximum)s, not %(typed)s",
                                    maximum=MAX_LEDGER_AMOUNT, typed=value), field=name)
    places = codes.minor_unit(currency)
    if decimals(value) > places:
        raise rules.LedgerError(msg("currency_decimals", "has more decimals than %(currency)s allows (%(places)s)",
                                    currency=currency, places=places), field=name)


def _text(value: str | None, limit: int, name: str) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise rules.LedgerError(msg("text_too_long", "is %(length)s characters long; at most %(limit)s are allowed",
                                    length=len(text), limit=limit), field=name)
    return text


def _check_date(value: dt.date | None, name: str, today: dt.date | None = None) -> None:
    today = today or dt.date.today()
    if value is not None and value > today + dt.timedelta(days=1):
        raise rules.LedgerError(msg("ledger_date_future", "%(date)s has not come yet", date=value), field=name)


def _member_by_ref(record: CycleRecord, ref: str) -> LedgerMember:
    member = next((m for m in record.members if m.ref == ref), None)
    if member is None:
        raise rules.LedgerError(msg("ledger_not_a_member", "'%(ref)s' is not a member of this cycle", ref=ref),
                                field="ref")
    return member


def _contribution_values(record: CycleRecord, entry: ContributionInput) -> dict:
    rules.check_contribution(rules.Contribution(entry.ref, entry.amount, entry.method), [m.ref for m in record.members])
    _amount(entry.amount, record.cycle.currency, "amount")
    _check_date(entry.received_on, "received_on")
    return {"member_id": _member_by_ref(record, entry.ref).id, "amount": entry.amount, "method": entry.method,
            "receipt": _text(entry.receipt, MAX_RECEIPT_LENGTH, "receipt"), "received_on": entry.received_on}


def _wire_values(record: CycleRecord, entry: WireInput) -> dict:
    try:
        codes.currency(entry.currency_sent)
    except codes.CodeError as exc:
        raise rules.LedgerError(exc.args[0], field="currency_sent") from None
    wire = rules.Wire(entry.debited, entry.fee, entry.currency_sent, entry.applied_rate, entry.intermediary,
                      entry.receiving_fee, entry.credited)
    if entry.applied_rate > MAX_RATE:
        raise rules.LedgerError(msg("above_maximum", "must be at most %(maximum)s, not %(typed)s", maximum=MAX_RATE,
                                    typed=entry.applied_rate), field="applied_rate")
    rules.check_wire(wire, record.terms)
    for name, value, currency in (("debited", entry.debited, record.cycle.currency),
                                  ("fee", entry.fee, record.cycle.currency),
                                  ("intermediary", entry.intermediary, entry.currency_sent),
                                  ("receiving_fee", entry.receiving_fee, entry.currency_sent),
                                  ("credited", entry.credited, record.cycle.receive_currency)):
        _amount(value, currency, name)
    if decimals(entry.applied_rate) > 10:
        raise rules.LedgerError(msg("too_many_decimals", "has more than %(places)s decimals", places=10),
                                field="applied_rate")
    _check_date(entry.executed_on, "executed_on")
    return {"debited": entry.debited, "fee": entry.fee, "currency_sent": entry.currency_sent,
            "applied_rate": entry.applied_rate, "intermediary": entry.intermediary,
            "receiving_fee": entry.receiving_fee, "credited": entry.credited,
            "bank_reference": _text(entry.bank_reference, MAX_RECEIPT_LENGTH, "bank_reference"),
            "executed_on": entry.executed_on}


def _payout_values(record: CycleRecord, entry: PayoutInput) -> dict:
    rules.check_payout(rules.Payout(entry.ref, entry.amount, entry.status), [m.ref for m in record.members])
    rules.check_confirmation(entry.confirmed_how)
    _amount(entry.amount, record.cycle.receive_currency, "amount")
    _check_date(entry.paid_on, "paid_on")
    return {"member_id": _member_by_ref(record, entry.ref).id, "amount": entry.amount, "status": entry.status,
            "paid_on": entry.paid_on, "confirmed_how": entry.confirmed_how or None,
            "confirmed_by": _text(entry.confirmed_by, MAX_CONFIRMED_BY_LENGTH, "confirmed_by") or None}


VALUES = {"contribution": _contribution_values, "wire": _wire_values, "payout": _payout_values}
# What the audit log may say of each kind of entry: figures, dates, methods, the bank's reference; never
# the member's reference (the member's position stands for it), nor texts a person typed that may hold a
# name (a receipt's reference, who confirmed a payout): of those it says only that they were recorded.
AUDITED = {"contribution": ("amount", "method", "received_on"),
           "wire": ("debited", "fee", "currency_sent", "applied_rate", "intermediary", "receiving_fee", "credited",
                    "bank_reference", "executed_on"),
           "payout": ("amount", "status", "paid_on", "confirmed_how")}
PERSONAL = {"contribution": ("receipt",), "wire": (), "payout": ("confirmed_by",)}


def _shown(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):  # as few digits as say the value: 18.7500 is 18.75
        return format(value.normalize(), "f")
    return str(value)


def _audit_values(kind: str, values: dict, record: CycleRecord) -> dict:
    shown = {name: _shown(values.get(name)) for name in AUDITED[kind] if name in values}
    if "member_id" in values:
        shown["member"] = f"#{record.member(values['member_id']).position}"
    for name in PERSONAL[kind]:
        if values.get(name):
            shown[name] = "(recorded)"
    return shown


def _changes(kind: str, row, values: dict) -> dict:
    """What an edit changes, field by field, as [before, after] (personal fields said, not shown)."""
    changed = {}
    for name, new in values.items():
        old = getattr(row, name)
        if old == new or _shown(old) == _shown(new):
            continue
        if name in PERSONAL[kind]:
            changed[name] = "changed"
        elif name in AUDITED[kind]:
            changed[name] = [_shown(old), _shown(new)]
    return changed


# --- Recording while a cycle is open -------------------------------------------------------------

def _open(cycle_id: int) -> CycleRecord:
    record = load(cycle_id, lock=True)
    rules.check_open(record.cycle.completed_on, record.cycle.number)
    return record


def _upsert(record: CycleRecord, kind: str, entries: Sequence, clear: Iterable[str], actor: str) -> int:
    """One entry per member while the cycle is open: new ones added, changed ones changed in place (the
    audit keeps before and after), those in `clear` removed. Returns how many changed."""
    model = MODELS[kind]
    current = {row.member_id: row for row in record.current(kind)}
    changed = 0
    checked = [VALUES[kind](record, entry) for entry in entries]  # every entry checked before any is written
    for values in checked:
        row = current.get(values["member_id"])
        if row is None:
            db.session.add(model(cycle_id=record.cycle.id, entered_by=actor, **values))
            audit(f"ledger {kind} recorded", _target(record.cycle), _audit_values(kind, values, record), actor=actor)
            changed += 1
            continue
        difference = _changes(kind, row, values)
        if difference:
            for name, value in values.items():
                setattr(row, name, value)
            row.entered_by = actor
            audit(f"ledger {kind} changed", _target(record.cycle),
                  {"member": f"#{record.member(row.member_id).position}", **difference}, actor=actor)
            changed += 1
    for ref in clear:
        member = _member_by_ref(record, ref)
        row = current.get(member.id)
        if row is not None:
            audit(f"ledger {kind} removed", _target(record.cycle), {
                "member": f"#{member.position}", **{k: v for k, v in _audit_values(
                    kind, {n: getattr(row, n) for n in AUDITED[kind]}, record).items()}}, actor=actor)
            db.session.delete(row)
            changed += 1
    return changed


def _each_member_once(refs: list[str]) -> None:
    twice = sorted(ref for ref, count in Counter(refs).items() if count > 1)
    if twice:
        raise rules.LedgerError(msg("ledger_entry_twice", "each member once: %(refs)s appear twice", refs=twice),
                                field="ref")


def record_contributions(cycle_id: int, entries: Sequence[ContributionInput], *, actor: str,
                         clear: Iterable[str] = ()) -> CycleRecord:
    record = _open(cycle_id)
    _each_member_once([e.ref for e in entries] + list(clear))
    _upsert(record, "contribution", entries, clear, actor)
    db.session.flush()
    record = load(cycle_id)
    # The wires already recorded must still be covered by what the members handed over.
    rules.check_wires_funded([_domain_wire(w) for w in record.current("wire")],
                             [rules.Contribution("", c.amount) for c in record.current("contribution")], record.terms)
    return record


def record_payouts(cycle_id: int, entries: Sequence[PayoutInput], *, actor: str,
                   clear: Iterable[str] = ()) -> CycleRecord:
    record = _open(cycle_id)
    _each_member_once([e.ref for e in entries] + list(clear))
    _upsert(record, "payout", entries, clear, actor)
    db.session.flush()
    return load(cycle_id)


def add_wire(cycle_id: int, entry: WireInput, *, actor: str) -> CycleRecord:
    return add_wires(cycle_id, [entry], actor=actor)


def add_wires(cycle_id: int, entries: Sequence[WireInput], *, actor: str) -> CycleRecord:
    """Wires added to an open cycle, checked together against one reading of it: the members' money
    must fund all of them (fees included). One reading and one reconciliation however many wires
    (one at a time, each re-read the cycle and its wires: 1,000 in one request took 32 s)."""
    record = _open(cycle_id)
    values = [_wire_values(record, entry) for entry in entries]
    wires = record.current("wire")
    if len(wires) + len(values) > MAX_LEDGER_WIRES:
        raise rules.LedgerError(msg("ledger_too_many_wires", "a cycle holds at most %(limit)s wires",
                                    limit=MAX_LEDGER_WIRES), field="debited")
    rules.check_wires_funded([*map(_domain_wire, wires), *(rules.Wire(**{k: v[k] for k in (
        "debited", "fee", "currency_sent", "applied_rate", "intermediary", "receiving_fee", "credited")})
        for v in values)], [rules.Contribution("", c.amount) for c in record.current("contribution")], record.terms)
    for value in values:
        db.session.add(LedgerWire(cycle_id=record.cycle.id, entered_by=actor, **value))
        audit("ledger wire recorded", _target(record.cycle), _audit_values("wire", value, record), actor=actor)
    db.session.flush()
    return load(cycle_id)


def remove_wire(cycle_id: int, wire_id: int, *, actor: str) -> CycleRecord:
    record = _open(cycle_id)
    row = next((w for w in record.current("wire") if w.id == wire_id), None)
    if row is None:
        raise NotFound(msg("ledger_no_entry", "There is no such entry in cycle %(number)s.",
                           number=record.cycle.number))
    audit("ledger wire removed", _target(record.cycle),
          _audit_values("wire", {n: getattr(row, n) for n in AUDITED["wire"]}, record), actor=actor)
    db.session.delete(row)
    db.session.flush()
    return load(cycle_id)


def set_distribution_fee(cycle_id: int, fee: Decimal, *, actor: str) -> CycleRecord:
    """What the receiving bank or cooperative really charges each family for paying them out (in the
    receive currency); the plan's figure until it is set."""
    record = _open(cycle_id)
    if fee < 0:
        raise rules.LedgerError(msg("ledger_negative", "%(what)s must not be negative, not %(value)s",
                                    what=msg("what_distribution_fee", "the distribution fee"), value=fee),
                                field="distribution_fee")
    _amount(fee, record.cycle.receive_currency, "distribution_fee")
    if fee != record.cycle.distribution_fee:
        audit("ledger terms changed", _target(record.cycle),
              {"distribution_fee": [_shown(record.cycle.distribution_fee), _shown(fee)]}, actor=actor)
        record.cycle.distribution_fee = fee
        db.session.flush()
    return load(cycle_id)


def complete(cycle_id: int, *, actor: str, on: dt.date | None = None) -> CycleRecord:
    """Lock the cycle: from now on its entries are kept as they are, and corrections are new entries."""
    record = load(cycle_id, lock=True)
    refs = {m.id: m.ref for m in record.members}
    rules.check_completion(record.cycle.completed_on, record.cycle.number, [_domain_member(m) for m in record.members],
                           [rules.Contribution(refs[c.member_id], c.amount) for c in record.current("contribution")],
                           [_domain_wire(w) for w in record.current("wire")],
                           [rules.Payout(refs[p.member_id], p.amount, p.status) for p in record.current("payout")])
    cycle = record.cycle
    cycle.completed_on = on or dt.date.today()
    cycle.completed_by = actor
    cycle.completed_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    recon = record.reconciliation
    audit("ledger cycle completed", _target(cycle), {
        "cost": _shown(recon.cost), "contributed": _shown(recon.contributed), "credited": _shown(recon.credited),
        "paid_out": _shown(recon.paid_out), "flags": [f.code for f in recon.flags]}, actor=actor)
    db.session.flush()
    return load(cycle_id)


# --- A cycle in a few actions: the plan's wire, and the payouts from the bank's confirmation ----------

def planned_wire(record: CycleRecord) -> WireInput | None:
    """The next wire as the plan has it, for the page to offer it filled in: the transfer's amount with
    the bank's fee (debited), the fee, the deductions on the way and what is to be credited, the wire
    travelling in the send currency on the cycle's day. None once every planned transfer has its wire."""
    transfers = record.planned.get("transfers") or []
    index = len(record.current("wire"))
    if index >= len(transfers):
        return None
    planned = transfers[index]
    amount, fee, deducted = (Decimal(planned[k]) for k in ("amount", "fee", "deducted"))
    intermediary = min(Decimal(record.planned.get("intermediary_fee") or 0), deducted)
    credited = Decimal(planned["credited"]) if planned.get("credited") is not None else None
    return WireInput(debited=amount + fee, fee=fee, currency_sent=record.cycle.currency, applied_rate=Decimal(1),
                     intermediary=intermediary, receiving_fee=deducted - intermediary, credited=credited,
                     executed_on=record.cycle.cycle_date)


@dataclass
class Confirmation:
    """The receiving bank's confirmation file read against a cycle (remit.importers.confirmations): its
    rows, those the staffer left out (by row number), the problems of the file as a whole, and the
    cycle once the payouts are recorded (None: nothing was written)."""

    rows: list
    left_out: set[int]
    problems: list = field(default_factory=list)
    recorded: CycleRecord | None = None

    @property
    def refused(self) -> list:
        return [r for r in self.rows if not r.matches and r.row not in self.left_out]

    @property
    def accepted(self) -> list:
        return [r for r in self.rows if r.matches and r.row not in self.left_out]


def record_confirmation(cycle_id: int, rows: Sequence, *, left_out: Iterable[int] = (), problems: Sequence = (),
                        actor: str) -> Confirmation:
    """The payouts a confirmation file lists, each matched to a member by reference: recorded (as
    confirmed by a bank statement) only when every row matches or is left out; otherwise nothing is
    written and the refused rows say why."""
    found = Confirmation(list(rows), set(left_out), list(problems))
    record = _open(cycle_id)
    refs = {m.ref for m in record.members}
    for row in found.accepted:  # the file was read against this cycle; a member gone since is refused
        if row.ref not in refs:
            row.problems.append(msg("confirmation_not_a_member", "“%(ref)s” is not a member of this cycle",
                                    ref=row.ref))
    if found.problems or found.refused:
        return found
    if not found.accepted:
        found.problems.append(msg("confirmation_all_left_out", "every row is left out: there is nothing to record"))
        return found
    found.recorded = record_payouts(cycle_id, [PayoutInput(r.ref, r.amount, r.status, r.paid_on, "bank_statement")
                                               for r in found.accepted], actor=actor)
    return found


@dataclass(frozen=True)
class CycleEntries:
    """What happened in a cycle, given at once (the API's `record a cycle`): what the members handed
    over, the fee per family (None: the plan's), the wires, the payouts, and whether to complete it."""

    contributions: Sequence[ContributionInput] = ()
    distribution_fee: Decimal | None = None
    wires: Sequence[WireInput] = ()
    payouts: Sequence[PayoutInput] = ()
    complete: bool = False
    completed_on: dt.date | None = None


def record_cycle(group: BundleGroup, result: BundleResult, on: dt.date, entries: CycleEntries, *, actor: str,
                 language: str | None = None) -> CycleRecord:
    """A cycle made from `result` and what happened in it, in the order the pages record it: one
    refusal anywhere refuses the whole (the caller rolls back; nothing is written)."""
    _check_date(on, "date")
    cycle = create_cycle(group, result, on, actor=actor, language=language)
    if entries.distribution_fee is not None:
        set_distribution_fee(cycle.id, entries.distribution_fee, actor=actor)
    if entries.contributions:
        record_contributions(cycle.id, entries.contributions, actor=actor)
    if entries.wires:
        add_wires(cycle.id, entries.wires, actor=actor)
    if entries.payouts:
        record_payouts(cycle.id, entries.payouts, actor=actor)
    if entries.complete:
        if entries.completed_on is not None:
            _check_date(entries.completed_on, "completed_on")
            if entries.completed_on < on:
                raise rules.LedgerError(msg("ledger_completed_before", "a cycle cannot be completed on %(date)s, "
                                            "before its own day (%(day)s)", date=entries.completed_on, day=on),
                                        field="completed_on")
        complete(cycle.id, actor=actor, on=entries.completed_on)
    return load(cycle.id)


# --- Corrections after completion ----------------------------------------------------------------

def correct(cycle_id: int, correction: Correction, *, actor: str) -> CycleRecord:
    """A new entry in a completed cycle: it supersedes (or voids) an entry in force, or adds one, with
    its reason. The entry it corrects is kept as it was."""
    record = load(cycle_id, lock=True)
    if not record.cycle.completed:
        raise rules.LedgerError(msg("ledger_correct_open", "cycle %(number)s is still open: change the entry "
                                    "itself", number=record.cycle.number), field="kind")
    if correction.kind not in ENTRY_KINDS:
        raise rules.LedgerError(msg("not_a_choice", "'%(typed)s' is not one of: %(choices)s", typed=correction.kind,
                                    choices=list(ENTRY_KINDS)), field="kind")
    reason = _text(correction.reason, MAX_REASON_LENGTH, "reason")
    if not reason:
        raise rules.LedgerError(msg("ledger_reason_missing", "say why the entry is corrected"), field="reason")
    kind, model = correction.kind, MODELS[correction.kind]
    old = None
    if correction.supersedes is not None:
        old = next((r for r in record.current(kind) if r.id == correction.supersedes), None)
        if old is None:
            raise rules.LedgerError(msg("ledger_not_in_force", "entry %(id)s is not an entry in force of cycle "
                                        "%(number)s", id=correction.supersedes, number=record.cycle.number),
                                    field="supersedes")
    if correction.void:
        if old is None:
            raise rules.LedgerError(msg("ledger_void_nothing", "say which entry to remove"), field="supersedes")
        values = {n: getattr(old, n) for n in _columns(model)}
    else:
        if correction.values is None:
            raise rules.LedgerError(msg("ledger_correction_empty", "give the entry's corrected figures"),
                                    field="values")
        values = VALUES[kind](record, correction.values)
        if old is not None and kind != "wire" and values["member_id"] != old.member_id:
            raise rules.LedgerError(msg("ledger_correction_member", "a correction keeps the entry's member; "
                                        "remove the entry and add one for the other member"), field="ref")
    row = model(cycle_id=record.cycle.id, entered_by=actor, correction=True, reason=reason,
                supersedes_id=old.id if old is not None else None, void=correction.void, **values)
    db.session.add(row)
    db.session.flush()
    after = load(cycle_id)
    rules.check_wires_funded([_domain_wire(w) for w in after.current("wire")],
                             [rules.Contribution("", c.amount) for c in after.current("contribution")], after.terms)
    detail = {"kind": kind, "entry": row.id, "supersedes": old.id if old is not None else None,
              "void": correction.void}
    if old is not None and not correction.void:
        detail["changes"] = _changes(kind, old, values)
    elif old is None:
        detail["values"] = _audit_values(kind, values, record)
    audit("ledger correction", _target(record.cycle), detail, actor=actor)
    return after


def _columns(model) -> list[str]:
    skip = {"id", "cycle_id", "supersedes_id", "void", "correction", "reason", "entered_by", "entered_at"}
    return [c.key for c in model.__table__.columns if c.key not in skip]


# --- Seasons and statements ----------------------------------------------------------------------

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


# --- Retention -----------------------------------------------------------------------------------

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
            for row in _rows(model, cycle.id):
                if row.reason:
                    row.reason = None
                if model is LedgerPayout:
                    row.confirmed_by = None
                if model is LedgerContribution:
                    row.receipt = ""
        cycle.erased_at = stamp
        audit("ledger personal data erased", _target(cycle), {"date": cycle.cycle_date.isoformat(),
                                                               "members": len(members), "retention_years": years},
              actor=actor)
    db.session.flush()
    return cycles


# --- The auditor's export ------------------------------------------------------------------------

def _cell(row, column: str) -> str | None:
    if column == "reference_rate_source":  # stored as its message: the auditor reads the English
        return str(source_of(row.reference_rate_source))
    return _shown(getattr(row, column))


def _table(rows, columns) -> str:
    return spreadsheets.csv_text(columns, ([_cell(r, c) for c in columns] for r in rows))


def audit_export(*, actor: str) -> bytes:
    """Everything the ledger holds, for an auditor: one CSV per table (every entry, corrections and
    the entries they supersede included), each cycle's reconciliation member by member, and the
    ledger's audit log, in one ZIP file. Written with the formula-safe writer."""
    out = io.BytesIO()
    cycles = list(db.session.execute(select(LedgerCycle).order_by(LedgerCycle.id)).scalars())
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, model in (("cycles", LedgerCycle), ("members", LedgerMember), ("contributions", LedgerContribution),
                            ("wires", LedgerWire), ("payouts", LedgerPayout)):
            columns = [c.key for c in model.__table__.columns]
            rows = db.session.execute(select(model).order_by(model.id)).scalars()
            archive.writestr(f"{name}.csv", _table(rows, columns))
        header = ["cycle", "reference", "amount", "contributed", "fees_on_top", "balance", "share_of_costs",
                  "expected_payout", "paid", "pending", "returned"]
        lines = []
        for cycle in cycles:
            record = load(cycle.id)
            for m in record.reconciliation.members:
                lines.append([str(cycle.id), m.ref, *(_shown(v) for v in (
                    m.amount, m.contributed, m.fees_on_top, m.balance, m.share, m.expected_payout, m.paid, m.pending,
                    m.returned))])
        archive.writestr("reconciliation.csv", spreadsheets.csv_text(header, lines))
        events = db.session.execute(select(AuditEvent).where(AuditEvent.action.like("ledger %"))
                                    .order_by(AuditEvent.id)).scalars()
        archive.writestr("audit.csv", _table(events, ["id", "at", "actor", "action", "target", "detail"]))
    audit("ledger exported", "all cycles", {"cycles": len(cycles)}, actor=actor)
    return out.getvalue()


__all__ = ["ContributionInput", "Confirmation", "Correction", "CycleRecord", "ENTRY_KINDS", "PayoutInput", "SeasonRecord",
           "WireInput", "CycleEntries", "add_wire", "audit_export", "complete", "correct", "create_cycle", "cycles_of",
           "erase_expired", "planned_wire", "record_confirmation",
           "group_row", "groups_with_cycles", "load", "record_contributions", "record_payouts", "remove_wire",
           "record_cycle", "retention_cutoff", "season_of", "season_rows", "seasons_of", "set_distribution_fee", "terms_of"]
