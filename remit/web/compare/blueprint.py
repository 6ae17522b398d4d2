"""Compare's URL map: the comparison, the corridors and the providers (the views are in views.py)."""
from __future__ import annotations

from flask import Blueprint

from . import views

bp = Blueprint("compare", __name__, template_folder="templates")

bp.add_url_rule("/", view_func=views.index)
bp.add_url_rule("/compare", view_func=views.compare)
bp.add_url_rule("/corridors", view_func=views.corridors)
bp.add_url_rule("/corridors/<code>", view_func=views.corridor)
bp.add_url_rule("/providers", view_func=views.providers)
bp.add_url_rule("/providers/<slug>", view_func=views.provider)
