"""Plan a group transfer: find the corridor's bulk product, each member's cheapest way alone and the
service they use today, then let the domain plan, cost, split and explain the bundle."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
import re
from functools import lru_cache
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import codes
from ..domain import caveats
from ..domain.bundling import BundlePlan, Member, Option, Terms, plan as plan_bundle
from ..domain.envelope import Envelope
from ..domain.errors import NotFound, RemitError
from ..domain.members import MemberInput
from ..domain.messages import Message, msg
from ..domain.money import convert
from ..domain.pricing import Basis, Service, quote
from ..extensions import db
from ..inputs import MAX_TRANSFERS, quoted, record_id
from ..models import Corridor, Product
from .comparison import ServiceInfo, freshness, priced_services
from .rates import KnownRate, RateBook
from .reference import find_corridor
from .snapshot import snapshot
from .versions import VersionedCache, data_version

# Canada's FINTRAC: banks report international electronic funds transfers of CAD 10,000 or more, and
# add up smaller ones by or for the same person within 24 hours. Other sending countries: no rule is
# claimed (the plan says nothing rather than something untrue).
REPORTING_THRESHOLDS = {"CA": ("CAD", Decimal(10000))}

# The plan's fees: each in its own currency (the send currency unless the request names another).
FEES = ("distribution_fee", "coordinator_fee", "incoming_fee", "intermediary_fee")
FEE_NAMES = {"distribution_fee": msg("fee_name_distribution", "the fee per member to pay out each share"),
             "coordinator_fee": msg("fee_name_coordinator", "the coordinator's fee"),
             "incoming_fee": msg("fee_name_incoming", "the receiving bank's fee"),
             "intermediary_fee": msg("fee_name_intermediary", "the intermediary banks' fee")}


class BundleInputError(RemitError):
    """Input that names a field: `errors` maps field paths to messages."""

    def __init__(self, errors: dict, message: str, status: int = 422):
        super().__init__(message, errors=errors or None)
        self.status = status


@dataclass(frozen=True)
class BundleRequest:
    send: str
    receive: str
    currency: str
    members: list[MemberInput]
    bulk_product: str | None = None
    max_transfer: Decimal | None = None
    distribution_fee: Decimal = Decimal(0)
    coordinator_fee: Decimal = Decimal(0)
    incoming_fee: Decimal = Decimal(0)
    intermediary_fee: Decimal = Decimal(0)
    allocation: str = "pro_rata"
    transfers_per_year: int | None = None
    # Each fee's currency; None: the send currency.
    distribution_fee_currency: str | None = None
    coordinator_fee_currency: str | None = None
    incoming_fee_currency: str | None = None
    intermediary_fee_currency: str | None = None
    transfer_days: int = 1  # the days the transfers are made on (the coordinator's choice)

    def fee_currency(self, name: str) -> str:
        return getattr(self, f"{name}_currency") or self.currency


@dataclass(frozen=True)
class FeeAmount:
    """A fee of the plan as given (`given` in `currency`) and as the plan counts it: `amount`, in the send
    currency, converted at the plan's reference `rate` (None when it is in the send currency) and
    rounded half up to the send currency's minor unit."""

    name: str
    given: Decimal
    currency: str
    amount: Decimal
    rate: KnownRate | None = None
    stale: bool = False  # the rate is past its freshness limit


@dataclass(frozen=True)
class OldData:
    """Data behind the plan past its freshness limit (the rules of quotes' `stale`): a reference rate
    of `as_of`, or a survey quarter `period` (ended on `as_of`), `age` ago."""

    kind: str  # "rate" or "survey"
    as_of: dt.date
    period: str | None
    age: caveats.Age


