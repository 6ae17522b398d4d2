"""POST /api/v1/bundles and `flask remit bundle`."""
from __future__ import annotations

import json
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ..importers.helpers import csv_bytes, fee_row


@pytest.fixture
def worked_example(app):
    """The worked example's two products, as fee tables: an MTO at CAD 9.99 + 3.5% margin and a bank
    wire at CAD 30 + 2%, with a reference rate so that quotes can be made."""
    from remit.importers import run_import

    rates = b"base_currency,quote_currency,rate,as_of,source\nCAD,GTQ,5.5,2025-12-26,test rate\n"
    assert run_import("rates", rates, "rates.csv", actor="test").ok
    rows = [
        fee_row(provider="Test MTO", provider_type="mto", product="Cash", funding_method="cash",
                payout_method="cash_pickup", speed="under_1h", min_amount="1.00", max_amount="3000.00",
                fee_fixed="9.99", fx_margin_pct="3.5"),
        fee_row(provider="Corner Agent", provider_type="mto", product="Cash pickup", funding_method="cash",
                payout_method="cash_pickup", speed="under_1h", min_amount="1.00", max_amount="3000.00",
                fee_fixed="7.99", fx_margin_pct="4.5"),
        fee_row(provider="Test Bank", product="Wire", min_amount="1.00", max_amount="50000.00",
                fee_fixed="30.00", fx_margin_pct="2"),
    ]
    assert run_import("fees", csv_bytes(rows), "fees.csv", actor="test").ok


def body(**changes):
    return {"send": "CA", "receive": "GT", "currency": "CAD",
            "members": [{"ref": f"worker-{i:02d}", "amount": "350.00"} for i in range(1, 13)],
            "distribution_fee": "1.50", "incoming_fee": "15.00", "transfers_per_year": 12} | changes


def test_worked_example_through_the_api(worked_example, client):
    """Same numbers as tests/domain/test_bundling.py: CAD 147.00 shared as 12.25 each against 22.24."""
    response = client.post("/api/v1/bundles", json=body())
    assert response.status_code == 200, response.json
    plan = response.json
    (transfer,) = plan["transfers"]
    assert transfer["amount"] == "4200.00" and transfer["cost"] == "129.00" and transfer["reportable"] is False
    assert transfer["product"]["provider"] == "Test Bank"
    assert {m["share"] for m in plan["members"]} == {"12.25"}
    assert {m["individual_cost"] for m in plan["members"]} == {"22.24"}
    assert {m["saving"] for m in plan["members"]} == {"9.99"}
    assert all(m["joins"] and m["individual_option"] == "Test MTO · Cash" for m in plan["members"])
    totals = plan["totals"]
    assert {k: totals[k] for k in ("individual", "bundled", "saving", "saving_pct", "bundle_cost",
                                   "distribution_fees", "fees_on_top", "fx_cost", "deducted", "sent")} == {
        "individual": "266.88", "bundled": "147.00", "saving": "119.88", "saving_pct": "44.92", "bundle_cost": "147.00",
        "distribution_fees": "18.00", "fees_on_top": "30.00", "fx_cost": "84.00", "deducted": "15.00", "sent": "4200.00"}
    assert plan["break_even_members"] == 4
    assert plan["yearly_saving"] == "1438.56"
    assert len(plan["curve"]) == 12 and plan["curve"][3]["bundled_per_member"] == "19.75"


def test_bulk_product_can_be_named(worked_example, client):
    quotes = client.get("/api/v1/quotes?send=CA&receive=GT&amount=350&currency=CAD").json
    wire_id = next(q["product"]["id"] for q in quotes if q["provider"]["name"] == "Test Bank")
    plan = client.post("/api/v1/bundles", json=body(bulk_product=wire_id)).json
    assert plan["transfers"][0]["product"]["id"] == wire_id


