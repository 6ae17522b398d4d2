"""Bundling: a worked example by hand, then properties."""
from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from remit.domain.bundling import BundleError, Member, Terms, allocate, plan_bundle, split
from remit.domain.pricing import Basis, FeeBand, Service, quote


def wire(fixed="30", margin="2", max_amount="50000", key="ft-wire", percent="0") -> Service:
    return Service(key=key, basis=Basis.FEE_TABLE, send_currency="CAD", receive_currency="GTQ", send_minor_unit=2,
                   receive_minor_unit=2, reference_rate=D("5.55"),
                   bands=(FeeBand(D("1"), D(max_amount), D(fixed), D(percent), D(margin)),),
                   funding_method="bank_account", payout_method="bank_account")


MTO = Service(key="ft-mto", basis=Basis.FEE_TABLE, send_currency="CAD", receive_currency="GTQ", send_minor_unit=2,
              receive_minor_unit=2, reference_rate=D("5.55"),
              bands=(FeeBand(D("1"), D("3000"), D("9.99"), D("0"), D("3.5")),))


def mto_cost(amount: D) -> D:
    return quote(MTO, amount).total_cost


def members(amounts) -> list[Member]:
    return [Member(f"w{i:02d}", D(a), mto_cost(D(a)), "MTO cash pickup") for i, a in enumerate(amounts, start=1)]


def test_twelve_workers_sending_cad_350_each():
    """Twelve seasonal workers each send CAD 350 (CAD 4,200 in all).

    Alone, each pays the money transfer operator CAD 9.99 + 3.5% of 350 = 9.99 + 12.25 = CAD 22.24;
    the twelve pay 12 × 22.24 = CAD 266.88.

    Bundled: one bank wire of CAD 4,200 (under the CAD 10,000 cap): fee CAD 30.00 + FX 2% of 4,200 =
    84.00, plus a Guatemalan incoming wire fee of CAD 15.00: 129.00 for the transfer; then a
    distribution fee of CAD 1.50 per member: 12 × 1.50 = 18.00. The bundle costs CAD 147.00.

    Pro rata on equal amounts: 147.00 / 12 = CAD 12.25 each. Each saves 22.24 − 12.25 = CAD 9.99,
    9.99 / 22.24 = 44.92%. The group saves 266.88 − 147.00 = CAD 119.88 (44.92%), and CAD 1,438.56 a
    year over 12 monthly transfers.

    Break-even: n members of CAD 350 pay (45 + 8.50 n) / n each: n = 3 → 23.50 (more than 22.24),
    n = 4 → 19.75 (less): bundling starts to pay at 4 members.
    """
    terms = Terms(minor_unit=2, distribution_fee=D("1.50"), incoming_fee=D("15.00"), transfers_per_year=12)
    plan = plan_bundle(members(["350"] * 12), [wire()], terms, individual_cost_at=mto_cost)
    (transfer,) = plan.transfers
    assert (transfer.amount, transfer.fee, transfer.fx_cost, transfer.incoming_fee) == (D(4200), D(30), D(84), D(15))
    assert transfer.reportable is False
    assert plan.bundle_cost == D("147.00") and plan.distribution_fees == D("18.00")
    for member in plan.members:
        assert member.joins and member.share == D("12.25")
        assert member.individual_cost == D("22.24")
        assert member.saving == D("9.99")
        assert round(member.saving_pct, 2) == D("44.92")
    assert (plan.individual_total, plan.bundled_total, plan.saving) == (D("266.88"), D("147.00"), D("119.88"))
    assert round(plan.saving_pct, 2) == D("44.92")
    assert plan.yearly_saving == D("1438.56")
    assert plan.break_even_members == 4
    assert [(p.members, p.bundled_per_member) for p in plan.curve[:4]] == [
        (1, D("53.50")), (2, D("31.00")), (3, D("23.50")), (4, D("19.75"))]


def test_shares_are_rounded_by_largest_remainder_and_sum_exactly():
    """CAD 100.00 over three equal members: 33.33 each and one cent left, to the first ref."""
    shares = allocate(D("100.00"), [Member(r, D(10), None, None) for r in ("c", "a", "b")], "equal", 2)
    assert {ref: rounded for ref, (_, rounded) in shares.items()} == {"a": D("33.34"), "b": D("33.33"), "c": D("33.33")}


