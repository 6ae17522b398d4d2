"""A season of six pooled transfers for twelve workers, recorded as they really happened, with the
actual fees worked by hand, a returned payout and a correction; every worker's statement against a
hand-worked table; then the locks, the audit log, retention and the auditor's export.

The corridor (tests/importers/helpers.load_hand_worked_corridor): a bank wire at CAD 30 + 2%, a money transfer
operator at 9.99 + 3.5% (the cheapest way alone) and a cash agent at 7.99 + 4.5% (the service every
worker uses today). Mid-market CAD→GTQ: 5.5 from 5 January, 5.6 from 1 April 2026.

The workers: w01–w04 send CAD 500, w05–w08 750, w09–w12 1,250 (CAD 10,000 in all). Today each pays
the cash agent 30.49 / 41.74 / 64.24 (34.99 for 600); alone the cheapest would be 27.49 / 36.24 /
53.74 (30.99 for 600). Those prices are percentages of the amount, so the change of rate in April does
not change them in CAD.

What each cycle really cost (cost = debited − (credited − distribution fees) / mid):
1. 2 March, mid 5.5. Wire: 10,030.00 debited, fee 30.00, USD at 0.74: intermediary USD 18.50 and
   receiving bank USD 7.40 (CAD 35.00); credited GTQ 53,707.50; the cooperative takes GTQ 8.25 a family.
   10,030 − (53,707.50 − 99) / 5.5 = 10,030 − 9,747 = 283.00 = 30 fee + 35 deducted + 18 distribution
   + 200 exchange rate. Shares 265 × a / 10,000 + 1.50: 14.75 / 21.375 / 34.625 → 14.75, 21.38 (w05–w08:
   the four cents left go to the half-cent remainders, references in order), 34.62. Payouts
   53,707.50 × a / 10,000 − 8.25: 2,677.125 / 4,019.8125 / 6,705.1875 → 2,677.13 (w01, w02),
   2,677.12 (w03, w04), 4,019.81, 6,705.19.
2. 16 March, mid 5.5. The intermediary took USD 22.20 (CAD 30): deducted 40.00; credited 53,680.00.
   10,030 − 53,581 / 5.5 = 10,030 − 9,742 = 288.00. Shares 270 × a / 10,000 + 1.50: 15.00 / 21.75 /
   35.25. Payouts 53,680 × a / 10,000 − 8.25: 2,675.75 / 4,017.75 / 6,701.75. After completion, w06's
   payout comes back (a wrong account number) and is paid again: two corrections.
3. 30 March, mid 5.5. The bank charged 31.00 (10,031.00 debited); w12 handed over 1,255.00 (the plan
   asked 1,253.75), so the members gave 10,031.25 and 0.25 is left to settle. Credited 53,707.50:
   10,031 − 9,747 = 284.00; shares 266 × a / 10,000 + 1.50: 14.80 / 21.45 / 34.75; payouts as in cycle 1.
4. 13 April, mid 5.6; w12 does not send (11 members, CAD 8,750). USD at 0.75: USD 18.75 + 7.50
   deducted (CAD 35.00); credited GTQ 47,824.00, typed 47,842.00 at completion and corrected afterwards;
   GTQ 8.40 a family. 8,780 − (47,824 − 92.40) / 5.6 = 8,780 − 8,523.50 = 256.50. Shares
   240 × a / 8,750 + 1.50: 15.2142… / 22.0714… / 35.7857… → three cents to w09–w11 (0.57 of a cent)
   and one to w01 (0.43): 15.22, 15.21 (w02–w04), 22.07, 35.79. Payouts 47,824 × a / 8,750 − 8.40:
   2,724.40 / 4,090.80 / 6,823.60.
5. 27 April, mid 5.6. Credited GTQ 54,684.00: 10,030 − (54,684 − 100.80) / 5.6 = 10,030 − 9,747 =
   283.00; shares as in cycle 1; payouts 54,684 × a / 10,000 − 8.40: 2,725.80 / 4,092.90 / 6,827.10.
6. 11 May, mid 5.6; w01 sends 600 (CAD 10,100), the wire travels in CAD (rate 1): CAD 25 + 10 deducted;
   credited GTQ 55,232.80. 10,130 − 55,132 / 5.6 = 10,130 − 9,845 = 285.00. Shares 267 × a / 10,100 +
   1.50: 17.3613… / 14.7178… / 21.3267… / 34.5445… → seven cents left: w02–w04 (0.78 of a cent) and
   w05–w08 (0.67): 17.36, 14.72, 21.33, 34.54. Payouts 55,232.80 × a / 10,100 − 8.40: 3,272.7564… /
   2,725.8970… / 4,093.0455… / 6,827.3425… → six cents: w02–w04, w01, w05, w06: 3,272.76, 2,725.90,
   4,093.05 (w05, w06), 4,093.04 (w07, w08), 6,827.34.
The season cost 283 + 288 + 284 + 256.50 + 283 + 285 = CAD 1,679.50.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from decimal import Decimal as D

import pytest
from sqlalchemy import func, select

from remit.domain.errors import RemitError
from remit.domain.ledger import CycleLocked
from remit.extensions import db
from remit.models import AuditEvent, BundleGroup, LedgerCycle, LedgerMember, LedgerPayout, LedgerWire
from remit.services import bundles, ledger

from ..conftest import table_counts
from ..importers.helpers import load_hand_worked_corridor

STAFF = "coordinator@example.org"
REFS = [f"w{i:02d}" for i in range(1, 13)]
AMOUNTS = {ref: D(500 if i < 4 else 750 if i < 8 else 1250) for i, ref in enumerate(REFS)}


@pytest.fixture
def corridor(app):
    load_corridor()


def load_corridor() -> None:
    """The corridor of the module's docstring: its rates and fee tables."""
    load_hand_worked_corridor(b"CAD,GTQ,5.6,2026-04-01,test rate\n")


