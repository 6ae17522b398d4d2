"""Corridors and their statistics."""
from __future__ import annotations

import json
import re

from flask import current_app, url_for
from flask.views import MethodView
from flask_smorest import Page, abort

from .. import codes
from ..domain.bundling.threshold import LARGEST_GROUP, SMALLEST_GROUP
from ..domain.caveats import frequency
from ..domain.messages import msg
from ..inputs import decimals
from ..services import catalog, guide, stats
from ..services.reference import find_corridor
from ..services.snapshot import snapshot
from . import caching, present
from .blueprint import Blueprint
from .guide_schemas import GuideArgsSchema, GuideSchema
from .openapi import ETAG
from .schemas import CorridorArgsSchema, CorridorSchema, CorridorStatsSchema, StatsArgsSchema

corridors_bp = Blueprint("corridors", __name__, url_prefix="/api/v1/corridors",
                         description="Corridors: a sending and a receiving country.")


CORRIDOR_CODE = r"^[A-Za-z]{2,3}-[A-Za-z]{2,3}$"


def corridor_or_404(code: str):
    """The corridor a path names: two ISO 3166-1 codes joined by '-' (422 when it is not written so;
    404 when it names no corridor remit holds, an unknown country included)."""
    if not re.fullmatch(CORRIDOR_CODE, code):
        problem = msg("corridor_code", "write the corridor as two country codes joined by '-', e.g. CA-GT")
        abort(422, message=problem, errors={"path": {"code": [problem]}})
    send, _, receive = code.upper().partition("-")
    try:
        send, receive = codes.country(send), codes.country(receive)
    except codes.CodeError as exc:
        abort(404, message=msg("corridor_unknown_country", "remit has no data for the corridor %(corridor)s: %(problem)s",
                               corridor=code.upper(), problem=exc.args[0]))
    corridor = find_corridor(send, receive)
    if corridor is None:
        abort(404, message=msg("corridor_unknown", "remit has no data for the corridor %(corridor)s.",
                               corridor=f"{send}-{receive}"))
    return corridor


@corridors_bp.route("")
class Corridors(MethodView):
    @corridors_bp.arguments(CorridorArgsSchema, location="query")
    @corridors_bp.response(200, CorridorSchema(many=True))
    @corridors_bp.paginate(Page)
    @corridors_bp.doc(operationId="list_corridors")
    def get(self, args):
        """Corridors remit holds data for, with the number of services in each"""
        return [c for c in catalog.corridor_summaries()
                if (args["send"] is None or c.send_country == args["send"])
                and (args["receive"] is None or c.receive_country == args["receive"])]


def _cheapest_json(cost) -> dict:
    return {"product_id": cost.key, "name": cost.name, "total_cost_pct": present.pct(cost.total_cost_pct_200),
            "negative_margin": cost.negative_margin}


def _figures(period_stats) -> dict:
    """A quarter's figures in the trend; all null for a quarter without figures of its own."""
    if period_stats is None:
        return dict.fromkeys(("average_total_cost_pct_200", "average_total_cost_pct_500", "smart_pct",
                              "cheapest_total_cost_pct"))
    s = period_stats.stats
    return {"average_total_cost_pct_200": present.pct(s.average_total_cost_pct_200),
            "average_total_cost_pct_500": present.pct(s.average_total_cost_pct_500),
            "smart_pct": present.pct(s.smart_pct), "cheapest_total_cost_pct": present.pct(s.cheapest_pct_200)}


def _round_json(corridor, found) -> dict:
    s, rpw = found.stats, found.rpw
    return {
        "round": found.round, "month": found.month, "source": str(found.source), "first_day": found.first_day,
        "last_day": found.last_day, "services": s.services, "waiting_for_rate": found.waiting_for_rate,
        "send_amounts": [present.money(a, codes.minor_unit(corridor.send_currency)) for a in found.send_amounts],
        "average_total_cost_pct": present.pct(s.average_total_cost_pct_200), "smart_pct": present.pct(s.smart_pct),
        "smart_negative_margins": s.smart_negative_margins,
        "cheapest_total_cost_pct": present.pct(s.cheapest_pct_200),
        "cheapest": None if s.cheapest is None else _cheapest_json(s.cheapest),
        "sdg_target_met": s.sdg_target_met, "above_5pct": s.above_5pct,
        "rpw": None if rpw is None else {
            "period": rpw.period, "basis": rpw.basis,
            "average_total_cost_pct_200": present.pct(rpw.stats.average_total_cost_pct_200),
            "smart_pct": present.pct(rpw.stats.smart_pct), "cheapest_total_cost_pct": present.pct(rpw.stats.cheapest_pct_200),
            "sdg_target_met": rpw.stats.sdg_target_met, "above_5pct": rpw.stats.above_5pct,
            "source": str(rpw.source)},
    }


