"""Bundling: worked examples by hand, then properties."""
from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from remit.domain.bundling import (BundleError, Member, NoBulkProduct, Option, Terms, TooManyTransfers, allocate,
                                   apportion, plan, split)
from remit.domain.envelope import Envelope
from remit.domain.pricing import Basis, FeeBand, PricePoint, Service, quote


def wire(fixed="30", margin="2", max_amount="50000", key="ft-wire", percent="0", rate="5.55") -> Service:
    return Service(key=key, basis=Basis.FEE_TABLE, send_currency="CAD", receive_currency="GTQ", send_minor_unit=2,
                   receive_minor_unit=2, reference_rate=D(rate),
                   bands=(FeeBand(D("1"), D(max_amount), D(fixed), D(percent), D(margin)),),
                   funding_method="bank_account", payout_method="bank_account")


MTO = Service(key="ft-mto", basis=Basis.FEE_TABLE, send_currency="CAD", receive_currency="GTQ", send_minor_unit=2,
              receive_minor_unit=2, reference_rate=D("5.55"),
              bands=(FeeBand(D("1"), D("3000"), D("9.99"), D("0"), D("3.5")),))
CASH = Service(key="ft-cash", basis=Basis.FEE_TABLE, send_currency="CAD", receive_currency="GTQ", send_minor_unit=2,
               receive_minor_unit=2, reference_rate=D("5.55"),
               bands=(FeeBand(D("1"), D("3000"), D("7.99"), D("0"), D("4.5")),))


def option(service: Service, amount: D, label: str) -> Option:
    q = quote(service, amount)
    return Option(label, q.total_cost, service.key, q.receive_amount)


# The cheapest way alone at any amount, for the break-even search: the MTO's envelope, or a service
# costing CAD 34.77 whatever the amount (one survey price point, its rate at the mid-market rate).
def flat(cost: str) -> Envelope:
    return Envelope([Service(key="rpw-flat", basis=Basis.SURVEY, send_currency="CAD", receive_currency="GTQ",
                             send_minor_unit=2, receive_minor_unit=2, reference_rate=D("5.55"),
                             price_points=(PricePoint(D(200), D(270), D(cost), D(0)),))])


FLAT_34_77 = flat("34.77")


def members(amounts, today: Service | None = None) -> list[Member]:
    return [Member(f"w{i:02d}", D(a), option(MTO, D(a), "MTO cash pickup"),
                   option(today, D(a), "Cash agent") if today else None) for i, a in enumerate(amounts, start=1)]


TERMS = Terms(minor_unit=2, currency="CAD", distribution_fee=D("1.50"), incoming_fee=D("15.00"), transfers_per_year=12)


def test_twelve_workers_sending_cad_350_each():
    """Twelve seasonal workers each send CAD 350 (CAD 4,200 in all).

    Alone, each pays the money transfer operator CAD 9.99 + 3.5% of 350 = 9.99 + 12.25 = CAD 22.24;
    the twelve pay 12 × 22.24 = CAD 266.88.

    Bundled: one bank wire of CAD 4,200: fee CAD 30.00 + FX 2% of 4,200 = 84.00, and the Guatemalan
    bank deducts CAD 15.00 on arrival: 129.00 for the transfer; then CAD 1.50 per member to pay each
    family out: 18.00. The bundle costs CAD 147.00. Pro rata on equal amounts: 147.00 / 12 = 12.25 each
    (fee 2.50 on top + FX 7.00 + 1.25 of the deduction + 1.50). Each hands over 350 + 2.50 = 352.50
    and saves 22.24 − 12.25 = CAD 9.99 (44.92%); the group saves 119.88, 1,438.56 a year.

    The family: the bank's rate is 5.55 × 0.98 = 5.439 GTQ a dollar; the account is credited
    (4,200 − 15) × 5.439 = 22,762.215 → GTQ 22,762.21. Paying each family out costs 1.50 × 5.439 =
    8.1585 → 8.16, 97.92 for twelve: GTQ 22,664.29 is paid out. Each is owed (350 − 1.25) × 5.439 −
    8.16 = 1,888.69125: GTQ 1,888.69 each and the one cent left to the first, w01.

    Break-even: n members of CAD 350 pay (45 + 8.50 n) / n each: n = 3 → 23.50 (more than 22.24),
    n = 4 → 19.75 (less): bundling starts to pay at 4 members.
    """
    result = plan(members(["350"] * 12), [wire()], TERMS, alone=Envelope([MTO]))
    (transfer,) = result.transfers
    assert (transfer.amount, transfer.fee, transfer.fx_cost, transfer.incoming_fee) == (D(4200), D(30), D(84), D(15))
    assert transfer.reportable is False and transfer.credited == D("22762.21")
    assert result.bundle_cost == D("147.00") and result.fees_on_top == D("30.00")
    assert (result.credited, result.paid_out) == (D("22762.21"), D("22664.29"))
    for member in result.members:
        assert member.joins and member.share == D("12.25") and member.fees_on_top == D("2.50")
        assert member.contribution == D("352.50")
        assert member.individual_cost == D("22.24") and member.saving == D("9.99")
        assert round(member.saving_pct, 2) == D("44.92")
    assert [m.receive_amount for m in result.members] == [D("1888.70")] + [D("1888.69")] * 11
    assert (result.individual_total, result.bundled_total, result.saving) == (D("266.88"), D("147.00"), D("119.88"))
    assert result.yearly_saving == D("1438.56")
    assert result.break_even_members == 4
    assert [(p.members, p.bundled_per_member) for p in result.curve[:4]] == [
        (1, D("53.50")), (2, D("31.00")), (3, D("23.50")), (4, D("19.75"))]
    assert str(result.verdict[0]) == ("All 12 members gain by bundling: together they pay CAD 119.88 less than each "
                                      "sending alone the cheapest way (44.92%).")
    assert str(result.verdict[1]) == "Members each sending CAD 350.00 gain from a group of 4."


