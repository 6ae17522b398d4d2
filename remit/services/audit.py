"""The audit log: who changed what. Every layer that changes data records it here."""
from __future__ import annotations

import json

from sqlalchemy import func, select

from ..extensions import db
from ..models import AuditEvent


def record(action: str, target: str = "", detail: str | dict = "", *, actor: str) -> None:
    """Add an audit row; the caller commits it with the change itself."""
    text = detail if isinstance(detail, str) else json.dumps(detail, sort_keys=True, default=str)
    db.session.add(AuditEvent(actor=actor[:254], action=action, target=target[:200], detail=text))


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


def newest(limit: int, offset: int = 0) -> list[AuditEvent]:
    """The audit log, newest first."""
    return db.session.execute(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit).offset(offset)
                              ).scalars().all()
