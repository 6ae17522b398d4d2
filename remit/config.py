"""Settings read from the environment (see the README's configuration table)."""
from __future__ import annotations

import datetime as dt
import os
import secrets
import tempfile
from pathlib import Path

from . import codes, inputs


def _secret_key(instance_path: str) -> str:
    """SECRET_KEY from the environment, else one generated once per instance and kept there."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Written to a private temporary file, then linked into place: the link is atomic and fails if
    # another worker process got there first, in which case its key is the one to use.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(key)
        os.link(tmp, path)
    except FileExistsError:
        return path.read_text().strip()
    finally:
        os.unlink(tmp)
    return key


def _days(name: str, default: int) -> int:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    if not text.isascii() or not text.isdigit() or not 0 < int(text) <= 36500:
        raise ValueError(f"{name} must be a whole number of days from 1 to 36500, not {text!r}")
    return int(text)


def cors_origins(text: str | None) -> str | list[str]:
    """REMIT_CORS_ORIGINS: `*` (any origin, the default), `none`, or origins separated by commas
    (`https://partner.example,https://app.partner.example`)."""
    text = (text or "").strip()
    if not text or text == "*":
        return "*"
    if text.lower() == "none":
        return []
    origins = [part.strip().rstrip("/") for part in text.split(",") if part.strip()]
    for origin in origins:
        scheme, _, host = origin.partition("://")
        if scheme not in ("http", "https") or not host or "/" in host or not host.isascii() or " " in host:
            raise ValueError(f"REMIT_CORS_ORIGINS: {origin!r} is not an origin such as https://partner.example "
                             "(scheme and host, no path)")
    return origins


def _years(name: str, default: int) -> int:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    if not text.isascii() or not text.isdigit() or not 0 < int(text) <= 100:
        raise ValueError(f"{name} must be a whole number of years from 1 to 100, not {text!r}")
    return int(text)


def trusted_proxies(text: str | None) -> int:
    """How many proxies in front of the app set X-Forwarded-For and X-Forwarded-Proto: 0 (none, the
    default: the headers are ignored, as any client could write them) to 5."""
    text = (text or "").strip()
    if not text:
        return 0
    if not text.isascii() or not text.isdigit() or int(text) > 5:
        raise ValueError(f"REMIT_TRUSTED_PROXIES must be a whole number from 0 to 5, not {text!r}")
    return int(text)


def default_send_country(text: str | None) -> str | None:
    """REMIT_DEFAULT_SEND_COUNTRY: an ISO 3166-1 code (alpha-2 or alpha-3, any case), stored as alpha-2;
    empty for none."""
    if not (text or "").strip():
        return None
    try:
        return codes.country(text)
    except codes.CodeError:
        raise ValueError(f"REMIT_DEFAULT_SEND_COUNTRY: {text!r} is not an ISO 3166-1 country code such as CA "
                         "or CAN") from None


def from_environment(instance_path: str) -> dict:
    database_url = os.environ.get("DATABASE_URL") or "sqlite:///" + str(Path(instance_path) / "remit.db")
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SECRET_KEY": _secret_key(instance_path),
        "REMIT_LOG_LEVEL": os.environ.get("REMIT_LOG_LEVEL", "INFO").upper(),
        "REMIT_RATE_LIMITS": os.environ.get("REMIT_RATE_LIMITS", "on").lower() != "off",
        "REMIT_RATE_LIMIT_STORAGE": os.environ.get("REMIT_RATE_LIMIT_STORAGE", "memory://"),
        # Web pages of other origins that may read public API data (never imports).
        "REMIT_CORS_ORIGINS": cors_origins(os.environ.get("REMIT_CORS_ORIGINS")),
        "PERMANENT_SESSION_LIFETIME": dt.timedelta(hours=8),
        # The cookie is sent only when the session changes. Sent with every answer, the favicon's or the
        # style sheet's (which a browser asks for beside the page) could land after the page that chose
        # another language and put the old one back.
        "SESSION_REFRESH_EACH_REQUEST": False,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Secure cookies need HTTPS: set REMIT_HTTPS=1 behind TLS (then HSTS is sent too).
        "SESSION_COOKIE_SECURE": os.environ.get("REMIT_HTTPS", "0") == "1",
        # Behind a reverse proxy: the client's address (rate limits, login lockouts) and scheme come
        # from the proxy's X-Forwarded-For / -Proto, trusted for this many proxies; else the proxy's.
        "REMIT_TRUSTED_PROXIES": trusted_proxies(os.environ.get("REMIT_TRUSTED_PROXIES")),
        # Data older than this is flagged `stale` beside every figure it gives (see the README).
        "REMIT_RATE_MAX_AGE_DAYS": _days("REMIT_RATE_MAX_AGE_DAYS", 14),
        "REMIT_SURVEY_MAX_AGE_DAYS": _days("REMIT_SURVEY_MAX_AGE_DAYS", 365),
        # The sending country the compare form starts from: the centre's own (ISO 3166-1, e.g. CA).
        "REMIT_DEFAULT_SEND_COUNTRY": default_send_country(os.environ.get("REMIT_DEFAULT_SEND_COUNTRY")),
        "REMIT_OBSERVATION_MAX_AGE_DAYS": _days("REMIT_OBSERVATION_MAX_AGE_DAYS", 90),
        # Who observed the prices the centre collects: named in each observed quote's source.
        "REMIT_ORGANISATION": os.environ.get("REMIT_ORGANISATION") or "remit",
        # Observations' evidence files (staff only, never static): instance/evidence by default.
        "REMIT_EVIDENCE_DIR": os.environ.get("REMIT_EVIDENCE_DIR") or str(Path(instance_path) / "evidence"),
        # The season ledger keeps personal columns this long after a cycle's date, then erases them
        # (`remit ledger erase-expired`); totals are kept.
        "REMIT_LEDGER_RETENTION_YEARS": _years("REMIT_LEDGER_RETENTION_YEARS", inputs.LEDGER_RETENTION_YEARS),
        # A directory whose pooling.<language>.toml replace the packaged notes "Before you pool money"
        # (remit/content): an administrator updates them there without a release.
        "REMIT_CONTENT_DIR": os.environ.get("REMIT_CONTENT_DIR", "").strip() or None,
        "REMIT_LOGIN_RATE_LIMIT": os.environ.get("REMIT_LOGIN_RATE_LIMIT", "30 per 15 minutes"),
        # API requests allowed per client address without a key, and per partner key.
        "REMIT_ANONYMOUS_RATE_LIMIT": os.environ.get("REMIT_ANONYMOUS_RATE_LIMIT", "60 per minute"),
        "REMIT_KEY_RATE_LIMIT": os.environ.get("REMIT_KEY_RATE_LIMIT", "1200 per minute"),
        # Largest upload accepted by any form or API call.
        "MAX_CONTENT_LENGTH": inputs.MAX_UPLOAD_BYTES,
        # Spreadsheet guards: a hostile workbook must not exhaust memory.
        "REMIT_IMPORT_MAX_ROWS": int(os.environ.get("REMIT_IMPORT_MAX_ROWS", "200000")),
        "REMIT_IMPORT_MAX_COLUMNS": 64,
    }


def rate_limits_problem(workers: int, environ=os.environ) -> str | None:
    """Why a server of `workers` processes would not count rate limits exactly, or None.

    The default store (memory://) lives in one process: with several, each would count its own
    requests and a client would get the limit once per process. One process with threads shares
    it; several processes need a store they all reach (redis://…)."""
    if environ.get("REMIT_RATE_LIMITS", "on").lower() == "off" or workers <= 1:
        return None
    storage = environ.get("REMIT_RATE_LIMIT_STORAGE", "memory://")
    if storage.startswith("memory://"):
        return (f"{workers} worker processes would each count rate limits in their own memory: serve with one "
                "worker and threads, or set REMIT_RATE_LIMIT_STORAGE=redis://… (or REMIT_RATE_LIMITS=off "
                "behind a gateway that limits)")
    return None
