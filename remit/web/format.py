"""Template filters for codes: country and region names in the reader's language.

Countries are named as people name them, from CLDR through Babel ("Tanzania", "Bolivia", "Corea del
Sur"), not by their ISO 3166 official names ("Tanzania, United Republic of"), which read like a
register; a code CLDR does not name falls back to the ISO name. Regions (ISO 3166-2) have no CLDR
names: pycountry's ISO translations."""
from __future__ import annotations

import gettext
from functools import lru_cache

import pycountry
from babel import Locale
from flask import Flask
from flask_babel import get_locale

from .. import codes


@lru_cache(maxsize=8)
def _iso_translation(domain: str, language: str):
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[language], fallback=True)


@lru_cache(maxsize=8)
def _territories(language: str) -> dict[str, str]:
    return dict(Locale.parse(language).territories)


def country_name(alpha_2: str) -> str:
    language = str(get_locale())
    name = _territories(language).get(alpha_2.upper())
    if name is not None:
        return name
    record = codes.country_record(alpha_2)
    if record is None:
        return alpha_2
    return _iso_translation("iso3166-1", language).gettext(record.name)


def region_name(name: str) -> str:
    return _iso_translation("iso3166-2", str(get_locale())).gettext(name)


def register_filters(app: Flask) -> None:
    app.jinja_env.filters["country_name"] = country_name
    app.jinja_env.filters["region_name"] = region_name
