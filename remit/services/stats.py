"""Corridor statistics: computed from RPW survey quotes; RPW's published averages for the quarters whose
quotes are not held; from fee tables where a corridor is not surveyed."""
from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from .. import codes
from ..domain.money import convert
from ..domain.pricing import quote
from ..domain.stats import CorridorStats, ServiceCost, corridor_stats, published_stats, yearly_saving
from ..models import Corridor, PublishedAverage, SurveyObservation, SurveyPricePoint
from ..domain.vocabulary import rpw_speed
from ..domain.caveats import (HALF_YEARLY, age, frequency, next_quarter, quarter_bounds, quarter_of, rate_is_stale,
                              survey_is_stale)
from ..domain.errors import NotFound
from ..domain.messages import Message, msg
from . import catalog, observations
from .comparison import (DataDate, fee_table_services, freshness, observed_source, survey_observations,
                         survey_source)
from .rates import RateBook
from .snapshot import consistent, reads, snapshot
from .versions import VersionedCache, data_version

PRICE_POINTS_USD = (Decimal(200), Decimal(500))
SURVEY, PUBLISHED, FEE_TABLE = "survey", "published", "fee_table"


class UnknownPeriod(NotFound):
    """No statistics for the quarter asked for."""


@dataclass(frozen=True)
class PeriodStats:
    period: str
    # survey (computed from the quotes held), published (RPW's published average and cheapest quote,
    # nothing per service) or fee_table (remit's fee tables, for a corridor RPW does not survey)
    basis: str
    stats: CorridorStats
    source: str
    # The USD 200 price point in the send currency, what a migrant sending it monthly saves in a year
    # with the cheapest service instead of the average one.
    monthly_amount: Decimal | None
    yearly_saving: Decimal | None
    # The data the figures rest on, how old it is and whether past its limit (the quotes' rules): the
    # survey quarter; for fee tables, the reference rate their quotes are priced at.
    data_date: DataDate | None = None
    illustrative: bool = False  # some of the fee tables the figures come from are flagged illustrative


def survey_periods(corridor: Corridor) -> list[str]:
    return sorted(reads().execute(
        select(SurveyObservation.period).where(
            SurveyObservation.corridor_id == corridor.id, SurveyObservation.retired_by_import_id.is_(None))
        .distinct()
    ).scalars())


def published_figures(corridor: Corridor) -> dict[str, PublishedAverage]:
    """period → RPW's published figures in force for the corridor."""
    return {row.period: row for row in reads().execute(
        select(PublishedAverage).where(PublishedAverage.corridor_id == corridor.id,
                                       PublishedAverage.retired_by_import_id.is_(None))).scalars()}


def held_periods(corridor: Corridor) -> dict[str, str]:
    """Every quarter with RPW data, oldest first → its basis: survey where quotes are held (they are
    what the statistics are computed from), published where only RPW's published figures are."""
    periods = {period: PUBLISHED for period in published_figures(corridor)}
    periods.update((period, SURVEY) for period in survey_periods(corridor))
    return dict(sorted(periods.items()))


def _survey_costs(corridor: Corridor, period: str) -> list[ServiceCost]:
    return [_service_cost(obs.id, obs.firm, obs.instrument, obs.transparent, obs.speed,
                          {p.amount_usd: (p.total_cost_pct, p.fx_margin_pct) for p in obs.price_points})
            for obs in survey_observations(corridor, period)]


def _service_cost(obs_id: int, firm: str, instrument: str | None, transparent: bool, speed: str | None,
                  points: dict[Decimal, tuple[Decimal | None, Decimal | None]]) -> ServiceCost:
    """A surveyed service as the statistics count it; `points`: amount in USD → (total cost %, margin %)."""
    at_200, at_500 = points.get(Decimal(200)), points.get(Decimal(500))
    return ServiceCost(
        key=f"rpw-{obs_id}", name=" · ".join(x for x in (firm, instrument) if x),
        transparent=transparent, speed=rpw_speed(speed),
        total_cost_pct_200=at_200[0] if at_200 else None,
        total_cost_pct_500=at_500[0] if at_500 else None,
        negative_margin=bool(at_200 and at_200[1] is not None and at_200[1] < 0),
        provider=firm, terms=(instrument,) if instrument else (),
    )


