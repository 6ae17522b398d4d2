"""Observed prices: a resource centre's own survey of its corridors (remit.domain.observations).

An observation belongs to a round, its corridor and month. It is recorded `submitted`, then an
administrator approves or rejects it with a reason; only approved observations are published. A
published observation is never edited: a new one that supersedes it corrects it.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .catalog import Corridor, Product, Provider
from .types import Money, Rate


class PriceObservation(db.Model):
    __tablename__ = "price_observations"

    id: Mapped[int] = mapped_column(primary_key=True)
    corridor_id: Mapped[int] = mapped_column(ForeignKey("corridors.id"), index=True)
    month: Mapped[str] = mapped_column(String(7), index=True)  # YYYY-MM: with the corridor, the round
    observed_on: Mapped[date]
    collector: Mapped[str] = mapped_column(String(120))  # a name or code, as the collector signs
    # The provider and service as the collector named them; the existing ones when they are known (the
    # review creates the others when it approves).
    provider_name: Mapped[str] = mapped_column(String(200))
    provider_type: Mapped[str | None] = mapped_column(String(20))
    product_name: Mapped[str] = mapped_column(String(200))
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"), index=True)
    send_currency: Mapped[str] = mapped_column(ForeignKey("currencies.code"))
    receive_currency: Mapped[str] = mapped_column(ForeignKey("currencies.code"))
    funding_method: Mapped[str] = mapped_column(String(20))
    payout_method: Mapped[str] = mapped_column(String(20))
    speed: Mapped[str | None] = mapped_column(String(20))
    send_amount: Mapped[Decimal] = mapped_column(Money)
    fee: Mapped[Decimal] = mapped_column(Money)
    exchange_rate: Mapped[Decimal | None] = mapped_column(Rate)  # as offered; or
    receive_amount: Mapped[Decimal | None] = mapped_column(Money)  # what the family would receive
    channel: Mapped[str] = mapped_column(String(12))  # in_person, phone, website, app
    accepted_ids: Mapped[str] = mapped_column(String(300), default="")  # ';'-separated
    regions: Mapped[str] = mapped_column(Text, default="")  # ';'-separated ISO 3166-2 codes
    notes: Mapped[str] = mapped_column(Text, default="")
    # The evidence: a stored file (its name under the instance's evidence folder, and its media type),
    # or a reference to one kept elsewhere (an import's `evidence` column).
    evidence_file: Mapped[str | None] = mapped_column(String(80))
    evidence_type: Mapped[str | None] = mapped_column(String(40))
    evidence_reference: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(10), default="submitted", index=True)
    review_reason: Mapped[str] = mapped_column(Text, default="")
    reviewed_by: Mapped[str | None] = mapped_column(String(254))
    reviewed_at: Mapped[datetime | None]
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("price_observations.id"), index=True)
    recorded_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    corridor: Mapped[Corridor] = relationship()
    provider: Mapped[Provider | None] = relationship()
    product: Mapped[Product | None] = relationship()

    @property
    def round(self) -> str:
        return f"{self.corridor.code}:{self.month}"
