"""Administration: logins, imports through the browser, history and revert, management pages."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")
auth_bp = Blueprint("auth", __name__, template_folder="templates")

from . import imports, manage, views  # noqa: E402,F401
