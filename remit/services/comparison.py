"""Compare every service of a corridor for an amount: load rows, build domain services, price, rank."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from .. import codes
from ..domain import caveats, vocabulary
from ..domain.errors import RemitError
from ..domain.messages import Message, msg
from ..domain.vocabulary import speed_rank
from ..domain.pricing import (Basis, FeeBand, PreparedService, PricePoint, Quote, Service, prepare, survey_cost_usd,
                              survey_point)
from ..domain.ranking import Filters, rank
from ..models import Corridor, FeeTier, Product, SurveyObservation
from . import observations
from .rates import RateBook
from .snapshot import reads, snapshot
from .versions import VersionedCache, data_version

def survey_source(period: str) -> Message:
    """The survey's name and quarter only: pages add the translated label ("Source:", "Fuente:")."""
    return msg("source_rpw", "The World Bank, Remittance Prices Worldwide, %(period)s", period=caveats.Quarter(period))

def observed_source(organisation: str, round_: str) -> Message:
    """Who observed the price and in which round (the round's corridor and month, CA-GT:2026-11)."""
    return msg("source_observed", "%(organisation)s, prices observed in round %(round)s", organisation=organisation,
               round=round_)


@dataclass(frozen=True)
class ServiceInfo:
    """What a person needs to know about a service besides its price."""

    product_id: str
    provider_slug: str
    provider_name: str
    provider_type: str | None
    product_name: str
    funding_method: str | None
    payout_method: str | None
    speed: str | None
    regions: tuple[str, ...]
    accepted_ids: tuple[str, ...]
    data_as_of: str  # the fee table's effective date, or the survey quarter
    data_period: str  # the survey quarter, or the quarter the fee table took effect in
    collected_at: dt.date | None  # the fee table's effective date (a survey is known by its quarter only)
    source: str
    reference_rate_as_of: dt.date | None
    reference_rate_source: str | None
    # Prices from a fee table flagged illustrative: an example, not prices anyone observed.
    illustrative: bool = False
    # A surveyed service's name is RPW's words for how it is paid in and where (its instrument and access
    # point, "Bank account transfer", "Internet"): pages show them in the reader's language.
    product_terms: tuple[str, ...] = ()
    # An observed price: the observation it comes from (staff see its evidence).
    observation_id: int | None = None


def rpw_terms(instrument: str | None, access_point: str | None) -> tuple[str, ...]:
    """The survey's words a surveyed service is named by (N/A, RPW's "not applicable", left out); a
    service the survey names by neither is called "service"."""
    return tuple(part for part in (instrument, access_point) if part and part != "N/A") or ("service",)


def rpw_service_name(instrument: str | None, access_point: str | None) -> str:
    return " · ".join(rpw_terms(instrument, access_point))


@dataclass(frozen=True)
class DataDate:
    """The date of the data behind some of the quotes, how old it is and whether it is past its limit."""

    kind: str  # "survey" (a survey quarter) or "rate" (a reference rate's date)
    first_day: dt.date  # the quarter's first day; the rate's date
    last_day: dt.date  # the quarter's last day; the rate's date
    period: str | None
    age: caveats.Age
    stale: bool


@dataclass
class Comparison:
    corridor: Corridor
    send_currency: str
    receive_currency: str
    amount: Decimal | None
    receive_amount: Decimal | None
    quotes: list[Quote]
    info: dict[str, ServiceInfo]
    not_available: list[tuple[ServiceInfo, Message]] = field(default_factory=list)
    survey_period: str | None = None
    filters: Filters = field(default_factory=Filters)
    excluded: int = 0  # services of the corridor the filters left out
    services_total: int = 0  # services of the corridor in force in this currency, before the filters
    warnings: dict[str, tuple[str, ...]] = field(default_factory=dict)  # by service key
    unrecorded: dict[str, tuple[str, ...]] = field(default_factory=dict)  # filters passed for want of data
    data_dates: list[DataDate] = field(default_factory=list)

    @property
    def stale(self) -> list[DataDate]:
        return [d for d in self.data_dates if d.stale]

    @property
    def recommended(self) -> Quote | None:
        """The quote a page may call the cheapest: the first that discloses its rate and does not beat
        the mid-market rate (the ranking puts those first)."""
        first = self.quotes[0] if self.quotes else None
        return first if first is not None and first.transparent and not first.negative_margin else None

    @property
    def sources(self) -> list[str]:
        """The sources of the quotes shown, each once, in the order of the quotes."""
        return list(dict.fromkeys(self.info[q.service.key].source for q in self.quotes))

    @property
    def below_mid_market(self) -> list[Quote]:
        return [q for q in self.quotes if q.negative_margin]

    @property
    def illustrative(self) -> list[Quote]:
        """The quotes priced from a fee table flagged illustrative."""
        return [q for q in self.quotes if self.info[q.service.key].illustrative]