# The survey's rows are only ever added (an import, or a revert's copies) and retired (by an import or
# a revert), never changed: how many there are, how many are in force and the newest id change with
# every change to them. The costs of 13,000 surveyed services, some 200 ms, are then worked out once per
# state of the survey, not again after every fee-table or rate import (the list of corridors is built
# anew at each one, and every request waiting for it waited that long).
_SURVEY_STATE = select(func.count(SurveyObservation.id), func.count(SurveyObservation.retired_by_import_id),
                       func.max(SurveyObservation.id))
_costs_by_survey_state = VersionedCache(size=2)


def _latest_survey_costs(latest: dict[int, str]) -> dict[int, list[ServiceCost]]:
    """corridor id → the services of its quarter in `latest`, for every corridor in one query (the list of
    corridors needs them all; a corridor's own page reads its own through stats_for). Kept per state
    of the survey's rows and the quarters asked for."""
    state = tuple(reads().execute(_SURVEY_STATE).one())
    return _costs_by_survey_state.get(("survey costs", state, tuple(sorted(latest.items()))),
                                       lambda: _read_survey_costs(latest))


def _read_survey_costs(latest: dict[int, str]) -> dict[int, list[ServiceCost]]:
    rows = reads().execute(
        select(SurveyObservation.id, SurveyObservation.corridor_id, SurveyObservation.period, SurveyObservation.firm,
               SurveyObservation.instrument, SurveyObservation.transparent, SurveyObservation.speed,
               SurveyPricePoint.amount_usd, SurveyPricePoint.total_cost_pct, SurveyPricePoint.fx_margin_pct)
        .outerjoin(SurveyPricePoint, SurveyPricePoint.observation_id == SurveyObservation.id)
        .where(SurveyObservation.retired_by_import_id.is_(None))
        .order_by(SurveyObservation.id, SurveyPricePoint.id)).all()
    services: dict[int, tuple] = {}
    points: dict[int, dict] = {}
    for obs_id, corridor_id, period, firm, instrument, transparent, speed, amount, total, margin in rows:
        if latest.get(corridor_id) != period:
            continue
        if obs_id not in services:
            services[obs_id] = (corridor_id, firm, instrument, transparent, speed)
            points[obs_id] = {}
        if amount is not None:
            points[obs_id][amount] = (total, margin)
    costs: dict[int, list[ServiceCost]] = {}
    for obs_id, (corridor_id, firm, instrument, transparent, speed) in services.items():
        costs.setdefault(corridor_id, []).append(_service_cost(obs_id, firm, instrument, transparent, speed,
                                                               points[obs_id]))
    return costs


def _fee_table_costs(corridor: Corridor, rates: RateBook, on: dt.date) -> list[ServiceCost]:
    usd = rates.get("USD", corridor.send_currency)
    if usd is None:
        return []
    costs = []
    for service, info in fee_table_services(corridor, rates, on):
        if service.send_currency != corridor.send_currency:
            continue
        results = [quote(service, convert(usd_amount, usd.rate, service.send_minor_unit))
                   for usd_amount in PRICE_POINTS_USD]
        pcts = [r.total_cost_pct if r is not None else None for r in results]
        if any(p is not None for p in pcts):
            costs.append(ServiceCost(service.key, f"{info.provider_name} · {info.product_name}",
                                     service.transparent, service.speed, pcts[0], pcts[1],
                                     negative_margin=results[0] is not None and results[0].negative_margin,
                                     illustrative=info.illustrative))
    return costs


def _saving(stats: CorridorStats, monthly_amount: Decimal | None) -> Decimal | None:
    # Against the cheapest service that did not beat the mid-market rate: a promotion is not a year's price.
    # A published quarter does not say whether its cheapest quote was one: no saving is given for it.
    regular = stats.regular_cheapest
    if monthly_amount is None or stats.average_total_cost_pct_200 is None or regular is None:
        return None
    return yearly_saving(monthly_amount, stats.average_total_cost_pct_200, regular.total_cost_pct_200)


def _monthly_amount(corridor: Corridor, rates: RateBook) -> Decimal | None:
    """USD 200 in the send currency, half up to its minor unit."""
    usd = rates.get("USD", corridor.send_currency)
    return convert(PRICE_POINTS_USD[0], usd.rate, codes.minor_unit(corridor.send_currency)) if usd else None


