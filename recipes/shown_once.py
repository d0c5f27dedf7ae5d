"""Secrets shown once: a new API token, a new share link. The POST that makes one redirects
to the page that shows it (so a reload cannot make a second one); in between, the secret
waits here, in the database, for that page and the login session that made it.

Not in the session cookie: it is signed, not encrypted, so whatever it carries can be read by
anyone who sees the cookie (a proxy's log, a shared computer's profile), long after. Here a
secret is taken (deleted) by the page that shows it, goes when its login ends, is never shown
after SHOW_WITHIN and is cleared when the next one is held; backups leave the table out. The
page that shows it is sent `no-store` (security.no_store). No request objects here: callers
pass the login session's token (`current_user.get_id()`).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select

from .database import release_transaction, write_intent
from .extensions import db
from .login_scoped import login_id, login_id_query
from .models import PendingSecret, as_utc, utcnow

# Long enough for any redirect, short enough that an abandoned secret does not linger.
SHOW_WITHIN = timedelta(minutes=10)


def hold(login_token: str, kind: str, secret: str) -> None:
    """Keep `secret` for the next page of this login that shows a `kind`. Part of the caller's
    transaction (the one that makes the token), so the two are saved together or not at all.
    Clears secrets nobody came for."""
    now = utcnow()
    db.session.execute(
        delete(PendingSecret).where(PendingSecret.created_at < now - SHOW_WITHIN),
        execution_options={"synchronize_session": False},
    )
    owner = login_id(login_token)
    if owner is not None:  # else the login ended meanwhile: there is no one to show it to
        db.session.add(PendingSecret(login_session_id=owner, kind=kind, secret=secret, created_at=now))


def take(login_token: str, kind: str) -> str | None:
    """The secret this login's `kind` page is to show, deleted as it is taken (shown once);
    None when there is none, or it waited longer than SHOW_WITHIN. Only when there is one
    does this write: in its own short transaction, the read one before it ended (SQLite cannot
    turn a read transaction into a write while others write)."""
    mine = (PendingSecret.login_session_id == login_id_query(login_token)) & (PendingSecret.kind == kind)
    if db.session.scalar(select(PendingSecret.id).where(mine).limit(1)) is None:
        return None
    release_transaction()
    with write_intent():
        taken = db.session.execute(
            delete(PendingSecret)
            .where(mine)
            .returning(PendingSecret.id, PendingSecret.secret, PendingSecret.created_at),
            execution_options={"synchronize_session": False},
        ).all()
        db.session.commit()
    oldest = utcnow() - SHOW_WITHIN
    fresh = sorted((row.id, row.secret) for row in taken if as_utc(row.created_at) >= oldest)
    return fresh[-1][1] if fresh else None  # the newest, should two have been made at once
