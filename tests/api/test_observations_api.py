"""Observed prices through the API (issue 28, item 5): a `collect` key submits, a `read` key lists the
published ones. Every answer is checked against the OpenAPI document (tests/api_document.py).

The hand-worked case: CAD 300, fee 9.99, 5.40 GTQ per CAD offered on 2026-11-20 against a reference of
5.55 → margin (1 − 5.40 / 5.55) × 100 = 2.7027% (2.70), FX cost 300 × 2.7027% = 8.108 → 8.11, total
9.99 + 8.11 = 18.10, 18.10 / 300 = 6.033% (6.03), the family receives 300 × 5.40 = GTQ 1,620.00.
"""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from remit.extensions import db
from remit.models import AuditEvent, PriceObservation
from remit.services import observations

from ..importers.helpers import load_hand_worked_corridor
from .test_imports_api import key

HAND_WORKED = {
    "observed_on": "2026-11-20", "collector": "MG", "provider": "Remesas Uno", "provider_type": "mto",
    "product": "Cash pickup", "send_country": "CA", "receive_country": "GT", "send_currency": "CAD",
    "receive_currency": "GTQ", "funding_method": "cash", "payout_method": "cash_pickup", "send_amount": "300",
    "fee": "9.99", "exchange_rate": "5.40", "channel": "in_person", "evidence": "board-2026-11-20.jpg"}


@pytest.fixture
def corridor(app):
    load_hand_worked_corridor(b"CAD,GTQ,5.55,2026-11-20,test rate\n")
    app.config["REMIT_ORGANISATION"] = "Centro Migrante"
    return observations.corridor_by_code("CA-GT")


def count() -> int:
    return db.session.execute(select(func.count()).select_from(PriceObservation)).scalar_one()


def submit(client, headers, **changes):
    body = {k: v for k, v in (HAND_WORKED | changes).items() if v is not None}
    return client.post("/api/v1/observations", json=body, headers=headers)


def test_the_hand_worked_observation_submitted_approved_then_quoted_and_listed(corridor, client):
    collect = key("collect")
    created = submit(client, collect)
    assert created.status_code == 201, created.json
    body = created.json
    assert created.headers["Location"] == f"/api/v1/observations/{body['id']}"
    assert {k: body[k] for k in ("round", "status", "send_amount", "fee", "fee_pct", "exchange_rate",
                                 "reference_rate", "reference_rate_as_of", "fx_margin_pct", "fx_cost", "total_cost",
                                 "total_cost_pct", "receive_amount", "flags", "product_id", "source")} == {
        "round": "CA-GT:2026-11", "status": "submitted", "send_amount": "300.00", "fee": "9.99", "fee_pct": "3.33",
        "exchange_rate": "5.400000", "reference_rate": "5.550000", "reference_rate_as_of": "2026-11-20",
        "fx_margin_pct": "2.70", "fx_cost": "8.11", "total_cost": "18.10", "total_cost_pct": "6.03",
        "receive_amount": "1620.00", "flags": [], "product_id": None,
        "source": "Centro Migrante, prices observed in round CA-GT:2026-11"}
    row = db.session.get(PriceObservation, body["id"])
    assert (row.status, row.evidence_reference, row.recorded_by.startswith("api:collect partner [")) == (
        "submitted", "board-2026-11-20.jpg", True)
    assert db.session.execute(select(AuditEvent).where(AuditEvent.action == "observation recorded")).scalar_one()
    # The collect key sees what it submitted; a read key sees nothing before the review.
    assert client.get(created.headers["Location"], headers=collect).json["status"] == "submitted"
    read = key("read")
    assert client.get(created.headers["Location"], headers=read).status_code == 404
    assert client.get("/api/v1/observations", headers=read).json == []
    before = client.get("/api/v1/quotes?send=CA&receive=GT&amount=300&currency=CAD").json
    assert [q for q in before if q["basis"] == "observed"] == []

    observations.review(row, "approve", "", actor="admin@example.org")
    db.session.commit()
    quotes = client.get("/api/v1/quotes?send=CA&receive=GT&amount=300&currency=CAD").json
    [quote] = [q for q in quotes if q["basis"] == "observed"]
    assert {k: quote[k] for k in ("fee", "exchange_rate", "fx_margin_pct", "fx_cost", "total_cost", "total_cost_pct",
                                  "receive_amount", "data_as_of", "source")} == {
        "fee": "9.99", "exchange_rate": "5.400000", "fx_margin_pct": "2.70", "fx_cost": "8.11",
        "total_cost": "18.10", "total_cost_pct": "6.03", "receive_amount": "1620.00", "data_as_of": "2026-11-20",
        "source": "Centro Migrante, prices observed in round CA-GT:2026-11"}
    listed = client.get("/api/v1/observations?round=CA-GT:2026-11", headers=read)
    assert listed.status_code == 200
    [published] = listed.json
    assert (published["id"], published["status"], published["product_id"], published["total_cost"],
            published["total_cost_pct"]) == (body["id"], "approved", quote["product"]["id"], "18.10", "6.03")
    assert client.get("/api/v1/observations?corridor=can-gtm", headers=read).json == listed.json
    assert client.get("/api/v1/observations?round=CA-GT:2026-10", headers=read).json == []
    assert client.get("/api/v1/observations?corridor=MX-GT", headers=read).json == []
    assert client.get("/api/v1/observations", headers=collect).status_code == 200


