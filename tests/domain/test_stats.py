from decimal import Decimal as D

import pytest

from remit.domain.stats import ServiceCost, corridor_stats, yearly_saving


def cost(key, pct200, pct500=None, transparent=True, speed=None):
    return ServiceCost(key, key, transparent, speed, D(pct200) if pct200 else None, D(pct500) if pct500 else None)


def test_average_smart_and_sdg_by_hand():
    """Transparent at USD 200: 1.50 (6+ days), 2.00, 3.00, 4.00, 7.00 → average 17.50 / 5 = 3.50.
    The hidden-rate service (1.00) is listed but kept out. SmaRT: the three cheapest that take 5 days
    or less: 2.00, 3.00, 4.00 → 3.00. At USD 500 only two report: (1.00 + 2.00) / 2 = 1.50."""
    stats = corridor_stats([
        cost("slow", "1.50", speed="6_days_plus"), cost("a", "2.00", "1.00", speed="same_day"),
        cost("b", "3.00", "2.00"), cost("c", "4.00"), cost("d", "7.00"),
        cost("hidden", "1.00", transparent=False),
    ])
    assert (stats.services, stats.transparent_services) == (6, 5)
    assert stats.average_total_cost_pct_200 == D("3.50")
    assert stats.average_total_cost_pct_500 == D("1.50")
    assert stats.smart_pct == D("3.00")
    assert stats.cheapest.key == "slow"
    assert stats.sdg_target_met is False and stats.above_5pct is False


def test_sdg_flags_and_empty_corridor():
    assert corridor_stats([cost("a", "2.99")]).sdg_target_met is True
    assert corridor_stats([cost("a", "5.01")]).above_5pct is True
    empty = corridor_stats([])
    assert empty.average_total_cost_pct_200 is None and empty.smart_pct is None and empty.sdg_target_met is None
    assert corridor_stats([cost("a", "2"), cost("b", "3")]).smart_pct is None  # fewer than three


def test_yearly_saving():
    """USD 200 a month at an average of 6.00% instead of 2.50%: 200 × 3.5% × 12 = 84.00."""
    assert yearly_saving(D(200), D("6.00"), D("2.50")) == D("84.00")


def test_saving_on_one_transfer():
    """USD 200 at an average of 6.00% instead of 2.50%: 200 × 3.5% = 7.00."""
    from remit.domain.stats import saving

    assert saving(D(200), D("6.00"), D("2.50")) == D("7.00")


def test_promotions_count_as_rpw_counts_them_but_are_said_and_not_a_years_price():
    """At USD 200: a promotion at −2.44% (margin below zero), another at 0.39% (fee 0.63, margin −0.24),
    then 1.26%, 2.00%, 4.00%. Average (RPW keeps them): (−2.44 + 0.39 + 1.26 + 2.00 + 4.00) / 5 = 1.042.
    SmaRT: (−2.44 + 0.39 + 1.26) / 3 = −0.263…, two of its three below the mid-market rate. The cheapest is
    the −2.44% promotion, flagged; the saving is measured against 1.26%, the cheapest that is not one."""
    promo = ServiceCost("promo", "promo", True, None, D("-2.44"), None, negative_margin=True)
    fee_but_promo = ServiceCost("xoom", "xoom", True, None, D("0.39"), None, negative_margin=True)
    stats = corridor_stats([promo, fee_but_promo, cost("wise", "1.26"), cost("b", "2.00"), cost("c", "4.00")])
    assert stats.average_total_cost_pct_200 == D("1.042")
    assert round(stats.smart_pct, 4) == D("-0.2633")
    assert stats.smart_negative_margins == 2
    assert (stats.cheapest.key, stats.cheapest.negative_margin) == ("promo", True)
    assert stats.regular_cheapest.key == "wise"
    assert corridor_stats([promo]).regular_cheapest is None
    assert corridor_stats([cost("a", "1"), cost("b", "2")]).smart_negative_margins == 0


def test_smart_says_when_it_could_not_leave_out_slow_services():
    """SmaRT keeps services of 5 days or less; one whose speed was not recorded is kept and said."""
    known = [cost("a", "1", speed="same_day"), cost("b", "2", speed="next_day"), cost("c", "3", speed="3_5_days")]
    assert corridor_stats(known).smart_speed_unknown is False
    assert corridor_stats(known[:2] + [cost("c", "3")]).smart_speed_unknown is True
    assert corridor_stats(known + [cost("d", "9")]).smart_speed_unknown is False  # not among the three
    assert corridor_stats([cost("a", "1"), cost("b", "2")]).smart_speed_unknown is False  # no SmaRT


def test_rpw_surveyed_twice_a_year_until_2013():
    """RPW's surveys of 2011 and 2012 were in the first and third quarters, each covering a half-year;
    from 2013 Q1 every quarter has its own survey."""
    from remit.domain.caveats import frequency, next_quarter

    assert [frequency(p) for p in ("2011Q1", "2011Q3", "2012Q1", "2012Q3")] == ["half_yearly"] * 4
    assert [frequency(p) for p in ("2013Q1", "2013Q3", "2020Q3", "2025Q3")] == ["quarterly"] * 4
    # A figure named by a second or fourth quarter before 2013 (not one RPW publishes) covers itself only.
    assert frequency("2012Q2") == frequency("2012Q4") == "quarterly"
    assert [next_quarter(p) for p in ("2011Q1", "2012Q4")] == ["2011Q2", "2013Q1"]
    with pytest.raises(ValueError):
        frequency("2012H1")
