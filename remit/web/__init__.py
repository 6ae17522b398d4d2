"""Pages for resource-centre staff."""
from flask import Blueprint

bp = Blueprint("web", __name__, template_folder="templates")

from . import bundle, ledger, views  # noqa: E402,F401
from .errorpages import explanation, title  # noqa: E402


@bp.app_context_processor
def error_texts():
    return {"error_title": title, "error_text": explanation}
