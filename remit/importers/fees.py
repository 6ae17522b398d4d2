"""Fee tables: one row per product and amount band (the contract's fee table file)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter

from marshmallow import ValidationError
from sqlalchemy import bindparam, func, select, update

from .. import codes
from ..formats import FEE_TABLE_COLUMNS, FEE_TABLE_OPTIONAL
from ..domain.messages import msg
from ..extensions import db
from ..models import Corridor, FeeTier, ImportRun, Product, Provider
from ..models.catalog import FUNDING_METHODS, PAYOUT_METHODS, PROVIDER_TYPES, SPEEDS
from ..services import reference
from . import digests
from .batches import chunks
from .bulk import BulkInsert
from .base import NO_DATA_ROWS, Column, ImportReport, PreviewRow, RowLoader, RuledSchema, map_header, row_rule
from ..inputs import written_places
from .fields import Choice, CountryCode, CurrencyCode, ExactNumber, IdList, IsoDate, RegionList, Text, YesNo
from .rows import Problem, ProblemLog

COLUMNS = [Column(name, required=name not in FEE_TABLE_OPTIONAL) for name in FEE_TABLE_COLUMNS]
HEADER = [c.name for c in COLUMNS]
MONEY_LIMIT = Decimal("100000000")  # no transfer product lists a band above 100 million


class FeeRowSchema(RuledSchema):
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
    illustrative = YesNo(load_default=False)  # an empty cell, or no such column: observed prices

    # The checks across fields, in the order their problems are listed.
    row_rules = ("check_provider", "check_countries", "check_band", "check_dates", "check_regions", "check_currencies")

    @row_rule("provider")
    def check_provider(self, data):
        if not reference.slugify(data["provider"]):
            return {"provider": [msg("needs_letter", "needs at least one letter or digit")]}
        return None

    @row_rule("send_country", "receive_country")
    def check_countries(self, data):
        if data["send_country"] == data["receive_country"]:
            return {"receive_country": [msg("same_country", "must differ from send_country")]}
        return None

    @row_rule("min_amount", "max_amount", "fee_fixed", "send_currency")
    def check_band(self, data):
        errors: dict[str, list[str]] = {}
        if data["min_amount"] > data["max_amount"]:
            errors.setdefault("min_amount", []).append(msg(
                "band_inverted", "%(min)s is above max_amount %(max)s", min=data["min_amount"], max=data["max_amount"]))
        for name in ("min_amount", "max_amount", "fee_fixed"):
            problem = places_problem(data[name], data["send_currency"])
            if problem:
                errors.setdefault(name, []).append(problem)
        return errors

    @row_rule("effective_from", "effective_to")
    def check_dates(self, data):
        if data["effective_to"] and data["effective_to"] < data["effective_from"]:
            return {"effective_to": [msg("ends_before_start", "is before effective_from")]}
        return None

    @row_rule("regions", "receive_country")
    def check_regions(self, data):
        errors: dict[str, list[str]] = {}
        for code in filter(None, data["regions"].split(";")):
            if not code.startswith(data["receive_country"] + "-"):
                errors.setdefault("regions", []).append(msg(
                    "region_elsewhere", "%(region)s is not a region of the receiving country %(country)s",
                    region=code, country=data["receive_country"]))
        return errors

    @row_rule("send_country", "send_currency", "receive_country", "receive_currency")
    def check_currencies(self, data):
        errors: dict[str, list[str]] = {}
        for country, currency in (("send_country", "send_currency"), ("receive_country", "receive_currency")):
            problem = currency_problem(data[country], data[currency])
            if problem:
                errors.setdefault(currency, []).append(problem)
        return errors


def places_problem(value: Decimal, currency: str):
    """Why an amount of `currency` cannot be written so in a file (None when it can). As written: a file's
    1.000 has three decimals, which CAD cannot hold (it is not read as 1)."""
    places = codes.minor_unit(currency)
    if written_places(value) <= places:
        return None
    return msg("currency_decimals_written",
               "“%(typed)s” has more decimals than %(currency)s allows (%(places)s); a file takes plain numbers, "
               "so a thousand is 1000", typed=format(value, "f"), currency=currency, places=places)


def currency_problem(country: str, currency: str, start=None, end=None):
    """Why `currency` cannot be `country`'s in a file (None when it can): its legal tender between
    `start` and `end` (today by default), or a declared exception (remit.codes.CURRENCY_EXCEPTIONS)."""
    allowed = codes.currencies_of(country, start, end)
    if not allowed or currency in allowed:
        return None
    return msg("currency_not_of_country", "%(currency)s is not a currency of %(country)s (%(allowed)s)",
               currency=currency, country=country, allowed=sorted(allowed))


# Fields of a tier that, with the band, make it what it is: a difference in any is a change.
TIER_FIELDS = ("fee_fixed", "fee_percent", "fx_margin_pct", "speed", "accepted_ids", "regions", "source",
               "effective_from", "effective_to", "illustrative")
# A tier as an import holds it, one small tuple per row whose values are shared with other rows:
# (row, min_amount, max_amount, *TIER_FIELDS).
BAND = ("min_amount", "max_amount")
ROW, MIN, MAX = 0, 1, 2
VALUES = slice(1, None)
WRITE_BATCH = 5_000


KEY_COLUMNS = ("provider", "product", "send_country", "receive_country", "send_currency", "receive_currency",
               "funding_method", "payout_method")
# Columns that repeat together from row to row, read (and remembered) together: a product's identity,
# the terms its bands usually share, and a band's amounts; each with the fields its rules read. A row's
# product is the first group's values; its tier is the band's first three and the terms' first TERMS.
ROW_GROUPS = ((*KEY_COLUMNS, "provider_type"), (*TIER_FIELDS[1:], "receive_country"), (*BAND, "fee_fixed", "send_currency"))
TERMS = len(TIER_FIELDS) - 1


@dataclass
class FileProduct:
    """One product of the file: its identity, as the file first names it, and its tiers."""

    key: tuple  # (provider slug, product, send, receive, send currency, receive currency, funding, payout)
    provider: str
    provider_type: str
    tiers: list[tuple] = field(default_factory=list)

    @property
    def corridor(self) -> tuple[str, str]:
        return self.key[2], self.key[3]

    @property
    def label(self) -> str:
        _, product, send, receive, _, _, funding, payout = self.key
        return f"{self.provider} · {product} ({send}-{receive}, {funding} → {payout})"


def product_key(row: dict) -> tuple:
    return (reference.slugify(row["provider"]), row["product"], row["send_country"], row["receive_country"],
            row["send_currency"], row["receive_currency"], row["funding_method"], row["payout_method"])


@dataclass
class FeeFile:
    """What an import keeps of a fee table once it is read."""

    products: dict[tuple, FileProduct] = field(default_factory=dict)
    providers: dict[str, tuple[str, str]] = field(default_factory=dict)  # slug → (name, type), as first given
    text: digests.TextGroups | None = None  # the digest of each product's rows, as the file writes them
    recognised: dict[tuple, int] = field(default_factory=dict)  # product key → id: as stored, not read again


class _Providers:
    """One type per provider in a file: the first row that names a provider sets it."""

    def __init__(self, problems: ProblemLog):
        self.first: dict[str, tuple[int, str, str]] = {}
        self.problems = problems

    def check(self, row: int, slug: str, name: str, provider_type: str) -> None:
        first = self.first.get(slug)
        if first is None:
            self.first[slug] = (row, provider_type, name)
        elif first[1] != provider_type:
            self.problems.add(Problem(row, "provider_type", msg(
                "provider_type_differs", "'%(type)s' differs from row %(row)s ('%(first)s') for provider %(provider)s",
                type=provider_type, row=first[0], first=first[1], provider=name)))

    def named(self) -> dict[str, tuple[str, str]]:
        return {slug: (name, provider_type) for slug, (_, provider_type, name) in self.first.items()}


def _remembered(read):
    """A field's reading of a cell, remembered for the column's recent distinct texts."""
    memo: dict[str, object] = {}

    def remembered(text: str):
        found = memo.get(text, memo)
        if found is memo:
            try:
                found = read(text)
            except ValidationError:
                found = None
            if len(memo) < 4096:
                memo[text] = found
        if found is None:
            raise ValidationError("")
        return found

    return remembered


class _RawKey:
    """The product a row names and its provider's type, read from the row's text alone, with the schema's
    own fields (None when a cell does not read: the row is then validated, and refused)."""

    def __init__(self, positions: dict[str, int]):
        schema = FeeRowSchema()
        self.width = max(positions[name] for name in (*KEY_COLUMNS, "provider_type")) + 1
        self.cells = itemgetter(*(positions[name] for name in (*KEY_COLUMNS, "provider_type")))
        self.fields = [_remembered(schema.fields[name].deserialize) for name in (*KEY_COLUMNS, "provider_type")]
        self.memo: dict[tuple, tuple | None] = {}

    def raw(self, cells: list[str]) -> tuple[str, ...] | None:
        """The texts that name the row's product and its provider's type (None for a row too short)."""
        return self.cells(cells) if len(cells) >= self.width else None

    def __call__(self, cells: list[str]) -> tuple | None:
        """((provider slug, product, …, payout), provider name, provider type) or None."""
        if len(cells) < self.width:
            return None
        raw = self.cells(cells)
        found = self.memo.get(raw, False)
        if found is False:
            try:
                values = [read(text) if text else None for read, text in zip(self.fields, raw)]
            except ValidationError:
                values = [None]
            if None in values:
                found = None
            else:
                found = ((reference.slugify(values[0]), *values[1:8]), values[0], values[8])
            if len(self.memo) < 65_536:
                self.memo[raw] = found
        return found


def collect(open_rows, problems: ProblemLog, report: ImportReport) -> FeeFile | None:
    """Validate every row as it is read; keep, per product, its tiers as compact tuples.

    Each product's rows also get a digest of their text (`digests.TextGroups`), stored when the import
    is applied. When such digests are stored, the file is first read without validating: a product
    whose rows are, text for text, those of the import that made its tiers in force (and nothing
    changed them since) is not validated again, nor compared; its rows are unchanged.
    """
    with open_rows() as table:
        positions, header_problems = map_header(table, COLUMNS)
        if header_problems:
            problems.extend(header_problems)
            return None
        text = digests.TextGroups(positions, HEADER)
        if not digests.any_stored("fees"):
            return _validate(table, positions, text, {}, problems, report, first_pass=True)
        key_of = _RawKey(positions)
        light = _Providers(ProblemLog(problems.limit))
        add_text_to, text_of, check = text.add_to, text.group, light.check
        # The row before's product columns, what they name and where their rows' digests go, and
        # whether its provider's type was the first given (rows of a product follow each other).
        last_raw = last = None
        for row, cells in table:
            if not any(cells):  # a blank row (is_blank)
                continue
            raw = key_of.raw(cells)
            if raw is None or raw != last_raw:
                found = key_of(cells)
                last_raw, last = raw, (found, text_of(found[0] if found else None), False)
            found, lines, checked = last
            add_text_to(lines, cells)
            if found is not None and not checked:
                check(row, found[0][0], found[1], found[2])
                last = (found, lines, light.first[found[0][0]][1] == found[2])
        recognised = _recognised(text)
        if text.lines and all(key in recognised for key in text.lines):
            problems.extend(light.problems.items)
            report.rows = report.unchanged = sum(text.count(key) for key in recognised)
            return FeeFile(providers=light.named(), text=text, recognised=recognised)
    with open_rows() as table:
        positions, _ = map_header(table, COLUMNS)
        return _validate(table, positions, text, recognised, problems, report, first_pass=False)


def _recognised(text: digests.TextGroups) -> dict[tuple, int]:
    """The products whose rows' text is that of the import that made their tiers in force, unchanged since."""
    by_corridor: dict[tuple[str, str], list[tuple]] = {}
    for key in text.lines:
        if key is not None:
            by_corridor.setdefault((key[2], key[3]), []).append(key)
    corridor_ids = _corridor_ids()
    found = {}
    for corridor, keys in by_corridor.items():
        corridor_id = corridor_ids.get(corridor)
        if corridor_id is None:
            continue
        stored_ids = _stored_products(corridor_id)
        known = digests.stored("fees", corridor_id)
        candidates = {}
        for key in keys:
            product_id = stored_ids.get(key)
            stored = known.get(str(product_id)) if product_id is not None else None
            if stored is not None and stored[0] == text.digest(key):
                candidates[key] = (product_id, stored[1:])
        stamps = _product_stamps(product_id for product_id, _ in candidates.values())
        found.update({key: product_id for key, (product_id, stamp) in candidates.items()
                      if stamps.get(product_id) == stamp})
    return found


