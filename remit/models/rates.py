"""Reference (mid-market) exchange rates, each with its date and source."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import Rate


class ReferenceRate(db.Model):
    """One unit of base_currency buys `rate` units of quote_currency at the mid-market on `as_of`.

    A re-import that gives another rate for the same pair and date retires the old row, never
    overwrites it.
    """

    __tablename__ = "reference_rates"
    # The latest rate of a pair is read from this index (the ECB's history holds 190,000 rates).
    __table_args__ = (Index("ix_reference_rates_pair_day", "base_currency", "quote_currency", "as_of"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    base_currency: Mapped[str] = mapped_column(ForeignKey("currencies.code"))
    quote_currency: Mapped[str] = mapped_column(ForeignKey("currencies.code"))
    rate: Mapped[Decimal] = mapped_column(Rate)
    as_of: Mapped[date]
    source: Mapped[str] = mapped_column(Text)
    import_id: Mapped[int] = mapped_column(ForeignKey("import_runs.id"), index=True)
    retired_by_import_id: Mapped[int | None] = mapped_column(ForeignKey("import_runs.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
