"""A corridor whose send currency remit holds no reference rate for (Saudi Arabia's riyal: neither the
ECB's file nor the seeds' rates give one): the survey's own figures in US dollars, never a guessed rate,
and the amount received not available; the corridor list says which corridors are in that case."""
from __future__ import annotations

import re

import pytest

from remit.importers import run_import

from .. import seeds
from .test_pages import text_of


@pytest.fixture
def saudi(seeded):
    """The suite's seeds and Saudi Arabia → India's 2025 Q3 quotes (12 at USD 200, 12 at USD 500)."""
    report = run_import("rpw", seeds.quotes(("SAU", "IND")), "rpw_2025Q3_quotes_SAU_IND.csv", actor="test")
    assert report.ok, report.problems
    return seeded


def test_no_rate_for_the_send_currency_shows_the_surveys_usd_figures_and_says_why(saudi, client):
    response = client.get("/compare?send=SA&receive=IN&mode=send&amount=1000&lang=en")
    assert response.status_code == 200
    text = text_of(response)
    assert "Figures in US dollars." in text
    assert ("remit holds no reference rate for SAR, so it cannot turn the survey's prices into SAR, price the "
            "amount you gave, or say how much the family receives; it does not guess a rate.") in text
    assert "Sending USD 200: every surveyed service, cheapest first" in text
    assert "Sending USD 500: every surveyed service, cheapest first" in text
    # The survey's rows as published: STC Pay at 3.14% of USD 200 is USD 6.28; at USD 500, 1.76% is USD 8.80.
    assert re.search(r"1 STC Pay Mobile money · Mobile phone \$6\.28 3\.14% not available", text)
    assert re.search(r"1 STC Pay Mobile money · Mobile phone \$8\.80 1\.76% not available", text)
    assert text.count("not available") == 24
    # No amount in riyals anywhere but the one asked for: no rate is guessed.
    assert re.findall(r"SAR\s?\d[\d,.]*", text) == ["SAR1,000.00"]
    assert "Average cost at USD 200: 5.59%" in text


@pytest.mark.parametrize("language, words", [
    ("es", ["Cifras en dólares estadounidenses.", "remit no tiene un tipo de cambio de referencia para SAR",
            "Envío de 200 USD: todos los servicios encuestados", "no disponible",
            "STC Pay Dinero móvil · Teléfono móvil"]),
    ("fr", ["Montants en dollars américains.", "remit n’a pas de taux de référence pour SAR",
            "Envoi de 500 USD : tous les services relevés", "non disponible",
            "STC Pay Argent mobile · Téléphone mobile"]),
])
def test_the_usd_figures_in_spanish_and_french(saudi, client, language, words):
    text = text_of(client.get(f"/compare?send=SA&receive=IN&mode=send&amount=1000&lang={language}"))
    for word in words:
        assert word in text.replace("\u202f", " ").replace("\u00a0", " ")
    assert "Mobile phone" not in text  # the survey's words, every one in the reader's language


def test_the_corridor_list_says_which_corridors_have_no_rate(saudi, client):
    text = text_of(client.get("/corridors?lang=en&q=saudi"))
    assert ("No reference rate for SAR: the comparison gives the survey's figures in US dollars, and not what "
            "the family receives.") in text
    canada = text_of(client.get("/corridors?lang=en&send=CA"))
    assert "No reference rate for" not in canada
    assert "Sin tipo de cambio de referencia para SAR" in text_of(client.get("/corridors?lang=es&q=saudi"))


def test_a_quotes_usd_cost_is_the_surveys_own_else_its_percentage_of_the_amount():
    from decimal import Decimal

    from remit.domain.pricing import survey_cost_usd

    assert survey_cost_usd(Decimal(200), Decimal("3.14"), Decimal("6.28")) == Decimal("6.28")
    assert survey_cost_usd(Decimal(500), Decimal("1.763")) == Decimal("8.815")  # rounded once, at output
    assert survey_cost_usd(Decimal(200), None) is None


def test_the_partner_api_says_which_corridors_have_no_rate_and_why(saudi, client):
    """The corridor list of the partner API: Saudi Arabia → India (no rate for SAR: the survey's USD figures),
    Canada → Kenya (a rate for CAD, none for KES: costs in CAD, the amount received not available), Tanzania
    → Kenya (none for either) and Canada → India (both held)."""
    listed = {c["code"]: c for c in client.get("/api/v1/corridors?page_size=100").json}
    fields = ("reference_rate", "no_rate_currencies", "survey_in_usd")
    assert {code: tuple(listed[code][f] for f in fields) for code in ("SA-IN", "CA-KE", "TZ-KE", "CA-IN")} == {
        "SA-IN": (False, ["SAR"], True), "CA-KE": (False, ["KES"], False), "TZ-KE": (False, ["TZS", "KES"], False),
        "CA-IN": (True, [], False)}
    assert listed["SA-IN"]["no_rate_reason"] == (
        "remit holds no reference rate for SAR: the survey's own figures are given in US dollars (cost at USD 200 and "
        "USD 500, percentages as surveyed), and what the family receives is not available; no rate is guessed.")
    assert listed["CA-KE"]["no_rate_reason"] == (
        "remit holds no reference rate for KES: costs are given in CAD, and what the family receives is not "
        "available; no rate is guessed.")
    assert listed["CA-IN"]["no_rate_reason"] is None and listed["CA-IN"]["reference_rate_as_of"] is not None
    assert all(c["reference_rate"] == (c["reference_rate_as_of"] is not None) for c in listed.values())
    # The same with the filters the list takes.
    assert [c["code"] for c in client.get("/api/v1/corridors?send=SA").json] == ["SA-IN"]
