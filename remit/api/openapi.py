"""The OpenAPI 3.1 document: what flask-smorest generates from the schemas, made exact.

flask-smorest and apispec write the paths, parameters and schemas. This module adds what they do not
know: one component per vocabulary (referenced wherever a field takes its codes, nullable without a
second copy), the error answers and headers every operation can get (400, 401, 413, 429, 503 and the
rate-limit headers), `security` per operation, 304 and `If-None-Match` where an answer carries an ETag,
and parameters that are never null. The suite validates the document (openapi-spec-validator) and
every API response the tests receive against it (openapi-core).
"""
from __future__ import annotations

import copy

import marshmallow as ma
from apispec import BasePlugin
from flask_smorest.fields import Upload
from marshmallow import fields, validate
from werkzeug.datastructures import FileStorage

from .. import codes
from ..domain.caveats import HALF_YEARLY, QUARTERLY, WARNINGS
from ..domain.observations import CHANNELS, FLAGS, STATUSES
from ..inputs import MAX_ID
from ..domain.vocabulary import (ALLOCATIONS, CONFIRMATIONS, CONTRIBUTION_METHODS, FUNDING_METHODS, ID_TYPES,
                                 PAYOUT_METHODS, PAYOUT_STATUSES, PROVIDER_TYPES, SPEEDS)
from ..i18n import LANGUAGES

# Every vocabulary the API names, as one component each: generated clients get one enum per vocabulary.
VOCABULARIES: dict[str, tuple[tuple[str, ...], str]] = {
    "ProviderType": (PROVIDER_TYPES, "kind of provider"),
    "FundingMethod": (FUNDING_METHODS, "how the sender pays in"),
    "PayoutMethod": (PAYOUT_METHODS, "how the family is paid out"),
    "Speed": (SPEEDS, "how soon the money is available, fastest first"),
    "IdType": (ID_TYPES, "an identity document"),
    "Allocation": (ALLOCATIONS, "how a bundle's cost is split: in proportion to the amounts, or equally"),
    "Warning": (WARNINGS, (
        "what should stop a person from taking a figure at face value: negative_margin (the applied rate beat "
        "the mid-market rate when priced: a promotion or data out of step), stale (the reference rate or the "
        "survey is past its freshness limit), not_transparent (exchange rate not disclosed: the cost is the fee "
        "alone), estimate (a survey price point stands in for this amount)")),
    "Basis": (("fee_table", "survey", "published", "observed"), (
        "where a figure comes from: a provider's fee table, the World Bank's survey of services, RPW's "
        "published corridor average, or a price observed by the resource centre and approved")),
    "Frequency": ((QUARTERLY, HALF_YEARLY), (
        "how much time an RPW figure covers: quarterly, or half_yearly for the twice-yearly surveys until 2013, "
        "each named by its first or third quarter and covering that quarter and the next")),
    "ImportKind": (("fees", "rates", "rpw"), "fee tables, reference rates, or World Bank RPW rows"),
    "ImportResult": (("applied", "no_change", "dry_run", "rejected"), "what an import did"),
    "ImportState": (("queued", "running", "done", "failed"), "where a background import is"),
    "ImportPhase": (("reading", "checking", "writing"), "what a running import is doing"),
    "ContributionMethod": (CONTRIBUTION_METHODS, "how a member handed their money over to the coordinator"),
    "PayoutStatus": (PAYOUT_STATUSES, "where a family's payout stands"),
    "Confirmation": (CONFIRMATIONS, "how a family's payout was confirmed"),
    "Language": (tuple(LANGUAGES), "the language a worker's statement is written in"),
    "Channel": (CHANNELS, "how an observed price was observed: at the counter, by phone, on the website, in the app"),
    "ObservationStatus": (STATUSES, "where an observation stands: submitted (waiting for review), approved "
                                    "(published), rejected"),
    "ObservationFlag": (FLAGS, (
        "what a reviewer should look at: waiting_for_rate (no reference rate of the day or of the "
        "REMIT_RATE_MAX_AGE_DAYS before it), negative_margin, high_margin (above 10%), high_fee (above 20% of the "
        "amount), rate_far (more than 5% from the provider's other observations of the round), outside_limits "
        "(outside the amounts the service's fee table takes), duplicate")),
}