def _rpw_stats(corridor: Corridor, period: str, basis: str, published: dict[str, PublishedAverage],
               monthly: Decimal | None, on: dt.date, costs: list[ServiceCost] | None = None) -> PeriodStats:
    """The quarter's statistics; `costs`: its services when the caller has read them already."""
    if basis == SURVEY:
        stats = corridor_stats(costs if costs is not None else _survey_costs(corridor, period))
    else:
        figures = published[period]
        stats = published_stats(figures.avg_cost_pct, figures.cheapest_cost_pct)
    first, last = quarter_bounds(period)
    when = DataDate("survey", first, last, period, age(last, on), survey_is_stale(period, on, freshness()))
    return PeriodStats(period, basis, stats, survey_source(period), monthly, _saving(stats, monthly), when)


def _unknown(corridor: Corridor, period: str, periods) -> UnknownPeriod:
    return UnknownPeriod(msg("period_not_surveyed", "no survey data for %(corridor)s in %(period)s; surveyed: %(periods)s",
                             corridor=corridor.code, period=period, periods=list(periods)), field="period")


_period_stats = VersionedCache(size=512)


@consistent
def stats_for(corridor: Corridor, period: str | None = None, on: dt.date | None = None,
              rates: RateBook | None = None) -> PeriodStats:
    """The corridor's statistics for a quarter with RPW data (the latest by default), computed from its
    quotes where they are held, else RPW's published figures; a corridor that RPW does not survey gets
    them from its fee tables, for the current quarter. Built once per corridor, quarter, data version,
    date and freshness limits (every results page shows them), and shared: callers do not change it."""
    on = on or dt.date.today()
    if rates is None:
        return _period_stats.get((corridor.id, period, on, data_version(on), freshness()),
                                 lambda: _stats_for(corridor, period, on, RateBook.load(on)))
    return _stats_for(corridor, period, on, rates)


def _stats_for(corridor: Corridor, period: str | None, on: dt.date, rates: RateBook) -> PeriodStats:
    periods = held_periods(corridor)
    monthly = _monthly_amount(corridor, rates)
    if periods:
        chosen = period or list(periods)[-1]
        if chosen not in periods:
            raise _unknown(corridor, chosen, periods)
        published = published_figures(corridor) if periods[chosen] == PUBLISHED else {}
        return _rpw_stats(corridor, chosen, periods[chosen], published, monthly, on)
    current = quarter_of(on)
    if period is not None and period != current:
        raise UnknownPeriod(msg("period_fee_tables_only",
                                "%(corridor)s is not surveyed by RPW; fee-table statistics exist only for the current "
                                "quarter, %(current)s", corridor=corridor.code, current=current), field="period")
    costs = _fee_table_costs(corridor, rates, on)
    stats = corridor_stats(costs)
    rate = rates.get(corridor.send_currency, corridor.receive_currency)
    when = None if rate is None else DataDate("rate", rate.as_of, rate.as_of, None, age(rate.as_of, on),
                                              rate_is_stale(rate.as_of, on, freshness()))
    return PeriodStats(current, FEE_TABLE, stats,
                       msg("source_fee_tables", "remit fee tables in force on %(date)s", date=on),
                       monthly, _saving(stats, monthly), when, illustrative=any(c.illustrative for c in costs))


_trends = VersionedCache(size=64)


@consistent
def trend(corridor: Corridor, on: dt.date | None = None, rates: RateBook | None = None) -> list[PeriodStats]:
    """Every quarter held, oldest first: computed where the quotes are held, published elsewhere. Built
    once per corridor, data version, date and freshness limits, and shared: callers do not change it."""
    on = on or dt.date.today()
    if rates is None:
        return _trends.get((corridor.id, on, data_version(on), freshness()),
                           lambda: _trend(corridor, on, RateBook.load(on)))
    return _trend(corridor, on, rates)


def _trend(corridor: Corridor, on: dt.date, rates: RateBook) -> list[PeriodStats]:
    periods = held_periods(corridor)
    if not periods:
        return [stats_for(corridor, on=on, rates=rates)]
    published = published_figures(corridor)
    monthly = _monthly_amount(corridor, rates)
    return [_rpw_stats(corridor, period, basis, published, monthly, on) for period, basis in periods.items()]


def quarter_range(first: str, last: str) -> list[str]:
    """Every quarter from `first` to `last`, both included: 2024Q3 … 2025Q3."""
    found = []
    period = first
    while period <= last:
        found.append(period)
        period = next_quarter(period)
    return found


