"""ISO reference data: countries, their subdivisions (regions) and currencies."""
from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


class Country(db.Model):
    __tablename__ = "countries"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)  # ISO 3166-1 alpha-2
    alpha_3: Mapped[str] = mapped_column(String(3), unique=True)
    name: Mapped[str] = mapped_column(String(120))

    regions: Mapped[list[Region]] = relationship(back_populates="country", order_by="Region.code")

    def __repr__(self) -> str:
        return f"<Country {self.code}>"


class Region(db.Model):
    """An ISO 3166-2 subdivision, such as GT-HU (Huehuetenango)."""

    __tablename__ = "regions"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    country_code: Mapped[str] = mapped_column(ForeignKey("countries.code"), index=True)
    name: Mapped[str] = mapped_column(String(160))
    type: Mapped[str] = mapped_column(String(80))

    country: Mapped[Country] = relationship(back_populates="regions")


class Currency(db.Model):
    __tablename__ = "currencies"

    code: Mapped[str] = mapped_column(String(3), primary_key=True)  # ISO 4217
    name: Mapped[str] = mapped_column(String(120))
    minor_unit: Mapped[int]