def test_against_what_each_pays_today():
    """The same twelve send today by cash pickup at CAD 7.99 + 4.5% = 7.99 + 15.75 = 23.74 each: the
    bundle's 12.25 saves them 11.49 each (48.40%), 137.88 together."""
    result = plan(members(["350"] * 12, today=CASH), [wire()], TERMS, alone=Envelope([MTO]))
    member = result.members[0]
    assert (member.current_option, member.current_cost, member.saving_vs_current) == ("Cash agent", D("23.74"),
                                                                                      D("11.49"))
    assert round(member.saving_vs_current_pct, 2) == D("48.40")
    assert (result.current_total, result.saving_vs_current) == (D("284.88"), D("137.88"))
    assert str(result.verdict[-1]).startswith("Against what they pay today, the members who said how they send save "
                                              "CAD 137.88 (48.40%)")


def test_a_member_for_whom_joining_does_not_pay_is_left_out_and_told_why():
    """Equal sharing of a CAD 30 wire: the CAD 20 sender would pay 15.00 + 2% of 20 = 15.40, more than
    the MTO's 9.99 + 0.70 = 10.69 alone, so sends alone; the CAD 2,000 sender, alone in the bundle,
    pays 30 + 40 = 70.00 against 9.99 + 70.00 = 79.99."""
    group = members(["2000", "20"])
    result = plan(group, [wire()], Terms(minor_unit=2, currency="CAD", allocation="equal"))
    small = next(m for m in result.members if m.ref == "w02")
    assert small.joins is False and small.share is None and small.fees_on_top is None
    assert str(small.reason) == "joining would cost CAD 15.40, more than sending alone with MTO cash pickup at CAD 10.69"
    big = next(m for m in result.members if m.ref == "w01")
    assert big.joins and big.share == D("70.00") and big.share <= big.individual_cost
    assert str(result.verdict[0]).startswith("1 of 2 members gain by bundling")


def test_a_group_too_small_to_gain_is_told_from_what_size_it_would():
    """Three workers of CAD 350: (45 + 8.50 × 3) / 3 = 23.50 each, more than 22.24 alone; from 4 it pays
    (45 / 4 + 8.50 = 19.75), and at every larger size (one wire of up to CAD 50,000 carries 142)."""
    result = plan(members(["350"] * 3), [wire()], TERMS, alone=Envelope([MTO]))
    assert not any(m.joins for m in result.members) and result.transfers == []
    assert result.break_even_members == 4 and result.paying_sizes == [(4, 1000)]
    assert [str(s) for s in result.verdict] == [
        "No member of this group gains by bundling: each should send alone the cheapest way, as each line below says.",
        "Members each sending CAD 350.00 gain from a group of 4.",
        "This group has 3 members: too few to share the pooled transfer's fees."]


