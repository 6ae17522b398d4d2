"""The corridor guide to take home (issue 29): its amounts, its figures (the quote API's, to the
character), its refusals, its QR code, its weight, and its API resource."""
from __future__ import annotations

import gzip
import json
import re
from decimal import Decimal as D

import pytest

from remit.web.guide.qr import qr_matrix, qr_svg

from .test_no_english import visible_text


def guide_json(client, code: str, *amounts: str) -> dict:
    query = "&".join(f"amount={a}" for a in amounts)
    response = client.get(f"/api/v1/corridors/{code}/guide" + (f"?{query}" if query else ""))
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def quotes(client, send: str, receive: str, amount: str) -> list[dict]:
    response = client.get(f"/api/v1/quotes?send={send}&receive={receive}&currency=CAD&amount={amount}&page_size=3")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_the_default_amounts_are_the_world_banks_price_points_in_cad_and_cad_300(seeded, client):
    # USD 200 and 500 in CAD through the euro (ECB, 30 October 2026: 1 EUR = 1.1172 USD = 1.5606 CAD):
    # 200 × 1.5606 / 1.1172 = 279.377… → 279.38; 500 × … = 698.442… → 698.44; the round amount above
    # CAD 279.38 is CAD 300.
    found = guide_json(client, "CA-GT")
    assert [(a["amount"], a["kind"]) for a in found["amounts"]] == [
        ("279.38", "usd_200"), ("300.00", "round"), ("698.44", "usd_500")]
    page = client.get("/corridors/CA-GT/guide").get_data(as_text=True)
    for shown in ("CA$279.38", "CA$300.00", "CA$698.44"):
        assert f"Sending {shown}" in page


@pytest.mark.parametrize("code, receive", [("CA-GT", "GT"), ("CA-IN", "IN")])
@pytest.mark.parametrize("amounts", [(), ("300",), ("150", "1000.50", "2500")])
def test_the_guides_figures_are_the_quote_apis(seeded, client, code, receive, amounts):
    found = guide_json(client, code, *amounts)
    assert found["amounts"]
    for shown in found["amounts"]:
        assert shown["cheapest"] == quotes(client, "CA", receive, shown["amount"])
        assert len(shown["cheapest"]) == min(3, shown["services"])


def test_a_hand_checked_quote_on_the_page_and_in_the_api(seeded, client):
    """Canada→Guatemala, CAD 300, Illustrative Money Transfer B's app to a bank account (the seed's fee
    table): fee 1.99 + 1% of 300 = 4.99; the rate 1.5% under the mid-market rate costs 4.50; total 9.49,
    3.16% of 300 (the cheapest)."""
    first = guide_json(client, "CA-GT", "300")["amounts"][0]["cheapest"][0]
    assert (first["provider"]["name"], first["product"]["name"]) == ("Illustrative Money Transfer B",
                                                                     "App to a bank account")
    assert (first["fee"], first["fx_cost"], first["total_cost"], first["total_cost_pct"]) == (
        "4.99", "4.50", "9.49", "3.16")
    page = visible_text(client.get("/corridors/CA-GT/guide?amount=300").get_data(as_text=True), [])
    assert "CA$9.49 3.16%" in page
    assert f"GTQ{float(first['receive_amount']):,.2f}" in page  # what the family receives, as the API says
    assert "consular ID, driver's licence, passport, permanent resident card, work permit" in page
    assert "Illustrative, not observed." in page and "bank account" in page
    # The worked example, with the same service's figures.
    assert "The fee: CA$4.99." in page
    assert "Total cost: CA$4.99 + CA$4.50 = CA$9.49, 3.16% of the amount sent." in page


def test_the_page_says_where_to_check_a_sender_and_cites_fcac(seeded, client):
    page = client.get("/corridors/CA-IN/guide").get_data(as_text=True)
    assert ('href="https://www.canada.ca/en/financial-consumer-agency/services/payment/'
            'international-money-transfers.html"') in page
    text = visible_text(page, [])
    assert "cash advance" in text and "interest is charged from the first day" in text
    assert "Keep the receipt" in text and "Questions to ask a provider" in text
    assert "World Bank survey" in text  # the source of CA-IN's prices, beside each
    assert "Source: The World Bank, Remittance Prices Worldwide" in text


