"""The corridor guide's URL map: one corridor's guide, and the guides of a sending country's corridors
printed together (the views are in views.py)."""
from __future__ import annotations

from flask import Blueprint

from . import views

bp = Blueprint("guide", __name__, template_folder="templates")

bp.add_url_rule("/corridors/<code>/guide", view_func=views.guide)
bp.add_url_rule("/guides", view_func=views.guides)
