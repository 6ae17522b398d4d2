"""The one error map (remit/errors.py): each refusal's status, its English message and code in the
API, the same message translated on pages."""
from __future__ import annotations

import re

from remit.domain.errors import NotFound, RemitError
from remit.domain.messages import msg


def page_text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def test_a_refusal_answers_its_status_message_and_code(make_app):
    app = make_app()

    @app.get("/api/v1/test-refusal")
    def api_refusal():
        raise RemitError(msg("http_405", "This address does not take this kind of request."), field="amount")

    @app.get("/test-refusal")
    def page_refusal():
        raise NotFound(msg("http_404", "There is nothing at this address."))

    client = app.test_client()
    with app.app_context():
        api = client.get("/api/v1/test-refusal")
        assert api.status_code == 422
        assert api.json == {"code": 422, "status": "Unprocessable Entity", "reason": "http_405",
                            "message": "The request has invalid fields: amount.",
                            "errors": {"query": {"amount": ["This address does not take this kind of request."]}}}
        page = client.get("/test-refusal?lang=es")
        assert page.status_code == 404 and "No hay nada en esta dirección." in page_text(page)


def test_json_refusals_carry_their_code(client):
    response = client.post("/api/v1/bundles", data="[" * 40 + "]" * 40, content_type="application/json")
    assert response.status_code == 400
    assert response.json["reason"] == "json_too_deep"
    assert response.json["message"] == "The JSON body nests arrays and objects deeper than 32 levels."


def test_pages_say_what_went_wrong_in_their_language(client):
    missing = client.get("/providers/no-such-provider?lang=fr")
    assert missing.status_code == 404 and "Il n’y a rien à cette adresse." in page_text(missing)
    wrong_method = client.delete("/providers?lang=es")
    assert wrong_method.status_code == 405
    assert sorted(wrong_method.headers["Allow"].split(", ")) == ["GET", "HEAD", "OPTIONS"]
    assert "Esta dirección no acepta este tipo de solicitud." in page_text(wrong_method)
    nul = client.get("/compare?send=C%00A&lang=fr")
    assert nul.status_code == 400 and "L’adresse contient le caractère NUL" in page_text(nul)


def test_a_bundle_that_cannot_be_planned_names_the_field(seeded, client):
    body = {"send": "CA", "receive": "GT", "currency": "CAD", "members": [{"ref": "a", "amount": "1000000"}],
            "max_transfer": "0.01"}
    response = client.post("/api/v1/bundles", json=body)
    assert response.status_code == 422
    assert response.json["message"] == "The request has invalid fields: max_transfer."
    (text,) = response.json["errors"]["json"]["max_transfer"]
    assert text.endswith("a plan holds at most 1000 transfers: the cap must be at least 1000.00")


def test_a_body_that_is_json_but_not_an_object_says_so(client):
    """Not "invalid fields: ." (issue 16): the body itself, or the member that is not an object."""
    whole = client.post("/api/v1/bundles", data="[1]", content_type="application/json")
    assert whole.status_code == 422 and whole.json["message"] == "The request has invalid fields: body."
    assert whole.json["errors"] == {"json": {"_schema": ["Invalid input type."]}}
    member = client.post("/api/v1/bundles", json={"send": "CA", "receive": "GT", "currency": "CAD", "members": [1]})
    assert member.json["message"] == "The request has invalid fields: members[0]."
    malformed = client.post("/api/v1/bundles", data='{"send": ', content_type="application/json")
    assert malformed.status_code == 400 and malformed.json["reason"] == "json_invalid"
    assert malformed.json["message"] == "The body is not valid JSON: Expecting value (line 1, column 10)."
