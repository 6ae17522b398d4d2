"""Turn domain results into the API's JSON shapes. The domain rounds a quote's figures as they are
shown; a plan's and the statistics' figures are rounded here, at output."""
from __future__ import annotations

import datetime as dt
import json
from json.encoder import encode_basestring
import threading
from functools import lru_cache
from decimal import ROUND_HALF_UP, Decimal

from flask import Response

from .. import codes
from ..domain.money import half_up, round_money, round_pct, shown_rate, unit
from ..domain.pricing import Quote, Service
from ..services.comparison import Comparison, ServiceInfo
from .openapi import UNKNOWN
from .schemas import QuoteSchema


def pct(value: Decimal | None) -> str | None:
    return None if value is None else str(round_pct(value))


def money(value: Decimal | None, minor_unit: int) -> str | None:
    return None if value is None else str(round_money(value, minor_unit))


def rate(value: Decimal | None) -> str | None:
    """A rate as stated: six decimals, ten for a tiny one (remit.domain.money.shown_rate)."""
    return None if value is None else format(shown_rate(value), "f")


# --- Quotes --------------------------------------------------------------------------------------
# A quote's JSON has one description, QuoteSchema (remit/api/schemas.py): its fields, their order and
# types, from which the OpenAPI document is generated; and one writer, below. QuoteSchema never dumps a
# quote: a question's fifty nested quotes are written from a template per service (the fields that do
# not depend on the amount, written once per service and data version) with each quote's amount fields
# put in. The figures are the domain's, already rounded as shown (remit.domain.pricing): the writer
# rounds only the percentage, and writes the amount sent in the currency's minor unit.

QUOTE_FIELDS = tuple(QuoteSchema._declared_fields)
AMOUNT_FIELDS = ("rank", "send_amount", "fee", "exchange_rate", "fx_margin_pct", "fx_cost", "total_cost",
                 "total_cost_pct", "receive_amount", "transparent", "estimated", "warnings")


# The fields that do not depend on the amount, each from the service and what is known of it.
SERVICE_VALUES = {
    "provider": lambda s, i: {"slug": i.provider_slug, "name": i.provider_name, "type": i.provider_type},
    "product": lambda s, i: {"id": i.product_id, "name": i.product_name, "funding_method": i.funding_method,
                             "payout_method": i.payout_method or UNKNOWN, "speed": i.speed or UNKNOWN},
    "send_currency": lambda s, i: s.send_currency,
    "reference_rate": lambda s, i: rate(s.reference_rate),
    "reference_rate_as_of": lambda s, i: i.reference_rate_as_of,
    "reference_rate_source": lambda s, i: i.reference_rate_source,
    "receive_currency": lambda s, i: s.receive_currency,
    "basis": lambda s, i: s.basis.value,
    "illustrative": lambda s, i: i.illustrative,
    "data_as_of": lambda s, i: i.data_as_of,
    "data_period": lambda s, i: i.data_period,
    "collected_at": lambda s, i: i.collected_at,
    "source": lambda s, i: i.source,
    "regions": lambda s, i: list(i.regions),
    "accepted_ids": lambda s, i: list(i.accepted_ids),
}
# A field described and not written, or written and not described, is an error when the app starts.
_unmatched = set(QUOTE_FIELDS) ^ {*SERVICE_VALUES, *AMOUNT_FIELDS}
if _unmatched or len(QUOTE_FIELDS) != len(SERVICE_VALUES) + len(AMOUNT_FIELDS):
    raise RuntimeError(f"QuoteSchema's fields and its writer's differ: {sorted(_unmatched)}")


def _text(value) -> str:
    """A figure already rounded by the domain, as a JSON string (or null)."""
    return "null" if value is None else '"%s"' % value


@lru_cache(maxsize=4096)
def _pct_text(value: Decimal | None) -> str:
    """A percentage as JSON; kept, since a band's FX margin recurs on every quote of that band."""
    return "null" if value is None else '"%s"' % round_pct(value)


@lru_cache(maxsize=4096)
def _rate_text(value: Decimal | None) -> str:
    """An exchange rate as JSON; kept, since a band's applied rate recurs on every quote of that band."""
    text = rate(value)
    return "null" if text is None else '"' + text + '"'


_warnings_text: dict[tuple[str, ...], str] = {}


def _amount_fields(q: Quote, warnings: tuple[str, ...], position: int, send_text: str) -> tuple:
    """AMOUNT_FIELDS of one quote as JSON texts, in that order (a decimal string has no character JSON
    escapes). `send_text` is the amount sent, written once for every quote of a question."""
    warned = _warnings_text.get(warnings)
    if warned is None:
        warned = _warnings_text.setdefault(warnings, json_text(list(warnings)))
    return (str(position), send_text, _text(q.fee), _rate_text(q.exchange_rate), _pct_text(q.fx_margin_pct),
            _text(q.fx_cost), _text(q.total_cost), '"%s"' % round_pct(q.total_cost_pct), _text(q.receive_amount),
            "true" if q.transparent else "false", "true" if q.estimated else "false", warned)


