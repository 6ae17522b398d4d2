"""What every request passes before a view sees it: the body's size, how JSON is read, ids in URLs,
and text that no database column can hold (the limits themselves live in remit/inputs.py); and after
it answers, the one commit point."""
from __future__ import annotations

from flask import Flask, abort, request, session
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter, ValidationError

from . import inputs
from .domain.messages import msg
from .extensions import db


class RemitFlask(Flask):
    """Flask with one commit point per request, as indico has it: what a view writes is committed once,
    after it answers with a status below 400. An answer of 400 or more writes nothing (bad input is
    refused whole), and neither does an exception (remit/errors.py rolls back). A commit that fails is an
    exception like any other (a database fault is a 503), and the view's flashed messages ("Saved.")
    go with it. Writes that must outlive a refusal commit themselves, saying why (a wrong password is
    counted; an expired upload is removed)."""

    def dispatch_request(self):
        response = self.make_response(super().dispatch_request())
        if response.status_code >= 400:
            db.session.rollback()
            return response
        try:
            db.session.commit()
        except Exception:
            if "_flashes" in session:  # "Saved." would be shown on the next page
                del session["_flashes"]
            raise
        return response


class JSONProvider(DefaultJSONProvider):
    """Flask's JSON with remit's reading rules: too deep or too long numbers are refused (400)."""

    def loads(self, s, **kwargs):
        return inputs.read_json(s)


class IdConverter(IntegerConverter):
    """`<int:…>` in every URL: a whole number from 1 to inputs.MAX_ID, else the URL matches nothing (404).
    A larger id could not be looked up (PostgreSQL's INTEGER ends there) and names nothing."""

    def __init__(self, map, fixed_digits=0, min=1, max=inputs.MAX_ID, signed=False):  # noqa: A002 — werkzeug's names
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)

    def to_python(self, value: str):
        if len(value) > len(str(self.max)):
            raise ValidationError()
        return super().to_python(value)


def _refuse_nul() -> None:
    """The NUL character fits no text column (PostgreSQL refuses it): a path holding it names
    nothing (404); a query string or a web form holding it is refused (400). The API's JSON reader
    refuses it too; the API's forms are left unread here, so that a key is checked before the body."""
    if "\x00" in request.path:
        abort(404)
    sources = [(request.args, msg("nul_in_query", "The address contains the NUL character, which remit does not "
                                                 "read."))]
    if request.method == "POST" and not request.path.startswith("/api/"):
        sources.append((request.form, msg("nul_in_form", "The form contains the NUL character, which remit does not "
                                                          "read.")))
    for values, refusal in sources:
        for name, value in values.items(multi=True):
            if "\x00" in name or "\x00" in value:
                abort(400, description=refusal)


# The parameters an address takes more than once, by endpoint: a corridor guide's amounts (up to three,
# its page and its API resource), each read and checked.
REPEATABLE = {"guide.guide": {"amount"}, "corridors.CorridorGuide": {"amount"}}


def _refuse_repeated_parameters() -> None:
    """A query parameter given twice (`amount=300&amount=-1`) is refused (400, naming it): reading the
    first and passing over the others would answer as if nothing were odd. Only the addresses in
    REPEATABLE take a parameter more than once, and read every value."""
    allowed = REPEATABLE.get(request.endpoint or "", set())
    for name, values in request.args.lists():
        if len(values) > 1 and name not in allowed:
            refusal = msg("query_parameter_repeated", "The address gives '%(name)s' %(count)s times; give it once.",
                          name=inputs.quoted(name), count=len(values))
            exc = BadRequest(description=refusal)
            exc.data = {"message": refusal, "errors": {"query": {name: [refusal]}}}
            raise exc


def _limit_json_body() -> None:
    # A JSON body needs far less room than a file upload: refused (413) before it is read.
    if request.is_json:
        request.max_content_length = min(request.max_content_length or inputs.MAX_JSON_BYTES, inputs.MAX_JSON_BYTES)


def init_edge(app: Flask) -> None:
    """Before any blueprint: the converter applies to the rules registered after it."""
    app.json = JSONProvider(app)
    app.url_map.converters["int"] = IdConverter
    app.before_request(_limit_json_body)
    app.before_request(_refuse_nul)
    app.before_request(_refuse_repeated_parameters)
