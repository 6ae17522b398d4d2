from __future__ import annotations

import math

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user

from ..errors import on_refusal
from ..extensions import db, limiter
from ..inputs import same_site_path
from . import auth, auth_bp, bp
from .forms import LoginForm, PasswordForm


def _clear_session_keeping_language() -> None:
    """A new session at login and logout; the reader's language is not part of what ends."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language


def _login_limit() -> str:
    return current_app.config["REMIT_LOGIN_RATE_LIMIT"]


def _next_page() -> str:
    """Where the login sends the browser: ?next= when it is a path on this site, else the dashboard."""
    return same_site_path(request.args.get("next")) or url_for("admin.dashboard")


@auth_bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=lambda: f"login:{request.remote_addr}")
def login():
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user, problem, wait = auth.authenticate(form.email.data, form.password.data, request.remote_addr)
        if user is not None:
            # Recorded before it takes effect: if the audit row cannot be written (a full disk, a
            # read-only database), the answer is an error and the browser is not logged in.
            auth.audit("logged in", user.email, actor=user.email)
            db.session.commit()
            _clear_session_keeping_language()
            session.permanent = True
            login_user(user)
            return redirect(_next_page())
        status = 401
        if problem == "waiting":
            minutes = max(1, math.ceil(wait.total_seconds() / 60))
            form.password.errors.append(ngettext(
                "Too many wrong passwords from here: try again in %(num)s minute.",
                "Too many wrong passwords from here: try again in %(num)s minutes.", minutes))
        else:
            form.password.errors.append(_("The e-mail or the password is wrong."))
    elif request.method == "POST":
        status = 422
    return render_template("admin/login.html", form=form), status


@auth_bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        # The session's cookie is signed, not stored: a copy of it would still open the pages, so
        # logging out ends every session of this login (the session version moves on).
        auth.end_sessions(current_user)
        auth.audit("logged out", current_user.email)
        db.session.commit()  # before the browser's session ends: its copies must end with it
    logout_user()
    _clear_session_keeping_language()
    return redirect(url_for("compare.index"))


@bp.before_request
@login_required
def require_login():
    """Every /admin page needs a login; pages that change data need the admin role as well."""


@bp.get("/")
def dashboard():
    return render_template("admin/dashboard.html")


@bp.route("/password", methods=["GET", "POST"])
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        on_refusal(lambda _problems, status: (render_template("admin/password.html", form=form), status), form,
                   field="current")
        auth.change_password(current_user, form.current.data, form.new.data)
        db.session.commit()  # before the session follows the new session version, which must be stored first
        login_user(current_user)
        flash(_("Your password has been changed; other sessions have ended."))
        return redirect(url_for("admin.dashboard"))
    return render_template("admin/password.html", form=form), (422 if request.method == "POST" else 200)