def _product_stamps(product_ids) -> dict[int, tuple[int, int]]:
    """product id → (tiers in force, highest id among them), by lists of ids (an index lookup each,
    whatever the planner knows of tables filled in this very transaction)."""
    stamps: dict[int, tuple[int, int]] = {}
    for chunk in chunks(sorted(set(product_ids))):
        stamps.update(digests.in_force_stamps(FeeTier, FeeTier.product_id, FeeTier.id, (FeeTier.product_id.in_(chunk),)))
    return stamps


def _corridor_ids() -> dict[tuple[str, str], int]:
    return {(send, receive): corridor_id for corridor_id, send, receive in db.session.execute(
        select(Corridor.id, Corridor.send_country, Corridor.receive_country))}


def _stored_products(corridor_id: int) -> dict[tuple, int]:
    """(provider slug, product, send, receive, currencies, methods) → id of the corridor's products."""
    return {(slug, name, send, receive, send_ccy, receive_ccy, funding, payout): product_id
            for product_id, slug, name, send, receive, send_ccy, receive_ccy, funding, payout in db.session.execute(
                select(Product.id, Provider.slug, Product.name, Corridor.send_country, Corridor.receive_country,
                       Product.send_currency, Product.receive_currency, Product.funding_method, Product.payout_method)
                .join(Provider, Provider.id == Product.provider_id).join(Corridor, Corridor.id == Product.corridor_id)
                .where(Product.corridor_id == corridor_id))}