@pytest.mark.parametrize("changes,path,text", [
    ({"members": []}, ["members"], "give at least one member"),
    ({"members": [{"ref": "a", "amount": "10"}, {"ref": "a", "amount": "20"}]}, ["members", "1", "ref"],
     "member 'a' appears twice (also member 0)"),
    ({"members": [{"ref": "a", "amount": "0"}]}, ["members", "0", "amount"], "must be greater than 0, not 0"),
    ({"members": [{"ref": "a", "amount": "-3"}]}, ["members", "0", "amount"], "must be greater than 0, not -3"),
    ({"members": [{"ref": "a", "amount": "10.001"}]}, ["members", "0", "amount"],
     "member 'a': has more decimals than CAD allows (2)"),
    ({"members": [{"ref": f"m{i}", "amount": "1"} for i in range(1001)]}, ["members"], "at most 1000 members, not 1001"),
    ({"bulk_product": "ft-999999"}, ["bulk_product"], "no product ft-999999"),
    ({"bulk_product": "wire"}, ["bulk_product"], "'wire' is not a fee-table product id (ft-N)"),
    ({"allocation": "random"}, ["allocation"], "Must be one of: pro_rata, equal."),
    ({"currency": "XYZ"}, ["currency"], "unknown currency code 'XYZ' (use ISO 4217, e.g. CAD)"),
])
def test_bad_bundles_are_422_naming_the_member_and_field(worked_example, client, changes, path, text):
    response = client.post("/api/v1/bundles", json=body(**changes))
    assert response.status_code == 422
    errors = response.json["errors"]["json"]
    for key in path:
        errors = errors[key]
    assert text in errors


def test_product_of_another_corridor_is_refused(worked_example, client):
    from remit.importers import run_import

    other = fee_row(provider="US Bank", send_country="US", receive_country="MX", send_currency="USD",
                    receive_currency="MXN")
    assert run_import("fees", csv_bytes([other]), "us.csv", actor="test").ok
    us_id = client.get("/api/v1/providers/us-bank").json["products"][0]["id"]
    response = client.post("/api/v1/bundles", json=body(bulk_product=us_id))
    assert response.json["errors"]["json"]["bulk_product"] == [f"{us_id} serves US-MX, not CA-GT"]
    member = client.post("/api/v1/bundles", json=body(members=[{"ref": "x", "amount": "100", "product": us_id}]))
    assert member.json["errors"]["json"]["members"]["0"]["product"] == [f"member 'x': {us_id} serves US-MX, not CA-GT"]
    assert member.json["message"] == "The request has invalid fields: members[0].product."


def test_unknown_corridor_and_bad_json(worked_example, client):
    assert client.post("/api/v1/bundles", json=body(receive="MX")).status_code == 404
    assert client.post("/api/v1/bundles", data="{not json", content_type="application/json").status_code in (400, 422)


def test_cli_prints_the_plan_as_a_table(worked_example, runner, tmp_path):
    path = tmp_path / "members.csv"
    path.write_text("ref,amount\n" + "".join(f"worker-{i:02d},350.00\n" for i in range(1, 13)))
    result = runner.invoke(args=["remit", "bundle", str(path), "--send", "CA", "--receive", "GT",
                                 "--distribution-fee", "1.50", "--incoming-fee", "15", "--transfers-per-year", "12"])
    assert result.exit_code == 0, result.output
    assert "Bundle plan CA-GT in CAD, pro_rata allocation" in result.output
    assert "4200.00" in result.output and "129.00" in result.output
    assert "worker-01" in result.output and "12.25" in result.output and "22.24" in result.output
    assert "Totals (CAD): alone 266.88, bundled 147.00, saving 119.88 (44.92%)" in result.output
    assert "Break-even group size: 4" in result.output
    assert "Yearly saving for the group: CAD 1438.56" in result.output


def test_cli_takes_fee_currencies_and_transfer_days(worked_example, runner, tmp_path):
    """USD 20 at 1.40 CAD a dollar is CAD 28.00 a transfer; CAD 10,500 under a limit of 5,000 goes in three
    transfers of 3,500.00, one a day on the three days asked: no day reaches CAD 10,000."""
    from remit.importers import run_import

    assert run_import("rates", b"base_currency,quote_currency,rate,as_of,source\nUSD,CAD,1.40,2025-12-26,test\n",
                      "usd.csv", actor="test").ok
    path = tmp_path / "members.csv"
    path.write_text("ref,amount\n" + "".join(f"w{i:02d},350.00\n" for i in range(1, 31)))
    result = runner.invoke(args=["remit", "bundle", str(path), "--send", "CA", "--receive", "GT", "--max-transfer",
                                 "5000", "--transfer-days", "3", "--intermediary-fee", "20",
                                 "--intermediary-fee-currency", "usd"])
    assert result.exit_code == 0, result.output
    assert "Fee intermediary_fee: USD 20.00 = CAD 28.00 at 1.400000 of 2025-12-26" in result.output
    assert [line for line in result.output.splitlines() if line.startswith("Day ")] == [
        f"Day {day}: 1 transfers, CAD 3500.00" for day in (1, 2, 3)]