def test_a_rate_or_the_amount_received_and_when_both_they_agree(corridor, client):
    collect = key("collect")
    by_amount = submit(client, collect, exchange_rate=None, receive_amount="1620.00")
    assert by_amount.status_code == 201, by_amount.json
    assert (by_amount.json["exchange_rate"], by_amount.json["total_cost"]) == ("5.400000", "18.10")
    disagree = submit(client, collect, receive_amount="1600.00")
    assert disagree.status_code == 422
    assert list(disagree.json["errors"]["json"]) == ["exchange_rate"]
    assert disagree.json["errors"]["json"]["exchange_rate"] == [
        "At 5.400000 the family would receive 1620.00, not 1600.00: give the rate or the amount received, or "
        "correct one of them."]
    neither = submit(client, collect, exchange_rate=None)
    assert neither.status_code == 422
    assert neither.json["errors"]["json"] == {"exchange_rate": [
        "Give the exchange rate offered or the amount the family would receive."]}
    assert count() == 1


@pytest.mark.parametrize(("change", "field"), [
    ({"send_amount": "0"}, "send_amount"),
    ({"send_amount": "300.001"}, "send_amount"),
    ({"send_amount": 300}, "send_amount"),
    ({"fee": "-1"}, "fee"),
    ({"exchange_rate": "abc"}, "exchange_rate"),
    ({"observed_on": "2026-13-01"}, "observed_on"),
    ({"observed_on": "2999-01-01"}, "observed_on"),
    ({"funding_method": "gold"}, "funding_method"),
    ({"channel": "telepathy"}, "channel"),
    ({"collector": ""}, "collector"),
    ({"provider": None}, "provider"),
    ({"receive_country": "MX"}, "receive_country"),
    ({"send_currency": "USD"}, "send_currency"),
    ({"regions": ["MX-CMX"]}, "regions"),
    ({"supersedes": 999}, "supersedes"),
])
def test_a_bad_field_is_a_422_naming_it_and_writes_nothing(corridor, client, change, field):
    refused = submit(client, key("collect"), **change)
    assert refused.status_code == 422, refused.json
    assert list(refused.json["errors"]["json"]) == [field], refused.json
    assert count() == 0


