"""Account logic shared by the pages and the CLI. No request objects in here."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ScalarSelect, delete, func, select, text, update
from sqlalchemy.exc import IntegrityError

from .. import ratelimit
from ..database import release_transaction
from ..extensions import db
from ..households import invites
from ..households import services as households
from ..live_login import LIVE_LOGIN, login_parameters, seen_due
from ..models import ApiToken, LoginSession, PasswordReset, User, token_digest, utcnow
from ..secret_tokens import idle_cutoff, mint
from ..text_cleaning import clean_text
from . import setup_code
from .devices import Device
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
    return clean_text(username).strip().lower()


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


def signup_state(allow_signup: bool) -> str:
    """The state of sign-up: "first" while there is no account (the first can always be made,
    with the setup code), then "open" or "closed", as the operator allows (RECIPES_ALLOW_SIGNUP)."""
    if user_count() == 0:
        return "first"
    return "open" if allow_signup else "closed"


def signup_open(allow_signup: bool) -> bool:
    """The first account can always be made; after that only if the operator allows it."""
    return allow_signup or user_count() == 0


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == normalize_username(username)))


# Any fixed number: the PostgreSQL lock that serialises account creation.
ACCOUNTS_LOCK_KEY = 0x5EC1FE6


def _lock_accounts() -> None:
    """Serialise account creation, so "first account" and "sign-up closed" are decided
    by one request at a time. SQLite already serialises writers (BEGIN IMMEDIATE)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ACCOUNTS_LOCK_KEY})


def _taken() -> AccountError:
    return AccountError("That username is taken.", "username")


def _add_user(
    username: str,
    password: str,
    admin: bool | None,
    allow_signup: bool,
    may_be_first: bool = True,
    invite_token: str | None = None,
) -> User:
    """Stage a new account in the session (not committed). The first account is an admin,
    and can only be made when `may_be_first` (the setup code was given, see setup_code.py).
    The account gets a household of its own, or with `invite_token` joins the invite's
    (InviteNotFound or InviteGone when it no longer works: nothing is staged then)."""
    name = validate_username(username)
    validate_password(password)
    if find_user(name) is not None:
        raise _taken()
    release_transaction()  # before ~50 ms of argon2
    password_hash = hash_password(password)
    _lock_accounts()
    if not signup_open(allow_signup):
        raise AccountError("Sign-up is closed.", "username")
    if find_user(name) is not None:  # registered while we were hashing
        raise _taken()
    is_first = user_count() == 0
    if is_first and not may_be_first:
        raise AccountError(setup_code.NEEDED, "setup_code")
    user = User(username=name, password_hash=password_hash, is_admin=bool(admin) or is_first)
    if invite_token is None:
        db.session.add(user)
        households.new_household_for(user)
    else:  # staged by the invite's use (after the invite is read: nothing half-made is flushed)
        try:
            invites.use_invite(invite_token, user)
        except (invites.InviteNotFound, invites.InviteGone):
            db.session.rollback()
            raise
    return user


def _commit_account() -> None:
    try:
        db.session.commit()
    except IntegrityError:  # the same name, registered a moment ago elsewhere
        db.session.rollback()
        raise _taken() from None


def create_user(username: str, password: str, *, admin: bool | None = None) -> User:
    """Add an account (the admin's way: sign-up settings do not apply), in a household of
    its own. Commits."""
    user = _add_user(username, password, admin, allow_signup=True)
    _commit_account()
    return user


def register(
    username: str,
    password: str,
    *,
    allow_signup: bool,
    user_agent: str = "",
    setup_code_ok: bool = False,
    invite_token: str | None = None,
) -> User:
    """Sign-up: a new account, already logged in, in one transaction. The returned user
    carries its login token (see User.get_id). The first account of a fresh install needs
    the setup code (`setup_code_ok`: the caller checked it); the others do not. With
    `invite_token` the account joins the invite's household (the invite is the permission:
    sign-up need not be open) and the invite's use is counted in the same transaction."""
    if invite_token is not None:
        allow_signup = True
    user = _add_user(username, password, None, allow_signup, may_be_first=setup_code_ok, invite_token=invite_token)
    token = _add_login_session(user, user_agent)
    _commit_account()
    user.attach_login(token)
    return user


def authenticate(username: str, password: str) -> User | None:
    """The user if the password is right, else None; about the same time either way.

    A hash made with older cost settings is upgraded; the change is saved with the
    login session (see start_session)."""
    user = find_user(username) if len(password) <= MAX_PASSWORD_LENGTH else None
    if user is None:
        release_transaction()  # before ~50 ms of argon2
        burn_verification_time(password[:MAX_PASSWORD_LENGTH])
        return None
    stored = user.password_hash
    release_transaction()  # before ~50 ms of argon2
    if not verify_password(stored, password):
        return None
    if not user.is_active:  # said only to someone who knows the password
        raise AccountDisabled
    if needs_rehash(stored):
        user.password_hash = hash_password(password)
    return user


@dataclass(frozen=True)
class LoginLimits:
    """Failed logins allowed per account and per client address in a window."""

    per_account: ratelimit.Limit
    per_address: ratelimit.Limit

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> LoginLimits:
        return cls(
            config["RECIPES_LOGIN_RATE_LIMIT"],
            config["RECIPES_LOGIN_IP_RATE_LIMIT"],
        )


