"""Observed prices: what a provider asked a resource centre's collector for one transfer on one day,
its cost worked out with the World Bank's methodology (remit.domain.pricing says how), and the checks
that flag what a reviewer should look at before the observation is published.

- The offered rate is the rate the provider stated (receive-currency units for one send-currency unit),
  or, when the collector noted the amount the family would receive instead, that amount over the amount
  sent, as stated (six decimals, half up). When both were noted they must agree: the amount sent at the
  rate, rounded down to the receive currency's minor unit, is the amount noted.
- The reference is the mid-market rate of the observation's day, or the nearest earlier one no more
  than `max_age_days` before it (REMIT_RATE_MAX_AGE_DAYS). Without one the observation waits for a
  rate: its fee is known, its margin is not, and nothing is priced against a guessed rate.
- FX margin % = (1 − offered / reference) × 100; FX cost = amount × margin, half up to the minor unit;
  total = fee + FX cost; total % = total / amount × 100; fee % = fee / amount × 100.

The hand-worked case: CAD 300, fee 9.99, 5.40 GTQ per CAD offered, reference 5.55 → margin 2.70%, FX
cost 8.11, total 18.10 (6.03%), the family receives GTQ 1,620.00.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from statistics import median

from .messages import Amount, Message, msg, msgn
from .money import HUNDRED, round_down, round_money, round_pct, shown_rate

HIGH_MARGIN_PCT = Decimal(10)  # a margin above this is flagged
HIGH_FEE_PCT = Decimal(20)  # a fee above this share of the amount is flagged
RATE_SPREAD_PCT = Decimal(5)  # a rate this far from the provider's others in the round is flagged

CHANNELS = ("in_person", "phone", "website", "app")
STATUSES = ("submitted", "approved", "rejected")
# The checks' flags, in the order `checks` gives them.
FLAGS = ("waiting_for_rate", "negative_margin", "high_margin", "high_fee", "rate_far", "outside_limits", "duplicate")


@dataclass(frozen=True)
class Reference:
    """A mid-market rate (send → receive currency), the day it is of and where it comes from."""

    rate: Decimal
    as_of: dt.date
    source: str


def reference_for(day: dt.date, found: Reference | None, max_age_days: int) -> Reference | None:
    """The reference an observation of `day` is priced against: `found` (the latest rate on or before
    the day) when it is no more than `max_age_days` older than the day; else None (it waits for a rate)."""
    if found is None or found.as_of > day or (day - found.as_of).days > max_age_days:
        return None
    return found


def offered_rate(send_amount: Decimal, exchange_rate: Decimal | None, receive_amount: Decimal | None,
                 receive_minor_unit: int) -> Decimal:
    """The rate offered, as stated: the one noted, or the amount received over the amount sent.

    Raises ValueError with a Message when neither is noted, or when both are and they disagree."""
    if exchange_rate is None and receive_amount is None:
        raise ValueError(msg("observation_rate_missing", "Give the exchange rate offered or the amount the family "
                                                         "would receive."))
    if exchange_rate is None:
        return shown_rate(receive_amount / send_amount)
    rate = shown_rate(exchange_rate)
    if receive_amount is not None and round_down(send_amount * rate, receive_minor_unit) != receive_amount:
        raise ValueError(msg(
            "observation_rate_disagrees", "At %(rate)s the family would receive %(worked)s, not %(noted)s: give the "
            "rate or the amount received, or correct one of them.", rate=rate,
            worked=Amount(round_down(send_amount * rate, receive_minor_unit)),
            noted=Amount(round_money(receive_amount, receive_minor_unit))))
    return rate


@dataclass(frozen=True)
class Figures:
    """An observation's cost, in the figures shown. Without a reference rate (`reference` None) the
    margin, the FX cost and the totals are None: the observation waits for a rate."""

    send_amount: Decimal
    fee: Decimal
    fee_pct: Decimal  # rounded to 2 places
    exchange_rate: Decimal
    receive_amount: Decimal  # rounded down
    reference: Reference | None
    fx_margin_pct: Decimal | None  # exact; round_pct to show it
    fx_cost: Decimal | None  # half up to the minor unit
    total_cost: Decimal | None  # fee + fx_cost
    total_cost_pct: Decimal | None  # rounded to 2 places

    @property
    def waiting_for_rate(self) -> bool:
        return self.reference is None


def figures(send_amount: Decimal, fee: Decimal, rate: Decimal, reference: Reference | None, send_minor_unit: int,
            receive_minor_unit: int) -> Figures:
    """The cost of sending `send_amount` with `fee` at the offered `rate` (as stated)."""
    received = round_down(send_amount * rate, receive_minor_unit)
    fee_pct = round_pct(fee / send_amount * HUNDRED)
    if reference is None:
        return Figures(send_amount, fee, fee_pct, rate, received, None, None, None, None, None)
    margin = (1 - rate / reference.rate) * HUNDRED
    fx_cost = round_money(send_amount * margin / HUNDRED, send_minor_unit)
    total = fee + fx_cost
    return Figures(send_amount, fee, fee_pct, rate, received, reference, margin, fx_cost, total,
                   round_pct(total / send_amount * HUNDRED))


@dataclass(frozen=True)
class Flag:
    """Something a reviewer should look at, said in a sentence."""

    code: str
    message: Message


@dataclass(frozen=True)
class Sighting:
    """What the duplicate and spread checks compare: one observation's identity and offered rate."""

    id: int | None
    provider: str  # the provider's name, compared case-blind
    product: str
    funding_method: str
    payout_method: str
    observed_on: dt.date
    send_amount: Decimal
    fee: Decimal
    rate: Decimal

    def same_as(self, other: Sighting) -> bool:
        return (self.provider.casefold() == other.provider.casefold()
                and self.product.casefold() == other.product.casefold()
                and (self.funding_method, self.payout_method, self.observed_on, self.send_amount, self.fee,
                     self.rate)
                == (other.funding_method, other.payout_method, other.observed_on, other.send_amount, other.fee,
                    other.rate))