class CurrencyNotPriced(RemitError):
    """The corridor is not priced in the currency asked for."""


def freshness() -> caveats.Freshness:
    config = current_app.config
    return caveats.Freshness(rate_max_age_days=int(config.get("REMIT_RATE_MAX_AGE_DAYS", 14)),
                             survey_max_age_days=int(config.get("REMIT_SURVEY_MAX_AGE_DAYS", 365)),
                             observation_max_age_days=int(config.get("REMIT_OBSERVATION_MAX_AGE_DAYS", 90)))


def in_force(tier: FeeTier, on: dt.date) -> bool:
    return (tier.effective_from <= on and (tier.effective_to is None or on <= tier.effective_to)
            and (tier.retired_on is None or on < tier.retired_on))


def fee_table_services(corridor: Corridor, rates: RateBook, on: dt.date) -> list[tuple[Service, ServiceInfo]]:
    products = reads().execute(
        select(Product).where(Product.corridor_id == corridor.id)
        .options(joinedload(Product.provider), selectinload(Product.tiers))
    ).scalars().unique().all()
    result = []
    for product in products:
        if not product.provider.active:
            continue
        tiers = sorted((t for t in product.tiers if in_force(t, on)), key=lambda t: t.min_amount)
        if not tiers:
            continue
        rate = rates.get(product.send_currency, product.receive_currency)
        regions = sorted({r for t in tiers for r in t.regions.split(";") if r})
        ids = sorted({i for t in tiers for i in t.accepted_ids.split(";") if i})
        key = f"ft-{product.id}"
        effective = max(t.effective_from for t in tiers)
        service = Service(
            key=key, basis=Basis.FEE_TABLE, send_currency=product.send_currency,
            receive_currency=product.receive_currency, send_minor_unit=codes.minor_unit(product.send_currency),
            receive_minor_unit=codes.minor_unit(product.receive_currency),
            reference_rate=rate.rate if rate else None,
            bands=tuple(FeeBand(t.min_amount, t.max_amount, t.fee_fixed, t.fee_percent, t.fx_margin_pct) for t in tiers),
            speed=max((t.speed for t in tiers), key=speed_rank), transparent=True,
            provider_type=product.provider.type, funding_method=product.funding_method,
            payout_method=product.payout_method, regions=frozenset(regions), accepted_ids=frozenset(ids),
            sort_name=f"{product.provider.name} {product.name}".lower(),
            illustrative=any(t.illustrative for t in tiers),
        )
        info = ServiceInfo(
            product_id=key, provider_slug=product.provider.slug, provider_name=product.provider.name,
            provider_type=product.provider.type, product_name=product.name,
            funding_method=product.funding_method, payout_method=product.payout_method, speed=tiers[0].speed,
            regions=tuple(regions), accepted_ids=tuple(ids),
            data_as_of=effective.isoformat(), data_period=caveats.quarter_of(effective), collected_at=effective,
            source=tiers[0].source or "fee table", reference_rate_as_of=rate.as_of if rate else None,
            reference_rate_source=rate.source if rate else None, illustrative=any(t.illustrative for t in tiers),
        )
        result.append((service, info))
    return result


def latest_survey_period(corridor: Corridor) -> str | None:
    return reads().scalar(
        select(SurveyObservation.period).where(
            SurveyObservation.corridor_id == corridor.id, SurveyObservation.retired_by_import_id.is_(None))
        .order_by(SurveyObservation.period.desc()).limit(1))


