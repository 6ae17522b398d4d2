"""The API's blueprint class: request bodies read by remit's JSON rules, and the error answers every
operation documents in the OpenAPI spec."""
from __future__ import annotations

import flask_smorest
import marshmallow as ma
from flask import current_app
from flask_smorest import abort
from flask_smorest.pagination import PaginationMetadataSchema
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request
from webargs.multidictproxy import MultiDictProxy
from werkzeug.datastructures import CombinedMultiDict

from ..domain.messages import msg
from ..inputs import MAX_ID, quoted
from .openapi import PATTERNS, Answer, Text



class Parser(FlaskParser):
    """webargs reads JSON with the app's JSON provider (remit/edge.py), so its limits hold for the API;
    what it refuses (JSONRefused) is answered 400 by the error map."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._schemas: dict[type, ma.Schema] = {}

    def _get_schema(self, argmap, req):
        # webargs makes a new instance of a schema class on every request (deep copies of all its
        # fields: a fifth of a quote's time). Schemas keep nothing between loads: one instance per
        # class serves every request. The classes are those named in the code, a fixed few.
        if isinstance(argmap, type) and issubclass(argmap, ma.Schema):
            schema = self._schemas.get(argmap)
            if schema is None:
                schema = self._schemas.setdefault(argmap, argmap())
            return schema
        return super()._get_schema(argmap, req)

    def load_json(self, req, schema):
        if not is_json_request(req):
            _refuse_media_type(req, "application/json")
            return core.missing
        _refuse_content_coding(req)
        data = req.get_data(cache=True)
        if not data.strip():
            return core.missing
        return current_app.json.loads(data)

    def load_form(self, req, schema):
        """A multipart form's fields and files together: one request body, documented as one."""
        if req.mimetype != "multipart/form-data":
            _refuse_media_type(req, "multipart/form-data")
        _refuse_content_coding(req)
        return MultiDictProxy(CombinedMultiDict([req.form, req.files]), schema)


def _has_body(req) -> bool:
    return bool(req.content_length) or "chunked" in req.headers.get("Transfer-Encoding", "").lower()


def _refuse_media_type(req, accepted: str) -> None:
    """A body of another type than the operation reads is a 415 that says which (RFC 9110 15.5.16):
    read as its own type, the fields it holds would be reported missing."""
    if _has_body(req):
        sent = req.mimetype or "no Content-Type"
        abort(415, message=msg("media_type_unsupported", "The body is sent as %(sent)s; this operation reads "
                               "%(accepted)s.", sent=quoted(sent), accepted=accepted),
              headers={"Accept-Post": accepted})


def _refuse_content_coding(req) -> None:
    """A compressed body (Content-Encoding: gzip…) is a 415 that says remit reads bodies as sent, with
    `Accept-Encoding: identity` (RFC 9110 15.5.16): read as it is, it would be bytes of no text."""
    coding = req.headers.get("Content-Encoding", "").strip().lower()
    if coding and coding != "identity":
        abort(415, message=msg("content_coding_unsupported", "The body is sent with Content-Encoding %(coding)s; "
                               "remit reads request bodies uncompressed.", coding=quoted(coding)),
              headers={"Accept-Encoding": "identity"})


class ProblemSchema(Answer):
    row = ma.fields.Integer(allow_none=True, validate=ma.validate.Range(1), metadata={
        "description": "as a spreadsheet counts them (the header is row 1); null for the whole file"})
    column = ma.fields.String(allow_none=True)
    message = ma.fields.String(metadata={"description": "what is wrong, in English"})
    code = Text("reason", metadata={"description": "the message's stable code, for programs"})


class ErrorSchema(ma.Schema):
    """The error answers as remit/errors.py writes them (documentation only)."""

    class Meta:
        ordered = True

    code = ma.fields.Integer(required=True, validate=ma.validate.Range(400, 599), metadata={
        "description": "the HTTP status"})
    status = ma.fields.String(required=True, metadata={"description": "the status's name", "example": "Not Found"})
    message = ma.fields.String(required=True, metadata={"description": "what went wrong, in English"})
    reason = ma.fields.String(metadata={
        "description": "the message's stable code, for programs (e.g. `currency_not_priced`); absent for a "
                       "status's generic text", "pattern": PATTERNS["reason"]})
    errors = ma.fields.Dict(
        keys=ma.fields.String(validate=ma.validate.OneOf(("json", "query", "path", "form", "files", "headers"))),
        values=ma.fields.Dict(), metadata={
            "description": "the fields at fault, by where they were sent and by name, each with its messages: "
                           "`{\"query\": {\"amount\": [\"…\"]}}`; members of a list by their index: "
                           "`{\"json\": {\"members\": {\"1\": {\"amount\": [\"…\"]}}}}`"})
    corridors = ma.fields.String(metadata={
        "format": "uri-reference", "description": "404 of quotes: where the corridors remit holds are listed, "
                                                  "relative to the API's server (`/api/v1/corridors`)"})
    currencies = ma.fields.List(ma.fields.String(metadata={"pattern": PATTERNS["currency"]}), metadata={
        "description": "currency_not_priced: the currencies the corridor is priced in"})
    problems = ma.fields.List(ma.fields.Nested(ProblemSchema), metadata={
        "description": "an import's file: each problem found, where a person finds it"})


class PaginationParser(Parser):
    """Page numbers stop where an integer column does, as ids do (remit.inputs.MAX_ID)."""

    def parse(self, *args, **kwargs):
        parameters = super().parse(*args, **kwargs)
        if parameters.page > MAX_ID:
            abort(422, errors={"query": {"page": [f"must be at most {MAX_ID}"]}})
        return parameters


_PAGINATION_METADATA = PaginationMetadataSchema()


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = Parser()
    PAGINATION_ARGUMENTS_PARSER = PaginationParser()

    @staticmethod
    def _make_pagination_metadata(page, page_size, item_count):
        """flask-smorest's own (its documented override point), with one schema instance for every
        request instead of a new one on each call."""
        metadata = {"total": item_count}
        if item_count == 0:
            metadata["total_pages"] = 0
        else:
            last_page = (item_count - 1) // page_size + 1
            metadata.update(total_pages=last_page, first_page=1, last_page=last_page)
            if page <= last_page:
                metadata["page"] = page
                if page > 1:
                    metadata["previous_page"] = page - 1
                if page < last_page:
                    metadata["next_page"] = page + 1
        return _PAGINATION_METADATA.dump(metadata)