def test_one_persons_transfers_of_a_day_are_all_reportable_when_together_they_reach_the_threshold():
    """CAD 25,000 with a bank limit of CAD 10,000: three transfers of 8,333.34, 8,333.33, 8,333.33. None
    reaches the threshold alone, but the coordinator makes all three on one day, and the bank adds up
    one person's transfers within 24 hours: all three are reported, and the plan says so with the
    day's total (CAD 25,000.00). It never advises splitting to stay under it."""
    terms = Terms(minor_unit=2, currency="CAD", max_transfer=D("10000"), reporting_threshold=D("10000"))
    result = plan(members(["2500"] * 10), [wire()], terms)
    assert [(t.amount, t.reportable, t.day) for t in result.transfers] == [
        (D("8333.34"), True, 1), (D("8333.33"), True, 1), (D("8333.33"), True, 1)]
    assert [(d.day, d.transfers, d.total, d.reportable) for d in result.days] == [(1, 3, D("25000.00"), True)]
    notes = [str(n) for n in result.notes]
    assert notes[0] == "The money goes in 3 transfers because the bank takes at most CAD 10000.00 in one transfer."
    assert notes[1] == (
        "The bank reports these 3 transfers to FINTRAC. Made by one person on one day, they add up to CAD 25000.00, "
        "and the bank adds up the international transfers made by or for the same person within 24 hours and reports "
        "them when they reach CAD 10000.00. The pooling organisation is named as the sender. This is routine and "
        "asks nothing more of the group.")
    assert notes[2] == ("Splitting money or spreading it over days to stay under CAD 10000.00 does not avoid the "
                        "reports: banks watch for it (structuring) and report it to FINTRAC as suspicious.")
    assert "this report" not in " ".join(notes)
    # Without a limit of its own, the bank's largest band carries it all in one reportable transfer.
    whole = plan(members(["2500"] * 10), [wire()], Terms(minor_unit=2, currency="CAD",
                                                            reporting_threshold=D("10000")))
    assert [t.amount for t in whole.transfers] == [D("25000")] and whole.transfers[0].reportable
    assert str(whole.notes[0]).startswith("The bank reports this transfer of CAD 25000.00 to FINTRAC")
    small_band = plan(members(["2500"] * 4), [wire(max_amount="4000")], Terms(minor_unit=2))
    assert [t.amount for t in small_band.transfers] == [D("3333.34"), D("3333.33"), D("3333.33")]
    # No reporting rule is known for this send currency: nothing about reporting is claimed.
    assert [n.code for n in small_band.notes] == ["split_by_limit"]
    assert not any(t.reportable for t in small_band.transfers) and small_band.reporting_threshold is None


def test_transfers_over_days_the_coordinator_chooses_are_added_up_day_by_day():
    """Five transfers of CAD 5,000 (a limit of 5,000) on the two days the coordinator chose: three the
    first day (CAD 15,000.00, reported), two the second (CAD 10,000.00: it reaches the threshold, reported
    too). On four days: 2, 1, 1, 1 transfers, CAD 10,000.00 then 5,000.00 three times: only the first
    day's are reported. More days than transfers: one transfer a day."""
    base = dict(minor_unit=2, currency="CAD", max_transfer=D("5000"), reporting_threshold=D("10000"))
    two = plan(members(["2500"] * 10), [wire()], Terms(**base, transfer_days=2))
    assert [(d.day, d.transfers, d.total, d.reportable) for d in two.days] == [
        (1, 3, D("15000.00"), True), (2, 2, D("10000.00"), True)]
    assert [(t.day, t.reportable) for t in two.transfers] == [(1, True)] * 3 + [(2, True)] * 2
    four = plan(members(["2500"] * 10), [wire()], Terms(**base, transfer_days=4))
    assert [(d.transfers, d.total, d.reportable) for d in four.days] == [
        (2, D("10000.00"), True), (1, D("5000.00"), False), (1, D("5000.00"), False), (1, D("5000.00"), False)]
    assert [t.reportable for t in four.transfers] == [True, True, False, False, False]
    notes = [str(n) for n in four.notes]
    assert notes[1] == (
        "The transfers are made on 4 days, as the coordinator chose. The bank adds up the international transfers "
        "made by or for the same person within 24 hours and reports them when they reach CAD 10000.00: it reports "
        "the transfers of 1 of these days, as the table of days shows.")
    assert "structuring" in notes[2] and "wait" not in " ".join(notes)
    many = plan(members(["2500"] * 10), [wire()], Terms(**base, transfer_days=31))
    assert len(many.days) == 5 and {d.transfers for d in many.days} == {1}


def test_a_reason_to_send_alone_is_a_clause_that_pages_make_a_sentence():
    from remit.i18n import sentence

    assert sentence("joining would cost CAD 35.33, more than sending alone") == (
        "Joining would cost CAD 35.33, more than sending alone.")
    assert sentence("unirse le costaría 35,33 CAD.") == "Unirse le costaría 35,33 CAD."
    assert sentence("  ") == ""