@dataclass
class BundleResult:
    request: BundleRequest
    plan: BundlePlan
    info: dict[str, ServiceInfo]
    corridor_code: str
    receive_currency: str
    members: dict[str, MemberInput]
    today_keys: dict[str, str] = field(default_factory=dict)  # member ref → service key of today's service
    warnings: tuple[str, ...] = ()  # of the bulk product's quote (stale, negative margin…); stale for a fee's rate
    fees: dict[str, FeeAmount] = field(default_factory=dict)  # by name (FEES), as given and as counted
    old_data: list[OldData] = field(default_factory=list)  # what the plan rests on that is past its limit

    @property
    def common_warnings(self) -> tuple[str, ...]:
        """Warnings every member's comparison carries (said once for the group, not on every line)."""
        members = self.plan.members
        if not members:
            return ()
        return tuple(w for w in members[0].warnings if all(w in m.warnings for m in members))

    @property
    def bulk(self) -> ServiceInfo | None:
        return self.info.get(self.plan.bulk_key) if self.plan.bulk_key else None


def label(info: ServiceInfo) -> str:
    """A service as the results page names it."""
    return f"{info.provider_name} · {info.product_name}"


@lru_cache(maxsize=4096)
def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    # Spaces collapsed first: "\s*[·|]" would try every run of spaces again from each of its spaces.
    text = re.sub(r" ?[·|] ?| - ", " · ", re.sub(r"\s+", " ", text))
    return re.sub(r"  +", " ", text).strip()


class ServiceNames:
    """The corridor's services by the names a coordinator may give them: the product id, "provider ·
    product" as the results page shows it (any case), or the provider alone when it has one service."""

    def __init__(self, services: list[tuple[Service, ServiceInfo]]):
        self.by_key = {s.key: s for s, _ in services}
        self.by_name: dict[str, list[Service]] = {}
        by_provider: dict[str, set[str]] = {}
        for service, info in services:
            self.by_name.setdefault(_fold(label(info)), []).append(service)
            by_provider.setdefault(_fold(info.provider_name), set()).add(_fold(label(info)))
        for provider, names in by_provider.items():
            if len(names) == 1 and provider not in self.by_name:
                self.by_name[provider] = self.by_name[next(iter(names))]
        self.labels = sorted({label(i) for _, i in services}, key=str.casefold)

    def find(self, text: str, amount: Decimal) -> Service | None:
        if text in self.by_key:
            return self.by_key[text]
        found = self.by_name.get(_fold(text))
        if not found:
            return None
        if len(found) == 1:
            return found[0]
        # RPW's per-quote file gives one service's USD 200 and 500 prices as two: the nearer one prices it.
        return min(found, key=lambda s: (abs(s.price_points[0].send_amount - amount), s.key)
                   if s.basis is Basis.SURVEY and s.price_points else (Decimal(0), s.key))

    def unknown(self, text: str) -> Message:
        shown = self.labels[:12]
        more = len(self.labels) - len(shown)
        return msg("service_unknown",
                   "“%(typed)s” is not a service of this corridor; its services are: %(services)s%(more)s",
                   typed=quoted(text), services=shown, more=f" (+{more})" if more else "")


_envelopes = VersionedCache(size=64)


def cheapest_alone(corridor, currency: str, payout_method: str | None, on: dt.date, version: str,
                   services: list[Service]) -> Envelope:
    """The corridor's lower envelope of costs (built once per data version, currency and payout)."""
    return _envelopes.get(("envelope", corridor.id, on, version, currency, payout_method), lambda: Envelope(
        [s for s in services if payout_method is None or s.payout_method in (None, payout_method)]))


def _product_number(product_id: str) -> int | None:
    """The id of a fee-table product named ft-N; None for anything else (or an id no column holds)."""
    number = product_id[3:] if product_id.startswith("ft-") else ""
    return record_id(number) if number.isascii() and number.isdigit() else None


def _products_named(product_ids) -> dict[int, Product]:
    """The fee-table products among these ids, read in one query (a request may name 1,000)."""
    numbers = {n for n in (_product_number(p) for p in product_ids) if n is not None}
    if not numbers:
        return {}
    found = db.session.execute(select(Product).where(Product.id.in_(numbers))
                               .options(selectinload(Product.corridor))).scalars()
    return {product.id: product for product in found}


