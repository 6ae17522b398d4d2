"""Pages for resource-centre staff."""
from flask import Blueprint

bp = Blueprint("web", __name__, template_folder="templates")

from . import views  # noqa: E402,F401
