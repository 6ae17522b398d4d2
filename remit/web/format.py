"""Template filters for codes and data: country and region names in the reader's language, services
named with the survey's words translated, and data's own texts marked with their language.

Countries are named as people name them, from CLDR through Babel ("Tanzania", "Bolivia", "Corea del
Sur"), not by their ISO 3166 official names ("Tanzania, United Republic of"), which read like a
register; a code CLDR does not name falls back to the ISO name. Regions (ISO 3166-2) have no CLDR
names: pycountry's ISO translations."""
from __future__ import annotations

import gettext
import unicodedata
from functools import lru_cache

import pycountry
from babel import Locale
from flask import Flask
from flask_babel import get_locale
from markupsafe import Markup, escape

from .. import codes
from ..domain.messages import Message
from ..i18n import rpw_word, translate

# The language the data's own texts are written in: RPW's names and words, and the notes of the fee
# tables remit ships, are English. Pages show such a text as written (a source's note is its author's
# words), marked with this language for screen readers and translation tools.
DATA_LANGUAGE = "en"


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


def name_order(name: str) -> tuple[str, str]:
    """A sort key for names in English, Spanish and French as their readers order them: letters without
    their accents first ("Bélgica" before "Brasil", "Côte d’Ivoire" after "Costa Rica"), case and
    accents only to break ties."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return plain.casefold(), name


def region_name(name: str) -> str:
    return _iso_translation("iso3166-2", str(get_locale())).gettext(name)


def as_written(text: str) -> Markup:
    """A text of the data, shown as written and marked with its language."""
    return Markup('<span lang="%s" translate="no">%s</span>') % (DATA_LANGUAGE, text)


def _words(terms) -> list[tuple[str, bool]]:
    """The survey's words, each in the reader's language where remit knows it: (text, translated)."""
    found = []
    for term in terms:
        word = rpw_word(term)
        found.append((term, False) if word is None else (word, True))
    return found


def product_text(name: str, terms=()) -> str:
    """A service's name as plain text in the reader's language (a sentence, a chart's label): a
    surveyed service by the survey's words, translated; a fee-table product by its own name."""
    return " · ".join(text for text, _ in _words(terms)) if terms else name


def product_name(name: str, terms=()) -> Markup:
    """product_text as HTML: a name that is data is marked so, as is a survey word remit cannot translate."""
    if not terms:
        return Markup('<span translate="no">%s</span>') % name
    return Markup(" · ").join(escape(text) if translated else as_written(text) for text, translated in _words(terms))


def service_text(cost) -> str:
    """A corridor statistic's service (domain.stats.ServiceCost) named in the reader's language."""
    if cost.terms:
        return f"{cost.provider} · {product_text('', cost.terms)}"
    return cost.name


def service_name(cost) -> Markup:
    if cost.terms:
        return Markup('<span translate="no">%s</span> · %s') % (cost.provider, product_name("", cost.terms))
    return Markup('<span translate="no">%s</span>') % cost.name


def source_note(source) -> Markup:
    """A source: remit's own words for it (a Message) translated; a fee table's own note as written,
    marked with its language."""
    if isinstance(source, Message):
        return escape(translate(source))
    return as_written(source)


def register_filters(app: Flask) -> None:
    app.jinja_env.filters.update(country_name=country_name, region_name=region_name, product_name=product_name,
                                 product_text=product_text, service_name=service_name, service_text=service_text,
                                 source_note=source_note)