def _product_problem(product_id: str, corridor_code: str, products: dict[int, Product] | None = None) -> Message:
    """Why a product id is not one of this corridor's fee-table products (`products`: read beforehand)."""
    number = product_id[3:] if product_id.startswith("ft-") else ""
    if not number.isascii() or not number.isdigit():
        return msg("not_a_product_id", "'%(id)s' is not a fee-table product id (ft-N)", id=quoted(product_id))
    found = _product_number(product_id)  # an id no column can hold names no product
    if found is None:
        product = None
    else:
        product = products.get(found) if products is not None else db.session.get(Product, found)
    if product is None:
        return msg("no_such_product", "no product %(id)s", id=quoted(product_id))
    return msg("product_other_corridor", "%(id)s serves %(serves)s, not %(corridor)s", id=product_id,
               serves=product.corridor.code, corridor=corridor_code)


def reporting_threshold(send_country: str, currency: str, rates: RateBook) -> Decimal | None:
    rule = REPORTING_THRESHOLDS.get(send_country)
    if rule is None:
        return None
    rule_currency, amount = rule
    if currency == rule_currency:
        return amount
    rate = rates.get(rule_currency, currency)
    return None if rate is None else convert(amount, rate.rate, codes.minor_unit(currency))


def fee_amounts(request: BundleRequest, rates: RateBook, on: dt.date, limits: caveats.Freshness
                ) -> dict[str, FeeAmount]:
    """Each fee of the request in the send currency: a fee given in another currency is converted at the
    plan's reference rate, half up to the send currency's minor unit, as it is then charged (so that a
    fee per member times the members is the total shown). A currency remit has no rate for is refused,
    naming the fee."""
    fees, errors = {}, {}
    minor = codes.minor_unit(request.currency)
    for name in FEES:
        given, currency = getattr(request, name), request.fee_currency(name)
        if currency == request.currency:
            fees[name] = FeeAmount(name, given, currency, given)
            continue
        rate = rates.get(currency, request.currency)
        if rate is None:
            errors[f"{name}_currency"] = [msg(
                "fee_currency_no_rate", "remit has no reference rate from %(currency)s to %(send)s to count %(fee)s: "
                "give it in %(send)s, or import a rate for %(currency)s", currency=currency, send=request.currency,
                fee=FEE_NAMES[name])]
            continue
        fees[name] = FeeAmount(name, given, currency, convert(given, rate.rate, minor), rate,
                               caveats.rate_is_stale(rate.as_of, on, limits))
    if errors:
        raise BundleInputError(errors, msg("bundle_invalid", "The bundle request has invalid fields."))
    return fees


class Options:
    """Each member's ways to send alone, as Options: priced from the corridor's envelope (no quote per
    member), with the caveats of the service's data worked out once per service."""

    def __init__(self, names: ServiceNames, info: dict[str, ServiceInfo], on: dt.date, period: str | None,
                 limits: caveats.Freshness):
        self.names, self.info, self.on, self.period, self.limits = names, info, on, period, limits
        # By service key and (negative margin, estimated): the option's name and warnings, worked out
        # once per service rather than once per member.
        self._facts: dict[tuple[str, bool, bool], tuple[str, tuple[str, ...]]] = {}

    def _service_facts(self, key: str, negative_margin: bool, estimated: bool) -> tuple[str, tuple[str, ...]]:
        service, info = self.names.by_key[key], self.info[key]
        stale = caveats.data_is_stale(
            rate_as_of=info.reference_rate_as_of, has_rate=service.reference_rate is not None,
            survey_period=self.period if service.basis is Basis.SURVEY else None, today=self.on,
            limits=self.limits)
        name = label(info)
        if estimated:
            name = msg("option_estimated", "%(option)s (estimated from the survey)", option=name)
        return name, caveats.flags(negative_margin=negative_margin, stale=stale, transparent=True,
                                   estimated=estimated)

    def from_envelope(self, envelope: Envelope, amounts: list[Decimal], keys: list[str] | None = None
                      ) -> list[Option | None]:
        """The cheapest way alone for each amount (or the service of each key), priced by the envelope
        all at once."""
        facts_of, options = self._facts, []
        for priced in envelope.price_many(amounts, keys):
            if priced is None:
                options.append(None)
                continue
            cost, key, received, negative_margin, estimated = priced
            facts = (key, negative_margin, estimated)
            found = facts_of.get(facts)
            if found is None:
                found = facts_of[facts] = self._service_facts(*facts)
            options.append(Option(found[0], cost, key, received, found[1]))
        return options

    def quoted(self, service: Service, amount: Decimal) -> Option | None:
        """For a service the envelope does not hold (its rate not disclosed): a quote."""
        result = quote(service, amount)
        if result is None:
            return None
        warnings = caveats.warnings(result, rate_as_of=self.info[service.key].reference_rate_as_of,
                                    survey_period=self.period if service.basis is Basis.SURVEY else None,
                                    today=self.on, limits=self.limits)
        name = label(self.info[service.key])
        if result.estimated:
            name = msg("option_estimated", "%(option)s (estimated from the survey)", option=name)
        return Option(name, result.total_cost, service.key, result.receive_amount, warnings)


