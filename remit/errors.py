"""The one error map: every refusal and every error becomes a response here, JSON under /api and an
HTML page elsewhere.

A refusal is a domain or validation exception (RemitError, InputError, an unknown ISO code, a bundle
that cannot be planned) or an HTTP error. Under /api it answers
`{"code": <status>, "status": <name>, "message": <English>, "reason": <message code>, "errors": {...}}`;
on a page, the same message in the page's language. Views raise; they never turn an exception into
text themselves. No response ever carries a stack trace; unexpected errors are logged and answered as
a plain 500.

A page whose form changes something says once, before the change, which page a refusal shows instead
of the error page (`on_refusal`): the same page again, with what was typed and the refusal's message
beside the field it names. Either way a refusal writes nothing (the session is rolled back).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app, jsonify, make_response, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import InternalError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable, default_exceptions

from . import dbfaults
from .codes import CodeError
from .domain.bundling import BundleError
from .domain.errors import RemitError
from .domain.messages import Message, msg
from .extensions import db
from .i18n import translate
from .inputs import InputError

# What a page says for an HTTP error raised without a text of its own (werkzeug's are English only).
STATUS_TEXTS = {
    400: msg("http_400", "remit could not read this request."),
    401: msg("http_401", "This needs a login or an API key."),
    403: msg("http_403", "Your login does not allow this."),
    404: msg("http_404", "There is nothing at this address."),
    405: msg("http_405", "This address does not take this kind of request."),
    422: msg("http_422", "What was sent cannot be used as it is."),
    429: msg("http_429", "Too many requests from here: please wait a little, then try again."),
    500: msg("http_500", "Something went wrong on our side. The error has been logged."),
}


@dataclass
class Refusal:
    """What a domain or validation exception answers: a status, a message, the fields at fault."""

    status: int
    message: Message | str
    errors: dict | None = None  # {"field": [message, …]}, placed under the request's location
    extra: dict = field(default_factory=dict)

    @property
    def reason(self) -> str | None:
        return getattr(self.message, "code", None)


REFUSALS = (RemitError, InputError, BundleError, CodeError)


def refusal_of(exc: Exception) -> Refusal | None:
    """The map itself: each kind of refusal and its status."""
    if isinstance(exc, RemitError):
        return Refusal(exc.status, exc.message, exc.errors, dict(exc.extra))
    if isinstance(exc, InputError):  # a number or a JSON body remit will not read: 422, or its own status
        return Refusal(getattr(exc, "status", 422), exc.message)
    if isinstance(exc, BundleError):
        return Refusal(422, exc.args[0], {exc.field: [exc.args[0]]})
    if isinstance(exc, CodeError):
        return Refusal(422, exc.args[0])
    return None


# --- A refused form shown again --------------------------------------------------------------------

@dataclass
class FormPage:
    """The page a refused change answers: `show(problems, status)` renders it again."""

    show: Callable[[list[str], int], ResponseReturnValue]
    form: Any = None  # its fields take the refusal's message when it names one of them
    field: str | None = None  # the field the message goes beside when the refusal names none
    status: int | None = None  # the status it answers with; by default the refusal's own
    problems: Callable[[Exception], list[str]] | None = None  # the refusal as lines; by default its message

    def answer(self, exc: Exception) -> ResponseReturnValue:
        refusal = refusal_of(exc)
        problems = self.problems(exc) if self.problems is not None else self._placed(exc, refusal)
        return self.show(problems, self.status or refusal.status)

    def _placed(self, exc: Exception, refusal: Refusal) -> list[str]:
        """The message beside the field the refusal names (or `field`), else as a line of its own."""
        problem = translate(refusal.message)
        name = getattr(exc, "field", None) or self.field
        target = self.form._fields.get(name) if self.form is not None and name else None
        if target is None or target.type in ("FieldList", "HiddenField"):
            return [problem]
        target.errors = [*target.errors, problem]  # shown beside the field and in the summary
        return []


FORM_PAGE = "remit.form_page"  # kept in the request's environ: g belongs to the app context, which can outlive it


def on_refusal(show: Callable[[list[str], int], ResponseReturnValue], form=None, *, field: str | None = None,
               status: int | None = None, problems: Callable[[Exception], list[str]] | None = None) -> None:
    """From here on in this request, a refusal (a RemitError, a bundle that cannot be planned, an amount
    remit will not read…) answers `show(problems, status)` instead of the error page: the form's page
    again, nothing written. The refusal's message goes beside the field of `form` it names (or `field`),
    else into `problems`; `problems`, when given, turns the refusal into the page's lines itself."""
    request.environ[FORM_PAGE] = FormPage(show, form, field, status, problems)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _location() -> str:
    """Where the fields at fault were sent, as webargs names it in `errors`."""
    if request.is_json:
        return "json"
    return "query" if request.method in ("GET", "HEAD") else "form"


def _own_headers(exc: HTTPException) -> dict[str, str]:
    """The headers an HTTP error carries besides its body's type: Allow on a 405, for one."""
    return {name: value for name, value in exc.get_headers() if name.lower() != "content-type"}