def _validate(table, positions, text: digests.TextGroups, recognised: dict, problems: ProblemLog,
              report: ImportReport, *, first_pass: bool) -> FeeFile:
    loader = RowLoader(FeeRowSchema(), positions, ROW_GROUPS)
    load_groups = loader.load_groups
    key_of = _RawKey(positions)
    fee_file = FeeFile(text=text, recognised=recognised)
    products = fee_file.products
    providers = _Providers(problems)
    # What a row's product columns (and its provider's type) make, worked out once per distinct values:
    # (product key, the file's product, whether the provider's type is the one its first row gave, the
    # digests of its rows' text).
    seen: dict[tuple, tuple[tuple, FileProduct, bool, list]] = {}
    add_text, add_text_to, text_of = text.add, text.add_to, text.group
    last_identity = last_known = None
    rows = unchanged = 0
    for row, cells in table:
        if not any(cells):  # a blank row (is_blank)
            continue
        if recognised:
            found = key_of(cells)
            if found is not None and found[0] in recognised:
                # As the import that wrote it: the provider's type still counts for the other rows.
                rows += 1
                unchanged += 1
                providers.check(row, found[0][0], found[1], found[2])
                continue
        groups, row_problems = load_groups(row, cells)
        if row_problems:
            problems.extend(row_problems)
            if first_pass:
                add_text(None, cells)
            continue
        rows += 1
        identity, terms, band = groups
        if identity is last_identity and last_known[2]:  # the same product as the row before
            known = last_known
        else:
            known = seen.get(identity)
        if known is None or not known[2]:
            name, *rest, provider_type = identity
            key = (reference.slugify(name), *rest)
            providers.check(row, key[0], name, provider_type)
            product = products.get(key)
            if product is None:
                product = products[key] = FileProduct(key, name, provider_type)
            known = seen[identity] = (key, product, providers.first[key[0]][1] == provider_type,
                                      text_of(key) if first_pass else None)
        last_identity, last_known = identity, known
        if first_pass:
            add_text_to(known[3], cells)
        known[1].tiers.append((row,) + band[:3] + terms[:TERMS])
    report.rows = rows
    report.unchanged += unchanged
    if not rows and not problems:
        problems.add(Problem(2, None, NO_DATA_ROWS))
    problems.extend(_overlaps(products.values()))
    fee_file.providers = providers.named()
    return fee_file