def test_cli_refuses_a_bad_member_list_with_row_and_column(worked_example, runner, tmp_path):
    path = tmp_path / "members.csv"
    path.write_text("ref,amount\nw1,350\nw1,200\nw3,-4\nw4,1.999\n")
    result = runner.invoke(args=["remit", "bundle", str(path), "--send", "CA", "--receive", "GT"])
    assert result.exit_code == 1
    assert "row 3, column reference: “w1” is already on row 2" in result.output
    assert "row 4, column amount: The amount must be more than zero." in result.output
    assert "row 5, column amount: “1.999” has more decimals than CAD has (2)." in result.output


def test_what_each_pays_today_and_what_each_family_receives(worked_example, client):
    """The twelve send today with Corner Agent's cash pickup: CAD 7.99 + 4.5% of 350 = 23.74 each. The
    bundle's 12.25 saves each 23.74 − 12.25 = 11.49 (48.40%) against today, 9.99 against the cheapest
    way alone (Test MTO, 22.24).

    The family: the bank's rate is 5.5 × 0.98 = 5.39; the account gets (4,200 − 15) × 5.39 =
    GTQ 22,557.15; paying out costs 1.50 × 5.39 = 8.085 → 8.09 each, 97.08 in all: 22,460.07 is paid
    out. Each is owed (350 − 1.25) × 5.39 − 8.09 = 1,871.6725: 1,871.67 each and the 3 cents left to
    worker-01, -02, -03."""
    members = [{"ref": f"worker-{i:02d}", "amount": "350.00", "product": "corner agent · CASH PICKUP"}
               for i in range(1, 13)]
    plan = client.post("/api/v1/bundles", json=body(members=members)).json
    first = plan["members"][0]
    assert (first["current_option"], first["current_cost"], first["saving_vs_current"],
            first["saving_vs_current_pct"]) == ("Corner Agent · Cash pickup", "23.74", "11.49", "48.40")
    assert (first["individual_option"], first["individual_cost"], first["saving"]) == ("Test MTO · Cash", "22.24",
                                                                                      "9.99")
    assert (first["fees_on_top"], first["contribution"]) == ("2.50", "352.50")
    assert [m["receive_amount"] for m in plan["members"]] == ["1871.68"] * 3 + ["1871.67"] * 9
    assert (plan["totals"]["received"], plan["totals"]["paid_out"]) == ("22557.15", "22460.07")
    assert (plan["totals"]["current"], plan["totals"]["saving_vs_current"]) == ("284.88", "137.88")
    assert plan["exchange_rate"] == "5.390000" and plan["reference_rate"] == "5.500000"
    assert plan["receive_currency"] == "GTQ" and plan["bulk_product"]["provider"] == "Test Bank"


def test_intermediary_banks_deduct_on_the_way(worked_example, client):
    """An intermediary bank takes CAD 20 on the way: the account gets (4,200 − 35) × 5.39 = GTQ 22,449.35;
    the bundle costs 147.00 + 20.00 = 167.00, 13.92 for eight members and 13.91 for four."""
    plan = client.post("/api/v1/bundles", json=body(intermediary_fee="20.00")).json
    (transfer,) = plan["transfers"]
    assert (transfer["intermediary_fee"], transfer["incoming_fee"], transfer["receive_amount"]) == (
        "20.00", "15.00", "22449.35")
    assert plan["totals"]["bundle_cost"] == "167.00"
    assert sorted(m["share"] for m in plan["members"]) == ["13.91"] * 4 + ["13.92"] * 8


