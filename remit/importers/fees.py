"""Fee tables: one row per product and amount band (the contract's fee table file)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from marshmallow import Schema, ValidationError, validates_schema
from sqlalchemy import insert, select

from .. import codes
from ..domain.messages import msg
from ..formats import FEE_TABLE_COLUMNS, FEE_TABLE_OPTIONAL
from ..extensions import db
from ..models import Corridor, FeeTier, ImportRun, Product, Provider
from ..models.catalog import FUNDING_METHODS, PAYOUT_METHODS, PROVIDER_TYPES, SPEEDS
from ..services import reference
from .base import NO_DATA_ROWS, Column, ImportReport, PreviewRow, is_blank, load_row, map_header, row_values
from ..inputs import written_places
from .fields import Choice, CountryCode, CurrencyCode, ExactNumber, IdList, IsoDate, RegionList, Text
from .readers import Problem, Table

COLUMNS = [Column(name, required=name not in FEE_TABLE_OPTIONAL) for name in FEE_TABLE_COLUMNS]
HEADER = [c.name for c in COLUMNS]
MONEY_LIMIT = Decimal("100000000")  # no transfer product lists a band above 100 million


class FeeRowSchema(Schema):
    provider = Text(required=True)
    provider_type = Choice(PROVIDER_TYPES, required=True)
    product = Text(required=True)
    send_country = CountryCode(required=True)
    receive_country = CountryCode(required=True)
    send_currency = CurrencyCode(required=True)
    receive_currency = CurrencyCode(required=True)
    funding_method = Choice(FUNDING_METHODS, required=True)
    payout_method = Choice(PAYOUT_METHODS, required=True)
    speed = Choice(SPEEDS, required=True)
    min_amount = ExactNumber(required=True, minimum=Decimal(0), maximum=MONEY_LIMIT)
    max_amount = ExactNumber(required=True, positive=True, maximum=MONEY_LIMIT)
    fee_fixed = ExactNumber(required=True, minimum=Decimal(0), maximum=MONEY_LIMIT)
    fee_percent = ExactNumber(required=True, minimum=Decimal(0), maximum=Decimal(100), places=4)
    fx_margin_pct = ExactNumber(required=True, minimum=Decimal(-100), maximum=Decimal(100), places=4)
    effective_from = IsoDate(required=True)
    effective_to = IsoDate(load_default=None)
    accepted_ids = IdList(load_default="")
    regions = RegionList(load_default="")
    source = Text(load_default="", max_length=1000)

    @validates_schema
    def check_row(self, data, **kwargs):
        errors: dict[str, list[str]] = {}
        if not reference.slugify(data["provider"]):
            errors.setdefault("provider", []).append(msg("needs_letter", "needs at least one letter or digit"))
        if data["send_country"] == data["receive_country"]:
            errors.setdefault("receive_country", []).append(msg("same_country", "must differ from send_country"))
        if data["min_amount"] > data["max_amount"]:
            errors.setdefault("min_amount", []).append(msg(
                "band_inverted", "%(min)s is above max_amount %(max)s", min=data["min_amount"], max=data["max_amount"]))
        places = codes.minor_unit(data["send_currency"])
        for name in ("min_amount", "max_amount", "fee_fixed"):
            # As written: a file's 1.000 has three decimals, which CAD cannot hold (it is not read as 1).
            if written_places(data[name]) > places:
                errors.setdefault(name, []).append(msg(
                    "currency_decimals_written",
                    "“%(typed)s” has more decimals than %(currency)s allows (%(places)s); a file takes plain numbers, "
                    "so a thousand is 1000", typed=format(data[name], "f"), currency=data["send_currency"],
                    places=places))
        if data["effective_to"] and data["effective_to"] < data["effective_from"]:
            errors.setdefault("effective_to", []).append(msg("ends_before_start", "is before effective_from"))
        for code in filter(None, data["regions"].split(";")):
            if not code.startswith(data["receive_country"] + "-"):
                errors.setdefault("regions", []).append(msg(
                    "region_elsewhere", "%(region)s is not a region of the receiving country %(country)s",
                    region=code, country=data["receive_country"]))
        if errors:
            raise ValidationError(errors)


# Fields of a tier that, with the band, make it what it is: a difference in any is a change.
TIER_FIELDS = ("fee_fixed", "fee_percent", "fx_margin_pct", "speed", "accepted_ids", "regions", "source",
               "effective_from", "effective_to")


def product_key(row: dict) -> tuple:
    return (reference.slugify(row["provider"]), row["product"], row["send_country"], row["receive_country"],
            row["send_currency"], row["receive_currency"], row["funding_method"], row["payout_method"])


@dataclass
class ProductPlan:
    key: tuple
    rows: list[dict]
    product: Product | None
    add: list[dict] = field(default_factory=list)
    retire: list[tuple[FeeTier, dt.date]] = field(default_factory=list)


def parse(table: Table) -> tuple[list[tuple[int, dict]], list[Problem]]:
    positions, problems = map_header(table, COLUMNS)
    if problems:
        return [], problems
    schema = FeeRowSchema()
    records = []
    for row, cells in table.rows:
        if is_blank(cells):
            continue
        data, row_problems = load_row(schema, row, row_values(cells, positions))
        problems.extend(row_problems)
        if data is not None:
            records.append((row, data))
    if not records and not problems:
        problems.append(Problem(2, None, NO_DATA_ROWS))
    problems.extend(_cross_row_problems(records))
    return records, problems


def _cross_row_problems(records: list[tuple[int, dict]]) -> list[Problem]:
    problems = []
    provider_types: dict[str, tuple[int, str]] = {}
    by_product: dict[tuple, list[tuple[int, dict]]] = {}
    for row, data in records:
        slug = reference.slugify(data["provider"])
        first = provider_types.setdefault(slug, (row, data["provider_type"]))
        if first[1] != data["provider_type"]:
            problems.append(Problem(row, "provider_type", msg(
                "provider_type_differs", "'%(type)s' differs from row %(row)s ('%(first)s') for provider %(provider)s",
                type=data["provider_type"], row=first[0], first=first[1], provider=data["provider"])))
        by_product.setdefault(product_key(data), []).append((row, data))
    for rows in by_product.values():
        ordered = sorted(rows, key=lambda item: (item[1]["min_amount"], item[0]))
        for (prev_row, prev), (row, data) in zip(ordered, ordered[1:]):
            if data["min_amount"] <= prev["max_amount"]:
                problems.append(Problem(row, "min_amount", msg(
                    "bands_overlap",
                    "band %(min)s–%(max)s overlaps row %(row)s's band %(prev_min)s–%(prev_max)s of the same product",
                    min=data["min_amount"], max=data["max_amount"], row=prev_row, prev_min=prev["min_amount"],
                    prev_max=prev["max_amount"])))
    return sorted(problems)


def _chunks(items: list, size: int = 500):
    for index in range(0, len(items), size):
        yield items[index:index + size]


@dataclass
class Stored:
    """What the database already holds for the providers a file names, loaded in a few queries."""

    providers: dict[str, Provider]
    corridors: dict[tuple[str, str], Corridor]
    products: dict[tuple, Product]
    tiers: dict[int, list[FeeTier]]

    @classmethod
    def load(cls, slugs: set[str]) -> Stored:
        providers: dict[str, Provider] = {}
        for chunk in _chunks(sorted(slugs)):
            for provider in db.session.execute(select(Provider).where(Provider.slug.in_(chunk))).scalars():
                providers[provider.slug] = provider
        corridors = {(c.send_country, c.receive_country): c for c in db.session.execute(select(Corridor)).scalars()}
        corridor_codes = {c.id: key for key, c in corridors.items()}
        slug_of = {p.id: slug for slug, p in providers.items()}
        products: dict[tuple, Product] = {}
        tiers: dict[int, list[FeeTier]] = {}
        for chunk in _chunks(sorted(slug_of)):
            for product in db.session.execute(select(Product).where(Product.provider_id.in_(chunk))).scalars():
                send, receive = corridor_codes[product.corridor_id]
                products[(slug_of[product.provider_id], product.name, send, receive, product.send_currency,
                          product.receive_currency, product.funding_method, product.payout_method)] = product
        product_ids = sorted(p.id for p in products.values())
        for chunk in _chunks(product_ids):
            for tier in db.session.execute(select(FeeTier).where(
                    FeeTier.product_id.in_(chunk), FeeTier.retired_by_import_id.is_(None))).scalars():
                tiers.setdefault(tier.product_id, []).append(tier)
        return cls(providers, corridors, products, tiers)


def _text(value) -> str:
    from decimal import Decimal

    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _same(tier: FeeTier, data: dict) -> bool:
    return all(getattr(tier, name) == data[name] for name in TIER_FIELDS)


@dataclass
class FeePlan:
    stored: Stored
    products: list[ProductPlan]
    provider_types: dict[str, tuple[str, str]]  # slug → (name, type) as the file gives them


def plan(records: list[tuple[int, dict]], report: ImportReport) -> FeePlan:
    """Work out, without writing, what the file adds, changes and retires."""
    grouped: dict[tuple, list[dict]] = {}
    for _, data in records:
        grouped.setdefault(product_key(data), []).append(data)
    provider_types = {key[0]: (rows[0]["provider"], rows[0]["provider_type"]) for key, rows in grouped.items()}
    stored = Stored.load(set(provider_types))
    plans = []
    for key, rows in grouped.items():
        product = stored.products.get(key)
        product_plan = ProductPlan(key=key, rows=rows, product=product)
        old = {(t.min_amount, t.max_amount): t for t in stored.tiers.get(product.id, [])} if product else {}
        start = min(r["effective_from"] for r in rows)
        name = f"{rows[0]['provider']} · {rows[0]['product']} ({rows[0]['send_country']}-{rows[0]['receive_country']}, " \
               f"{rows[0]['funding_method']} → {rows[0]['payout_method']})"
        for data in rows:
            tier = old.pop((data["min_amount"], data["max_amount"]), None)
            band = f"{name}, {data['min_amount']}–{data['max_amount']} {data['send_currency']}"
            if tier is None:
                product_plan.add.append(data)
                report.added += 1
                report.preview.append(PreviewRow("add", band, tuple(
                    (f, "", _text(data[f])) for f in ("fee_fixed", "fee_percent", "fx_margin_pct", "effective_from"))))
            elif _same(tier, data):
                report.unchanged += 1
            else:
                product_plan.retire.append((tier, data["effective_from"]))
                product_plan.add.append(data)
                report.changed += 1
                report.preview.append(PreviewRow("change", band, tuple(
                    (f, _text(getattr(tier, f)), _text(data[f])) for f in TIER_FIELDS if getattr(tier, f) != data[f])))
        for tier in sorted(old.values(), key=lambda t: t.id):
            product_plan.retire.append((tier, start))
            report.retired += 1
            report.preview.append(PreviewRow("retire", f"{name}, {tier.min_amount.normalize():f}–"
                                                       f"{tier.max_amount.normalize():f}", ()))
        plans.append(product_plan)
    for slug, (name, provider_type) in sorted(provider_types.items()):
        provider = stored.providers.get(slug)
        if provider is not None and provider.type != provider_type:
            report.details.append(msg("provider_type_changes", "provider %(name)s: type %(old)s → %(new)s", name=name,
                                      old=provider.type or "—", new=provider_type))
    return FeePlan(stored, plans, provider_types)


def apply(fee_plan: FeePlan, run: ImportRun) -> None:
    stored = fee_plan.stored
    with db.session.no_autoflush:
        for slug, (name, provider_type) in fee_plan.provider_types.items():
            provider = stored.providers.get(slug)
            if provider is None:
                stored.providers[slug] = Provider(slug=slug, name=name, type=provider_type, active=True)
                db.session.add(stored.providers[slug])
            elif provider.type != provider_type:
                provider.type = provider_type
        new_products = []
        for product_plan in fee_plan.products:
            if product_plan.product is not None or not product_plan.add:
                continue
            first = product_plan.rows[0]
            corridor_key = (first["send_country"], first["receive_country"])
            if corridor_key not in stored.corridors:
                stored.corridors[corridor_key] = reference.ensure_corridor(
                    *corridor_key, first["send_currency"], first["receive_currency"])
            reference.ensure_currency(first["send_currency"])
            reference.ensure_currency(first["receive_currency"])
            product_plan.product = Product(
                provider=stored.providers[product_plan.key[0]], corridor=stored.corridors[corridor_key],
                name=first["product"], send_currency=first["send_currency"],
                receive_currency=first["receive_currency"], funding_method=first["funding_method"],
                payout_method=first["payout_method"])
            new_products.append(product_plan.product)
        db.session.add_all(new_products)
        db.session.flush()
        new_tiers = []
        for product_plan in fee_plan.products:
            for tier, retire_on in product_plan.retire:
                tier.retired_on = retire_on
                tier.retired_by_import_id = run.id
            for data in product_plan.add:
                new_tiers.append({"product_id": product_plan.product.id, "import_id": run.id,
                                  **{name: data[name] for name in ("min_amount", "max_amount", *TIER_FIELDS)}})
        db.session.flush()
    if new_tiers:
        db.session.execute(insert(FeeTier), new_tiers)
