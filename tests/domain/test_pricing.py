"""The cost engine, with numbers a person can check by hand."""
from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from remit.domain.money import round_money, round_pct
from remit.domain.pricing import Basis, FeeBand, PricePoint, Service, quote, smallest_send_for
from remit.domain.ranking import Filters, rank


def fee_table(*bands: FeeBand, rate="5.55333", key="ft-1", **extra) -> Service:
    return Service(key=key, basis=Basis.FEE_TABLE, send_currency="CAD", receive_currency="GTQ",
                   send_minor_unit=2, receive_minor_unit=2, reference_rate=D(rate), bands=bands, **extra)


def band(low, high, fixed, percent="0", margin="0") -> FeeBand:
    return FeeBand(D(low), D(high), D(fixed), D(percent), D(margin))


def test_the_guide_example_cad_300():
    """Fee CAD 9.99 on CAD 300 at a 2.5% margin: FX cost 300 × 2.5% = 7.50, total 17.49 = 5.83% of 300.

    At a reference rate of 5.55333 GTQ per CAD the applied rate is 5.55333 × 0.975 = 5.41449675, stated
    and applied as 5.414497 (six decimals, half up), and 300 × 5.414497 = 1624.3491 GTQ, paid out as
    1624.34 (rounded down).
    """
    q = quote(fee_table(band("1", "1000", "9.99", margin="2.5")), D("300"))
    assert (str(q.fee), str(q.fx_cost), str(q.total_cost)) == ("9.99", "7.50", "17.49")
    assert round_pct(q.total_cost_pct) == D("5.83")
    assert str(q.exchange_rate) == "5.414497"
    assert q.receive_amount == D("1624.34")
    assert q.estimated is False and q.transparent is True


def test_tier_bounds_are_inclusive_and_amounts_outside_every_band_get_no_quote():
    """Bands 1.00–500.00 (CAD 5) and 500.01–1000.00 (CAD 8 + 1%): the fee on 500.01 is 8 + 5.0001,
    charged as 13.00."""
    service = fee_table(band("1.00", "500.00", "5"), band("500.01", "1000.00", "8", percent="1"))
    assert quote(service, D("500.00")).fee == D("5")
    assert str(quote(service, D("500.01")).fee) == "13.00"  # 8 + 1% of 500.01 = 13.0001, charged in cents
    assert quote(service, D("1000.00")).fee == D("18.00")
    assert quote(service, D("0.99")) is None
    assert quote(service, D("1000.01")) is None


def test_percent_fee_and_margin():
    """CAD 400 with CAD 2 + 1.5% and a 2% margin: fee 2 + 6 = 8, FX cost 8, total 16 = 4.00%."""
    q = quote(fee_table(band("1", "1000", "2", percent="1.5", margin="2")), D("400"))
    assert (q.fee, q.fx_cost, q.total_cost, round_pct(q.total_cost_pct)) == (D("8.000"), D("8"), D("16.000"), D("4.00"))


def survey(points, rate="18.00", transparent=True, key="rpw-1") -> Service:
    return Service(key=key, basis=Basis.SURVEY, send_currency="USD", receive_currency="MXN", send_minor_unit=2,
                   receive_minor_unit=2, reference_rate=D(rate), price_points=tuple(points), transparent=transparent)


POINTS = (PricePoint(D(200), D(200), D("5.00"), D("1.5")), PricePoint(D(500), D(500), D("6.00"), D("1.0")))


def test_survey_quote_at_the_price_point_is_observed():
    """USD 200, fee 5.00 and margin 1.5%: FX cost 3.00, total 8.00 = 4.00%; 200 × 18 × 0.985 = 3546.00."""
    q = quote(survey(POINTS), D("200"))
    assert (q.total_cost, round_pct(q.total_cost_pct), q.receive_amount) == (D("8.000"), D("4.00"), D("3546.00"))
    assert q.estimated is False and q.price_point_usd == D(200)


