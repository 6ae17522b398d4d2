"""Saved groups: a coordinator's members and the plan's settings, kept by staff to plan the group again
(and to record its cycles in the season ledger). The members are kept as the text a pasted list is,
tab-separated with a header, amounts as plain decimals: loaded again, they fill the paste box."""
from __future__ import annotations

import json

from sqlalchemy import func, select

from ..extensions import db
from ..models import BundleGroup
from . import audit
from .bundles import BundleRequest, MemberInput


def by_name() -> list[BundleGroup]:
    """Every saved group, by name (the group transfer's page lists them)."""
    return db.session.execute(select(BundleGroup).order_by(BundleGroup.name)).scalars().all()


def by_name_any_case() -> list[BundleGroup]:
    """Every saved group, by name whatever its case (the choices of a ledger key)."""
    return db.session.execute(select(BundleGroup).order_by(func.lower(BundleGroup.name), BundleGroup.id)).scalars().all()


def find(group_id: int) -> BundleGroup | None:
    return db.session.get(BundleGroup, group_id)


def members_text(members: list[MemberInput], carried: list[str]) -> str:
    """Members as tab-separated text with a header: reference, amount, service, language, then the
    carried columns."""
    lines = ["\t".join(["reference", "amount", "service", "language", *carried])]
    for m in members:
        extra = dict(m.extra)
        lines.append("\t".join([m.ref, format(m.amount, "f"), m.product or "", m.language or "",
                                *[extra.get(name, "") for name in carried]]))
    return "\n".join(lines)


def save(name: str, request: BundleRequest, carried: list[str], settings: dict, *, keep_personal: bool,
         actor: str) -> BundleGroup:
    """The group saved (the caller commits): members with today's service and slip language, and the
    carried columns (names, accounts…) only when `keep_personal`."""
    members = request.members if keep_personal else [
        MemberInput(m.ref, m.amount, m.payout_method, m.product, m.language) for m in request.members]
    group = BundleGroup(name=name, send_country=request.send, receive_country=request.receive,
                        currency=request.currency,
                        members=members_text(members, carried if keep_personal else []),
                        settings=json.dumps(settings), created_by=actor)
    db.session.add(group)
    db.session.flush()
    # The audit log says how many members and whether personal columns were kept: never what they hold.
    audit.record("bundle group saved", f"{group.id} {group.name}",
                 {"members": len(members), "personal_columns": keep_personal}, actor=actor)
    return group