def test_a_transfer_of_cad_10000_or_more_is_reportable_and_explained(worked_example, client):
    """Thirty workers of CAD 350: CAD 10,500 in one transfer (the bank's band takes up to 50,000). It is
    reported; the plan says so and never suggests splitting it."""
    members = [{"ref": f"w{i:02d}", "amount": "350.00"} for i in range(1, 31)]
    plan = client.post("/api/v1/bundles", json=body(members=members)).json
    assert [(t["amount"], t["reportable"], t["day"]) for t in plan["transfers"]] == [("10500.00", True, 1)]
    assert plan["days"] == [{"day": 1, "transfers": 1, "total": "10500.00", "reportable": True}]
    assert plan["reporting_threshold"] == "10000.00"
    assert plan["notes"][0].startswith("The bank reports this transfer of CAD 10500.00 to FINTRAC")
    assert "structuring" in plan["notes"][1]
    # With the bank's own limit of CAD 5,000: three transfers of 3,500.00, made on one day by one person:
    # the bank adds them up (CAD 10,500.00) and reports all three.
    capped = client.post("/api/v1/bundles", json=body(members=members, max_transfer="5000")).json
    assert [(t["amount"], t["reportable"]) for t in capped["transfers"]] == [("3500.00", True)] * 3
    assert capped["days"] == [{"day": 1, "transfers": 3, "total": "10500.00", "reportable": True}]
    assert capped["notes"][0] == "The money goes in 3 transfers because the bank takes at most CAD 5000.00 in one " \
                                 "transfer."
    assert "they add up to CAD 10500.00" in capped["notes"][1]
    # Made on three days, as the coordinator may choose: CAD 3,500.00 a day, none reported.
    spread = client.post("/api/v1/bundles", json=body(members=members, max_transfer="5000", transfer_days=3)).json
    assert [(t["day"], t["reportable"]) for t in spread["transfers"]] == [(1, False), (2, False), (3, False)]
    assert [d["total"] for d in spread["days"]] == ["3500.00"] * 3
    assert "it reports the transfers of 0 of these days" in spread["notes"][1] and "structuring" in spread["notes"][2]
    refused = client.post("/api/v1/bundles", json=body(transfer_days=32))
    assert refused.status_code == 422 and list(refused.json["errors"]["json"]) == ["transfer_days"]


def test_fifteen_workers_of_cad_900_send_two_reportable_transfers_with_the_seeds(seeded, client):
    """The issue's case, with the seeds: 15 × CAD 900 = 13,500. The cheapest bank product is Bank A's
    wire (CAD 20 + 2% in its band up to 10,000, its largest): two transfers of 6,750.00 cost 2 × (20 +
    135) = 310.00, against the credit union's one wire at 50 + 270 = 320.00 and Bank B's 30 + 337.50.
    Neither transfer reaches CAD 10,000, but the coordinator makes both on one day: the bank adds them
    up (13,500.00) and reports both."""
    members = [{"ref": f"w{i:02d}", "amount": "900"} for i in range(1, 16)]
    plan = client.post("/api/v1/bundles", json={"send": "CA", "receive": "GT", "currency": "CAD",
                                                "members": members}).json
    assert [(t["amount"], t["reportable"], t["product"]["provider"]) for t in plan["transfers"]] == [
        ("6750.00", True, "Illustrative Canadian Bank A")] * 2
    assert plan["days"] == [{"day": 1, "transfers": 2, "total": "13500.00", "reportable": True}]
    assert plan["notes"][:2] == [
        "The money goes in 2 transfers because the bank takes at most CAD 10000.00 in one transfer.",
        "The bank reports these 2 transfers to FINTRAC. Made by one person on one day, they add up to CAD 13500.00, "
        "and the bank adds up the international transfers made by or for the same person within 24 hours and reports "
        "them when they reach CAD 10000.00. The pooling organisation is named as the sender. This is routine and "
        "asks nothing more of the group."]


