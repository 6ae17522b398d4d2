"""The season ledger's schemas for partner apps: what a cycle request brings in (amounts as plain decimal
strings, the plan as POST /api/v1/bundles takes it) and what the answers carry out. They validate and
describe; remit/api/ledger.py writes the answers."""
from __future__ import annotations

from decimal import Decimal

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..domain.messages import msg
from ..inputs import (MAX_LEDGER_AMOUNT, MAX_LEDGER_WIRES, MAX_MEMBERS, MAX_RATE, MAX_RECEIPT_LENGTH,
                      MAX_REF_LENGTH)
from .openapi import Answer, Iso, Term, Text
from .schemas import NO_NUL, ApiNumber, BundleRequestSchema, CurrencyArg, Money, Rate

# Amounts as the ledger reads them: a plain decimal string from 0 (or above 0) to 1,000,000,000,000
# (MAX_LEDGER_AMOUNT) with at most 2 decimals (fewer where the currency has fewer); a rate above 0 and
# at most 1,000,000 (MAX_RATE) with at most 10 decimals.
LEDGER_AMOUNT = r"^(1000000000000(\.00?)?|[0-9]{1,12}(\.[0-9]{1,2})?)$"
LEDGER_POSITIVE = r"^(1000000000000(\.00?)?|[1-9][0-9]{0,11}(\.[0-9]{1,2})?|0\.([1-9][0-9]?|0[1-9]))$"
RATE_PATTERN = (r"^(1000000(\.0{1,10})?|[1-9][0-9]{0,5}(\.[0-9]{1,10})?|0\.("
                + "|".join(f"0{{{k}}}[1-9][0-9]{{0,{9 - k}}}" for k in range(10)) + "))$")
assert MAX_LEDGER_AMOUNT == 10 ** 12 and MAX_RATE == 10 ** 6  # the patterns above spell them out


# --- What comes in -------------------------------------------------------------------------------

def _ledger_amount(description: str, *, positive: bool = False, **kwargs) -> ApiNumber:
    metadata = {"type": "string", "pattern": LEDGER_POSITIVE if positive else LEDGER_AMOUNT,
                "description": description + "; at most the currency's decimals"}
    if kwargs.get("load_default") == 0:
        metadata["default"] = "0"
    return ApiNumber(positive=positive, minimum=None if positive else Decimal(0), maximum=MAX_LEDGER_AMOUNT,
                     places=2, metadata=metadata, **kwargs)