def test_intermediary_and_receiving_banks_deduct_on_the_way():
    """CAD 5,000 wired: intermediary CAD 20 and receiving bank CAD 15 are deducted, so the account gets
    (5,000 − 35) × 5.439 = GTQ 27,004.635 → 27,004.63, and each of two equal members' families
    (2,500 − 17.50) × 5.439 = 13,502.3175: 13,502.32 and 13,502.31 (the cent to the larger remainder
    ... both equal: to w01)."""
    terms = Terms(minor_unit=2, currency="CAD", incoming_fee=D("15"), intermediary_fee=D("20"))
    result = plan(members(["2500"] * 2), [wire()], terms)
    (transfer,) = result.transfers
    assert (transfer.intermediary_fee, transfer.deducted, transfer.credited) == (D(20), D(35), D("27004.63"))
    assert [m.receive_amount for m in result.members] == [D("13502.32"), D("13502.31")]
    assert result.paid_out == D("27004.63")


def test_shares_are_rounded_by_largest_remainder_and_sum_exactly():
    """CAD 100.00 over three equal members: 33.33 each and one cent left, to the first ref."""
    shares = allocate(D("100.00"), [Member(r, D(10)) for r in ("c", "a", "b")], "equal", 2)
    assert {ref: rounded for ref, (_, rounded) in shares.items()} == {"a": D("33.34"), "b": D("33.33"), "c": D("33.33")}
    # Taking units away works the same way: from the smallest remainders.
    assert apportion(D("0.98"), {"a": D("0.333"), "b": D("0.333"), "c": D("0.334")}, 2) == \
        {"a": D("0.33"), "b": D("0.32"), "c": D("0.33")}


def test_a_cent_of_rounding_decides_who_leaves():
    """Three members send CAD 100 each by a wire of CAD 10.00 flat (no margin, no other fees): each
    exact share is 3.3333…, rounded to 3.33 each and the cent left over to the first ref, a: 3.34.
    a and b can send alone for CAD 3.33: a's rounded share is more, so a leaves; b's is not, so b
    stays for that round. Then b and c share 10.00: 5.00 each, more than b's 3.33, so b leaves;
    c alone pays 10.00, less than its 12.00 alone."""
    group = [Member("a", D(100), Option("A alone", D("3.33"))), Member("b", D(100), Option("B alone", D("3.33"))),
             Member("c", D(100), Option("C alone", D("12")))]
    result = plan(group, [wire(fixed="10", margin="0")], Terms(minor_unit=2, currency="CAD"))
    a, b, c = result.members
    assert not a.joins and a.reason == ("joining would cost CAD 3.34, more than sending alone with A alone at "
                                        "CAD 3.33")
    assert not b.joins and b.reason == ("joining would cost CAD 5.00, more than sending alone with B alone at "
                                        "CAD 3.33")
    assert c.joins and c.share == D("10.00") and c.saving == D("2.00")


def test_bad_groups_are_refused():
    with pytest.raises(BundleError):
        plan([], [wire()], Terms(minor_unit=2))
    with pytest.raises(BundleError):
        plan(members(["1", "2"])[:1] * 2, [wire()], Terms(minor_unit=2))
    with pytest.raises(BundleError, match="would take 2 transfers of at most 50000"):
        plan([Member("a", D(60000))], [wire(max_amount="50000")], Terms(minor_unit=2, max_transfers=1))
    with pytest.raises(NoBulkProduct):  # the wire's band starts at 1: a cent cannot go
        plan([Member("a", D("0.50"))], [wire()], Terms(minor_unit=2))


amounts = st.lists(st.decimals(min_value=D("1.00"), max_value=D("3000.00"), places=2), min_size=1, max_size=40)
fees = st.decimals(min_value=D("0"), max_value=D("50"), places=2)


@settings(max_examples=150, deadline=None)
@given(amounts, fees, fees, fees, st.sampled_from(["pro_rata", "equal"]), st.booleans(), st.randoms())
def test_properties_of_any_plan(values, fixed, distribution, deduction, rule, with_today, random):
    group = members(values, today=CASH if with_today else None)
    terms = Terms(minor_unit=2, max_transfer=D("5000"), distribution_fee=distribution / 10, allocation=rule,
                  incoming_fee=deduction / 5, intermediary_fee=deduction / 10)
    try:
        result = plan(group, [wire(fixed=fixed)], terms)
    except NoBulkProduct:  # only a total that the fees on the way would swallow whole
        assert sum(D(v) for v in values) <= terms.incoming_fee + terms.intermediary_fee
        return
    joined = [m for m in result.members if m.joins]
    # Shares sum exactly to the bundle's cost, the fees on top to what the bank and coordinator take.
    assert sum((m.share for m in joined), D(0)) == (result.bundle_cost if joined else 0)
    assert sum((m.fees_on_top for m in joined), D(0)) == (result.fees_on_top if joined else 0)
    # The families are paid, to the cent, what the transfers deliver less the distribution fees.
    if joined and result.paid_out is not None:
        assert sum((m.receive_amount for m in joined), D(0)) == result.paid_out
        assert result.paid_out == result.credited - len(joined) * (terms.distribution_fee * result.applied_rate
                                                                   ).quantize(D("0.01"), rounding="ROUND_HALF_UP")
    # Nobody pays more than alone; against today, nobody is worse off than today.
    for m in joined:
        assert m.share <= m.individual_cost
    for m in result.members:
        if m.saving_vs_current is not None:
            assert m.saving_vs_current >= 0 or m.individual_cost > m.current_cost
    # Every transfer within the caps, and they carry exactly the coalition's money.
    assert all(t.amount <= D("5000") for t in result.transfers)
    assert sum((t.amount for t in result.transfers), D(0)) == sum((m.amount for m in joined), D(0))
    # The verdict agrees with who joins.
    first = result.verdict[0].code
    assert first == ("verdict_all" if len(joined) == len(values) else "verdict_some" if joined else "verdict_none")
    # The plan does not depend on the members' order.
    shuffled = group[:]
    random.shuffle(shuffled)
    again = plan(shuffled, [wire(fixed=fixed)], terms)
    assert {m.ref: (m.share, m.joins, m.receive_amount) for m in again.members} == \
        {m.ref: (m.share, m.joins, m.receive_amount) for m in result.members}
    assert again.transfers == result.transfers


