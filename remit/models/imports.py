"""The import log: one row per import that changed data."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class ImportRun(db.Model):
    __tablename__ = "import_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # fees, rates, rpw
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    actor: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime]
    rows: Mapped[int]
    added: Mapped[int]
    changed: Mapped[int]
    retired: Mapped[int]
    unchanged: Mapped[int]
    result: Mapped[str] = mapped_column(String(20))  # applied
    summary: Mapped[str] = mapped_column(Text, default="")


class ContentDigest(db.Model):
    """The file that made one product's fee table (subject: the product's id) or one corridor-quarter's
    survey rows (subject: the period) what it is: a digest of those rows' text, with the number and the
    highest id of the rows in force just after. A later file whose rows have the same digest, while the
    rows in force are still those (nothing retired or added since, by a revert or anything else), is
    recognised as unchanged without validating or loading them (remit.importers.digests)."""

    __tablename__ = "content_digests"
    __table_args__ = (UniqueConstraint("kind", "corridor_id", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # fees, rpw
    corridor_id: Mapped[int] = mapped_column(ForeignKey("corridors.id"))
    subject: Mapped[str] = mapped_column(String(40))
    digest: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int]
    last_id: Mapped[int]


class ImportJob(db.Model):
    """An import run in the background (a large upload through the admin page or the API): its file
    until it ends, how far it has gone, and its report. Any app server answers its status from here."""

    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes | None] = mapped_column(LargeBinary)  # dropped when the job ends
    size: Mapped[int]
    dry_run: Mapped[bool] = mapped_column(Boolean)
    actor: Mapped[str] = mapped_column(String(254))
    owner: Mapped[str] = mapped_column(String(40))  # user:ID or key:ID: who may read its status
    pending_id: Mapped[int | None]  # the admin page's upload it previews or applies
    state: Mapped[str] = mapped_column(String(12))  # queued, running, done, failed
    phase: Mapped[str] = mapped_column(String(12), default="")  # reading, checking, writing
    rows_read: Mapped[int] = mapped_column(default=0)
    bytes_read: Mapped[int] = mapped_column(default=0)
    bytes_total: Mapped[int] = mapped_column(default=0)
    report: Mapped[str | None] = mapped_column(Text)  # ImportReport.to_dict() as JSON
    error: Mapped[str | None] = mapped_column(Text)
    worker: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
