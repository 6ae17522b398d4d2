"""The corridor guide's API shapes: its query (up to three amounts) and its answer (the guide's figures,
each amount's cheapest services as GET /api/v1/quotes writes them)."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..importers.fields import ExactNumber
from ..inputs import MAX_AMOUNT
from ..services.guide import MAX_AMOUNTS, SERVICES_PER_AMOUNT
from .openapi import Answer, Iso, Text
from .schemas import AMOUNT_PATTERN, Money, Pct, QuoteSchema, Rate


class GuideArgsSchema(Schema):
    amount = fields.List(
        ExactNumber(positive=True, maximum=MAX_AMOUNT, metadata={"type": "string", "pattern": AMOUNT_PATTERN}),
        load_default=None, validate=validate.Length(min=1, max=MAX_AMOUNTS),
        metadata={"description": f"an amount to send, in the corridor's send currency; up to {MAX_AMOUNTS} "
                                 "(`amount=300&amount=500`). Without it: the World Bank's price points (USD 200 "
                                 "and 500) in the send currency and a round amount above the first (CAD 300 for "
                                 "Canada)", "example": ["300"]})


class GuideAmountSchema(Answer):
    amount = Money("the amount sent")
    kind = fields.String(metadata={
        "description": "one of usd_200, usd_500, round, chosen. usd_200, usd_500: the World Bank's price point in the send currency; round: the round "
                       "amount above the first price point; chosen: asked for in `amount`"})
    services = fields.Integer(validate=validate.Range(0), metadata={
        "description": "services of the corridor that take this amount (the quotes' X-Pagination total)"})
    cheapest = fields.List(fields.Nested(QuoteSchema), metadata={
        "description": f"the {SERVICES_PER_AMOUNT} first quotes of GET /api/v1/quotes for this amount, as it "
                       "writes them"})


class GuideExampleSchema(Answer):
    product_id = Text("product_id", metadata={"description": "the quote's `product.id`"})
    send_amount = Money()
    fee = Money()
    reference_rate = Rate("the mid-market rate")
    mid_market_value = Money("the amount sent at the mid-market rate, in the receive currency (half up)")
    exchange_rate = Rate("the service's rate")
    receive_amount = Money("what the family receives")
    fx_margin_pct = Pct()
    fx_cost = Money("what the rate takes, in the send currency")
    total_cost = Money("fee + fx_cost")
    total_cost_pct = Pct()


class GuideDataDateSchema(Answer):
    kind = fields.String(metadata={"description": "survey (a survey quarter) or rate (a reference rate's date)"})
    period = Text("period", allow_none=True, metadata={"description": "the survey quarter (kind survey)"})
    date = fields.Date(metadata={"description": "the quarter's last day, or the reference rate's date"})
    stale = fields.Boolean(metadata={"description": "older than REMIT_SURVEY_MAX_AGE_DAYS or REMIT_RATE_MAX_AGE_DAYS"})


class GuidePooledSchema(Answer):
    product_id = Text("product_id", metadata={"description": "the product the pooled transfer goes by (a bank-to-bank "
                                                             "fee table, as the group plan chooses)"})
    provider = fields.String(metadata={"description": "its provider's name"})
    product = fields.String(metadata={"description": "its name"})
    illustrative = fields.Boolean(metadata={"description": "its fee table is flagged illustrative"})
    transfers = fields.Integer(validate=validate.Range(1), metadata={
        "description": "transfers the bank's limit splits the group's total into"})
    fee = Money("the bank's fee for one transfer (the first, the larger), as charged")
    fx_margin_pct = Pct("its exchange rate's margin under the mid-market rate")


class GuidePoolingAmountSchema(Answer):
    amount = Money("what each member sends (one of the guide's amounts)")
    alone = Money("the cheapest way to send it alone (null: no service takes it)", allow_none=True)
    members = fields.Integer(allow_none=True, validate=validate.Range(2), metadata={
        "description": "the smallest group, from `searched_from` to `searched_to`, in which each member pays less "
                       "for one pooled transfer of the group's total (its cost split) than `alone`; null: none"})
    per_member = Money("what each pays at that size (the larger share when the cost does not divide evenly)",
                       allow_none=True)
    saving = Money("alone − per_member", allow_none=True)
    searched_from = fields.Integer(metadata={"description": "the smallest group size costed"})
    searched_to = fields.Integer(metadata={"description": "the largest group size costed"})
    pooled = fields.Nested(GuidePooledSchema, allow_none=True, metadata={
        "description": "the pooled transfer at `members`, or at `searched_to` when no size pays (null: no product "
                       "carries the total, or no service alone takes the amount)"})


class GuidePoolingFeesSchema(Answer):
    intermediary_fee = Money("per transfer, taken on the way by correspondent banks")
    incoming_fee = Money("per transfer, taken by the receiving bank")
    distribution_fee = Money("per member, to pay out each share from the collective account")
    coordinator_fee = Money("per transfer, the coordinator's")


class GuidePoolingSchema(Answer):
    assessed = fields.Boolean(metadata={
        "description": "false when the corridor has no product a pooled transfer can go by (no bank-to-bank fee "
                       "table): then nothing is said about group sizes"})
    assumed_fees = fields.Nested(GuidePoolingFeesSchema, allow_none=True, metadata={
        "description": "the fees the sizes assume, in the send currency: those POST /api/v1/bundles assumes when "
                       "a request gives none (null when not assessed)"})
    amounts = fields.List(fields.Nested(GuidePoolingAmountSchema), metadata={
        "description": "each of the guide's amounts (empty when not assessed)"})
    ask = fields.List(fields.String(), metadata={
        "description": "whom to ask before pooling, in order: receiving_bank (the bank holding the collective account "
                       "at home: its fees to receive and pay out, what it asks about the money's origin), "
                       "sending_bank (its wire fee, rate and limits), resource_centre (the group transfer page)"})
    notes_page = fields.String(metadata={
        "description": "the group transfer page, where the notes on a coordinator's duties (FINTRAC, the IVE) are "
                       "shown with their sources, relative to the API's address"})


class GuideSchema(Answer):
    corridor = Text("corridor")
    send_currency = Iso("Currency")
    receive_currency = Iso("Currency")
    amounts = fields.List(fields.Nested(GuideAmountSchema))
    example = fields.Nested(GuideExampleSchema, allow_none=True, metadata={
        "description": "how to work out a price: the first quote shown whose rate is disclosed and does not beat "
                       "the mid-market rate (null when none)"})
    illustrative = fields.Boolean(metadata={"description": "a quote shown comes from a fee table flagged illustrative"})
    poolable = fields.Boolean(metadata={
        "description": "a service shown charges a fixed fee per transfer, which a group transfer shares"})
    pooling = fields.Nested(GuidePoolingSchema, metadata={
        "description": "the group option: from which group size one pooled transfer pays at each amount"})
    data_dates = fields.List(fields.Nested(GuideDataDateSchema))
    corridor_page = fields.String(metadata={"description": "the live corridor page (the printed guide's QR code), relative to the API's address"})
    guide_page = fields.String(metadata={"description": "the printable guide for the same amounts, relative to the API's address"})



