"""Things a page keeps a short while for one login (a picture waiting for a form's next
submit, an import's results): each is found by a random key the page carries and by the login
that made it, so a key copied elsewhere finds nothing. What is stored of a key is its SHA-256.

No request objects here: callers pass the login session's token (`current_user.get_id()`).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ScalarSelect, delete, select

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


def make_room(model: Any, owner: int, now: datetime, *, keep_for: timedelta, keep_at_most: int) -> None:
    """Before `owner` (a login session id) keeps one more `model` row: drop everyone's rows older
    than `keep_for`, and this login's oldest beyond `keep_at_most - 1`. Part of the caller's
    transaction. `model` has `id`, `login_session_id` and `created_at`."""
    plain = {"synchronize_session": False}
    db.session.execute(delete(model).where(model.created_at < now - keep_for), execution_options=plain)
    older = db.session.scalars(
        select(model.id)
        .where(model.login_session_id == owner)
        .order_by(model.created_at.desc(), model.id.desc())
        .offset(keep_at_most - 1)
    ).all()
    if older:
        db.session.execute(delete(model).where(model.id.in_(older)), execution_options=plain)
