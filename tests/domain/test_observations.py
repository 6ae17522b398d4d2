"""Observed prices: their cost by the World Bank's methodology, and the flags a reviewer reads."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from hypothesis import given, strategies as st

from remit.domain.money import round_down, round_money
from remit.domain.observations import (
    Limits, Reference, Sighting, checks, figures, offered_rate, reference_for, round_of,
)

DAY = dt.date(2026, 11, 20)
REF = Reference(D("5.55"), DAY, "test rates")


def sighting(rate=D("5.40"), *, id=None, provider="Remesas Uno", fee=D("9.99"), amount=D("300"), day=DAY):
    return Sighting(id, provider, "Cash pickup", "cash", "cash_pickup", day, amount, fee, rate)


def flag_codes(fig, s=None, others=(), limits=None):
    return [f.code for f in checks(fig, s or sighting(fig.exchange_rate), list(others), limits, currency="CAD",
                                   send_minor_unit=2, max_age_days=14)]


def test_the_hand_worked_case():
    """CAD 300, fee 9.99, 5.40 GTQ per CAD offered on 2026-11-20, reference 5.55: margin 2.70%, FX cost
    8.11, total 18.10 (6.03%), the family receives GTQ 1,620.00."""
    fig = figures(D("300"), D("9.99"), offered_rate(D("300"), D("5.40"), None, 2), REF, 2, 2)
    assert round_money(fig.fx_margin_pct, 2) == D("2.70")
    assert fig.fx_cost == D("8.11")
    assert fig.total_cost == D("18.10")
    assert fig.total_cost_pct == D("6.03")
    assert fig.receive_amount == D("1620.00")
    assert fig.fee_pct == D("3.33")
    assert flag_codes(fig) == []


def test_the_amount_received_gives_the_rate():
    assert offered_rate(D("300"), None, D("1620.00"), 2) == D("5.400000")
    assert offered_rate(D("300"), D("5.40"), D("1620.00"), 2) == D("5.400000")


def test_a_rate_and_an_amount_received_that_disagree_are_refused():
    with pytest.raises(ValueError) as refused:
        offered_rate(D("300"), D("5.40"), D("1600.00"), 2)
    assert str(refused.value.args[0]) == ("At 5.400000 the family would receive 1620.00, not 1600.00: give the rate "
                                          "or the amount received, or correct one of them.")
    with pytest.raises(ValueError):
        offered_rate(D("300"), None, None, 2)


def test_the_reference_is_the_days_or_the_nearest_earlier_within_the_limit():
    assert reference_for(DAY, REF, 14) == REF
    earlier = Reference(D("5.55"), DAY - dt.timedelta(days=14), "older")
    assert reference_for(DAY, earlier, 14) == earlier
    assert reference_for(DAY, Reference(D("5.55"), DAY - dt.timedelta(days=15), "too old"), 14) is None
    assert reference_for(DAY, Reference(D("5.55"), DAY + dt.timedelta(days=1), "later"), 14) is None
    assert reference_for(DAY, None, 14) is None


def test_without_a_rate_the_observation_waits_and_nothing_is_guessed():
    fig = figures(D("300"), D("9.99"), D("5.40"), None, 2, 2)
    assert fig.waiting_for_rate
    assert (fig.fx_margin_pct, fig.fx_cost, fig.total_cost, fig.total_cost_pct) == (None, None, None, None)
    assert fig.receive_amount == D("1620.00")
    [flag] = checks(fig, sighting(), [], None, currency="CAD", send_minor_unit=2, max_age_days=14)
    assert flag.code == "waiting_for_rate"
    assert str(flag.message) == ("No reference rate of this day or of the 14 days before it: the margin and the "
                                 "total cost wait for one.")


def test_a_negative_margin_a_high_margin_and_a_high_fee_are_flagged():
    assert flag_codes(figures(D("300"), D("9.99"), D("5.60"), REF, 2, 2)) == ["negative_margin"]
    assert flag_codes(figures(D("300"), D("9.99"), D("4.95"), REF, 2, 2)) == ["high_margin"]  # 10.81%
    assert flag_codes(figures(D("300"), D("55.50"), D("4.995"), REF, 2, 2)) == []  # exactly 10% and 18.5%
    assert flag_codes(figures(D("300"), D("60.01"), D("5.40"), REF, 2, 2)) == ["high_fee"]


def test_a_rate_far_from_the_providers_others_in_the_round_is_flagged():
    others = [sighting(D("5.40"), id=1), sighting(D("5.42"), id=2), sighting(D("4.00"), id=3, provider="Other")]
    near = figures(D("300"), D("9.99"), D("5.20"), REF, 2, 2)  # 3.9% from the median 5.41
    far = figures(D("300"), D("9.99"), D("5.10"), REF, 2, 2)  # 5.7% from it
    assert flag_codes(near, sighting(D("5.20")), others) == []
    [flag] = [f for f in checks(far, sighting(D("5.10")), others, None, currency="CAD", send_minor_unit=2,
                                max_age_days=14) if f.code == "rate_far"]
    assert str(flag.message) == ("The rate 5.10 is more than 5% from the median of this provider's 2 other "
                                 "observations of the round (5.410000).")


def test_an_amount_outside_the_services_limits_and_a_duplicate_are_flagged():
    fig = figures(D("300"), D("9.99"), D("5.40"), REF, 2, 2)
    assert flag_codes(fig, limits=Limits(D("1"), D("299.99"))) == ["outside_limits"]
    assert flag_codes(fig, limits=Limits(D("300"), D("300"))) == []
    assert flag_codes(fig, others=[sighting(id=7)]) == ["duplicate"]
    # The observation itself is not its own duplicate; another day is not one.
    assert flag_codes(fig, sighting(id=7), others=[sighting(id=7)]) == []
    assert flag_codes(fig, others=[sighting(id=7, day=DAY - dt.timedelta(days=1))]) == []


def test_a_round_is_a_corridor_and_a_month():
    assert round_of("CA-GT", DAY) == "CA-GT:2026-11"


amounts = st.decimals(min_value=D("1"), max_value=D("100000"), places=2)
fees = st.decimals(min_value=D("0"), max_value=D("500"), places=2)
rates = st.decimals(min_value=D("0.01"), max_value=D("2000"), places=4)


@given(amounts, fees, rates, rates)
def test_the_figures_add_up(amount, fee, offered, mid):
    """Each figure can be checked with a calculator: the total is the fee plus the FX cost shown, the FX
    cost is the amount at the margin, half up; the amount received is the amount at the rate, rounded
    down; the percentage is the total's."""
    fig = figures(amount, fee, offered, Reference(mid, DAY, "x"), 2, 2)
    assert fig.total_cost == fig.fee + fig.fx_cost
    assert fig.fx_cost == round_money(amount * (1 - offered / mid), 2)
    assert fig.receive_amount == round_down(amount * offered, 2)
    assert fig.receive_amount <= amount * offered < fig.receive_amount + D("0.01")
    assert fig.total_cost_pct == round_money(fig.total_cost / amount * 100, 2)
    assert (fig.fx_margin_pct < 0) == (offered > mid)


@given(amounts, fees, rates)
def test_at_the_reference_rate_the_cost_is_the_fee(amount, fee, mid):
    fig = figures(amount, fee, mid, Reference(mid, DAY, "x"), 2, 2)
    assert fig.fx_margin_pct == 0 and fig.fx_cost == 0 and fig.total_cost == fee


@given(amounts, st.decimals(min_value=D("0.01"), max_value=D("2000"), places=6))
def test_a_rate_read_back_from_the_amount_received_gives_that_amount(amount, offered):
    received = round_down(amount * offered, 2)
    if received == 0:
        return
    rate = offered_rate(amount, None, received, 2)
    assert abs(rate - received / amount) <= D("0.0000005")
