"""Rounding rules and conversions, applied once: at output, or where money is charged.

Half up, as the World Bank rounds, and half up means towards the larger number, for negative amounts
too: 0.015 is 0.02 and −0.015 is −0.01 (a negative FX cost, where a rate beat the mid-market rate).
So rounding commutes with adding whole units: a fee charged in cents plus an FX cost rounded is the
two added and rounded (2.00 + −0.015: 2.00 − 0.01 = 1.99, and 1.985 is 1.99), and a total shown is
both its parts' sum and its exact value rounded. A negative amount that rounds to nothing is 0.00,
never −0.00. The amount received is rounded down instead, because a provider never pays out a
fraction it did not convert.

The figures a person is shown are the figures charged: a fee is charged in the currency's minor unit,
so it is rounded once, as charged; a conversion into a currency (USD 200 in the send currency, a fee
given in another currency) is rounded half up to that currency's minor unit (`convert`); an exchange
rate is applied as it is stated, to its decimals (`shown_rate`), so that anyone can check the amount
received with a calculator.
"""
from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_DOWN, ROUND_HALF_UP, Decimal
from functools import lru_cache

HUNDRED = Decimal(100)
_HUNDREDTH = Decimal("0.01")
_SMALL_RATE = Decimal("0.01")
_ZERO = Decimal(0)


@lru_cache(maxsize=32)
def unit(minor_unit: int) -> Decimal:
    """The smallest amount of a currency with `minor_unit` decimals: 0.01 for 2 (made once per count)."""
    return Decimal(1).scaleb(-minor_unit)


# quantize(exponent, rounding) is given its rounding by position: by keyword, the call is slower, and
# a plan of a thousand members rounds some ten thousand figures.


def half_up(value: Decimal, exponent: Decimal) -> Decimal:
    """`value` to the places of `exponent` (0.01: two), half up: 2.005 → 2.01, −0.015 → −0.01,
    −0.004 → 0.00. (Decimal's ROUND_HALF_UP rounds a negative half away from zero, down.)"""
    if value >= 0:
        return value.quantize(exponent, ROUND_HALF_UP)
    return value.quantize(exponent, ROUND_HALF_DOWN) + _ZERO  # + 0: −0.00 is 0.00


def round_money(amount: Decimal, minor_unit: int) -> Decimal:
    """Half up to the minor unit (half_up, written out: a plan rounds thousands of figures)."""
    if amount >= 0:
        return amount.quantize(unit(minor_unit), ROUND_HALF_UP)
    return amount.quantize(unit(minor_unit), ROUND_HALF_DOWN) + _ZERO


def round_down(amount: Decimal, minor_unit: int) -> Decimal:
    return amount.quantize(unit(minor_unit), ROUND_FLOOR)


def round_up(amount: Decimal, minor_unit: int) -> Decimal:
    return amount.quantize(unit(minor_unit), ROUND_CEILING)


def round_pct(value: Decimal) -> Decimal:
    return half_up(value, _HUNDREDTH)


def round_rate(value: Decimal, places: int = 6) -> Decimal:
    return half_up(value, unit(places))


def convert(amount: Decimal, rate: Decimal, minor_unit: int) -> Decimal:
    """`amount` converted at `rate` into a currency of `minor_unit` decimals, half up to that unit."""
    return half_up(amount * rate, unit(minor_unit))


def rate_places(value: Decimal) -> int:
    """The decimals an exchange rate is stated with: six; ten for a tiny rate (TZS→USD is 0.000651)."""
    return 6 if abs(value) >= _SMALL_RATE else 10


def shown_rate(value: Decimal) -> Decimal:
    """An exchange rate as it is stated and applied: half up to its decimals (rate_places)."""
    return half_up(value, unit(6 if abs(value) >= _SMALL_RATE else 10))