def _template(service: Service, info: ServiceInfo) -> str:
    """A quote of this service as JSON, with %s where each amount field goes."""
    parts = []
    for name in QUOTE_FIELDS:
        value = "%s" if name in AMOUNT_FIELDS else json_text(SERVICE_VALUES[name](service, info)).replace("%", "%%")
        parts.append(f'"{name}":{value}')
    return "{" + ",".join(parts) + "}"


class _Templates:
    """Templates kept per service object. Services are built once per data version and kept in
    memory (services.comparison); a template is kept while its service and info are the very objects
    asked about, and the whole store is emptied past `size` entries, so it cannot grow without bound."""

    def __init__(self, size: int = 4096):
        self.size = size
        self._kept: dict[int, tuple[Service, ServiceInfo, str]] = {}
        self._lock = threading.Lock()

    def get(self, service: Service, info: ServiceInfo) -> str:
        kept = self._kept.get(id(service))
        if kept is not None and kept[0] is service and kept[1] is info:
            return kept[2]
        template = _template(service, info)
        with self._lock:
            if len(self._kept) >= self.size:
                self._kept.clear()
            self._kept[id(service)] = (service, info, template)
        return template


templates = _Templates()


def quotes_text(comparison: Comparison, first: int = 0, count: int | None = None) -> str:
    """The quotes ranked `first + 1` to `first + count` (every one when count is None) as a JSON array
    in QuoteSchema's shape: the API's only writer of quotes. The amount sent is the question's (or,
    asked for an amount to receive, each quote's own), in the send currency's minor unit."""
    end = None if count is None else first + count
    info, warnings = comparison.info, comparison.warnings
    items = []
    # Asked for an amount to send, every quote sends it: written once.
    send_text = None if comparison.amount is None or not comparison.quotes else _money_text(
        comparison.amount, comparison.quotes[0].service.send_minor_unit)
    for position, q in enumerate(comparison.quotes[first:end], start=first + 1):
        key = q.service.key
        items.append(templates.get(q.service, info[key]) % _amount_fields(
            q, warnings.get(key, ()), position, send_text or _money_text(q.send_amount, q.service.send_minor_unit)))
    return "[" + ",".join(items) + "]"


def _money_text(value: Decimal, minor_unit: int) -> str:
    return '"%s"' % round_money(value, minor_unit)