@dataclass(frozen=True)
class QuarterLine:
    """A quarter of a corridor's trend. `figure`: the statistics of this quarter when RPW has a figure for
    it; `covered_by`: the quarter whose figures cover this one, itself when it holds a figure, the one
    before for the second quarter of a half-yearly survey (RPW until 2013), None for a gap (RPW
    published nothing for it, or remit has not imported it: shown as one, never filled)."""

    period: str
    figure: PeriodStats | None
    covered_by: str | None
    frequency: str | None  # quarterly or half_yearly: the cadence of the figure that covers it; None for a gap
    basis: str | None  # the covering figure's basis; None for a gap

    @property
    def gap(self) -> bool:
        return self.covered_by is None

    @property
    def half_year_second(self) -> bool:
        """The quarter after a half-yearly survey's: covered by its figure, with none of its own."""
        return self.covered_by is not None and self.covered_by != self.period


def with_gaps(history: list[PeriodStats]) -> list[QuarterLine]:
    """The trend over every quarter from the first held to the last: each held quarter with its figure,
    the quarter after a half-yearly survey's (until 2013) covered by that figure, and every other one a
    gap (the quarter after the last held is not listed: it is not yet a gap)."""
    if not history or history[0].basis == FEE_TABLE:
        return [QuarterLine(p.period, p, p.period, frequency(p.period), p.basis)
                for p in history]
    held = {p.period: p for p in history}
    lines = []
    for period in quarter_range(history[0].period, history[-1].period):
        figure = held.get(period)
        if figure is not None:
            lines.append(QuarterLine(period, figure, period, frequency(period), figure.basis))
            continue
        before = lines[-1] if lines else None
        if before is not None and before.figure is not None and before.frequency == HALF_YEARLY:
            lines.append(QuarterLine(period, None, before.period, HALF_YEARLY, before.basis))
        else:
            lines.append(QuarterLine(period, None, None, None, None))
    return lines


