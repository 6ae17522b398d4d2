"""The envelope finds, for any amount, the same cheapest service as pricing every one of them (by cost:
the fee charged plus the FX cost, then key), bands whose fee has a percentage (charged rounded, so not a
straight line) among them."""
from __future__ import annotations

from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from remit.domain.envelope import Envelope
from remit.domain.money import round_money
from remit.domain.pricing import Basis, FeeBand, PricePoint, Service, quote

MONEY = st.decimals(min_value=D("0"), max_value=D("40"), places=2)
PCT = st.decimals(min_value=D("-1"), max_value=D("6"), places=2)


@st.composite
def fee_table(draw, key):
    edges = sorted(draw(st.sets(st.integers(1, 4000), min_size=2, max_size=6)))
    bands = []
    for low, high in zip(edges, edges[1:]):
        if draw(st.booleans()):  # gaps between bands happen
            bands.append(FeeBand(D(low), D(high) - D("0.01"), draw(MONEY), draw(PCT.filter(lambda v: v >= 0)),
                                 draw(PCT)))
    return Service(key=key, basis=Basis.FEE_TABLE, send_currency="CAD", receive_currency="GTQ", send_minor_unit=2,
                   receive_minor_unit=2, reference_rate=D("5.5"), bands=tuple(bands),
                   transparent=draw(st.booleans()) or True)


@st.composite
def survey(draw, key):
    points = tuple(PricePoint(D(usd), D(usd) * D("1.38"), draw(MONEY), draw(st.one_of(st.none(), PCT)))
                   for usd in (200, 500))
    return Service(key=key, basis=Basis.SURVEY, send_currency="CAD", receive_currency="GTQ", send_minor_unit=2,
                   receive_minor_unit=2, reference_rate=D("5.5"), price_points=points,
                   transparent=draw(st.booleans()))


@st.composite
def services(draw):
    count = draw(st.integers(1, 8))
    return [draw(st.one_of(fee_table(f"s{i}"), survey(f"s{i}"))) for i in range(count)]


def brute(services_, amount):
    quotes = [q for q in (quote(s, amount) for s in services_) if q is not None and q.transparent]
    return min(((q.cost, q.service.key) for q in quotes), default=None)


@settings(max_examples=300, deadline=None)
@given(services(), st.lists(st.decimals(min_value=D("0.01"), max_value=D("5000"), places=2), min_size=1,
                            max_size=30))
def test_the_envelope_agrees_with_pricing_every_service(group, amounts):
    envelope = Envelope(group)
    ends = [a for s in group for b in s.bands for a in (b.min_amount, b.max_amount)]
    for amount in amounts + ends + [D("345.00"), D("483.00")]:  # band ends and the survey's midpoint
        if amount > 0:
            assert envelope.cheapest(amount) == brute(group, amount), (amount, group)


def test_a_worked_example():
    """Two fee tables: A costs 5 + 3% up to 1,000; B costs 15 + 1% from 1 to 5,000. They cross at 500:
    A is cheaper below (300: 14.00 against 18.00), B above (800: 23.00 against 29.00)."""
    a = Service("a", Basis.FEE_TABLE, "CAD", "GTQ", 2, 2, D(5), bands=(FeeBand(D(1), D(1000), D(5), D(1), D(2)),))
    b = Service("b", Basis.FEE_TABLE, "CAD", "GTQ", 2, 2, D(5), bands=(FeeBand(D(1), D(5000), D(15), D(0), D(1)),))
    envelope = Envelope([a, b])
    assert envelope.cheapest(D(300)) == (D("14.00"), "a")
    assert envelope.cheapest(D(800)) == (D("23.00"), "b")
    assert envelope.cheapest(D(500)) == (D("20.00"), "a")  # a tie goes to the first key
    assert envelope.cheapest(D(4000)) == (D("55.00"), "b")
    assert envelope.cheapest(D(6000)) is None


@st.composite
def one_point(draw, key, level):
    point = PricePoint(D(level), D(level) * D("1.38"), draw(MONEY), draw(st.one_of(st.none(), PCT)))
    return Service(key=key, basis=Basis.SURVEY, send_currency="CAD", receive_currency="GTQ", send_minor_unit=2,
                   receive_minor_unit=2, reference_rate=D("5.5"), price_points=(point,), transparent=True)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([200, 500]), min_size=2, max_size=8), st.data(),
       st.lists(st.decimals(min_value=D("0.01"), max_value=D("3000"), places=2), min_size=1, max_size=20))
def test_one_point_services_price_only_the_amounts_nearest_their_level(levels, data, amounts):
    """RPW's per-quote file: a service's USD 200 and USD 500 prices are two services; an amount is
    priced by the level nearest it (a tie to the lower), as the comparison does."""
    group = [data.draw(one_point(f"s{i}", level)) for i, level in enumerate(levels)]
    envelope = Envelope(group)
    present = sorted({s.price_points[0].send_amount for s in group})
    for amount in amounts + [D("483.00"), D("483.01")]:
        nearest = min(present, key=lambda level: (abs(level - amount), level))
        expected = brute([s for s in group if s.price_points[0].send_amount == nearest or len(present) < 2], amount)
        assert envelope.cheapest(amount) == expected, amount


@settings(max_examples=200, deadline=None)
@given(services(), st.lists(st.decimals(min_value=D("0.01"), max_value=D("5000"), places=2), min_size=1, max_size=20))
def test_priced_says_what_a_quote_says(group, amounts):
    """The envelope's answer for a service and an amount is the quote's: cost (before the FX cost is
    rounded for showing: rounded, it is the quote's total), amount received, and whether the margin is
    negative or the price an estimate."""
    envelope = Envelope(group)
    for amount in amounts:
        for service in group:
            q = quote(service, amount)
            priced = envelope.priced(amount, service.key)
            if q is None or not q.transparent:
                continue
            assert priced is not None, (amount, service.key)
            assert (priced.cost, priced.receive_amount, priced.negative_margin, priced.estimated) == (
                q.cost, q.receive_amount, q.negative_margin, q.estimated)
            assert round_money(priced.cost, 2) == q.total_cost