@pytest.fixture
def group(corridor):
    return make_group()


def make_group(name: str = "Finca 2026") -> BundleGroup:
    group = BundleGroup(name=name, send_country="CA", receive_country="GT", currency="CAD", members="",
                        settings="{}", created_by=STAFF)
    db.session.add(group)
    db.session.commit()
    return group


def plan(on: dt.date, amounts: dict[str, D]):
    request = bundles.BundleRequest(
        send="CA", receive="GT", currency="CAD",
        members=[bundles.MemberInput(ref, amount, None, "Corner Agent · Cash pickup", "es")
                 for ref, amount in amounts.items()],
        distribution_fee=D("1.50"), incoming_fee=D("10"), intermediary_fee=D("25"))
    return bundles.plan(request, on=on)


# The plan's fees on top as worked by hand: CAD 10,000 → 1.50 / 2.25 / 3.75 each (exact); cycle 4
# (8,750): 1.7142… / 2.5714… / 4.2857… → 1.72 (w01), 1.71, 2.57, 4.29 (w09–w11); cycle 6 (10,100):
# 1.7821 (600) / 1.4851 / 2.2277 / 3.7128 → 1.78, 1.49 (w02, w03), 1.48 (w04), 2.23, 3.71.
ON_TOP = {ref: D("1.50") if a == 500 else D("2.25") if a == 750 else D("3.75") for ref, a in AMOUNTS.items()}
ON_TOP_4 = {**{r: D("1.71") for r in REFS[:4]}, "w01": D("1.72"), **{r: D("2.57") for r in REFS[4:8]},
            **{r: D("4.29") for r in REFS[8:11]}}
ON_TOP_6 = {"w01": D("1.78"), "w02": D("1.49"), "w03": D("1.49"), "w04": D("1.48"),
            **{r: D("2.23") for r in REFS[4:8]}, **{r: D("3.71") for r in REFS[8:]}}