def plan(request: BundleRequest, on: dt.date | None = None) -> BundleResult:
    return _plan(request, on or dt.date.today())


@dataclass
class _Priced:
    """The corridor's services in the request's currency as the plan reads them, on the plan's day."""

    corridor: Corridor
    version: str
    period: str | None
    services: list[tuple[Service, ServiceInfo]]
    rates: RateBook
    info: dict[str, ServiceInfo]
    names: ServiceNames


def _priced(request: BundleRequest, on: dt.date) -> _Priced:
    """The corridor's services in the request's currency; an unknown corridor, or one not priced in that
    currency, is refused."""
    corridor = find_corridor(request.send, request.receive)
    if corridor is None:
        raise NotFound(msg("corridor_unknown", "remit has no data for the corridor %(corridor)s.",
                           corridor=f"{request.send}-{request.receive}"))
    with snapshot():
        version = data_version(on)
        period, built = priced_services(corridor, on, version)
        rates = RateBook.load(on)
    services = [(s, i) for s, i in built if s.send_currency == request.currency]
    if not services:
        currencies = sorted({s.send_currency for s, _ in built} or {corridor.send_currency})
        raise BundleInputError({"currency": [msg(
            "currency_not_priced", "%(corridor)s is priced in %(currencies)s, not in %(currency)s.",
            corridor=corridor.code, currencies=currencies, currency=request.currency)]},
            msg("bundle_invalid", "The bundle request has invalid fields."))
    return _Priced(corridor, version, period, services, rates, {i.product_id: i for _, i in services},
                   ServiceNames(services))


def _problem_finder(request: BundleRequest, priced: _Priced) -> Callable[[str], Message]:
    """Why a name is no service of the corridor: the fee-table products members name by id are read at
    the first such name (one query for the whole list)."""
    named: dict[int, Product] = {}
    read = False

    def problem(text: str) -> Message:
        nonlocal read
        if not re.fullmatch(r"(ft|rpw)-\S*", text):
            return priced.names.unknown(text)
        if not read:
            named.update(_products_named(m.product for m in request.members
                                         if m.product and m.product not in priced.names.by_key))
            read = True
        return _product_problem(text, priced.corridor.code, named)

    return problem


def _members(request: BundleRequest, priced: _Priced, on: dt.date, limits: caveats.Freshness, whole: Envelope,
             errors: dict) -> tuple[list[Member], dict[str, str]]:
    """Each member with their cheapest way alone and the service they use today (by ref), priced from
    the envelopes of the corridor's transparent services; a service named that is not the corridor's,
    or does not take the member's amount, is an error of that member (in `errors`)."""
    corridor, transparent = priced.corridor, [s for s, _ in priced.services if s.transparent]
    options = Options(priced.names, priced.info, on, priced.period, limits)
    cheapest = _cheapest_options(request.members, options, whole, lambda method: cheapest_alone(
        corridor, request.currency, method, on, priced.version, transparent))
    named_as, today = _today_options(request.members, options, whole, _problem_finder(request, priced))
    members, today_keys = [], {}
    for index, (m, service, alone, current) in enumerate(zip(request.members, named_as, cheapest, today)):
        if service is not None:
            if isinstance(service, Message):
                errors.setdefault("members", {})[str(index)] = {"product": [msg(
                    "member_product", "member '%(ref)s': %(problem)s", ref=m.ref, problem=service)]}
                continue
            if current is None:
                errors.setdefault("members", {})[str(index)] = {"product": [msg(
                    "member_product_amount", "member '%(ref)s': %(service)s does not take %(amount)s",
                    ref=m.ref, service=label(priced.info[service.key]), amount=m.amount)]}
                continue
            today_keys[m.ref] = service.key
        members.append(Member(m.ref, m.amount, alone, current))
    return members, today_keys


