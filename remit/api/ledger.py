"""The season ledger for partner apps (issue 17): read a saved group's cycles, a cycle's reconciliation
and a season's statements; record a cycle from its plan and what happened. Needs a `ledger` key; a
key tied to some groups sees only those (any other group or its cycles: 404, as if absent).

Answers carry figures, dates, codes and the members' references, never the columns that are personal
to the centre's staff (receipts' texts, who confirmed a payout, the reasons typed for corrections,
the columns carried from the coordinator's list): those stay on the staff pages.
"""
from __future__ import annotations

import datetime as dt

from flask import request, url_for
from flask.views import MethodView
from flask_smorest import Page

from .. import codes
from ..services import bundles, ledger
from . import keys, present
from .bundles import bundle_request
from .blueprint import Blueprint
from .ledger_schemas import (LedgerCycleRequestSchema, LedgerCycleSchema, LedgerCycleSummarySchema, LedgerGroupSchema,
                             LedgerSeasonSchema)
from .openapi import NEEDS_KEY

ledger_bp = Blueprint("ledger", __name__, url_prefix="/api/v1/ledger",
                      description="The season ledger: saved groups' pooled transfers as they really happened, "
                                  "reconciled, and each worker's statement (needs a `ledger` key; a key tied to "
                                  "some groups sees only those: any other group, or a cycle of one, is a 404).")


def require_ledger_scope():
    # A preflight is answered without CORS headers: no other origin may read the ledger.
    if request.method != "OPTIONS":
        keys.require_scope("ledger")


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
        result = bundles.plan(bundle_request(body["plan"]), on=on)  # read as POST /api/v1/bundles reads a plan
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
        # A refusal anywhere is answered by remit/errors.py, nothing written; the commit is the request's.
        cycle_id = ledger.record_cycle(group, result, on, entries, actor=actor, language=body["language"]).cycle.id
        record = ledger.load(cycle_id)
        return _answer(cycle_json(record), 201, {
            "Location": url_for("ledger.LedgerCycle", cycle_id=record.cycle.id)})


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
