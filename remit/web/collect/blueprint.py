"""Price collection's URL map (staff login): recording an observation (collectors and administrators),
its evidence (staff), the rounds and their review (administrators)."""
from __future__ import annotations

from flask import Blueprint

from ..access import require_staff
from . import views

bp = Blueprint("collect", __name__, template_folder="templates")
bp.before_request(require_staff)

bp.add_url_rule("/collect", view_func=views.record, methods=["GET", "POST"])
bp.add_url_rule("/collect/evidence/<name>", view_func=views.evidence)
bp.add_url_rule("/collect/observations/<int:observation_id>/evidence", view_func=views.observation_evidence)
bp.add_url_rule("/collect/rounds", view_func=views.rounds)
bp.add_url_rule("/collect/rounds/<corridor>/<month>", view_func=views.round_page)
bp.add_url_rule("/collect/rounds/<corridor>/<month>/<layout>.<file_format>", view_func=views.round_export)
bp.add_url_rule("/collect/observations/<int:observation_id>/review", view_func=views.review, methods=["POST"])
