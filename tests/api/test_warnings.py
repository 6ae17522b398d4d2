"""Every quote says what should stop a person from taking it at face value (the contract's `warnings`)."""
from __future__ import annotations

import datetime as dt

import pytest

from remit.importers import run_import

from ..importers.helpers import csv_bytes, fee_row

TODAY = dt.date.today()
RATE_HEADER = ["base_currency", "quote_currency", "rate", "as_of", "source"]
QUOTE_HEADER = ["period", "source_code", "destination_code", "provider", "instrument", "access_point", "amount_usd",
                "fee_pct", "fx_margin_pct", "total_cost_pct", "transparent"]


def get(client, **params):
    response = client.get("/api/v1/quotes", query_string=params)
    assert response.status_code == 200, response.json
    return response.json


def load(kind: str, rows: list[dict], header: list[str] | None = None) -> None:
    report = run_import(kind, csv_bytes(rows, header), f"{kind}.csv", actor="test")
    assert report.ok, report.problems


def rates(as_of: dt.date) -> None:
    load("rates", [{"base_currency": "USD", "quote_currency": "CAD", "rate": "1.40", "as_of": as_of.isoformat(),
                    "source": "test"},
                   {"base_currency": "USD", "quote_currency": "GTQ", "rate": "7.70", "as_of": as_of.isoformat(),
                    "source": "test"}], RATE_HEADER)


def wire(**changes) -> None:
    load("fees", [fee_row(**changes)])


def survey_is_stale(period_end: dt.date) -> bool:
    return (TODAY - period_end).days > 365


def test_a_survey_promotion_below_the_mid_market_rate_is_flagged_and_not_ranked_first(seeded, client):
    quotes = get(client, send="US", receive="MX", amount="200", currency="USD")
    by_name = {(q["provider"]["name"], q["product"]["name"]): q for q in quotes}
    walmart = by_name[("Walmart2World", "Debit card · Internet")]
    # RPW 2025 Q3: fee 0, applied rate 2.44% better than the reference rate: a total cost of −2.44%.
    assert walmart["total_cost_pct"] == "-2.44" and walmart["fx_margin_pct"] == "-2.44"
    assert "negative_margin" in walmart["warnings"]
    assert ("stale" in walmart["warnings"]) == survey_is_stale(dt.date(2025, 9, 30))
    # Services that price at or under the mid-market rate come first; those that beat it after them.
    flagged = [q["rank"] for q in quotes if "negative_margin" in q["warnings"]]
    clean = [q["rank"] for q in quotes if q["transparent"] and "negative_margin" not in q["warnings"]]
    assert flagged and clean and max(clean) < min(flagged)
    assert "negative_margin" not in quotes[0]["warnings"] and float(quotes[0]["fx_margin_pct"]) >= 0


def test_a_survey_price_at_another_amount_is_an_estimate(seeded, client):
    at_200 = get(client, send="US", receive="GT", amount="200", currency="USD")
    at_450 = get(client, send="US", receive="GT", amount="450", currency="USD")
    assert all("estimate" not in q["warnings"] for q in at_200)
    assert all("estimate" in q["warnings"] for q in at_450)


def test_seeded_rates_of_december_2025_are_stale_by_their_age(seeded, client):
    quotes = get(client, send="CA", receive="GT", amount="300", currency="CAD")
    # The seeded CAD→GTQ cross rate is as old as its older leg, USD→GTQ of 2025-12-26.
    assert {q["reference_rate_as_of"] for q in quotes} == {"2025-12-26"}
    expected = (TODAY - dt.date(2025, 12, 26)).days > 14
    assert all(("stale" in q["warnings"]) == expected for q in quotes)


@pytest.mark.parametrize("days_old,stale", [(0, False), (14, False), (15, True), (400, True)])
def test_a_rate_is_stale_after_14_days(app, client, days_old, stale):
    rates(TODAY - dt.timedelta(days=days_old))
    wire()
    [quote] = get(client, send="CA", receive="GT", amount="300", currency="CAD")
    assert quote["reference_rate_as_of"] == (TODAY - dt.timedelta(days=days_old)).isoformat()
    assert quote["warnings"] == (["stale"] if stale else [])


def test_the_freshness_limits_are_settings(app, make_app):
    rates(TODAY - dt.timedelta(days=20))
    wire()
    strict = get(app.test_client(), send="CA", receive="GT", amount="300", currency="CAD")
    other = make_app(RATELIMIT_ENABLED=False, REMIT_RATE_MAX_AGE_DAYS=30)
    with other.app_context():
        lenient = get(other.test_client(), send="CA", receive="GT", amount="300", currency="CAD")
    assert strict[0]["warnings"] == ["stale"] and lenient[0]["warnings"] == []


