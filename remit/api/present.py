"""Turn domain results into the API's JSON shapes: the one place where numbers are rounded for output."""
from __future__ import annotations

import datetime as dt
import json
from json.encoder import encode_basestring
import threading
from functools import lru_cache
from decimal import ROUND_HALF_UP, Decimal

from flask import Response

from ..domain.money import round_money, round_pct, shown_rate, unit
from ..domain.pricing import Quote, Service
from ..services.comparison import Comparison, ServiceInfo
from .openapi import UNKNOWN


def pct(value: Decimal | None) -> str | None:
    return None if value is None else str(round_pct(value))


def money(value: Decimal | None, minor_unit: int) -> str | None:
    return None if value is None else str(round_money(value, minor_unit))


def rate(value: Decimal | None) -> str | None:
    """A rate as stated: six decimals, ten for a tiny one (remit.domain.money.shown_rate)."""
    return None if value is None else format(shown_rate(value), "f")


# The fields of a quote, in the order they are written. Those that depend on the amount are worked
# out for each quote (`_amount_fields`); the others once per service and data version (`_service_fields`).
QUOTE_FIELDS = ("rank", "provider", "product", "send_amount", "send_currency", "fee", "exchange_rate", "reference_rate",
                "reference_rate_as_of", "reference_rate_source", "fx_margin_pct", "fx_cost", "total_cost",
                "total_cost_pct", "receive_amount", "receive_currency", "transparent", "estimated", "basis",
                "illustrative", "data_as_of", "data_period", "collected_at", "source", "regions", "accepted_ids", "warnings")
AMOUNT_FIELDS = ("rank", "send_amount", "fee", "exchange_rate", "fx_margin_pct", "fx_cost", "total_cost",
                 "total_cost_pct", "receive_amount", "transparent", "estimated", "warnings")


def _service_fields(service: Service, info: ServiceInfo) -> dict:
    return {
        "provider": {"slug": info.provider_slug, "name": info.provider_name, "type": info.provider_type},
        "product": {"id": info.product_id, "name": info.product_name, "funding_method": info.funding_method,
                    "payout_method": info.payout_method or UNKNOWN, "speed": info.speed or UNKNOWN},
        "send_currency": service.send_currency,
        "reference_rate": rate(service.reference_rate),
        "reference_rate_as_of": info.reference_rate_as_of,
        "reference_rate_source": info.reference_rate_source,
        "receive_currency": service.receive_currency,
        "basis": service.basis.value,
        "illustrative": info.illustrative,
        "data_as_of": info.data_as_of,
        "data_period": info.data_period,
        "collected_at": info.collected_at,
        "source": info.source,
        "regions": list(info.regions),
        "accepted_ids": list(info.accepted_ids),
    }


def _money_text(value: Decimal | None, places: Decimal) -> str:
    return "null" if value is None else '"%s"' % value.quantize(places, rounding=ROUND_HALF_UP)


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


def _amount_fields(q: Quote, warnings: tuple[str, ...], position: int, send_text: str | None = None) -> tuple:
    """AMOUNT_FIELDS of one quote as JSON texts, in that order: the same figures as money(), pct()
    and rate() give (a decimal string has no character JSON escapes). `send_text` is the send amount's
    text when the caller knows it (one amount for every quote of a question)."""
    service = q.service
    places = unit(service.send_minor_unit)
    warned = _warnings_text.get(warnings)
    if warned is None:
        warned = _warnings_text.setdefault(warnings, json_text(list(warnings)))
    return (str(position), send_text or _money_text(q.send_amount, places), _money_text(q.fee, places),
            _rate_text(q.exchange_rate), _pct_text(q.fx_margin_pct), _money_text(q.fx_cost, places),
            _money_text(q.total_cost, places), '"%s"' % round_pct(q.total_cost_pct),
            "null" if q.receive_amount is None else
            '"%s"' % q.receive_amount.quantize(unit(service.receive_minor_unit)),
            "true" if q.transparent else "false", "true" if q.estimated else "false", warned)


def _template(service: Service, info: ServiceInfo) -> str:
    """A quote of this service as JSON, with %s where each amount field goes."""
    fixed = _service_fields(service, info)
    parts = []
    for name in QUOTE_FIELDS:
        value = "%s" if name in AMOUNT_FIELDS else json_text(fixed[name]).replace("%", "%%")
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
    """The quotes ranked `first + 1` to `first + count` (every one when count is None) as a JSON array,
    in QuoteSchema's shape (tests/api/test_quotes.py holds them equal). Each is written once, from its
    service's template and its amount fields: dumping 50 nested quotes through marshmallow took half
    of the request's time."""
    end = None if count is None else first + count
    info, warnings = comparison.info, comparison.warnings
    items = []
    # Asked for an amount to send, every quote sends it: written once.
    send_text = None if comparison.amount is None or not comparison.quotes else _money_text(
        comparison.amount, unit(comparison.quotes[0].service.send_minor_unit))
    for position, q in enumerate(comparison.quotes[first:end], start=first + 1):
        key = q.service.key
        items.append(templates.get(q.service, info[key])
                     % _amount_fields(q, warnings.get(key, ()), position, send_text))
    return "[" + ",".join(items) + "]"


