"""What remit holds: corridors and providers, summarised for listing."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..codes import minor_unit
from ..domain import caveats
from ..domain.caveats import quarter_bounds
from ..domain.messages import msg
from ..domain.vocabulary import rpw_funding, rpw_payout, rpw_speed
from ..models import Corridor, FeeTier, Product, Provider, PublishedAverage, SurveyObservation, SurveyPricePoint
from .comparison import freshness, in_force, rpw_service_name, rpw_terms
from .exports import plain
from .rates import RateBook
from .snapshot import consistent, reads
from .versions import VersionedCache, data_version


@dataclass(frozen=True)
class CorridorSummary:
    code: str
    send_country: str
    receive_country: str
    send_currency: str
    receive_currency: str
    fee_table_products: int
    survey_services: int
    latest_period: str | None  # the latest quarter with RPW data: quotes or a published average
    latest_basis: str | None = None  # survey (its quotes are held) or published (RPW's average only)
    data_as_of: dt.date | None = None  # the last day of latest_period
    data_age_days: int | None = None
    illustrative_products: int = 0  # of fee_table_products, those whose fee table is flagged illustrative
    reference_rate_as_of: dt.date | None = None  # the date of the reference rate its quotes are priced at
    # Past the quotes' freshness limits, for the data the corridor's figures rest on: the latest survey
    # quarter (REMIT_SURVEY_MAX_AGE_DAYS) or, for a corridor RPW does not survey, the reference rate its
    # fee-table quotes use (REMIT_RATE_MAX_AGE_DAYS).
    stale: bool = False
    # remit holds no reference rate from US dollars to the send currency, and neither fee tables nor
    # survey quotes give prices in it: the compare page shows the survey's prices in US dollars, and
    # what the family receives is not available.
    usd_only: bool = False
    # Of the send and receive currencies, those remit holds no reference rate for (from US dollars, the
    # survey's currency, or through the euro): none when reference_rate_as_of is set.
    no_rate_currencies: tuple[str, ...] = ()

    @property
    def reference_rate(self) -> bool:
        """remit holds a reference rate from the send to the receive currency: quotes can say what the
        family receives."""
        return self.reference_rate_as_of is not None

    @property
    def no_rate_reason(self) -> str | None:
        """Why quotes in the corridor lack what a reference rate gives, in a sentence; None when it has one."""
        if self.reference_rate:
            return None
        missing = ", ".join(self.no_rate_currencies) or f"{self.send_currency}→{self.receive_currency}"
        if self.usd_only:
            return msg("corridor_usd_only", "remit holds no reference rate for %(currencies)s: the survey's own figures "
                       "are given in US dollars (cost at USD 200 and USD 500, percentages as surveyed), and what the "
                       "family receives is not available; no rate is guessed.", currencies=missing)
        return msg("corridor_no_rate", "remit holds no reference rate for %(currencies)s: costs are given in "
                   "%(currency)s, and what the family receives is not available; no rate is guessed.",
                   currencies=missing, currency=self.send_currency)


def corridor_is_stale(period: str | None, rate_as_of: dt.date | None, on: dt.date, limits: caveats.Freshness) -> bool:
    """A corridor's latest figures judged by the rules its quotes are: a surveyed corridor's by its latest
    survey quarter, a corridor known only by fee tables by the reference rate its quotes use."""
    if period is not None:
        return caveats.survey_is_stale(period, on, limits)
    return caveats.rate_is_stale(rate_as_of, on, limits)


def _current_products_by_corridor(illustrative: bool = False) -> dict[int, int]:
    """corridor id → products with tiers in force (`illustrative`: those with an illustrative tier)."""
    query = (select(Product.corridor_id, func.count(func.distinct(Product.id)))
             .join(FeeTier, FeeTier.product_id == Product.id)
             .where(FeeTier.retired_by_import_id.is_(None)))
    if illustrative:
        query = query.where(FeeTier.illustrative.is_(True))
    return dict(reads().execute(query.group_by(Product.corridor_id)).all())


def _latest_survey_by_corridor() -> dict[int, tuple[str, int]]:
    """corridor id → its latest survey quarter and the services surveyed in it, as RPW counts them: those
    quoted at the USD 200 price point. Two grouped queries for every corridor together."""
    current = SurveyObservation.retired_by_import_id.is_(None)
    latest = dict(reads().execute(
        select(SurveyObservation.corridor_id, func.max(SurveyObservation.period))
        .where(current).group_by(SurveyObservation.corridor_id)).all())
    counts = {(corridor_id, period): count for corridor_id, period, count in reads().execute(
        select(SurveyObservation.corridor_id, SurveyObservation.period, func.count(func.distinct(SurveyObservation.id)))
        .join(SurveyPricePoint, SurveyPricePoint.observation_id == SurveyObservation.id)
        .where(current, SurveyPricePoint.amount_usd == Decimal(200))
        .group_by(SurveyObservation.corridor_id, SurveyObservation.period)).all()}
    return {corridor_id: (period, counts.get((corridor_id, period), 0)) for corridor_id, period in latest.items()}


def _local_amounts_by_corridor() -> set[tuple[int, str]]:
    """(corridor id, quarter) whose survey quotes give the amount sent in the corridor's own send currency
    (the raw workbooks do): they are priced without any rate."""
    return set(reads().execute(
        select(SurveyObservation.corridor_id, SurveyObservation.period).distinct()
        .join(SurveyPricePoint, SurveyPricePoint.observation_id == SurveyObservation.id)
        .join(Corridor, Corridor.id == SurveyObservation.corridor_id)
        .where(SurveyObservation.retired_by_import_id.is_(None), SurveyPricePoint.amount_lcu.is_not(None),
               SurveyPricePoint.lcu_code == Corridor.send_currency)).all())


def _latest_published_by_corridor() -> dict[int, str]:
    return dict(reads().execute(
        select(PublishedAverage.corridor_id, func.max(PublishedAverage.period))
        .where(PublishedAverage.retired_by_import_id.is_(None)).group_by(PublishedAverage.corridor_id)).all())


def _latest(survey: str | None, published: str | None) -> tuple[str | None, str | None]:
    """The latest quarter with RPW data and its basis: the quotes' when they are of that quarter."""
    if survey is not None and (published is None or survey >= published):
        return survey, "survey"
    return (published, "published") if published is not None else (None, None)


