"""The import log: one row per import that changed data."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
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
