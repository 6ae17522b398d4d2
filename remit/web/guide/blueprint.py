"""The corridor guide's URL map (the views are in views.py)."""
from __future__ import annotations

from flask import Blueprint

from . import views

bp = Blueprint("guide", __name__, template_folder="templates")

bp.add_url_rule("/corridors/<code>/guide", view_func=views.guide)
