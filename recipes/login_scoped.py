"""Things a page keeps a short while for one login (a picture waiting for a form's next
submit, an import's results): each is found by a random key the page carries and by the login
that made it, so a key copied elsewhere finds nothing. What is stored of a key is its SHA-256.

No request objects here: callers pass the login session's token (`current_user.get_id()`).
"""

from __future__ import annotations

import secrets

from sqlalchemy import ScalarSelect, select

from .extensions import db
from .models import LoginSession, token_digest

KEY_BYTES = 18  # 24 characters in a URL or a form field


def new_key() -> str:
    return secrets.token_urlsafe(KEY_BYTES)


def key_digest(key: str) -> str:
    return token_digest(key)


def well_formed(key: str) -> bool:
    """Whether `key` could be one of ours (anything else is not looked up at all)."""
    return 0 < len(key) <= 64 and all(ch.isalnum() or ch in "-_" for ch in key)


def login_id(login_token: str | None) -> int | None:
    """The login session row of this login, or None when it has ended."""
    if not login_token:
        return None
    return db.session.scalar(select(LoginSession.id).where(LoginSession.token_hash == token_digest(login_token)))


def login_id_query(login_token: str | None) -> ScalarSelect[int]:
    """The same, as a subquery for a WHERE clause."""
    digest = token_digest(login_token or "")
    return select(LoginSession.id).where(LoginSession.token_hash == digest).scalar_subquery()