def _stats_json(corridor, period_stats, history, rounds=()) -> dict:
    s = period_stats.stats
    return {
        "corridor": corridor.code, "period": period_stats.period, "basis": period_stats.basis,
        "average_total_cost_pct_200": present.pct(s.average_total_cost_pct_200),
        "average_total_cost_pct_500": present.pct(s.average_total_cost_pct_500),
        "smart_pct": present.pct(s.smart_pct), "smart_negative_margins": s.smart_negative_margins,
        "smart_speed_unknown": s.smart_speed_unknown,
        "services": s.services,
        "transparent_services": s.transparent_services, "sdg_target_met": s.sdg_target_met,
        "above_5pct": s.above_5pct,
        "cheapest": None if s.cheapest is None else _cheapest_json(s.cheapest),
        "cheapest_total_cost_pct": present.pct(s.cheapest_pct_200),
        "monthly_amount": present.money(period_stats.monthly_amount, codes.minor_unit(corridor.send_currency)),
        "send_currency": corridor.send_currency,
        "yearly_saving": present.money(period_stats.yearly_saving, codes.minor_unit(corridor.send_currency)),
        "yearly_saving_against": None if period_stats.yearly_saving is None else _cheapest_json(s.regular_cheapest),
        "trend": [{"period": p.period, "basis": p.basis, "frequency": frequency(p.period), **_figures(p)}
                  for p in history],
        "quarters": [{"period": q.period, "gap": q.gap, "basis": q.basis, "frequency": q.frequency,
                      "figures_of": q.covered_by, **_figures(q.figure)} for q in stats.with_gaps(history)],
        "source": period_stats.source,
        "illustrative": period_stats.illustrative,
        "observed_rounds": [_round_json(corridor, r) for r in rounds],
    }


@corridors_bp.route("/<string:code>/stats", parameters=[{
    "in": "path", "name": "code", "required": True, "description": "the corridor: sending and receiving country "
    "(ISO 3166-1 alpha-2 or alpha-3, any case) joined by '-'", "schema": {"type": "string", "pattern": CORRIDOR_CODE},
    "example": "CA-GT"}])
class CorridorStats(MethodView):
    @corridors_bp.arguments(StatsArgsSchema, location="query")
    @corridors_bp.response(200, CorridorStatsSchema)
    @corridors_bp.alt_response(404, description="remit holds no data for this corridor (or names no such country), "
                                                "or none for that period.")
    @corridors_bp.doc(operationId="get_corridor_stats", **ETAG)
    def get(self, args, code):
        """Average cost at USD 200 and 500, SmaRT, SDG 10.c status and the trend over quarters

        From RPW survey data where the World Bank surveys the corridor (latest quarter by default):
        computed from the quotes where remit holds them (`basis` survey), else RPW's published average
        and cheapest quote (`basis` published: nothing per service, so `services`, the USD 500 average
        and SmaRT are null). A corridor RPW does not survey gets them from remit's fee tables for the
        current quarter (`basis` fee_table).
        """
        corridor = corridor_or_404(code)
        tag = caching.etag()
        cached = caching.not_modified(tag)
        if cached is not None:
            return cached
        period = args["period"]
        if period and "_" in period:
            period = f"{period[:4]}Q{period[5]}"

        def build() -> caching.Answer | None:
            with snapshot():  # the quarter and the trend from the same state of the tables
                try:
                    chosen = stats.stats_for(corridor, period)
                except stats.UnknownPeriod:
                    return None
                rounds = stats.observed_rounds(corridor, current_app.config.get("REMIT_ORGANISATION", "remit"),
                                               int(current_app.config.get("REMIT_RATE_MAX_AGE_DAYS", 14)))
                return caching.Answer.of(present.json_text(_stats_json(corridor, chosen, stats.trend(corridor),
                                                                       rounds)))

        # Statistics change only with an import: kept per question and data version, like quotes.
        answer = caching.answers.get((caching.request_version(), tag), build)
        if answer is None:
            try:
                stats.stats_for(corridor, period)
            except stats.UnknownPeriod as exc:
                abort(404, message=str(exc))
        return caching.respond(answer, tag)


ASK = ["receiving_bank", "sending_bank", "resource_centre"]  # whom to ask before pooling, in order


def _pooling_json(pool, minor: int, notes_page: str) -> dict:
    """The group option: each amount's smallest paying group, and the fees it assumes."""
    def m(value):
        return present.money(value, minor)

    if pool is None or not pool.assessed:
        return {"assessed": False, "assumed_fees": None, "amounts": [], "ask": ASK, "notes_page": notes_page}
    terms = pool.terms
    amounts = []
    for amount, th in pool.thresholds:
        pooled = None
        if th is not None and th.pooled is not None:
            info = pool.products[th.pooled.service_key]
            pooled = {"product_id": th.pooled.service_key, "provider": info.provider_name,
                      "product": info.product_name, "illustrative": info.illustrative,
                      "transfers": th.pooled.transfers, "fee": m(th.pooled.fee),
                      "fx_margin_pct": present.pct(th.pooled.fx_margin_pct)}
        amounts.append({"amount": m(amount), "alone": m(th.alone) if th else None,
                        "members": th.members if th else None, "per_member": m(th.per_member) if th else None,
                        "saving": m(th.saving) if th else None, "searched_from": th.smallest if th else SMALLEST_GROUP,
                        "searched_to": th.upto if th else LARGEST_GROUP, "pooled": pooled})
    return {"assessed": True,
            "assumed_fees": {"intermediary_fee": m(terms.intermediary_fee), "incoming_fee": m(terms.incoming_fee),
                             "distribution_fee": m(terms.distribution_fee), "coordinator_fee": m(terms.coordinator_fee)},
            "amounts": amounts, "ask": ASK, "notes_page": notes_page}