_band_order = itemgetter(MIN, ROW)


def _overlaps(products) -> list[Problem]:
    found = []
    for product in products:
        ordered = sorted(product.tiers, key=_band_order)
        for prev, tier in zip(ordered, ordered[1:]):
            if tier[MIN] <= prev[MAX]:
                found.append(Problem(tier[ROW], "min_amount", msg(
                    "bands_overlap",
                    "band %(min)s–%(max)s overlaps row %(row)s's band %(prev_min)s–%(prev_max)s of the same product",
                    min=tier[MIN], max=tier[MAX], row=prev[ROW], prev_min=prev[MIN], prev_max=prev[MAX])))
    return sorted(found)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


@dataclass
class ProductPlan:
    product: FileProduct
    product_id: int | None
    add: list[tuple] = field(default_factory=list)
    retire: list[tuple[int, dt.date]] = field(default_factory=list)  # (tier id, retired on)
    # Nothing of it was in force: once applied, its tiers in force are the ones this import adds.
    only_added: bool = False


@dataclass
class FeePlan:
    providers: dict[str, tuple[int | None, str, str]]  # slug → (stored id, name, type as the file gives it)
    type_changes: dict[int, str]
    corridors: dict[tuple[str, str], int | None]
    products: list[ProductPlan]
    text: digests.TextGroups | None