def _text(exc: HTTPException) -> Message | str:
    """The error's own text, or the status's when it has none but werkzeug's default."""
    default = default_exceptions.get(exc.code)
    if exc.description is None or (default is not None and exc.description == default.description):
        return STATUS_TEXTS.get(exc.code, exc.name)
    return exc.description


def _respond(exc: HTTPException):
    code = exc.code or 500
    text = _text(exc)
    if _wants_json():
        data = getattr(exc, "data", None) or {}
        message = data.get("message") or text
        body = {"code": code, "status": exc.name, "message": str(message)}
        reason = getattr(message, "code", None) if message is not STATUS_TEXTS.get(code) else None
        if reason:  # the message's stable code, for programs (absent for a status's generic text)
            body["reason"] = reason
        for key, value in (data.get("extra") or {}).items():  # further members, e.g. the corridors held
            body.setdefault(key, value)
        errors = data.get("errors") or data.get("messages")
        if errors:
            body["errors"] = errors
            if "message" not in data:
                body["message"] = "The request has invalid fields: " + ", ".join(_field_names(errors)) + "."
        response = jsonify(body)
        response.status_code = code
        response.headers.update(_own_headers(exc))
        for name, value in (data.get("headers") or {}).items():
            response.headers[name] = value
        if getattr(exc, "response", None) is not None and exc.response.headers.get("Retry-After"):
            response.headers["Retry-After"] = exc.response.headers["Retry-After"]
        return response
    try:
        return render_template("error.html", code=code, name=exc.name, description=translate(text)), code, \
            _own_headers(exc)
    except Exception:  # noqa: BLE001 — the error page itself must never fail
        current_app.logger.exception("error page could not be rendered")
        return f"{code} {exc.name}", code, {**_own_headers(exc), "Content-Type": "text/plain; charset=utf-8"}


def _refused(refusal: Refusal):
    """A refusal as the HTTP error of its status, with its message, fields and extra members."""
    exc = default_exceptions.get(refusal.status, HTTPException)(description=refusal.message)
    exc.code = refusal.status
    data = {"extra": {**refusal.extra, **({"reason": refusal.reason} if refusal.reason else {})}}
    if refusal.errors:
        data["errors"] = {_location(): refusal.errors}
    else:
        data["message"] = refusal.message
    exc.data = data
    return _respond(exc)


# Seconds after which a retry may succeed, for the faults that pass by themselves.
RETRY_AFTER = {"busy": 5, "unreachable": 60}

LOCATIONS = {"json", "query", "path", "form", "files", "headers"}


def _field_names(errors: dict, prefix: str = "") -> list[str]:
    """Paths of the fields in webargs' errors: {"json": {"members": {"1": {"amount": [...]}}}} names
    members[1].amount; {"query": {"amount": [...]}} names amount."""
    names = []
    for key, value in errors.items():
        key = str(key)
        if not prefix and key in LOCATIONS:
            path = ""
        elif key == "_schema":  # marshmallow's name for the object itself (not an object, say)
            path = prefix or "body"
        elif key.isdigit():
            path = f"{prefix}[{key}]"
        else:
            path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            names.extend(_field_names(value, path))
        else:
            names.append(path)
    return names


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"


def _too_large() -> Message:
    """Which limit a 413 met: the body's size, or the form's fields."""
    limit = request.max_content_length or 0
    if request.is_json:
        return msg("json_too_large", "The JSON body is too large: at most %(size)s is read.", size=_size(limit))
    if request.content_length is None or request.content_length > limit:
        return msg("file_too_large", "The file is too large: at most %(size)s can be uploaded.", size=_size(limit))
    return msg("form_too_large", "The form is too large: at most %(fields)s fields and %(size)s of text are read.",
               fields=request.max_form_parts, size=_size(request.max_form_memory_size))


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code == 304:
            return exc.get_response()
        if exc.code == 413:
            exc.description = _too_large()
        return _respond(exc)

    @app.errorhandler(RemitError)
    @app.errorhandler(InputError)
    @app.errorhandler(BundleError)
    @app.errorhandler(CodeError)
    def refused(exc: Exception):
        db.session.rollback()  # a refused request writes nothing
        page = request.environ.pop(FORM_PAGE, None)
        if page is not None:
            try:
                return page.answer(exc)
            except REFUSALS as gone:  # the page cannot be shown: what it shows is not there (a 404)
                exc = gone
        return _refused(refusal_of(exc))

    @app.errorhandler(OperationalError)
    @app.errorhandler(InternalError)
    def database_fault(exc: OperationalError | InternalError):
        fault = dbfaults.describe(exc)
        if fault is None:
            return unexpected(exc)
        app.logger.error("database fault (%s) on %s %s", fault.kind, request.method, request.path, exc_info=exc)
        db.session.rollback()
        response = make_response(_respond(ServiceUnavailable(fault.english if _wants_json() else fault.message)))
        if fault.kind in RETRY_AFTER:
            response.headers["Retry-After"] = str(RETRY_AFTER[fault.kind])
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        return _respond(InternalServerError(STATUS_TEXTS[500]))