def _guide_json(found, corridor_page: str, guide_page: str, notes_page: str = "/bundle") -> dict:
    """The guide's figures: each amount's first quotes written by the quotes' one writer (present.quotes_text),
    so that they are GET /api/v1/quotes's to the character."""
    example = None
    if found.example is not None:
        q = found.example.quote
        send_minor, receive_minor = q.service.send_minor_unit, q.service.receive_minor_unit
        example = {"product_id": found.example.info.product_id,
                   "send_amount": present.money(q.send_amount, send_minor), "fee": present.money(q.fee, send_minor),
                   "reference_rate": present.rate(q.reference_rate),
                   "mid_market_value": present.money(found.example.mid_market_value, receive_minor),
                   "exchange_rate": present.rate(q.exchange_rate),
                   "receive_amount": present.money(q.receive_amount, receive_minor),
                   "fx_margin_pct": present.pct(q.fx_margin_pct), "fx_cost": present.money(q.fx_cost, send_minor),
                   "total_cost": present.money(q.total_cost, send_minor), "total_cost_pct": present.pct(q.total_cost_pct)}
    minor = codes.minor_unit(found.send_currency)
    return {
        "corridor": found.corridor.code, "send_currency": found.send_currency,
        "receive_currency": found.receive_currency,
        "amounts": [{"amount": present.money(a.amount, minor), "kind": a.kind, "services": len(a.comparison.quotes),
                     "cheapest": json.loads(present.quotes_text(a.comparison, 0, guide.SERVICES_PER_AMOUNT))}
                    for a in found.amounts],
        "example": example, "illustrative": found.illustrative, "poolable": found.poolable,
        "pooling": _pooling_json(found.pooling, minor, notes_page),
        "data_dates": [{"kind": d.kind, "period": d.period, "date": d.last_day, "stale": d.stale}
                       for d in found.data_dates],
        "corridor_page": corridor_page, "guide_page": guide_page,
    }


@corridors_bp.route("/<string:code>/guide", parameters=[{
    "in": "path", "name": "code", "required": True, "description": "the corridor: sending and receiving country "
    "(ISO 3166-1 alpha-2 or alpha-3, any case) joined by '-'", "schema": {"type": "string", "pattern": CORRIDOR_CODE},
    "example": "CA-GT"}])
class CorridorGuide(MethodView):
    @corridors_bp.arguments(GuideArgsSchema, location="query")
    @corridors_bp.response(200, GuideSchema)
    @corridors_bp.alt_response(404, description="remit holds no data for this corridor (or names no such country).")
    @corridors_bp.doc(operationId="get_corridor_guide", **ETAG)
    def get(self, args, code):
        """The figures of the corridor's printable guide, for a partner's own leaflet

        The cheapest services (three) at each amount: the World Bank's price points (USD 200 and 500) in
        the send currency and a round amount above the first, or up to three `amount`s. Each quote is
        the one GET /api/v1/quotes gives for the same corridor, currency and amount, with no filter.
        With a worked example (how to work out a price), the data's dates and the live corridor page.
        """
        corridor = corridor_or_404(code)
        amounts = args["amount"] or []
        places = codes.minor_unit(corridor.send_currency)
        for amount in amounts:
            if decimals(amount) > places:
                problem = msg("guide_amount_places", "%(amount)s has more decimals than %(currency)s has (%(places)s)",
                              amount=str(amount), currency=corridor.send_currency, places=places)
                abort(422, message=problem, errors={"query": {"amount": [problem]}})
        tag = caching.etag()
        cached = caching.not_modified(tag)
        if cached is not None:
            return cached

        def build() -> caching.Answer:
            found = guide.guide(corridor, amounts or None, version=caching.request_version())
            pages = {"code": corridor.code}  # relative, like every address the API gives: never the client's Host
            guide_page = url_for("guide.guide", **pages, amount=[str(a) for a in amounts] or None)
            return caching.Answer.of(present.json_text(_guide_json(found, url_for("compare.corridor", **pages),
                                                                   guide_page, url_for("group.bundle"))))

        answer = caching.answers.get((caching.request_version(), tag), build)
        return caching.respond(answer, tag)