UNKNOWN = "unknown"  # what the API says for a speed or payout the data does not record

# Text formats, as patterns a client can check.
PATTERNS = {
    "money": r"^-?[0-9]+(\.[0-9]+)?$",
    "percent": r"^-?[0-9]+\.[0-9]{2}$",
    "rate": r"^[0-9]+\.[0-9]+$",
    "period": r"^[0-9]{4}Q[1-4]$",
    "country": r"^[A-Z]{2}$",
    "currency": r"^[A-Z]{3}$",
    "corridor": r"^[A-Z]{2}-[A-Z]{2}$",
    "region": r"^[A-Z]{2}-[A-Z0-9]{1,3}$",
    "product_id": r"^(ft|rpw|obs)-[0-9]+$",
    "round": r"^[A-Z]{2}-[A-Z]{2}:[0-9]{4}-(0[1-9]|1[0-2])$",
    "month": r"^[0-9]{4}-(0[1-9]|1[0-2])$",
    "sha256": r"^[0-9a-f]{64}$",
    "reason": r"^[a-z0-9_]+$",
}


def _iso_lists() -> dict[str, tuple[tuple[str, ...], str]]:
    import pycountry

    return {
        "Country": (tuple(codes.country_codes()),
                    "ISO 3166-1 alpha-2 country code, or XK for Kosovo, which ISO 3166-1 gives no code (XK is the "
                    "user-assigned code in common use); requests may also use alpha-3 (XKX, or the World Bank's KSV), "
                    "in any case"),
        "Currency": (tuple(sorted(c.alpha_3 for c in pycountry.currencies)),
                     "ISO 4217 currency code (requests may use any case)"),
    }


COMPONENTS = {**VOCABULARIES, **_iso_lists()}


class Term(fields.String):
    """A code from one of the vocabularies above, documented as a reference to its component.

    `unknown=True`: the answer says `unknown` where the data does not record the value."""

    def __init__(self, vocabulary: str, *, unknown: bool = False, **kwargs):
        kwargs.setdefault("validate", validate.OneOf(VOCABULARIES[vocabulary][0]))
        super().__init__(**kwargs)
        self.component, self.unknown = vocabulary, unknown

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None and self.unknown:
            return UNKNOWN
        return super()._serialize(value, attr, obj, **kwargs)


class Iso(fields.String):
    """An ISO code in an answer (alpha-2 country, currency), documented as its component."""

    def __init__(self, component: str, **kwargs):
        super().__init__(**kwargs)
        self.component, self.unknown = component, False


def Text(pattern: str, **kwargs) -> fields.String:  # noqa: N802 — a field, named like one
    """A string in one of PATTERNS' formats."""
    metadata = {"pattern": PATTERNS[pattern], **kwargs.pop("metadata", {})}
    return fields.String(metadata=metadata, **kwargs)


class FilePart(Upload):
    """A multipart form's file part. A plain text field of the same name (`-F file=abc`, without a
    file name) is refused with the field named, not read as a file."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, FileStorage):
            raise ma.ValidationError("Send the file as a file part of the multipart form (with a file name: "
                                     "`-F file=@fees.csv`), not as a text field.")
        return value


class Timestamp(fields.DateTime):
    """An instant in RFC 3339 with its offset: times stored without one are UTC."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and getattr(value, "tzinfo", None) is None:
            import datetime as dt

            value = value.replace(tzinfo=dt.timezone.utc)
        return super()._serialize(value, attr, obj, **kwargs)