@settings(max_examples=150, deadline=None)
@given(amounts, st.decimals(min_value=D("0"), max_value=D("3"), places=2), fees, st.data())
def test_pro_rata_newcomer_at_or_above_the_average_never_raises_a_share(values, distribution, fixed, data):
    """Without an extra transfer, a new member sending at least the group's average lowers or keeps
    every other member's exact share (the fixed costs are spread over more money), but for the
    bank's percentage fee being charged in cents: rounded half up, by at most half a cent before and
    after, it moves a share by a cent at most."""
    group = [Member(f"w{i:02d}", D(a)) for i, a in enumerate(values)]
    average = sum(m.amount for m in group) / len(group)
    newcomer_amount = data.draw(st.decimals(min_value=average.quantize(D("0.01"), rounding="ROUND_CEILING"),
                                            max_value=max(average * 3, D("1")), places=2))
    terms = Terms(minor_unit=2, max_transfer=D("1000000"), distribution_fee=distribution)
    service = wire(fixed=fixed, max_amount="1000000", percent="0.5")
    before = plan(group, [service], terms)
    after = plan(group + [Member("zz-new", newcomer_amount)], [service], terms)
    assert len(after.transfers) == len(before.transfers) == 1
    before_shares = {m.ref: m.exact_share for m in before.members}
    for m in after.members:
        if m.ref != "zz-new":
            assert m.exact_share <= before_shares[m.ref] + D("0.01")


TIERED = Service(key="ft-tiered", basis=Basis.FEE_TABLE, send_currency="CAD", receive_currency="GTQ",
                 send_minor_unit=2, receive_minor_unit=2, reference_rate=D("5.55"),
                 bands=(FeeBand(D("1"), D("999.99"), D("10"), D("0"), D("2")),
                        FeeBand(D("1000"), D("4999.99"), D("25"), D("0"), D("2")),
                        FeeBand(D("5000"), D("50000"), D("50"), D("0"), D("2"))),
                 funding_method="bank_account", payout_method="bank_account")


def test_the_break_even_search_is_skipped_when_no_group_size_can_pay():
    """Members each sending CAD 805 by a wire of CAD 10, 25 or 50 by band and a 2% margin, CAD 15
    deducted on arrival and CAD 1.50 to pay each family. 62 members fill one wire of CAD 49,910.00:
    50 + 15 + 998.20 (2%) + 62 × 1.50 = 1,156.20, CAD 18.65 each (18.648… rounded up), the least of
    any group (61: 18.67; 63 need two wires). So a member who pays CAD 18.66 alone gains from 62;
    one who pays 18.65 alone never does, and no size is costed to say so (each member pays at least
    (65 − 0.005) / n + 16.10 + 1.50 in one wire, 18.6483… at 62; in two or more, at least
    65 × 805 / 50,000 + 17.60 − 0.005 / 63 = 18.6464…: more than 18.64)."""
    from remit.domain.bundling.group_sizes import _first_size_that_may_pay, group_sizes

    terms = Terms(minor_unit=2, incoming_fee=D("15"), distribution_fee=D("1.50"))
    assert group_sizes(D("805"), 5, [TIERED], terms, flat("18.66"))[1] == 62
    # 18.65 or less each needs (65 − 0.005) / n <= 18.65 − 17.60, n >= 61.9: the search starts at 62, not 1
    assert _first_size_that_may_pay(D("805"), [TIERED], terms, D("18.66")) == 62
    assert _first_size_that_may_pay(D("805"), [TIERED], terms, D("18.65")) is None
    assert group_sizes(D("805"), 5, [TIERED], terms, flat("18.65"))[1] is None


