"""The season ledger's URL map (staff and administrators only): the saved groups, a cycle and what is
recorded on it, a season and its statements, the auditor's export.

Named season_ledger: the API's ledger blueprint (remit/api/ledger.py) is named ledger."""
from __future__ import annotations

from flask import Blueprint

from ..access import require_staff
from . import cycle, groups, seasons

bp = Blueprint("season_ledger", __name__, template_folder="templates")
bp.before_request(require_staff)

GROUP = "/ledger/groups/<int:group_id>"
CYCLE = "/ledger/cycles/<int:cycle_id>"
SEASON = GROUP + "/seasons/<int:year>"

bp.add_url_rule("/ledger", view_func=groups.index)
bp.add_url_rule(GROUP, view_func=groups.group)
bp.add_url_rule("/ledger/cycles", view_func=groups.create, methods=["POST"])

bp.add_url_rule(CYCLE, view_func=cycle.cycle)
bp.add_url_rule(CYCLE + "/contributions", view_func=cycle.contributions, methods=["POST"])
bp.add_url_rule(CYCLE + "/distribution-fee", view_func=cycle.distribution_fee, methods=["POST"])
bp.add_url_rule(CYCLE + "/wires", view_func=cycle.wire, methods=["POST"])
bp.add_url_rule(CYCLE + "/wires/<int:wire_id>/remove", view_func=cycle.wire_remove, methods=["POST"])
bp.add_url_rule(CYCLE + "/payouts", view_func=cycle.payouts, methods=["POST"])
bp.add_url_rule(CYCLE + "/payouts/confirmation", view_func=cycle.confirmation, methods=["POST"])
bp.add_url_rule(CYCLE + "/complete", view_func=cycle.complete, methods=["POST"])
bp.add_url_rule(CYCLE + "/corrections", view_func=cycle.correct, methods=["POST"])
bp.add_url_rule(CYCLE + "/wire-corrections", view_func=cycle.correct_wire, methods=["POST"])

bp.add_url_rule(SEASON, view_func=seasons.season)
bp.add_url_rule(SEASON + ".<fmt>", view_func=seasons.season_file)
bp.add_url_rule(SEASON + "/statements", view_func=seasons.statements)
bp.add_url_rule(SEASON + "/statements/<int:number>", view_func=seasons.statement)
bp.add_url_rule(SEASON + "/statements/<int:number>.<fmt>", view_func=seasons.statement_file)
bp.add_url_rule("/ledger/export.zip", view_func=seasons.export, methods=["POST"])
