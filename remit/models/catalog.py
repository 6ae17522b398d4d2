"""Corridors, providers and the products a provider offers in a corridor."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .reference import Country, Currency

from ..domain.vocabulary import FUNDING_METHODS, PAYOUT_METHODS, PROVIDER_TYPES, SPEEDS  # noqa: F401 (old imports)


class Corridor(db.Model):
    """A sending country → receiving country pair, with the currencies each side uses."""

    __tablename__ = "corridors"
    __table_args__ = (UniqueConstraint("send_country", "receive_country"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    send_country: Mapped[str] = mapped_column(ForeignKey("countries.code"))
    receive_country: Mapped[str] = mapped_column(ForeignKey("countries.code"))
    send_currency: Mapped[str] = mapped_column(ForeignKey("currencies.code"))
    receive_currency: Mapped[str] = mapped_column(ForeignKey("currencies.code"))

    sender: Mapped[Country] = relationship(foreign_keys=[send_country])
    receiver: Mapped[Country] = relationship(foreign_keys=[receive_country])
    send_ccy: Mapped[Currency] = relationship(foreign_keys=[send_currency])
    receive_ccy: Mapped[Currency] = relationship(foreign_keys=[receive_currency])
    products: Mapped[list[Product]] = relationship(back_populates="corridor")

    @property
    def code(self) -> str:
        return f"{self.send_country}-{self.receive_country}"

    def __repr__(self) -> str:
        return f"<Corridor {self.code}>"


class Provider(db.Model):
    __tablename__ = "providers"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # None when no source has said what kind of firm it is (RPW's 2025 quotes do not).
    type: Mapped[str | None] = mapped_column(String(20))
    website: Mapped[str | None] = mapped_column(String(300))
    licence_note: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    products: Mapped[list[Product]] = relationship(back_populates="provider", order_by="Product.id")

    def __repr__(self) -> str:
        return f"<Provider {self.slug}>"


class Product(db.Model):
    """One service: a provider's way to send money in a corridor.

    Identified, as in the fee-table file, by provider, name, corridor, currencies, funding and payout
    method. Speed, accepted IDs, regions and amount limits live on its fee tiers, so that they keep
    their history like the fees do.
    """

    __tablename__ = "products"
    __table_args__ = (
        UniqueConstraint(
            "provider_id", "corridor_id", "name", "send_currency", "receive_currency",
            "funding_method", "payout_method",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    corridor_id: Mapped[int] = mapped_column(ForeignKey("corridors.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    send_currency: Mapped[str] = mapped_column(ForeignKey("currencies.code"))
    receive_currency: Mapped[str] = mapped_column(ForeignKey("currencies.code"))
    funding_method: Mapped[str] = mapped_column(String(20))
    payout_method: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    provider: Mapped[Provider] = relationship(back_populates="products")
    corridor: Mapped[Corridor] = relationship(back_populates="products")
    tiers: Mapped[list["FeeTier"]] = relationship(back_populates="product", order_by="FeeTier.id",  # noqa: F821
                                                  viewonly=True)
