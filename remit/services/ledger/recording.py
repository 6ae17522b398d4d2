"""Recording while a cycle is open: contributions, wires, payouts, the fee per family, completion;
the plan's next wire, and the payouts a bank's confirmation file lists."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ...domain import ledger as rules
from ...domain.errors import NotFound
from ...domain.messages import msg
from ...extensions import db
from ...inputs import MAX_LEDGER_WIRES
from ...models import LedgerWire
from ..audit import record as audit
from .records import (ContributionInput, CycleRecord, MODELS, PayoutInput, WireInput, audit_target, domain_member,
                      domain_wire, load)
from .typed import (AUDITED, VALUES, audit_values, changed_fields, check_amount, figure_text, member_by_ref,
                    wire_values)


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
            audit(f"ledger {kind} recorded", audit_target(record.cycle), audit_values(kind, values, record),
                  actor=actor)
            changed += 1
            continue
        difference = changed_fields(kind, row, values)
        if difference:
            for name, value in values.items():
                setattr(row, name, value)
            row.entered_by = actor
            audit(f"ledger {kind} changed", audit_target(record.cycle),
                  {"member": f"#{record.member(row.member_id).position}", **difference}, actor=actor)
            changed += 1
    for ref in clear:
        member = member_by_ref(record, ref)
        row = current.get(member.id)
        if row is not None:
            audit(f"ledger {kind} removed", audit_target(record.cycle), {
                "member": f"#{member.position}", **{k: v for k, v in audit_values(
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
    record = _member_rows(cycle_id, "contribution", entries, clear, actor)
    # The wires already recorded must still be covered by what the members handed over.
    rules.check_wires_funded([domain_wire(w) for w in record.current("wire")],
                             [rules.Contribution("", c.amount) for c in record.current("contribution")], record.terms)
    return record


def record_payouts(cycle_id: int, entries: Sequence[PayoutInput], *, actor: str,
                   clear: Iterable[str] = ()) -> CycleRecord:
    return _member_rows(cycle_id, "payout", entries, clear, actor)


def _member_rows(cycle_id: int, kind: str, entries: Sequence, clear: Iterable[str], actor: str) -> CycleRecord:
    """A row per member of `kind` (contribution or payout) recorded, each member once (`clear`: those
    whose row is removed); the cycle as it now stands."""
    record = _open(cycle_id)
    _each_member_once([e.ref for e in entries] + list(clear))
    _upsert(record, kind, entries, clear, actor)
    db.session.flush()
    return load(cycle_id)


def add_wire(cycle_id: int, entry: WireInput, *, actor: str) -> CycleRecord:
    return add_wires(cycle_id, [entry], actor=actor)


def add_wires(cycle_id: int, entries: Sequence[WireInput], *, actor: str) -> CycleRecord:
    """Wires added to an open cycle, checked together against one reading of it: the members' money
    must fund all of them (fees included). One reading and one reconciliation however many wires,
    rather than one for each wire (a request may record a thousand)."""
    record = _open(cycle_id)
    values = [wire_values(record, entry) for entry in entries]
    wires = record.current("wire")
    if len(wires) + len(values) > MAX_LEDGER_WIRES:
        raise rules.LedgerError(msg("ledger_too_many_wires", "a cycle holds at most %(limit)s wires",
                                    limit=MAX_LEDGER_WIRES), field="debited")
    rules.check_wires_funded([*map(domain_wire, wires), *(rules.Wire(**{k: v[k] for k in (
        "debited", "fee", "currency_sent", "applied_rate", "intermediary", "receiving_fee", "credited")})
        for v in values)], [rules.Contribution("", c.amount) for c in record.current("contribution")], record.terms)
    for value in values:
        db.session.add(LedgerWire(cycle_id=record.cycle.id, entered_by=actor, **value))
        audit("ledger wire recorded", audit_target(record.cycle), audit_values("wire", value, record), actor=actor)
    db.session.flush()
    return load(cycle_id)


def remove_wire(cycle_id: int, wire_id: int, *, actor: str) -> CycleRecord:
    record = _open(cycle_id)
    row = next((w for w in record.current("wire") if w.id == wire_id), None)
    if row is None:
        raise NotFound(msg("ledger_no_entry", "There is no such entry in cycle %(number)s.",
                           number=record.cycle.number))
    audit("ledger wire removed", audit_target(record.cycle),
          audit_values("wire", {n: getattr(row, n) for n in AUDITED["wire"]}, record), actor=actor)
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
    check_amount(fee, record.cycle.receive_currency, "distribution_fee")
    if fee != record.cycle.distribution_fee:
        audit("ledger terms changed", audit_target(record.cycle),
              {"distribution_fee": [figure_text(record.cycle.distribution_fee), figure_text(fee)]}, actor=actor)
        record.cycle.distribution_fee = fee
        db.session.flush()
    return load(cycle_id)


def complete(cycle_id: int, *, actor: str, on: dt.date | None = None) -> CycleRecord:
    """Lock the cycle: from now on its entries are kept as they are, and corrections are new entries."""
    record = load(cycle_id, lock=True)
    refs = {m.id: m.ref for m in record.members}
    rules.check_completion(record.cycle.completed_on, record.cycle.number, [domain_member(m) for m in record.members],
                           [rules.Contribution(refs[c.member_id], c.amount) for c in record.current("contribution")],
                           [domain_wire(w) for w in record.current("wire")],
                           [rules.Payout(refs[p.member_id], p.amount, p.status) for p in record.current("payout")])
    cycle = record.cycle
    cycle.completed_on = on or dt.date.today()
    cycle.completed_by = actor
    cycle.completed_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    recon = record.reconciliation
    audit("ledger cycle completed", audit_target(cycle), {
        "cost": figure_text(recon.cost), "contributed": figure_text(recon.contributed), "credited": figure_text(recon.credited),
        "paid_out": figure_text(recon.paid_out), "flags": [f.code for f in recon.flags]}, actor=actor)
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
