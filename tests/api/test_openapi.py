"""The OpenAPI document is valid OpenAPI 3.1 and says what the API does (issue 16)."""
from __future__ import annotations

import json

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.validation.validators import OpenAPIV31SpecValidator

from remit.api.openapi import VOCABULARIES

from ..api_document import ValidatingClient, validate as validate_answer


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json").json


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method, operation


def test_the_document_is_valid_openapi_3_1(document):
    assert document["openapi"] == "3.1.0"
    assert list(OpenAPIV31SpecValidator(document).iter_errors()) == []
    validate(document)  # raises on the first error


def test_every_operation_lists_its_statuses_with_the_error_schema_and_its_security(document):
    # A key is optional unless the operation says otherwise: the document's own security, inherited.
    assert document["security"] == [{}, {"bearer": []}]
    assert document["servers"] == [{"url": "/", "description": "the remit server that serves this document"}]
    assert document["info"]["license"] == {"name": "MIT", "identifier": "MIT"}
    for path, method, operation in operations(document):
        statuses = set(operation["responses"])
        assert {"400", "401", "414", "429", "431", "503"} <= statuses, (method, path)
        assert "default" not in statuses
        for status, response in operation["responses"].items():
            if status in ("414", "431"):  # the HTTP server's own answers, before remit reads the request
                assert "content" not in response
            elif int(status) >= 400:
                assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
                assert ("Retry-After" in response["headers"]) == (status in ("429", "503")), (method, path, status)
            else:
                assert "Retry-After" not in response.get("headers", {})
        if path.startswith(("/api/v1/imports", "/api/v1/ledger", "/api/v1/observations")):
            assert operation["security"] == [{"bearer": []}] and {"401", "403"} <= statuses
        else:
            assert "security" not in operation and "403" not in statuses
        if "requestBody" in operation:
            assert {"413", "415"} <= statuses
            assert {"Accept-Encoding", "Accept-Post"} <= set(operation["responses"]["415"]["headers"])
    imports = document["paths"]["/api/v1/imports"]["post"]
    assert "parameters" not in imports  # no Swagger 2 formData: one multipart body
    form = document["components"]["schemas"]["ImportForm"]
    assert imports["requestBody"]["content"] == {"multipart/form-data": {"schema": {
        "$ref": "#/components/schemas/ImportForm"}}}
    assert form["properties"]["file"] == {"type": "string", "format": "binary", "description": (
        "CSV (UTF-8) or XLSX in the layout of `kind` (the contract's file formats); any other file is a 422 whose "
        "`problems` say why")}
    assert sorted(form["required"]) == ["file", "kind"]


def test_cached_answers_document_etag_and_304(document):
    for path in ("/api/v1/quotes", "/api/v1/corridors/{code}/stats"):
        operation = document["paths"][path]["get"]
        assert {"ETag", "Cache-Control"} <= set(operation["responses"]["200"]["headers"])
        assert "304" in operation["responses"]
        assert any(p["name"] == "If-None-Match" and p["in"] == "header" for p in operation["parameters"])
    pagination = document["paths"]["/api/v1/quotes"]["get"]["responses"]["200"]["headers"]["X-Pagination"]
    assert document["components"]["headers"]["X-Pagination"]["content"]["application/json"] == {
        "schema": {"$ref": "#/components/schemas/Pagination"}}
    assert pagination == {"$ref": "#/components/headers/X-Pagination"}


def test_every_vocabulary_is_one_component_and_nullable_ones_are_not_copied(document):
    schemas = document["components"]["schemas"]
    for name, (values, _) in VOCABULARIES.items():
        assert schemas[name]["enum"] == list(values)
    text = json.dumps(document)
    assert '"enum"' not in json.dumps({k: v for k, v in schemas.items() if k not in VOCABULARIES
                                       and k not in ("Country", "Currency")})
    product = schemas["ProductRef"]["properties"]
    assert product["funding_method"] == {"anyOf": [{"$ref": "#/components/schemas/FundingMethod"}, {"type": "null"}]}
    assert product["speed"]["anyOf"][0] == {"$ref": "#/components/schemas/Speed"}
    assert product["speed"]["anyOf"][1]["const"] == "unknown"
    assert '"nullable"' not in text  # OpenAPI 3.0's keyword; 3.1 says "null"