# Payouts by hand (see the module's docstring).
PAY_1 = {**dict.fromkeys(REFS[:2], D("2677.13")), **dict.fromkeys(REFS[2:4], D("2677.12")),
         **dict.fromkeys(REFS[4:8], D("4019.81")), **dict.fromkeys(REFS[8:], D("6705.19"))}
PAY_2 = {**dict.fromkeys(REFS[:4], D("2675.75")), **dict.fromkeys(REFS[4:8], D("4017.75")),
         **dict.fromkeys(REFS[8:], D("6701.75"))}
PAY_4 = {**dict.fromkeys(REFS[:4], D("2724.40")), **dict.fromkeys(REFS[4:8], D("4090.80")),
         **dict.fromkeys(REFS[8:11], D("6823.60"))}
PAY_5 = {**dict.fromkeys(REFS[:4], D("2725.80")), **dict.fromkeys(REFS[4:8], D("4092.90")),
         **dict.fromkeys(REFS[8:], D("6827.10"))}
PAY_6 = {"w01": D("3272.76"), **dict.fromkeys(REFS[1:4], D("2725.90")), "w05": D("4093.05"), "w06": D("4093.05"),
         "w07": D("4093.04"), "w08": D("4093.04"), **dict.fromkeys(REFS[8:], D("6827.34"))}

EXPECTED_COSTS = [D("283.00"), D("288.00"), D("284.00"), D("256.50"), D("283.00"), D("285.00")]


def run_cycle(group, on, amounts, on_top, wire, distribution_fee, payouts, given=None):
    cycle = ledger.create_cycle(group, plan(on, amounts), on, actor=STAFF, language="es")
    ledger.set_distribution_fee(cycle.id, distribution_fee, actor=STAFF)
    given = given or {}
    ledger.record_contributions(cycle.id, [
        ledger.ContributionInput(ref, given.get(ref, amount + on_top[ref]), "cash", f"R-{on:%m%d}-{ref}", on)
        for ref, amount in amounts.items()], actor=STAFF)
    ledger.add_wire(cycle.id, wire, actor=STAFF)
    ledger.record_payouts(cycle.id, [ledger.PayoutInput(ref, payouts[ref], "paid", on + dt.timedelta(days=3),
                                                        "signed_receipt", "Rosa (cooperative)")
                                     for ref in amounts], actor=STAFF)
    ledger.complete(cycle.id, actor=STAFF, on=on + dt.timedelta(days=4))
    db.session.commit()
    return cycle.id


def wire(debited, fee, currency, rate, intermediary, receiving, credited, on, reference):
    return ledger.WireInput(D(debited), D(fee), currency, D(rate), D(intermediary), D(receiving), D(credited),
                            reference, on)


