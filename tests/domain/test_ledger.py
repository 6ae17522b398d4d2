"""The season ledger's rules: a cycle worked by hand, the refusals, then properties."""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from remit.domain.ledger import (Contribution, CycleHeading, CycleLocked, CycleMember, CycleTerms, Entry, LedgerError,
                                 Payout, PlannedTransfer, Wire, check_completion, check_open, check_payout, check_wire,
                                 check_wires_funded, current, reconcile, season, statement)

AMOUNTS = [D(500)] * 4 + [D(750)] * 4 + [D(1250)] * 4
TERMS = CycleTerms("CAD", "GTQ", 2, 2, "pro_rata", reference_rate=D("5.5"), distribution_fee=D("8.25"))


def twelve(today=D("30.49"), cheapest=D("27.49")) -> list[CycleMember]:
    """Twelve workers: w01–w04 send CAD 500, w05–w08 750, w09–w12 1,250 (CAD 10,000 in all). The plan
    asked each to hand over their amount and 0.3% of it for the bank's CAD 30 fee."""
    return [CycleMember(f"w{i:02d}", a, a * D("0.003"), today_cost=today * a / 500, cheapest_cost=cheapest * a / 500)
            for i, a in enumerate(AMOUNTS, start=1)]


# The wire, worked by hand: CAD 10,030.00 debited, of which the bank's fee is 30.00, so it carries
# 10,000.00; the bank converts to USD at 0.74: USD 7,400.00. An intermediary bank takes USD 18.50
# and the receiving bank USD 7.40 (CAD 25.00 and 10.00 at 0.74): USD 7,374.10 arrives, and the
# collective account is credited GTQ 53,707.50. Paying each family out costs GTQ 8.25 (12: 99.00).
WIRE = Wire(D("10030.00"), D("30.00"), "USD", D("0.74"), D("18.50"), D("7.40"), D("53707.50"), "FT-1", dt.date(2026, 3, 2))


def given_as_planned(members) -> list[Contribution]:
    return [Contribution(m.ref, m.planned_contribution) for m in members]


def test_a_cycle_reconciled_by_hand():
    """The families get 53,707.50 − 99.00 = GTQ 53,608.50, at the mid-market rate of 5.5 worth
    CAD 9,747.00; the members gave 10,030.00 for the wire: the cycle cost CAD 283.00. Its parts: the
    bank's fee 30.00, the deductions 35.00, the distribution fees 99 / 5.5 = 18.00, and the exchange
    rate the rest: 10,000 − 53,707.50 / 5.5 − 35 = 10,000 − 9,765 − 35 = 200.00.

    Pro rata, a member's share is 283 × amount / 10,000 (every part is split by amount, and the 18.00 of
    distribution fees is 1.50 each: 265 × a / 10,000 + 1.50): CAD 500 → 13.25 + 1.50 = 14.75; 750 →
    19.875 + 1.50 = 21.375; 1,250 → 33.125 + 1.50 = 34.625. Rounded down: 14.75, 21.37, 34.62, which add up
    to 282.96; the four cents left go to the largest remainders (half a cent each for the eight CAD 750
    and 1,250 members), ties to the references in order: w05–w08 pay 21.38, w09–w12 34.62.

    Each family: 53,707.50 × amount / 10,000 less 8.25 (the deductions are split by amount too):
    500 → 2,685.375 − 8.25 = 2,677.125; 750 → 4,019.8125; 1,250 → 6,705.1875. Rounded down they add up
    to 53,608.44; six cents are left: the four CAD 1,250 families (three quarters of a cent) and then
    w01, w02 (half a cent) get one each: 2,677.13 ×2, 2,677.12 ×2, 4,019.81 ×4, 6,705.19 ×4 = 53,608.50."""
    members = twelve()
    recon = reconcile(members, TERMS, given_as_planned(members), [WIRE])
    assert (recon.cost, recon.fees_on_top, recon.deducted, recon.distribution, recon.fx_cost) == (
        D("283.00"), D("30.00"), D("35"), D("18"), D("200"))
    shares = [m.share for m in recon.members]
    assert shares == [D("14.75")] * 4 + [D("21.38")] * 4 + [D("34.62")] * 4
    assert sum(shares) == recon.cost
    assert [m.expected_payout for m in recon.members] == (
        [D("2677.13")] * 2 + [D("2677.12")] * 2 + [D("4019.81")] * 4 + [D("6705.19")] * 4)
    assert recon.expected_paid_out == D("53608.50")
    # The plan asked for the fees the bank charged: every balance is settled; no payout is recorded yet.
    assert [m.balance for m in recon.members] == [D(0)] * 12
    assert [f.code for f in recon.flags] == ["payout_missing", "payouts_total"]
    # Against today's service (cash agent: 30.49 for CAD 500) and the cheapest alone (27.49).
    first = recon.members[0]
    assert (first.saving_vs_today, first.saving_vs_cheapest) == (D("15.74"), D("12.74"))