class JsonBoolean(fields.Boolean):
    """true or false, as JSON writes them: not 1, 0 or "yes"."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


def _ref(**kwargs) -> fields.String:
    return fields.String(required=True, validate=validate.Length(1, MAX_REF_LENGTH), metadata={
        "pattern": NO_NUL, "description": "the member's reference, as in the plan"}, **kwargs)


def _text(description: str) -> fields.String:
    return fields.String(load_default="", validate=validate.Length(max=MAX_RECEIPT_LENGTH),
                         metadata={"pattern": NO_NUL, "description": description})


class LedgerContributionSchema(Schema):
    ref = _ref()
    amount = _ledger_amount("what the member handed over, in the send currency, fees included", required=True)
    method = Term("ContributionMethod", load_default="cash")
    receipt = _text("the receipt's reference (kept for the centre's staff; never in an answer)")
    received_on = fields.Date(load_default=None)


class LedgerWireSchema(Schema):
    debited = _ledger_amount("taken from the group's account, in the send currency, the bank's fee included",
                             positive=True, required=True)
    fee = _ledger_amount("the sending bank's fee, in the send currency", required=True)
    currency_sent = CurrencyArg(required=True, metadata={
        "description": "the currency the wire travels in (the send currency, or USD to Guatemala)"})
    applied_rate = ApiNumber(required=True, positive=True, maximum=MAX_RATE, places=10, metadata={
        "type": "string", "pattern": RATE_PATTERN,
        "description": "units of the currency sent per unit of the send currency, as the bank applied it (1 when "
                       "the wire travels in the send currency); more than zero"})
    intermediary = _ledger_amount("deducted by correspondent banks, in the currency sent", load_default=Decimal(0))
    receiving_fee = _ledger_amount("deducted by the receiving bank, in the currency sent", load_default=Decimal(0))
    credited = _ledger_amount("credited to the collective account, in the receive currency", positive=True,
                              required=True)
    bank_reference = _text("the bank's reference of the wire")
    executed_on = fields.Date(load_default=None)


class LedgerPayoutSchema(Schema):
    ref = _ref()
    amount = _ledger_amount("paid to the member's family, in the receive currency", positive=True, required=True)
    status = Term("PayoutStatus", load_default="paid")
    paid_on = fields.Date(load_default=None)
    confirmed_how = Term("Confirmation", load_default=None, allow_none=True)


class LedgerCycleRequestSchema(Schema):
    date = fields.Date(load_default=None, metadata={
        "description": "the cycle's day: the plan is priced, and the cost measured, at that day's rates; today "
                       "when absent; never a day to come"})
    language = Term("Language", load_default=None, allow_none=True, metadata={
        "description": "the language of the members' statements (the centre's default when absent)"})
    plan = fields.Nested(BundleRequestSchema, required=True, metadata={
        "description": "the plan, as POST /api/v1/bundles takes it, for the group's corridor and currency; the "
                       "members who gain by bundling make the cycle"})
    contributions = fields.List(fields.Nested(LedgerContributionSchema), load_default=list, metadata={
        "maxItems": MAX_MEMBERS, "description": "what each member handed over (each member once)"})
    distribution_fee = _ledger_amount(
        "what the receiving bank or cooperative really charged each family for paying them out, in the receive "
        "currency; the plan's when absent", load_default=None)
    wires = fields.List(fields.Nested(LedgerWireSchema), load_default=list, metadata={
        "maxItems": MAX_LEDGER_WIRES, "description": "each wire as the bank executed it"})
    payouts = fields.List(fields.Nested(LedgerPayoutSchema), load_default=list, metadata={
        "maxItems": MAX_MEMBERS, "description": "each family's payout (each member once)"})
    complete = JsonBoolean(load_default=False, metadata={
        "description": "complete (lock) the cycle: needs every contribution, a wire and every payout; a completed "
                       "cycle is corrected on the staff pages only, with the reason"})
    completed_on = fields.Date(load_default=None, metadata={"description": "with `complete`: the day; today "
                                                                           "when absent"})

    @validates_schema
    def bounded(self, data, **kwargs):
        for name, limit in (("contributions", MAX_MEMBERS), ("wires", MAX_LEDGER_WIRES), ("payouts", MAX_MEMBERS)):
            if len(data.get(name) or ()) > limit:
                raise ValidationError({name: [msg("ledger_entries_limit", "at most %(limit)s entries, not %(count)s",
                                                  limit=limit, count=len(data[name]))]})


# --- What goes out -------------------------------------------------------------------------------

class LedgerGroupSchema(Answer):
    id = fields.Integer()
    name = fields.String()
    send = Iso("Country")
    receive = Iso("Country")
    currency = Iso("Currency")
    cycles = fields.Integer(validate=validate.Range(0))
    latest = fields.Date(allow_none=True, metadata={"description": "the latest cycle's day; null without one"})


class LedgerCycleSummarySchema(Answer):
    id = fields.Integer()
    group = fields.Integer()
    number = fields.Integer(validate=validate.Range(1), metadata={"description": "1, 2, … within the group"})
    date = fields.Date()
    completed_on = fields.Date(allow_none=True, metadata={"description": "null while the cycle is open"})
    members = fields.Integer(validate=validate.Range(0))
    currency = Iso("Currency")
    amount = Money("what the members send, in the send currency")
    cost = Money("what the cycle really cost; null before a wire is recorded", allow_none=True)
    flags = fields.List(Text("reason"), metadata={"description": "the codes of what does not add up yet"})
    warnings = fields.List(Term("Warning"), metadata={
        "description": "`stale` when the mid-market rate the cost is measured against was past its freshness limit "
                       "(REMIT_RATE_MAX_AGE_DAYS) on the cycle's day"})


class LedgerFlagSchema(Answer):
    code = Text("reason")
    message = fields.String(metadata={"description": "the flag in a sentence, in English"})
    ref = fields.String(allow_none=True, metadata={"description": "the member it concerns, if one"})
    wire = fields.Integer(allow_none=True, validate=validate.Range(1), metadata={"description": "the wire (1-based)"})


class LedgerMemberSchema(Answer):
    ref = fields.String()
    amount = Money("to send, as planned (send currency)")
    planned_contribution = Money("what the plan asks the member to hand over")
    contributed = Money("what the member handed over")
    fees_on_top = Money("the member's share of the fees on top (the bank's and the coordinator's)", allow_none=True)
    balance = Money("handed over less the amount and the fees on top: to settle with the member", allow_none=True)
    share = Money("the member's share of what the cycle really cost", allow_none=True)
    planned_share = Money(allow_none=True)
    share_difference = Money("share less planned share", allow_none=True)
    expected_payout = Money("what the family is due (receive currency)", allow_none=True)
    planned_receive = Money(allow_none=True)
    paid = Money("paid to the family (receive currency)")
    pending = Money()
    returned = Money()
    today_cost = Money("what the service the member uses today would have cost on the cycle's day",
                       allow_none=True)
    cheapest_cost = Money("what the cheapest way alone would have cost on the cycle's day", allow_none=True)
    saving_vs_today = Money(allow_none=True)
    saving_vs_cheapest = Money(allow_none=True)
    warnings = fields.List(Term("Warning"), metadata={
        "description": "of the prices the savings compare with (today's service, the cheapest way alone), as the plan "
                       "had them on the cycle's day: `stale` when their data was past its freshness limit; empty "
                       "for a cycle recorded before remit kept them"})


class LedgerEntrySchema(Answer):
    id = fields.Integer()
    in_force = fields.Boolean(metadata={"description": "false once superseded or voided by a correction"})
    correction = fields.Boolean(metadata={"description": "recorded after completion, with its reason"})
    supersedes = fields.Integer(allow_none=True, metadata={"description": "the entry it corrects"})
    void = fields.Boolean(metadata={"description": "a correction that removes the entry it supersedes"})


class LedgerContributionEntrySchema(LedgerEntrySchema):
    ref = fields.String()
    amount = Money()
    method = Term("ContributionMethod")
    received_on = fields.Date(allow_none=True)


class LedgerWireEntrySchema(LedgerEntrySchema):
    bank_reference = fields.String()
    executed_on = fields.Date(allow_none=True)
    debited = Money()
    fee = Money()
    currency_sent = Iso("Currency")
    applied_rate = Rate("units of the currency sent per unit of the send currency")
    intermediary = Money("in the currency sent")
    receiving_fee = Money("in the currency sent")
    credited = Money("in the receive currency")


class LedgerPayoutEntrySchema(LedgerEntrySchema):
    ref = fields.String()
    amount = Money("in the receive currency")
    status = Term("PayoutStatus")
    paid_on = fields.Date(allow_none=True)
    confirmed_how = Term("Confirmation", allow_none=True)


class LedgerTotalsSchema(Answer):
    contributed = Money()
    planned_contributions = Money()
    debited = Money()
    fees_on_top = Money("the banks' and the coordinator's fees")
    deducted = Money("deducted on the way, in the send currency at the bank's rate")
    distribution = Money("the distribution fees, in the send currency at the mid-market rate")
    fx_cost = Money("the exchange-rate cost: the rest")
    cost = Money("what the cycle really cost (rounded once, half up); the members' shares add up to it",
                 allow_none=True)
    planned_cost = Money(allow_none=True)
    credited = Money("receive currency")
    distribution_fees = Money("receive currency")
    expected_paid_out = Money("receive currency", allow_none=True)
    paid_out = Money("receive currency")
    pending = Money("receive currency")
    returned = Money("receive currency")
    left_to_settle = Money("handed over less what the wires and the coordinator took", allow_none=True)


class LedgerCycleSchema(LedgerCycleSummarySchema):
    receive_currency = Iso("Currency")
    allocation = Term("Allocation")
    bulk_product = fields.String(metadata={"description": "the pooled transfer's product, \"provider · product\""})
    reference_rate = Rate("mid-market, receive-currency units per send-currency unit, on the cycle's day")
    reference_rate_as_of = fields.Date()
    reference_rate_source = fields.String()
    coordinator_fee = Money("per wire, in the send currency")
    distribution_fee = Money("per family, in the receive currency")
    rounding = fields.String(metadata={"description": "the stated rule for the rounding remainder"})
    totals = fields.Nested(LedgerTotalsSchema)
    member_results = fields.List(fields.Nested(LedgerMemberSchema))
    contributions = fields.List(fields.Nested(LedgerContributionEntrySchema), metadata={
        "description": "every entry, corrections and the entries they supersede included"})
    wires = fields.List(fields.Nested(LedgerWireEntrySchema))
    payouts = fields.List(fields.Nested(LedgerPayoutEntrySchema))
    flag_details = fields.List(fields.Nested(LedgerFlagSchema))


class LedgerStatementLineSchema(Answer):
    cycle = fields.Integer(validate=validate.Range(1))
    date = fields.Date()
    completed = fields.Boolean()
    corrected = fields.Boolean(metadata={"description": "an entry was corrected after the cycle was completed"})
    amount = Money()
    contributed = Money()
    share = Money("share of the costs", allow_none=True)
    received = Money("paid to the family (receive currency)")
    pending = Money()
    returned = Money()
    today_cost = Money(allow_none=True)
    cheapest_cost = Money(allow_none=True)
    saving_vs_today = Money(allow_none=True)
    saving_vs_cheapest = Money(allow_none=True)
    warnings = fields.List(Term("Warning"), metadata={
        "description": "`stale` when the cycle's mid-market rate, or the prices its savings compare with, were past "
                       "their freshness limit on the cycle's day"})


class LedgerStatementSchema(Answer):
    ref = fields.String()
    language = Term("Language", allow_none=True)
    amount = Money()
    contributed = Money()
    share = Money()
    received = Money("receive currency")
    pending = Money("receive currency")
    saving_vs_today = Money("over the cycles where today's service is known", allow_none=True)
    saving_vs_cheapest = Money(allow_none=True)
    cycles_vs_today = fields.Integer(validate=validate.Range(0))
    cycles_vs_cheapest = fields.Integer(validate=validate.Range(0))
    lines = fields.List(fields.Nested(LedgerStatementLineSchema))


class LedgerSeasonTotalsSchema(Answer):
    amount = Money()
    contributed = Money()
    cost = Money()
    credited = Money("receive currency")
    paid_out = Money("receive currency")
    saving_vs_today = Money(allow_none=True)
    saving_vs_cheapest = Money(allow_none=True)


class LedgerSeasonSchema(Answer):
    group = fields.Integer()
    year = fields.Integer()
    currency = Iso("Currency")
    receive_currency = Iso("Currency")
    cycles = fields.List(fields.Nested(LedgerCycleSummarySchema))
    totals = fields.Nested(LedgerSeasonTotalsSchema)
    statements = fields.List(fields.Nested(LedgerStatementSchema))
