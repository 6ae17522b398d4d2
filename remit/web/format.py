"""Template filters for numbers and codes."""
from __future__ import annotations

from flask import Flask

from .. import codes


def register_filters(app: Flask) -> None:
    @app.template_filter("country_name")
    def country_name(alpha_2: str) -> str:
        record = codes.country_record(alpha_2)
        return record.name if record else alpha_2
