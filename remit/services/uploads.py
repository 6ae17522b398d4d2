"""Files uploaded through the administrators' pages, kept until they are applied or cancelled, or until
they are older than the lifetime the caller gives (remit.importers.limits.PENDING_UPLOAD_LIFETIME)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import delete

from ..extensions import db
from ..models import PendingUpload


def _cutoff(lifetime: dt.timedelta) -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - lifetime


def purge_expired(lifetime: dt.timedelta) -> None:
    db.session.execute(delete(PendingUpload).where(PendingUpload.created_at < _cutoff(lifetime)))


def keep(kind: str, filename: str, content: bytes, user_id: int) -> PendingUpload:
    pending = PendingUpload(kind=kind, filename=(filename or "upload")[:255], content=content, user_id=user_id)
    db.session.add(pending)
    db.session.flush()
    return pending


def find(pending_id: int) -> PendingUpload | None:
    return db.session.get(PendingUpload, pending_id)


def expired(pending: PendingUpload, lifetime: dt.timedelta) -> bool:
    return pending.created_at < _cutoff(lifetime)


def discard(pending: PendingUpload) -> None:
    db.session.delete(pending)
