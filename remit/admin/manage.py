"""Providers, partner API keys, users and the audit log."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..errors import on_refusal
from ..inputs import page_number
from ..services import audit as audit_events
from ..services import keys, saved_groups
from ..services import providers as catalog
from . import auth, bp
from .auth import role_required
from .forms import ApiKeyForm, ProviderForm, UserForm

PAGE_SIZE = 50


@bp.get("/providers")
@role_required("admin", "staff")
def providers():
    return render_template("admin/providers.html", providers=catalog.by_name())


@bp.route("/providers/<slug>", methods=["GET", "POST"])
@role_required("admin", "staff")
def provider_edit(slug: str):
    provider = catalog.by_slug(slug)
    if provider is None:
        abort(404)
    form = ProviderForm(obj=provider)
    if request.method == "GET":
        return render_template("admin/provider_edit.html", provider=provider, form=form)
    if current_user.role != "admin":
        abort(403)
    if not form.validate_on_submit():
        return render_template("admin/provider_edit.html", provider=provider, form=form), 422
    catalog.edit(provider, name=form.name.data.strip(), website=form.website.data or None,
                 licence_note=form.licence_note.data or None, active=bool(form.active.data), actor=current_user.email)
    flash(_("Saved."))
    return redirect(url_for("admin.provider_edit", slug=slug))


@bp.route("/api-keys", methods=["GET", "POST"])
@role_required("admin")
def api_keys():
    form = ApiKeyForm()
    form.groups.choices = [(g.id, g.name) for g in saved_groups.by_name_any_case()]
    shown = None
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            _key, shown = keys.issue(form.name.data.strip(), form.scope.data, form.groups.data or (),
                                     actor=current_user.email)
        else:
            status = 422
    return render_template("admin/api_keys.html", form=form, keys=keys.newest_first(), shown=shown,
                           key_groups=keys.group_names_by_key(),
                           scopes={c.value: c.label for c in form.scope.choices}), status


@bp.post("/api-keys/<int:key_id>/revoke")
@role_required("admin")
def revoke_key(key_id: int):
    key = keys.find_by_id(key_id)
    if key is None:
        abort(404)
    keys.revoke(key, at=auth.now(), actor=current_user.email)
    return redirect(url_for("admin.api_keys"))


def _users_page(form, status: int = 200):
    return render_template("admin/users.html", form=form, users=auth.users_by_email(),
                           roles={c.value: c.label for c in form.role.choices}), status


@bp.route("/users", methods=["GET", "POST"])
@role_required("admin")
def users():
    form = UserForm()
    if request.method == "GET":
        return _users_page(form)
    if not form.validate_on_submit():
        return _users_page(form, 422)
    on_refusal(lambda _problems, status: _users_page(form, status), form, field="email")
    user = auth.create_user(form.email.data, form.password.data, form.role.data)
    auth.audit("user created", user.email, {"role": user.role})
    flash(_("Login %(email)s created.", email=user.email))
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/active")
@role_required("admin")
def user_active(user_id: int):
    user = auth.user_by_id(user_id)
    if user is None:
        abort(404)
    if user.id == current_user.id:
        flash(_("You cannot deactivate your own login."))
        return redirect(url_for("admin.users"))
    auth.switch_active(user)
    return redirect(url_for("admin.users"))


@bp.get("/audit")
@role_required("admin", "staff")
def audit_log():
    pages = max(1, -(-audit_events.count() // PAGE_SIZE))
    page = page_number(request.args.get("page"), pages)
    if page is None:
        abort(404)
    events = audit_events.newest(PAGE_SIZE, (page - 1) * PAGE_SIZE)
    return render_template("admin/audit.html", events=events, page=page, pages=pages)
