"""Who may open the staff pages that keep records: a decorator for their views."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user

from ..extensions import login_manager


def staff_only(view):
    """Staff and administrators only: others are sent to the login page, or refused (403)."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if current_user.role not in ("admin", "staff"):
            abort(403)
        return view(*args, **kwargs)
    return wrapped

