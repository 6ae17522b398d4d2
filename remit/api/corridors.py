"""Corridors and their statistics."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Page, abort

from .. import codes
from ..services import catalog, stats
from ..services.reference import find_corridor
from ..services.snapshot import snapshot
from . import caching, present
from .blueprint import Blueprint, document_errors
from .schemas import CorridorArgsSchema, CorridorSchema, CorridorStatsSchema, StatsArgsSchema

corridors_bp = Blueprint("corridors", __name__, url_prefix="/api/v1/corridors",
                         description="Corridors: a sending and a receiving country.")


def corridor_or_404(code: str):
    send, _, receive = code.upper().partition("-")
    try:
        send, receive = codes.country(send), codes.country(receive)
    except codes.CodeError as exc:
        abort(422, message=str(exc), errors={"path": {"corridor": [str(exc)]}})
    corridor = find_corridor(send, receive)
    if corridor is None:
        abort(404, message=f"remit has no data for the corridor {send}-{receive}.")
    return corridor


@corridors_bp.route("")
class Corridors(MethodView):
    @corridors_bp.arguments(CorridorArgsSchema, location="query")
    @corridors_bp.response(200, CorridorSchema(many=True))
    @corridors_bp.paginate(Page)
    @document_errors(corridors_bp, 401, 422, 429)
    def get(self, args):
        """Corridors remit holds data for, with the number of services in each"""
        return [c for c in catalog.corridor_summaries()
                if (args["send"] is None or c.send_country == args["send"])
                and (args["receive"] is None or c.receive_country == args["receive"])]


def _stats_json(corridor, period_stats, history) -> dict:
    s = period_stats.stats
    return {
        "corridor": corridor.code, "period": period_stats.period, "basis": period_stats.basis,
        "average_total_cost_pct_200": present.pct(s.average_total_cost_pct_200),
        "average_total_cost_pct_500": present.pct(s.average_total_cost_pct_500),
        "smart_pct": present.pct(s.smart_pct), "services": s.services,
        "transparent_services": s.transparent_services, "sdg_target_met": s.sdg_target_met,
        "above_5pct": s.above_5pct,
        "cheapest": None if s.cheapest is None else {
            "product_id": s.cheapest.key, "name": s.cheapest.name,
            "total_cost_pct": present.pct(s.cheapest.total_cost_pct_200)},
        "monthly_amount": present.money(period_stats.monthly_amount, codes.minor_unit(corridor.send_currency)),
        "send_currency": corridor.send_currency,
        "yearly_saving": present.money(period_stats.yearly_saving, codes.minor_unit(corridor.send_currency)),
        "trend": [{"period": p.period,
                   "average_total_cost_pct_200": present.pct(p.stats.average_total_cost_pct_200),
                   "average_total_cost_pct_500": present.pct(p.stats.average_total_cost_pct_500),
                   "smart_pct": present.pct(p.stats.smart_pct)} for p in history],
        "source": period_stats.source,
    }


@corridors_bp.route("/<string:code>/stats")
class CorridorStats(MethodView):
    @corridors_bp.arguments(StatsArgsSchema, location="query")
    @corridors_bp.response(200, CorridorStatsSchema)
    @corridors_bp.alt_response(404, description="No such corridor, or no data for that period.")
    @document_errors(corridors_bp, 401, 422, 429)
    def get(self, args, code):
        """Average cost at USD 200 and 500, SmaRT, SDG 10.c status and the trend over quarters

        From RPW survey data where the World Bank surveys the corridor (latest quarter by default),
        otherwise from remit's fee tables for the current quarter.
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
                return caching.Answer(present.json_text(_stats_json(corridor, chosen, stats.trend(corridor))))

        # Statistics change only with an import: kept per question and data version, like quotes.
        answer = caching.answers.get((tag,), build)
        if answer is None:
            try:
                stats.stats_for(corridor, period)
            except stats.UnknownPeriod as exc:
                abort(404, message=str(exc))
        return caching.respond(answer, tag)