def test_a_member_for_whom_joining_does_not_pay_is_left_out_and_told_why():
    """A CAD 20 sender pays an MTO 9.99 + 0.70 = 10.69 alone, but equal shares of a CAD 30 wire across
    two members are 15.00+: the coalition keeps only the large sender, who still gains."""
    group = members(["2000", "20"])
    plan = plan_bundle(group, [wire()], Terms(minor_unit=2, allocation="equal"))
    small = next(m for m in plan.members if m.ref == "w02")
    assert small.joins is False and small.share is None
    assert "more than sending alone with MTO cash pickup at 10.69" in small.reason
    big = next(m for m in plan.members if m.ref == "w01")
    assert big.joins and big.share == D("70.00")  # 30 + 2% of 2000, alone in the bundle
    assert big.share <= big.individual_cost
    assert any(n.startswith("Joining does not pay for 1 member under this way of sharing") for n in plan.notes)


def test_large_groups_make_several_transfers_and_flag_reporting():
    """CAD 25,000 with a CAD 10,000 cap: three transfers of 8,333.34, 8,333.33, 8,333.33."""
    plan = plan_bundle(members(["2500"] * 10), [wire()], Terms(minor_unit=2))
    assert [t.amount for t in plan.transfers] == [D("8333.34"), D("8333.33"), D("8333.33")]
    assert not any(t.reportable for t in plan.transfers)
    assert any("reported together to FINTRAC" in n for n in plan.notes)
    capped = plan_bundle(members(["2500"] * 4), [wire()], Terms(minor_unit=2, max_transfer=D("20000")))
    assert [t.amount for t in capped.transfers] == [D(10000)] and capped.transfers[0].reportable
    small_wire = plan_bundle(members(["2500"] * 4), [wire(max_amount="4000")], Terms(minor_unit=2))
    assert [t.amount for t in small_wire.transfers] == [D("3333.34"), D("3333.33"), D("3333.33")]


def test_bad_groups_are_refused():
    with pytest.raises(BundleError):
        plan_bundle([], [wire()], Terms(minor_unit=2))
    with pytest.raises(BundleError):
        plan_bundle(members(["1", "2"])[:1] * 2, [wire()], Terms(minor_unit=2))


amounts = st.lists(st.decimals(min_value=D("1.00"), max_value=D("3000.00"), places=2), min_size=1, max_size=40)
fees = st.decimals(min_value=D("0"), max_value=D("50"), places=2)


@settings(max_examples=150, deadline=None)
@given(amounts, fees, fees, st.sampled_from(["pro_rata", "equal"]), st.randoms())
def test_properties_of_any_plan(values, fixed, distribution, rule, random):
    group = members(values)
    terms = Terms(minor_unit=2, max_transfer=D("5000"), distribution_fee=distribution / 10, allocation=rule)
    plan = plan_bundle(group, [wire(fixed=fixed)], terms)
    joined = [m for m in plan.members if m.joins]
    # Shares sum exactly to the bundle's cost.
    assert sum((m.share for m in joined), D(0)) == (plan.bundle_cost if joined else 0)
    # The fair guarantee.
    for m in joined:
        assert m.share <= m.individual_cost
    # Every transfer within the caps, and they carry exactly the coalition's money.
    assert all(t.amount <= D("5000") for t in plan.transfers)
    assert sum((t.amount for t in plan.transfers), D(0)) == sum((m.amount for m in joined), D(0))
    # The plan does not depend on the members' order.
    shuffled = group[:]
    random.shuffle(shuffled)
    again = plan_bundle(shuffled, [wire(fixed=fixed)], terms)
    assert {m.ref: (m.share, m.joins) for m in again.members} == {m.ref: (m.share, m.joins) for m in plan.members}
    assert again.transfers == plan.transfers


@settings(max_examples=150, deadline=None)
@given(amounts, st.decimals(min_value=D("0"), max_value=D("3"), places=2), fees, st.data())
def test_pro_rata_newcomer_at_or_above_the_average_never_raises_a_share(values, distribution, fixed, data):
    """Without an extra transfer, a new member sending at least the group's average lowers or keeps
    every other member's exact share (the fixed costs are spread over more money)."""
    group = [Member(f"w{i:02d}", D(a), None, None) for i, a in enumerate(values)]
    average = sum(m.amount for m in group) / len(group)
    newcomer_amount = data.draw(st.decimals(min_value=average.quantize(D("0.01"), rounding="ROUND_CEILING"),
                                            max_value=max(average * 3, D("1")), places=2))
    terms = Terms(minor_unit=2, max_transfer=D("1000000"), distribution_fee=distribution)
    service = wire(fixed=fixed, max_amount="1000000", percent="0.5")
    before = plan_bundle(group, [service], terms)
    after = plan_bundle(group + [Member("zz-new", newcomer_amount, None, None)], [service], terms)
    assert len(after.transfers) == len(before.transfers) == 1
    before_shares = {m.ref: m.exact_share for m in before.members}
    for m in after.members:
        if m.ref != "zz-new":
            # The cost is rounded to the cent before it is shared: allow that cent, spread pro rata.
            assert m.exact_share <= before_shares[m.ref] + D("0.01")