def test_survey_quote_elsewhere_uses_the_nearer_point_and_is_an_estimate():
    """USD 250 is nearer 200: fee 5.00 + 1.5% of 250 = 3.75 → 8.75 = 3.50%. USD 400 is nearer 500:
    fee 6.00 + 1% of 400 = 4.00 → 10.00 = 2.50%."""
    low, high = quote(survey(POINTS), D("250")), quote(survey(POINTS), D("400"))
    assert (low.total_cost, round_pct(low.total_cost_pct), low.estimated) == (D("8.7500"), D("3.50"), True)
    assert (high.total_cost, round_pct(high.total_cost_pct), high.price_point_usd) == (D("10.00"), D("2.50"), D(500))


def test_undisclosed_exchange_rate_is_flagged_and_ranked_after_transparent_services():
    """RPW stores margin 0 for a hidden rate: the FX cost is unknown, not zero."""
    hidden = survey([PricePoint(D(200), D(200), D("1.00"), None)], transparent=False, key="rpw-hidden")
    q = quote(hidden, D("200"))
    assert q.transparent is False
    assert q.fx_cost is None and q.exchange_rate is None and q.receive_amount is None
    assert q.total_cost == D("1.00")  # the fee alone: a lower bound
    dearer = quote(survey(POINTS, key="rpw-dear"), D("200"))
    assert [x.service.key for x in rank([q, dearer])] == ["rpw-dear", "rpw-hidden"]


def test_receive_amount_mode_finds_the_smallest_send_amount():
    """GTQ 2000 at 7.66417 with a 2% margin: applied 7.5108866; 2000 / 7.5108866 = 266.2801…;
    266.28 delivers 1999.99 (short), 266.29 delivers 2000.07: the answer is USD 266.29."""
    service = Service(key="ft-9", basis=Basis.FEE_TABLE, send_currency="USD", receive_currency="GTQ",
                      send_minor_unit=2, receive_minor_unit=2, reference_rate=D("7.66417"),
                      bands=(band("1", "5000", "3.99", margin="2"),))
    q = smallest_send_for(service, D("2000"))
    assert q.send_amount == D("266.29")
    assert q.receive_amount == D("2000.07")
    assert round_money(q.total_cost, 2) == D("9.32")  # 3.99 + 2% of 266.29 = 3.99 + 5.3258


def test_receive_amount_mode_moves_to_the_band_that_holds_the_answer():
    """Band 1–100 has a 10% margin, band 100.01–1000 a 1% margin at rate 10: GTQ 950 needs 105.56
    in the first band (out of it) but 95.96 → 950.00 … in the second band it must be at least 100.01."""
    service = fee_table(band("1", "100", "1", margin="10"), band("100.01", "1000", "1", margin="1"), rate="10")
    q = smallest_send_for(service, D("950"))
    assert q.send_amount == D("100.01")
    assert q.receive_amount == D("990.09")  # 100.01 × 9.9 = 990.099 → 990.09


def test_receive_amount_mode_is_unknown_without_a_disclosed_rate():
    hidden = survey([PricePoint(D(200), D(200), D("1.00"), None)], transparent=False)
    assert smallest_send_for(hidden, D("1000")) is None


def test_filters():
    cash = fee_table(band("1", "1000", "5"), key="cash", payout_method="cash_pickup", funding_method="cash",
                     speed="under_1h", provider_type="mto", regions=frozenset({"GT-13"}),
                     accepted_ids=frozenset({"passport"}))
    wire = fee_table(band("1", "1000", "15"), key="wire", payout_method="bank_account",
                     funding_method="bank_account", speed="3_5_days", provider_type="bank")
    hidden = survey(POINTS, transparent=False, key="hidden")
    services = [cash, wire, hidden]

    def keys(**kw):
        return [s.key for s in services if Filters(**kw).matches(s)]

    # The survey recorded none of these for `hidden`: it is kept, and labelled as not recorded.
    assert keys(payout_method="cash_pickup") == ["cash", "hidden"]
    assert keys(funding_method="bank_account") == ["wire", "hidden"]
    assert keys(max_speed="same_day") == ["cash", "hidden"]
    assert keys(provider_type="bank") == ["wire", "hidden"]
    assert Filters(payout_method="cash_pickup", max_speed="same_day").unrecorded(hidden) == ("payout_method", "max_speed")
    assert Filters(payout_method="cash_pickup").unrecorded(cash) == ()
    assert keys(region="GT-13") == ["cash", "wire", "hidden"]  # no list means the whole country
    assert keys(region="GT-01") == ["wire", "hidden"]
    assert keys(id_held="consular_id") == ["wire", "hidden"]
    assert keys(transparent_only=True) == ["cash", "wire"]


