"""Staff and administrator logins, and the audit log of what they change."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, Index, LargeBinary, String, Text, UniqueConstraint, false, func
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

ROLES = ("admin", "staff")


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-case
    password_hash: Mapped[str] = mapped_column(String(200))  # argon2id
    role: Mapped[str] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # May record observed prices (remit.web.collect); administrators always may.
    collector: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    session_version: Mapped[int] = mapped_column(default=1)  # bumped at logout and password change: old sessions end
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"


class LoginFailure(db.Model):
    """Wrong passwords for one e-mail from one address, and until when that pair must wait.

    Counted per pair, so a stranger failing on purpose slows only their own attempts, never the
    account's owner elsewhere. Kept for e-mails that have no login too, so that the answers do not
    tell which e-mails have one."""

    __tablename__ = "login_failures"
    __table_args__ = (UniqueConstraint("email", "address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))  # as typed, lower-case
    address: Mapped[str] = mapped_column(String(64))  # the client's IP address
    failures: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    last_failure_at: Mapped[datetime]


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    # Every request reads the last provider edit into the data version (services/versions.py): without
    # this index that is a scan of the whole log, which grows with every login and import (4.5 ms a
    # request at 100,000 events, 0.03 ms with it).
    __table_args__ = (Index("ix_audit_events_action_id", "action", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(server_default=func.now())
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(60))
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[str] = mapped_column(Text, default="")


class PendingUpload(db.Model):
    """An uploaded file between its preview and its apply (or cancel); nothing else reads it."""

    __tablename__ = "pending_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    user_id: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class BundleGroup(db.Model):
    """A group of workers saved by staff to plan their bundle again next month."""

    __tablename__ = "bundle_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    send_country: Mapped[str] = mapped_column(String(2))
    receive_country: Mapped[str] = mapped_column(String(2))
    currency: Mapped[str] = mapped_column(String(3))
    members: Mapped[str] = mapped_column(Text)  # ref,amount lines
    settings: Mapped[str] = mapped_column(Text, default="{}")  # fees, allocation, transfers per year (JSON)
    created_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
