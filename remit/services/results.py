"""The results page's answer: the corridor's quotes for an amount, its statistics and what the
recommended service saves against the corridor's average, all read from one state of the tables."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ..domain import stats as stats_rules
from ..domain.ranking import Filters
from ..models import Corridor
from . import comparison, stats
from .snapshot import snapshot


@dataclass
class Results:
    comparison: comparison.Comparison
    stats: stats.PeriodStats
    saving: Decimal | None  # on this transfer, with the recommended service instead of an average one
    saving_year: Decimal | None  # sending it every month
    # The send currency has no reference rate: the survey's own figures in US dollars instead of quotes.
    usd: comparison.UsdSurvey | None = None


def results(corridor: Corridor, currency: str, *, amount: Decimal | None = None,
            receive_amount: Decimal | None = None, filters: Filters | None = None,
            on: dt.date | None = None) -> Results:
    with snapshot():  # the quotes and the corridor's averages from the same state of the tables
        found = comparison.compare(corridor, currency, amount=amount, receive_amount=receive_amount,
                                   filters=filters, on=on)
        period_stats = stats.stats_for(corridor, on=on)
        usd = None
        if not found.quotes and comparison.needs_usd(corridor, on or dt.date.today()):
            usd = comparison.survey_in_usd(corridor, on)
    best = found.recommended
    average = period_stats.stats.average_total_cost_pct_200
    saving = saving_year = None
    if best is not None and average is not None:
        saving = stats_rules.saving(best.send_amount, average, best.total_cost_pct)
        saving_year = stats_rules.yearly_saving(best.send_amount, average, best.total_cost_pct)
    return Results(found, period_stats, saving, saving_year, usd)
