"""Providers, partner API keys, users and the audit log."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from ..domain.errors import RemitError
from ..extensions import db
from ..i18n import translate
from ..inputs import page_number
from ..models import ApiKey, AuditEvent, BundleGroup, Provider, User
from ..services.keys import create_key, group_names_by_key
from . import bp
from .auth import audit, create_user, now, role_required
from .forms import ApiKeyForm, ProviderForm, UserForm

PAGE_SIZE = 50


@bp.get("/providers")
@role_required("admin", "staff")
def providers():
    rows = db.session.execute(select(Provider).order_by(func.lower(Provider.name))).scalars().all()
    return render_template("admin/providers.html", providers=rows)


@bp.route("/providers/<slug>", methods=["GET", "POST"])
@role_required("admin", "staff")
def provider_edit(slug: str):
    provider = db.session.execute(select(Provider).where(Provider.slug == slug)).scalar_one_or_none()
    if provider is None:
        abort(404)
    form = ProviderForm(obj=provider)
    if request.method == "POST":
        if current_user.role != "admin":
            abort(403)
        if form.validate_on_submit():
            before = {f: getattr(provider, f) for f in ("name", "website", "licence_note", "active")}
            provider.name = form.name.data.strip()
            provider.website = form.website.data or None
            provider.licence_note = form.licence_note.data or None
            provider.active = bool(form.active.data)
            after = {f: getattr(provider, f) for f in before}
            changed = {f: [before[f], after[f]] for f in before if before[f] != after[f]}
            if changed:
                audit("provider changed", provider.slug, changed)
            db.session.commit()
            flash(_("Saved."))
            return redirect(url_for("admin.provider_edit", slug=slug))
        return render_template("admin/provider_edit.html", provider=provider, form=form), 422
    return render_template("admin/provider_edit.html", provider=provider, form=form)


@bp.route("/api-keys", methods=["GET", "POST"])
@role_required("admin")
def api_keys():
    form = ApiKeyForm()
    form.groups.choices = [(g.id, g.name) for g in db.session.execute(
        select(BundleGroup).order_by(func.lower(BundleGroup.name), BundleGroup.id)).scalars()]
    shown = None
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            groups = sorted(set(form.groups.data or ()))
            key, shown = create_key(form.name.data.strip(), form.scope.data, groups)
            db.session.flush()
            detail = {"scope": key.scope} | ({"groups": groups} if groups else {})
            audit("API key created", f"{key.prefix} {key.name}", detail)
            db.session.commit()
        else:
            status = 422
    keys = db.session.execute(select(ApiKey).order_by(ApiKey.id.desc())).scalars().all()
    return render_template("admin/api_keys.html", form=form, keys=keys, shown=shown, key_groups=group_names_by_key(),
                           scopes={c.value: c.label for c in form.scope.choices}), status


@bp.post("/api-keys/<int:key_id>/revoke")
@role_required("admin")
def revoke_key(key_id: int):
    key = db.session.get(ApiKey, key_id)
    if key is None:
        abort(404)
    if key.revoked_at is None:
        key.revoked_at = now()
        audit("API key revoked", f"{key.prefix} {key.name}")
        db.session.commit()
    return redirect(url_for("admin.api_keys"))


@bp.route("/users", methods=["GET", "POST"])
@role_required("admin")
def users():
    form = UserForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                user = create_user(form.email.data, form.password.data, form.role.data)
            except RemitError as exc:
                form[exc.field or "email"].errors.append(translate(exc.message))
                status = 422
            else:
                audit("user created", user.email, {"role": user.role})
                db.session.commit()
                flash(_("Login %(email)s created.", email=user.email))
                return redirect(url_for("admin.users"))
        else:
            status = 422
    rows = db.session.execute(select(User).order_by(User.email)).scalars().all()
    return render_template("admin/users.html", form=form, users=rows,
                           roles={c.value: c.label for c in form.role.choices}), status


@bp.post("/users/<int:user_id>/active")
@role_required("admin")
def user_active(user_id: int):
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    if user.id == current_user.id:
        flash(_("You cannot deactivate your own login."))
        return redirect(url_for("admin.users"))
    user.active = not user.active
    user.session_version += 1
    audit("user activated" if user.active else "user deactivated", user.email)
    db.session.commit()
    return redirect(url_for("admin.users"))


@bp.get("/audit")
@role_required("admin", "staff")
def audit_log():
    total = db.session.scalar(select(func.count()).select_from(AuditEvent))
    pages = max(1, -(-total // PAGE_SIZE))
    page = page_number(request.args.get("page"), pages)
    if page is None:
        abort(404)
    events = db.session.execute(select(AuditEvent).order_by(AuditEvent.id.desc())
                                .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).scalars().all()
    return render_template("admin/audit.html", events=events, page=page, pages=pages)