def test_flags_say_what_does_not_add_up():
    members = twelve()
    given = given_as_planned(members)
    given[2] = Contribution("w03", D("500.00"))  # forgot the CAD 1.50 for the fee
    payouts = [Payout(m.ref, D("2677.13") if i < 2 else D("2677.12") if i < 4 else D("4019.81") if i < 8
                      else D("6705.19"), "paid") for i, m in enumerate(members)]
    payouts[5] = Payout("w06", D("4019.81"), "returned")
    payouts[11] = Payout("w12", D("6705.19"), "pending")
    recon = reconcile(members, TERMS, given, [WIRE], payouts, [PlannedTransfer(D("10000"), D("30"), D("35"),
                                                                               D("53711.35"))])
    codes = [(f.code, f.ref) for f in recon.flags]
    assert codes == [("contribution_differs", "w03"), ("payout_returned", "w06"), ("payout_pending", None),
                     ("left_to_settle", None), ("payouts_total", None)]
    assert str(recon.flags[0].message) == "w03 handed over CAD 500.00; the plan asks 501.50."
    assert str(recon.flags[3].message) == ("The members handed over CAD 10028.50; the wires and the coordinator's fees "
                                           "took 10030.00: -1.50 is to be settled with the members, as each line says.")
    assert recon.members[2].balance == D("-1.50")
    assert str(recon.flags[4].message) == ("The payouts add up to GTQ 49588.69; the collective account received "
                                           "53707.50 and, less 99.00 in distribution fees, 53608.50 is to be paid out.")
    # The wire against the plan: the plan expected GTQ 53,711.35; 3.85 less arrived.
    assert recon.wires[0].credited_difference == D("-3.85")
    assert recon.wires[0].cost_difference == D("0.70")  # 3.85 / 5.5


def test_equal_shares_split_the_fixed_fees_evenly_and_the_exchange_rate_by_amount():
    """Equal: the 65.00 of fees (30 + 35) is 5.4166… each; the FX cost 200 by amount; 1.50 each:
    500 → 5.41666 + 10 + 1.5 = 16.9166…; 750 → 21.9166…; 1,250 → 31.9166…; rounded: 16.92, 21.92, 31.92 and
    the cost of 283.00 − 4 × 70.76 = −0.04: four cents taken back from the smallest remainders (all
    equal), last references first: w09–w12 pay 31.91."""
    members = twelve()
    terms = CycleTerms("CAD", "GTQ", 2, 2, "equal", reference_rate=D("5.5"), distribution_fee=D("8.25"))
    recon = reconcile(members, terms, given_as_planned(members), [WIRE])
    assert [m.share for m in recon.members] == [D("16.92")] * 4 + [D("21.92")] * 4 + [D("31.91")] * 4
    assert sum(m.share for m in recon.members) == D("283.00")


