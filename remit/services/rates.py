"""Reference (mid-market) rates: the latest known, inverted or crossed through USD when needed."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

from ..domain.messages import msg
from ..models import ReferenceRate
from .snapshot import reads

PIVOT = "USD"


@dataclass(frozen=True)
class KnownRate:
    base: str
    quote: str
    rate: Decimal
    as_of: dt.date
    source: str
    derived: bool = False


class RateBook:
    """Every current reference rate, loaded once per request (the table is small)."""

    def __init__(self, rows: list[ReferenceRate], on: dt.date):
        self.on = on
        self._latest: dict[tuple[str, str], KnownRate] = {}
        for row in rows:
            if row.as_of > on:
                continue
            key = (row.base_currency, row.quote_currency)
            known = self._latest.get(key)
            if known is None or row.as_of > known.as_of:
                self._latest[key] = KnownRate(row.base_currency, row.quote_currency, row.rate, row.as_of, row.source)

    @classmethod
    def load(cls, on: dt.date | None = None) -> RateBook:
        rows = reads().execute(select(ReferenceRate).where(ReferenceRate.retired_by_import_id.is_(None))).scalars()
        return cls(list(rows), on or dt.date.today())

    def _one_step(self, base: str, quote: str) -> KnownRate | None:
        direct = self._latest.get((base, quote))
        inverse = self._latest.get((quote, base))
        if direct and (not inverse or direct.as_of >= inverse.as_of):
            return direct
        if inverse:
            return KnownRate(base, quote, Decimal(1) / inverse.rate, inverse.as_of,
                             msg("rate_inverse", "inverse of %(base)s→%(quote)s: %(source)s", base=inverse.base,
                                 quote=inverse.quote, source=inverse.source), derived=True)
        return None

    def get(self, base: str, quote: str) -> KnownRate | None:
        if base == quote:
            return KnownRate(base, quote, Decimal(1), self.on, msg("rate_same_currency", "same currency"))
        found = self._one_step(base, quote)
        if found or PIVOT in (base, quote):
            return found
        first, second = self._one_step(base, PIVOT), self._one_step(PIVOT, quote)
        if first is None or second is None:
            return None
        return KnownRate(base, quote, first.rate * second.rate, min(first.as_of, second.as_of),
                         msg("rate_crossed", "crossed through %(pivot)s: %(first)s; %(second)s", pivot=PIVOT,
                             first=first.source, second=second.source), derived=True)