def test_keys_and_scopes(corridor, client):
    assert submit(client, {}).status_code == 401
    read = submit(client, key("read"))
    assert read.status_code == 403
    assert read.json["message"] == "This API key has the 'read' scope; this call needs 'collect'."
    assert submit(client, key("import")).status_code == 403
    assert client.get("/api/v1/observations").status_code == 401
    assert client.get("/api/v1/observations", headers=key("ledger")).status_code == 403
    collect = key("collect")
    assert client.post("/api/v1/imports", headers=collect, content_type="multipart/form-data",
                       data={"kind": "fees"}).status_code == 403
    assert client.get("/api/v1/ledger/groups", headers=collect).status_code == 403
    assert client.post("/api/v1/ledger/groups/1/cycles", json={}, headers=collect).status_code == 403
    # A key that writes is not for a browser: no other origin may submit (no CORS headers).
    preflight = client.options("/api/v1/observations", headers={
        "Origin": "https://partner.example", "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 200
    assert not any(name.startswith("Access-Control-") for name in preflight.headers.keys())
    assert count() == 0


def test_rejected_unreviewed_and_superseded_observations_are_never_listed(corridor, client):
    collect, read = key("collect"), key("read")
    ids = [submit(client, collect, provider=name).json["id"] for name in ("Rejected Co", "Waiting Co", "Remesas Uno")]
    rejected, _, first = (db.session.get(PriceObservation, i) for i in ids)
    observations.review(rejected, "reject", "misread", actor="admin")
    observations.review(first, "approve", "", actor="admin")
    db.session.commit()
    correction = submit(client, collect, fee="7.99", supersedes=first.id)
    assert correction.status_code == 201, correction.json
    assert [o["id"] for o in client.get("/api/v1/observations", headers=read).json] == [first.id]
    observations.review(db.session.get(PriceObservation, correction.json["id"]), "approve", "", actor="admin")
    db.session.commit()
    listed = client.get("/api/v1/observations", headers=read).json
    assert [(o["provider"], o["fee"], o["supersedes"]) for o in listed] == [("Remesas Uno", "7.99", first.id)]
    assert client.get(f"/api/v1/observations/{first.id}", headers=read).status_code == 404
    assert client.get(f"/api/v1/observations/{rejected.id}", headers=read).status_code == 404


def test_the_list_is_paginated_as_the_others(corridor, client):
    collect = key("collect")
    for fee in ("1", "2", "3"):
        row = db.session.get(PriceObservation, submit(client, collect, fee=fee, provider=f"P{fee}").json["id"])
        observations.review(row, "approve", "", actor="admin")
    db.session.commit()
    page = client.get("/api/v1/observations?page=2&page_size=2", headers=key("read"))
    assert page.status_code == 200
    assert [o["fee"] for o in page.json] == ["1.00"]
    assert '"total": 3' in page.headers["X-Pagination"]


ROUND_FEES = {"Remesas Uno": "9.99", "Banco Dos": "3.00", "Tres Envios": "6.00", "Cuatro Pagos": "12.00"}


def observed_round(client) -> None:
    """Four services approved in round CA-GT:2026-11 (CAD 300 at 5.40 against 5.55: FX cost 8.11 each), a
    cheaper one rejected and another cheaper one never reviewed.

    Total cost % of the four: 9.99 + 8.11 = 18.10 → 6.03; 11.11 → 3.70; 14.11 → 4.70; 20.11 → 6.70.
    Average (6.03 + 3.70 + 4.70 + 6.70) / 4 = 21.13 / 4 = 5.2825 → 5.28, above 5%: the UN target not met.
    SmaRT (3.70 + 4.70 + 6.03) / 3 = 14.43 / 3 = 4.81. The rejected one (fee 0: 2.70%) and the submitted one
    (fee 1: 3.04%) would have lowered both."""
    collect = key("collect")
    for provider, fee in ROUND_FEES.items():
        row = db.session.get(PriceObservation, submit(client, collect, provider=provider, fee=fee).json["id"])
        observations.review(row, "approve", "", actor="admin")
    rejected = db.session.get(PriceObservation, submit(client, collect, provider="Cero", fee="0").json["id"])
    observations.review(rejected, "reject", "fee misread", actor="admin")
    assert submit(client, collect, provider="Uno Mas", fee="1").status_code == 201
    db.session.commit()


def test_round_statistics_in_the_stats_api_beside_rpw(corridor, client):
    from remit.importers import run_import

    assert run_import("rpw", b"source_code,destination_code,quarter,avg_cost_pct,cheapest_cost_pct\n"
                             b"CAN,GTM,2026Q4,5.90,3.10\n", "averages.csv", actor="test").ok
    db.session.commit()
    observed_round(client)
    stats = client.get("/api/v1/corridors/CA-GT/stats")
    assert stats.status_code == 200, stats.json
    [found] = stats.json["observed_rounds"]
    assert {k: found[k] for k in ("round", "month", "source", "first_day", "last_day", "services", "waiting_for_rate",
                                  "send_amounts", "average_total_cost_pct", "smart_pct", "cheapest_total_cost_pct",
                                  "sdg_target_met", "above_5pct")} == {
        "round": "CA-GT:2026-11", "month": "2026-11", "source": "Centro Migrante, prices observed in round CA-GT:2026-11",
        "first_day": "2026-11-20", "last_day": "2026-11-20", "services": 4, "waiting_for_rate": 0,
        "send_amounts": ["300.00"], "average_total_cost_pct": "5.28", "smart_pct": "4.81",
        "cheapest_total_cost_pct": "3.70", "sdg_target_met": False, "above_5pct": True}
    assert found["cheapest"]["name"] == "Banco Dos · Cash pickup"
    assert found["rpw"] == {"period": "2026Q4", "basis": "published", "average_total_cost_pct_200": "5.90",
                            "smart_pct": None, "cheapest_total_cost_pct": "3.10", "sdg_target_met": False,
                            "above_5pct": True, "source": "The World Bank, Remittance Prices Worldwide, 2026Q4"}


def test_a_corridor_without_published_observations_has_no_round(corridor, client):
    collect = key("collect")
    assert submit(client, collect).status_code == 201  # submitted only
    assert client.get("/api/v1/corridors/CA-GT/stats").json["observed_rounds"] == []