class Answer(ma.Schema):
    """An answer's schema: every field is always present (null where the data has no value), so
    every field is `required` in the document."""

    def on_bind_field(self, field_name, field_obj):
        field_obj.required = True


def vocabulary_reference(self, field, ret, **kwargs) -> dict:
    """apispec attribute function: a Term is a $ref to its vocabulary's component; a nullable one is
    anyOf [component, null] (one enum in generated clients, not one per field)."""
    name = getattr(field, "component", None)
    if name is None:
        return {}
    kept = {key: ret[key] for key in ("description", "default", "example", "readOnly", "writeOnly") if key in ret}
    options = [{"$ref": f"#/components/schemas/{name}"}]
    if field.unknown:
        options.append({"type": "string", "const": UNKNOWN,
                        "description": "the data does not record it"})
    if field.allow_none:
        options.append({"type": "null"})
    ret.clear()
    ret.update(kept)
    if len(options) == 1:
        ret.update(options[0])
    else:
        ret["anyOf"] = options
    return {}


# Headers as remit sends them.
RATE_LIMIT_HEADERS = {
    "X-RateLimit-Limit": {"description": "requests allowed in the current window (absent when rate limits are off)",
                          "schema": {"type": "integer", "minimum": 0}},
    "X-RateLimit-Remaining": {"description": "requests left in the current window",
                              "schema": {"type": "integer", "minimum": 0}},
    "X-RateLimit-Reset": {"description": "when the window ends, in seconds since 1970-01-01 UTC",
                          "schema": {"type": "integer", "minimum": 0}},
}
HEADERS = {
    **RATE_LIMIT_HEADERS,
    "Retry-After": {"description": "seconds to wait before trying again",
                    "schema": {"type": "integer", "minimum": 0}},
    "ETag": {"description": "the answer's version: send it back in If-None-Match to get 304 while it holds",
             # Strong, and another one for each content coding of the same answer (RFC 9110 8.8.3):
             # `"…:gzip"`, `"…:br"` (flask-compress), which If-None-Match takes back as they are.
             "schema": {"type": "string", "pattern": r'^"[0-9a-f]+(:[a-z]+)?"$'}},
    "Cache-Control": {"description": "may be stored, but must be revalidated with the ETag",
                      "schema": {"type": "string"}},
    "Location": {"description": "the address of what was created", "schema": {"type": "string"}},
    "X-Pagination": {"description": "where this page is in the whole list (JSON)",
                     "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pagination"}}}},
    "WWW-Authenticate": {"description": "the scheme to authenticate with", "schema": {"type": "string"}},
    "Accept-Encoding": {"description": "415: the content codings remit reads a body in (`identity`: uncompressed)",
                        "schema": {"type": "string"}},
    "Accept-Post": {"description": "415: the media type the operation reads its body as", "schema": {"type": "string"}},
}

PAGINATION = {
    "type": "object",
    "properties": {
        "total": {"type": "integer", "minimum": 0, "description": "items in the whole list"},
        "total_pages": {"type": "integer", "minimum": 0},
        "first_page": {"type": "integer", "minimum": 1},
        "last_page": {"type": "integer", "minimum": 1},
        "page": {"type": "integer", "minimum": 1},
        "previous_page": {"type": "integer", "minimum": 1},
        "next_page": {"type": "integer", "minimum": 1},
    },
    "required": ["total", "total_pages"],
    "additionalProperties": False,
}

