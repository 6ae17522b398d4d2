"""Pages for resource-centre staff: one blueprint per feature, each with its URL map in its
blueprint.py: compare (the comparison, corridors and providers), group (the group transfer),
season_ledger (the season ledger), guide (the corridor guide to take home) and collect (observed
prices: recorded, reviewed). What they share: forms.py (choices, amounts, the corridor
choices), format.py (names and numbers in the reader's language), charts.py, files.py, access.py."""
from __future__ import annotations

from flask import Flask

from .collect.blueprint import bp as collect_bp
from .compare.blueprint import bp as compare_bp
from .errorpages import explanation, title
from .format import register_filters
from .group.blueprint import bp as group_bp
from .guide.blueprint import bp as guide_bp
from .ledger.blueprint import bp as ledger_bp

BLUEPRINTS = (compare_bp, group_bp, ledger_bp, guide_bp, collect_bp)


def init_web(app: Flask) -> None:
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    register_filters(app)

    @app.context_processor
    def error_texts():
        return {"error_title": title, "error_text": explanation}
