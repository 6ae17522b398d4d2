"""One place that turns errors into responses: JSON under /api, HTML pages elsewhere.

No response ever carries a stack trace; unexpected errors are logged and answered as a plain 500.
"""
from __future__ import annotations

from flask import Flask, current_app, jsonify, make_response, render_template, request
from sqlalchemy.exc import InternalError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from . import dbfaults
from .extensions import db


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _own_headers(exc: HTTPException) -> dict[str, str]:
    """The headers an HTTP error carries besides its body's type: Allow on a 405, for one."""
    return {name: value for name, value in exc.get_headers() if name.lower() != "content-type"}


def _respond(exc: HTTPException):
    code = exc.code or 500
    if _wants_json():
        data = getattr(exc, "data", None) or {}
        body = {"code": code, "status": exc.name, "message": data.get("message") or exc.description or exc.name}
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
        return render_template("error.html", code=code, name=exc.name, description=exc.description), code, \
            _own_headers(exc)
    except Exception:  # noqa: BLE001 — the error page itself must never fail
        current_app.logger.exception("error page could not be rendered")
        return f"{code} {exc.name}", code, {**_own_headers(exc), "Content-Type": "text/plain; charset=utf-8"}


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


def _too_large() -> str:
    """Which limit a 413 met: the body's size, or the form's fields."""
    limit = request.max_content_length or 0
    if request.is_json:
        return f"The JSON body is too large: at most {_size(limit)} is read."
    if request.content_length is None or request.content_length > limit:
        return f"The file is too large: at most {_size(limit)} can be uploaded."
    return (f"The form is too large: at most {request.max_form_parts} fields and "
            f"{_size(request.max_form_memory_size)} of text are read.")


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code == 304:
            return exc.get_response()
        if exc.code == 413:
            exc.description = _too_large()
        return _respond(exc)

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
        return _respond(InternalServerError("Something went wrong on our side. The error has been logged."))
