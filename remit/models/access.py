"""Partner API keys. Only a hash of each key is stored; the key itself is shown once, at creation."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, func, true
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

API_SCOPES = ("read", "import", "ledger", "collect")


class ApiKey(db.Model):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)  # public part, to find the key
    key_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 of the whole key
    scope: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    # A `ledger` key reaches every saved group (those saved later too) or only the groups tied to it
    # in api_key_groups; a restricted key whose groups are all gone reaches none.
    all_groups: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class ApiKeyGroup(db.Model):
    """A saved group a restricted `ledger` key may read and record cycles of."""

    __tablename__ = "api_key_groups"

    key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id", ondelete="CASCADE"), primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("bundle_groups.id", ondelete="CASCADE"), primary_key=True)