def survey_observations(corridor: Corridor, period: str) -> list[SurveyObservation]:
    return list(reads().execute(
        select(SurveyObservation).where(
            SurveyObservation.corridor_id == corridor.id, SurveyObservation.period == period,
            SurveyObservation.retired_by_import_id.is_(None))
        .options(joinedload(SurveyObservation.provider), selectinload(SurveyObservation.price_points))
        .order_by(SurveyObservation.id)
    ).scalars().unique())


def survey_services(corridor: Corridor, rates: RateBook, period: str | None) -> list[tuple[Service, ServiceInfo]]:
    if period is None:
        return []
    send_ccy, receive_ccy = corridor.send_currency, corridor.receive_currency
    rate = rates.get(send_ccy, receive_ccy)
    usd_rate = rates.get("USD", send_ccy)
    result = []
    minor = codes.minor_unit(send_ccy)
    for obs in survey_observations(corridor, period):
        points = []
        for p in obs.price_points:
            in_send = p.lcu_code == send_ccy
            point = survey_point(
                p.amount_usd, minor, amount_lcu=p.amount_lcu if in_send else None, send_is_usd=send_ccy == "USD",
                usd_rate=usd_rate.rate if usd_rate is not None else None, fee_lcu=p.fee_lcu if in_send else None,
                fee_pct=p.fee_pct, total_cost_pct=p.total_cost_pct, fx_margin_pct=p.fx_margin_pct,
                disclosed=obs.transparent)
            if point is not None:
                points.append(point)
        if not points:
            continue
        speed = vocabulary.rpw_speed(obs.speed)
        funding = vocabulary.rpw_funding(obs.instrument)
        payout = vocabulary.rpw_payout(obs.pickup_method, obs.instrument)
        name = rpw_service_name(obs.instrument, obs.access_point)
        key = f"rpw-{obs.id}"
        provider_type = obs.provider.type or vocabulary.rpw_firm_type(obs.firm_type)
        service = Service(
            key=key, basis=Basis.SURVEY, send_currency=send_ccy, receive_currency=receive_ccy,
            send_minor_unit=codes.minor_unit(send_ccy), receive_minor_unit=codes.minor_unit(receive_ccy),
            reference_rate=rate.rate if rate else None, price_points=tuple(points), speed=speed,
            transparent=obs.transparent, provider_type=provider_type, funding_method=funding,
            payout_method=payout, sort_name=f"{obs.firm} {name}".lower(),
        )
        info = ServiceInfo(
            product_id=key, provider_slug=obs.provider.slug, provider_name=obs.provider.name,
            provider_type=provider_type, product_name=name, funding_method=funding, payout_method=payout,
            speed=speed, regions=(), accepted_ids=(), data_as_of=period, data_period=period, collected_at=None,
            source=survey_source(period),
            reference_rate_as_of=rate.as_of if rate else None, reference_rate_source=rate.source if rate else None,
            product_terms=rpw_terms(obs.instrument, obs.access_point),
        )
        result.append((service, info))
    return result


def observed_services(corridor: Corridor, on: dt.date) -> list[tuple[Service, ServiceInfo]]:
    """The corridor's published observed prices: of each service, its latest approved observation made on
    or before `on`, priced as it was observed (a price point at the amount observed, its fee and its margin
    against the reference rate of its day). One still waiting for a reference rate is not published."""
    max_age = int(current_app.config.get("REMIT_RATE_MAX_AGE_DAYS", 14))
    organisation = current_app.config.get("REMIT_ORGANISATION", "remit")
    result = []
    for row in observations.published(corridor.id, on):
        given = observations.input_of(row)
        reference = observations.reference(row.send_currency, row.receive_currency, row.observed_on, max_age)
        if reference is None:
            continue
        fig = observations.assess(given, own_id=row.id, max_age_days=max_age).figures
        send_mu, receive_mu = codes.minor_unit(row.send_currency), codes.minor_unit(row.receive_currency)
        key = f"obs-{row.id}"
        ids = tuple(sorted(i for i in row.accepted_ids.split(";") if i))
        regions = tuple(sorted(r for r in row.regions.split(";") if r))
        provider = row.product.provider
        service = Service(
            key=key, basis=Basis.OBSERVED, send_currency=row.send_currency, receive_currency=row.receive_currency,
            send_minor_unit=send_mu, receive_minor_unit=receive_mu, reference_rate=reference.rate,
            price_points=(PricePoint(None, row.send_amount, row.fee, fig.fx_margin_pct),), speed=row.speed,
            transparent=True, provider_type=provider.type, funding_method=row.funding_method,
            payout_method=row.payout_method, regions=frozenset(regions), accepted_ids=frozenset(ids),
            sort_name=f"{provider.name} {row.product.name}".lower())
        info = ServiceInfo(
            product_id=key, provider_slug=provider.slug, provider_name=provider.name, provider_type=provider.type,
            product_name=row.product.name, funding_method=row.funding_method, payout_method=row.payout_method,
            speed=row.speed, regions=regions, accepted_ids=ids, data_as_of=row.observed_on.isoformat(),
            data_period=caveats.quarter_of(row.observed_on), collected_at=row.observed_on,
            source=observed_source(organisation, row.round), reference_rate_as_of=reference.as_of,
            reference_rate_source=reference.source, observation_id=row.id)
        result.append((service, info))
    return result