def pooled_products(services: list[Service]) -> list[Service]:
    """The products a pooled transfer can go by: bank-to-bank fee tables (funded from and paid into a bank
    account), the products a plan chooses among unless the request names one."""
    return [s for s in services if s.basis is Basis.FEE_TABLE
            and s.funding_method == "bank_account" and s.payout_method == "bank_account"]


def default_terms(corridor: Corridor, currency: str, rates: RateBook, on: dt.date) -> Terms:
    """The terms of a plan whose request gives only the corridor and the currency: its fees as a request
    leaves them (none), no limit but the product's, the reporting threshold of the sending country."""
    request = BundleRequest(corridor.send_country, corridor.receive_country, currency, [])
    return _terms(request, corridor, rates, fee_amounts(request, rates, on, freshness()))


def _terms(request: BundleRequest, corridor: Corridor, rates: RateBook, fees: dict[str, FeeAmount]) -> Terms:
    return Terms(
        minor_unit=codes.minor_unit(request.currency), receive_minor_unit=codes.minor_unit(corridor.receive_currency),
        currency=request.currency, max_transfer=request.max_transfer,
        reporting_threshold=reporting_threshold(corridor.send_country, request.currency, rates),
        allocation=request.allocation, transfers_per_year=request.transfers_per_year, max_transfers=MAX_TRANSFERS,
        transfer_days=request.transfer_days, **{name: fee.amount for name, fee in fees.items()})


def _bulk_warnings(result: BundlePlan, bulk_services: list[Service], info: dict[str, ServiceInfo],
                   fees: dict[str, FeeAmount], on: dt.date, limits: caveats.Freshness) -> tuple[str, ...]:
    """The warnings of the pooled transfer's quote, and `stale` when a fee's rate is old."""
    found: tuple[str, ...] = ()
    if result.transfers:
        first = result.transfers[0]
        bulk = next(s for s in bulk_services if s.key == first.service_key)
        found = caveats.warnings(quote(bulk, first.amount), rate_as_of=info[bulk.key].reference_rate_as_of,
                                 survey_period=None, today=on, limits=limits)
    if any(fee.stale for fee in fees.values()) and caveats.STALE not in found:
        found = tuple(w for w in caveats.WARNINGS if w in found or w == caveats.STALE)
    return found


def _plan(request: BundleRequest, on: dt.date) -> BundleResult:
    """The corridor's services read, the bulk product and each member's ways to send checked (every
    error at once), the fees converted, then the domain's plan and what it rests on."""
    priced = _priced(request, on)
    limits = freshness()
    errors: dict = {}
    bulk_services = _bulk_services(request, priced.corridor, priced.services, priced.names, errors)
    transparent = [s for s, _ in priced.services if s.transparent]
    whole = cheapest_alone(priced.corridor, request.currency, None, on, priced.version, transparent)
    members, today_keys = _members(request, priced, on, limits, whole, errors)
    if errors:
        raise BundleInputError(errors, msg("bundle_invalid", "The bundle request has invalid fields."))
    fees = fee_amounts(request, priced.rates, on, limits)
    result = plan_bundle(members, bulk_services, _terms(request, priced.corridor, priced.rates, fees), alone=whole)
    return BundleResult(request, result, priced.info, priced.corridor.code, priced.corridor.receive_currency,
                        {m.ref: m for m in request.members}, today_keys,
                        _bulk_warnings(result, bulk_services, priced.info, fees, on, limits), fees,
                        _old_data(result, members, priced.names, priced.info, fees, priced.period, on, limits))