def test_a_usd_intermediary_fee_is_counted_at_the_plans_reference_rate(seeded, client):
    """USD 20 taken by intermediary banks on the way, 20 × CAD 900 = 18,000 sent. The seeds' latest
    USD→CAD rate is the ECB's of 30 October 2026 through the euro: 1.5606 CAD and 1.1172 USD a euro,
    1.5606 / 1.1172 = 1.3968850… CAD a dollar (later than the Bank of Canada's 1.3802 of December 2025).
    USD 20 = CAD 27.9377014… a transfer. Bank A's two wires would cost 2 × (20 + 2% × 9,000 + 27.94) =
    455.88; the credit union's one wire 50 + 2% × 18,000 + 27.9377 = 437.9377…: CAD 437.94, 21.90 each
    (21.8969 rounded), less than 21.99 alone (3.99 + 2% × 900); the shares add up to it exactly."""
    members = [{"ref": f"w{i:02d}", "amount": "900"} for i in range(1, 21)]
    plan = client.post("/api/v1/bundles", json={"send": "CA", "receive": "GT", "currency": "CAD", "members": members,
                                                "intermediary_fee": "20", "intermediary_fee_currency": "USD"}).json
    fee = plan["fees"]["intermediary_fee"]
    assert (fee["amount"], fee["currency"], fee["in_send_currency"], fee["rate"], fee["rate_as_of"]) == (
        "20.00", "USD", "27.94", "1.396885", "2026-10-30")
    assert fee["rate_source"].startswith("derived through EUR from the rates of 2026-10-30")
    (transfer,) = plan["transfers"]
    assert (transfer["product"]["provider"], transfer["intermediary_fee"], transfer["cost"]) == (
        "Illustrative Credit Union", "27.94", "437.94")
    assert plan["totals"]["bundle_cost"] == "437.94" and plan["totals"]["deducted"] == "27.94"
    assert all(m["joins"] for m in plan["members"]) and {m["share"] for m in plan["members"]} == {"21.90", "21.89"}
    assert sum(D(m["share"]) for m in plan["members"]) == D("437.94")
    assert plan["fees"]["coordinator_fee"] == {"amount": "0.00", "currency": "CAD", "in_send_currency": "0.00",
                                               "rate": None, "rate_as_of": None, "rate_source": None}


def test_a_fee_in_a_currency_without_a_rate_is_422_naming_the_fee(worked_example, client):
    """The worked example knows CAD→GTQ only: a fee in USD cannot be counted, and nothing is guessed."""
    response = client.post("/api/v1/bundles", json=body(intermediary_fee="20", intermediary_fee_currency="USD"))
    assert response.status_code == 422
    assert response.json["errors"]["json"] == {"intermediary_fee_currency": [
        "remit has no reference rate from USD to CAD to count the intermediary banks' fee: give it in CAD, or import "
        "a rate for USD"]}
    wrong = client.post("/api/v1/bundles", json=body(incoming_fee="15.5", incoming_fee_currency="JPY"))
    assert wrong.status_code == 422 and wrong.json["errors"]["json"] == {
        "incoming_fee": ["has more decimals than JPY allows (0)"]}


def test_group_sizes_that_pay_are_given_as_ranges(seeded, client):
    """The issue's case with the seeds: identical members of CAD 1,539.20 and a coordinator's fee of CAD 24.98
    gain at 19 to 32 members (the credit union's one wire), not at 33 to 37 (its second wire's fees), and
    again from 38 (tests/domain/test_bundling.py works the figures)."""
    members = [{"ref": f"w{i:02d}", "amount": "1539.20"} for i in range(1, 34)]
    plan = client.post("/api/v1/bundles", json={"send": "CA", "receive": "GT", "currency": "CAD",
                                                "members": members, "coordinator_fee": "24.98"}).json
    assert plan["break_even_members"] == 19
    assert plan["paying_group_sizes"] == [{"from": 19, "to": 32}, {"from": 38, "to": 1000}]
    assert plan["verdict"][2].startswith("In a group of 33, members each sending CAD 1539.20 send CAD 50793.60 "
                                         "together: that needs 2 transfers")


def test_a_cap_needing_more_than_1000_transfers_is_422(worked_example, client):
    response = client.post("/api/v1/bundles", json=body(max_transfer="0.01"))
    assert response.status_code == 422
    assert response.json["errors"]["json"]["max_transfer"] == [
        "a cap of 0.01 per transfer would split the group's 4200.00 into 420000 transfers; a plan holds at most "
        "1000 transfers: the cap must be at least 4.20"]


def test_an_unknown_service_of_today_lists_the_corridors_services(worked_example, client):
    members = [{"ref": "ana", "amount": "350", "product": "Western Onion"}]
    response = client.post("/api/v1/bundles", json=body(members=members))
    assert response.status_code == 422
    [message] = response.json["errors"]["json"]["members"]["0"]["product"]
    assert message == ("member 'ana': “Western Onion” is not a service of this corridor; its services are: "
                       "Corner Agent · Cash pickup, Test Bank · Wire, Test MTO · Cash")