class LoginRefused(Exception):
    """Wrong username or password (one message for both), or too many failures for now."""

    def __init__(self, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


class AccountDisabled(LoginRefused):
    """The password is right, but the admin has disabled the account."""

    def __init__(self) -> None:
        super().__init__("This account is disabled. Ask the admin if you think it should not be.")


WRONG_LOGIN = "Wrong username or password."


def _login_keys(username: str, address: str) -> tuple[str, str]:
    """Rate-limit keys for an account name (whether or not it exists: the limit must not
    tell) and a client address (see ratelimit.client_place)."""
    return f"login:user:{normalize_username(username)[:60]}", f"login:ip:{ratelimit.client_place(address)}"


def _device_key(username: str, device: Device | None) -> str | None:
    """The rate-limit key of a browser that has signed in to this account before (see
    devices.py), or None: no device cookie, or one that does not know this account."""
    if device is None:
        return None
    user = find_user(username)
    if user is None or not device.knows(user.id):
        return None
    return f"login:device:{user.id}:{device.nonce}"


def log_in(username: str, password: str, address: str, limits: LoginLimits, device: Device | None = None) -> User:
    """The user, if the password is right and neither the account nor the address has had
    too many failed logins lately (counted in the database, so across every worker).

    A browser that has signed in to this account before (`device`, from its device
    cookie) is counted on its own instead of under the account: guessing from elsewhere
    cannot lock the owner out, and its own failures lock out only itself. The address's
    limit holds for everyone.

    LoginRefused otherwise, with the same message for an unknown user and a wrong password.
    A failure is counted in its own committed transaction; a success clears the count it
    was held to (the account's or the device's; the address's stays)."""
    account_key, address_key = _login_keys(username, address)
    throttle_key = _device_key(username, device) or account_key
    try:
        ratelimit.check(throttle_key, limits.per_account, "failed logins")
        ratelimit.check(address_key, limits.per_address, "failed logins")
    except ratelimit.RateLimited as exc:
        db.session.commit()  # the expired hits it pruned
        raise LoginRefused(exc.message, exc.retry_after) from None
    user = authenticate(username, password)
    if user is None:
        db.session.rollback()
        ratelimit.record(throttle_key)
        ratelimit.record(address_key)
        db.session.commit()
        raise LoginRefused(WRONG_LOGIN)
    ratelimit.forget(throttle_key)  # committed with the new login session
    return user


def _add_login_session(user: User, user_agent: str) -> str:
    token = mint()
    db.session.add(LoginSession(user=user, token_hash=token.digest, user_agent=user_agent[:255]))
    return token.secret


def start_session(user: User, user_agent: str = "") -> str:
    """Record a new login and return its token (what the cookie will carry). Commits."""
    token = _add_login_session(user, user_agent)
    db.session.commit()
    user.attach_login(token)
    return token


# The live-login rule is recipes/live_login.py's; here, the statements that ask it.
_USER_OF_LOGIN = (
    select(User, LoginSession.last_seen_at).join(LoginSession, LoginSession.user_id == User.id).where(*LIVE_LOGIN)
)
_HOUSEHOLD_OF_LOGIN = (
    select(User.household_id).join(LoginSession, LoginSession.user_id == User.id).where(*LIVE_LOGIN).scalar_subquery()
)


def live_login_household() -> ScalarSelect[int]:
    """The household of the login named by `login_parameters`, as a subquery: what a query may
    compare a household_id column with, to answer a live login only, without loading its user."""
    return _HOUSEHOLD_OF_LOGIN


def load_user_by_session_token(token: str, idle_days: int) -> User | None:
    """The user of a login session that is still live: used in the last `idle_days`, and
    of an enabled account. One query (this runs on every request)."""
    row = db.session.execute(_USER_OF_LOGIN, login_parameters(token, idle_days)).first()
    if row is None:
        return None
    user, last_seen = row
    user.attach_login(token, last_seen)
    return user


def login_seen_due(user: User, idle_days: int) -> bool:
    """Whether the login `user` was loaded with was last noted as seen long enough ago to
    note it again (see note_login_seen)."""
    return seen_due(user.login_last_seen, idle_days)


def note_login_seen(user: User, idle_days: int) -> None:
    """Note that the login `user` was loaded with is in use now, and delete every login
    idle for `idle_days` (anyone's: they no longer work anyway). Commits."""
    token = user.get_id()
    now = utcnow()
    if token:
        db.session.execute(
            update(LoginSession).where(LoginSession.token_hash == token_digest(token)).values(last_seen_at=now)
        )
        user.attach_login(token, now)
    db.session.execute(delete(LoginSession).where(LoginSession.last_seen_at <= idle_cutoff(now, idle_days)))
    db.session.commit()


def end_session(token: str | None) -> None:
    """Forget one login, so a copy of its cookie stops working too. Commits."""
    if token:
        db.session.execute(delete(LoginSession).where(LoginSession.token_hash == token_digest(token)))
        db.session.commit()


def change_password(user: User, current_password: str, new_password: str, keep_token: str | None) -> None:
    """Change the password, end every other login of this user and revoke their API tokens
    (whoever may have had the old password may have made one) and any link the admin made
    to reset it. Commits."""
    validate_password(new_password, "new_password")
    stored = user.password_hash
    release_transaction()  # before ~50 ms of argon2
    if not verify_password(stored, current_password):
        raise AccountError("The current password is wrong.", "current_password")
    new_hash = hash_password(new_password)
    user.password_hash = new_hash
    others = delete(LoginSession).where(LoginSession.user_id == user.id)
    if keep_token:
        others = others.where(LoginSession.token_hash != token_digest(keep_token))
    db.session.execute(others)
    db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    db.session.execute(delete(PasswordReset).where(PasswordReset.user_id == user.id))
    db.session.commit()