def record_season(group) -> list[int]:
    """The six cycles, recorded as the module's docstring says; their ids."""
    ids = []
    day = dt.date(2026, 3, 2)
    ids.append(run_cycle(group, day, AMOUNTS, ON_TOP, wire("10030.00", "30.00", "USD", "0.74", "18.50", "7.40",
                                                            "53707.50", day, "FT2603020001"), D("8.25"), PAY_1))
    day = dt.date(2026, 3, 16)
    ids.append(run_cycle(group, day, AMOUNTS, ON_TOP, wire("10030.00", "30.00", "USD", "0.74", "22.20", "7.40",
                                                            "53680.00", day, "FT2603160001"), D("8.25"), PAY_2))
    returned = db.session.execute(select(LedgerPayout).join(LedgerMember, LedgerPayout.member_id == LedgerMember.id)
                                  .where(LedgerPayout.cycle_id == ids[1], LedgerMember.ref == "w06")).scalar_one()
    ledger.correct(ids[1], ledger.Correction("payout", "The cooperative's account number was wrong: the money came "
                                             "back.", supersedes=returned.id, values=ledger.PayoutInput(
                                                 "w06", D("4017.75"), "returned", dt.date(2026, 3, 23))),
                   actor=STAFF)
    ledger.correct(ids[1], ledger.Correction("payout", "Paid again to the right account.", values=ledger.PayoutInput(
        "w06", D("4017.75"), "paid", dt.date(2026, 3, 26), "bank_statement")), actor=STAFF)
    db.session.commit()
    day = dt.date(2026, 3, 30)
    ids.append(run_cycle(group, day, AMOUNTS, ON_TOP, wire("10031.00", "31.00", "USD", "0.74", "18.50", "7.40",
                                                            "53707.50", day, "FT2603300001"), D("8.25"), PAY_1,
                         given={"w12": D("1255.00")}))
    day = dt.date(2026, 4, 13)
    eleven = {ref: a for ref, a in AMOUNTS.items() if ref != "w12"}
    ids.append(run_cycle(group, day, eleven, ON_TOP_4, wire("8780.00", "30.00", "USD", "0.75", "18.75", "7.50",
                                                             "47842.00", day, "FT2604130001"), D("8.40"), PAY_4))
    typo = db.session.execute(select(LedgerWire).where(LedgerWire.cycle_id == ids[3])).scalar_one()
    ledger.correct(ids[3], ledger.Correction("wire", "Typed 47,842.00; the bank statement says 47,824.00.",
                                             supersedes=typo.id, values=wire("8780.00", "30.00", "USD", "0.75",
                                                                             "18.75", "7.50", "47824.00", day,
                                                                             "FT2604130001")), actor=STAFF)
    db.session.commit()
    day = dt.date(2026, 4, 27)
    ids.append(run_cycle(group, day, AMOUNTS, ON_TOP, wire("10030.00", "30.00", "USD", "0.75", "18.75", "7.50",
                                                            "54684.00", day, "FT2604270001"), D("8.40"), PAY_5))
    day = dt.date(2026, 5, 11)
    six = {**AMOUNTS, "w01": D(600)}
    ids.append(run_cycle(group, day, six, ON_TOP_6, wire("10130.00", "30.00", "CAD", "1", "25.00", "10.00",
                                                          "55232.80", day, "FT2605110001"), D("8.40"), PAY_6))
    return ids


@pytest.fixture
def season(group):
    return record_season(group)


def test_each_cycle_reconciles_to_the_cent(season):
    records = [ledger.load(i) for i in season]
    assert [r.reconciliation.cost for r in records] == EXPECTED_COSTS
    for record in records:
        recon = record.reconciliation
        assert sum(m.share for m in recon.members) == recon.cost
        assert sum(m.expected_payout for m in recon.members) == recon.credited - recon.distribution_fees
    first = records[0].reconciliation
    assert (first.fees_on_top, first.deducted, first.distribution, first.fx_cost) == (D(30), D(35), D(18), D(200))
    assert [m.share for m in first.members] == [D("14.75")] * 4 + [D("21.38")] * 4 + [D("34.62")] * 4
    assert records[0].reconciliation.flags == []
    # Cycle 2: the returned payout was paid again; the intermediary's extra USD 3.70 is CAD 5.00. Against
    # the plan's wire (it expected (10,000 − 35) × 5.39 = GTQ 53,711.35, worth 9,765.70 at 5.5), the wire
    # cost 10,030 − 53,680 / 5.5 = 270.00 instead of 10,030 − 9,765.70 = 264.30: 5.70 more.
    second = records[1].reconciliation
    assert second.flags == [] and second.deducted == D(40)
    w06 = next(m for m in second.members if m.ref == "w06")
    assert (w06.paid, w06.returned, w06.share) == (D("4017.75"), D("4017.75"), D("21.75"))
    assert (second.wires[0].cost_difference, second.wires[0].credited_difference) == (D("5.70"), D("-31.35"))
    # Cycle 3: w12 gave 1.25 more than asked, the bank charged a dollar more: 0.25 to settle.
    third = records[2].reconciliation
    assert [f.code for f in third.flags] == ["contribution_differs", "left_to_settle"]
    assert third.left_to_settle == D("0.25")
    assert third.taken == third.contributed - D("0.25") == third.debited  # no coordinator's fee in this group
    assert {m.ref: m.balance for m in third.members} == {
        **dict.fromkeys(REFS[:4], D("-0.05")), **dict.fromkeys(REFS[4:8], D("-0.08")),
        **dict.fromkeys(REFS[8:11], D("-0.12")), "w12": D("1.13")}
    # Cycle 4: the corrected wire is the one in force; the typo is kept.
    fourth = records[3]
    assert [w.credited for w in fourth.wires] == [D("47842.0000"), D("47824.0000")]
    assert fourth.reconciliation.credited == D("47824.0000") and fourth.reconciliation.flags == []
    assert [m.share for m in fourth.reconciliation.members] == (
        [D("15.22")] + [D("15.21")] * 3 + [D("22.07")] * 4 + [D("35.79")] * 3)
    assert [m.share for m in records[5].reconciliation.members] == (
        [D("17.36")] + [D("14.72")] * 3 + [D("21.33")] * 4 + [D("34.54")] * 4)