def test_a_corridor_without_a_bank_fee_table_says_what_is_missing(seeded, client):
    """US → GT is surveyed by RPW but remit holds no bank's fee table for it: a pooled transfer cannot
    be priced, and the answer says why and what would make it possible."""
    response = client.post("/api/v1/bundles", json={"send": "US", "receive": "GT", "currency": "USD",
                                                    "members": [{"ref": "a", "amount": "300"}]})
    assert response.status_code == 422
    assert response.json["errors"]["json"]["bulk_product"][0].startswith(
        "remit holds no bank-to-bank fee table for US-GT in USD")


def test_the_answer_has_exactly_the_documented_shape(worked_example, client):
    """The plan is encoded directly (not dumped through marshmallow): it must still be exactly what
    BundlePlanSchema documents, field for field."""
    from remit.api.schemas import BundlePlanSchema

    plan = client.post("/api/v1/bundles", json=body(members=[
        {"ref": "a", "amount": "350", "product": "Corner Agent · Cash pickup"}, {"ref": "b", "amount": "20"}])).json
    schema = BundlePlanSchema()
    assert set(plan) == set(schema.fields)
    for name in ("transfers", "members", "curve"):
        nested = schema.fields[name].inner.nested
        nested = nested() if isinstance(nested, type) else nested
        assert all(set(item) == set(nested.fields) for item in plan[name]), name
    assert set(plan["totals"]) == set(schema.fields["totals"].nested().fields)
    assert schema.validate(plan) == {}


def _fields_reading(item):
    """A member as BundleMemberSchema's own fields read it: the value, or the messages by field."""
    from marshmallow import ValidationError
    from marshmallow.utils import missing

    from remit.api.schemas import BundleMemberSchema

    member, problems = {}, {}
    for name, field in BundleMemberSchema().fields.items():
        try:
            member[name] = field.deserialize(item.get(name, missing), name, item)
        except ValidationError as exc:
            problems[name] = exc.messages
    return ("refused", problems) if problems else ("read", member)


MEMBER_VALUES = {
    "ref": ["a", "", " a ", "r" * 64, "r" * 65, None, 5, ["a"], "Ñandú-07"],
    "amount": ["350", "350.00", "0.01", "1000000", "1000000.00", "1000000.01", "0", "-1", "+5", "5.", ".5", "1e3",
               "1,000", " 12 ", "", "abc", "٣٠٠", "1" * 41, "0.001", 350, 1.5, True, None, ["1"]],
    "payout_method": ["cash_pickup", "bank_account", "CASH_PICKUP", "", "x", None, 3],
    "product": ["Test MTO · Cash", "ft-1", "", "x" * 200, "x" * 201, None, 5],
}


@pytest.mark.parametrize("name", sorted(MEMBER_VALUES))
def test_the_quick_reading_of_a_member_is_the_fields_reading(app, name):
    """schemas.plain_member takes only what BundleMemberSchema's fields take, read to the same values;
    everything else it leaves to them (and their messages)."""
    from remit.api.schemas import plain_member

    base = {"ref": "w1", "amount": "350.00", "payout_method": "cash_pickup", "product": "ft-1"}
    for value in MEMBER_VALUES[name]:
        for item in (base | {name: value}, {k: v for k, v in base.items() if k != name}):
            quick, (outcome, full) = plain_member(item), _fields_reading(item)
            assert (quick == full) if quick is not None else outcome == "refused", (item, quick, full)


MEMBER_ITEMS = st.one_of(
    st.fixed_dictionaries({}, optional={name: st.sampled_from(values) for name, values in MEMBER_VALUES.items()}),
    st.fixed_dictionaries({"ref": st.sampled_from(["a", "b"]), "amount": st.sampled_from(["350", "0.01"])},
                          optional={"note": st.just("x")}),
    st.sampled_from([None, "a", 1, []]))