def plan(fee_file: FeeFile, report: ImportReport) -> FeePlan:
    """Work out, without writing, what the file adds, changes and retires. What is stored is read once
    per corridor, for the products that were not recognised by their digest."""
    stored_providers: dict[str, tuple[int, str | None]] = {}
    for chunk in chunks(sorted(fee_file.providers)):
        for provider_id, slug, provider_type in db.session.execute(
                select(Provider.id, Provider.slug, Provider.type).where(Provider.slug.in_(chunk))):
            stored_providers[slug] = (provider_id, provider_type)
    corridor_ids = _corridor_ids()
    by_corridor: dict[tuple[str, str], list[FileProduct]] = {}
    for product in fee_file.products.values():
        by_corridor.setdefault(product.corridor, []).append(product)
    providers = {slug: (stored_providers.get(slug, (None,))[0], name, provider_type)
                 for slug, (name, provider_type) in fee_file.providers.items()}
    fee_plan = FeePlan(providers, {}, {}, [], fee_file.text)
    for corridor, products in by_corridor.items():
        corridor_id = corridor_ids.get(corridor)
        fee_plan.corridors[corridor] = corridor_id
        stored_ids = _stored_products(corridor_id) if corridor_id is not None else {}
        plans = [ProductPlan(product, stored_ids.get(product.key)) for product in products]
        current = _current_tiers([p.product_id for p in plans if p.product_id is not None])
        for product_plan in plans:
            _compare(product_plan, current.get(product_plan.product_id, {}), report)
        fee_plan.products.extend(plans)
    for slug, (provider_id, name, provider_type) in sorted(providers.items()):
        if provider_id is not None and stored_providers[slug][1] != provider_type:
            fee_plan.type_changes[provider_id] = provider_type
            report.details.append(msg("provider_type_changes", "provider %(name)s: type %(old)s → %(new)s", name=name,
                                      old=stored_providers[slug][1] or "—", new=provider_type))
    return fee_plan


