"""The season ledger for partner apps (issue 17): read a saved group's cycles, a cycle's reconciliation
and a season's statements; record a cycle from its plan and what happened. Needs a `ledger` key; a
key tied to some groups sees only those (any other group or its cycles: 404, as if absent).

Answers carry figures, dates, codes and the members' references, never the columns that are personal
to the centre's staff (receipts' texts, who confirmed a payout, the reasons typed for corrections,
the columns carried from the coordinator's list): those stay on the staff pages.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask import request, url_for
from flask.views import MethodView
from flask_smorest import Page
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from .. import codes
from ..domain.messages import msg
from ..extensions import db
from ..inputs import (MAX_LEDGER_AMOUNT, MAX_LEDGER_WIRES, MAX_MEMBERS, MAX_RATE, MAX_RECEIPT_LENGTH,
                      MAX_REF_LENGTH)
from ..services import bundles, ledger
from . import keys, present
from .blueprint import Blueprint
from .openapi import NEEDS_KEY, Answer, Iso, Term, Text
from .schemas import NO_NUL, ApiNumber, BundleRequestSchema, CurrencyArg, Money, Rate

ledger_bp = Blueprint("ledger", __name__, url_prefix="/api/v1/ledger",
                      description="The season ledger: saved groups' pooled transfers as they really happened, "
                                  "reconciled, and each worker's statement (needs a `ledger` key; a key tied to "
                                  "some groups sees only those: any other group, or a cycle of one, is a 404).")

# Amounts as the ledger reads them: a plain decimal string from 0 (or above 0) to 1,000,000,000,000
# (MAX_LEDGER_AMOUNT) with at most 2 decimals (fewer where the currency has fewer); a rate above 0 and
# at most 1,000,000 (MAX_RATE) with at most 10 decimals.
LEDGER_AMOUNT = r"^(1000000000000(\.00?)?|[0-9]{1,12}(\.[0-9]{1,2})?)$"
LEDGER_POSITIVE = r"^(1000000000000(\.00?)?|[1-9][0-9]{0,11}(\.[0-9]{1,2})?|0\.([1-9][0-9]?|0[1-9]))$"
RATE_PATTERN = (r"^(1000000(\.0{1,10})?|[1-9][0-9]{0,5}(\.[0-9]{1,10})?|0\.("
                + "|".join(f"0{{{k}}}[1-9][0-9]{{0,{9 - k}}}" for k in range(10)) + "))$")
assert MAX_LEDGER_AMOUNT == 10 ** 12 and MAX_RATE == 10 ** 6  # the patterns above spell them out


def require_ledger_scope():
    # A preflight is answered without CORS headers: no other origin may read the ledger.
    if request.method != "OPTIONS":
        keys.require_scope("ledger")



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


# --- Shapes, rounded once here -------------------------------------------------------------------

ROUNDING = ("The cycle's cost is rounded half up to the minor unit; each member's share is its exact part rounded "
            "down, and the units left over go one each to the largest remainders, ties to the references in "
            "alphabetical order.")


def _summary(record: ledger.CycleRecord) -> dict:
    cycle, recon = record.cycle, record.reconciliation
    mu = codes.minor_unit(cycle.currency)
    return {"id": cycle.id, "group": cycle.group_id, "number": cycle.number, "date": cycle.cycle_date,
            "completed_on": cycle.completed_on, "members": len(record.members), "currency": cycle.currency,
            "amount": present.money(sum((m.amount for m in record.members), 0), mu),
            "cost": present.money(recon.cost, mu), "flags": [f.code for f in recon.flags],
            "warnings": list(record.warnings)}


def _entry(row, in_force: set[int]) -> dict:
    return {"id": row.id, "in_force": row.id in in_force, "correction": bool(row.correction),
            "supersedes": row.supersedes_id, "void": bool(row.void)}


def cycle_json(record: ledger.CycleRecord) -> dict:
    cycle, recon = record.cycle, record.reconciliation
    mu, rmu = codes.minor_unit(cycle.currency), codes.minor_unit(cycle.receive_currency)
    refs = {m.id: m.ref for m in record.members}

    def m(value):
        return present.money(value, mu)

    def r(value):
        return present.money(value, rmu)

    return {
        **_summary(record), "receive_currency": cycle.receive_currency, "allocation": cycle.allocation,
        "bulk_product": cycle.bulk_label, "reference_rate": present.rate(cycle.reference_rate),
        "reference_rate_as_of": cycle.reference_rate_as_of, "reference_rate_source": str(record.rate_source),
        "coordinator_fee": m(cycle.coordinator_fee), "distribution_fee": r(cycle.distribution_fee),
        "rounding": ROUNDING,
        "totals": {
            "contributed": m(recon.contributed), "planned_contributions": m(recon.planned_contributions),
            "debited": m(recon.debited), "fees_on_top": m(recon.fees_on_top), "deducted": m(recon.deducted),
            "distribution": m(recon.distribution), "fx_cost": m(recon.fx_cost), "cost": m(recon.cost),
            "planned_cost": m(recon.planned_cost), "credited": r(recon.credited),
            "distribution_fees": r(recon.distribution_fees), "expected_paid_out": r(recon.expected_paid_out),
            "paid_out": r(recon.paid_out), "pending": r(recon.pending), "returned": r(recon.returned),
            "left_to_settle": m(recon.left_to_settle)},
        "member_results": [{
            "ref": x.ref, "amount": m(x.amount), "planned_contribution": m(x.planned_contribution),
            "contributed": m(x.contributed), "fees_on_top": m(x.fees_on_top), "balance": m(x.balance),
            "share": m(x.share), "planned_share": m(x.planned_share), "share_difference": m(x.share_difference),
            "expected_payout": r(x.expected_payout), "planned_receive": r(x.planned_receive), "paid": r(x.paid),
            "pending": r(x.pending), "returned": r(x.returned), "today_cost": m(x.today_cost),
            "cheapest_cost": m(x.cheapest_cost), "saving_vs_today": m(x.saving_vs_today),
            "saving_vs_cheapest": m(x.saving_vs_cheapest), "warnings": list(record.member_warnings(x.ref))}
            for x in recon.members],
        "contributions": [{**_entry(c, record.in_force["contribution"]), "ref": refs[c.member_id], "amount": m(c.amount),
                           "method": c.method, "received_on": c.received_on} for c in record.contributions],
        "wires": [{**_entry(w, record.in_force["wire"]), "bank_reference": w.bank_reference or "",
                   "executed_on": w.executed_on, "debited": m(w.debited), "fee": m(w.fee),
                   "currency_sent": w.currency_sent, "applied_rate": present.rate(w.applied_rate),
                   "intermediary": present.money(w.intermediary, codes.minor_unit(w.currency_sent)),
                   "receiving_fee": present.money(w.receiving_fee, codes.minor_unit(w.currency_sent)),
                   "credited": r(w.credited)} for w in record.wires],
        "payouts": [{**_entry(p, record.in_force["payout"]), "ref": refs[p.member_id], "amount": r(p.amount),
                     "status": p.status, "paid_on": p.paid_on, "confirmed_how": p.confirmed_how}
                    for p in record.payouts],
        "flag_details": [{"code": f.code, "message": str(f.message), "ref": f.ref, "wire": f.wire}
                         for f in recon.flags],
    }


def season_json(season: ledger.SeasonRecord) -> dict:
    mu = codes.minor_unit(season.currency)
    rcy = season.receive_currency
    rmu = codes.minor_unit(rcy)
    whole = season.season

    def m(value):
        return present.money(value, mu)

    def r(value):
        return present.money(value, rmu)

    return {
        "group": season.group.id, "year": season.year, "currency": season.currency, "receive_currency": rcy,
        "cycles": [_summary(record) for record in season.records],
        "totals": {"amount": m(whole.amount), "contributed": m(whole.contributed), "cost": m(whole.cost),
                   "credited": r(whole.credited), "paid_out": r(whole.paid_out),
                   "saving_vs_today": m(whole.saving_vs_today), "saving_vs_cheapest": m(whole.saving_vs_cheapest)},
        "statements": [{
            "ref": s.ref, "language": season.languages.get(s.ref), "amount": m(s.amount),
            "contributed": m(s.contributed), "share": m(s.share), "received": r(s.received), "pending": r(s.pending),
            "saving_vs_today": m(s.saving_vs_today), "saving_vs_cheapest": m(s.saving_vs_cheapest),
            "cycles_vs_today": s.cycles_vs_today, "cycles_vs_cheapest": s.cycles_vs_cheapest,
            "lines": [{"cycle": line.cycle.number, "date": line.cycle.date, "completed": line.cycle.completed,
                       "corrected": line.corrected, "amount": m(line.amount), "contributed": m(line.contributed),
                       "share": m(line.share), "received": r(line.received), "pending": r(line.pending),
                       "returned": r(line.returned), "today_cost": m(line.today_cost),
                       "cheapest_cost": m(line.cheapest_cost), "saving_vs_today": m(line.saving_vs_today),
                       "saving_vs_cheapest": m(line.saving_vs_cheapest),
                       "warnings": ["stale"] if any(season.line_warnings(s.ref, line.cycle.number).values()) else []}
                      for line in s.lines]}
            for s in whole.statements],
    }


def _answer(body: dict, status: int = 200, headers: dict | None = None):
    response = present.json_response(present.json_text(body), headers or {})
    response.status_code = status
    return response


# --- Operations ----------------------------------------------------------------------------------

@ledger_bp.route("/groups")
class LedgerGroups(MethodView):
    @ledger_bp.response(200, LedgerGroupSchema(many=True))
    @ledger_bp.paginate(Page)
    @ledger_bp.doc(operationId="list_ledger_groups", **NEEDS_KEY)
    def get(self):
        """Saved groups, with how many cycles each has and the day of its latest"""
        return [{"id": g.id, "name": g.name, "send": g.send_country, "receive": g.receive_country,
                 "currency": g.currency, "cycles": count, "latest": latest}
                for g, count, latest in ledger.groups_with_cycles(keys.reachable_groups())]


GROUP_ID = {"in": "path", "name": "group_id", "required": True, "description": "a saved group's id",
            "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647}}


class CyclePage(Page):
    """A page of a group's cycles: only the cycles on the page are read whole and reconciled (a group
    of several seasons has hundreds of cycles; the list of their rows costs little)."""

    @property
    def items(self):
        return [_summary(ledger.load(c.id)) for c in super().items]


@ledger_bp.route("/groups/<int:group_id>/cycles", parameters=[GROUP_ID])
class LedgerGroupCycles(MethodView):
    @ledger_bp.response(200, LedgerCycleSummarySchema(many=True))
    @ledger_bp.alt_response(404, description="There is no such saved group.")
    @ledger_bp.paginate(CyclePage)
    @ledger_bp.doc(operationId="list_ledger_cycles", **NEEDS_KEY)
    def get(self, group_id):
        """A group's cycles, the latest first, each with what it cost and its flags"""
        ledger.group_row(group_id, keys.reachable_groups())
        return ledger.cycles_of(group_id)

    @ledger_bp.arguments(LedgerCycleRequestSchema)
    @ledger_bp.response(201, LedgerCycleSchema, headers={"Location": {"$ref": "#/components/headers/Location"}})
    @ledger_bp.alt_response(404, description="There is no such saved group, or no data for its corridor.")
    @ledger_bp.alt_response(422, description="A refusal (nothing is written): a plan for another corridor, nobody "
                                             "who gains by bundling, a wire larger than the contributions, a payout to "
                                             "someone not in the cycle, a rate of zero, more decimals than the "
                                             "currency has, a completion with entries missing…; `reason` says which.")
    @ledger_bp.doc(operationId="record_ledger_cycle", **NEEDS_KEY)
    def post(self, body, group_id):
        """Record a cycle: the group's next pooled transfer, from its plan, and what really happened

        The plan (as POST /api/v1/bundles takes it) is priced on `date`; its joining members make the
        cycle. Then, in this order, as on the staff pages: what each member handed over, the fee per
        family, the wires, the payouts, and (with `complete`) the lock. One refusal anywhere refuses the
        whole request: nothing is written.
        """
        group = ledger.group_row(group_id, keys.reachable_groups())
        on = body["date"] or dt.date.today()
        key = keys.request_key()
        actor = f"api:{key.name}"[:254]
        result = bundles.plan(_plan_request(body["plan"]), on=on)
        entries = ledger.CycleEntries(
            contributions=[ledger.ContributionInput(c["ref"], c["amount"], c["method"], c["receipt"], c["received_on"])
                           for c in body["contributions"]],
            distribution_fee=body["distribution_fee"],
            wires=[ledger.WireInput(w["debited"], w["fee"], w["currency_sent"], w["applied_rate"], w["intermediary"],
                                    w["receiving_fee"], w["credited"], w["bank_reference"], w["executed_on"])
                   for w in body["wires"]],
            payouts=[ledger.PayoutInput(p["ref"], p["amount"], p["status"], p["paid_on"], p["confirmed_how"])
                     for p in body["payouts"]],
            complete=body["complete"], completed_on=body["completed_on"])
        try:
            cycle_id = ledger.record_cycle(group, result, on, entries, actor=actor, language=body["language"]).cycle.id
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise  # a refusal is answered by remit/errors.py
        # Read again after the commit: one query a table, not one per entry the commit expired.
        record = ledger.load(cycle_id)
        return _answer(cycle_json(record), 201, {
            "Location": url_for("ledger.LedgerCycle", cycle_id=record.cycle.id)})