@given(st.lists(MEMBER_ITEMS, max_size=5))
def test_a_list_of_members_is_read_as_its_members_are_one_by_one(items):
    """MemberList reads a list that is plain throughout in one pass: the members (or the messages, by
    index and field) are those of reading each member with BundleMemberSchema's fields."""
    from marshmallow import ValidationError

    from remit.api.schemas import BundleRequestSchema

    members, errors = [], {}
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            errors[index] = {"_schema": ["each member is an object: {\"ref\", \"amount\"}"]}
            continue
        outcome, read = _fields_reading(item)
        unknown = {name: ["Unknown field."] for name in item if name not in MEMBER_VALUES}
        if outcome == "refused" or unknown:
            errors[index] = unknown | (read if outcome == "refused" else {})
        else:
            members.append(read)
    try:
        result = BundleRequestSchema().fields["members"].deserialize(items, "members", {})
    except ValidationError as refused:
        assert refused.messages == errors
    else:
        assert not errors and result == members


AMOUNTS = ["1", "1.5", "1.50", "1.500", "1.505", "0.001", "0.01", "1000000", "2.0000", "3.10", "7.2500001"]


@given(st.lists(st.tuples(st.sampled_from("abcd"), st.sampled_from(AMOUNTS)), min_size=1, max_size=6),
       st.sampled_from(["CAD", "JPY", "KWD"]))
def test_the_members_are_checked_together_as_one_by_one(members, currency):
    """check_members passes a list of different refs and amounts the currency holds in one step; it
    refuses exactly what looking at the members one by one refuses, with the same messages."""
    from marshmallow import ValidationError

    from remit import codes
    from remit.api.schemas import BundleRequestSchema

    data = {"currency": currency, "members": [{"ref": ref, "amount": D(amount)} for ref, amount in members],
            "max_transfer": None, "distribution_fee": None, "coordinator_fee": None, "incoming_fee": None,
            "intermediary_fee": None}

    def messages(check):
        try:
            check()
        except ValidationError as refused:
            return refused.messages
        return None

    together = messages(lambda: BundleRequestSchema().check_members(data))
    one_by_one = messages(lambda: BundleRequestSchema._check_each_member(
        data["members"], currency, codes.minor_unit(currency)))
    assert together == one_by_one


def member_as_stated(x, currency: str, receive_currency: str) -> dict:
    """A member of the plan as the contract states each figure: money half up to the send currency's
    unit (towards the larger number, under zero too), percentages to the hundredth, the amount
    received as the domain rounded it down; null where the domain has none."""
    from remit import codes
    from remit.domain.money import half_up, unit

    places, receive_places = unit(codes.minor_unit(currency)), unit(codes.minor_unit(receive_currency))

    def m(value, exponent=places):
        return None if value is None else str(half_up(value, exponent))

    return {"ref": x.ref, "amount": m(x.amount), "joins": x.joins, "share": m(x.share),
            "fees_on_top": m(x.fees_on_top), "contribution": m(x.contribution),
            "receive_amount": None if x.receive_amount is None else str(x.receive_amount.quantize(receive_places)),
            "individual_cost": m(x.individual_cost), "individual_option": x.individual_option, "saving": m(x.saving),
            "saving_pct": m(x.saving_pct, D("0.01")), "current_option": x.current_option,
            "current_cost": m(x.current_cost), "saving_vs_current": m(x.saving_vs_current),
            "saving_vs_current_pct": m(x.saving_vs_current_pct, D("0.01")), "warnings": list(x.warnings),
            "reason": None if x.reason is None else str(x.reason)}


def test_the_members_are_written_as_the_contract_states_them(worked_example, client, app):
    """The API's one writer of a plan (present.bundle_text) writes each member's figures as the
    contract states them, for members who join, who send alone, with and without today's service."""
    from remit.api import present
    from remit.services import bundles

    members = [bundles.MemberInput(f"w\"{i}\\é", D(amount), product=product) for i, (amount, product) in enumerate(
        [("350.00", None)] * 6 + [("350", "Test MTO · Cash")] * 3 + [("1200.5", "Corner Agent · Cash pickup")] * 3
        + [("20", "Corner Agent · Cash pickup"), ("2999.99", "Test MTO"), ("1", None)])]
    joins = set()
    for allocation in ("pro_rata", "equal"):
        request = bundles.BundleRequest(send="CA", receive="GT", currency="CAD", members=members,
                                        distribution_fee=D("1.50"), incoming_fee=D("100"), allocation=allocation,
                                        transfers_per_year=12)
        result = bundles.plan(request)
        joins.update(m.joins for m in result.plan.members)
        written = json.loads(present.bundle_text(result))["members"]
        assert written == [member_as_stated(x, "CAD", "GTQ") for x in result.plan.members]
    assert joins == {True, False}