def test_an_undisclosed_rate_is_flagged_and_ranked_last(app, client):
    rates(TODAY)
    period = f"{TODAY.year}Q{(TODAY.month - 1) // 3 + 1}"
    load("rpw", [
        {"period": period, "source_code": "CAN", "destination_code": "GTM", "provider": "Open Rates",
         "instrument": "Cash", "access_point": "Agent", "amount_usd": "200", "fee_pct": "2.0",
         "fx_margin_pct": "1.0", "total_cost_pct": "3.0", "transparent": "True"},
        {"period": period, "source_code": "CAN", "destination_code": "GTM", "provider": "Hidden Rates",
         "instrument": "Cash", "access_point": "Agent", "amount_usd": "200", "fee_pct": "0.5",
         "fx_margin_pct": "", "total_cost_pct": "0.5", "transparent": "False"},
    ], QUOTE_HEADER)
    quotes = get(client, send="CA", receive="GT", amount="280", currency="CAD")  # USD 200 = CAD 280
    assert [q["provider"]["name"] for q in quotes] == ["Open Rates", "Hidden Rates"]
    # A price surveyed in USD and converted to CAD at the reference rate is an estimate.
    assert quotes[0]["warnings"] == ["estimate"]
    assert quotes[1]["warnings"] == ["not_transparent", "estimate"]  # fee only (0.5%): the real cost is higher


def test_a_send_currency_the_corridor_is_not_priced_in_is_422_naming_its_currencies(seeded, client):
    response = client.get("/api/v1/quotes", query_string={"send": "CA", "receive": "GT", "amount": "300",
                                                         "currency": "USD"})
    assert response.status_code == 422
    assert response.json["message"] == "CA-GT is priced in CAD, not in USD."
    assert response.json["errors"] == {"query": {"currency": ["CA-GT is priced in CAD, not in USD."]}}
    assert response.json["currencies"] == ["CAD"] and response.json["reason"] == "currency_not_priced"


def test_an_unknown_corridor_is_404_with_the_list_of_corridors(seeded, client):
    response = client.get("/api/v1/quotes", query_string={"send": "FR", "receive": "GT", "amount": "300",
                                                         "currency": "EUR"})
    assert response.status_code == 404
    assert response.json["corridors"].endswith("/api/v1/corridors")
    assert client.get(response.json["corridors"]).status_code == 200


def test_filters_keep_services_that_did_not_record_the_value(seeded, client):
    everything = get(client, send="US", receive="GT", amount="200", currency="USD")
    by_cash = get(client, send="US", receive="GT", amount="200", currency="USD", payout_method="cash_pickup",
                  max_speed="same_day")
    # The 2025 survey file records neither payout method nor speed: no service is dropped for want of them.
    assert len(by_cash) == len(everything) == 30


def test_corridor_statistics_say_which_figures_come_from_promotions(seeded, client):
    """US→MX 2025 Q3 at USD 200 (the seed file): the three cheapest are Walmart2World debit card −2.44%,
    Xoom bank account −0.24% and Xoom debit card 0.39%, each with an FX margin below zero, so SmaRT is
    (−2.44 − 0.24 + 0.39) / 3 = −0.76% from three promotions. The average of the 46 is 4.536956…%.
    The yearly saving is measured against Wise at 1.26%, the cheapest whose margin is not negative:
    200 × (4.536956… − 1.26) / 100 × 12 = 78.65 (against the −2.44% promotion it would be 167.45)."""
    stats = client.get("/api/v1/corridors/US-MX/stats").json
    assert (stats["smart_pct"], stats["smart_negative_margins"]) == ("-0.76", 3)
    assert stats["smart_speed_unknown"] is True  # the 2025 file records no speeds: SmaRT could not leave out slow ones
    assert stats["cheapest"] | {} == {"product_id": stats["cheapest"]["product_id"], "name": "Walmart2World · Debit card",
                                      "total_cost_pct": "-2.44", "negative_margin": True}
    assert (stats["average_total_cost_pct_200"], stats["yearly_saving"]) == ("4.54", "78.65")
    assert stats["yearly_saving_against"] | {"product_id": None} == {
        "product_id": None, "name": "Wise · Bank account transfer", "total_cost_pct": "1.26", "negative_margin": False}
    fee_tables = client.get("/api/v1/corridors/CA-GT/stats").json
    assert fee_tables["smart_negative_margins"] == 0 and fee_tables["cheapest"]["negative_margin"] is False
    assert fee_tables["smart_speed_unknown"] is False  # fee tables say each product's speed


def test_the_corridor_page_says_smart_and_the_cheapest_are_promotions(seeded, client):
    page = client.get("/corridors/US-MX?lang=es").get_data(as_text=True)
    assert "3 de los tres dieron un tipo mejor que el tipo medio del mercado" in page
    assert ("Ahorro anual con Wise · Transferencia bancaria (1,26%), el servicio más barato que no supera el tipo "
            "medio del mercado") in page
    assert "78,65" in page
    results = client.get("/compare?send=US&receive=MX&amount=200&currency=USD&lang=en").get_data(as_text=True)
    assert "3 of the three beat the mid-market rate when priced (promotions or data out of step)" in results
    assert "The survey did not record how fast some of these services are, so SmaRT could not leave out" in results
    assert "La encuesta no registró la rapidez de algunos de estos servicios" in page
