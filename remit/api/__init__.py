"""The JSON API under /api/v1, documented by its OpenAPI spec at /api/v1/openapi.json."""
from __future__ import annotations

import re

from flask import Blueprint, Flask, request, send_from_directory

from ..extensions import api, limiter
from . import caching, cors, keys, openapi
from .blueprint import ErrorSchema
from .bundles import bundles_bp
from .corridors import corridors_bp
from .imports import imports_bp, require_import_scope
from .ledger import ledger_bp, require_ledger_scope
from .observations import observations_bp, require_observation_scope
from .providers import providers_bp
from .quotes import quotes_bp

API_BLUEPRINTS = (corridors_bp, providers_bp, quotes_bp, bundles_bp, imports_bp, ledger_bp, observations_bp)

# Set up once, at import: blueprints are shared by every app the factory builds.
def _preflight() -> bool:
    """A CORS preflight asks whether a request may be sent; it is not one, and costs no rate limit."""
    return request.method == "OPTIONS"


for _blueprint in API_BLUEPRINTS:
    _blueprint.before_request(keys.load_request_key)
    limiter.limit(keys.read_limit, key_func=keys.client_key, exempt_when=_preflight)(_blueprint)
# After the key check, so that a bad key is refused even for an answer already known.
quotes_bp.before_request(caching.answer_from_cache)
imports_bp.before_request(require_import_scope)
ledger_bp.before_request(require_ledger_scope)
observations_bp.before_request(require_observation_scope)


_declared: dict[tuple[str, str], frozenset[str]] = {}  # (rule, method) -> the query parameters documented


def _query_parameters(rule: str, method: str) -> frozenset[str] | None:
    """The query parameters the OpenAPI document gives the operation, or None for an undocumented one."""
    if not _declared:
        for path, item in api.spec.to_dict()["paths"].items():
            for verb, operation in item.items():
                if isinstance(operation, dict) and "responses" in operation:
                    _declared[(path, verb.upper())] = frozenset(
                        p["name"] for p in operation.get("parameters", []) if p.get("in") == "query")
    return _declared.get((re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule), method))


def refuse_unknown_parameters():
    """A query parameter the operation does not take is a 422 naming it (a misspelt `recieve_amount`
    would otherwise be passed over without a word). After the key and scope checks."""
    if request.url_rule is None or not request.args:
        return
    known = _query_parameters(request.url_rule.rule, "GET" if request.method == "HEAD" else request.method)
    unknown = sorted(set(request.args) - known) if known is not None else []
    if unknown:
        from flask_smorest import abort

        takes = ", ".join(sorted(known)) or "none"
        abort(422, errors={"query": {(name[:60] or "(no name)"): [f"Unknown parameter: this operation takes {takes}."]
                                     for name in unknown}})


for _blueprint in API_BLUEPRINTS:
    _blueprint.before_request(refuse_unknown_parameters)

# Swagger UI's files come from a Python package and are served by remit itself: no CDN.
docs_static = Blueprint("api_docs_static", __name__, url_prefix="/api/v1/docs/static")


@docs_static.get("/<path:filename>")
def swagger_file(filename: str):
    import swagger_ui_bundle

    return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename, max_age=86400)


def api_config(app: Flask) -> None:
    app.config.setdefault("API_TITLE", "remit")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("OPENAPI_SWAGGER_UI_PATH", "docs")
    app.config.setdefault("OPENAPI_SWAGGER_UI_URL", "/api/v1/docs/static/")
    app.config.setdefault("API_SPEC_OPTIONS", {
        "info": {"description": (
            "Compare what sending money home really costs: fee plus the exchange-rate margin against the "
            "mid-market rate, as the World Bank's Remittance Prices Worldwide measures it. Money is a "
            "decimal string; percentages have 2 decimals. Reads work without a key at a modest rate; "
            "send `Authorization: Bearer <key>` for a higher one. Survey data: The World Bank, "
            "Remittance Prices Worldwide (CC BY 4.0)."),
            # remit's own licence (pyproject.toml); the survey data's is named in the description.
            "license": {"name": "MIT", "identifier": "MIT"}},
        # The paths are absolute: the server is the one that serves this document.
        "servers": [{"url": "/", "description": "the remit server that serves this document"}],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        # A key is optional for every operation (a higher rate limit); those that need one say so.
        "security": [{}, {"bearer": []}],
    })
    app.config.setdefault("RATELIMIT_ENABLED", app.config.get("REMIT_RATE_LIMITS", True))
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REMIT_RATE_LIMIT_STORAGE", "memory://"))
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    # Should a shared store (Redis) stop answering, each process counts on in its memory until it is back.
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("REMIT_ANONYMOUS_RATE_LIMIT", "60 per minute")  # both set by remit/config.py
    app.config.setdefault("REMIT_KEY_RATE_LIMIT", "1200 per minute")


def _retry_after_only_when_waiting(response):
    """Flask-Limiter sends Retry-After on every answer; it means "wait" and belongs to 429 and 503 only."""
    if response.status_code not in (429, 503):
        response.headers.pop("Retry-After", None)
    return response


def init_api(app: Flask) -> None:
    api_config(app)
    # Registered before the limiter's: after-request functions run last registered first.
    app.after_request(_retry_after_only_when_waiting)
    api.ERROR_SCHEMA = ErrorSchema
    api.DEFAULT_ERROR_RESPONSE_NAME = None  # every status an operation answers is listed with its schema
    api.init_app(app, spec_kwargs={"extra_plugins": [openapi.DocumentPlugin()]})
    api.ma_plugin.converter.add_attribute_function(openapi.vocabulary_reference)
    limiter.init_app(app)
    for blueprint in API_BLUEPRINTS:
        api.register_blueprint(blueprint)
    # flask-smorest's own pagination header schema: X-Pagination is documented as JSON (openapi.py).
    api.spec.components.schemas.pop("PaginationMetadata", None)
    cors.init_cors(app)
    app.register_blueprint(docs_static)