FIGURES = st.none() | st.decimals(min_value=-10**6, max_value=10**6, places=4, allow_nan=False) | st.sampled_from(
    [D("0.5"), D("-0.5"), D("0.005"), D("-0.005"), D("2.675"), D("0.0005"), D("-0"), D("0"), D("1E+3"), D("12.3456789")])


def test_each_figure_of_a_member_is_written_as_the_contract_states_it(worked_example, app):
    """Members written directly (present.bundle_text), for figures at the edge of a half (over and
    under zero), null or not, in currencies of 0, 2 and 3 decimals."""
    import dataclasses

    from remit.domain.money import half_up

    from remit.api import present
    from remit.domain.bundling import MemberResult
    from remit.services import bundles

    request = bundles.BundleRequest(send="CA", receive="GT", currency="CAD",
                                    members=[bundles.MemberInput("a", D("350")), bundles.MemberInput("b", D("20"))])
    result = bundles.plan(request)
    options = st.none() | st.sampled_from(["Test MTO · Cash", 'a "quoted" \\ name'])
    received = st.none() | st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False)

    @given(st.lists(st.builds(
        MemberResult, ref=st.text(max_size=5), amount=st.decimals(min_value=D(1), max_value=10**6, places=3),
        joins=st.booleans(), share=FIGURES, exact_share=st.none(), fees_on_top=FIGURES, receive_amount=received,
        individual_cost=FIGURES, individual_option=options, saving=FIGURES, saving_pct=FIGURES,
        current_option=options, current_cost=FIGURES, saving_vs_current=FIGURES, saving_vs_current_pct=FIGURES,
        reason=st.none() | st.text(max_size=5), warnings=st.sampled_from([(), ("stale",), ("stale", "estimate")])),
        max_size=4), st.sampled_from(["CAD", "JPY", "KWD"]), st.sampled_from(["GTQ", "JPY", "KWD"]))
    def written_alike(members, currency, receive_currency):
        # The domain's figures: money in the currency's unit (rounded half up, the amount received down),
        # percentages exact.
        places = D(1).scaleb(-{"JPY": 0, "KWD": 3}.get(currency, 2))

        def unit_of(value):
            return None if value is None else half_up(value, places)

        members = [dataclasses.replace(
            x, amount=unit_of(x.amount), share=unit_of(x.share), fees_on_top=unit_of(x.fees_on_top),
            individual_cost=unit_of(x.individual_cost), saving=unit_of(x.saving), current_cost=unit_of(x.current_cost),
            saving_vs_current=unit_of(x.saving_vs_current),
            receive_amount=None if x.receive_amount is None else x.receive_amount.quantize(
                D(1).scaleb(-{"JPY": 0, "KWD": 3}.get(receive_currency, 2)), rounding="ROUND_FLOOR"))
            for x in members]
        changed = dataclasses.replace(result, request=dataclasses.replace(request, currency=currency),
                                      plan=dataclasses.replace(result.plan, members=members),
                                      receive_currency=receive_currency)
        written = json.loads(present.bundle_text(changed))["members"]
        assert written == [member_as_stated(x, currency, receive_currency) for x in members]

    written_alike()


def test_the_reporting_threshold_is_converted_rounding_half_up():
    """CAD 10,000 in USD at 0.7234505 USD a dollar is 7,234.505: USD 7,234.51 half up (half to even would
    say 7,234.50, and a day of exactly that would be called reported when the bank would not)."""
    import datetime as dt
    from types import SimpleNamespace

    from remit.services.bundles import reporting_threshold
    from remit.services.rates import RateBook

    row = SimpleNamespace(base_currency="CAD", quote_currency="USD", rate=D("0.7234505"), as_of=dt.date(2026, 1, 5),
                          source="test")
    rates = RateBook([row], dt.date(2026, 1, 6))
    assert reporting_threshold("CA", "USD", rates) == D("7234.51")
    assert reporting_threshold("CA", "CAD", rates) == D(10000) and reporting_threshold("US", "USD", rates) is None
