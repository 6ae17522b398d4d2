"""From which group size pooling pays at one amount (the corridor guide's group option): worked by
hand, then properties."""
from __future__ import annotations

from decimal import Decimal as D

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from remit.domain.bundling import Terms, paying_sizes, pooled_cost, pooling_threshold
from remit.domain.pricing import Basis, FeeBand, Service


def bank(*bands: tuple[str, str, str, str], key: str = "ft-bank") -> Service:
    """A bank's wire: bands of (from, to, flat fee, FX margin %)."""
    return Service(key=key, basis=Basis.FEE_TABLE, send_currency="CAD", receive_currency="GTQ", send_minor_unit=2,
                   receive_minor_unit=2, reference_rate=D("5.55"), funding_method="bank_account",
                   payout_method="bank_account",
                   bands=tuple(FeeBand(D(low), D(high), D(fee), D(0), D(margin)) for low, high, fee, margin in bands))


# CAD 15 a wire up to CAD 2,499.99, CAD 20 from CAD 2,500 to 10,000; the rate 2% under the mid-market rate.
WIRE = bank(("1", "2499.99", "15", "2"), ("2500", "10000", "20", "2"))
CAD = Terms(minor_unit=2, currency="CAD")


def test_five_people_sending_cad_300_each_worked_by_hand():
    """Alone the cheapest way costs CAD 9.49. Pooled, each pays 15 / n + 2% of 300 (CAD 6.00):
    2 people 13.50, 3: 11.00, 4: 9.75, 5: 9.00, the first under 9.49. Five send CAD 1,500 in one
    wire: fee 15.00 + FX 30.00 = 45.00, 9.00 each; each saves 0.49."""
    found = pooling_threshold(D("300"), [WIRE], CAD, D("9.49"))
    assert (found.members, found.per_member, found.saving) == (5, D("9.00"), D("0.49"))
    assert (found.pooled.service_key, found.pooled.transfers, found.pooled.fee, found.pooled.fx_margin_pct) == (
        "ft-bank", 1, D("15.00"), D("2"))
    assert [pooled_cost(n, D("300"), [WIRE], CAD)[0] for n in (2, 3, 4)] == [D("13.50"), D("11.00"), D("9.75")]


def test_fees_on_the_way_push_the_threshold_past_a_bands_edge():
    """With CAD 10 taken by an intermediary bank and 5 by the receiving bank, each pays 30 / n + 6.00
    within the first band: under 9.49 from 9 people, but 9 × 300 = 2,700 is in the CAD 20 band:
    20 + 54 + 15 = 89.00, 9.89 each (9.888… rounded up); 10: 20 + 60 + 15 = 95.00, 9.50 (not under 9.49);
    11: 20 + 66 + 15 = 101.00, 9.19 each (9.1818… rounded up): it pays from 11, each saving 0.30."""
    terms = Terms(minor_unit=2, currency="CAD", intermediary_fee=D("10"), incoming_fee=D("5"))
    found = pooling_threshold(D("300"), [WIRE], terms, D("9.49"))
    assert [pooled_cost(n, D("300"), [WIRE], terms)[0] for n in (8, 9, 10)] == [D("9.75"), D("9.89"), D("9.50")]
    assert (found.members, found.per_member, found.saving, found.pooled.fee) == (11, D("9.19"), D("0.30"), D("20.00"))


def test_a_group_that_never_gains_below_fifty_is_told_so_with_the_terms_at_fifty():
    """A wire whose margin alone (3% of 300 = 9.00) is near the cost alone (9.10): 40 / n + 9.00 is
    under 9.10 only from n = 401; within 50, never. The terms shown are those of 50 people: CAD 15,000
    takes two wires of 7,500 (the bank's limit is 10,000)."""
    dear = bank(("1", "10000", "40", "3"))
    found = pooling_threshold(D("300"), [dear], CAD, D("9.10"))
    assert not found.pays and found.members is None and found.saving is None
    assert (found.pooled.transfers, found.pooled.fee, found.upto) == (2, D("40.00"), 50)


