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
    data_dates = fields.List(fields.Nested(GuideDataDateSchema))
    corridor_page = fields.String(metadata={"description": "the live corridor page (the printed guide's QR code), relative to the API's address"})
    guide_page = fields.String(metadata={"description": "the printable guide for the same amounts, relative to the API's address"})