def _plan_request(plan: dict) -> bundles.BundleRequest:
    from .bundles import bundle_request  # as POST /api/v1/bundles reads a plan (fee currencies, days)

    return bundle_request(plan)


@ledger_bp.route("/cycles/<int:cycle_id>", parameters=[{
    "in": "path", "name": "cycle_id", "required": True, "description": "a cycle's id",
    "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647}}])
class LedgerCycle(MethodView):
    @ledger_bp.response(200, LedgerCycleSchema)
    @ledger_bp.alt_response(404, description="There is no such cycle.")
    @ledger_bp.doc(operationId="get_ledger_cycle", **NEEDS_KEY)
    def get(self, cycle_id):
        """A cycle as recorded and reconciled: each member's share of the real cost and what their family
        is due, every entry (corrections included), and what does not add up"""
        return _answer(cycle_json(ledger.load(cycle_id, among=keys.reachable_groups())))


@ledger_bp.route("/groups/<int:group_id>/seasons/<int:year>", parameters=[GROUP_ID, {
    "in": "path", "name": "year", "required": True, "description": "the season: the year of its cycles' days",
    "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647}, "example": 2026}])
class LedgerSeason(MethodView):
    @ledger_bp.response(200, LedgerSeasonSchema)
    @ledger_bp.alt_response(404, description="There is no such saved group, or it has no cycle that year.")
    @ledger_bp.doc(operationId="get_ledger_season", **NEEDS_KEY)
    def get(self, group_id, year):
        """A group's season: its cycles, its totals, and every worker's statement (each cycle: handed over,
        share of the costs, received by the family, saving against today's service and the cheapest way
        alone, at the rates of that day)"""
        return _answer(season_json(ledger.season_of(group_id, year, keys.reachable_groups())))


__all__ = ["ledger_bp"]