def _default(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def json_text(body) -> str:
    return json.dumps(body, default=_default, ensure_ascii=False, separators=(",", ":"))


def json_response(text: str | bytes, headers: dict[str, str]) -> Response:
    return Response(text, status=200, mimetype="application/json", headers=headers)


def _plan_json(result) -> dict:
    """The plan in BundlePlanSchema's shape but its members (an empty list where they go): bundle_text
    writes them."""
    plan, request, info = result.plan, result.request, result.info
    minor, receive_minor = codes.minor_unit(request.currency), codes.minor_unit(result.receive_currency)

    def m(value):  # money() without its call: a thousand members have twelve figures each
        return None if value is None else str(round_money(value, minor))

    def r(value):
        return None if value is None else str(value.quantize(Decimal(1).scaleb(-receive_minor)))

    def product(key):
        return {"id": key, "name": info[key].product_name, "provider": info[key].provider_name}

    bulk = result.bulk
    return {
        "corridor": result.corridor_code, "currency": request.currency, "receive_currency": result.receive_currency,
        "allocation": request.allocation,
        "bulk_product": product(plan.bulk_key) if plan.bulk_key else None,
        "exchange_rate": rate(plan.applied_rate), "reference_rate": rate(plan.reference_rate),
        "reference_rate_as_of": bulk.reference_rate_as_of if bulk else None,
        "warnings": list(result.warnings),
        "transfers": [{
            "amount": m(t.amount), "product": product(t.service_key),
            "fee": m(t.fee), "fx_cost": m(t.fx_cost), "coordinator_fee": m(t.coordinator_fee),
            "incoming_fee": m(t.incoming_fee), "intermediary_fee": m(t.intermediary_fee), "deducted": m(t.deducted),
            "cost": m(t.cost),
            "exchange_rate": rate(t.applied_rate), "receive_amount": r(t.credited), "reportable": t.reportable,
            "day": t.day,
        } for t in plan.transfers],
        "members": [],
        "totals": {"individual": m(plan.individual_total), "bundled": m(plan.bundled_total),
                   "saving": m(plan.saving), "saving_pct": pct(plan.saving_pct),
                   "current": m(plan.current_total), "saving_vs_current": m(plan.saving_vs_current),
                   "saving_vs_current_pct": pct(plan.saving_vs_current_pct),
                   "bundle_cost": m(plan.bundle_cost), "fees_on_top": m(plan.fees_on_top), "fx_cost": m(plan.fx_cost),
                   "deducted": m(plan.deducted), "distribution_fees": m(plan.distribution_fees), "sent": m(plan.sent),
                   "received": r(plan.credited), "paid_out": r(plan.paid_out)},
        "break_even_members": plan.break_even_members,
        "paying_group_sizes": [{"from": first, "to": last} for first, last in plan.paying_sizes],
        "yearly_saving": m(plan.yearly_saving),
        "yearly_saving_vs_current": m(plan.yearly_saving_vs_current),
        "curve": [{"members": p.members, "bundled_per_member": m(p.bundled_per_member),
                   "individual_per_member": m(p.individual_per_member), "saving_per_member": m(p.saving_per_member),
                   "total_saving": m(p.total_saving)} for p in plan.curve],
        "verdict": plan.verdict,
        "notes": plan.notes,
        "days": [{"day": d.day, "transfers": d.transfers, "total": m(d.total), "reportable": d.reportable}
                 for d in plan.days],
        "reporting_threshold": m(plan.reporting_threshold),
        "fees": {name: {
            "amount": str(round_money(fee.given, codes.minor_unit(fee.currency))), "currency": fee.currency,
            "in_send_currency": m(fee.amount), "rate": rate(fee.rate.rate) if fee.rate else None,
            "rate_as_of": fee.rate.as_of if fee.rate else None,
            "rate_source": fee.rate.source if fee.rate else None,
        } for name, fee in result.fees.items()},
    }


_PCT_PLACES = Decimal("0.01")  # round_pct's


def _member_texts(result) -> list[str]:
    """The plan's members in BundlePlanSchema's shape, each as json_text would write it, written directly
    rather than as a dictionary each walked by the encoder (bench/bundle_bench.py measures a thousand
    members). Each member is one f-string with its figures rounded in place, rather than a function per
    figure and `%` with seventeen values."""
    places, pct_places = unit(codes.minor_unit(result.request.currency)), _PCT_PLACES
    receive_places = Decimal(1).scaleb(-codes.minor_unit(result.receive_currency))
    up = ROUND_HALF_UP
    texts: dict = {None: "null"}  # option names and warnings recur: each written once
    items = []
    for x in result.plan.members:
        option, current, warnings = texts.get(x.individual_option), texts.get(x.current_option), texts.get(x.warnings)
        if option is None:
            option = texts[x.individual_option] = encode_basestring(x.individual_option)
        if current is None:
            current = texts[x.current_option] = encode_basestring(x.current_option)
        if warnings is None:
            warnings = texts[x.warnings] = json_text(list(x.warnings))
        # Figures that may be null, each as JSON. The money is the domain's, already in the minor unit
        # (quantize only writes its places); a percentage is rounded here, half up (money.half_up
        # under zero: saving against today may be negative).
        fees = x.fees_on_top
        v = x.share
        share = "null" if v is None else f'"{v.quantize(places, up)}"'
        v = x.contribution if fees is not None else None  # (None without fees on top)
        contribution = "null" if v is None else f'"{v.quantize(places, up)}"'
        fees = "null" if fees is None else f'"{fees.quantize(places, up)}"'
        v = x.receive_amount
        received = "null" if v is None else f'"{v.quantize(receive_places)}"'
        v = x.individual_cost
        cost = "null" if v is None else f'"{v.quantize(places, up)}"'
        v = x.saving
        saving = "null" if v is None else f'"{v.quantize(places, up)}"'
        v = x.saving_pct
        saving_pct = "null" if v is None else f'"{v.quantize(pct_places, up) if v >= 0 else half_up(v, pct_places)}"'
        v = x.current_cost
        current_cost = "null" if v is None else f'"{v.quantize(places, up)}"'
        v = x.saving_vs_current
        saving_now = "null" if v is None else f'"{v.quantize(places, up)}"'
        v = x.saving_vs_current_pct
        saving_now_pct = ("null" if v is None
                          else f'"{v.quantize(pct_places, up) if v >= 0 else half_up(v, pct_places)}"')
        items.append(
            f'{{"ref":{encode_basestring(x.ref)},"amount":"{x.amount.quantize(places, up)}",'
            f'"joins":{"true" if x.joins else "false"},"share":{share},"fees_on_top":{fees},'
            f'"contribution":{contribution},"receive_amount":{received},"individual_cost":{cost},'
            f'"individual_option":{option},"saving":{saving},"saving_pct":{saving_pct},"current_option":{current},'
            f'"current_cost":{current_cost},"saving_vs_current":{saving_now},'
            f'"saving_vs_current_pct":{saving_now_pct},"warnings":{warnings},'
            f'"reason":{"null" if x.reason is None else encode_basestring(x.reason)}}}')
    return items


def bundle_text(result) -> str:
    """The plan as JSON, the API's only writer of it: _plan_json's fields, with the members written by
    _member_texts (half a megabyte for a thousand members: the parts are joined once, not added one to
    the next)."""
    body = _plan_json(result)
    names = list(body)
    at = names.index("members")
    head = json_text({name: body[name] for name in names[:at]})
    tail = json_text({name: body[name] for name in names[at + 1:]})
    return "".join((head[:-1], ',"members":[', ",".join(_member_texts(result)), "],", tail[1:]))
