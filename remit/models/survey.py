"""World Bank RPW survey observations: one service surveyed in one corridor and quarter."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .catalog import Corridor, Provider
from .types import Money, Percent, Rate


class SurveyObservation(db.Model):
    __tablename__ = "survey_observations"

    id: Mapped[int] = mapped_column(primary_key=True)
    corridor_id: Mapped[int] = mapped_column(ForeignKey("corridors.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    period: Mapped[str] = mapped_column(String(6), index=True)  # YYYYQn
    firm: Mapped[str] = mapped_column(String(200))  # the firm's name as RPW wrote it
    firm_type: Mapped[str | None] = mapped_column(String(80))
    instrument: Mapped[str | None] = mapped_column(String(120))
    access_point: Mapped[str | None] = mapped_column(String(120))
    speed: Mapped[str | None] = mapped_column(String(80))
    pickup_method: Mapped[str | None] = mapped_column(String(120))
    interbank_rate: Mapped[Decimal | None] = mapped_column(Rate)
    transparent: Mapped[bool] = mapped_column(Boolean)
    note1: Mapped[str | None] = mapped_column(Text)
    note2: Mapped[str | None] = mapped_column(Text)
    surveyed_on: Mapped[date | None]
    layout: Mapped[str] = mapped_column(String(20))  # which RPW file layout it came from
    import_id: Mapped[int] = mapped_column(ForeignKey("import_runs.id"), index=True)
    retired_by_import_id: Mapped[int | None] = mapped_column(ForeignKey("import_runs.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    corridor: Mapped[Corridor] = relationship()
    provider: Mapped[Provider] = relationship()
    price_points: Mapped[list[SurveyPricePoint]] = relationship(
        back_populates="observation", order_by="SurveyPricePoint.id", cascade="all, delete-orphan"
    )


class SurveyPricePoint(db.Model):
    """The survey's quote at one price point: USD 200 (RPW's cc1) or USD 500 (cc2)."""

    __tablename__ = "survey_price_points"

    id: Mapped[int] = mapped_column(primary_key=True)
    observation_id: Mapped[int] = mapped_column(ForeignKey("survey_observations.id"), index=True)
    amount_usd: Mapped[Decimal] = mapped_column(Money)
    amount_lcu: Mapped[Decimal | None] = mapped_column(Money)
    lcu_code: Mapped[str | None] = mapped_column(String(3))
    fee_lcu: Mapped[Decimal | None] = mapped_column(Money)
    fee_pct: Mapped[Decimal | None] = mapped_column(Percent)
    fx_rate: Mapped[Decimal | None] = mapped_column(Rate)
    fx_margin_pct: Mapped[Decimal | None] = mapped_column(Percent)
    total_cost_pct: Mapped[Decimal | None] = mapped_column(Percent)
    cost_usd: Mapped[Decimal | None] = mapped_column(Money)

    observation: Mapped[SurveyObservation] = relationship(back_populates="price_points")


class PublishedAverage(db.Model):
    """RPW's published figures for a corridor and quarter: the average total cost of sending USD 200
    and the cost of the cheapest quote, in percent. Kept as the World Bank published them, for the
    quarters whose quotes remit does not hold; where the quotes are held, statistics are computed from
    them instead. Rows are never updated in place: a re-import with other figures retires the old row."""

    __tablename__ = "published_averages"

    id: Mapped[int] = mapped_column(primary_key=True)
    corridor_id: Mapped[int] = mapped_column(ForeignKey("corridors.id"), index=True)
    period: Mapped[str] = mapped_column(String(6), index=True)  # YYYYQn
    avg_cost_pct: Mapped[Decimal] = mapped_column(Percent)
    cheapest_cost_pct: Mapped[Decimal | None] = mapped_column(Percent)
    import_id: Mapped[int] = mapped_column(ForeignKey("import_runs.id"), index=True)
    retired_by_import_id: Mapped[int | None] = mapped_column(ForeignKey("import_runs.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    corridor: Mapped[Corridor] = relationship()
