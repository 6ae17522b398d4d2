"""ETag and Cache-Control for read endpoints whose answers change only with an import (or the date).

The tag is derived from the database, not from process memory, so every app server agrees on it and
an import made through any of them changes it.
"""
from __future__ import annotations

import hashlib

from flask import Response, request

from ..services.versions import data_version

CACHE_CONTROL = "public, no-cache"  # may be stored, but revalidated with the ETag each time


def request_version() -> str:
    """The data version, read once per request."""
    if "remit.data_version" not in request.environ:
        request.environ["remit.data_version"] = data_version()
    return request.environ["remit.data_version"]


def etag() -> str:
    text = f"{request_version()}|{request.path}|{sorted(request.args.items(multi=True))}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def not_modified(tag: str) -> Response | None:
    if tag in request.if_none_match:
        response = Response(status=304)
        response.set_etag(tag)
        response.headers["Cache-Control"] = CACHE_CONTROL
        return response
    return None


def headers(tag: str) -> dict[str, str]:
    return {"ETag": f'"{tag}"', "Cache-Control": CACHE_CONTROL}