FCAC_EN = "https://www.canada.ca/en/financial-consumer-agency/services/payment/international-money-transfers.html"


@pytest.mark.parametrize("language, said", [
    ("en", None), ("fr", "(page en anglais)"),
    # The agency publishes in English and French only: Spanish pages say so.
    ("es", "(en inglés: la agencia publica solo en inglés y en francés)")])
def test_the_fcac_source_is_linked_and_says_its_language(seeded, client, language, said):
    """The agency's English page, whose address is checked (its French page's is not: a printed guide
    must not carry an address that may not open); other languages say the page is in English."""
    page = client.get(f"/corridors/CA-GT/guide?lang={language}").get_data(as_text=True)
    assert f'href="{FCAC_EN}"' in page
    if said:
        assert said in visible_text(page, [])


def test_the_qr_code_reads_back_as_the_live_corridor_page(seeded, client):
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    page = client.get("/corridors/CA-GT/guide").get_data(as_text=True)
    assert re.search(r'<svg[^>]*class="qr"', page)
    matrix = qr_matrix("http://localhost/corridors/CA-GT")
    drawn = str(qr_svg("http://localhost/corridors/CA-GT", title="t"))
    assert drawn[drawn.index("<path"):] in page  # the page draws this address's code
    scale, border = 4, 4
    size = (len(matrix) + 2 * border) * scale
    image = Image.new("L", (size, size), 255)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                image.paste(0, ((x + border) * scale, (y + border) * scale, (x + border + 1) * scale,
                                (y + border + 1) * scale))
    found = zxingcpp.read_barcodes(image)
    assert [code.text for code in found] == ["http://localhost/corridors/CA-GT"]


@pytest.mark.parametrize("url, status, words", [
    ("/corridors/CA-GT/guide?amount=abc", 422, "“abc” cannot be read as an amount"),
    ("/corridors/CA-GT/guide?amount=300&amount=-5", 422, "The amount must be more than zero."),
    ("/corridors/CA-GT/guide?amount=1.234", 422, "more decimals than CAD has"),
    ("/corridors/CA-GT/guide?amount=1&amount=2&amount=3&amount=4", 422, "A guide shows at most 3 amounts."),
    ("/corridors/XX-GT/guide", 404, None), ("/corridors/CA-FR/guide", 404, None),
])
def test_a_bad_amount_or_corridor_is_a_clear_4xx(seeded, client, url, status, words):
    response = client.get(url)
    assert response.status_code == status
    if words:
        text = visible_text(response.get_data(as_text=True), [])
        assert words in text
        assert "Please correct the following:" in text


def test_only_the_guide_takes_an_amount_twice(seeded, client):
    assert client.get("/compare?send=CA&receive=GT&mode=send&amount=300&amount=5").status_code == 400
    assert client.get("/corridors/CA-GT/guide?amount=300&amount=5").status_code == 200


@pytest.mark.parametrize("url", ["/api/v1/corridors/CA-GT/guide?amount=300.123",
                                 "/api/v1/corridors/CA-GT/guide?amount=1&amount=2&amount=3&amount=4",
                                 "/api/v1/corridors/CA-GT/guide?amount=0",
                                 "/api/v1/corridors/CA-GT/guide?currency=CAD"])
def test_the_api_refuses_what_the_guide_cannot_show(seeded, client, url):
    assert client.get(url).status_code == 422


def test_the_api_names_the_pages_and_the_worked_example(seeded, client):
    found = guide_json(client, "CA-GT", "300")
    assert found["corridor_page"] == "/corridors/CA-GT"
    assert found["guide_page"] == "/corridors/CA-GT/guide?amount=300"
    example = found["example"]
    assert (example["send_amount"], example["fee"], example["fx_cost"], example["total_cost"]) == (
        "300.00", "4.99", "4.50", "9.49")
    assert found["illustrative"] is True and found["poolable"] is True
    assert client.get("/api/v1/corridors/CA-ZZ/guide").status_code == 404


@pytest.mark.parametrize("url", ["/corridors/CA-GT/guide", "/corridors/CA-IN/guide",
                                 "/corridors/US-MX/guide?amount=200&amount=500&amount=1000"])
def test_the_guide_weighs_under_15_kb_compressed(seeded, client, url):
    body = client.get(url).data
    assert len(gzip.compress(body)) < 15 * 1024


def test_the_corridor_and_compare_pages_link_to_the_guide(seeded, client):
    assert 'href="/corridors/CA-GT/guide"' in client.get("/corridors/CA-GT").get_data(as_text=True)
    results = client.get("/compare?send=CA&receive=GT&mode=send&amount=300").get_data(as_text=True)
    assert 'href="/corridors/CA-GT/guide?amount=300.00"' in results


def test_the_openapi_document_describes_the_guide(client):
    document = json.loads(client.get("/api/v1/openapi.json").get_data(as_text=True))
    operation = document["paths"]["/api/v1/corridors/{code}/guide"]["get"]
    assert operation["operationId"] == "get_corridor_guide"
    parameters = operation["parameters"] + document["paths"]["/api/v1/corridors/{code}/guide"].get("parameters", [])
    assert {p["name"] for p in parameters} >= {"amount", "code"}


def test_the_guides_of_every_canadian_corridor_come_as_one_page(seeded, client):
    page = client.get("/guides?send=CA").get_data(as_text=True)
    sheets = re.findall(r'<article class="guide-sheet" id="guide-(ca-[a-z]{2})"', page)
    assert len(sheets) == 16 and sheets[0] == "ca-cn" and "ca-gt" in sheets and "ca-in" in sheets
    # Each sheet's figures are its own guide's: Guatemala's cheapest at CAD 300 as worked by hand above.
    guatemala = page[page.index('id="guide-ca-gt"'):page.index('id="guide-ca-gy"')]
    assert "CA$9.49" in guatemala and "CA$300.00" in guatemala
    assert 'href="/guides"' in client.get("/corridors").get_data(as_text=True)


@pytest.mark.parametrize("url, status", [("/guides?send=ZZ", 422), ("/guides?send=FR", 404), ("/guides", 200)])
def test_the_batch_asks_for_a_sending_country_it_holds(seeded, client, url, status):
    response = client.get(url)
    assert response.status_code == status
    if status != 200:
        assert "Choose a sending country from the list." in visible_text(response.get_data(as_text=True), [])


# The group option (issue 29: "from which group size, and whom to ask").
POOLING_SAID = {
    "en": ("About CA$300.00 each: pooling pays from 2 people; each saves about CA$0.99.",
           "Assumed: one transfer by Illustrative Money Transfer B · App to a bank account, at a fee of CA$7.99 for "
           "these groups and an exchange rate 1.50% under the mid-market rate. Illustrative, not observed.",
           "Per transfer, CA$0.00 taken by intermediary banks and CA$0.00 by the receiving bank; CA$0.00 to pay out "
           "each share (as the group transfer page starts).",
           "Whom to ask: the bank that would hold the collective account",
           "the sending bank (its wire fee, rate and limits per transfer and per day)",
           "Registering with FINTRAC", "In Guatemala: the law against money laundering"),
    "es": ("Unos 300,00 CAD cada una: conviene juntarlo desde 2 personas; cada una ahorra unos 0,99 CAD.",
           "con una comisión de 7,99 CAD para estos grupos y un tipo de cambio 1,50% por debajo del tipo medio",
           "A quién preguntar: al banco que tendría la cuenta colectiva", "Inscribirse en FINTRAC"),
    "fr": ("Environ 300,00 $CA chacune : regrouper est avantageux dès 2 personnes ; chacune économise environ 0,99 $CA.",
           "avec des frais de 7,99 $CA pour ces groupes", "À qui demander : à la banque qui tiendrait le compte collectif",
           "S’inscrire auprès de CANAFE"),
}


@pytest.mark.parametrize("language", ["en", "es", "fr"])
def test_the_group_option_says_from_which_size_pooling_pays_and_whom_to_ask(seeded, client, language):
    """Canada→Guatemala, CAD 300 each, worked by hand from the seed's fee table: alone, the cheapest is
    Illustrative Money Transfer B's app (1.99 + 1% = 4.99 fee, 1.5% of 300 = 4.50: 9.49). Two people
    pooling CAD 600 in one transfer of the same app (bank account to bank account, as the group plan
    chooses): fee 1.99 + 6.00 = 7.99, rate 9.00, 16.99 together, 8.50 each (8.495, the larger share):
    each saves 0.99. With the group page's starting fees (none on the way)."""
    page = client.get(f"/corridors/CA-GT/guide?amount=300&lang={language}").get_data(as_text=True)
    raw = re.sub(r"<[^>]+>", "", page).replace("\u202f", " ").replace("\xa0", " ")
    raw = re.sub(r"\s+", " ", raw)
    for words in POOLING_SAID[language]:
        assert words in raw, words


def test_the_group_option_is_the_group_plans_break_even(seeded, app):
    """The guide's size is the one the group transfer page finds for a group of members sending the
    same amount (its break-even), with the same products and fees."""
    from remit.services import bundles
    from remit.services import guide as guide_service
    from remit.services.reference import find_corridor

    with app.test_request_context():
        for amount in ("300", "698.44", "1500"):
            pool = guide_service.guide(find_corridor("CA", "GT"), [D(amount)]).pooling
            threshold = pool.thresholds[0][1]
            request = bundles.BundleRequest("CA", "GT", "CAD", [bundles.MemberInput(f"m{i}", D(amount))
                                                                 for i in range(3)])
            assert bundles.plan(request).plan.break_even_members == threshold.members, amount


def test_the_group_option_could_not_be_assessed_without_a_bank_to_bank_fee_table(seeded, client):
    text = visible_text(client.get("/corridors/CA-IN/guide").get_data(as_text=True), [])
    assert ("On this corridor the group option could not be assessed: remit holds no bank-to-bank fee table to "
            "price one pooled transfer.") in text
    assert "pooling pays from" not in text and "Whom to ask:" in text
    found = guide_json(client, "CA-IN")["pooling"]
    assert found == {"assessed": False, "assumed_fees": None, "amounts": [],
                     "ask": ["receiving_bank", "sending_bank", "resource_centre"], "notes_page": "/bundle"}


def test_the_api_gives_the_group_option_and_its_assumptions(seeded, client):
    pooling = guide_json(client, "CA-GT", "300")["pooling"]
    assert pooling["assessed"] is True
    assert pooling["assumed_fees"] == {"intermediary_fee": "0.00", "incoming_fee": "0.00",
                                       "distribution_fee": "0.00", "coordinator_fee": "0.00"}
    (first,) = pooling["amounts"]
    pooled = first.pop("pooled")
    assert first == {"amount": "300.00", "alone": "9.49", "members": 2, "per_member": "8.50", "saving": "0.99",
                     "searched_from": 2, "searched_to": 50}
    assert {k: pooled[k] for k in ("provider", "product", "illustrative", "transfers", "fee", "fx_margin_pct")} == {
        "provider": "Illustrative Money Transfer B", "product": "App to a bank account", "illustrative": True,
        "transfers": 1, "fee": "7.99", "fx_margin_pct": "1.50"}
    assert pooled["product_id"].startswith("ft-")
    document = json.loads(client.get("/api/v1/openapi.json").get_data(as_text=True))
    assert "pooling" in document["components"]["schemas"]["Guide"]["properties"]