@pytest.mark.parametrize("wire, field, text", [
    (Wire(D(100), D(1), "USD", D(0), D(0), D(0), D(500)), "applied_rate", "a rate must be more than zero, not 0"),
    (Wire(D(100), D(1), "CAD", D("0.74"), D(0), D(0), D(500)), "applied_rate",
     "a wire sent in CAD needs no conversion: its rate is 1, not 0.74"),
    (Wire(D(100), D(100), "CAD", D(1), D(0), D(0), D(500)), "fee", "the fee of 100 would take the whole 100 debited"),
    (Wire(D(100), D(1), "USD", D("0.74"), D(70), D("3.26"), D(500)), "intermediary",
     "the deductions of 73.26 USD would take all the wire carried"),
    (Wire(D(100), D(1), "USD", D("0.74"), D(0), D(0), D(0)), "credited", "the amount credited must be more than zero, not 0"),
])
def test_impossible_wires_are_refused(wire, field, text):
    with pytest.raises(LedgerError) as refused:
        check_wire(wire, TERMS)
    assert (refused.value.field, str(refused.value.message)) == (field, text)


def test_a_wire_larger_than_the_contributions_is_refused():
    members = twelve()
    with pytest.raises(LedgerError) as refused:
        check_wires_funded([WIRE], given_as_planned(members)[:11], TERMS)
    assert str(refused.value.message) == ("the wires would take CAD 10030.00 (fees included), more than the "
                                          "8776.25 the members handed over")
    check_wires_funded([WIRE], given_as_planned(members), TERMS)  # exactly covered


def test_a_payout_to_someone_outside_the_cycle_is_refused():
    with pytest.raises(LedgerError) as refused:
        check_payout(Payout("w99", D(10)), [m.ref for m in twelve()])
    assert str(refused.value.message) == "a payout to 'w99', who is not a member of this cycle"


def test_a_completed_cycle_is_locked_and_completes_once():
    members = twelve()
    with pytest.raises(CycleLocked) as locked:
        check_open(dt.date(2026, 3, 9), 4)
    assert locked.value.status == 409 and "cycle 4 was completed on 2026-03-09" in str(locked.value.message)
    with pytest.raises(CycleLocked):
        check_completion(dt.date(2026, 3, 9), 4, members, given_as_planned(members), [WIRE],
                         [Payout(m.ref, D(1)) for m in members])
    with pytest.raises(LedgerError) as missing:
        check_completion(None, 4, members, given_as_planned(members), [WIRE], [Payout("w01", D(1))])
    assert missing.value.field == "payouts"


def test_corrections_supersede_and_void():
    entries = [Entry(1), Entry(2), Entry(3), Entry(4, supersedes=2), Entry(5, supersedes=4), Entry(6, supersedes=3,
                                                                                                  void=True)]
    assert current(entries) == [1, 5]


def test_a_statement_adds_up_its_cycles():
    members = twelve()
    first = reconcile(members, TERMS, given_as_planned(members), [WIRE])
    second = reconcile(members[:11], TERMS, given_as_planned(members[:11]), [WIRE])
    cycles = [(CycleHeading(2, dt.date(2026, 3, 16), True), second), (CycleHeading(1, dt.date(2026, 3, 2), True), first)]
    w12 = statement("w12", cycles)
    assert [line.cycle.number for line in w12.lines] == [1]
    w01 = statement("w01", cycles)
    assert [line.cycle.number for line in w01.lines] == [1, 2]
    assert w01.share == first.members[0].share + second.members[0].share
    whole = season(cycles)
    assert whole.cost == first.cost + second.cost == sum(s.share for s in whole.statements)


# --- Properties ----------------------------------------------------------------------------------

money = st.decimals(min_value=D("1.00"), max_value=D("5000.00"), places=2)
small = st.decimals(min_value=D("0.00"), max_value=D("40.00"), places=2)
rates = st.decimals(min_value=D("0.5"), max_value=D("20"), places=4)


