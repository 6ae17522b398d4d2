"""GET /api/v1/quotes on the seeded data, with numbers worked out by hand."""
from __future__ import annotations

import csv
from decimal import Decimal as D

import pytest

from ..conftest import SEEDS
from ..importers.helpers import csv_bytes, fee_row

CONTRACT_FIELDS = {"provider", "product", "send_amount", "send_currency", "fee", "exchange_rate", "reference_rate",
                   "fx_margin_pct", "fx_cost", "total_cost", "total_cost_pct", "receive_amount", "receive_currency",
                   "transparent", "basis", "data_as_of", "source"}


def get(client, **params):
    return client.get("/api/v1/quotes", query_string=params)


def test_ca_gt_cad_300_answers_a_ranked_list_with_every_contract_field(seeded, client):
    response = get(client, send="CA", receive="GT", amount="300", currency="CAD")
    assert response.status_code == 200
    quotes = response.json
    assert len(quotes) == 7
    for q in quotes:
        assert CONTRACT_FIELDS <= set(q)
        assert set(q["provider"]) >= {"slug", "name", "type"}
        assert set(q["product"]) >= {"id", "name", "funding_method", "payout_method", "speed"}
    assert [q["rank"] for q in quotes] == list(range(1, 8))
    costs = [D(q["total_cost"]) for q in quotes]
    assert costs == sorted(costs)
    best = quotes[0]
    # Illustrative Money Transfer B, app to a bank account: CAD 1.99 + 1% of 300 = 4.99 fee;
    # FX 1.5% of 300 = 4.50; total 9.49 = 3.16% of 300.
    assert best["provider"]["name"] == "Illustrative Money Transfer B"
    assert (best["fee"], best["fx_cost"], best["total_cost"], best["total_cost_pct"]) == ("4.99", "4.50", "9.49", "3.16")
    assert best["fx_margin_pct"] == "1.50" and best["basis"] == "fee_table" and best["estimated"] is False
    # CAD→GTQ is crossed through USD: 7.66417 / 1.3802 = 5.552942…; applied × 0.985 = 5.469648…;
    # 300 × that = 1640.89… GTQ, rounded down.
    assert best["reference_rate"] == "5.552942"
    rate = D("7.66417") / D("1.3802") * D("0.985")
    assert best["receive_amount"] == str((D(300) * rate).quantize(D("0.01"), rounding="ROUND_FLOOR")) == "1640.89"
    assert best["send_currency"] == "CAD" and best["receive_currency"] == "GTQ"
    assert best["data_as_of"] == "2026-01-01" and best["source"].startswith("Illustrative, not observed")
    assert best["reference_rate_as_of"] == "2025-12-26"
    # The seed's fee table is flagged illustrative: every quote priced from it says so.
    assert all(q["illustrative"] is True for q in quotes)


def test_survey_quotes_are_not_illustrative_and_providers_carry_the_flag(seeded, client):
    quotes = get(client, send="US", receive="MX", amount="200", currency="USD").json
    assert quotes and not any(q["illustrative"] for q in quotes)
    products = client.get("/api/v1/providers/illustrative-money-transfer-a").json["products"]
    assert {p["illustrative"] for p in products} == {True}


def test_receive_amount_mode(seeded, client):
    quotes = get(client, send="CA", receive="GT", receive_amount="2000", currency="CAD").json
    for q in quotes:
        assert D(q["receive_amount"]) >= D(2000)
    best = quotes[0]
    # The cheapest way to deliver GTQ 2,000 is its smallest send amount at that service.
    assert best["product"]["id"].startswith("ft-")
    rate = D("7.66417") / D("1.3802") * (1 - D(best["fx_margin_pct"]) / 100)
    send = D(best["send_amount"])
    assert (send * rate).quantize(D("0.01"), rounding="ROUND_FLOOR") >= 2000
    assert ((send - D("0.01")) * rate).quantize(D("0.01"), rounding="ROUND_FLOOR") < 2000


def test_survey_quotes_at_the_price_point_are_observed_and_elsewhere_estimated(seeded, client):
    at_200 = get(client, send="USA", receive="GTM", amount="200", currency="USD").json
    assert len(at_200) == 30 and all(q["basis"] == "survey" and q["estimated"] is False for q in at_200)
    assert all(q["source"] == "The World Bank, Remittance Prices Worldwide, 2025Q3" for q in at_200)
    at_450 = get(client, send="US", receive="GT", amount="450", currency="USD").json
    assert all(q["estimated"] is True for q in at_450)


