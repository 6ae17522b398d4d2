"""Quotes: what a transfer really costs with each service of a corridor, ranked."""
from __future__ import annotations

import json

from flask import url_for
from flask.views import MethodView
from flask_smorest import abort

from ..domain.ranking import Filters
from ..inputs import QUOTES_MAX_PAGE_SIZE, QUOTES_PAGE_SIZE
from ..services import comparison
from ..services.reference import corridor_ref
from . import caching, present
from .blueprint import Blueprint
from .openapi import ETAG
from .schemas import QuoteArgsSchema, QuoteSchema

quotes_bp = Blueprint("quotes", __name__, url_prefix="/api/v1/quotes",
                      description="What a transfer really costs with each service, ranked.")


@quotes_bp.route("")
class Quotes(MethodView):
    @quotes_bp.arguments(QuoteArgsSchema, location="query")
    @quotes_bp.response(200, QuoteSchema(many=True))
    @quotes_bp.paginate(page_size=QUOTES_PAGE_SIZE, max_page_size=QUOTES_MAX_PAGE_SIZE)
    @quotes_bp.alt_response(404, description="remit has no data for this corridor (`corridors` says where they are "
                                             "listed).")
    @quotes_bp.doc(operationId="list_quotes", **ETAG)
    def get(self, args, pagination_parameters):
        """Every service of a corridor ranked by the total cost of sending an amount

        Total cost = fee + FX cost, the FX cost being the margin of the applied rate under the
        mid-market reference rate (World Bank RPW methodology). Give `amount` (to send) or
        `receive_amount` (to be received: the answer is the smallest send amount that delivers it).
        Services that do not disclose their exchange rate come last, flagged `transparent: false`.
        One page of the ranking at a time: 50 quotes unless `page_size` (at most 100) says otherwise;
        the `X-Pagination` header gives the total.
        """
        corridor = corridor_ref(args["send"], args["receive"], caching.request_version())
        if corridor is None:
            abort(404, message=f"remit has no data for the corridor {args['send']}-{args['receive']}; the corridors "
                               f"it holds are listed at {url_for('corridors.Corridors')}.",
                  extra={"corridors": url_for("corridors.Corridors")})  # relative: never the client's Host
        tag = caching.etag()
        cached = caching.not_modified(tag)
        if cached is not None:
            return cached

        def build() -> caching.Answer:
            filters = Filters(
                payout_method=args["payout_method"], funding_method=args["funding_method"],
                max_speed=args["max_speed"], provider_type=args["provider_type"], region=args["region"],
                id_held=args["id_type"], transparent_only=args["transparent_only"])
            try:
                result = comparison.compare(corridor, args["currency"], amount=args["amount"],
                                            receive_amount=args["receive_amount"], filters=filters,
                                            version=caching.request_version())
            except comparison.CurrencyNotPriced as exc:
                abort(422, message=str(exc.message), errors={"query": exc.errors},
                      extra=exc.extra | {"reason": exc.reason})
            total = len(result.quotes)
            page = pagination_parameters
            # Written by present.py, the quotes' one writer, in QuoteSchema's shape (the schema
            # describes the answer and the OpenAPI document; it dumps nothing).
            text = present.quotes_text(result, page.first_item, page.page_size)
            metadata = quotes_bp._make_pagination_metadata(page.page, page.page_size, total)
            return caching.Answer.of(text, (("X-Pagination", json.dumps(metadata)),), total)

        # The answer for this query and data version is kept: the same question costs no pricing.
        answer = caching.answers.get((caching.request_version(), tag), build)
        pagination_parameters.item_count = answer.total
        return caching.respond(answer, tag)