def test_split_is_exact():
    assert split(D("100.00"), 3, 2) == [D("33.34"), D("33.33"), D("33.33")]
    assert sum(split(D("25000"), 3, 2)) == D("25000")


@settings(max_examples=100, deadline=None)
@given(st.decimals(min_value=D("1.00"), max_value=D("60000.00"), places=2), fees,
       st.decimals(min_value=D("100"), max_value=D("20000"), places=0))
def test_the_sweep_costs_transfers_exactly_as_the_plan_does(total, fixed, cap):
    from remit.domain.bundling import plan_transfers, transfers_cost

    terms = Terms(minor_unit=2, max_transfer=cap, coordinator_fee=D("2.50"), incoming_fee=D("15"))
    service = wire(fixed=fixed, percent="0.25")
    transfers = plan_transfers(total, service, terms)
    assert transfers_cost(total, service, terms) == sum((t.cost for t in transfers), D(0))
    assert sum((t.amount for t in transfers), D(0)) == total


def test_a_cap_that_would_need_more_than_1000_transfers_names_the_smallest_that_fits():
    """One member of 1,000,000 under a cap of 0.01: 100 million transfers. 1,000,000 / 1,000 = 1,000.00
    is the smallest cap that fits in 1,000 transfers."""
    from remit.domain.bundling import TooManyTransfers

    one = [Member("a", D(1000000), None, None)]
    with pytest.raises(TooManyTransfers) as refused:
        plan_bundle(one, [wire(max_amount="1000000")], Terms(minor_unit=2, max_transfer=D("0.01")))
    assert str(refused.value) == ("a cap of 0.01 per transfer would split the group's 1000000 into 100000000 "
                                  "transfers; a plan holds at most 1000 transfers: the cap must be at least 1000.00")
    assert refused.value.smallest_cap == D("1000.00") and refused.value.field == "max_transfer"
    tiny = Terms(minor_unit=2, max_transfer=D("0.001"))
    with pytest.raises(TooManyTransfers, match="a cap of 0.001 per transfer carries nothing"):
        plan_bundle(one, [wire(max_amount="1000000")], tiny)
    plan = plan_bundle(one, [wire(max_amount="1000000")], Terms(minor_unit=2, max_transfer=D("1000.00")))
    assert len(plan.transfers) == 1000 and {t.amount for t in plan.transfers} == {D("1000.00")}


@settings(max_examples=100, deadline=None)
@given(st.decimals(min_value=D("1.00"), max_value=D("1000000000.00"), places=2),
       st.decimals(min_value=D("0.01"), max_value=D("1000000.00"), places=2), st.integers(1, 1000))
def test_a_plan_never_holds_more_transfers_than_allowed(total, cap, limit):
    """Either the plan fits in `limit` transfers, or it is refused with the smallest cap that fits: one
    cent less would not."""
    from remit.domain.bundling import TooManyTransfers, check_transfer_cap, plan_transfers, transfers_needed

    terms = Terms(minor_unit=2, max_transfer=cap, max_transfers=limit)
    service = Service(key="ft-any", basis=Basis.FEE_TABLE, send_currency="CAD", receive_currency="GTQ",
                      send_minor_unit=2, receive_minor_unit=2, reference_rate=D("5.55"),
                      bands=(FeeBand(D("0.01"), D("1000000000"), D("30"), D("0"), D("2")),))
    try:
        check_transfer_cap(total, terms)
    except TooManyTransfers as refused:
        assert transfers_needed(total, cap) > limit
        assert transfers_needed(total, refused.smallest_cap) <= limit
        assert refused.smallest_cap == D("0.01") or transfers_needed(total, refused.smallest_cap - D("0.01")) > limit
        assert plan_transfers(total, service, terms) is None
    else:
        transfers = plan_transfers(total, service, terms)
        assert transfers is not None and len(transfers) <= limit