# Each worker's season, worked by hand from the cycles above:
# share of costs, handed over, received by the family (GTQ), saving against today, against the cheapest.
# w01: shares 14.75 + 15.00 + 14.80 + 15.22 + 14.75 + 17.36 = 91.88; handed over 501.50 × 4 + 501.72 +
#      601.78 = 3,109.50; received 2,677.13 + 2,675.75 + 2,677.13 + 2,724.40 + 2,725.80 + 3,272.76 =
#      16,752.97; today 30.49 × 5 + 34.99 = 187.44 → 95.56; cheapest 27.49 × 5 + 30.99 = 168.44 → 76.56.
# w04: 14.75 + 15.00 + 14.80 + 15.21 + 14.75 + 14.72 = 89.23; 501.50 × 4 + 501.71 + 501.48 = 3,009.19;
#      2,677.12 + 2,675.75 + 2,677.12 + 2,724.40 + 2,725.80 + 2,725.90 = 16,206.09; 182.94 → 93.71; 164.94 → 75.71.
# w06: 21.38 + 21.75 + 21.45 + 22.07 + 21.38 + 21.33 = 129.36; 752.25 × 4 + 752.57 + 752.23 = 4,513.80;
#      4,019.81 + 4,017.75 (paid again) + 4,019.81 + 4,090.80 + 4,092.90 + 4,093.05 = 24,334.12;
#      41.74 × 6 = 250.44 → 121.08; 36.24 × 6 = 217.44 → 88.08.
# w08: as w06 but the last payout 4,093.04: 24,334.11.
# w12 (not in cycle 4; handed over 1,255.00 in cycle 3): 34.62 + 35.25 + 34.75 + 34.62 + 34.54 = 173.78;
#      1,253.75 × 3 + 1,255.00 + 1,253.71 = 6,269.96; 6,705.19 + 6,701.75 + 6,705.19 + 6,827.10 + 6,827.34 =
#      33,766.57; 64.24 × 5 = 321.20 → 147.42; 53.74 × 5 = 268.70 → 94.92.
STATEMENTS = {
    "w01": (6, "91.88", "3109.50", "16752.97", "95.56", "76.56"),
    "w04": (6, "89.23", "3009.19", "16206.09", "93.71", "75.71"),
    "w06": (6, "129.36", "4513.80", "24334.12", "121.08", "88.08"),
    "w08": (6, "129.36", "4513.80", "24334.11", "121.08", "88.08"),
    "w12": (5, "173.78", "6269.96", "33766.57", "147.42", "94.92"),
}