@dataclass(frozen=True)
class Limits:
    """The smallest and the largest amount a service accepts, in the send currency."""

    low: Decimal
    high: Decimal


def checks(fig: Figures, sighting: Sighting, others: list[Sighting], limits: Limits | None, *, currency: str,
           send_minor_unit: int, max_age_days: int) -> list[Flag]:
    """The flags of one observation, in this order: waiting for a rate, a negative margin, a margin over
    10%, a fee over 20% of the amount, a rate far from the provider's other observations of the round,
    an amount outside the service's limits, a duplicate. `others` are the round's other observations
    still in play (not rejected, not superseded)."""
    found = _price_flags(fig, max_age_days)
    found += _round_flags(sighting, others)
    if limits is not None and not limits.low <= fig.send_amount <= limits.high:
        found.append(Flag("outside_limits", msg(
            "observation_flag_outside_limits", "%(currency)s %(amount)s is outside the amounts this service takes "
            "in remit's fee table (%(low)s to %(high)s).", currency=currency, amount=fig.send_amount,
            low=round_money(limits.low, send_minor_unit), high=round_money(limits.high, send_minor_unit))))
    if any(sighting.same_as(other) for other in _besides(sighting, others)):
        found.append(Flag("duplicate", msg(
            "observation_flag_duplicate", "The same price from the same service on the same day is already "
            "recorded.")))
    return found


def _price_flags(fig: Figures, max_age_days: int) -> list[Flag]:
    found: list[Flag] = []
    if fig.waiting_for_rate:
        found.append(Flag("waiting_for_rate", msg(
            "observation_flag_waiting_for_rate", "No reference rate of this day or of the %(days)s days before "
            "it: the margin and the total cost wait for one.", days=max_age_days)))
    elif fig.fx_margin_pct < 0:
        found.append(Flag("negative_margin", msg(
            "observation_flag_negative_margin", "The rate offered is better than the mid-market rate (margin "
            "%(margin)s%%): a promotion, a mistake in the rate noted, or a reference out of step.",
            margin=round_pct(fig.fx_margin_pct))))
    elif fig.fx_margin_pct > HIGH_MARGIN_PCT:
        found.append(Flag("high_margin", msg(
            "observation_flag_high_margin", "The exchange-rate margin is %(margin)s%%, above %(limit)s%%: check the "
            "rate noted.", margin=round_pct(fig.fx_margin_pct), limit=HIGH_MARGIN_PCT)))
    if fig.fee / fig.send_amount * HUNDRED > HIGH_FEE_PCT:
        found.append(Flag("high_fee", msg(
            "observation_flag_high_fee", "The fee is %(fee_pct)s%% of the amount, above %(limit)s%%: check the fee "
            "noted.", fee_pct=fig.fee_pct, limit=HIGH_FEE_PCT)))
    return found


def _round_flags(sighting: Sighting, others: list[Sighting]) -> list[Flag]:
    rates = [o.rate for o in _besides(sighting, others) if o.provider.casefold() == sighting.provider.casefold()]
    if not rates:
        return []
    middle = Decimal(median(rates))
    if abs(sighting.rate / middle - 1) * HUNDRED <= RATE_SPREAD_PCT:
        return []
    return [Flag("rate_far", msgn(
        "observation_flag_rate_far", "The rate %(rate)s is more than %(limit)s%% from this provider's other "
        "observation of the round (%(median)s).", "The rate %(rate)s is more than %(limit)s%% from the median of "
        "this provider's %(count)s other observations of the round (%(median)s).", len(rates), rate=sighting.rate,
        limit=RATE_SPREAD_PCT, median=shown_rate(middle)))]


def _besides(sighting: Sighting, others: list[Sighting]) -> list[Sighting]:
    """The others, without the observation itself when it is among them (the same id)."""
    return [o for o in others if sighting.id is None or o.id != sighting.id]


def round_of(corridor: str, day: dt.date) -> str:
    """A round's name: its corridor and month, CA-GT:2026-11."""
    return f"{corridor}:{day:%Y-%m}"