# Built once per data version and date (each is a few queries per corridor, and every compare page
# and corridor list asks for them); the key holds the version read from the database, so an import
# made through another process is seen at once.
_summaries = VersionedCache(size=8)
_providers = VersionedCache(size=8)


@consistent
def corridor_summaries(on: dt.date | None = None, limits: caveats.Freshness | None = None) -> list[CorridorSummary]:
    """Every corridor with data, with what is held for it and how old it is by `limits` (the
    configured freshness by default). Built once per data version, date and limits, and shared:
    callers do not change the list."""
    on = on or dt.date.today()
    limits = limits or freshness()
    return _summaries.get((on, data_version(on), limits), lambda: _corridor_summaries(on, limits))


def _corridor_summaries(on: dt.date, limits: caveats.Freshness) -> list[CorridorSummary]:
    rates = RateBook.load(on)
    products = _current_products_by_corridor()
    illustrative = _current_products_by_corridor(illustrative=True)
    surveys = _latest_survey_by_corridor()
    published = _latest_published_by_corridor()
    local = _local_amounts_by_corridor()
    corridors = reads().execute(
        select(Corridor).order_by(Corridor.send_country, Corridor.receive_country)
    ).scalars()
    found = []
    for c in corridors:
        if not (products.get(c.id) or c.id in surveys or c.id in published):
            continue
        period, basis = _latest(surveys.get(c.id, (None, 0))[0], published.get(c.id))
        last_day = quarter_bounds(period)[1] if period else None
        rate = rates.get(c.send_currency, c.receive_currency)
        rate_as_of = rate.as_of if rate else None
        found.append(CorridorSummary(
            code=c.code, send_country=c.send_country, receive_country=c.receive_country,
            send_currency=c.send_currency, receive_currency=c.receive_currency,
            fee_table_products=products.get(c.id, 0), survey_services=surveys.get(c.id, (None, 0))[1],
            latest_period=period, latest_basis=basis, data_as_of=last_day,
            data_age_days=max(0, (on - last_day).days) if last_day else None,
            illustrative_products=illustrative.get(c.id, 0), reference_rate_as_of=rate_as_of,
            stale=corridor_is_stale(period, rate_as_of, on, limits),
            usd_only=(c.send_currency != "USD" and rates.get("USD", c.send_currency) is None
                      and not products.get(c.id) and (c.id, period) not in local),
            no_rate_currencies=() if rate else tuple(code for code in dict.fromkeys((c.send_currency, c.receive_currency))
                                                     if rates.get("USD", code) is None)))
    return found


@consistent
def provider_details(slug: str | None = None) -> list[dict]:
    """Providers (one, by slug, or every active one) with their products and coverage. Every active
    one is built once per data version and date, and shared: callers do not change what they get."""
    if slug is None:
        today = dt.date.today()
        return _providers.get((today, data_version(today)), _provider_details)
    return _provider_details(slug)


_corridor_providers = VersionedCache(size=512)


@consistent
def corridor_providers(corridor_id: int, on: dt.date | None = None) -> list[dict]:
    """The active providers that serve a corridor (slug, name, type), by name: those with a fee-table
    product in force today in it or a service in its latest survey quarter, as provider_details counts
    them, read for this corridor alone (every provider's details read some 6,500 survey rows). Built
    once per corridor and data version."""
    on = on or dt.date.today()
    return _corridor_providers.get((corridor_id, on, data_version(on)), lambda: _providers_of(corridor_id, on))