def test_each_workers_statement_matches_the_hand_worked_table(season, group):
    whole = ledger.season_of(group.id, 2026)
    by_ref = {s.ref: s for s in whole.season.statements}
    assert sorted(by_ref) == REFS
    for ref, (cycles, share, given, received, vs_today, vs_cheapest) in STATEMENTS.items():
        s = by_ref[ref]
        assert (len(s.lines), s.share, s.contributed, s.received, s.saving_vs_today, s.saving_vs_cheapest) == (
            cycles, D(share), D(given), D(received), D(vs_today), D(vs_cheapest)), ref
    assert whole.season.cost == D("1679.50") == sum(s.share for s in whole.season.statements)
    assert whole.season.paid_out == sum(r.reconciliation.paid_out for r in whole.records)
    # The correction shows in the statement: w06's second cycle was paid again after a return.
    second = by_ref["w06"].lines[1]
    assert (second.corrected, second.received, second.returned) == (True, D("4017.75"), D("4017.75"))
    # The wire's correction in cycle 4 changed everyone's figures; the payout's in cycle 2 only w06's.
    assert [line.corrected for line in by_ref["w01"].lines] == [False, False, False, True, False, False]


def test_the_season_exports_without_personal_columns(season, group):
    header, rows = ledger.season_rows(ledger.season_of(group.id, 2026))
    assert header[:5] == ["cycle", "date", "completed", "reference", "amount"]
    w12 = [dict(zip(header, r)) for r in rows if r[3] == "w12"]
    assert [r["share_of_costs"] for r in w12] == ["34.62", "35.25", "34.75", "34.62", "34.54"]
    assert "Rosa" not in repr(rows)


def test_a_completed_cycle_cannot_be_changed(season):
    before = table_counts()
    audits = db.session.scalar(select(func.count()).select_from(AuditEvent))
    attempts = [
        lambda: ledger.record_contributions(season[0], [ledger.ContributionInput("w01", D("1"))], actor=STAFF),
        lambda: ledger.add_wire(season[0], wire("1.00", "0", "CAD", "1", "0", "0", "5", None, ""), actor=STAFF),
        lambda: ledger.record_payouts(season[0], [ledger.PayoutInput("w01", D("1"))], actor=STAFF),
        lambda: ledger.set_distribution_fee(season[0], D("1"), actor=STAFF),
        lambda: ledger.remove_wire(season[0], 1, actor=STAFF),
    ]
    for attempt in attempts:
        with pytest.raises(CycleLocked) as locked:
            attempt()
        assert locked.value.status == 409
        assert "cycle 1 was completed on 2026-03-06" in str(locked.value.message)
        db.session.rollback()
    with pytest.raises(CycleLocked, match="already completed"):
        ledger.complete(season[0], actor=STAFF)
    db.session.rollback()
    assert table_counts() == before
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == audits


def test_every_change_is_audited_without_personal_data(season):
    events = db.session.execute(select(AuditEvent).where(AuditEvent.action.like("ledger %"))
                                .order_by(AuditEvent.id)).scalars().all()
    actions = [e.action for e in events]
    assert actions.count("ledger cycle created") == 6 and actions.count("ledger cycle completed") == 6
    assert actions.count("ledger contribution recorded") == 12 * 5 + 11
    assert actions.count("ledger correction") == 3
    assert all(e.actor == STAFF for e in events)
    correction = json.loads(next(e for e in events if e.action == "ledger correction"
                                 and '"wire"' in e.detail).detail)
    assert correction["changes"] == {"credited": ["47842", "47824"]}
    text = " ".join(e.detail + e.target for e in events)
    # Members are named by their position; who confirmed a payout is never written.
    for needle in ("Rosa", "w06"):
        assert needle not in text, text[max(0, text.index(needle) - 300):text.index(needle) + 50]
    assert '"member": "#6"' in text