money = st.decimals(min_value=D("1.00"), max_value=D("100000.00"), places=2)
margins = st.decimals(min_value=D("-5"), max_value=D("20"), places=2)
rates = st.decimals(min_value=D("0.0001"), max_value=D("20000"), places=4)


@settings(max_examples=300)
@given(amount=money, margin=margins, rate=rates, fixed=st.decimals(min_value=0, max_value=50, places=2))
def test_received_is_worked_from_the_rate_as_stated(amount, margin, rate, fixed):
    """The applied rate is stated with six decimals (ten when under 0.01), half up, and the amount
    received is the send amount at that rate, rounded down: anyone can check it with a calculator."""
    q = quote(fee_table(band("0.01", "100000", fixed, margin=margin), rate=rate), amount)
    exact = rate * (1 - margin / 100)
    places = 6 if exact >= D("0.01") else 10
    assert q.exchange_rate == exact.quantize(D(1).scaleb(-places), rounding="ROUND_HALF_UP")
    assert q.receive_amount == (amount * q.exchange_rate).quantize(D("0.01"), rounding="ROUND_FLOOR")
    if margin >= 0:
        assert q.receive_amount <= amount * rate


@settings(max_examples=300)
@given(a=money, b=money, fixed=st.decimals(min_value=0, max_value=50, places=2),
       percent=st.decimals(min_value=0, max_value=10, places=2), margin=st.decimals(min_value=0, max_value=20, places=2))
def test_total_cost_is_non_decreasing_in_the_amount_within_a_tier(a, b, fixed, percent, margin):
    service = fee_table(band("0.01", "100000", fixed, percent=percent, margin=margin))
    low, high = sorted((a, b))
    assert quote(service, low).total_cost <= quote(service, high).total_cost


@settings(max_examples=200)
@given(target=st.decimals(min_value=D("1.00"), max_value=D("50000.00"), places=2), margin=margins, rate=rates)
def test_receive_mode_answer_is_the_smallest_that_delivers(target, margin, rate):
    service = fee_table(band("0.01", "10000000", "1", margin=margin), rate=rate)
    q = smallest_send_for(service, target)
    if q is None:  # beyond the band: even its largest amount falls short
        assert quote(service, D("10000000")).receive_amount < target
        return
    assert q.receive_amount >= target
    if q.send_amount > D("0.01"):
        below = quote(service, q.send_amount - D("0.01"))
        assert below.receive_amount < target


@given(st.lists(st.tuples(st.integers(0, 30), st.sampled_from(["under_1h", "same_day", "2_days", None]),
                          st.booleans()), min_size=1, max_size=12), st.randoms())
def test_ranking_is_a_total_order_whatever_the_input_order(specs, random):
    services = [
        fee_table(band("1", "1000", str(fee)), key=f"s{i:02d}", speed=speed, transparent=transparent)
        for i, (fee, speed, transparent) in enumerate(specs)
    ]
    quotes = [quote(s, D("100")) for s in services]
    shuffled = quotes[:]
    random.shuffle(shuffled)
    assert [q.service.key for q in rank(shuffled)] == [q.service.key for q in rank(quotes)]
    ranked = rank(quotes)
    for first, second in zip(ranked, ranked[1:]):
        assert (not first.transparent, first.total_cost) <= (not second.transparent, second.total_cost)


def test_amount_must_be_positive():
    with pytest.raises(ValueError):
        quote(fee_table(band("1", "10", "1")), D("0"))