# The error answers any operation can get, whatever it does.
ANY_OPERATION = {
    400: "The request is not one remit reads: the NUL character in the address, a query parameter given twice, "
         "or a body that is not JSON it reads (too deep, too long a number, not UTF-8, a key given twice in one "
         "object); `message` says where.",
    401: "The Authorization header carries an unknown or revoked API key.",
    429: "Too many requests from this client (per key, or per address without one): wait `Retry-After` seconds.",
    503: "The database cannot answer now; nothing of the request was saved. `Retry-After` when it is likely to "
         "pass.",
}
# What the HTTP server answers before remit reads the request (no JSON body: the server's own text).
SERVER_ANSWERS = {
    414: "The request line is longer than the server reads (gunicorn: 4,094 characters).",
    431: "The request line and headers are longer than the server reads (16 KB with `make run`'s server; "
         "8,190 characters a header with gunicorn).",
}
STATUS_NAMES = {304: "Not Modified", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
                409: "Conflict", 413: "Content Too Large", 414: "URI Too Long", 415: "Unsupported Media Type",
                422: "Unprocessable Content", 429: "Too Many Requests", 431: "Request Header Fields Too Large",
                503: "Service Unavailable"}
ERROR_HEADERS = {401: ("WWW-Authenticate",), 415: ("Accept-Encoding", "Accept-Post"), 429: ("Retry-After",),
                 503: ("Retry-After",)}
KEY_REQUIRED = [{"bearer": []}]
# The document's own `security` (remit/api/__init__.py): a key is optional. An operation that needs
# one says so itself; the others inherit it (generated clients then take a client without a key).
KEY_OPTIONAL = [{}, {"bearer": []}]


def _header_refs(names) -> dict:
    return {name: {"$ref": f"#/components/headers/{name}"} for name in names}


def _error_response(status: int, description: str | None) -> dict:
    return {
        "description": description or STATUS_NAMES.get(status, "Error"),
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        "headers": _header_refs((*ERROR_HEADERS.get(status, ()), *RATE_LIMIT_HEADERS)),
    }


class DocumentPlugin(BasePlugin):
    """Runs after flask-smorest's plugins on every path: completes each operation."""

    def init_spec(self, spec):
        super().init_spec(spec)
        self.spec = spec
        for name, (values, description) in COMPONENTS.items():
            spec.components.schema(name, {"type": "string", "enum": list(values), "description": description})
        spec.components.schema("Pagination", copy.deepcopy(PAGINATION))
        for name, header in HEADERS.items():
            spec.components.header(name, copy.deepcopy(header))

    def schema_helper(self, name, definition, **kwargs):
        """Rules between fields that JSON Schema can state, added to the schema they belong to."""
        return copy.deepcopy(CROSS_FIELD_RULES.get(name))

    def operation_helper(self, path=None, operations=None, **kwargs):
        for method, operation in (operations or {}).items():
            self._complete(path, method, operation)

    def _complete(self, path: str, method: str, operation: dict) -> None:
        """The operation as the server answers it: the key it needs, every status it can answer, each
        response's headers, the cached ones' 304 and the parameters' limits."""
        responses = {str(status): response for status, response in operation.get("responses", {}).items()}
        responses.pop("default", None)
        needs_key = operation.pop("x-needs-key", False)
        cached = operation.pop("x-etag", False)
        if needs_key:
            operation["security"] = copy.deepcopy(KEY_REQUIRED)
        statuses = _statuses(operation, needs_key)
        for status, description in {**statuses, **SERVER_ANSWERS}.items():
            responses.setdefault(str(status), {"description": description})
        if cached:
            _not_modified(operation, responses)
        for status, response in responses.items():
            responses[status] = _response(int(status), response, statuses, cached)
        _limit_parameters(operation)
        operation["responses"] = dict(sorted(responses.items()))


def _statuses(operation: dict, needs_key: bool) -> dict[int, str]:
    """The statuses an operation can answer besides its own: any operation's, a key's, a body's."""
    statuses = dict(ANY_OPERATION)
    if needs_key:
        statuses[401] = "No API key, or an unknown or revoked one."
        statuses[403] = "The key lacks the scope this call needs."
    if "requestBody" in operation:
        statuses[413] = "The body is larger than remit reads (1 MB of JSON; the upload limit for a file)."
        accepted = " or ".join(operation["requestBody"].get("content", {})) or "the type documented"
        statuses[415] = (f"The body is not {accepted}, or is sent with a Content-Encoding (remit reads bodies "
                         "uncompressed: `Accept-Encoding: identity` says so); `message` says which.")
    return statuses


