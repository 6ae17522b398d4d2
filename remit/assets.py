"""What a page costs to fetch: compressed answers, static files cached for a year under a URL that
changes with their content, a favicon and robots.txt.

`asset_url("remit.css")` (a template global) gives `/static/remit.css?v=<12 hex of its SHA-256>`.
A request for a static file that carries the current version is answered with
`Cache-Control: public, max-age=31536000, immutable`; any other (an old or no version) keeps
Flask's revalidation with the ETag, so a stale link can never pin an old file for a year.
"""
from __future__ import annotations

import gzip
import hashlib
from functools import lru_cache
from pathlib import Path

import brotli
from flask import Flask, Response, current_app, request, send_from_directory, url_for

from .extensions import compress

YEAR = 365 * 24 * 3600
# Text answers are compressed when the client accepts it: brotli first, then gzip. Streamed answers
# (CSV and XLSX exports) stay streamed, uncompressed: compressing them would hold them in memory.
COMPRESSION = {
    "COMPRESS_ALGORITHM": ["br", "gzip"],
    "COMPRESS_STREAMS": False,
    "COMPRESS_MIMETYPES": ["text/html", "text/css", "text/plain", "text/csv", "application/json",
                           "application/javascript", "text/javascript", "image/svg+xml", "image/x-icon",
                           "image/vnd.microsoft.icon"],
    "COMPRESS_BR_LEVEL": 5,
    "COMPRESS_LEVEL": 6,
}
# The staff and partner areas are not for search engines; the public pages (results included: a
# comparison is a page worth finding) are.
ROBOTS = """User-agent: *
Disallow: /admin/
Disallow: /api/
Disallow: /login
Disallow: /ledger
"""


@lru_cache(maxsize=64)
def _version(folder: str, filename: str) -> str | None:
    path = Path(folder) / filename
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    except OSError:
        return None


def version_of(filename: str) -> str | None:
    """The content version of a static file (computed once per process: static files change only
    with a new release, which restarts the servers)."""
    return _version(current_app.static_folder, filename)


def asset_url(filename: str, **values) -> str:
    version = version_of(filename)
    return url_for("static", filename=filename, **({"v": version} if version else {}), **values)


def _static_files(response: Response) -> Response:
    """Static files (and the favicon) are sent whole (a few KB each), so that Flask-Compress
    compresses them; versioned ones are cached for a year. The file is closed here, whatever the
    answer (a part of it, 206; none, 304): left to the server to close, it stays open when the client
    has gone (Werkzeug's development server reads the socket before closing the answer, and that read
    fails)."""
    if request.endpoint not in ("static", "favicon"):
        return response
    if response.is_streamed and response.direct_passthrough:
        file = response.response
        if response.status_code == 200:
            response.set_data(b"".join(file))
            response.direct_passthrough = False
        elif response.status_code == 206:  # a part, read now and still streamed: never compressed
            response.response = iter([b"".join(file)])
        else:
            response.response = []
        file.close()
    if response.status_code in (200, 304):
        filename = (request.view_args or {}).get("filename", "")
        if request.args.get("v") and request.args.get("v") == version_of(filename):
            response.cache_control.public = True
            response.cache_control.max_age = YEAR
            response.cache_control.immutable = True
            response.cache_control.no_cache = None
    return response


def favicon():
    response = send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon",
                                   max_age=7 * 24 * 3600)
    return response


def robots():
    response = Response(ROBOTS, mimetype="text/plain")
    response.cache_control.public = True
    response.cache_control.max_age = 24 * 3600
    return response


def _refused_answers(response: Response) -> Response:
    """A refused answer (4xx, 5xx: a form shown again with its message, a page not found) compressed
    as a 200 is. Flask-Compress compresses 2xx answers only; a refused compare page is a whole page,
    as heavy as the one that succeeds. Same rules: a text type it compresses, whole (not streamed), at
    least COMPRESS_MIN_SIZE bytes, brotli before gzip as the client accepts them; Flask-Compress adds
    `Vary: Accept-Encoding` to every answer."""
    config = current_app.config
    if (response.status_code < 400 or response.is_streamed or "Content-Encoding" in response.headers
            or response.mimetype not in config["COMPRESS_MIMETYPES"]
            or (response.content_length or 0) < config["COMPRESS_MIN_SIZE"]):
        return response
    coding = request.accept_encodings.best_match(config["COMPRESS_ALGORITHM"])
    if coding == "br":
        body = brotli.compress(response.get_data(), quality=config["COMPRESS_BR_LEVEL"])
    elif coding == "gzip":
        body = gzip.compress(response.get_data(), compresslevel=config["COMPRESS_LEVEL"])
    else:
        return response
    response.set_data(body)
    response.headers["Content-Encoding"] = coding
    return response


def init_assets(app: Flask) -> None:
    for key, value in COMPRESSION.items():
        app.config.setdefault(key, value)
    compress.init_app(app)
    app.add_url_rule("/favicon.ico", "favicon", favicon)
    app.add_url_rule("/robots.txt", "robots", robots)
    app.add_template_global(asset_url)
    # Registered after Flask-Compress's own after_request, so it runs before it (Flask runs them
    # last-registered first): the file is read and its headers set, then it is compressed.
    app.after_request(_static_files)
    app.after_request(_refused_answers)
