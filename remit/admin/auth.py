"""Logins: argon2 password hashes, wrong passwords slowed per e-mail and address, roles, the audit log."""
from __future__ import annotations

import datetime as dt
from functools import wraps

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import abort
from flask_login import current_user
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from ..domain.errors import RemitError
from ..domain.messages import msg
from ..extensions import db, login_manager
from ..models import LoginFailure, User
from ..services import audit as audit_log

HASHER = PasswordHasher()
MIN_PASSWORD = 12
MAX_PASSWORD = 200
# Wrong passwords for one e-mail from one address: the first FREE_FAILURES cost nothing; each one after
# makes that pair wait twice as long as the one before (30 s, 1 min, 2 min, …), at most LONGEST_WAIT.
FREE_FAILURES = 4
FIRST_WAIT = dt.timedelta(seconds=30)
LONGEST_WAIT = dt.timedelta(minutes=15)
FORGET_AFTER = dt.timedelta(days=1)  # failures older than this, and no longer waiting, are forgotten
# Verified against when the e-mail is unknown, so that a wrong e-mail takes as long as a wrong password.
_DUMMY_HASH = HASHER.hash("not a real password, only for timing")


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def hash_password(password: str) -> str:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise RemitError(msg("password_length", "A password needs %(low)s to %(high)s characters.",
                             low=MIN_PASSWORD, high=MAX_PASSWORD), field="password")
    return HASHER.hash(password)


def _email(text: str) -> str:
    return (text or "").strip().lower()[:254]


def find_user(email: str) -> User | None:
    return db.session.execute(select(User).where(User.email == _email(email))).scalar_one_or_none()


def user_by_id(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def users_by_email() -> list[User]:
    return db.session.execute(select(User).order_by(User.email)).scalars().all()


def switch_active(user: User) -> None:
    """An active login deactivated, an inactive one activated; its sessions end either way (the caller
    commits)."""
    user.active = not user.active
    user.session_version += 1
    audit("user activated" if user.active else "user deactivated", user.email)


def create_user(email: str, password: str, role: str) -> User:
    email = (email or "").strip().lower()
    if "@" not in email or len(email) > 254:
        raise RemitError(msg("not_an_email", "'%(email)s' is not an e-mail address", email=email[:60]), field="email")
    if role not in ("admin", "staff"):
        raise RemitError(msg("bad_role", "the role is admin or staff"), field="role")
    if find_user(email) is not None:
        raise RemitError(msg("login_exists", "a login for %(email)s exists already", email=email), field="email")
    user = User(email=email, password_hash=hash_password(password), role=role, active=True)
    db.session.add(user)
    return user


def wait_after(failures: int) -> dt.timedelta | None:
    """How long one e-mail and address wait after this many wrong passwords in a row."""
    if failures <= FREE_FAILURES:
        return None
    return min(LONGEST_WAIT, FIRST_WAIT * 2 ** min(failures - FREE_FAILURES - 1, 16))


def _failure_row(email: str, address: str) -> LoginFailure | None:
    return db.session.execute(select(LoginFailure).where(LoginFailure.email == email,
                                                         LoginFailure.address == address)).scalar_one_or_none()


def _count_failure(email: str, address: str) -> LoginFailure:
    """One more wrong password for the pair, counted in the database (every app server sees it)."""
    stamp = now()
    db.session.execute(delete(LoginFailure).where(LoginFailure.last_failure_at < stamp - FORGET_AFTER,
                                                  (LoginFailure.locked_until.is_(None))
                                                  | (LoginFailure.locked_until < stamp)))
    changed = db.session.execute(update(LoginFailure).where(LoginFailure.email == email,
                                                            LoginFailure.address == address)
                                 .values(failures=LoginFailure.failures + 1, last_failure_at=stamp))
    if changed.rowcount == 0:
        try:
            with db.session.begin_nested():
                db.session.add(LoginFailure(email=email, address=address, failures=1, last_failure_at=stamp))
        except IntegrityError:  # another request for the same pair inserted it first
            db.session.execute(update(LoginFailure).where(LoginFailure.email == email,
                                                          LoginFailure.address == address)
                               .values(failures=LoginFailure.failures + 1, last_failure_at=stamp))
    row = _failure_row(email, address)
    db.session.refresh(row)
    wait = wait_after(row.failures)
    row.locked_until = stamp + wait if wait else None
    return row


def authenticate(email: str, password: str, address: str) -> tuple[User | None, str | None, dt.timedelta | None]:
    """The user, or None, why ("wrong" or "waiting") and how long to wait.

    After a few wrong passwords for one e-mail from one address, that pair must wait before trying
    again, longer after each further failure; the right password from elsewhere is never refused."""
    email, address = _email(email), (address or "unknown")[:64]
    row = _failure_row(email, address)
    if row is not None and row.locked_until is not None and row.locked_until > now():
        return None, "waiting", row.locked_until - now()
    user = find_user(email)
    try:
        HASHER.verify(user.password_hash if user is not None and user.active else _DUMMY_HASH, password)
        right = user is not None and user.active
    except (VerificationError, InvalidHashError):
        right = False
    if not right:
        row = _count_failure(email, address)
        if row.failures == FREE_FAILURES + 1 and user is not None:
            audit("logins slowed", user.email, f"{row.failures} wrong passwords from {address}", actor=user.email)
        db.session.commit()  # counted whatever the answer: the login page answers a wrong password with a 401
        waiting = row.locked_until - now() if row.locked_until else None
        return None, ("waiting" if waiting else "wrong"), waiting
    db.session.execute(delete(LoginFailure).where(LoginFailure.email == email, LoginFailure.address == address))
    if HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = HASHER.hash(password)
    return user, None, None  # the caller commits, with the login's audit row


def change_password(user: User, current: str, new: str) -> None:
    try:
        HASHER.verify(user.password_hash, current)
    except (VerificationError, InvalidHashError):
        raise RemitError(msg("current_password_wrong", "the current password is wrong"), field="current") from None
    try:
        user.password_hash = hash_password(new)
    except RemitError as exc:
        raise RemitError(exc.message, field="new") from None
    user.session_version += 1  # every other session of this user ends
    audit("password changed", user.email)


def end_sessions(user: User) -> None:
    """Every session of the user ends, this one and any copy of its cookie (the caller commits)."""
    user.session_version += 1


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
