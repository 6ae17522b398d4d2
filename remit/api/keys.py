"""Partner API keys on a request: the key from the Authorization header, scopes, rate limits."""
from __future__ import annotations

import datetime as dt

from flask import current_app, request
from flask_smorest import abort
from sqlalchemy.exc import InternalError, OperationalError

from .. import dbfaults
from ..extensions import db
from ..models import ApiKey
from ..services.keys import find_key, groups_of

_UNSET = object()


def request_key() -> ApiKey | None:
    """The valid key the request carries, if any (looked up once per request)."""
    # Kept in the request's environ, not in g: g belongs to the app context, which can outlive a request.
    found = request.environ.get("remit.api_key", _UNSET)
    if found is _UNSET:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        found = find_key(token.strip()) if header and scheme.lower() == "bearer" else None
        request.environ["remit.api_key"] = found
    return found


def load_request_key() -> None:
    """Before an API request: a Bearer key, when given, must be valid (401 otherwise)."""
    key = request_key()
    if key is None:
        if request.headers.get("Authorization"):
            abort(401, message="The API key is missing, unknown or revoked.",
                  headers={"WWW-Authenticate": 'Bearer realm="remit"'})
        return
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    # Last use is recorded at most once a minute per key, to keep reads from writing on every request;
    # committed here, before the view, as the request's own commit (remit/edge.py) is skipped by a 4xx.
    if key.last_used_at is None or now - key.last_used_at > dt.timedelta(minutes=1):
        prefix = key.prefix
        key.last_used_at = now
        try:
            db.session.commit()
        except (OperationalError, InternalError) as exc:
            # A full disk or a read-only database must not stop partners from reading: the last
            # use goes unrecorded, with a warning in the log.
            db.session.rollback()
            fault = dbfaults.describe(exc)
            if fault is None or fault.kind not in ("full", "read_only", "busy", "io"):
                raise
            current_app.logger.warning("last use of API key %s not recorded: %s", prefix, fault.kind)


def require_scope(*scopes: str) -> None:
    """The request's key has one of `scopes` (401 without a key, 403 with another scope)."""
    key = request_key()
    if key is None:
        abort(401, message="This call needs an API key: send 'Authorization: Bearer <key>'.",
              headers={"WWW-Authenticate": 'Bearer realm="remit"'})
    if key.scope not in scopes:
        needed = " or ".join(f"'{scope}'" for scope in scopes)
        abort(403, message=f"This API key has the '{key.scope}' scope; this call needs {needed}.")


def reachable_groups() -> frozenset[int] | None:
    """The saved groups the request's (ledger) key reaches: None for every group."""
    key = request_key()
    if key is None:
        return frozenset()
    found = request.environ.get("remit.key_groups", _UNSET)
    if found is _UNSET:
        found = request.environ["remit.key_groups"] = groups_of(key)
    return found


def read_limit() -> str:
    """Anonymous clients get a modest rate; a read or import key a higher one."""
    config = current_app.config
    return config["REMIT_KEY_RATE_LIMIT"] if request_key() else config["REMIT_ANONYMOUS_RATE_LIMIT"]


def client_key() -> str:
    """Rate limits count per API key when one is given, else per client address."""
    key = request_key()
    return f"key:{key.id}" if key is not None else f"ip:{request.remote_addr or 'unknown'}"
