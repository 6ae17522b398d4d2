"""The group transfer's URL map: the form and its plan, the hand-outs each computed again from the same
form, and saving the group (the views are in views.py)."""
from __future__ import annotations

from flask import Blueprint

from . import views

bp = Blueprint("group", __name__, template_folder="templates")

bp.add_url_rule("/bundle", view_func=views.bundle, methods=["GET", "POST"])
bp.add_url_rule("/bundle/slips", "slips", views.slips, methods=["POST"])
bp.add_url_rule("/bundle/payout.<fmt>", "payout", views.payout_list, methods=["POST"])
bp.add_url_rule("/bundle/plan.<fmt>", "plan", views.plan_file, methods=["POST"])
bp.add_url_rule("/bundle/groups", "save", views.save, methods=["POST"])