bands = st.lists(st.tuples(st.decimals(min_value=D("1"), max_value=D("20000"), places=2), fees,
                           st.decimals(min_value=D("0"), max_value=D("2"), places=2),
                           st.decimals(min_value=D("-0.5"), max_value=D("4"), places=2)), min_size=1, max_size=3)


@settings(max_examples=200, deadline=None)
@given(st.lists(bands, min_size=1, max_size=2), st.decimals(min_value=D("1.00"), max_value=D("3000.00"), places=2),
       st.decimals(min_value=D("0.50"), max_value=D("120.00"), places=2), fees, fees,
       st.one_of(st.none(), st.decimals(min_value=D("100"), max_value=D("20000"), places=0)))
def test_the_break_even_search_skips_only_sizes_that_do_not_pay(products, mean, alone, fixed, deducted, cap):
    """The break-even search starts where _first_size_that_may_pay says (or is not made): costing every
    size below it finds none that pays."""
    from remit.domain.bundling.group_sizes import _equal_group, _first_size_that_may_pay

    services = []
    for index, product in enumerate(products):
        edges = sorted({low for low, *_ in product} | {D("1")})
        services.append(Service(
            key=f"ft-{index}", basis=Basis.FEE_TABLE, send_currency="CAD", receive_currency="GTQ", send_minor_unit=2,
            receive_minor_unit=2, reference_rate=D("5.55"), funding_method="bank_account", payout_method="bank_account",
            bands=tuple(FeeBand(low, (edges[i + 1] - D("0.01")) if i + 1 < len(edges) else D("50000"), fee, percent,
                                margin) for i, (low, (_, fee, percent, margin)) in enumerate(zip(edges, product)))))
    terms = Terms(minor_unit=2, max_transfer=cap, coordinator_fee=fixed / 10, incoming_fee=deducted / 5,
                  intermediary_fee=deducted / 10, distribution_fee=fixed / 20, max_group=120)
    start = _first_size_that_may_pay(mean, services, terms, alone)
    for n in range(1, terms.max_group + 1 if start is None else start):
        point = _equal_group(n, mean, services, terms, alone)
        assert point is None or point.bundled_per_member >= alone, n


CREDIT_UNION = Service(key="ft-cu", basis=Basis.FEE_TABLE, send_currency="CAD", receive_currency="GTQ",
                      send_minor_unit=2, receive_minor_unit=2, reference_rate=D("5.55"),
                      bands=(FeeBand(D("1"), D("999.99"), D("10"), D("0"), D("2")),
                             FeeBand(D("1000"), D("4999.99"), D("25"), D("0"), D("2")),
                             FeeBand(D("5000"), D("50000"), D("50"), D("0"), D("2"))),
                      funding_method="bank_account", payout_method="bank_account")
BANK_A = Service(key="ft-bank-a", basis=Basis.FEE_TABLE, send_currency="CAD", receive_currency="GTQ",
                 send_minor_unit=2, receive_minor_unit=2, reference_rate=D("5.55"),
                 bands=(FeeBand(D("1"), D("2499.99"), D("15"), D("0"), D("2")),
                        FeeBand(D("2500"), D("10000"), D("20"), D("0"), D("2"))),
                 funding_method="bank_account", payout_method="bank_account")


def test_gains_stop_when_the_total_needs_a_second_transfer_and_start_again():
    """The issue's case: members each sending CAD 1,539.20 (CAD 34.77 alone), a coordinator's fee of
    CAD 24.98 per transfer, the seed's credit union (CAD 50 + 2% up to 50,000) and bank (CAD 20 + 2% up
    to 10,000). In one credit-union wire, n members pay 50 + 24.98 + 2% × 1,539.20 × n = 74.98 +
    30.784 n: 34.76 or less each from n = 19 (659.876 → 659.88 <= 19 × 34.76 = 660.44; at 18, 629.09 >
    625.68). 32 send 49,254.40; 33 send 50,793.60, over 50,000: two wires, 149.96 + 1,015.872 = 1,165.83,
    35.33 each. Two wires pay again from 149.96 / n <= 3.976, n = 38; three (from 65) and more always
    pay. The bank's wires never do (44.98 × 1,539.20 / 10,000 + 30.784 = 37.71 each at least)."""
    terms = Terms(minor_unit=2, currency="CAD", coordinator_fee=D("24.98"))

    def alike(count):
        return [Member(f"w{i:02d}", D("1539.20"), Option("MTO online", D("34.77"))) for i in range(1, count + 1)]

    result = plan(alike(33), [CREDIT_UNION, BANK_A], terms, alone=FLAT_34_77)
    assert result.break_even_members == 19 and result.paying_sizes == [(19, 32), (38, 1000)]
    assert not any(m.joins for m in result.members)
    assert [str(s) for s in result.verdict] == [
        "No member of this group gains by bundling: each should send alone the cheapest way, as each line below says.",
        "Members each sending CAD 1539.20 gain in a group of these sizes, and in no other of up to 1000: 19 to 32, "
        "38 or more.",
        "In a group of 33, members each sending CAD 1539.20 send CAD 50793.60 together: that needs 2 transfers, as "
        "the bank takes at most CAD 50000.00 in one, and the fees of the extra transfer cost more than grouping "
        "saves."]
    assert "send least" not in " ".join(result.verdict)
    # Thirty of them gain; the verdict gives the sizes, this group's among them.
    thirty = plan(alike(30), [CREDIT_UNION, BANK_A], terms, alone=FLAT_34_77)
    assert all(m.joins for m in thirty.members) and len(thirty.verdict) == 2