def _current_tiers(product_ids: list[int]) -> dict[int, dict[tuple, tuple]]:
    """product id → {band: (tier id, *TIER_FIELDS)} of the tiers in force."""
    found: dict[int, dict[tuple, tuple]] = {}
    columns = [FeeTier.__table__.c[name] for name in ("id", "product_id", *BAND, *TIER_FIELDS)]
    for chunk in chunks(sorted(product_ids)):
        for row in db.session.execute(select(*columns).where(
                FeeTier.product_id.in_(chunk), FeeTier.retired_by_import_id.is_(None))):
            found.setdefault(row[1], {})[(row[2], row[3])] = (row[0], *row[4:])
    return found


def _band(product: FileProduct, tier: tuple) -> str:
    return f"{product.label}, {tier[MIN]}–{tier[MAX]} {product.key[4]}"


FROM = 3 + TIER_FIELDS.index("effective_from")


def _added(product: FileProduct, tier: tuple) -> PreviewRow:
    return PreviewRow("add", _band(product, tier), tuple(
        (name, "", _text(tier[3 + TIER_FIELDS.index(name)]))
        for name in ("fee_fixed", "fee_percent", "fx_margin_pct", "effective_from")))


def _compare(product_plan: ProductPlan, old: dict[tuple, tuple], report: ImportReport) -> None:
    product = product_plan.product
    if not old:
        # Nothing of it is stored: every band is added (a new product, or one whose tiers were all retired).
        product_plan.add = product.tiers
        product_plan.only_added = True
        report.added += len(product.tiers)
        shown = min(len(product.tiers), max(report.preview_limit - len(report.preview), 0))
        for tier in product.tiers[:shown]:
            report.show(_added(product, tier))
        report.more_preview += len(product.tiers) - shown
        return
    old = dict(old)
    for tier in product.tiers:
        stored = old.pop((tier[MIN], tier[MAX]), None)
        if stored is None:
            product_plan.add.append(tier)
            report.added += 1
            if report.preview_full():
                report.more_preview += 1
                continue
            report.show(_added(product, tier))
        elif stored[1:] == tier[3:]:
            report.unchanged += 1
        else:
            product_plan.retire.append((stored[0], tier[FROM]))
            product_plan.add.append(tier)
            report.changed += 1
            if report.preview_full():
                report.more_preview += 1
                continue
            report.show(PreviewRow("change", _band(product, tier), tuple(
                (name, _text(before), _text(after))
                for name, before, after in zip(TIER_FIELDS, stored[1:], tier[3:]) if before != after)))
    if not old:
        return
    start = min(tier[FROM] for tier in product.tiers)
    for (low, high), stored in sorted(old.items(), key=lambda item: item[1][0]):
        product_plan.retire.append((stored[0], start))
        report.retired += 1
        report.show(PreviewRow("retire", f"{product.label}, {low.normalize():f}–{high.normalize():f}", ()))


def apply(fee_plan: FeePlan, run: ImportRun) -> None:
    """Write the plan with bulk statements, in the caller's transaction."""
    provider_ids = _write_providers(fee_plan)
    corridor_ids = dict(fee_plan.corridors)
    new_products = [p for p in fee_plan.products if p.product_id is None and p.add]
    currencies = set()
    for product_plan in new_products:
        _, _, send, receive, send_ccy, receive_ccy, _, _ = product_plan.product.key
        if corridor_ids.get((send, receive)) is None:
            corridor_ids[(send, receive)] = reference.ensure_corridor(send, receive, send_ccy, receive_ccy).id
        currencies.update((send_ccy, receive_ccy))
    for code in sorted(currencies):
        reference.ensure_currency(code)
    if new_products:
        BulkInsert(Product.__table__, ("provider_id", "corridor_id", "name", "send_currency", "receive_currency",
                                       "funding_method", "payout_method")).write(
            (provider_ids[p.product.key[0]], corridor_ids[p.product.corridor], *p.product.key[1:2], *p.product.key[4:])
            for p in new_products)
        # Their ids, read back once per corridor (RETURNING would insert them one by one on SQLite).
        by_corridor: dict[tuple[str, str], list[ProductPlan]] = {}
        for product_plan in new_products:
            by_corridor.setdefault(product_plan.product.corridor, []).append(product_plan)
        for corridor, plans in by_corridor.items():
            ids = _stored_products(corridor_ids[corridor])
            for product_plan in plans:
                product_plan.product_id = ids[product_plan.product.key]
    connection = db.session.connection()
    tiers = FeeTier.__table__
    retire = ({"tier_id": tier_id, "retired_on": day} for p in fee_plan.products for tier_id, day in p.retire)
    for batch in chunks(retire, WRITE_BATCH):
        connection.execute(update(tiers).where(tiers.c.id == bindparam("tier_id"))
                           .values(retired_on=bindparam("retired_on"), retired_by_import_id=run.id), batch)
    run_id = run.id
    BulkInsert(tiers, ("product_id", "import_id", *BAND, *TIER_FIELDS)).write(
        (product_plan.product_id, run_id, *tier[VALUES]) for product_plan in fee_plan.products for tier in product_plan.add)
    _write_digests(fee_plan, corridor_ids, _added_stamps(fee_plan, run_id))


