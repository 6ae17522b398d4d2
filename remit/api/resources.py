"""The read API for partner apps: corridors, corridor statistics, providers, quotes."""
from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint, Page, abort

from .. import codes
from ..domain.ranking import Filters
from ..services import bundles, catalog, comparison, stats
from ..services.reference import find_corridor
from ..services.snapshot import snapshot
from ..services.versions import VersionedCache
from . import caching, present
from .schemas import (BundlePlanSchema, BundleRequestSchema, CorridorArgsSchema, CorridorSchema, CorridorStatsSchema, ProviderSchema, QuoteArgsSchema,
                      QuoteSchema, StatsArgsSchema)

_answers = VersionedCache(size=1024)

bundles_bp = Blueprint("bundles", __name__, url_prefix="/api/v1/bundles",
                       description="Plan a group transfer, split its cost fairly, show each member's saving.")

corridors_bp = Blueprint("corridors", __name__, url_prefix="/api/v1/corridors",
                         description="Corridors: a sending and a receiving country.")
providers_bp = Blueprint("providers", __name__, url_prefix="/api/v1/providers",
                         description="Providers with their products and the regions they pay out in.")
quotes_bp = Blueprint("quotes", __name__, url_prefix="/api/v1/quotes",
                      description="What a transfer really costs with each service, ranked.")

ERRORS = {"401": "The API key is unknown or revoked.", "422": "A parameter is wrong; `errors` names it.",
          "429": "Too many requests from this client; try again later."}


def _document_errors(blp: Blueprint, *codes_: int):
    def decorate(func):
        for code in codes_:
            func = blp.alt_response(code, description=ERRORS.get(str(code), ""), schema=None)(func)
        return func
    return decorate


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
    @_document_errors(corridors_bp, 401, 422, 429)
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
    @_document_errors(corridors_bp, 401, 422, 429)
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

        def build() -> str | None:
            with snapshot():  # the quarter and the trend from the same state of the tables
                try:
                    chosen = stats.stats_for(corridor, period)
                except stats.UnknownPeriod:
                    return None
                return present.json_text(_stats_json(corridor, chosen, stats.trend(corridor)))

        # Statistics change only with an import: kept per question and data version, like quotes.
        text = _answers.get((tag,), build)
        if text is None:
            try:
                stats.stats_for(corridor, period)
            except stats.UnknownPeriod as exc:
                abort(404, message=str(exc))
        return present.json_response(text, caching.headers(tag))


@providers_bp.route("")
class Providers(MethodView):
    @providers_bp.response(200, ProviderSchema(many=True))
    @providers_bp.paginate(Page)
    @_document_errors(providers_bp, 401, 429)
    def get(self):
        """Every active provider with its products and coverage"""
        return catalog.provider_details()


@providers_bp.route("/<string:slug>")
class ProviderDetail(MethodView):
    @providers_bp.response(200, ProviderSchema)
    @providers_bp.alt_response(404, description="No provider with this slug.")
    @_document_errors(providers_bp, 401, 429)
    def get(self, slug):
        """One provider with its products and coverage"""
        found = catalog.provider_details(slug)
        if not found:
            abort(404, message=f"No provider '{slug}'.")
        return found[0]


def answer_from_cache():
    """Before the arguments are parsed: a question already answered for this data version is
    answered again from memory (or with 304). Its arguments were valid when it was first answered."""
    if request.method != "GET":
        return None
    tag = caching.etag()
    cached = caching.not_modified(tag)
    if cached is not None:
        return cached
    text = _answers.peek((tag,))
    return None if text is None else present.json_response(text, caching.headers(tag))


@quotes_bp.route("")
class Quotes(MethodView):
    @quotes_bp.arguments(QuoteArgsSchema, location="query")
    @quotes_bp.response(200, QuoteSchema(many=True))
    @quotes_bp.alt_response(404, description="remit has no data for this corridor.")
    @_document_errors(quotes_bp, 401, 422, 429)
    def get(self, args):
        """Every service of a corridor ranked by the total cost of sending an amount

        Total cost = fee + FX cost, the FX cost being the margin of the applied rate under the
        mid-market reference rate (World Bank RPW methodology). Give `amount` (to send) or
        `receive_amount` (to be received: the answer is the smallest send amount that delivers it).
        Services that do not disclose their exchange rate come last, flagged `transparent: false`.
        """
        corridor = find_corridor(args["send"], args["receive"])
        if corridor is None:
            abort(404, message=f"remit has no data for the corridor {args['send']}-{args['receive']}.")
        tag = caching.etag()
        cached = caching.not_modified(tag)
        if cached is not None:
            return cached

        def build() -> str:
            filters = Filters(
                payout_method=args["payout_method"], funding_method=args["funding_method"],
                max_speed=args["max_speed"], provider_type=args["provider_type"], region=args["region"],
                id_held=args["id_type"], transparent_only=args["transparent_only"])
            result = comparison.compare(corridor, args["currency"], amount=args["amount"],
                                        receive_amount=args["receive_amount"], filters=filters,
                                        version=caching.request_version())
            # Built by present.py in QuoteSchema's shape (a test holds them equal) and encoded
            # directly: dumping 50 nested quotes through marshmallow took half of the request's time.
            return present.json_text(present.comparison_json(result))

        # The answer for this query and data version is kept: the same question costs no pricing.
        return present.json_response(_answers.get((tag,), build), caching.headers(tag))


@bundles_bp.route("")
class Bundles(MethodView):
    @bundles_bp.arguments(BundleRequestSchema)
    @bundles_bp.response(200, BundlePlanSchema)
    @bundles_bp.alt_response(404, description="remit has no data for this corridor.")
    @_document_errors(bundles_bp, 401, 422, 429)
    def post(self, body):
        """Plan a bundled transfer for a group and show what each member saves

        The members' money goes in as few transfers as the product and `max_transfer` allow, to a
        collective account; the bundle's cost (transfer fees, FX cost, coordinator and incoming fees,
        a distribution fee per member) is split `pro_rata` or `equal`. No member pays more than their
        best individual option: those for whom joining does not pay are left out (`joins: false`,
        with the reason).
        """
        request_ = bundles.BundleRequest(
            send=body["send"], receive=body["receive"], currency=body["currency"],
            members=[bundles.MemberInput(m["ref"], m["amount"], m["payout_method"], m["product"])
                     for m in body["members"]],
            bulk_product=body["bulk_product"], max_transfer=body["max_transfer"],
            distribution_fee=body["distribution_fee"], coordinator_fee=body["coordinator_fee"],
            incoming_fee=body["incoming_fee"], allocation=body["allocation"],
            transfers_per_year=body["transfers_per_year"])
        try:
            result = bundles.plan(request_)
        except bundles.BundleInputError as exc:
            if exc.errors:
                abort(exc.status, errors={"json": exc.errors})  # the message names the fields
            abort(exc.status, message=exc.message)
        return present.bundle_json(result)
