"""Account logic shared by the pages and the CLI. No request objects in here."""

from __future__ import annotations

import hashlib
import re
import secrets

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import LoginSession, User
from .passwords import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    burn_verification_time,
    hash_password,
    needs_rehash,
    verify_password,
)

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,38}[a-z0-9]$")
USERNAME_RULE = "3 to 40 characters: letters, digits, and . _ - inside"


class AccountError(Exception):
    """A request about an account that cannot be carried out; `field` names the culprit."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def normalize_username(username: str) -> str:
    return username.strip().lower()


def validate_username(username: str) -> str:
    name = normalize_username(username)
    if not USERNAME_PATTERN.match(name) or ".." in name:
        raise AccountError(f"Usernames are {USERNAME_RULE}.", "username")
    return name


def validate_password(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.", field)
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"Passwords can have at most {MAX_PASSWORD_LENGTH} characters.", field)


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User)) or 0


def signup_open(allow_signup: bool) -> bool:
    """The first account can always be made; after that only if the operator allows it."""
    return allow_signup or user_count() == 0


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == normalize_username(username)))


def create_user(username: str, password: str, *, admin: bool | None = None) -> User:
    """Add an account. The very first account is always an admin. Commits."""
    name = validate_username(username)
    validate_password(password)
    if find_user(name) is not None:
        raise AccountError("That username is taken.", "username")
    is_first = user_count() == 0
    user = User(username=name, password_hash=hash_password(password), is_admin=bool(admin) or is_first)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:  # the same name registered a moment ago by someone else
        db.session.rollback()
        raise AccountError("That username is taken.", "username") from None
    return user


def authenticate(username: str, password: str) -> User | None:
    """The user if the password is right, else None; the same time either way."""
    user = find_user(username) if len(password) <= MAX_PASSWORD_LENGTH else None
    if user is None:
        burn_verification_time(password[:MAX_PASSWORD_LENGTH])
        return None
    if not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.session.commit()
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(user: User, user_agent: str = "") -> str:
    """Record a new login and return its token (what the cookie will carry). Commits."""
    token = secrets.token_urlsafe(32)
    db.session.add(LoginSession(user=user, token_hash=_token_hash(token), user_agent=user_agent[:255]))
    db.session.commit()
    user.attach_login(token)
    return token


def load_user_by_session_token(token: str) -> User | None:
    login: LoginSession | None = db.session.scalar(
        select(LoginSession).where(LoginSession.token_hash == _token_hash(token))
    )
    if login is None:
        return None
    user = login.user
    user.attach_login(token)
    return user


def end_session(token: str | None) -> None:
    """Forget one login, so a copy of its cookie stops working too. Commits."""
    if token:
        db.session.execute(delete(LoginSession).where(LoginSession.token_hash == _token_hash(token)))
        db.session.commit()


def change_password(user: User, current_password: str, new_password: str, keep_token: str | None) -> None:
    """Change the password and end every other login of this user. Commits."""
    if not verify_password(user.password_hash, current_password):
        raise AccountError("The current password is wrong.", "current_password")
    validate_password(new_password, "new_password")
    user.password_hash = hash_password(new_password)
    others = delete(LoginSession).where(LoginSession.user_id == user.id)
    if keep_token:
        others = others.where(LoginSession.token_hash != _token_hash(keep_token))
    db.session.execute(others)
    db.session.commit()
