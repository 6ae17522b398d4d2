"""Published observations are quotes: basis `observed`, the observation's date and round, its price at the
amount observed exactly as observed and, at other amounts, an estimate. Only approved ones."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from remit.extensions import db
from remit.services import comparison, observations

from ..importers.helpers import load_hand_worked_corridor

DAY = dt.date(2026, 11, 20)


@pytest.fixture
def corridor(app):
    load_hand_worked_corridor(b"CAD,GTQ,5.55,2026-11-20,test rate\n")
    app.config["REMIT_ORGANISATION"] = "Centro Migrante"
    return observations.corridor_by_code("CA-GT")


def observe(corridor, *, fee="9.99", rate="5.40", provider="Remesas Uno", supersedes=None, status="approve"):
    given = observations.ObservationInput(
        corridor=corridor, observed_on=DAY, collector="MG", provider_name=provider, product_name="Cash",
        funding_method="cash", payout_method="cash_pickup", send_amount=D("300"), fee=D(fee), channel="in_person",
        exchange_rate=D(rate), provider_type="mto", supersedes_id=supersedes)
    row, _ = observations.record(given, actor="test", max_age_days=14)
    if status:
        observations.review(row, status, "" if status == "approve" else "misread", actor="admin@example.org")
    db.session.commit()
    return row


def observed(result):
    return [q for q in result.quotes if q.service.basis.value == "observed"]


def test_the_hand_worked_observation_is_a_quote_as_observed(corridor):
    row = observe(corridor)
    result = comparison.compare(corridor, "CAD", amount=D("300"), on=DAY + dt.timedelta(days=10))
    [quote] = observed(result)
    info = result.info[quote.service.key]
    assert (quote.fee, quote.exchange_rate, quote.fx_cost, quote.total_cost, quote.receive_amount) == (
        D("9.99"), D("5.400000"), D("8.11"), D("18.10"), D("1620.00"))
    assert round(quote.total_cost_pct, 2) == D("6.03") and round(quote.fx_margin_pct, 2) == D("2.70")
    assert (info.data_as_of, info.collected_at, info.reference_rate_as_of) == ("2026-11-20", DAY, DAY)
    assert info.source == "Centro Migrante, prices observed in round CA-GT:2026-11"
    assert info.observation_id == row.id
    assert result.warnings[quote.service.key] == ()


def test_at_another_amount_it_is_an_estimate_and_past_ninety_days_it_is_stale(corridor):
    observe(corridor)
    result = comparison.compare(corridor, "CAD", amount=D("500"), on=DAY + dt.timedelta(days=10))
    [quote] = observed(result)
    assert (quote.fee, quote.fx_cost, quote.total_cost) == (D("9.99"), D("13.51"), D("23.50"))  # 500 × 2.7027%
    assert result.warnings[quote.service.key] == ("estimate",)
    later = comparison.compare(corridor, "CAD", amount=D("300"), on=DAY + dt.timedelta(days=91))
    assert result.warnings and later.warnings[observed(later)[0].service.key] == ("stale",)


def test_rejected_unreviewed_and_superseded_observations_are_never_quotes(corridor):
    observe(corridor, provider="Rejected Co", status="reject")
    observe(corridor, provider="Waiting Co", status=None)
    first = observe(corridor)
    observe(corridor, fee="7.99", supersedes=first.id)
    result = comparison.compare(corridor, "CAD", amount=D("300"), on=DAY + dt.timedelta(days=1))
    quotes = observed(result)
    assert [(result.info[q.service.key].provider_name, q.fee) for q in quotes] == [("Remesas Uno", D("7.99"))]


def test_an_observation_leads_an_illustrative_fee_table_that_costs_less(corridor, app):
    from remit.importers import run_import

    from ..conftest import SEEDS

    assert run_import("fees", (SEEDS / "fees" / "CA-GT_illustrative_fee_table.csv").read_bytes(), "seed.csv",
                      actor="test").ok
    db.session.commit()
    observe(corridor, fee="25.00")  # total 33.11: dearer than every example
    result = comparison.compare(corridor, "CAD", amount=D("300"), on=DAY + dt.timedelta(days=1))
    kinds = [(q.service.basis.value, result.info[q.service.key].illustrative) for q in result.quotes
             if q.transparent and not q.negative_margin]
    first_illustrative = kinds.index(("fee_table", True))
    assert kinds.index(("observed", False)) < first_illustrative


def test_after_approval_the_api_and_the_spanish_compare_page_give_the_hand_worked_figures(corridor, client):
    observe(corridor)
    body = client.get("/api/v1/quotes?send=CA&receive=GT&amount=300&currency=CAD").get_json()
    [quote] = [q for q in body if q["basis"] == "observed"]
    assert {k: quote[k] for k in ("fee", "exchange_rate", "reference_rate", "fx_margin_pct", "fx_cost", "total_cost",
                                  "total_cost_pct", "receive_amount", "data_as_of", "source", "collected_at",
                                  "warnings")} == {
        "fee": "9.99", "exchange_rate": "5.400000", "reference_rate": "5.550000", "fx_margin_pct": "2.70",
        "fx_cost": "8.11", "total_cost": "18.10", "total_cost_pct": "6.03", "receive_amount": "1620.00",
        "data_as_of": "2026-11-20", "source": "Centro Migrante, prices observed in round CA-GT:2026-11",
        "collected_at": "2026-11-20", "warnings": []}
    from ..web.test_pages import text_of

    page = text_of(client.get("/compare?send=CA&receive=GT&mode=send&amount=300&lang=es"))
    assert "Centro Migrante, precios observados en la ronda CA-GT:2026-11" in page
    assert "18,10" in page and "6,03" in page and "1.620,00" in page


def test_the_command_line_lists_approves_and_rejects_all_or_nothing(corridor, runner):
    waiting = observe(corridor, status=None)
    high = observe(corridor, provider="Cara", fee="70", status=None)
    listed = runner.invoke(args=["remit", "observations", "list", "--round", "CA-GT:2026-11"])
    assert listed.exit_code == 0, listed.output
    assert listed.output.splitlines() == [
        f"{waiting.id}\tCA-GT:2026-11\t2026-11-20\tsubmitted\tRemesas Uno · Cash\tCAD 300 fee 9.99: margin 2.70%, "
        "total 18.10 CAD (6.03%); no flag",
        f"{high.id}\tCA-GT:2026-11\t2026-11-20\tsubmitted\tCara · Cash\tCAD 300 fee 70: margin 2.70%, "
        "total 78.11 CAD (26.04%); high_fee"]
    refused = runner.invoke(args=["remit", "observations", "reject", str(high.id), str(high.id)], input="")
    assert refused.exit_code != 0  # --reason is required
    refused = runner.invoke(args=["remit", "observations", "approve", str(waiting.id), "999999"])
    assert refused.exit_code == 1 and "There is no observation 999999" in refused.output
    db.session.expire_all()
    assert waiting.status == "submitted"
    done = runner.invoke(args=["remit", "observations", "reject", str(high.id), "--reason", "fee misread"])
    assert done.exit_code == 0 and "1 observations rejected" in done.output
    done = runner.invoke(args=["remit", "observations", "approve", "--round", "CA-GT:2026-11"])
    assert done.exit_code == 0 and f"1 observations approved: {waiting.id}" in done.output
    db.session.expire_all()
    assert (waiting.status, high.status, high.review_reason) == ("approved", "rejected", "fee misread")
    assert runner.invoke(args=["remit", "observations", "list", "--round", "XX-YY:2026-13"]).exit_code == 2


def test_the_compare_page_says_observed_and_links_staff_to_the_evidence(corridor, client, app, tmp_path):
    from remit.services import evidence

    from ..admin.test_admin_imports import login
    from ..web.test_pages import text_of

    app.config["REMIT_EVIDENCE_DIR"] = str(tmp_path)
    row = observe(corridor)
    with app.test_request_context():
        row.evidence_file, row.evidence_type = evidence.store(evidence.Evidence(b"%PDF-1.4 x %%EOF", "application/pdf",
                                                                                  "pdf")), "application/pdf"
    db.session.commit()
    url = "/compare?send=CA&receive=GT&mode=send&amount=500&lang=es"
    page = text_of(client.get(url))
    assert "Estimado a partir del precio observado para 300,00" in page and "observado" in page
    assert f"/collect/observations/{row.id}/evidence" not in client.get(url).get_data(as_text=True)
    assert client.get(f"/collect/observations/{row.id}/evidence").status_code == 302  # to the login
    login(client, "staff")
    assert f"/collect/observations/{row.id}/evidence" in client.get(url).get_data(as_text=True)
    answer = client.get(f"/collect/observations/{row.id}/evidence")
    assert (answer.status_code, answer.mimetype, answer.headers["Cache-Control"]) == (
        200, "application/pdf", "private, no-store")
    answer.close()
