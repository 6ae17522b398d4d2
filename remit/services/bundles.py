"""Plan a group transfer: find the bulk channel and each member's best individual option, then let
the domain plan, cost and allocate the bundle."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from .. import codes
from ..domain.bundling import BundlePlan, Member, Terms, plan_bundle
from ..domain.errors import RemitError
from ..domain.messages import msg
from ..domain.pricing import Basis, Service, quote
from ..extensions import db
from ..inputs import MAX_MEMBERS, MAX_TRANSFERS, quoted, record_id
from ..models import Product
from .comparison import ServiceInfo, priced_services
from .reference import find_corridor



class BundleInputError(RemitError):
    """Input that names a field: `errors` maps field paths to messages."""

    def __init__(self, errors: dict, message: str, status: int = 422):
        super().__init__(message, errors=errors or None)
        self.status = status


@dataclass(frozen=True)
class MemberInput:
    ref: str
    amount: Decimal
    payout_method: str | None = None
    product: str | None = None


@dataclass(frozen=True)
class BundleRequest:
    send: str
    receive: str
    currency: str
    members: list[MemberInput]
    bulk_product: str | None = None
    max_transfer: Decimal = Decimal(10000)
    distribution_fee: Decimal = Decimal(0)
    coordinator_fee: Decimal = Decimal(0)
    incoming_fee: Decimal = Decimal(0)
    allocation: str = "pro_rata"
    transfers_per_year: int | None = None


@dataclass
class BundleResult:
    request: BundleRequest
    plan: BundlePlan
    info: dict[str, ServiceInfo]
    corridor_code: str


def _product_problem(product_id: str, corridor_code: str) -> str:
    """Why a product id is not one of this corridor's fee-table products."""
    number = product_id[3:] if product_id.startswith("ft-") else ""
    if not number.isascii() or not number.isdigit():
        return msg("not_a_product_id", "'%(id)s' is not a fee-table product id (ft-N)", id=quoted(product_id))
    found = record_id(number)  # an id no column can hold names no product
    product = db.session.get(Product, found) if found is not None else None
    if product is None:
        return msg("no_such_product", "no product %(id)s", id=quoted(product_id))
    return msg("product_other_corridor", "%(id)s serves %(serves)s, not %(corridor)s", id=product_id,
               serves=product.corridor.code, corridor=corridor_code)


def _best(services: list[Service], info: dict[str, ServiceInfo], amount: Decimal):
    quotes = [q for q in (quote(s, amount) for s in services) if q is not None and q.transparent]
    if not quotes:
        return None, None
    best = min(quotes, key=lambda q: (q.total_cost, q.service.key))
    label = f"{info[best.service.key].provider_name} · {info[best.service.key].product_name}"
    return best.total_cost, (msg("option_estimated", "%(option)s (estimated from the survey)", option=label)
                             if best.estimated else label)


def plan(request: BundleRequest, on: dt.date | None = None) -> BundleResult:
    on = on or dt.date.today()
    corridor = find_corridor(request.send, request.receive)
    if corridor is None:
        raise BundleInputError({}, msg("corridor_unknown", "remit has no data for the corridor %(corridor)s.",
                                       corridor=f"{request.send}-{request.receive}"), 404)
    minor = codes.minor_unit(request.currency)
    _, built = priced_services(corridor, on)
    services = [(s, i) for s, i in built if s.send_currency == request.currency]
    info = {i.product_id: i for _, i in services}
    by_key = {s.key: s for s, _ in services}
    errors: dict = {}
    if request.bulk_product:
        bulk = by_key.get(request.bulk_product)
        if bulk is None or bulk.basis is not Basis.FEE_TABLE:
            errors["bulk_product"] = [_product_problem(request.bulk_product, corridor.code)]
        bulk_services = [bulk] if bulk is not None else []
    else:
        bulk_services = [s for s, _ in services if s.basis is Basis.FEE_TABLE
                         and s.funding_method == "bank_account" and s.payout_method == "bank_account"]
        if not bulk_services:
            errors["bulk_product"] = [msg("no_bulk_product",
                                          "%(corridor)s has no account-to-account product in %(currency)s; name one "
                                          "with bulk_product", corridor=corridor.code, currency=request.currency)]
    individual_services = [s for s, _ in services if s.transparent]
    members = []
    for index, m in enumerate(request.members):
        candidates = individual_services
        if m.product:
            if m.product not in by_key:
                errors.setdefault("members", {})[str(index)] = {"product": [msg(
                    "member_product", "member '%(ref)s': %(problem)s", ref=m.ref,
                    problem=_product_problem(m.product, corridor.code))]}
                continue
            candidates = [by_key[m.product]]
        elif m.payout_method:
            candidates = [s for s in individual_services if s.payout_method == m.payout_method]
        cost, label = _best(candidates, info, m.amount)
        members.append(Member(m.ref, m.amount, cost, label))
    if errors:
        raise BundleInputError(errors, msg("bundle_invalid", "The bundle request has invalid fields."))
    terms = Terms(minor_unit=minor, max_transfer=request.max_transfer, distribution_fee=request.distribution_fee,
                  coordinator_fee=request.coordinator_fee, incoming_fee=request.incoming_fee,
                  allocation=request.allocation, transfers_per_year=request.transfers_per_year,
                  max_transfers=MAX_TRANSFERS)

    def individual_cost_at(amount: Decimal):
        return _best(individual_services, info, amount)[0]

    from ..domain.bundling import BundleError

    try:
        result = plan_bundle(members, bulk_services, terms, individual_cost_at=individual_cost_at,
                             max_group=MAX_MEMBERS)
    except BundleError as exc:
        raise BundleInputError({exc.field: [str(exc)]}, str(exc)) from None
    return BundleResult(request, result, info, corridor.code)
