"""ISO codes: countries (3166-1), subdivisions (3166-2) and currencies (4217).

Every code that enters remit, from a file, a form or an API call, goes through these functions, so
alpha-2 and alpha-3 country codes in any case are accepted everywhere and stored as alpha-2.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pycountry
from babel.numbers import get_currency_precision, get_territory_currencies

from .domain.messages import msg


class CodeError(ValueError):
    """An unknown or malformed ISO code; the message is a Message (English, translatable)."""


def quoted_code(code) -> str:
    """What was given as a code, as a message quotes it: stripped and cut short."""
    text = str(code or "").strip()
    return text if len(text) <= 20 else text[:19] + "…"


@dataclass(frozen=True)
class UserAssigned:
    """A country ISO 3166-1 gives no code, under the user-assigned code in common use."""

    alpha_2: str
    alpha_3: str
    name: str


# Kosovo has no ISO 3166-1 code. XK (alpha-3 XKX) is the user-assigned code in common use (the European
# Commission, SWIFT, CLDR, which names it in every language); the World Bank writes KSV.
KOSOVO = UserAssigned("XK", "XKX", "Kosovo")
USER_ASSIGNED = {"XK": KOSOVO, "XKX": KOSOVO, "KSV": KOSOVO}


@lru_cache(maxsize=None)
def country(code: str) -> str:
    """The alpha-2 code of a country given as alpha-2 or alpha-3, any case."""
    text = (code or "").strip().upper()
    found = USER_ASSIGNED.get(text)
    if found is None and len(text) == 2:
        found = pycountry.countries.get(alpha_2=text)
    elif found is None and len(text) == 3:
        found = pycountry.countries.get(alpha_3=text)
    if found is None:
        raise CodeError(msg("unknown_country", "unknown country code '%(code)s' (use ISO 3166-1 alpha-2 or alpha-3)",
                            code=quoted_code(code)))
    return found.alpha_2


def country_record(alpha_2: str):
    """The country's ISO 3166-1 record (alpha_2, alpha_3, name), or Kosovo's."""
    return USER_ASSIGNED.get(alpha_2) or pycountry.countries.get(alpha_2=alpha_2)


def country_codes() -> list[str]:
    """Every country code remit accepts, alpha-2: ISO 3166-1's and XK."""
    return sorted({c.alpha_2 for c in pycountry.countries} | {c.alpha_2 for c in USER_ASSIGNED.values()})


def former_country(code: str) -> str | None:
    """The name of a country that no longer exists, given by its former ISO 3166-1 code (ISO 3166-3:
    ANT, the Netherlands Antilles, dissolved in 2010); None for any other code."""
    text = (code or "").strip().upper()
    try:
        country(text)
    except CodeError:
        found = None
        if len(text) == 2:
            found = pycountry.historic_countries.get(alpha_2=text)
        elif len(text) == 3:
            found = pycountry.historic_countries.get(alpha_3=text)
        return found.name if found is not None else None
    return None


@lru_cache(maxsize=None)
def currency(code: str) -> str:
    text = (code or "").strip().upper()
    if len(text) != 3 or pycountry.currencies.get(alpha_3=text) is None:
        raise CodeError(msg("unknown_currency", "unknown currency code '%(code)s' (use ISO 4217, e.g. CAD)",
                            code=quoted_code(code)))
    return text


def currency_name(code: str) -> str:
    return pycountry.currencies.get(alpha_3=code).name


@lru_cache(maxsize=None)
def minor_unit(code: str) -> int:
    """Decimals of a currency's minor unit (GTQ 2, JPY 0), from CLDR via Babel."""
    return get_currency_precision(currency(code))


# Currencies a country's remittances are commonly sent or paid out in besides its legal tender: US
# dollars are paid out at the counter or into dollar accounts in these countries (dollarised economies,
# or ones where remitters are offered dollars as a matter of course). Declared here, one list, so that an
# import refuses any other currency that is not the country's own.
USD_ALSO = ("AF", "AR", "BO", "BZ", "CO", "CR", "CU", "DO", "GT", "GY", "HN", "HT", "IQ", "JM", "KH", "LB",
            "LR", "MX", "NI", "PE", "PH", "PY", "SO", "SR", "SS", "UY", "VE", "VN", "YE", "ZW")
CURRENCY_EXCEPTIONS: dict[str, frozenset[str]] = {country: frozenset({"USD"}) for country in USD_ALSO}


@lru_cache(maxsize=4096)
def currencies_of(alpha_2: str, start=None, end=None) -> frozenset[str]:
    """The currencies a country's transfers may be in: its legal tender (CLDR via Babel) between `start`
    and `end` (today by default), and the declared exceptions. Empty when CLDR knows none."""
    tender = get_territory_currencies(alpha_2, start_date=start, end_date=end, tender=True)
    return frozenset(tender) | CURRENCY_EXCEPTIONS.get(alpha_2, frozenset()) if tender else frozenset()


def local_currency(alpha_2: str) -> str | None:
    """The currency a country uses today (first legal tender listed by CLDR)."""
    currencies = get_territory_currencies(alpha_2, tender=True)
    return currencies[0] if currencies else None


@lru_cache(maxsize=None)
def subdivisions(alpha_2: str) -> dict[str, tuple[str, str]]:
    """ISO 3166-2 subdivisions of a country: code → (name, type)."""
    return {s.code: (s.name, s.type) for s in pycountry.subdivisions.get(country_code=alpha_2) or ()}


# ISO 3166-2 replaced Guatemala's letter codes (GT-HU) with numbers (GT-13) in 2021; people and older
# files still write the letters, so they are read as the department they name.
FORMER_REGION_CODES = {
    "GT-GU": "GT-01", "GT-PR": "GT-02", "GT-SA": "GT-03", "GT-CM": "GT-04", "GT-ES": "GT-05",
    "GT-SR": "GT-06", "GT-SO": "GT-07", "GT-TO": "GT-08", "GT-QZ": "GT-09", "GT-SU": "GT-10",
    "GT-RE": "GT-11", "GT-SM": "GT-12", "GT-HU": "GT-13", "GT-QC": "GT-14", "GT-BV": "GT-15",
    "GT-AV": "GT-16", "GT-PE": "GT-17", "GT-IZ": "GT-18", "GT-ZA": "GT-19", "GT-CQ": "GT-20",
    "GT-JA": "GT-21", "GT-JU": "GT-22",
}


def region(code: str) -> str:
    """An ISO 3166-2 code, upper-cased (a former code becomes the current one); unknown codes raise."""
    text = (code or "").strip().upper()
    text = FORMER_REGION_CODES.get(text, text)
    alpha_2 = text.split("-", 1)[0]
    try:
        country(alpha_2)
    except CodeError:
        raise CodeError(msg("unknown_region", "unknown region code '%(code)s' (use ISO 3166-2, e.g. GT-HU)",
                            code=quoted_code(code))) from None
    if text not in subdivisions(alpha_2):
        raise CodeError(msg("unknown_region", "unknown region code '%(code)s' (use ISO 3166-2, e.g. GT-HU)",
                            code=quoted_code(code)))
    return text