def _added_stamps(fee_plan: FeePlan, run_id: int) -> dict[int, tuple[int, int]]:
    """product id → (tiers in force, highest id) for the products whose tiers in force are only those this
    import added, from the ids the tiers were given, without reading them back: when this import's
    tiers hold exactly the ids from the lowest to the highest (one after the other, as one writer gets
    them), the n-th tier written has the lowest id + n. Otherwise (ids taken meanwhile by something
    else) nothing: their stamps are then read like the others'."""
    tiers = FeeTier.__table__
    count, lowest, highest = db.session.execute(
        select(func.count(), func.min(tiers.c.id), func.max(tiers.c.id)).where(tiers.c.import_id == run_id)).one()
    written = sum(len(p.add) for p in fee_plan.products)
    if not count or count != written or highest - lowest + 1 != count:
        return {}
    stamps = {}
    position = lowest
    for product_plan in fee_plan.products:
        position += len(product_plan.add)
        if product_plan.only_added and product_plan.add:
            stamps[product_plan.product_id] = (len(product_plan.add), position - 1)
    return stamps


def _write_providers(fee_plan: FeePlan) -> dict[str, int]:
    ids = {slug: provider_id for slug, (provider_id, _, _) in fee_plan.providers.items() if provider_id is not None}
    new = sorted((slug, name, provider_type) for slug, (provider_id, name, provider_type)
                 in fee_plan.providers.items() if provider_id is None)
    if new:
        BulkInsert(Provider.__table__, ("slug", "name", "type", "active")).write(
            (slug, name, provider_type, True) for slug, name, provider_type in new)
        for chunk in chunks([slug for slug, _, _ in new]):
            ids.update(db.session.execute(select(Provider.slug, Provider.id).where(Provider.slug.in_(chunk))).all())
    for provider_id, provider_type in fee_plan.type_changes.items():
        db.session.execute(update(Provider).where(Provider.id == provider_id).values(type=provider_type))
    return ids


def _write_digests(fee_plan: FeePlan, corridor_ids: dict, known: dict[int, tuple[int, int]]) -> None:
    """Each product the file lists (but those recognised, whose digest is stored already), as it is now
    stored: the digest of the file's rows for it, with the tiers in force (`known` already, or read)."""
    by_corridor: dict[int, dict[str, tuple[str, int, int]]] = {}
    stamps = _product_stamps(p.product_id for p in fee_plan.products
                             if p.product_id is not None and p.product_id not in known)
    stamps.update(known)
    for product_plan in fee_plan.products:
        if product_plan.product_id in stamps:
            entries = by_corridor.setdefault(corridor_ids[product_plan.product.corridor], {})
            entries[str(product_plan.product_id)] = (fee_plan.text.digest(product_plan.product.key),
                                                     *stamps[product_plan.product_id])
    for corridor_id, entries in by_corridor.items():
        digests.replace("fees", corridor_id, entries)