def test_a_group_within_the_paying_sizes_whose_smallest_senders_leave_is_told_so():
    """Forty members, twenty of CAD 20 and twenty of CAD 3,000 (mean 1,510), a CAD 30 wire and CAD 400
    deducted on arrival, shared in equal parts. Members each sending 1,510 pay 430 / n + 2% × 1,510, less
    than the MTO's 9.99 + 3.5% × 1,510 = 62.84 from n = 14 (430 / 14 + 30.20 = 60.92), 40 among them. But
    the CAD 20 senders would pay 430 / 40 + 0.40 = 11.15, more than 10.69 alone, and leave: the verdict
    speaks of this group, not of another size."""
    terms = Terms(minor_unit=2, currency="CAD", incoming_fee=D("400"), allocation="equal")
    result = plan(members(["20"] * 20 + ["3000"] * 20), [wire()], terms, alone=Envelope([MTO]))
    assert [m.joins for m in result.members] == [False] * 20 + [True] * 20
    assert result.paying_sizes == [(14, 1000)]
    assert [str(s) for s in result.verdict[1:]] == [
        "Members each sending CAD 1510.00 gain from a group of 14.",
        "A group of 40 members each sending the group's average of CAD 1510.00 would gain; in this group, those who "
        "send least would pay more than alone."]


def test_the_verdict_never_calls_a_group_whose_members_all_gain_too_small_or_too_large():
    """Members whose amounts differ from the average may all gain at a size where members each sending
    the average would not: the verdict then gives the sizes, and says nothing of this group's size."""
    from remit.domain.bundling import MemberResult, size_cause, verdict

    gains = [MemberResult(f"w{i}", D("100"), True, D("1.00"), D("1"), D("0.50"), None, D("2.00"), "MTO",
                          D("1.00"), D("50")) for i in range(3)]
    terms = Terms(minor_unit=2, currency="CAD")
    said = [str(s) for s in verdict(gains, D("3.00"), D("50"), None, None, [(5, 1000)], D("100"), terms)]
    assert said[1:] == ["Members each sending CAD 100.00 gain from a group of 5."]
    between = [str(s) for s in verdict(gains, D("3.00"), D("50"), None, None, [(1, 2)], D("100"), terms,
                                       size_cause(3, [(1, 2)], D("100"), [wire(max_amount="200")], terms))]
    assert between[1:] == ["Members each sending CAD 100.00 gain in a group of 1 to 2 members, and in no other of "
                           "up to 1000."]


def test_the_paying_sizes_are_those_costed_one_by_one():
    """paying_sizes decides whole stretches of sizes at once: costing every size finds the same ranges."""
    from remit.domain.bundling import paying_sizes

    terms = Terms(minor_unit=2, currency="CAD", coordinator_fee=D("24.98"))
    assert paying_sizes(D("1539.20"), [CREDIT_UNION, BANK_A], terms, D("34.77"), 200) == _costed_one_by_one(
        D("1539.20"), [CREDIT_UNION, BANK_A], terms, D("34.77"), 200) == [(19, 32), (38, 200)]


def _costed_one_by_one(mean, services, terms, alone, upto):
    from remit.domain.bundling.group_sizes import _equal_group, _ranges

    return _ranges([n for n in range(1, upto + 1) for point in (_equal_group(n, mean, services, terms, alone),)
                    if point is not None and point.bundled_per_member < alone])


@settings(max_examples=300, deadline=None)
@given(st.lists(bands, min_size=1, max_size=2), st.decimals(min_value=D("1.00"), max_value=D("3000.00"), places=2),
       st.integers(1, 120), st.decimals(min_value=D("-0.30"), max_value=D("0.30"), places=2), fees, fees,
       st.one_of(st.none(), st.decimals(min_value=D("100"), max_value=D("20000"), places=0)), st.sampled_from([0, 2]))