def test_answers_declare_every_field_required(document):
    schemas = document["components"]["schemas"]
    for name in ("Quote", "ProviderRef", "ProductRef", "Corridor", "CorridorStats", "Cheapest", "Provider",
                 "ProviderProduct", "BundlePlan", "BundleMemberResult", "BundleTransfer", "BundleTotals",
                 "ImportReport", "Problem", "LedgerGroup", "LedgerCycle", "LedgerCycleSummary", "LedgerMember",
                 "LedgerTotals", "LedgerSeason", "LedgerStatement", "LedgerStatementLine", "LedgerWireEntry"):
        assert sorted(schemas[name]["required"]) == sorted(schemas[name]["properties"]), name
    assert schemas["Quote"]["properties"]["collected_at"] == {
        "type": ["string", "null"], "format": "date",
        "description": "the day the fee table took effect; null for survey data, known by its quarter only"}
    assert schemas["ImportReport"]["properties"]["finished_at"]["format"] == "date-time"


def test_request_rules_are_in_the_document(document):
    quotes = {p["name"]: p for p in document["paths"]["/api/v1/quotes"]["get"]["parameters"]}
    import re

    amount = re.compile(quotes["amount"]["schema"]["pattern"])
    assert [bool(amount.match(text)) for text in ("300", "0.01", "1000000", "1000000.00", "999999.99")] == [True] * 5
    assert [bool(amount.match(text)) for text in ("0", "0.00", "1000000.01", "1000001", "-5", "3e2", "1.234")] == [
        False] * 7
    body = document["components"]["schemas"]["BundleRequest"]
    assert body["properties"]["members"]["minItems"] == 1 and body["properties"]["members"]["maxItems"] == 1000
    assert body["properties"]["transfers_per_year"]["maximum"] == 366


def test_the_response_check_catches_an_answer_that_is_not_documented(seeded, client):
    """The suite's check (tests/api_document.py) fails a test on an undocumented answer."""
    answer = client.get("/api/v1/quotes?send=CA&receive=GT&amount=300&currency=CAD")
    assert ValidatingClient.checked > 0
    altered = answer.json
    altered[0]["product"]["speed"] = None  # the document says a speed or "unknown", never null
    answer.set_data(json.dumps(altered))
    with pytest.raises(AssertionError, match="not as documented"):
        validate_answer(client.application, answer.request, answer)


def test_etags_of_compressed_answers_match_the_declared_pattern(document, seeded):
    # flask-compress gives each content coding its own strong tag ("…:gzip", "…:br"), as RFC 9110
    # asks of a representation that differs; the document's pattern admits them, and each is
    # taken back in If-None-Match for the same coding.
    import re

    pattern = re.compile(document["components"]["headers"]["ETag"]["schema"]["pattern"])
    path = "/api/v1/quotes?send=CA&receive=GT&currency=CAD&amount=300"
    tags = {}
    from flask.testing import FlaskClient

    client = FlaskClient(seeded)  # a plain client: the validating one reads bodies as sent, uncompressed
    for coding in ("identity", "gzip", "br"):
        answer = client.get(path, headers={"Accept-Encoding": coding})
        assert answer.status_code == 200
        tags[coding] = answer.headers["ETag"]
        assert pattern.fullmatch(tags[coding]), tags[coding]
        again = client.get(path, headers={"Accept-Encoding": coding, "If-None-Match": tags[coding]})
        assert again.status_code == 304
    assert tags["gzip"] == tags["identity"][:-1] + ':gzip"' and tags["br"] == tags["identity"][:-1] + ':br"'
