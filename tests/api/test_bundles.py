"""POST /api/v1/bundles and `flask remit bundle`."""
from __future__ import annotations

import pytest

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
    assert plan["totals"] == {"individual": "266.88", "bundled": "147.00", "saving": "119.88", "saving_pct": "44.92",
                              "bundle_cost": "147.00", "distribution_fees": "18.00"}
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


def test_cli_refuses_a_bad_member_list_with_row_and_column(worked_example, runner, tmp_path):
    path = tmp_path / "members.csv"
    path.write_text("ref,amount\nw1,350\nw1,200\nw3,-4\nw4,1.999\n")
    result = runner.invoke(args=["remit", "bundle", str(path), "--send", "CA", "--receive", "GT"])
    assert result.exit_code == 1
    assert "row 3, column reference: “w1” is already on row 2" in result.output
    assert "row 4, column amount: The amount must be more than zero." in result.output
    assert "row 5, column amount: “1.999” has more decimals than CAD has (2)." in result.output
