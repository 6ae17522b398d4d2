"""Reference (mid-market) exchange rates, each with its date and source."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import Rate


class ReferenceRate(db.Model):
    """One unit of base_currency buys `rate` units of quote_currency at the mid-market on `as_of`.

    A re-import that gives another rate for the same pair and date retires the old row, never
    overwrites it.
    """

    __tablename__ = "reference_rates"

    id: Mapped[int] = mapped_column(primary_key=True)
    base_currency: Mapped[str] = mapped_column(ForeignKey("currencies.code"))
    quote_currency: Mapped[str] = mapped_column(ForeignKey("currencies.code"))
    rate: Mapped[Decimal] = mapped_column(Rate)
    as_of: Mapped[date]
    source: Mapped[str] = mapped_column(Text)
    import_id: Mapped[int] = mapped_column(ForeignKey("import_runs.id"), index=True)
    retired_by_import_id: Mapped[int | None] = mapped_column(ForeignKey("import_runs.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