@pytest.mark.parametrize("params,field", [
    ({"amount": "-5"}, "amount"),
    ({"amount": "0"}, "amount"),
    ({"amount": "12.345"}, "amount"),
    ({"amount": "abc"}, "amount"),
    ({"amount": "2000000"}, "amount"),
    ({"amount": "300", "receive_amount": "2000"}, "amount"),
    ({"amount": None}, "amount"),
    ({"send": "XX"}, "send"),
    ({"receive": "Narnia"}, "receive"),
    ({"currency": "CAX"}, "currency"),
    ({"payout_method": "pigeon"}, "payout_method"),
    ({"region": "GT-99"}, "region"),
])
def test_bad_parameters_are_422_naming_the_field(seeded, client, params, field):
    query = {"send": "CA", "receive": "GT", "amount": "300", "currency": "CAD"} | params
    response = get(client, **{k: v for k, v in query.items() if v is not None})
    assert response.status_code == 422
    body = response.json
    assert body["code"] == 422 and body["status"] == "Unprocessable Entity"
    assert field in body["errors"]["query"]
    assert field in body["message"]


def test_unknown_corridor_is_404(seeded, client):
    response = get(client, send="FR", receive="GT", amount="300", currency="EUR")
    assert response.status_code == 404
    assert response.json["message"].startswith("remit has no data for the corridor FR-GT;")


def test_filters_reach_the_api(seeded, client):
    def names(**filters):
        quotes = get(client, send="CA", receive="GT", amount="300", currency="CAD", **filters).json
        return {(q["provider"]["name"], q["product"]["name"]) for q in quotes}

    assert names(payout_method="cash_pickup") == {
        ("Illustrative Money Transfer A", "Cash at an agent to cash pickup"),
        ("Illustrative Money Transfer B", "App to cash pickup")}
    assert names(provider_type="credit_union") == {("Illustrative Credit Union", "Wire abroad")}
    assert names(funding_method="cash") == {("Illustrative Money Transfer A", "Cash at an agent to cash pickup")}
    assert ("Illustrative Canadian Bank B", "Branch international wire") not in names(max_speed="2_days")
    # GT-HU is read as GT-13 (Huehuetenango), where both cash services pay out; GT-22 has neither.
    assert len(names(region="GT-HU")) == 7
    assert len(names(region="GT-22", payout_method="cash_pickup")) == 0
    assert ("Illustrative Canadian Bank A", "Online international wire") not in names(id_type="consular_id")
    assert len(names(transparent_only="true")) == 7


