"""The API's blueprint class: request bodies read by remit's JSON rules, and the error answers every
operation documents in the OpenAPI spec."""
from __future__ import annotations

import flask_smorest
import flask_smorest.error_handler
import marshmallow as ma
from flask import current_app
from flask_smorest import abort
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from ..inputs import MAX_ID

ERRORS = {"400": "The body is not JSON remit reads (too deep, too long a number, not UTF-8).",
          "401": "The API key is unknown or revoked.", "422": "A parameter is wrong; `errors` names it.",
          "429": "Too many requests from this client; try again later."}


class Parser(FlaskParser):
    """webargs reads JSON with the app's JSON provider (remit/edge.py), so its limits hold for the API;
    what it refuses (JSONRefused) is answered 400 by the error map."""

    def load_json(self, req, schema):
        if not is_json_request(req):
            return core.missing
        data = req.get_data(cache=True)
        if not data.strip():
            return core.missing
        return current_app.json.loads(data)


class ErrorSchema(flask_smorest.error_handler.ErrorSchema):
    """The error answers as remit/errors.py writes them (documentation only)."""

    reason = ma.fields.String(metadata={"description": "the message's stable code, e.g. `amount_exponent`"})


class PaginationParser(Parser):
    """Page numbers stop where an integer column does, as ids do (remit.inputs.MAX_ID)."""

    def parse(self, *args, **kwargs):
        parameters = super().parse(*args, **kwargs)
        if parameters.page > MAX_ID:
            abort(422, errors={"query": {"page": [f"must be at most {MAX_ID}"]}})
        return parameters


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = Parser()
    PAGINATION_ARGUMENTS_PARSER = PaginationParser()


def document_errors(blp: Blueprint, *codes_: int):
    def decorate(func):
        for code in codes_:
            func = blp.alt_response(code, description=ERRORS.get(str(code), ""), schema=None)(func)
        return func
    return decorate