def test_bad_entries_are_refused_and_write_nothing(group):
    cycle = ledger.create_cycle(group, plan(dt.date(2026, 3, 2), AMOUNTS), dt.date(2026, 3, 2), actor=STAFF)
    db.session.commit()
    ledger.record_contributions(cycle.id, [ledger.ContributionInput(r, a) for r, a in AMOUNTS.items()], actor=STAFF)
    db.session.commit()
    before = table_counts()
    cases = [
        (lambda: ledger.add_wire(cycle.id, wire("10030.00", "30", "USD", "0.74", "0", "0", "53000", None, ""),
                                 actor=STAFF), "ledger_wire_exceeds_contributions"),
        (lambda: ledger.add_wire(cycle.id, wire("9000.00", "30", "USD", "0", "0", "0", "53000", None, ""),
                                 actor=STAFF), "ledger_rate_zero"),
        (lambda: ledger.record_payouts(cycle.id, [ledger.PayoutInput("w01", D(1)), ledger.PayoutInput("w99", D(1))],
                                       actor=STAFF), "ledger_payout_not_a_member"),
        (lambda: ledger.record_contributions(cycle.id, [ledger.ContributionInput("w01", D("500.001"))], actor=STAFF),
         "currency_decimals"),
        (lambda: ledger.complete(cycle.id, actor=STAFF), "ledger_complete_no_wire"),
    ]
    for attempt, reason in cases:
        with pytest.raises(RemitError) as refused:
            attempt()
        assert refused.value.reason == reason
        db.session.rollback()
    assert table_counts() == before


