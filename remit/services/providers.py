"""Providers as administrators see and edit them: every one by name, one by its slug, an edit recorded in
the audit log with what it changed."""
from __future__ import annotations

from sqlalchemy import func, select

from ..extensions import db
from ..models import Provider
from . import audit

EDITABLE = ("name", "website", "licence_note", "active")


def by_name() -> list[Provider]:
    return db.session.execute(select(Provider).order_by(func.lower(Provider.name))).scalars().all()


def by_slug(slug: str) -> Provider | None:
    return db.session.execute(select(Provider).where(Provider.slug == slug)).scalar_one_or_none()


def edit(provider: Provider, *, actor: str, **values) -> dict:
    """The provider's editable fields set to `values` (the caller commits); what changed, [before, after]
    by field, is recorded in the audit log when anything did."""
    before = {f: getattr(provider, f) for f in EDITABLE}
    for name in EDITABLE:
        setattr(provider, name, values[name])
    changed = {f: [before[f], getattr(provider, f)] for f in EDITABLE if before[f] != getattr(provider, f)}
    if changed:
        audit.record("provider changed", provider.slug, changed, actor=actor)
    return changed
