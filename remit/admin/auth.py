"""Logins: argon2 password hashes, lockout after repeated failures, roles, the audit log."""
from __future__ import annotations

import datetime as dt
from functools import wraps

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import abort
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db, login_manager
from ..models import User
from ..services import audit as audit_log

HASHER = PasswordHasher()
MAX_FAILURES = 10
LOCK_FOR = dt.timedelta(minutes=15)
MIN_PASSWORD = 12
# Verified against when the e-mail is unknown, so that a wrong e-mail takes as long as a wrong password.
_DUMMY_HASH = HASHER.hash("not a real password, only for timing")


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"a password needs at least {MIN_PASSWORD} characters")
    return HASHER.hash(password)


def find_user(email: str) -> User | None:
    return db.session.execute(select(User).where(User.email == email.strip().lower())).scalar_one_or_none()


def create_user(email: str, password: str, role: str) -> User:
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise ValueError(f"'{email}' is not an e-mail address")
    if role not in ("admin", "staff"):
        raise ValueError("the role is admin or staff")
    if find_user(email) is not None:
        raise ValueError(f"a login for {email} exists already")
    user = User(email=email, password_hash=hash_password(password), role=role, active=True)
    db.session.add(user)
    return user


def authenticate(email: str, password: str) -> tuple[User | None, str | None]:
    """The user, or None and why. Ten wrong passwords in a row lock the account for 15 minutes,
    during which even the right password is refused."""
    user = find_user(email)
    if user is None or not user.active:
        try:
            HASHER.verify(_DUMMY_HASH, password)
        except VerificationError:
            pass
        return None, "wrong"
    if user.locked_until is not None and user.locked_until > now():
        return None, "locked"
    try:
        HASHER.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILURES:
            user.locked_until = now() + LOCK_FOR
            user.failed_logins = 0
            audit("login locked", user.email, f"after {MAX_FAILURES} wrong passwords", actor=user.email)
        db.session.commit()
        return None, "wrong"
    user.failed_logins = 0
    user.locked_until = None
    if HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = HASHER.hash(password)
    db.session.commit()
    return user, None


def change_password(user: User, current: str, new: str) -> None:
    try:
        HASHER.verify(user.password_hash, current)
    except (VerificationError, InvalidHashError):
        raise ValueError("the current password is wrong") from None
    user.password_hash = hash_password(new)
    user.session_version += 1  # every other session of this user ends
    audit("password changed", user.email)


@login_manager.user_loader
def load_user(token: str) -> User | None:
    user_id, _, version = token.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def actor_name() -> str:
    return current_user.email if current_user and current_user.is_authenticated else "anonymous"


def audit(action: str, target: str = "", detail: str | dict = "", actor: str | None = None) -> None:
    """Record a change by the logged-in user (or `actor`); the caller commits it with the change itself."""
    audit_log.record(action, target, detail, actor=actor or actor_name())


def role_required(*roles: str):
    """Anonymous users go to the login page; a logged-in user without the role gets 403."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator
