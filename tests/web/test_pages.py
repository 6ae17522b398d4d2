"""Staff pages through the test client: every page, its error states and its empty states."""
from __future__ import annotations

import re

import pytest

from ..importers.helpers import csv_bytes, fee_row

COMPARE = "/compare?send=CA&receive=GT&mode=send&amount=300&currency=CAD"


def text_of(response) -> str:
    html = re.sub(r"<svg.*?</svg>", "", response.get_data(as_text=True), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_compare_form_has_labelled_fields(seeded, client):
    page = client.get("/?send=CA&receive=GT&choose=receive").get_data(as_text=True)
    for field, label in (("send", "Sending from"), ("receive", "Sending to"), ("amount", "Amount"),
                         ("currency", "Currency"), ("payout_method", "How the family gets the money"),
                         ("region", "Where the family lives"), ("id_type", "ID the sender has"),
                         ("max_speed", "How fast it must arrive")):
        assert f'<label for="{field}">{label}</label>' in page
    assert '<option value="GT-13">Huehuetenango</option>' in page
    assert re.search(r'<select [^>]*id="region"[^>]*translate="no"', page)  # ISO's names: not for a translator


def options(page: str, field: str) -> list[tuple[str, str]]:
    select = re.search(rf'<select [^>]*id="{field}".*?</select>', page, re.S).group(0)
    return re.findall(r'<option (?:selected )?value="([^"]*)">([^<]*)</option>', select)


def test_the_compare_form_asks_for_the_sending_country_first_then_offers_what_is_held_from_it(seeded, client):
    """No script: "Choose" sends the form to itself, which comes back with the receiving countries held
    from the sending country chosen, in the page's language and sorted by it, and then the regions of
    the receiving country chosen only."""
    blank = client.get("/?lang=en").get_data(as_text=True)
    assert [code for code, _ in options(blank, "send")] == ["", "CA", "TZ", "US"]
    assert 'id="region"' not in blank and "Huehuetenango" not in blank  # no region before a country
    assert 'formaction="/"' in blank and 'name="choose" value="send"' in blank
    # Enter in a field presses the form's first button: the comparison's, hidden, not a "Choose".
    assert re.search(r'<form [^>]*action="/compare".*?<button type="submit" class="visually-hidden" tabindex="-1" '
                     r'aria-hidden="true">Compare</button>\s*<fieldset>', blank, re.S)
    us = client.get("/?send=US&choose=send&lang=es").get_data(as_text=True)
    assert options(us, "receive") == [("", "Elija…"), ("GT", "Guatemala"), ("MX", "México")]
    assert re.search(r'<select [^>]*autofocus[^>]*id="receive"|<select [^>]*id="receive"[^>]*autofocus', us)
    canada = client.get("/?send=CA&choose=send&lang=fr").get_data(as_text=True)
    names = [name for code, name in options(canada, "receive") if code]
    assert len(names) == 16 and names[:4] == ["Chine", "Ghana", "Guatemala", "Guyana"]
    assert "Haïti" in names and names.index("Haïti") < names.index("Inde")  # accents do not send a name last
    guatemala = client.get("/?send=US&receive=GT&choose=receive&lang=en").get_data(as_text=True)
    regions = options(guatemala, "region")
    assert len(regions) == 23 and all(code.startswith("GT-") for code, _ in regions[1:])
    assert 'id="receive"' in guatemala and '<option selected value="GT">' in guatemala


def test_the_centres_own_sending_country_starts_the_form(seeded, app, client):
    app.config["REMIT_DEFAULT_SEND_COUNTRY"] = "US"
    page = client.get("/?lang=en").get_data(as_text=True)
    assert '<option selected value="US">United States</option>' in page
    assert [code for code, _ in options(page, "receive")] == ["", "GT", "MX"]
    # What was asked wins over the default; a default remit holds no corridor from is ignored.
    assert '<option selected value="CA">' in client.get("/?send=CA&choose=send").get_data(as_text=True)
    app.config["REMIT_DEFAULT_SEND_COUNTRY"] = "FR"
    assert len(options(client.get("/?lang=en").get_data(as_text=True), "receive")) > 3


def test_default_send_country_is_read_as_an_iso_code():
    from remit.config import default_send_country

    assert default_send_country("gbr") == "GB" and default_send_country(" ES ") == "ES"
    assert default_send_country("") is None and default_send_country(None) is None
    with pytest.raises(ValueError, match="REMIT_DEFAULT_SEND_COUNTRY"):
        default_send_country("Spain")


def test_a_region_of_another_country_is_refused_by_name(seeded, client):
    response = client.get("/compare?send=US&receive=MX&mode=send&amount=200&region=GT-13&lang=en")
    assert response.status_code == 422
    text = text_of(response)
    assert "This region is not in Mexico: choose one of its regions, or Anywhere." in text
    assert "Jalisco" in text and "Huehuetenango" not in text


def test_a_receiving_country_not_held_from_the_sending_one_is_refused_by_name(seeded, client):
    response = client.get("/compare?send=US&receive=PH&mode=send&amount=200&lang=en")
    assert response.status_code == 422
    assert "remit has no data yet for this corridor: United States → Philippines." in text_of(response)


def test_results_rank_every_service_with_the_cheapest_highlighted(seeded, client):
    response = client.get(COMPARE)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    text = text_of(response)
    assert page.count('<tr class="cheapest">') == 1
    assert len(re.findall(r"<th scope=\"row\" class=\"first\"><strong translate=\"no\">Illustrative", page)) == 7
    assert ("The cheapest way is Illustrative Money Transfer B (App to a bank account): it costs CA$9.49 in all, "
            "3.16% of the amount sent, and the family receives GTQ1,640.89.") in text
    # The fee tables priced at USD 200 = CAD 279.38 (the ECB's USD and CAD rates of 30 October 2026).
    assert "Average cost at USD 200: 6.14%" in text and "SmaRT, the average of the three cheapest: 3.81%" in text
    assert "Above 5%: far from the UN target of 3%." in text
    assert '<svg' in page and 'role="img"' in page and "Bar chart of the total cost per service" in page
    assert "Words used here" in text  # the glossary, printed with the results
    assert len(response.data) < 150_000


def test_receive_mode(seeded, client):
    text = text_of(client.get("/compare?send=US&receive=GT&mode=receive&amount=2000&currency=GTQ"))
    assert "The family must receive GTQ2,000.00" in text
    assert "Source: The World Bank, Remittance Prices Worldwide" in text


@pytest.mark.parametrize("query,field,message", [
    ("amount=-3", "amount", "The amount must be more than zero."),
    ("amount=abc", "amount", "“abc” cannot be read as an amount. Write it like 12,345.50 or 12345.50."),
    ("amount=3.999", "amount", "“3.999” has more decimals than CAD has (2)."),
    ("amount=", "amount", "Enter an amount."),
    ("amount=300&currency=USD", "currency", "The sending country, Canada, uses CAD."),
    ("amount=300&receive=PH", "receive", None),
])
def test_bad_input_is_shown_next_to_the_field_and_kept(seeded, client, query, field, message):
    params = dict(p.split("=") for p in "send=CA&receive=GT&mode=send&currency=CAD".split("&"))
    params.update(dict(p.split("=") for p in query.split("&")))
    response = client.get("/compare", query_string=params)
    page = response.get_data(as_text=True)
    if field == "receive":
        assert response.status_code == 200  # CA→PH has survey data: not an error
        return
    assert response.status_code == 422
    assert f'id="{field}-error"' in page and message in page
    assert 'aria-invalid="true"' in page
    if params.get("amount"):
        assert f'value="{params["amount"]}"' in page  # the value is kept


def test_unknown_corridor_is_an_error_on_the_receive_field(seeded, client):
    response = client.get("/compare?send=CA&receive=MX&mode=send&amount=300&currency=CAD")
    assert response.status_code == 422
    assert "remit has no data yet for this corridor: Canada → Mexico." in response.get_data(as_text=True)


def test_spanish_and_french(seeded, client, app):
    spanish = text_of(client.get(COMPARE + "&lang=es"))
    assert "Todos los servicios, del más barato al más caro" in spanish
    assert "1.640,89 GTQ" in spanish and "9,49 CAD" in spanish  # (no-break spaces folded by text_of)
    french = app.test_client().get(COMPARE, headers={"Accept-Language": "fr-CA,fr;q=0.8"})
    text = text_of(french)
    assert "Tous les services, du moins cher au plus cher" in text
    assert "1\u202f640,89\u00a0GTQ" in french.get_data(as_text=True)
    assert '<html lang="fr">' in french.get_data(as_text=True)


def test_corridor_page_with_trend(seeded, client):
    response = client.get("/corridors/US-GT")
    text = text_of(response)
    assert response.status_code == 200
    assert "Statistics for Q3 2025" in text and "Average cost at USD 200 4.19%" in text
    assert "Providers by type" in text and "Walmart2World" in text
    assert "Line chart of the average cost per quarter" in response.get_data(as_text=True)
    assert client.get("/corridors/US-XX").status_code == 404
    assert client.get("/corridors/FR-GT").status_code == 404


def test_provider_pages_and_their_empty_states(seeded, client):
    listing = text_of(client.get("/providers"))
    assert "Illustrative Credit Union" in listing and "credit union" in listing
    page = text_of(client.get("/providers/illustrative-money-transfer-a"))
    assert "Cash at an agent to cash pickup" in page and "GT-01, GT-09, GT-12, GT-13, GT-14, GT-16" in page
    assert client.get("/providers/nobody").status_code == 404


def test_empty_states(app, client):
    from remit.importers import run_import

    assert "No data is loaded yet." in text_of(client.get("/"))
    assert "No provider is loaded yet." in text_of(client.get("/providers"))
    future = fee_row(effective_from="2099-01-01")
    assert run_import("fees", csv_bytes([future]), "future.csv", actor="test").ok
    assert "remit has no current services of this provider." in text_of(client.get("/providers/test-bank"))
    assert "remit has no prices for this corridor yet." in text_of(client.get("/corridors/CA-GT"))
    no_match = client.get("/compare?send=CA&receive=GT&mode=send&amount=300&currency=CAD")
    assert "remit holds no price in force today for this corridor." in text_of(no_match)


def csrf_token(client) -> str:
    page = client.get("/bundle").get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def bundle_form(token, **extra):
    data = {"csrf_token": token, "send": "CA", "receive": "GT", "distribution_fee": "1.50",
            "incoming_fee": "15", "coordinator_fee": "0", "allocation": "pro_rata", "transfers_per_year": "12",
            "action": "plan", "pasted": "\n".join(f"worker-{i:02d},350" for i in range(1, 13))}
    return data | extra


def test_bundle_rows_and_errors(seeded, client):
    token = csrf_token(client)
    rows = {"rows-0-ref": "ana", "rows-0-amount": "350", "rows-1-ref": "ben", "rows-1-amount": "-5",
            "rows-2-ref": "", "rows-2-amount": "20"}
    response = client.post("/bundle", data=bundle_form(token, pasted="ana,100") | rows)
    assert response.status_code == 422
    text = text_of(response)
    assert "Row 2: The amount must be more than zero." in text
    assert "Row 3: Give both a reference and an amount." in text
    assert "The reference ana is used twice." in text
    assert 'value="-5"' in response.get_data(as_text=True)  # kept, to be corrected


def test_more_rows_without_javascript(seeded, client):
    """The page starts with 5 rows; 'Add 5 more rows' posts the form back with 5 more, keeping what was typed."""
    page = client.get("/bundle").get_data(as_text=True)
    assert page.count('name="rows-') // 4 == 5
    response = client.post("/bundle", data=bundle_form(csrf_token(client), action="add_rows",
                                                       **{"rows-0-ref": "ana", "rows-0-amount": "350"}))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'name="rows-9-ref"' in html and 'value="ana"' in html


def test_bundle_without_csrf_token_is_refused(seeded, client):
    response = client.post("/bundle", data=bundle_form(""))
    assert response.status_code == 400
    assert "The form expired or did not come from this page: please go back, reload it and send it again." in text_of(response)


@pytest.mark.parametrize("language, quarter, others", [
    ("en", "Q3 2025", ("2025Q3", "July–September", "T3 2025")),
    ("es", "T3 2025", ("2025Q3", "julio–septiembre", "Q3 2025")),
    ("fr", "T3 2025", ("2025Q3", "juillet–septembre", "Q3 2025"))])
def test_one_way_to_write_a_quarter_in_each_language(seeded, client, language, quarter, others):
    """The survey's source, the data's date, its age and the glossary write 2025 Q3 one way."""
    for url in ("/compare?send=US&receive=GT&mode=send&amount=200", "/corridors/US-GT", "/corridors?receive=GT"):
        text = text_of(client.get(f"{url}&lang={language}" if "?" in url else f"{url}?lang={language}"))
        assert quarter in text, url
        for other in others:
            assert other not in text, (url, other)


def test_the_survey_words_are_in_the_page_language(seeded, client):
    """RPW names a service by how it is paid in and where ("Bank account transfer · Internet"): the page
    says it in its language; the API keeps RPW's words."""
    spanish = client.get("/compare?send=US&receive=MX&mode=send&amount=200&lang=es").get_data(as_text=True)
    assert "<br>Transferencia bancaria · Internet" in spanish and "Efectivo · Agente" in spanish
    assert "Bank account transfer" not in spanish and "Call Center" not in spanish
    walmart = text_of(client.get("/providers/walmart2world?lang=es"))
    assert "Tarjeta de débito · Agente" in walmart and "Tarjeta de crédito · Internet" in walmart
    french = text_of(client.get("/corridors/CA-IN?lang=fr"))
    assert "SBI Canada Bank · Virement bancaire: 0,86" in french
    api = client.get("/api/v1/quotes?send=US&receive=MX&amount=200&currency=USD").json
    assert {q["product"]["name"] for q in api} >= {"Bank account transfer · Internet", "Cash · Agent"}


def test_the_query_line_keeps_its_separator_with_the_link_that_is_not_printed(seeded, client):
    page = client.get(COMPARE + "&lang=es").get_data(as_text=True)
    query = re.search(r'<p class="query">(.*?)</p>', page, re.S).group(1)
    assert re.search(r'<span class="noprint">· <a href="[^"]+">Cambiar esta comparación</a></span>', query)
    assert "·" not in re.sub(r'<span class="noprint">.*?</span>', "", query, flags=re.S)
