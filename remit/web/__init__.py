"""Pages for resource-centre staff."""
from flask import Blueprint

bp = Blueprint("web", __name__, template_folder="templates")

from .compare import views as compare_views  # noqa: E402,F401
from .group import views as group_views  # noqa: E402,F401
from .ledger import cycle, groups, seasons  # noqa: E402,F401
from .errorpages import explanation, title  # noqa: E402


@bp.app_context_processor
def error_texts():
    return {"error_title": title, "error_text": explanation}