def _folded(text: str) -> str:
    """Letters without accents or case: how a search compares names ("peru" finds Perú)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


def _names_match(summary: catalog.CorridorSummary, search: str, name) -> bool:
    wanted = _folded(search)
    for country in (summary.send_country, summary.receive_country):
        record = codes.country_record(country)
        if wanted in _folded(name(country)) or wanted.upper() in (country, record.alpha_3 if record else None):
            return True
    return False


def _latest_published(latest: dict[int, str]) -> dict[int, dict[str, PublishedAverage]]:
    """corridor id → {its quarter in `latest`: RPW's published figures in force}, in one query."""
    found: dict[int, dict[str, PublishedAverage]] = {corridor_id: {} for corridor_id in latest}
    if latest:
        for row in reads().execute(select(PublishedAverage).where(
                PublishedAverage.corridor_id.in_(list(latest)), PublishedAverage.retired_by_import_id.is_(None))).scalars():
            if latest[row.corridor_id] == row.period:
                found[row.corridor_id][row.period] = row
    return found


# Where a corridor stands against the UN target of 3% (SDG 10.c), by its latest average at USD 200.
STATUSES = ("met", "between", "above", "unknown")
SORTS = ("country", "cost", "cost_desc", "date")


@dataclass(frozen=True)
class CorridorLine:
    """A corridor as the list of corridors shows it: what it is and its latest statistics."""

    summary: catalog.CorridorSummary
    latest: PeriodStats

    @property
    def status(self) -> str:
        stats = self.latest.stats
        if stats.average_total_cost_pct_200 is None:
            return "unknown"
        return "met" if stats.sdg_target_met else "above" if stats.above_5pct else "between"


_lines = VersionedCache(size=8)


def corridor_lines(on: dt.date | None = None) -> list[CorridorLine]:
    """Every corridor held with its latest statistics, built once per data version and date."""
    on = on or dt.date.today()
    limits = freshness()

    def build() -> list[CorridorLine]:
        rates = RateBook.load(on)
        corridors = {c.code: c for c in reads().execute(select(Corridor)).scalars()}
        summaries = catalog.corridor_summaries(on)
        surveyed = {corridors[s.code].id: s.latest_period for s in summaries if s.latest_basis == SURVEY}
        costs = _latest_survey_costs(surveyed)
        published = _latest_published({corridors[s.code].id: s.latest_period for s in summaries
                                       if s.latest_basis == PUBLISHED})
        lines = []
        for summary in summaries:
            corridor = corridors[summary.code]
            if summary.latest_basis == SURVEY:
                latest = _rpw_stats(corridor, summary.latest_period, SURVEY, {}, _monthly_amount(corridor, rates), on,
                                    costs.get(corridor.id, []))
            elif summary.latest_basis == PUBLISHED:
                latest = _rpw_stats(corridor, summary.latest_period, PUBLISHED, published[corridor.id],
                                    _monthly_amount(corridor, rates), on)
            else:
                latest = stats_for(corridor, on=on, rates=rates)
            lines.append(CorridorLine(summary, latest))
        return lines

    with snapshot():
        return _lines.get((on, data_version(on), limits), build)


def corridor_list(*, send: str | None = None, receive: str | None = None, status: str | None = None,
                  sort: str = "country", name=str, order=None, search: str | None = None,
                  on: dt.date | None = None) -> tuple[list[CorridorLine], int]:
    """The corridors that match, in the order asked for, and how many corridors are held in all.

    `search`: a part of the sending or the receiving country's name (`name`, the reader's), letters
    compared without case or accents, or its ISO code. Sorts: country (receiving, then sending, by
    `order` of their names), cost (lowest average first), cost_desc, date (newest data first). A
    corridor without the figure sorted on comes last."""
    lines = corridor_lines(on)
    order = order or (lambda text: text)
    found = [line for line in lines if (send is None or line.summary.send_country == send)
             and (receive is None or line.summary.receive_country == receive)
             and (status is None or line.status == status)]
    if search:
        found = [line for line in found if _names_match(line.summary, search, name)]

    def by_country(line: CorridorLine):
        return order(name(line.summary.receive_country)), order(name(line.summary.send_country))

    found.sort(key=by_country)
    if sort in ("cost", "cost_desc"):
        known = [line for line in found if line.latest.stats.average_total_cost_pct_200 is not None]
        known.sort(key=lambda line: line.latest.stats.average_total_cost_pct_200, reverse=sort == "cost_desc")
        found = known + [line for line in found if line.latest.stats.average_total_cost_pct_200 is None]
    elif sort == "date":
        dated = [line for line in found if line.summary.data_as_of is not None]
        dated.sort(key=lambda line: line.summary.data_as_of, reverse=True)
        found = dated + [line for line in found if line.summary.data_as_of is None]
    return found, len(lines)


@dataclass(frozen=True)
class RoundStats:
    """A round of observed prices (a corridor and month) as statistics: of each service, its published
    observation of the round (the latest), its total cost % at the amount observed; the average, SmaRT
    (the three cheapest, as RPW's) and the UN targets as for a quarter (remit.domain.stats). Beside it,
    RPW's figures for the quarter the month falls in, where remit holds them."""

    round: str  # CA-GT:2026-11
    month: str
    stats: CorridorStats  # at the amounts observed: `average_total_cost_pct_200` is their average
    source: Message
    send_amounts: tuple[Decimal, ...]  # the amounts observed, smallest first
    waiting_for_rate: int  # published observations left out: no reference rate of their day yet
    first_day: dt.date
    last_day: dt.date
    rpw: PeriodStats | None  # the RPW quarter of the month, where held


def month_quarter(month: str) -> str:
    """The quarter a month (YYYY-MM) falls in: 2026-11 → 2026Q4."""
    return f"{month[:4]}Q{(int(month[5:7]) - 1) // 3 + 1}"


@consistent
def observed_rounds(corridor: Corridor, organisation: str, max_age_days: int,
                    on: dt.date | None = None) -> list[RoundStats]:
    """Every round of the corridor with a published observation, oldest first. Submitted, rejected and
    superseded observations never count; one still waiting for a reference rate is left out and counted."""
    on = on or dt.date.today()
    by_month: dict[str, dict[int, object]] = {}
    for row in reversed(observations.published_rows(corridor)):  # oldest first: the latest of a service wins
        by_month.setdefault(row.month, {})[row.product_id or -row.id] = row
    periods = held_periods(corridor) if by_month else {}
    found = []
    for month in sorted(by_month):
        rows = list(by_month[month].values())
        costs, waiting = [], 0
        for row in rows:
            fig = observations.figures_of(row, max_age_days)
            if fig.waiting_for_rate:
                waiting += 1
                continue
            costs.append(ServiceCost(f"obs-{row.id}", f"{row.provider_name} · {row.product_name}", True, row.speed,
                                     fig.total_cost_pct, None, negative_margin=fig.fx_margin_pct < 0,
                                     provider=row.provider_name))
        quarter = month_quarter(month)
        rpw = stats_for(corridor, quarter, on=on) if quarter in periods else None
        name = f"{corridor.code}:{month}"
        found.append(RoundStats(name, month, corridor_stats(costs), observed_source(organisation, name),
                                tuple(sorted({r.send_amount for r in rows})), waiting,
                                min(r.observed_on for r in rows), max(r.observed_on for r in rows), rpw))
    return found