def _default(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def json_text(body) -> str:
    return json.dumps(body, default=_default, ensure_ascii=False, separators=(",", ":"))


def json_response(text: str | bytes, headers: dict[str, str]) -> Response:
    return Response(text, status=200, mimetype="application/json", headers=headers)


def bundle_json(result, members: bool = True) -> dict:
    """The plan in BundlePlanSchema's shape (`members=False`: their list left empty, for bundle_text)."""
    from ..codes import minor_unit

    plan, request, info = result.plan, result.request, result.info
    minor, receive_minor = minor_unit(request.currency), minor_unit(result.receive_currency)

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
        "members": [{
            "ref": x.ref, "amount": m(x.amount), "joins": x.joins, "share": m(x.share),
            "fees_on_top": m(x.fees_on_top), "contribution": m(x.contribution),
            "receive_amount": r(x.receive_amount),
            "individual_cost": m(x.individual_cost), "individual_option": x.individual_option,
            "saving": m(x.saving), "saving_pct": pct(x.saving_pct),
            "current_option": x.current_option, "current_cost": m(x.current_cost),
            "saving_vs_current": m(x.saving_vs_current), "saving_vs_current_pct": pct(x.saving_vs_current_pct),
            "warnings": list(x.warnings), "reason": x.reason,
        } for x in (plan.members if members else ())],
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
            "amount": str(round_money(fee.given, minor_unit(fee.currency))), "currency": fee.currency,
            "in_send_currency": m(fee.amount), "rate": rate(fee.rate.rate) if fee.rate else None,
            "rate_as_of": fee.rate.as_of if fee.rate else None,
            "rate_source": fee.rate.source if fee.rate else None,
        } for name, fee in result.fees.items()},
    }


_PCT_PLACES = Decimal("0.01")  # round_pct's


def _member_texts(result) -> list[str]:
    """bundle_json(result)["members"], each as json_text writes it, written directly: a thousand members
    took a dictionary each and then the encoder's walk through them, a fifth of the request's time.
    The figures are those of bundle_json, rounded alike (a test holds bundle_text equal to
    json_text(bundle_json)). Each member is one f-string with its figures rounded in place: a function
    per figure and `%` with seventeen values took twice the time of the rounding itself."""
    from ..codes import minor_unit

    places, pct_places = unit(minor_unit(result.request.currency)), _PCT_PLACES
    receive_places = Decimal(1).scaleb(-minor_unit(result.receive_currency))
    half_up = ROUND_HALF_UP
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
        # Figures that may be null, each as JSON: bundle_json's m(), r() and pct().
        share, fees = x.share, x.fees_on_top
        contribution = None if fees is None else x.contribution  # (None without fees on top)
        share = "null" if share is None else f'"{str(share.quantize(places, half_up))}"'
        fees = "null" if fees is None else f'"{str(fees.quantize(places, half_up))}"'
        contribution = "null" if contribution is None else f'"{str(contribution.quantize(places, half_up))}"'
        received, cost, saving, saving_pct = x.receive_amount, x.individual_cost, x.saving, x.saving_pct
        received = "null" if received is None else f'"{str(received.quantize(receive_places))}"'
        cost = "null" if cost is None else f'"{str(cost.quantize(places, half_up))}"'
        saving = "null" if saving is None else f'"{str(saving.quantize(places, half_up))}"'
        saving_pct = "null" if saving_pct is None else f'"{str(saving_pct.quantize(pct_places, half_up))}"'
        current_cost, saving_now, saving_now_pct = x.current_cost, x.saving_vs_current, x.saving_vs_current_pct
        current_cost = "null" if current_cost is None else f'"{str(current_cost.quantize(places, half_up))}"'
        saving_now = "null" if saving_now is None else f'"{str(saving_now.quantize(places, half_up))}"'
        saving_now_pct = ("null" if saving_now_pct is None
                          else f'"{str(saving_now_pct.quantize(pct_places, half_up))}"')
        items.append(
            f'{{"ref":{encode_basestring(x.ref)},"amount":"{str(x.amount.quantize(places, half_up))}",'
            f'"joins":{"true" if x.joins else "false"},"share":{share},"fees_on_top":{fees},'
            f'"contribution":{contribution},"receive_amount":{received},"individual_cost":{cost},'
            f'"individual_option":{option},"saving":{saving},"saving_pct":{saving_pct},"current_option":{current},'
            f'"current_cost":{current_cost},"saving_vs_current":{saving_now},'
            f'"saving_vs_current_pct":{saving_now_pct},"warnings":{warnings},'
            f'"reason":{"null" if x.reason is None else encode_basestring(x.reason)}}}')
    return items


def bundle_text(result) -> str:
    """json_text(bundle_json(result)), with the members written by _member_texts (half a megabyte for
    a thousand members: the parts are joined once, not added one to the next)."""
    body = bundle_json(result, members=False)
    names = list(body)
    at = names.index("members")
    head = json_text({name: body[name] for name in names[:at]})
    tail = json_text({name: body[name] for name in names[at + 1:]})
    return "".join((head[:-1], ',"members":[', ",".join(_member_texts(result)), "],", tail[1:]))
