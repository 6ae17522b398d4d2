"""Partner API keys: creation and lookup. Only a hash of each key is stored."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Collection

from sqlalchemy import select

from ..extensions import db
from ..models import ApiKey, ApiKeyGroup, BundleGroup
from . import audit

KEY_PREFIX = "rk"


def _hash(key: str) -> str:
    # Keys carry 256 random bits, so a fast hash is safe here (unlike passwords, which use argon2)
    # and keeps every API request cheap.
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(name: str, scope: str, groups: Collection[int] = ()) -> tuple[ApiKey, str]:
    """A new key and its one-time text; the caller commits. A `ledger` key given `groups` (saved
    groups' ids, which the caller has checked exist) reaches only those; without, every group."""
    if groups and scope != "ledger":
        raise ValueError("only a ledger key is tied to groups")
    prefix = secrets.token_hex(6)
    text = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey(name=name, prefix=prefix, key_hash=_hash(text), scope=scope, all_groups=not groups)
    db.session.add(key)
    if groups:
        db.session.flush()
        db.session.add_all(ApiKeyGroup(key_id=key.id, group_id=g) for g in sorted(set(groups)))
    return key, text


def issue(name: str, scope: str, groups: Collection[int], *, actor: str) -> tuple[ApiKey, str]:
    """A new key (create_key), recorded in the audit log with its scope and groups; the caller commits."""
    key, text = create_key(name, scope, groups)
    db.session.flush()
    groups = sorted(set(groups))
    detail = {"scope": key.scope} | ({"groups": groups} if groups else {})
    audit.record("API key created", f"{key.prefix} {key.name}", detail, actor=actor)
    return key, text


def newest_first() -> list[ApiKey]:
    return db.session.execute(select(ApiKey).order_by(ApiKey.id.desc())).scalars().all()


def find_by_id(key_id: int) -> ApiKey | None:
    return db.session.get(ApiKey, key_id)


def revoke(key: ApiKey, *, at, actor: str) -> None:
    """The key stops working (the caller commits); revoking it again changes nothing."""
    if key.revoked_at is None:
        key.revoked_at = at
        audit.record("API key revoked", f"{key.prefix} {key.name}", actor=actor)


def groups_of(key: ApiKey) -> frozenset[int] | None:
    """The saved groups a key reaches: None for every group."""
    if key.all_groups:
        return None
    return frozenset(db.session.execute(select(ApiKeyGroup.group_id).where(ApiKeyGroup.key_id == key.id)).scalars())


def group_names_by_key() -> dict[int, list[str]]:
    """For the keys tied to groups: their groups' names, by key id (for the administrators' list)."""
    rows = db.session.execute(select(ApiKeyGroup.key_id, BundleGroup.name).join(
        BundleGroup, BundleGroup.id == ApiKeyGroup.group_id).order_by(BundleGroup.name, BundleGroup.id))
    names: dict[int, list[str]] = {}
    for key_id, name in rows:
        names.setdefault(key_id, []).append(name)
    return names


def missing_groups(ids: Collection[int]) -> list[int]:
    """Those of `ids` that are no saved group's id."""
    found = set(db.session.execute(select(BundleGroup.id).where(BundleGroup.id.in_(set(ids)))).scalars())
    return sorted(set(ids) - found)


def find_key(text: str) -> ApiKey | None:
    """The active key whose text this is, or None."""
    parts = text.split("_")
    if len(parts) < 3 or parts[0] != KEY_PREFIX:
        return None
    key = db.session.execute(select(ApiKey).where(ApiKey.prefix == parts[1])).scalar_one_or_none()
    if key is None or not key.active or not hmac.compare_digest(key.key_hash, _hash(text)):
        return None
    return key
