"""One place that turns errors into responses: JSON under /api, HTML pages elsewhere.

No response ever carries a stack trace; unexpected errors are logged and answered as a plain 500.
"""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from .extensions import db


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _respond(exc: HTTPException, errors: dict | None = None):
    code = exc.code or 500
    if _wants_json():
        body = {"code": code, "status": exc.name, "message": exc.description or exc.name}
        if errors:
            body["errors"] = errors
        return jsonify(body), code
    return render_template("error.html", code=code, name=exc.name, description=exc.description), code


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return _respond(exc)

    @app.errorhandler(OperationalError)
    def database_unavailable(exc: OperationalError):
        app.logger.error("database error: %s", exc.__class__.__name__, exc_info=exc)
        db.session.rollback()
        return _respond(ServiceUnavailable("The database is not reachable just now. Please try again in a minute."))

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        return _respond(InternalServerError("Something went wrong on our side. The error has been logged."))
