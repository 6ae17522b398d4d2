"""Error pages in the reader's language. The one error map (remit/errors.py) gives each page its text;
this gives each status its title, and says in the reader's language what Flask-WTF's CSRF check
writes in English."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

TITLES = {
    400: _l("The request could not be read"), 401: _l("Please log in"), 403: _l("Not allowed"),
    404: _l("Page not found"), 405: _l("Not available this way"), 413: _l("Too large"),
    422: _l("Something in the request is not right"), 429: _l("Too many requests"),
    500: _l("Something went wrong"), 503: _l("Not available just now"),
}
_EXPIRED = _l("The form expired or did not come from this page: please go back, reload it and send it again.")
KNOWN = {
    "The CSRF token is missing.": _EXPIRED, "The CSRF session token is missing.": _EXPIRED,
    "The CSRF token is invalid.": _EXPIRED, "The CSRF tokens do not match.": _EXPIRED,
    "The CSRF token has expired.": _l("The form expired: please go back, reload it and send it again."),
}


def title(code: int, name: str) -> str:
    return str(TITLES.get(code, name))


def explanation(code: int, description) -> str:
    text = str(description or "")
    return str(KNOWN.get(text, text))