def corridor_services(corridor: Corridor, rates: RateBook, on: dt.date, period: str | None):
    return (observed_services(corridor, on) + fee_table_services(corridor, rates, on)
            + survey_services(corridor, rates, period))


def _one_price_point_per_service(services, amount: Decimal | None, receive_amount: Decimal | None):
    """RPW's per-quote file gives each service's USD 200 and USD 500 quotes as two rows. Only the rows
    of the price point nearest the amount are kept, so a service is not listed twice."""
    single = [s for s, _ in services if s.basis is Basis.SURVEY and len(s.price_points) == 1]
    levels = {s.price_points[0].send_amount for s in single}
    if len(levels) < 2:
        return services
    target = amount
    if target is None:
        rate = next((s.reference_rate for s in single if s.reference_rate), None)
        target = receive_amount / rate if rate else min(levels)
    nearest = min(levels, key=lambda level: (abs(level - target), level))
    return [(s, i) for s, i in services
            if not (s.basis is Basis.SURVEY and len(s.price_points) == 1) or s.price_points[0].send_amount == nearest]


@dataclass(frozen=True)
class CorridorPrices:
    """A corridor's services as the domain prices them, built for one data version and day: the
    prepared snapshot a quote is priced from (bands sorted, applied rates worked out once)."""

    period: str | None
    services: list[tuple[Service, ServiceInfo]]
    prepared: dict[str, PreparedService]


_services_cache = VersionedCache()


def corridor_prices(corridor: Corridor, on: dt.date, version: str | None = None) -> CorridorPrices:
    """The corridor's prepared services, built once per data version and date.

    A miss is built in one snapshot with the data version it is kept under, so what is kept for a
    version is the tables as they were at that version: never part before and part after an import.
    `version` (read here when the caller has not) only serves to find what is kept.
    """
    corridor_id = corridor.id
    kept = _services_cache.peek((corridor_id, on, version or data_version(on)))
    if kept is not None:
        return kept

    def build():
        period = latest_survey_period(corridor)
        services = corridor_services(corridor, RateBook.load(on), on, period)
        return CorridorPrices(period, services, {s.key: prepare(s) for s, _ in services})

    with snapshot():
        return _services_cache.get((corridor_id, on, data_version(on)), build)


def priced_services(corridor: Corridor, on: dt.date, version: str | None = None) -> tuple[str | None, list]:
    """The corridor's services and the latest survey quarter (see corridor_prices)."""
    prices = corridor_prices(corridor, on, version)
    return prices.period, prices.services


