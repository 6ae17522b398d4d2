"""The auditor's export: every table, each cycle's reconciliation and the ledger's audit log, in one ZIP."""
from __future__ import annotations

import io
import zipfile

from sqlalchemy import select

from ...extensions import db
from ...models import AuditEvent, LedgerContribution, LedgerCycle, LedgerMember, LedgerPayout, LedgerWire
from .. import spreadsheets
from ..audit import record as audit
from .records import load, source_of
from .typed import figure_text


def _cell(row, column: str) -> str | None:
    if column == "reference_rate_source":  # stored as its message: the auditor reads the English
        return str(source_of(row.reference_rate_source))
    return figure_text(getattr(row, column))


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
                lines.append([str(cycle.id), m.ref, *(figure_text(v) for v in (
                    m.amount, m.contributed, m.fees_on_top, m.balance, m.share, m.expected_payout, m.paid, m.pending,
                    m.returned))])
        archive.writestr("reconciliation.csv", spreadsheets.csv_text(header, lines))
        events = db.session.execute(select(AuditEvent).where(AuditEvent.action.like("ledger %"))
                                    .order_by(AuditEvent.id)).scalars()
        archive.writestr("audit.csv", _table(events, ["id", "at", "actor", "action", "target", "detail"]))
    audit("ledger exported", "all cycles", {"cycles": len(cycles)}, actor=actor)
    return out.getvalue()
