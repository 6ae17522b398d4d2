"""Reference (mid-market) rates: the latest known for a pair, its inverse, or one derived through the
euro (two rates of the same day, as the European Central Bank publishes them) or through USD.

Of the ways to get a pair's rate the latest wins; on the same day, the pair's own rate comes before its
inverse, which comes before one derived through EUR, then through USD. A derived rate says how it was
made in its source. A currency no rate reaches has no rate: nothing is guessed.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from ..domain.messages import msg
from ..models import ReferenceRate
from .snapshot import reads, snapshot
from .versions import VersionedCache, data_version

PIVOT = "USD"
EURO = "EUR"


@dataclass(frozen=True)
class KnownRate:
    base: str
    quote: str
    rate: Decimal
    as_of: dt.date
    source: str
    derived: bool = False


# Books kept per data version and date: a rate changes only with an import (or the date).
_books = VersionedCache(size=16)


class RateBook:
    """The latest reference rate of every pair (on or before `on`), and the euro rates of the days that
    are the latest of some euro pair (what a same-day cross through EUR needs). Loaded once per data
    version and date, whatever the number of rates stored (the ECB's history holds 190,000)."""

    def __init__(self, rows: list[ReferenceRate], on: dt.date, euro_days: list[ReferenceRate] = ()):
        self.on = on
        self._latest: dict[tuple[str, str], KnownRate] = {}
        for row in rows:
            if row.as_of > on:
                continue
            key = (row.base_currency, row.quote_currency)
            known = self._latest.get(key)
            if known is None or row.as_of > known.as_of:
                self._latest[key] = KnownRate(row.base_currency, row.quote_currency, row.rate, row.as_of, row.source)
        self._days: dict[tuple[str, str, dt.date], KnownRate] = {
            (row.base_currency, row.quote_currency, row.as_of): KnownRate(
                row.base_currency, row.quote_currency, row.rate, row.as_of, row.source)
            for row in (*rows, *euro_days) if row.as_of <= on and EURO in (row.base_currency, row.quote_currency)}

    @classmethod
    def load(cls, on: dt.date | None = None) -> RateBook:
        on = on or dt.date.today()
        with snapshot():  # what is kept for a version is the tables as they were at that version
            return _books.get((on, data_version(on)), lambda: cls._read(on))

    @classmethod
    def _read(cls, on: dt.date) -> RateBook:
        """One query per currency pair, each reading the pair's index from its latest day down.

        Whether a row is in force is computed, not filtered on: with `retired_by_import_id IS NULL` in
        the WHERE clause SQLite walks that column's index, every rate in force, for each pair."""
        table = ReferenceRate
        in_force = func.coalesce(table.retired_by_import_id, 0) == 0
        pairs = reads().execute(select(table.base_currency, table.quote_currency).distinct()).all()
        rows = []
        for base, quote in pairs:
            found = reads().execute(select(table).where(
                table.base_currency == base, table.quote_currency == quote, table.as_of <= on, in_force)
                .order_by(table.as_of.desc()).limit(1)).scalar()
            if found is not None:
                rows.append(found)
        days = sorted({row.as_of for row in rows if EURO in (row.base_currency, row.quote_currency)})
        euro_days = []
        for row in rows:
            if days and EURO in (row.base_currency, row.quote_currency):
                euro_days += reads().execute(select(table).where(
                    table.base_currency == row.base_currency, table.quote_currency == row.quote_currency,
                    table.as_of.in_(days), in_force)).scalars()
        return cls(rows, on, euro_days)

    @staticmethod
    def _inverse(found: KnownRate) -> KnownRate:
        return KnownRate(found.quote, found.base, Decimal(1) / found.rate, found.as_of,
                         msg("rate_inverse", "inverse of %(base)s→%(quote)s: %(source)s", base=found.base,
                             quote=found.quote, source=found.source), derived=True)

    def _one_step(self, base: str, quote: str) -> KnownRate | None:
        direct = self._latest.get((base, quote))
        inverse = self._latest.get((quote, base))
        if direct and (not inverse or direct.as_of >= inverse.as_of):
            return direct
        return self._inverse(inverse) if inverse else None

    def _euro_on(self, code: str, day: dt.date) -> KnownRate | None:
        """EUR→code on that day: the stored rate, or the inverse of code→EUR."""
        direct = self._days.get((EURO, code, day))
        if direct is not None:
            return direct
        inverse = self._days.get((code, EURO, day))
        return self._inverse(inverse) if inverse is not None else None

    def _through_euro(self, base: str, quote: str) -> KnownRate | None:
        """base→quote from the two euro rates of one day: the latest day both were published."""
        first, second = self._one_step(EURO, base), self._one_step(EURO, quote)
        if first is None or second is None:
            return None
        day = min(first.as_of, second.as_of)
        first, second = self._euro_on(base, day), self._euro_on(quote, day)
        if first is None or second is None:
            return None
        sources = list(dict.fromkeys((first.source, second.source)))
        return KnownRate(base, quote, second.rate / first.rate, day, msg(
            "rate_through_euro", "derived through EUR from the rates of %(day)s: %(sources)s",
            day=day, sources=sources), derived=True)

    def _through_usd(self, base: str, quote: str) -> KnownRate | None:
        first, second = self._one_step(base, PIVOT), self._one_step(PIVOT, quote)
        if first is None or second is None:
            return None
        return KnownRate(base, quote, first.rate * second.rate, min(first.as_of, second.as_of),
                         msg("rate_crossed", "crossed through %(pivot)s: %(first)s; %(second)s", pivot=PIVOT,
                             first=first.source, second=second.source), derived=True)

    def currencies(self) -> list[str]:
        """The currencies some reference rate names (each reaches the others through EUR or USD, or not)."""
        return sorted({code for pair in self._latest for code in pair})

    def get(self, base: str, quote: str) -> KnownRate | None:
        if base == quote:
            return KnownRate(base, quote, Decimal(1), self.on, msg("rate_same_currency", "same currency"))
        candidates = [self._one_step(base, quote)]
        if EURO not in (base, quote):
            candidates.append(self._through_euro(base, quote))
        if PIVOT not in (base, quote):
            candidates.append(self._through_usd(base, quote))
        # The latest; on the same day, in the order above.
        ranked = [(rate.as_of, -order, rate) for order, rate in enumerate(candidates) if rate is not None]
        return max(ranked, key=lambda item: item[:2])[2] if ranked else None