def _providers_of(corridor_id: int, on: dt.date) -> list[dict]:
    current = SurveyObservation.retired_by_import_id.is_(None)
    latest = reads().scalar(select(func.max(SurveyObservation.period))
                            .where(current, SurveyObservation.corridor_id == corridor_id))
    ids = set(reads().execute(select(SurveyObservation.provider_id).where(
        current, SurveyObservation.corridor_id == corridor_id, SurveyObservation.period == latest)).scalars())
    products = reads().execute(select(Product).where(Product.corridor_id == corridor_id)
                               .options(selectinload(Product.tiers))).scalars().all()
    ids |= {p.provider_id for p in products if any(in_force(t, on) for t in p.tiers)}
    providers = reads().execute(select(Provider).where(Provider.id.in_(ids), Provider.active.is_(True))
                                .order_by(func.lower(Provider.name), Provider.slug)).scalars()
    return [{"slug": p.slug, "name": p.name, "type": p.type} for p in providers]


def _provider_details(slug: str | None = None) -> list[dict]:
    """Providers (one, by slug, or every active one), each with its products: the fee-table products
    in force today and the services of the latest survey quarter of each corridor."""
    today = dt.date.today()
    query = select(Provider).options(
        selectinload(Provider.products).selectinload(Product.tiers),
        selectinload(Provider.products).selectinload(Product.corridor),
    ).order_by(func.lower(Provider.name), Provider.slug)
    query = query.where(Provider.slug == slug) if slug else query.where(Provider.active.is_(True))
    providers = reads().execute(query).scalars().all()
    if not providers:
        return []
    observations = _latest_observations([p.id for p in providers])
    return [_provider_detail(provider, today, observations.get(provider.id, [])) for provider in providers]


def _latest_observations(provider_ids: list[int]) -> dict[int, list[SurveyObservation]]:
    """The providers' survey observations in force of each corridor's latest quarter, by provider."""
    latest = dict(reads().execute(
        select(SurveyObservation.corridor_id, func.max(SurveyObservation.period))
        .where(SurveyObservation.retired_by_import_id.is_(None)).group_by(SurveyObservation.corridor_id)).all())
    observations: dict[int, list[SurveyObservation]] = {}
    for obs in reads().execute(
            select(SurveyObservation).where(
                SurveyObservation.provider_id.in_(provider_ids), SurveyObservation.retired_by_import_id.is_(None))
            .options(selectinload(SurveyObservation.corridor)).order_by(SurveyObservation.id)).scalars():
        if latest.get(obs.corridor_id) == obs.period:
            observations.setdefault(obs.provider_id, []).append(obs)
    return observations


def _provider_detail(provider: Provider, today: dt.date, observations: list[SurveyObservation]) -> dict:
    products, coverage = [], {}
    for product in provider.products:
        tiers = sorted((t for t in product.tiers if in_force(t, today)), key=lambda t: t.min_amount)
        if tiers:
            found = _fee_table_product(product, tiers)
            coverage.setdefault(found["corridor"], set()).update(found["regions"])
            products.append(found)
    for obs in observations:
        coverage.setdefault(obs.corridor.code, set())
        products.append(_surveyed_product(obs))
    return {
        "slug": provider.slug, "name": provider.name, "type": provider.type, "website": provider.website,
        "licence_note": provider.licence_note, "corridors": sorted(coverage),
        "coverage": {code: sorted(regions) for code, regions in sorted(coverage.items())},
        "products": products,
        # Some of its services come from fee tables flagged illustrative (for pages; the API has it per product).
        "illustrative": any(p["illustrative"] for p in products),
    }


def _fee_table_product(product: Product, tiers: list[FeeTier]) -> dict:
    """A fee-table product by its tiers in force."""
    places = minor_unit(product.send_currency)
    return {
        "id": f"ft-{product.id}", "name": product.name, "corridor": product.corridor.code,
        "send_currency": product.send_currency, "receive_currency": product.receive_currency,
        "funding_method": product.funding_method, "payout_method": product.payout_method,
        "speed": tiers[0].speed,
        "min_amount": plain(min(t.min_amount for t in tiers), places),
        "max_amount": plain(max(t.max_amount for t in tiers), places),
        "regions": sorted({r for t in tiers for r in t.regions.split(";") if r}),
        "accepted_ids": sorted({i for t in tiers for i in t.accepted_ids.split(";") if i}),
        "basis": "fee_table", "data_as_of": max(t.effective_from for t in tiers).isoformat(),
        "illustrative": any(t.illustrative for t in tiers), "terms": (),
    }


def _surveyed_product(obs: SurveyObservation) -> dict:
    """A surveyed service, named by the survey's words."""
    return {
        "id": f"rpw-{obs.id}", "name": rpw_service_name(obs.instrument, obs.access_point),
        "corridor": obs.corridor.code, "send_currency": obs.corridor.send_currency,
        "receive_currency": obs.corridor.receive_currency, "funding_method": rpw_funding(obs.instrument),
        "payout_method": rpw_payout(obs.pickup_method, obs.instrument), "speed": rpw_speed(obs.speed),
        "min_amount": None, "max_amount": None, "regions": [], "accepted_ids": [], "basis": "survey",
        "data_as_of": obs.period, "illustrative": False, "terms": rpw_terms(obs.instrument, obs.access_point),
    }