def test_gains_may_stop_once_started():
    """The bank takes at most CAD 2,500 a wire. Alone CAD 8.00: 8 people (2,400, one wire: 15 + 48 =
    63.00, 7.88 each) gain; 9 (2,700: two wires, 30 + 54 = 84.00, 9.34 each) do not, nor any up to 15;
    16 (4,800 in two wires of 2,400: 30 + 96 = 126.00, 7.88 each) gain again. "From 8" is the first
    size, not a promise for every larger one."""
    terms = Terms(minor_unit=2, currency="CAD", max_transfer=D("2500"))
    assert pooling_threshold(D("300"), [WIRE], terms, D("8.00")).members == 8
    assert pooled_cost(9, D("300"), [WIRE], terms)[0] == D("9.34")
    assert paying_sizes(D("300"), [WIRE], terms, D("8.00"), 50)[:2] == [(8, 8), (16, 16)]


def test_no_product_no_threshold():
    found = pooling_threshold(D("300"), [], CAD, D("9.49"))
    assert found.members is None and found.pooled is None


money = st.decimals(min_value=D("0"), max_value=D("60"), places=2)
margins = st.decimals(min_value=D("0"), max_value=D("4"), places=2)
band = st.tuples(st.decimals(min_value=D("100"), max_value=D("20000"), places=0), money, margins)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(band, min_size=1, max_size=3), min_size=1, max_size=2),
       st.decimals(min_value=D("10"), max_value=D("3000"), places=2), st.decimals(min_value=D("0.01"),
                                                                                  max_value=D("150"), places=2),
       money, money, st.decimals(min_value=D("0"), max_value=D("3"), places=2),
       st.one_of(st.none(), st.decimals(min_value=D("500"), max_value=D("20000"), places=0)))
def test_the_threshold_is_the_first_size_that_pays_and_no_earlier_one_does(products, amount, alone, fee_on_way,
                                                                          coordinator, distribution, cap):
    """For any products (bands with gaps, dearer bands), fees and limits: the threshold is the first size
    from 2 that the plan's paying sizes (an independent sweep) count as paying; every smaller size costs
    each member at least the cost alone; at the threshold each pays less, and the saving is the
    difference."""
    services = []
    for index, product in enumerate(products):
        edges = sorted({low for low, *_ in product} | {D("1")})
        services.append(bank(*((str(low), str((edges[i + 1] - D("0.01")) if i + 1 < len(edges) else D("50000")),
                                str(fee), str(margin)) for i, (low, (_, fee, margin)) in enumerate(zip(edges, product))),
                             key=f"ft-{index}"))
    terms = Terms(minor_unit=2, currency="CAD", max_transfer=cap, intermediary_fee=fee_on_way,
                  coordinator_fee=coordinator, distribution_fee=distribution)
    found = pooling_threshold(amount, services, terms, alone)
    first = next((n for low, high in paying_sizes(amount, services, terms, alone, 50) for n in range(low, high + 1)
                  if n >= 2), None)
    assert found.members == first
    for n in range(2, found.members or 51):
        each = pooled_cost(n, amount, services, terms)
        assert each is None or each[0] >= alone
    if found.pays:
        assert found.per_member < alone and found.saving == alone - found.per_member > 0
        assert found.per_member == pooled_cost(found.members, amount, services, terms)[0]


@settings(max_examples=300, deadline=None)
@given(st.decimals(min_value=D("0.01"), max_value=D("80"), places=2), margins,
       st.decimals(min_value=D("10"), max_value=D("1000"), places=2), st.decimals(min_value=D("0.01"),
                                                                                  max_value=D("80"), places=2),
       money, st.decimals(min_value=D("0"), max_value=D("3"), places=2))
def test_with_one_flat_fee_and_no_limit_in_reach_gains_once_started_last(fee, margin, amount, alone, on_way,
                                                                         distribution):
    """One band that takes every total of up to 50 people, a flat fee per transfer of at least a cent
    (with the fees on the way): each pays (F + n × (amount × r + d)) / n, which only falls as n grows,
    so at every size from the threshold to 50 the group gains. (It does not hold in general: a dearer
    band or a second transfer can end the gains, as test_gains_may_stop_once_started shows.)"""
    assume(on_way < amount)  # the fees on the way leave every transfer something
    wire = bank(("1", "1000000", str(fee), str(margin)))
    terms = Terms(minor_unit=2, currency="CAD", intermediary_fee=on_way, distribution_fee=distribution)
    found = pooling_threshold(amount, [wire], terms, alone)
    if found.pays:
        assert all(pooled_cost(n, amount, [wire], terms)[0] < alone for n in range(found.members, 51))
    else:
        assert all(pooled_cost(n, amount, [wire], terms)[0] >= alone for n in range(2, 51))
