"""Personal API tokens, shared by the account page, the CLI and the API's authentication.

A token is shown once, when it is made; only its SHA-256 is kept (minted, and checked for
expiry, by recipes/secret_tokens.py, as share links are). A revoked token is deleted. The
account page's new token waits for the page that shows it in recipes/shown_once.py.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .. import shown_once
from ..extensions import db
from ..models import ApiToken, User, as_utc, token_digest, utcnow
from ..secret_tokens import Expiry, expires_at, is_expired, mint
from ..text_cleaning import clean_text

PREFIX = "rcp_"
NAME_MAX = 60
MAX_TOKENS = 50  # per user: plenty for scripts and apps, and a bound on the account page
# How stale "last used" may get: writing it on every request would make every API read a write.
LAST_USED_PRECISION = timedelta(minutes=1)
# The account page's choices, by the stable value its form posts.
EXPIRIES = {
    "30d": Expiry("In 30 days", 30),
    "90d": Expiry("In 90 days", 90),
    "1y": Expiry("In a year", 365),
    "never": Expiry("Never", None),
}
DEFAULT_EXPIRY = "90d"
# What a new token waits for in shown_once: the account page.
SHOWN_ON = "api_token"


class TokenError(Exception):
    def __init__(self, message: str, field: str = "name") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class TokenInvalid(Exception):
    """Not a token of this instance, revoked, or expired (callers need not know which)."""


def create_token(
    user: User, name: str, expires_in_days: int | None = None, *, show_to: str | None = None
) -> tuple[ApiToken, str]:
    """A new token for `user`: the row, and the token itself (shown once, never kept). With
    `show_to` (a login session's token), it also waits for that login's account page."""
    name = clean_text(name).strip()
    if not name:
        raise TokenError("Give the token a name, such as the app that will use it.")
    if len(name) > NAME_MAX:
        raise TokenError(f"Token names can have at most {NAME_MAX} characters.")
    if expires_in_days is not None and not 1 <= expires_in_days <= 3650:
        raise TokenError("A token can last from 1 to 3650 days, or never expire.", "expires")
    if not user.is_active:
        raise TokenError(f"{user.username} is disabled: enable the account first.")
    if len(tokens_of(user)) >= MAX_TOKENS:
        raise TokenError(f"You have {MAX_TOKENS} tokens already: revoke one you no longer use first.")
    token = mint(PREFIX)
    now = utcnow()
    row = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=token.digest,
        hint=token.hint(len(PREFIX) + 4),
        created_at=now,
        expires_at=expires_at(now, expires_in_days),
    )
    db.session.add(row)
    if show_to is not None:
        shown_once.hold(show_to, SHOWN_ON, token.secret)
    db.session.commit()
    return row, token.secret


def own_token(user: User, secret: str) -> ApiToken | None:
    """`user`'s token whose secret this is (None when revoked, or not theirs)."""
    return db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == token_digest(secret), ApiToken.user_id == user.id)
    )


def tokens_of(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc()))
    )


def find_own_token(user: User, token_id: int) -> ApiToken | None:
    """`user`'s token `token_id` (None when they have no such token)."""
    return db.session.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id))


def revoke_token(user: User, token_id: int) -> bool:
    """Delete one of `user`'s tokens; False when they have no such token."""
    row = find_own_token(user, token_id)
    if row is None:
        return False
    db.session.delete(row)
    db.session.commit()
    return True


def authenticate(secret: str) -> tuple[User, ApiToken]:
    """The user a token belongs to, noting when it was used (part of the caller's
    transaction). TokenInvalid for anything else, a disabled account's token too."""
    if not secret.startswith(PREFIX) or len(secret) > 200:
        raise TokenInvalid
    # The user in the same query: this runs before every API request.
    query = select(ApiToken).options(joinedload(ApiToken.user))
    row = db.session.scalar(query.where(ApiToken.token_hash == token_digest(secret)))
    now = utcnow()
    if row is None or is_expired(row.expires_at, now) or not row.user.is_active:
        raise TokenInvalid
    if row.last_used_at is None or now - as_utc(row.last_used_at) >= LAST_USED_PRECISION:
        row.last_used_at = now
    return row.user, row
