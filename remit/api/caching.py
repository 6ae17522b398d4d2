"""ETag and Cache-Control for read endpoints whose answers change only with an import (or the date).

The tag is derived from the database, not from process memory, so every app server agrees on it and
an import made through any of them changes it.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask import Response, current_app, request

from ..services.versions import VersionedCache, data_version
from . import present

CACHE_CONTROL = "public, no-cache"  # may be stored, but revalidated with the ETag each time



@dataclass(frozen=True)
class Answer:
    """A JSON answer as sent: its body, the headers that go with it (X-Pagination) and, for a page of
    a list, how many items the whole list holds. The body is encoded once, when the answer is made,
    not on every request that is answered with it (50 quotes are about 50 KB)."""

    body: bytes
    headers: tuple[tuple[str, str], ...] = ()
    total: int | None = None

    @classmethod
    def of(cls, text: str, headers: tuple[tuple[str, str], ...] = (), total: int | None = None) -> Answer:
        return cls(text.encode(), headers, total)


# Answers kept per question and data version (quotes and corridor statistics): at most 1,024 of
# them and 16 million bytes in all, however many different questions clients ask.
answers = VersionedCache(size=1024, budget=16_000_000, weigh=lambda answer: len(answer.body))


def request_version() -> str:
    """The data version, read once per request."""
    if "remit.data_version" not in request.environ:
        request.environ["remit.data_version"] = data_version()
    return request.environ["remit.data_version"]


def etag() -> str:
    """The answer's tag, worked out once per request (before the arguments are read, and again by the view)."""
    if "remit.etag" not in request.environ:
        # The freshness limits decide the `stale` warning: a change of settings changes the answer.
        limits = (current_app.config.get("REMIT_RATE_MAX_AGE_DAYS"), current_app.config.get("REMIT_SURVEY_MAX_AGE_DAYS"))
        text = f"{request_version()}|{limits}|{request.path}|{sorted(request.args.items(multi=True))}"
        request.environ["remit.etag"] = hashlib.sha256(text.encode()).hexdigest()[:32]
    return request.environ["remit.etag"]


def not_modified(tag: str) -> Response | None:
    # The tag itself, not `*`: a question never answered (bad arguments) has no representation to match.
    if request.if_none_match.is_strong(tag) or request.if_none_match.is_weak(tag):
        response = Response(status=304)
        response.set_etag(tag)
        response.headers["Cache-Control"] = CACHE_CONTROL
        return response
    return None


def headers(tag: str) -> dict[str, str]:
    return {"ETag": f'"{tag}"', "Cache-Control": CACHE_CONTROL}


def respond(answer: Answer, tag: str) -> Response:
    return present.json_response(answer.body, {**headers(tag), **dict(answer.headers)})


def answer_from_cache():
    """Before the arguments are parsed: a question already answered for this data version is
    answered again from memory (or with 304). Its arguments were valid when it was first answered."""
    if request.method != "GET":
        return None
    tag = etag()
    cached = not_modified(tag)
    if cached is not None:
        return cached
    answer = answers.peek((request_version(), tag))
    return None if answer is None else respond(answer, tag)
