"""Corrections after completion: a new entry that supersedes (or voids) one in force, with its reason."""
from __future__ import annotations

from ...domain import ledger as rules
from ...domain.messages import msg
from ...extensions import db
from ...inputs import MAX_REASON_LENGTH
from ..audit import record as audit
from .records import Correction, CycleRecord, ENTRY_KINDS, MODELS, audit_target, domain_wire, load
from .typed import VALUES, audit_values, changed_fields, checked_text


def correct(cycle_id: int, correction: Correction, *, actor: str) -> CycleRecord:
    """A new entry in a completed cycle: it supersedes (or voids) an entry in force, or adds one, with
    its reason. The entry it corrects is kept as it was."""
    record = load(cycle_id, lock=True)
    reason = _checked(record, correction)
    kind, model = correction.kind, MODELS[correction.kind]
    old = _superseded(record, correction)
    values = _corrected_values(record, correction, old)
    row = model(cycle_id=record.cycle.id, entered_by=actor, correction=True, reason=reason,
                supersedes_id=old.id if old is not None else None, void=correction.void, **values)
    db.session.add(row)
    db.session.flush()
    after = load(cycle_id)
    rules.check_wires_funded([domain_wire(w) for w in after.current("wire")],
                             [rules.Contribution("", c.amount) for c in after.current("contribution")], after.terms)
    detail = {"kind": kind, "entry": row.id, "supersedes": old.id if old is not None else None,
              "void": correction.void}
    if old is not None and not correction.void:
        detail["changes"] = changed_fields(kind, old, values)
    elif old is None:
        detail["values"] = audit_values(kind, values, record)
    audit("ledger correction", audit_target(record.cycle), detail, actor=actor)
    return after


def _checked(record: CycleRecord, correction: Correction) -> str:
    """The correction's reason; a cycle still open, an unknown kind or no reason is refused."""
    if not record.cycle.completed:
        raise rules.LedgerError(msg("ledger_correct_open", "cycle %(number)s is still open: change the entry "
                                    "itself", number=record.cycle.number), field="kind")
    if correction.kind not in ENTRY_KINDS:
        raise rules.LedgerError(msg("not_a_choice", "'%(typed)s' is not one of: %(choices)s", typed=correction.kind,
                                    choices=list(ENTRY_KINDS)), field="kind")
    reason = checked_text(correction.reason, MAX_REASON_LENGTH, "reason")
    if not reason:
        raise rules.LedgerError(msg("ledger_reason_missing", "say why the entry is corrected"), field="reason")
    return reason


def _superseded(record: CycleRecord, correction: Correction):
    """The entry in force the correction supersedes (None: it adds one)."""
    if correction.supersedes is None:
        return None
    old = next((r for r in record.current(correction.kind) if r.id == correction.supersedes), None)
    if old is None:
        raise rules.LedgerError(msg("ledger_not_in_force", "entry %(id)s is not an entry in force of cycle "
                                    "%(number)s", id=correction.supersedes, number=record.cycle.number),
                                field="supersedes")
    return old


def _corrected_values(record: CycleRecord, correction: Correction, old) -> dict:
    """The new entry's values: the superseded entry's (voiding it), or the corrected figures, checked as
    any entry is, for the same member."""
    kind = correction.kind
    if correction.void:
        if old is None:
            raise rules.LedgerError(msg("ledger_void_nothing", "say which entry to remove"), field="supersedes")
        return {n: getattr(old, n) for n in _columns(MODELS[kind])}
    if correction.values is None:
        raise rules.LedgerError(msg("ledger_correction_empty", "give the entry's corrected figures"), field="values")
    values = VALUES[kind](record, correction.values)
    if old is not None and kind != "wire" and values["member_id"] != old.member_id:
        raise rules.LedgerError(msg("ledger_correction_member", "a correction keeps the entry's member; "
                                    "remove the entry and add one for the other member"), field="ref")
    return values


def _columns(model) -> list[str]:
    skip = {"id", "cycle_id", "supersedes_id", "void", "correction", "reason", "entered_by", "entered_at"}
    return [c.key for c in model.__table__.columns if c.key not in skip]