def test_retention_erases_personal_columns_and_keeps_totals(season, group, runner):
    """The season's cycles run from 2 March to 11 May 2026: on 1 April 2031 its first cycles are five
    years old but its last is not, and nothing is erased (a season erased in part would give each worker
    two statements, one under a pseudonym); on 12 May 2031 the whole season is, each worker under one
    pseudonym in all six cycles, and the season still has one statement per worker with the same sums."""
    costs = [ledger.load(i).reconciliation.cost for i in season]
    year = dt.date(2026, 3, 2).year
    before = {s.ref: (s.share, s.received) for s in ledger.season_of(group.id, year).season.statements}
    result = runner.invoke(args=["remit", "ledger", "erase-expired", "--today", "2031-04-01"])
    assert result.exit_code == 0, result.output
    assert "erased the personal columns of 0 cycles of seasons whose last cycle is dated before 2026-04-01" in result.output
    result = runner.invoke(args=["remit", "ledger", "erase-expired", "--today", "2031-05-12", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "6 cycles of seasons whose last cycle is dated before 2026-05-12 would be erased" in result.output
    assert db.session.scalar(select(func.count()).select_from(LedgerCycle).where(LedgerCycle.erased_at.isnot(None))) == 0
    result = runner.invoke(args=["remit", "ledger", "erase-expired", "--today", "2031-05-12"])
    assert result.exit_code == 0, result.output
    assert "erased the personal columns of 6 cycles" in result.output
    db.session.expire_all()
    first = ledger.load(season[0])
    assert [m.ref for m in first.members][:3] == ["#01", "#02", "#03"]
    assert all(p.confirmed_by is None for p in first.payouts)
    # Receipts were written R-0302-w01…: they would name the member again.
    assert {c.receipt for c in first.contributions} == {""}
    assert {c.receipt for c in ledger.load(season[3]).contributions} == {""}
    assert all(c.reason is None for c in ledger.load(season[1]).corrections)
    assert [ledger.load(i).reconciliation.cost for i in season] == costs
    # One pseudonym per worker for the season: w01 is #01 in every cycle; the pseudonyms sort as the
    # references did, so rounding's ties fall to the same workers and every statement keeps its cents.
    assert {ledger.load(i).members[0].ref for i in season} == {"#01"}
    after = {s.ref: (s.share, s.received) for s in ledger.season_of(group.id, year).season.statements}
    assert after == {f"#{n:02d}": before[f"w{n:02d}"] for n in range(1, 13)}
    result = runner.invoke(args=["remit", "ledger", "erase-expired", "--today", "2031-05-12"])
    assert "erased the personal columns of 0 cycles" in result.output


def test_the_auditors_export_holds_everything(season):
    data = ledger.audit_export(actor="admin@example.org")
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert sorted(archive.namelist()) == ["audit.csv", "contributions.csv", "cycles.csv", "members.csv",
                                          "payouts.csv", "reconciliation.csv", "wires.csv"]
    wires = list(csv.DictReader(io.StringIO(archive.read("wires.csv").decode())))
    assert len(wires) == 7 and [w["credited"] for w in wires if w["supersedes_id"]] == ["47824"]
    payouts = list(csv.DictReader(io.StringIO(archive.read("payouts.csv").decode())))
    assert len(payouts) == 12 * 5 + 11 + 2
    reconciliation = list(csv.DictReader(io.StringIO(archive.read("reconciliation.csv").decode())))
    assert sum(D(r["share_of_costs"]) for r in reconciliation) == D("1679.50")
    assert db.session.execute(select(AuditEvent).where(AuditEvent.action == "ledger exported")).scalar_one()


def test_exports_cannot_run_a_formula_a_reference_holds(group):
    """A member's reference is what the coordinator typed: in the season's CSV and XLSX and in the
    auditor's ZIP it stays text (the shared writer, remit/services/spreadsheets.py)."""
    import openpyxl

    from remit.services import spreadsheets

    hostile = {"=HYPERLINK(\"http://x\")": D(500), "+1+1": D(750), "@SUM(A1)": D(1250), "w04": D(500)}
    day = dt.date(2026, 3, 2)
    cycle = ledger.create_cycle(group, plan(day, hostile), day, actor=STAFF)
    ledger.record_contributions(cycle.id, [ledger.ContributionInput(r, a + 5, receipt="-2+3") for r, a in hostile.items()],
                                actor=STAFF)
    ledger.add_wire(cycle.id, wire("3010.00", "10.00", "CAD", "1", "0", "0", "16500.00", day, "=1+2"), actor=STAFF)
    db.session.commit()
    header, rows = ledger.season_rows(ledger.season_of(group.id, 2026))
    text = spreadsheets.csv_text(header, rows)
    for ref in hostile:
        if ref != "w04":
            assert f"'{ref}" in text.replace('""', '"') and f",{ref}," not in text
    book = openpyxl.load_workbook(io.BytesIO(spreadsheets.xlsx_bytes(header, rows)))
    cells = [c for row in book.active.iter_rows() for c in row if str(c.value).startswith(("=", "+", "@"))]
    assert cells and all(c.data_type == "s" for c in cells)
    archive = zipfile.ZipFile(io.BytesIO(ledger.audit_export(actor="admin@example.org")))
    members = archive.read("members.csv").decode()
    contributions = archive.read("contributions.csv").decode()
    assert "'+1+1" in members and "'@SUM(A1)" in members and "'-2+3" in contributions
    assert "'=1+2" in archive.read("wires.csv").decode()


def test_old_data_is_flagged_by_the_freshness_rules_of_quotes(season, group, app):
    """The rates (module docstring): 5.5 of 5 January, 5.6 of 1 April. On a cycle's day a rate more than
    REMIT_RATE_MAX_AGE_DAYS (14) old is stale, as a quote's would be: 2 March (56 days), 16 and 30 March,
    27 April (26 days) and 11 May; not 13 April (12 days). The prices each member's savings compare with
    were priced at the same rates: stale on the same days."""
    records = [ledger.load(i) for i in season]
    assert [r.rate_stale for r in records] == [True, True, True, False, True, True]
    assert [r.rate_age.days for r in records] == [56, 70, 84, 12, 26, 40]
    assert [r.warnings for r in records] == [("stale",)] * 3 + [()] + [("stale",)] * 2
    assert [len(r.old_prices) for r in records] == [12, 12, 12, 0, 12, 12]
    assert records[0].member_warnings("w01") == ("stale",) and records[3].member_warnings("w01") == ()
    whole = ledger.season_of(group.id, 2026)
    assert [whole.line_warnings("w12", n) for n in (3, 4, 5)] == [
        {"rate": True, "prices": True}, {"rate": False, "prices": False}, {"rate": True, "prices": True}]
    assert whole.old_prices("w01")
    app.config["REMIT_RATE_MAX_AGE_DAYS"] = 60  # the limit is the settings', as for quotes
    assert [ledger.load(i).rate_stale for i in season] == [False, True, True, False, False, False]