def test_paying_sizes_match_costing_every_size(products, mean, at, delta, fixed, deducted, cap, minor):
    """For any products (bands, gaps, negative margins), caps, fees and a cost alone near what some size
    pays: the ranges are exactly the sizes at which costing each finds a gain, and the first is the
    break-even size."""
    from remit.domain.bundling.group_sizes import _equal_group, group_sizes, paying_sizes

    mean = mean.quantize(D(1).scaleb(-minor)) or D(1)
    services = []
    for index, product in enumerate(products):
        edges = sorted({low for low, *_ in product} | {D("1")})
        services.append(Service(
            key=f"ft-{index}", basis=Basis.FEE_TABLE, send_currency="CAD", receive_currency="GTQ", send_minor_unit=2,
            receive_minor_unit=2, reference_rate=D("5.55"), funding_method="bank_account", payout_method="bank_account",
            bands=tuple(FeeBand(low, (edges[i + 1] - D("0.01")) if i + 1 < len(edges) else D("50000"), fee, percent,
                                margin) for i, (low, (_, fee, percent, margin)) in enumerate(zip(edges, product)))))
    terms = Terms(minor_unit=minor, max_transfer=cap, coordinator_fee=fixed / 10, incoming_fee=deducted / 5,
                  intermediary_fee=deducted / 10, distribution_fee=fixed / 20, max_group=120)
    point = _equal_group(at, mean, services, terms, None)
    if point is None:
        return
    alone = (point.bundled_per_member + delta).quantize(D(1).scaleb(-minor))
    expected = _costed_one_by_one(mean, services, terms, alone, 120)
    assert paying_sizes(mean, services, terms, alone, 120) == expected
    _, break_even, paying = group_sizes(mean, 5, services, terms, flat(alone))
    assert paying == expected and break_even == (expected[0][0] if expected else None)


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
    if transfers is None:  # a transfer too small to bear the deductions
        assert transfers_cost(total, service, terms) is None
        return
    assert transfers_cost(total, service, terms) == sum((t.cost for t in transfers), D(0))
    assert sum((t.amount for t in transfers), D(0)) == total


def test_a_cap_that_would_need_more_than_1000_transfers_names_the_smallest_that_fits():
    """One member of 1,000,000 under a cap of 0.01: 100 million transfers. 1,000,000 / 1,000 = 1,000.00
    is the smallest cap that fits in 1,000 transfers."""
    one = [Member("a", D(1000000))]
    with pytest.raises(TooManyTransfers) as refused:
        plan(one, [wire(max_amount="1000000")], Terms(minor_unit=2, max_transfer=D("0.01")))
    assert str(refused.value) == ("a cap of 0.01 per transfer would split the group's 1000000 into 100000000 "
                                  "transfers; a plan holds at most 1000 transfers: the cap must be at least 1000.00")
    assert refused.value.smallest_cap == D("1000.00") and refused.value.field == "max_transfer"
    with pytest.raises(TooManyTransfers, match="a cap of 0.001 per transfer carries nothing"):
        plan(one, [wire(max_amount="1000000")], Terms(minor_unit=2, max_transfer=D("0.001")))
    result = plan(one, [wire(max_amount="1000000")], Terms(minor_unit=2, max_transfer=D("1000.00")))
    assert len(result.transfers) == 1000 and {t.amount for t in result.transfers} == {D("1000.00")}


@settings(max_examples=100, deadline=None)
@given(st.decimals(min_value=D("1.00"), max_value=D("1000000000.00"), places=2),
       st.decimals(min_value=D("0.01"), max_value=D("1000000.00"), places=2), st.integers(1, 1000))
def test_a_plan_never_holds_more_transfers_than_allowed(total, cap, limit):
    """Either the plan fits in `limit` transfers, or it is refused with the smallest cap that fits: one
    cent less would not."""
    from remit.domain.bundling import check_transfer_cap, plan_transfers, transfers_needed

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


def test_the_split_rule_worked_by_hand():
    from remit.domain.bundling import split_exact

    amounts = {"a": D("100"), "b": D("300")}
    # Fixed fees 20 and an exchange-rate cost of 8 on 400 sent, a distribution fee of 1.50 each.
    # By amount: 28/400 = 0.07 a unit: a 7 + 1.50, b 21 + 1.50.
    assert split_exact(amounts, D("20"), D("8"), D("1.50"), "pro_rata") == {"a": D("8.50"), "b": D("22.50")}
    # In equal parts: 10 of the fixed fees each; the FX cost still by amount (0.02 a unit): a 2, b 6.
    assert split_exact(amounts, D("20"), D("8"), D("1.50"), "equal") == {"a": D("13.50"), "b": D("17.50")}
