"""Rounding rules, applied once, at output.

Half up, as the World Bank rounds; except the amount received, which is rounded down, because a
provider never pays out a fraction it did not convert.
"""
from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from functools import lru_cache

HUNDRED = Decimal(100)
_HUNDREDTH = Decimal("0.01")


@lru_cache(maxsize=32)
def unit(minor_unit: int) -> Decimal:
    """The smallest amount of a currency with `minor_unit` decimals: 0.01 for 2 (made once per count)."""
    return Decimal(1).scaleb(-minor_unit)


# quantize(exponent, rounding) is given its rounding by position: by keyword, the call takes twice as
# long (a plan of a thousand members rounds some ten thousand figures).


def round_money(amount: Decimal, minor_unit: int) -> Decimal:
    return amount.quantize(unit(minor_unit), ROUND_HALF_UP)


def round_down(amount: Decimal, minor_unit: int) -> Decimal:
    return amount.quantize(unit(minor_unit), ROUND_FLOOR)


def round_up(amount: Decimal, minor_unit: int) -> Decimal:
    return amount.quantize(unit(minor_unit), ROUND_CEILING)


def round_pct(value: Decimal) -> Decimal:
    return value.quantize(_HUNDREDTH, ROUND_HALF_UP)


def round_rate(value: Decimal, places: int = 6) -> Decimal:
    return value.quantize(unit(places), ROUND_HALF_UP)
