"""Fee tiers: what a product charges for an amount band, over time.

Rows are never updated in place nor deleted. An import that replaces a product's table marks the old
rows retired (the date from which they stop applying, and the import that retired them) and adds new
rows, so every past fee table can be rebuilt.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, String, Text, false, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .catalog import Product
from .types import Money, Percent


class FeeTier(db.Model):
    __tablename__ = "fee_tiers"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    min_amount: Mapped[Decimal] = mapped_column(Money)
    max_amount: Mapped[Decimal] = mapped_column(Money)
    fee_fixed: Mapped[Decimal] = mapped_column(Money)
    fee_percent: Mapped[Decimal] = mapped_column(Percent)
    fx_margin_pct: Mapped[Decimal] = mapped_column(Percent)
    speed: Mapped[str] = mapped_column(String(20))
    accepted_ids: Mapped[str] = mapped_column(String(300), default="")  # ';'-separated
    regions: Mapped[str] = mapped_column(Text, default="")  # ';'-separated ISO 3166-2 codes
    source: Mapped[str] = mapped_column(Text, default="")
    # An example built to show how the product works, not prices anyone observed: pages and the API say
    # so beside every figure that rests on it (the fee table file's `illustrative` column).
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    effective_from: Mapped[date]
    effective_to: Mapped[date | None]
    import_id: Mapped[int] = mapped_column(ForeignKey("import_runs.id"), index=True)
    retired_on: Mapped[date | None]
    retired_by_import_id: Mapped[int | None] = mapped_column(ForeignKey("import_runs.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    product: Mapped[Product] = relationship(back_populates="tiers")

    @property
    def current(self) -> bool:
        return self.retired_by_import_id is None
