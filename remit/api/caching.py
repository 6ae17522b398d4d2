"""ETag and Cache-Control for read endpoints whose answers change only with an import (or the date).

The tag is derived from the database, not from process memory, so every app server agrees on it and
an import made through any of them changes it.
"""
from __future__ import annotations

import datetime as dt
import hashlib

from flask import Response, request
from sqlalchemy import func, select

from ..extensions import db
from ..models import ImportRun

CACHE_CONTROL = "public, no-cache"  # may be stored, but revalidated with the ETag each time


def data_version() -> str:
    last, count = db.session.execute(select(func.max(ImportRun.id), func.count(ImportRun.id))).one()
    return f"{last}:{count}:{dt.date.today().isoformat()}"


def etag() -> str:
    text = f"{data_version()}|{request.path}|{sorted(request.args.items(multi=True))}"
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
