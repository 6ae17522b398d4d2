"""Find or create the reference rows (countries, currencies, corridors, providers) that data needs."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import select

from .. import codes
from ..extensions import db
from ..models import Corridor, Country, Currency, Provider, Region
from .versions import VersionedCache


@lru_cache(maxsize=65536)
def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:120]


def ensure_country(alpha_2: str) -> Country:
    country = db.session.get(Country, alpha_2)
    if country is None:
        record = codes.country_record(alpha_2)
        country = Country(code=record.alpha_2, alpha_3=record.alpha_3, name=record.name)
        db.session.add(country)
        for code, (name, kind) in codes.subdivisions(alpha_2).items():
            db.session.add(Region(code=code, country_code=alpha_2, name=name, type=kind))
        db.session.flush()
    return country


def ensure_currency(code: str) -> Currency:
    currency = db.session.get(Currency, code)
    if currency is None:
        currency = Currency(code=code, name=codes.currency_name(code), minor_unit=codes.minor_unit(code))
        db.session.add(currency)
        db.session.flush()
    return currency


def find_corridor(send: str, receive: str) -> Corridor | None:
    return db.session.execute(
        select(Corridor).where(Corridor.send_country == send, Corridor.receive_country == receive)
    ).scalar_one_or_none()


@dataclass(frozen=True)
class CorridorRef:
    """What pricing needs of a corridor, detached from any database session."""

    id: int
    send_country: str
    receive_country: str
    send_currency: str
    receive_currency: str

    @property
    def code(self) -> str:
        return f"{self.send_country}-{self.receive_country}"


_corridor_refs = VersionedCache(size=512)


def corridor_ref(send: str, receive: str, version: str) -> CorridorRef | None:
    """The corridor between two countries as of a data version (corridors change only with an
    import, which changes the version): looked up once per version, not on every request."""

    def build() -> CorridorRef | None:
        found = find_corridor(send, receive)
        return None if found is None else CorridorRef(found.id, found.send_country, found.receive_country,
                                                      found.send_currency, found.receive_currency)

    return _corridor_refs.get(("corridor", send, receive, version), build)


def ensure_corridor(send: str, receive: str, send_currency: str, receive_currency: str) -> Corridor:
    """The corridor between two countries; its currencies are the countries' own where CLDR knows them."""
    corridor = find_corridor(send, receive)
    if corridor is None:
        ensure_country(send)
        ensure_country(receive)
        send_ccy = codes.local_currency(send) or send_currency
        receive_ccy = codes.local_currency(receive) or receive_currency
        ensure_currency(send_ccy)
        ensure_currency(receive_ccy)
        corridor = Corridor(send_country=send, receive_country=receive,
                            send_currency=send_ccy, receive_currency=receive_ccy)
        db.session.add(corridor)
        db.session.flush()
    return corridor


def find_provider_by_slug(slug: str) -> Provider | None:
    return db.session.execute(select(Provider).where(Provider.slug == slug)).scalar_one_or_none()


def find_provider(name: str) -> Provider | None:
    return find_provider_by_slug(slugify(name))


def ensure_provider(name: str, provider_type: str | None) -> tuple[Provider, bool]:
    """The provider with this name's slug, and whether it was created or its type set."""
    provider = find_provider(name)
    if provider is None:
        provider = Provider(slug=slugify(name), name=name, type=provider_type, active=True)
        db.session.add(provider)
        db.session.flush()
        return provider, True
    if provider_type and provider.type != provider_type:
        provider.type = provider_type
        return provider, True
    return provider, False