def compare(corridor: Corridor, currency: str, *, amount: Decimal | None = None,
            receive_amount: Decimal | None = None, filters: Filters | None = None,
            on: dt.date | None = None, version: str | None = None,
            limits: caveats.Freshness | None = None) -> Comparison:
    """Rank every service of the corridor that sends `currency`, for a send or a receive amount, each
    quote with its warnings; say how many services the filters left out and how old the data is."""
    on = on or dt.date.today()
    filters = filters or Filters()
    limits = limits or freshness()
    prices = corridor_prices(corridor, on, version)
    in_currency = _one_price_point_per_service(_in_currency(corridor, prices.services, currency), amount,
                                               receive_amount)
    filtering = bool(filters.active)
    services = [(s, i) for s, i in in_currency if filters.matches(s)] if filtering else in_currency
    quotes, not_available = _priced_quotes(services, prices, amount, receive_amount)
    info = {i.product_id: i for _, i in services}
    receive_currency = services[0][0].receive_currency if services else corridor.receive_currency
    return Comparison(corridor=corridor, send_currency=currency, receive_currency=receive_currency,
                      amount=amount, receive_amount=receive_amount, quotes=rank(quotes), info=info,
                      not_available=not_available, survey_period=prices.period, filters=filters,
                      excluded=len(in_currency) - len(services), services_total=len(in_currency),
                      warnings=_warnings(quotes, info, prices.period, on, limits),
                      unrecorded=_unrecorded(services, filters) if filtering else {},
                      data_dates=_data_dates(quotes, info, prices.period, on, limits))


def _in_currency(corridor: Corridor, built: list[tuple[Service, ServiceInfo]], currency: str
                 ) -> list[tuple[Service, ServiceInfo]]:
    """The corridor's services that send `currency`; a currency it is not priced in is refused."""
    currencies = sorted({s.send_currency for s, _ in built} or {corridor.send_currency})
    if currency not in currencies:
        raise CurrencyNotPriced(msg(
            "currency_not_priced", "%(corridor)s is priced in %(currencies)s, not in %(currency)s.",
            corridor=corridor.code, currencies=currencies, currency=currency), field="currency",
            extra={"currencies": currencies})
    return [(s, i) for s, i in built if s.send_currency == currency]


def _priced_quotes(services: list[tuple[Service, ServiceInfo]], prices: CorridorPrices, amount: Decimal | None,
                   receive_amount: Decimal | None) -> tuple[list[Quote], list[tuple[ServiceInfo, Message]]]:
    """Each service's quote for the amount to send (or the smallest that delivers the amount to
    receive), and why each service that has none has none."""
    quotes, not_available = [], []
    for service, info in services:
        if amount is not None:
            result = prices.prepared[service.key].quote(amount)
        else:
            result = prices.prepared[service.key].smallest_send_for(receive_amount)
        if result is not None:
            quotes.append(result)
        elif amount is not None:
            not_available.append((info, msg("not_this_amount", "does not take this amount")))
        else:
            not_available.append((info, msg(
                "payout_unknown", "cannot say what it pays out (no reference rate or exchange rate not disclosed)")
                if service.reference_rate is None or not service.transparent
                else msg("cannot_deliver", "cannot deliver this amount")))
    return quotes, not_available


def _warnings(quotes: list[Quote], info: dict[str, ServiceInfo], period: str | None, on: dt.date,
              limits: caveats.Freshness) -> dict[str, tuple[str, ...]]:
    """Each quote's warnings, how old the data is worked out once per survey quarter and rate date
    rather than per quote."""
    survey_stale = caveats.survey_is_stale(period, on, limits)
    rate_stale: dict[dt.date | None, bool] = {}
    warnings = {}
    for q in quotes:
        if q.service.basis is Basis.OBSERVED:  # priced at the rate of its own day: its age is the price's
            warnings[q.service.key] = caveats.warnings_given(q, stale=caveats.observation_is_stale(
                info[q.service.key].collected_at, on, limits))
            continue
        as_of = info[q.service.key].reference_rate_as_of if q.reference_rate is not None else None
        if as_of not in rate_stale:
            rate_stale[as_of] = caveats.rate_is_stale(as_of, on, limits)
        warnings[q.service.key] = caveats.warnings_given(
            q, stale=rate_stale[as_of] or (q.service.basis is Basis.SURVEY and survey_stale))
    return warnings


def _unrecorded(services, filters: Filters) -> dict[str, tuple[str, ...]]:
    found = {}
    for service, _ in services:
        names = filters.unrecorded(service)
        if names:
            found[service.key] = names
    return found


