"""Bundles: plan a group transfer and split its cost fairly."""
from __future__ import annotations

from flask.views import MethodView

from ..domain.bundling import NoBulkProduct
from ..domain.errors import RemitError
from ..services import bundles
from . import present
from .blueprint import Blueprint
from .schemas import BundlePlanSchema, BundleRequestSchema

bundles_bp = Blueprint("bundles", __name__, url_prefix="/api/v1/bundles",
                       description="Plan a group transfer, split its cost fairly, show each member's saving.")


@bundles_bp.route("")
class Bundles(MethodView):
    @bundles_bp.arguments(BundleRequestSchema)
    @bundles_bp.response(200, BundlePlanSchema)
    @bundles_bp.alt_response(404, description="remit has no data for this corridor.")
    @bundles_bp.doc(operationId="plan_bundle")
    def post(self, body):
        """Plan a bundled transfer for a group and show what each member saves

        The members' money goes in as few transfers as the product and `max_transfer` allow, to a
        collective account; the bundle's cost (transfer fees, FX cost, coordinator and incoming fees,
        a distribution fee per member) is split `pro_rata` or `equal`. No member pays more than their
        best individual option: those for whom joining does not pay are left out (`joins: false`,
        with the reason).
        """
        try:
            result = bundles.plan(bundle_request(body))  # a refusal is answered by remit/errors.py
        except NoBulkProduct as exc:
            if body["bulk_product"] is not None:
                raise
            # Not the client's bulk_product, which it did not send: the group as a whole.
            raise RemitError(exc.args[0]) from None
        # Built by present.py in BundlePlanSchema's shape (the suite validates every answer against the
        # document) and encoded directly, like quotes.
        return present.json_response(present.bundle_text(result), {})


def bundle_request(body: dict) -> bundles.BundleRequest:
    """A plan as BundleRequestSchema reads it (here and in a ledger cycle's `plan`)."""
    return bundles.BundleRequest(
        send=body["send"], receive=body["receive"], currency=body["currency"],
        members=[bundles.MemberInput(m["ref"], m["amount"], m["payout_method"], m["product"]) for m in body["members"]],
        bulk_product=body["bulk_product"] or None, max_transfer=body["max_transfer"], allocation=body["allocation"],
        transfers_per_year=body["transfers_per_year"], transfer_days=body["transfer_days"],
        **{name: body[name] for name in bundles.FEES}, **{f"{name}_currency": body[f"{name}_currency"]
                                                          for name in bundles.FEES})
