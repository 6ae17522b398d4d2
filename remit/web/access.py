"""Who may open the staff pages that keep records: staff and administrators; others are sent to the
login page (anonymous) or refused (403)."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user

from ..extensions import login_manager


def require_staff():
    """Before a staff page: None for staff and administrators, else the login page or a 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role not in ("admin", "staff"):
        abort(403)
    return None


def actor() -> str:
    """Who records a change: the logged-in staffer's e-mail (for the audit log)."""
    return current_user.email


def staff_only(view):
    """A view for staff and administrators only (a whole blueprint of them: before_request(require_staff))."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        return require_staff() or view(*args, **kwargs)
    return wrapped