@st.composite
def cycles(draw):
    amounts = draw(st.lists(money, min_size=1, max_size=30))
    members = [CycleMember(f"m{i:03d}", a, draw(small), draw(small), None, draw(st.none() | small), draw(small))
               for i, a in enumerate(amounts)]
    mid = draw(rates)
    terms = CycleTerms("CAD", "GTQ", 2, 2, draw(st.sampled_from(["pro_rata", "equal"])), mid, draw(small),
                       draw(small))
    total = sum(amounts)
    parts = draw(st.integers(1, 3))
    wires, carried = [], D(0)
    for i in range(parts):
        principal = total - carried if i == parts - 1 else (total / parts).quantize(D("0.01"))
        carried += principal
        if principal <= 0:
            continue
        fee = draw(small)
        rate = draw(st.sampled_from([D(1), D("0.74"), D("1.3")]))
        currency = "CAD" if rate == 1 else "USD"
        deduct = draw(st.decimals(min_value=D(0), max_value=min(D(30), principal * rate / 4), places=2))
        credited = ((principal * rate - deduct) * mid * draw(st.decimals(min_value=D("0.9"), max_value=D("1.02"),
                                                                          places=3))).quantize(D("0.01"))
        wires.append(Wire(principal + fee, fee, currency, rate, deduct, D(0), max(credited, D("0.01"))))
    given = [Contribution(m.ref, m.planned_contribution + draw(small)) for m in members]
    payouts = [Payout(m.ref, draw(money), draw(st.sampled_from(["paid", "pending", "returned"]))) for m in members]
    return members, terms, given, wires, payouts


@settings(max_examples=200, deadline=None)
@given(cycles(), st.randoms())
def test_shares_add_up_to_the_cost_and_payouts_to_what_arrived(cycle, rnd):
    members, terms, given, wires, payouts = cycle
    recon = reconcile(members, terms, given, wires, payouts)
    shares = [m.share for m in recon.members]
    assert sum(shares) == recon.cost == recon.cost_exact.quantize(D("0.01"), rounding="ROUND_HALF_UP")
    assert all(abs(m.share - m.exact_share) < D("0.01") + D("0.005") for m in recon.members)
    assert sum(m.exact_share for m in recon.members) == pytest.approx(recon.cost_exact, abs=D("1e-18"))
    assert sum(m.fees_on_top for m in recon.members) == recon.fees_on_top.quantize(D("0.01"),
                                                                                     rounding="ROUND_HALF_UP")
    if any(m.expected_payout is not None for m in recon.members):
        assert sum(m.expected_payout for m in recon.members) == recon.credited - recon.distribution_fees
    # The order of the list never matters.
    shuffled = list(members)
    rnd.shuffle(shuffled)
    again = reconcile(shuffled, terms, given, wires, payouts)
    assert {m.ref: (m.share, m.expected_payout) for m in again.members} == {
        m.ref: (m.share, m.expected_payout) for m in recon.members}


@settings(max_examples=60, deadline=None)
@given(st.lists(cycles(), min_size=1, max_size=5))
def test_no_statement_disagrees_with_the_cycles(drawn):
    pairs = []
    for number, (members, terms, given, wires, payouts) in enumerate(drawn, start=1):
        pairs.append((CycleHeading(number, dt.date(2026, 1, 1) + dt.timedelta(days=14 * number), True),
                      reconcile(members, terms, given, wires, payouts)))
    whole = season(pairs)
    for heading, recon in pairs:
        lines = [line for s in whole.statements for line in s.lines if line.cycle == heading]
        assert sum(line.share for line in lines) == recon.cost
        assert sum(line.contributed for line in lines) == recon.contributed
        assert sum(line.received for line in lines) == recon.paid_out
    assert whole.cost == sum(s.share for s in whole.statements)
    assert whole.paid_out == sum(s.received for s in whole.statements)


def test_a_random_correction_chain_leaves_one_entry_in_force():
    rnd = random.Random(7)
    for _ in range(200):
        entries, live = [], []
        for i in range(1, 30):
            if live and rnd.random() < 0.5:
                old = rnd.choice(live)
                void = rnd.random() < 0.3
                entries.append(Entry(i, supersedes=old, void=void))
                live.remove(old)
                if not void:
                    live.append(i)
            else:
                entries.append(Entry(i))
                live.append(i)
        assert current(entries) == sorted(live)
