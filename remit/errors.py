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
        for name, value in (data.get("headers") or {}).items():
            response.headers[name] = value
        if getattr(exc, "response", None) is not None and exc.response.headers.get("Retry-After"):
            response.headers["Retry-After"] = exc.response.headers["Retry-After"]
        return response
    try:
        return render_template("error.html", code=code, name=exc.name, description=exc.description), code
    except Exception:  # noqa: BLE001 — the error page itself must never fail
        current_app.logger.exception("error page could not be rendered")
        return f"{code} {exc.name}", code, {"Content-Type": "text/plain; charset=utf-8"}


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


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code == 304:
            return exc.get_response()
        if exc.code == 413:
            limit = app.config.get("MAX_CONTENT_LENGTH") or 0
            size = f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"
            exc.description = f"The file is too large: at most {size} can be uploaded."
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
