"""Bundles: plan a group transfer and split its cost fairly."""
from __future__ import annotations

from flask.views import MethodView

from ..services import bundles
from . import present
from .blueprint import Blueprint, document_errors
from .schemas import BundlePlanSchema, BundleRequestSchema

bundles_bp = Blueprint("bundles", __name__, url_prefix="/api/v1/bundles",
                       description="Plan a group transfer, split its cost fairly, show each member's saving.")


@bundles_bp.route("")
class Bundles(MethodView):
    @bundles_bp.arguments(BundleRequestSchema)
    @bundles_bp.response(200, BundlePlanSchema)
    @bundles_bp.alt_response(404, description="remit has no data for this corridor.")
    @document_errors(bundles_bp, 401, 422, 429)
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
            incoming_fee=body["incoming_fee"], intermediary_fee=body["intermediary_fee"], allocation=body["allocation"],
            transfers_per_year=body["transfers_per_year"])
        # Built by present.py in BundlePlanSchema's shape (a test holds them equal) and encoded directly:
        # dumping a thousand members through marshmallow took a third of the request's time.
        return present.json_response(present.json_text(present.bundle_json(bundles.plan(request_))), {})