# A prepared service (bands sorted and found by bisection, applied rates worked out once) prices exactly
# as the plain rule: the first band that holds the amount, walked in the order given, or the nearest
# price point (a tie to the lower), priced by the one _price.
def plain_quote(service: Service, amount: D):
    from remit.domain.pricing import _price, applied_rate, band_for

    if service.basis is Basis.FEE_TABLE:
        found = band_for(service, amount)
        if found is None:
            return None
        return _price(service, amount, found.fee(amount, service.send_minor_unit), found.fx_margin_pct,
                      applied_rate(service, found.fx_margin_pct), False)
    if not service.price_points:
        return None
    point = min(service.price_points, key=lambda p: (abs(p.send_amount - amount), p.send_amount))
    return _price(service, amount, round_money(point.fee, service.send_minor_unit), point.fx_margin_pct,
                  applied_rate(service, point.fx_margin_pct), point.converted or point.send_amount != amount,
                  point.amount_usd)


bands_strategy = st.lists(
    st.tuples(st.integers(1, 5000), st.integers(0, 4000), st.decimals(min_value=0, max_value=30, places=2),
              st.decimals(min_value=0, max_value=5, places=3), margins),
    min_size=1, max_size=5)


@settings(max_examples=200, deadline=None)
@given(specs=bands_strategy, amounts=st.lists(money, min_size=1, max_size=8), rate=rates, shuffle=st.randoms())
def test_a_prepared_fee_table_prices_every_amount_as_the_plain_rule(specs, amounts, rate, shuffle):
    from remit.domain.pricing import prepare

    bands = [FeeBand(D(low), D(low + width) + D("0.99"), fixed, percent, margin)
             for low, width, fixed, percent, margin in specs]  # overlapping bands too: the first listed wins
    shuffle.shuffle(bands)
    service = fee_table(*bands, rate=str(rate))
    prepared = prepare(service)
    for amount in amounts + [b.min_amount for b in bands] + [b.max_amount for b in bands]:
        assert prepared.quote(amount) == plain_quote(service, amount), amount


@settings(max_examples=200, deadline=None)
@given(points=st.lists(st.tuples(st.sampled_from([D(200), D(500), D(1000)]), st.decimals(min_value=0, max_value=40, places=2),
                                 st.one_of(st.none(), margins), st.booleans()), min_size=0, max_size=3),
       amounts=st.lists(money, min_size=1, max_size=8), rate=st.one_of(st.none(), rates))
def test_a_prepared_survey_service_prices_every_amount_as_the_plain_rule(points, amounts, rate):
    from remit.domain.pricing import prepare

    service = Service(key="rpw-9", basis=Basis.SURVEY, send_currency="USD", receive_currency="MXN", send_minor_unit=2,
                      receive_minor_unit=2, reference_rate=rate,
                      price_points=tuple(PricePoint(usd, usd, fee, margin, converted)
                                         for usd, fee, margin, converted in points))
    prepared = prepare(service)
    for amount in amounts + [D(200), D(350), D(500)]:
        assert prepared.quote(amount) == plain_quote(service, amount), amount


def test_a_prepared_service_sorts_its_bands_and_refuses_what_none_holds():
    """Bands given out of order: CAD 8 + 1% from 500.01 to 1,000, CAD 5 from 1 to 500."""
    from remit.domain.pricing import prepare

    prepared = prepare(fee_table(band("500.01", "1000.00", "8", percent="1"), band("1.00", "500.00", "5")))
    assert prepared.lows == (D("1.00"), D("500.01"))
    assert prepared.quote(D("500.00")).fee == D("5")
    assert prepared.quote(D("600")).fee == D("14.00")
    assert prepared.quote(D("0.99")) is None and prepared.quote(D("1000.01")) is None
    # The applied rate is worked out once per band: 5.55333 × (1 − 0) for both.
    assert prepared.band_applied == (D("5.55333"), D("5.55333"))


# Fee tables as they are written: contiguous tiers (1.00–500.00, 500.01–1,000.00, …), listed in any
# order. The prepared service finds the tier by bisecting the lower bounds; the plain rule walks them.
@st.composite
def tiered_fee_tables(draw):
    widths = draw(st.lists(st.integers(1, 3000), min_size=1, max_size=8))
    low, bands = draw(st.decimals(min_value=D("0.01"), max_value=D("50"), places=2)), []
    for width in widths:
        high = low + width - D("0.01")
        bands.append(FeeBand(low, high, draw(st.decimals(min_value=0, max_value=30, places=2)),
                             draw(st.decimals(min_value=0, max_value=5, places=3)), draw(margins)))
        low = high + D("0.01") + draw(st.sampled_from([D(0), D(0), D("0.01"), D(100)]))  # now and then a gap
    return bands


