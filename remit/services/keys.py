"""Partner API keys: creation and lookup. Only a hash of each key is stored."""
from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import select

from ..extensions import db
from ..models import ApiKey

KEY_PREFIX = "rk"


def _hash(key: str) -> str:
    # Keys carry 256 random bits, so a fast hash is safe here (unlike passwords, which use argon2)
    # and keeps every API request cheap.
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(name: str, scope: str) -> tuple[ApiKey, str]:
    """A new key and its one-time text; the caller commits."""
    prefix = secrets.token_hex(6)
    text = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey(name=name, prefix=prefix, key_hash=_hash(text), scope=scope)
    db.session.add(key)
    return key, text


def find_key(text: str) -> ApiKey | None:
    """The active key whose text this is, or None."""
    parts = text.split("_")
    if len(parts) < 3 or parts[0] != KEY_PREFIX:
        return None
    key = db.session.execute(select(ApiKey).where(ApiKey.prefix == parts[1])).scalar_one_or_none()
    if key is None or not key.active or not hmac.compare_digest(key.key_hash, _hash(text)):
        return None
    return key