def _data_dates(quotes: list[Quote], info: dict[str, ServiceInfo], period: str | None, on: dt.date,
                limits: caveats.Freshness) -> list[DataDate]:
    dates = []
    if period is not None and any(q.service.basis is Basis.SURVEY for q in quotes):
        first, last = caveats.quarter_bounds(period)
        dates.append(DataDate("survey", first, last, period, caveats.age(last, on),
                              caveats.survey_is_stale(period, on, limits)))
    rate_days = sorted({info[q.service.key].reference_rate_as_of for q in quotes if q.reference_rate is not None
                        and info[q.service.key].reference_rate_as_of is not None
                        and q.service.basis is not Basis.OBSERVED})
    for day in rate_days:
        dates.append(DataDate("rate", day, day, None, caveats.age(day, on), caveats.rate_is_stale(day, on, limits)))
    return dates


# A send currency remit holds no reference rate for: the survey's own figures in US dollars.

@dataclass(frozen=True)
class UsdFigure:
    """A surveyed service's cost at one of the survey's price points, in US dollars as surveyed."""

    amount_usd: Decimal
    cost_usd: Decimal | None
    total_cost_pct: Decimal | None
    negative_margin: bool


@dataclass(frozen=True)
class UsdService:
    """A surveyed service at one price point, its cost in US dollars as surveyed."""

    info: ServiceInfo
    transparent: bool
    figure: UsdFigure


@dataclass(frozen=True)
class UsdSurvey:
    """Why the corridor is shown in US dollars, and its services of the latest survey quarter at each
    price point (USD 200, USD 500), cheapest first: RPW surveys each point as its own quote."""

    currency: str  # the send currency remit holds no rate for
    period: str | None
    points: list[tuple[Decimal, list[UsdService]]]

    @property
    def services(self) -> int:
        return sum(len(services) for _, services in self.points)


def needs_usd(corridor: Corridor, on: dt.date) -> bool:
    """Whether remit holds no reference rate from US dollars to the corridor's send currency: the
    survey's prices (set in USD) cannot then be turned into it, and no rate is guessed."""
    return corridor.send_currency != "USD" and RateBook.load(on).get("USD", corridor.send_currency) is None


_usd_cache = VersionedCache(size=256)


def survey_in_usd(corridor: Corridor, on: dt.date | None = None) -> UsdSurvey:
    """The corridor's services of its latest survey quarter with the survey's figures in US dollars (cost
    at USD 200 and USD 500, percentages as surveyed), cheapest first; built once per data version."""
    on = on or dt.date.today()

    def build() -> UsdSurvey:
        period = latest_survey_period(corridor)
        by_point: dict[Decimal, list[UsdService]] = {}
        for obs in survey_observations(corridor, period) if period else []:
            info = _usd_info(obs, period)
            for p in obs.price_points:
                figure = UsdFigure(p.amount_usd, survey_cost_usd(p.amount_usd, p.total_cost_pct, p.cost_usd),
                                   p.total_cost_pct, p.fx_margin_pct is not None and p.fx_margin_pct < 0)
                by_point.setdefault(p.amount_usd, []).append(UsdService(info, obs.transparent, figure))
        return UsdSurvey(corridor.send_currency, period,
                         [(amount, sorted(found, key=_usd_order)) for amount, found in sorted(by_point.items())])

    with snapshot():
        return _usd_cache.get((corridor.id, on, data_version(on)), build)


def _usd_order(service: UsdService):
    """Cheapest first; a quote without a cost last; then by provider."""
    pct = service.figure.total_cost_pct
    return pct is None, pct if pct is not None else 0, service.info.provider_name.lower()


def _usd_info(obs: SurveyObservation, period: str) -> ServiceInfo:
    name = rpw_service_name(obs.instrument, obs.access_point)
    return ServiceInfo(
        product_id=f"rpw-{obs.id}", provider_slug=obs.provider.slug, provider_name=obs.provider.name,
        provider_type=obs.provider.type or vocabulary.rpw_firm_type(obs.firm_type), product_name=name,
        funding_method=vocabulary.rpw_funding(obs.instrument),
        payout_method=vocabulary.rpw_payout(obs.pickup_method, obs.instrument), speed=vocabulary.rpw_speed(obs.speed),
        regions=(), accepted_ids=(), data_as_of=period, data_period=period, collected_at=None,
        source=survey_source(period), reference_rate_as_of=None, reference_rate_source=None,
        product_terms=rpw_terms(obs.instrument, obs.access_point))
