"""Turn domain results into the API's JSON shapes: the one place where numbers are rounded for output."""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from flask import Response

from ..domain.money import round_money, round_pct, round_rate
from ..domain.pricing import Quote
from ..services.comparison import Comparison
from .openapi import UNKNOWN


def pct(value: Decimal | None) -> str | None:
    return None if value is None else str(round_pct(value))


def money(value: Decimal | None, minor_unit: int) -> str | None:
    return None if value is None else str(round_money(value, minor_unit))


def rate(value: Decimal | None) -> str | None:
    if value is None:
        return None
    # Six decimals for ordinary rates; more for tiny ones (TZS→USD is 0.000651).
    places = 6 if abs(value) >= Decimal("0.01") else 10
    return format(round_rate(value, places), "f")


def quote_json(q: Quote, comparison: Comparison, position: int) -> dict:
    info = comparison.info[q.service.key]
    send_minor, receive_minor = q.service.send_minor_unit, q.service.receive_minor_unit
    return {
        "rank": position,
        "provider": {"slug": info.provider_slug, "name": info.provider_name, "type": info.provider_type},
        "product": {"id": info.product_id, "name": info.product_name, "funding_method": info.funding_method,
                    "payout_method": info.payout_method or UNKNOWN, "speed": info.speed or UNKNOWN},
        "send_amount": money(q.send_amount, send_minor),
        "send_currency": q.service.send_currency,
        "fee": money(q.fee, send_minor),
        "exchange_rate": rate(q.exchange_rate),
        "reference_rate": rate(q.reference_rate),
        "reference_rate_as_of": info.reference_rate_as_of,
        "reference_rate_source": info.reference_rate_source,
        "fx_margin_pct": pct(q.fx_margin_pct),
        "fx_cost": money(q.fx_cost, send_minor),
        "total_cost": money(q.total_cost, send_minor),
        "total_cost_pct": pct(q.total_cost_pct),
        "receive_amount": None if q.receive_amount is None else str(q.receive_amount.quantize(
            Decimal(1).scaleb(-receive_minor))),
        "receive_currency": q.service.receive_currency,
        "transparent": q.transparent,
        "estimated": q.estimated,
        "basis": q.service.basis.value,
        "data_as_of": info.data_as_of,
        "data_period": info.data_period,
        "collected_at": info.collected_at,
        "source": info.source,
        "regions": list(info.regions),
        "accepted_ids": list(info.accepted_ids),
        "warnings": list(comparison.warnings.get(q.service.key, ())),
    }


def comparison_json(comparison: Comparison, first: int = 0, count: int | None = None) -> list[dict]:
    """The quotes ranked `first + 1` to `first + count` (every one when count is None)."""
    end = None if count is None else first + count
    return [quote_json(q, comparison, i) for i, q in enumerate(comparison.quotes[first:end], start=first + 1)]


def _default(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def json_text(body) -> str:
    return json.dumps(body, default=_default, ensure_ascii=False, separators=(",", ":"))


def json_response(text: str, headers: dict[str, str]) -> Response:
    return Response(text, status=200, mimetype="application/json", headers=headers)


def bundle_json(result) -> dict:
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
        } for x in plan.members],
        "totals": {"individual": m(plan.individual_total), "bundled": m(plan.bundled_total),
                   "saving": m(plan.saving), "saving_pct": pct(plan.saving_pct),
                   "current": m(plan.current_total), "saving_vs_current": m(plan.saving_vs_current),
                   "saving_vs_current_pct": pct(plan.saving_vs_current_pct),
                   "bundle_cost": m(plan.bundle_cost), "fees_on_top": m(plan.fees_on_top), "fx_cost": m(plan.fx_cost),
                   "deducted": m(plan.deducted), "distribution_fees": m(plan.distribution_fees), "sent": m(plan.sent),
                   "received": r(plan.credited), "paid_out": r(plan.paid_out)},
        "break_even_members": plan.break_even_members,
        "yearly_saving": m(plan.yearly_saving),
        "yearly_saving_vs_current": m(plan.yearly_saving_vs_current),
        "curve": [{"members": p.members, "bundled_per_member": m(p.bundled_per_member),
                   "individual_per_member": m(p.individual_per_member), "saving_per_member": m(p.saving_per_member),
                   "total_saving": m(p.total_saving)} for p in plan.curve],
        "verdict": plan.verdict,
        "notes": plan.notes,
    }