def _old_data(result: BundlePlan, members: list[Member], names: ServiceNames, info: dict[str, ServiceInfo],
              fees: dict[str, FeeAmount], period: str | None, on: dt.date, limits: caveats.Freshness) -> list[OldData]:
    """The rates and the survey the plan rests on that are past their freshness limits, as quotes judge
    them: the pooled transfer's reference rate, each fee's rate, and those of the services the members
    are compared with (the survey quarter, for a surveyed service)."""
    keys = {result.bulk_key} if result.bulk_key else set()
    for m in members:
        keys.update(option.key for option in (m.cheapest, m.today) if option is not None and option.key)
    days = {fee.rate.as_of for fee in fees.values() if fee.rate is not None}
    surveyed = False
    for key in keys:
        service = names.by_key.get(key)
        if service is None:
            continue
        if service.reference_rate is not None and info[key].reference_rate_as_of is not None:
            days.add(info[key].reference_rate_as_of)
        surveyed = surveyed or service.basis is Basis.SURVEY
    old = [OldData("rate", day, None, caveats.age(day, on)) for day in sorted(days)
           if caveats.rate_is_stale(day, on, limits)]
    if surveyed and caveats.survey_is_stale(period, on, limits):
        last = caveats.quarter_bounds(period)[1]
        old.insert(0, OldData("survey", last, period, caveats.age(last, on)))
    return old


def _cheapest_options(members: list[MemberInput], options: Options, whole: Envelope,
                      envelope_for: Callable[[str], Envelope]) -> list[Option | None]:
    """Each member's cheapest way alone: priced by the envelope of their payout method (`whole` when
    they name none), all of a method's members at once."""
    methods = {m.payout_method for m in members}
    if methods == {None}:
        return options.from_envelope(whole, [m.amount for m in members])
    cheapest: list[Option | None] = [None] * len(members)
    for method in methods:
        indexes = [i for i, m in enumerate(members) if m.payout_method == method]
        envelope = whole if method is None else envelope_for(method)
        for index, option in zip(indexes, options.from_envelope(envelope, [members[i].amount for i in indexes])):
            cheapest[index] = option
    return cheapest


def _today_options(members: list[MemberInput], options: Options, whole: Envelope,
                   problem: Callable[[str], Message]) -> tuple[list[Service | Message | None], list[Option | None]]:
    """For each member, the service they name as today's (or why no service has that name, or None
    when they name none) and what it costs them: those the envelope holds priced together, the
    others quoted one by one."""
    named_as: list[Service | Message | None] = [None] * len(members)
    today: list[Option | None] = [None] * len(members)
    held: list[int] = []
    for index, m in enumerate(members):
        if not m.product:
            continue
        service = options.names.find(m.product, m.amount)
        if service is None:
            named_as[index] = problem(m.product)
            continue
        named_as[index] = service
        if service.key in whole.services:
            held.append(index)
        else:
            today[index] = options.quoted(service, m.amount)
    if held:
        priced = options.from_envelope(whole, [members[i].amount for i in held], [named_as[i].key for i in held])
        for index, option in zip(held, priced):
            today[index] = option
    return named_as, today


def _bulk_services(request: BundleRequest, corridor, services, names: ServiceNames, errors: dict) -> list[Service]:
    if request.bulk_product:
        bulk = names.by_key.get(request.bulk_product)
        if bulk is None or bulk.basis is not Basis.FEE_TABLE:
            errors["bulk_product"] = [_product_problem(request.bulk_product, corridor.code)]
            return []
        return [bulk]
    found = pooled_products([s for s, _ in services])
    if not found:
        errors["bulk_product"] = [msg(
            "no_bulk_product",
            "remit holds no bank-to-bank fee table for %(corridor)s in %(currency)s, so it cannot price one pooled "
            "transfer: import the sending bank's fee table (funding and payout bank_account), or name a product "
            "with bulk_product", corridor=corridor.code, currency=request.currency)]
    return found