def _not_modified(operation: dict, responses: dict) -> None:
    """A cached answer's 304, and the If-None-Match that asks for it."""
    responses["304"] = {"description": "Not modified: the answer held is still the answer.",
                        "headers": _header_refs(("ETag", "Cache-Control"))}
    operation.setdefault("parameters", []).append({
        "in": "header", "name": "If-None-Match", "required": False,
        "description": "the ETag of an answer already held: 304 while it still holds",
        "schema": {"type": "string"}})


def _response(code: int, response, statuses: dict[int, str], cached: bool) -> dict:
    """One response as documented: an error's body and headers, a success's headers."""
    if not isinstance(response, dict):  # a component's name (flask-smorest's 422)
        response = {"description": statuses.get(code, STATUS_NAMES.get(code, ""))}
    if code in SERVER_ANSWERS:
        return {"description": SERVER_ANSWERS[code]}
    if code >= 400:
        return {**_error_response(code, response.get("description") or statuses.get(code)),
                **({"headers": {**_error_response(code, None)["headers"], **response["headers"]}}
                   if "headers" in response else {})}
    headers = response.setdefault("headers", {})
    if "X-Pagination" in headers:  # flask-smorest's declares a schema; the header carries JSON
        headers["X-Pagination"] = {"$ref": "#/components/headers/X-Pagination"}
    if cached and code == 200:
        headers.update(_header_refs(("ETag", "Cache-Control")))
    headers.update(_header_refs(RATE_LIMIT_HEADERS))
    return response


def _limit_parameters(operation: dict) -> None:
    for parameter in operation.get("parameters", []):
        if isinstance(parameter, dict):
            _never_null(parameter.get("schema"))
            if parameter.get("in") == "query" and parameter.get("name") == "page":
                parameter["schema"]["maximum"] = MAX_ID  # remit/api/blueprint.py: PaginationParser


def _never_null(schema: dict | None) -> None:
    """A parameter is absent or has a value: `null` is no query string value."""
    if not schema:
        return
    kinds = schema.get("type")
    if isinstance(kinds, list) and "null" in kinds:
        kinds = [kind for kind in kinds if kind != "null"]
        schema["type"] = kinds[0] if len(kinds) == 1 else kinds
    if "anyOf" in schema:
        schema["anyOf"] = [option for option in schema["anyOf"] if option.get("type") != "null"]
        if len(schema["anyOf"]) == 1:
            schema.update(schema.pop("anyOf")[0])
    if schema.get("default", 0) is None:
        del schema["default"]


# Rules that tie one field of a request to another, where JSON Schema can say them (the others are in
# the fields' descriptions): a cycle recorded `complete` carries its wire, its contributions and its
# payouts (remit/services/ledger.py refuses it otherwise, 422).
CROSS_FIELD_RULES = {
    # An observation gives the rate offered or the amount the family would receive (or both, agreeing:
    # the amount sent at the rate, rounded down, is the amount received; that is checked, 422).
    "ObservationRequest": {"anyOf": [{"required": ["exchange_rate"]}, {"required": ["receive_amount"]}]},
    "LedgerCycleRequest": {
        "if": {"properties": {"complete": {"const": True}}, "required": ["complete"]},
        "then": {"properties": {"wires": {"minItems": 1}, "contributions": {"minItems": 1},
                                "payouts": {"minItems": 1}},
                 "required": ["wires", "contributions", "payouts"]},
    },
}

# Marks for `blueprint.doc(**…)`: DocumentPlugin reads them.
NEEDS_KEY = {"x-needs-key": True}  # documented `security: bearer`, 401 and 403
ETAG = {"x-etag": True}  # the 200 carries an ETag; If-None-Match may get 304
