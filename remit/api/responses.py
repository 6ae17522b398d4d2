"""The error answers every API operation documents in the OpenAPI spec."""
from __future__ import annotations

from flask_smorest import Blueprint

ERRORS = {"401": "The API key is unknown or revoked.", "422": "A parameter is wrong; `errors` names it.",
          "429": "Too many requests from this client; try again later."}


def document_errors(blp: Blueprint, *codes_: int):
    def decorate(func):
        for code in codes_:
            func = blp.alt_response(code, description=ERRORS.get(str(code), ""), schema=None)(func)
        return func
    return decorate
