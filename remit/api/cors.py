"""Cross-origin reads for partners' web pages (flask-cors).

Public data (corridors, statistics, providers, quotes, the OpenAPI document, and bundle plans, which
write nothing) may be read from the origins REMIT_CORS_ORIGINS allows: any by default. Imports never
answer another origin: a key that may write is not for a browser. No cookie is ever accepted across
origins. Preflight requests (OPTIONS) are answered without counting against the rate limits
(remit/api/__init__.py).
"""
from __future__ import annotations

from flask import Flask
from flask_cors import CORS

# What a partner's page may send and read.
ALLOW_HEADERS = ["Authorization", "Content-Type", "If-None-Match", "Accept-Language"]
EXPOSE_HEADERS = ["ETag", "X-Pagination", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset",
                  "Retry-After", "Location"]
PREFLIGHT_MAX_AGE = 600  # seconds a browser may keep a preflight's answer

READS = r"^/api/v1/(corridors|providers|quotes)(/.*)?$|^/api/v1/openapi\.json$"
PLANS = r"^/api/v1/bundles$"


def init_cors(app: Flask) -> None:
    origins = app.config.get("REMIT_CORS_ORIGINS", "*")
    if not origins:
        return
    common = {"origins": origins, "allow_headers": ALLOW_HEADERS, "expose_headers": EXPOSE_HEADERS,
              "max_age": PREFLIGHT_MAX_AGE, "supports_credentials": False}
    CORS(app, resources={READS: {**common, "methods": ["GET", "HEAD"]},
                         PLANS: {**common, "methods": ["POST"]}})
