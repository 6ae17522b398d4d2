"""What should stop a person from taking a price at face value, and how old the data behind it is.

Every quote carries the warnings that apply to it (the contract's `warnings`):
- `negative_margin` — the applied rate beat the mid-market reference rate (FX margin below 0): a
  promotion when surveyed, a reference rate out of step with the survey's, or an error in the data.
  Such a quote is not recommended as the cheapest (see ranking.rank_key);
- `stale` — the data is past its freshness limit: the reference rate is more than
  `rate_max_age_days` old, or the survey quarter ended more than `survey_max_age_days` ago;
- `not_transparent` — the provider did not disclose its exchange rate: the cost shown is the fee
  only, the real cost is higher;
- `estimate` — a survey price point (USD 200 or 500) stands in for another amount.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from .pricing import Quote

NEGATIVE_MARGIN = "negative_margin"
STALE = "stale"
NOT_TRANSPARENT = "not_transparent"
ESTIMATE = "estimate"
WARNINGS = (NEGATIVE_MARGIN, STALE, NOT_TRANSPARENT, ESTIMATE)

PERIOD = re.compile(r"^(\d{4})Q([1-4])$")


class Quarter(str):
    """A quarter written 2025Q3, as a message's parameter: the English text (logs, the API) keeps it so,
    and pages write it as their language writes a quarter (remit.i18n.quarter)."""


@dataclass(frozen=True)
class Freshness:
    """How old data may be before it is flagged `stale` (REMIT_RATE_MAX_AGE_DAYS, REMIT_SURVEY_MAX_AGE_DAYS)."""

    rate_max_age_days: int = 14
    survey_max_age_days: int = 365
    observation_max_age_days: int = 90  # REMIT_OBSERVATION_MAX_AGE_DAYS


def quarter_of(day: dt.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def quarter_bounds(period: str) -> tuple[dt.date, dt.date]:
    """First and last day of a quarter written 2025Q3."""
    match = PERIOD.match(period)
    if match is None:
        raise ValueError(f"not a quarter: {period!r}")
    year, quarter = int(match.group(1)), int(match.group(2))
    first = dt.date(year, 3 * quarter - 2, 1)
    last = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return first, last - dt.timedelta(days=1)


# RPW surveyed each corridor twice a year until 2013, in the first and the third quarter, and the World
# Bank names each survey by that quarter (2011Q1, 2011Q3): its figure covers the half-year, that
# quarter and the next. From 2013 Q1 the survey is quarterly.
QUARTERLY_FROM = "2013Q1"
QUARTERLY, HALF_YEARLY = "quarterly", "half_yearly"


def frequency(period: str) -> str:
    """How much time an RPW figure of `period` covers: half_yearly for a survey of the first or third
    quarter before 2013 (the quarter and the next), else quarterly. The same for a published figure and
    one computed from the quotes: it is the survey's cadence."""
    match = PERIOD.match(period)
    if match is None:
        raise ValueError(f"not a quarter: {period!r}")
    return HALF_YEARLY if period < QUARTERLY_FROM and match.group(2) in "13" else QUARTERLY


def next_quarter(period: str) -> str:
    year, quarter = int(period[:4]), int(period[5])
    return f"{year + 1}Q1" if quarter == 4 else f"{year}Q{quarter + 1}"


@dataclass(frozen=True)
class Age:
    """How long ago something was, in the unit a person would use."""

    days: int

    @property
    def unit(self) -> str:
        if self.days < 60:
            return "days"
        if self.days < 730:
            return "months"
        return "years"

    @property
    def count(self) -> int:
        if self.unit == "days":
            return self.days
        if self.unit == "months":
            return round(self.days / 30.4375)
        return self.days // 365


def age(since: dt.date, today: dt.date) -> Age:
    return Age(max(0, (today - since).days))


def rate_is_stale(as_of: dt.date | None, today: dt.date, limits: Freshness) -> bool:
    return as_of is not None and (today - as_of).days > limits.rate_max_age_days


def observation_is_stale(observed_on: dt.date | None, today: dt.date, limits: Freshness) -> bool:
    """An observed price is priced at the reference rate of its own day: it is as old as it was observed."""
    return observed_on is not None and (today - observed_on).days > limits.observation_max_age_days


def survey_is_stale(period: str | None, today: dt.date, limits: Freshness) -> bool:
    if period is None or PERIOD.match(period) is None:
        return False
    return (today - quarter_bounds(period)[1]).days > limits.survey_max_age_days


@lru_cache(maxsize=16)
def flags(*, negative_margin: bool, stale: bool, transparent: bool, estimated: bool) -> tuple[str, ...]:
    """The warnings that apply, in the contract's order (sixteen answers, each kept once made)."""
    return tuple(code for code, applies in ((NEGATIVE_MARGIN, negative_margin), (STALE, stale),
                                            (NOT_TRANSPARENT, not transparent), (ESTIMATE, estimated)) if applies)


def data_is_stale(*, rate_as_of: dt.date | None, has_rate: bool, survey_period: str | None, today: dt.date,
                  limits: Freshness) -> bool:
    """The amount received (and, for a fee table, the FX cost) rests on the reference rate; a survey
    price on the quarter it was surveyed in: either past its limit makes the data stale."""
    return rate_is_stale(rate_as_of if has_rate else None, today, limits) or survey_is_stale(survey_period, today,
                                                                                             limits)


def warnings(q: Quote, *, rate_as_of: dt.date | None, survey_period: str | None, today: dt.date,
             limits: Freshness) -> tuple[str, ...]:
    """The warnings of one quote, in the contract's order."""
    stale = data_is_stale(rate_as_of=rate_as_of, has_rate=q.reference_rate is not None, survey_period=survey_period,
                          today=today, limits=limits)
    return flags(negative_margin=q.negative_margin, stale=stale, transparent=q.transparent, estimated=q.estimated)


def warnings_given(q: Quote, *, stale: bool) -> tuple[str, ...]:
    """The warnings of one quote whose data's age is already judged (`stale`), in the contract's order."""
    return flags(negative_margin=q.negative_margin, stale=stale, transparent=q.transparent, estimated=q.estimated)
