"""What remit holds: corridors and providers, summarised for listing."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..extensions import db
from ..models import Corridor, FeeTier, Product, Provider, SurveyObservation


@dataclass(frozen=True)
class CorridorSummary:
    code: str
    send_country: str
    receive_country: str
    send_currency: str
    receive_currency: str
    fee_table_products: int
    survey_services: int
    latest_period: str | None


@dataclass(frozen=True)
class ProviderSummary:
    slug: str
    name: str
    type: str | None
    corridors: tuple[str, ...]


def _current_products_by_corridor() -> dict[int, int]:
    rows = db.session.execute(
        select(Product.corridor_id, func.count(func.distinct(Product.id)))
        .join(FeeTier, FeeTier.product_id == Product.id)
        .where(FeeTier.retired_by_import_id.is_(None))
        .group_by(Product.corridor_id)
    )
    return dict(rows.all())


def _latest_survey_by_corridor() -> dict[int, tuple[str, int]]:
    current = SurveyObservation.retired_by_import_id.is_(None)
    latest = dict(db.session.execute(
        select(SurveyObservation.corridor_id, func.max(SurveyObservation.period))
        .where(current).group_by(SurveyObservation.corridor_id)
    ).all())
    counts = {}
    for corridor_id, period in latest.items():
        counts[corridor_id] = (period, db.session.scalar(
            select(func.count(func.distinct(SurveyObservation.provider_id))).where(
                current, SurveyObservation.corridor_id == corridor_id, SurveyObservation.period == period)
        ))
    return counts


def corridor_summaries() -> list[CorridorSummary]:
    products = _current_products_by_corridor()
    surveys = _latest_survey_by_corridor()
    corridors = db.session.execute(
        select(Corridor).order_by(Corridor.send_country, Corridor.receive_country)
    ).scalars()
    return [
        CorridorSummary(
            code=c.code, send_country=c.send_country, receive_country=c.receive_country,
            send_currency=c.send_currency, receive_currency=c.receive_currency,
            fee_table_products=products.get(c.id, 0),
            survey_services=surveys.get(c.id, (None, 0))[1], latest_period=surveys.get(c.id, (None, 0))[0],
        )
        for c in corridors
        if products.get(c.id) or c.id in surveys
    ]


def provider_summaries() -> list[ProviderSummary]:
    pairs = db.session.execute(
        select(Provider.id, Corridor.send_country, Corridor.receive_country)
        .join(Product, Product.provider_id == Provider.id).join(Corridor, Corridor.id == Product.corridor_id)
        .union(
            select(Provider.id, Corridor.send_country, Corridor.receive_country)
            .join(SurveyObservation, SurveyObservation.provider_id == Provider.id)
            .join(Corridor, Corridor.id == SurveyObservation.corridor_id)
            .where(SurveyObservation.retired_by_import_id.is_(None))
        )
    ).all()
    corridors: dict[int, set[str]] = {}
    for provider_id, send, receive in pairs:
        corridors.setdefault(provider_id, set()).add(f"{send}-{receive}")
    providers = db.session.execute(
        select(Provider).where(Provider.active.is_(True)).order_by(func.lower(Provider.name))
    ).scalars()
    return [ProviderSummary(p.slug, p.name, p.type, tuple(sorted(corridors.get(p.id, ()))))
            for p in providers if p.id in corridors]
