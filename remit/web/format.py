"""Template filters for codes: country names in the reader's language (pycountry's ISO translations)."""
from __future__ import annotations

import gettext
from functools import lru_cache

import pycountry
from flask import Flask
from flask_babel import get_locale

from .. import codes


@lru_cache(maxsize=8)
def _iso_translation(domain: str, language: str):
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[language], fallback=True)


def country_name(alpha_2: str) -> str:
    record = codes.country_record(alpha_2)
    if record is None:
        return alpha_2
    return _iso_translation("iso3166-1", str(get_locale())).gettext(record.name)


def region_name(name: str) -> str:
    return _iso_translation("iso3166-2", str(get_locale())).gettext(name)


def register_filters(app: Flask) -> None:
    app.jinja_env.filters["country_name"] = country_name
    app.jinja_env.filters["region_name"] = region_name