@settings(max_examples=200, deadline=None)
@given(bands=tiered_fee_tables(), amounts=st.lists(money, max_size=6), rate=rates, shuffle=st.randoms())
def test_a_prepared_tiered_fee_table_prices_every_bound_and_its_neighbours_as_the_plain_rule(bands, amounts, rate,
                                                                                              shuffle):
    from remit.domain.pricing import prepare

    shuffle.shuffle(bands)
    service = fee_table(*bands, rate=str(rate))
    prepared = prepare(service)
    assert len(prepared.lows) == len(bands)  # disjoint tiers: the bisect path is the one tested here
    cent, mill = D("0.01"), D("0.001")
    edges = [edge + step for b in bands for edge in (b.min_amount, b.max_amount)
             for step in (-cent, -mill, 0, mill, cent)]
    for amount in amounts + [a for a in edges if a > 0]:
        assert prepared.quote(amount) == plain_quote(service, amount), amount
    # Below the lowest tier and above the highest, nothing, as the plain rule says.
    lowest, highest = min(b.min_amount for b in bands), max(b.max_amount for b in bands)
    assert prepared.quote(highest + cent) is None and plain_quote(service, highest + cent) is None
    if lowest > cent:
        assert prepared.quote(lowest - cent) is None


@settings(max_examples=150)
@given(bands=st.one_of(tiered_fee_tables(), bands_strategy.map(
           lambda specs: [FeeBand(D(low), D(low + width) + D("0.99"), fixed, percent, margin)
                          for low, width, fixed, percent, margin in specs])),
       targets=st.lists(st.decimals(min_value=D("0.01"), max_value=D("500000"), places=2), min_size=1, max_size=4),
       rate=rates)
def test_a_prepared_fee_table_answers_the_receive_amount_mode_as_the_plain_rule(bands, targets, rate):
    """The smallest send amount that delivers a target, searched with prepared prices, is the plain rule's."""
    from remit.domain.pricing import prepare

    service = fee_table(*bands, rate=str(rate))
    prepared = prepare(service)
    for target in targets:
        found = prepared.smallest_send_for(target)
        assert found == smallest_send_for(service, target), target
        if found is not None:
            assert found.receive_amount >= target
            assert prepared.quote(found.send_amount) == found


@settings(max_examples=150)
@given(points=st.lists(st.tuples(st.decimals(min_value=D("10"), max_value=D("2000"), places=2),
                                 st.decimals(min_value=0, max_value=40, places=2), margins, st.booleans()),
                       min_size=1, max_size=3),
       targets=st.lists(st.decimals(min_value=D("1"), max_value=D("100000"), places=2), min_size=1, max_size=4),
       rate=rates)
def test_a_prepared_survey_service_answers_the_receive_amount_mode_as_the_plain_rule(points, targets, rate):
    from remit.domain.pricing import prepare

    service = Service(key="rpw-9", basis=Basis.SURVEY, send_currency="USD", receive_currency="MXN", send_minor_unit=2,
                      receive_minor_unit=2, reference_rate=rate,
                      price_points=tuple(PricePoint(send, send, fee, margin, converted)
                                         for send, fee, margin, converted in points))
    prepared = prepare(service)
    for target in targets:
        assert prepared.smallest_send_for(target) == smallest_send_for(service, target), target


def test_a_prepared_service_refuses_what_the_plain_rule_refuses():
    from remit.domain.pricing import prepare

    prepared = prepare(fee_table(band("1", "10", "1")))
    for call in (lambda: prepared.quote(D("0")), lambda: prepared.quote(D("-1")),
                 lambda: prepared.smallest_send_for(D("0"))):
        with pytest.raises(ValueError):
            call()