def test_etag_and_304_until_an_import_changes_the_data(seeded, client):
    from remit.importers import run_import

    first = get(client, send="CA", receive="GT", amount="300", currency="CAD")
    tag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "public, no-cache"
    again = client.get("/api/v1/quotes?send=CA&receive=GT&amount=300&currency=CAD", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.data == b""
    other_amount = get(client, send="CA", receive="GT", amount="301", currency="CAD")
    assert other_amount.headers["ETag"] != tag
    report = run_import("fees", csv_bytes([fee_row()]), "new.csv", actor="test")
    assert report.import_id is not None
    after = client.get("/api/v1/quotes?send=CA&receive=GT&amount=300&currency=CAD", headers={"If-None-Match": tag})
    assert after.status_code == 200 and after.headers["ETag"] != tag
    assert len(after.json) == 8


def test_non_transparent_service_is_listed_last_and_flagged(seeded, client):
    from remit.importers import run_import

    with open(SEEDS / "rpw" / "rpw_raw_excerpt_EastAfrica_2011Q1.csv", newline="") as fh:
        rows = list(csv.reader(fh))
    header, first = rows[0], rows[2]
    hidden = first[:]
    hidden[header.index("FIRM")] = "Hidden Rate Ltd"
    hidden[header.index("TRANSPARENT")] = "no"
    hidden[header.index("CC1 LCU FEE")] = "1000"
    data = "\n".join(",".join(f'"{c}"' for c in r) for r in [header, first, hidden]) + "\n"
    assert run_import("rpw", data.encode(), "hidden.csv", actor="test").ok
    quotes = get(client, send="TZ", receive="KE", amount="295000", currency="TZS").json
    assert [q["provider"]["name"] for q in quotes] == ["MoneyGram", "Hidden Rate Ltd"]
    last = quotes[-1]
    assert last["transparent"] is False and last["fx_cost"] is None and last["exchange_rate"] is None
    assert last["total_cost"] == "1000.00"  # the fee alone, though cheaper than MoneyGram's 24,662


def test_answers_have_exactly_the_documented_shape(seeded, client):
    """Quotes are written by present.py, their one writer; QuoteSchema, which the OpenAPI document is
    generated from, describes them: it reads them back as they are."""
    from remit.api.schemas import QuoteSchema

    quotes = get(client, send="CA", receive="GT", amount="300", currency="CAD").json
    schema = QuoteSchema(many=True)
    assert schema.validate(quotes) == {}
    assert schema.dump(schema.load(quotes)) == quotes


def test_a_repeated_question_is_answered_alike_and_a_bad_key_still_gets_401(seeded, client):
    first = get(client, send="CA", receive="GT", amount="300", currency="CAD")
    second = get(client, send="CA", receive="GT", amount="300", currency="CAD")
    assert first.json == second.json and first.headers["ETag"] == second.headers["ETag"]
    refused = client.get("/api/v1/quotes?send=CA&receive=GT&amount=300&currency=CAD",
                         headers={"Authorization": "Bearer rk_nothing_here"})
    assert refused.status_code == 401


def test_quotes_come_a_page_at_a_time_with_the_total(app, client):
    """60 products of one corridor, fee CAD 1.00 … 60.00 on CAD 300 (no FX margin): 50 quotes a page by
    default, ranked 1 to 50, and X-Pagination says 60 in all."""
    import json

    from remit.importers import run_import

    rates = b"base_currency,quote_currency,rate,as_of,source\nCAD,GTQ,5.5,2025-12-26,test rate\n"
    assert run_import("rates", rates, "rates.csv", actor="test").ok
    rows = [fee_row(product=f"Wire {n:02d}", fee_fixed=f"{n}.00", fx_margin_pct="0") for n in range(1, 61)]
    assert run_import("fees", csv_bytes(rows), "fees.csv", actor="test").ok
    first = get(client, send="CA", receive="GT", amount="300", currency="CAD")
    assert [q["fee"] for q in first.json] == [f"{n}.00" for n in range(1, 51)]
    assert [q["rank"] for q in first.json] == list(range(1, 51))
    assert json.loads(first.headers["X-Pagination"]) == {"total": 60, "total_pages": 2, "first_page": 1,
                                                         "last_page": 2, "page": 1, "next_page": 2}
    second = get(client, send="CA", receive="GT", amount="300", currency="CAD", page=2)
    assert [q["rank"] for q in second.json] == list(range(51, 61)) and second.json[0]["fee"] == "51.00"
    small = get(client, send="CA", receive="GT", amount="300", currency="CAD", page=3, page_size=25)
    assert [q["rank"] for q in small.json] == list(range(51, 61))
    assert json.loads(small.headers["X-Pagination"])["total_pages"] == 3
    # Asked again, the kept answer carries the same header.
    again = get(client, send="CA", receive="GT", amount="300", currency="CAD", page=2)
    assert again.get_data() == second.get_data() and again.headers["X-Pagination"] == second.headers["X-Pagination"]
    spec = client.get("/api/v1/openapi.json").json["paths"]["/api/v1/quotes"]["get"]
    page_size = next(p for p in spec["parameters"] if p["name"] == "page_size")
    assert page_size["schema"]["default"] == 50 and page_size["schema"]["maximum"] == 100


def test_a_corridor_imported_after_a_question_is_found_at_once(app, client):
    """Corridors are looked up once per data version: the import that creates one changes the version."""
    from remit.importers import run_import

    rates = SEEDS / "rates" / "reference_rates_2025-12.csv"
    assert run_import("rates", rates.read_bytes(), rates.name, actor="test").ok
    assert get(client, send="CA", receive="GT", amount="300", currency="CAD").status_code == 404
    assert run_import("fees", csv_bytes([fee_row()]), "new.csv", actor="test").ok
    after = get(client, send="CA", receive="GT", amount="300", currency="CAD")
    assert after.status_code == 200
    # CAD 15.00 fee + 2% of 300 = 6.00 FX cost: 21.00 in all, 7.00% of the amount sent.
    assert [(q["fee"], q["fx_cost"], q["total_cost"], q["total_cost_pct"]) for q in after.json] == \
        [("15.00", "6.00", "21.00", "7.00")]
