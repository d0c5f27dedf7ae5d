"""The live-login rule, and what a view needs to read the login itself.

A login works while its session row exists, was used within the idle limit, and its account is
enabled: `LIVE_LOGIN`, with the values `login_parameters` gives. Every request that loads its user
asks it (auth/services.py); a view asked so often that loading the user would be most of its
cost (`reads_login_itself`: the shopping list's poll, the recipe list) asks it inside a statement
of its own (`live_login_columns`), and goes on `as_any_page` when that does not answer.

Here, below the features, so that any of them may read the login this way; what a page does
with a loaded user (the "last seen" note, the login page) is the auth package's, which registers
it (`AS_ANY_PAGE`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from flask import current_app, g, request, session
from flask.typing import ResponseReturnValue
from flask_login import login_required
from sqlalchemy import Select, bindparam, select

from .extensions import login_manager
from .models import LoginSession, User, as_utc, token_digest, utcnow
from .secret_tokens import idle_cutoff

F = TypeVar("F", bound=Callable[..., Any])

# A login that still works: its token's row, used within the idle limit, of an enabled account.
# The one rule, built once (its parameters are the token's digest and the idle cutoff).
LIVE_LOGIN = (
    LoginSession.token_hash == bindparam("login_digest"),
    LoginSession.last_seen_at > bindparam("login_cutoff"),
    User.disabled_at.is_(None),
)

# How stale a login's "last seen" may get: writing it on every request would make every page
# view a write. A tenth of the idle limit when that is shorter than ten days, so an active
# login never ends for want of a note.
LAST_SEEN_PRECISION = timedelta(days=1)

# Set on a view by `reads_login_itself`.
_READS_LOGIN_ITSELF = "reads_login_itself"
# The app's extension that does for a view what happens before any other page (auth registers it).
AS_ANY_PAGE = "recipes.as_any_page"


def login_parameters(token: str, idle_days: int) -> dict[str, Any]:
    """The values the live-login rule is asked with, for this login token."""
    return {"login_digest": token_digest(token), "login_cutoff": idle_cutoff(utcnow(), idle_days)}


def live_login_columns(*columns: Any) -> Select[Any]:
    """`columns` (of the user, or any the statement can add) of the login named by
    `login_parameters`, after the login's last_seen_at. No row when the login does not work."""
    return (
        select(LoginSession.last_seen_at, *columns)
        .select_from(User)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(*LIVE_LOGIN)
    )


def seen_due(seen: datetime | None, idle_days: int) -> bool:
    """Whether a login last noted as seen at `seen` is due to be noted again."""
    precision = min(LAST_SEEN_PRECISION, timedelta(days=idle_days) / 10)
    return seen is not None and utcnow() - as_utc(seen) >= precision


def login_token() -> str | None:
    """The login token the session cookie carries (Flask-Login keeps it as the user's id), or None.
    Not a check that it works: that is the live-login rule's."""
    token = session.get("_user_id")
    return token if isinstance(token, str) else None


def reads_login_itself(view: F) -> F:
    """For a view asked so often that loading its user first would be most of its cost (a page's
    poll): the user is not loaded before it runs (nor its login's "last seen" noted). The view
    must then apply the live-login rule itself, or go on `as_any_page`."""
    setattr(view, _READS_LOGIN_ITSELF, True)
    return view


def view_reads_login_itself() -> bool:
    """Whether the view this request goes to is marked `reads_login_itself`."""
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, _READS_LOGIN_ITSELF, False))


def session_protection_holds() -> bool:
    """Flask-Login's session protection, for a view that reads the login itself: what it does
    before loading a user (a session seen from another browser is marked not fresh), and
    whether the session may be used (always, in its "basic" mode)."""
    return not login_manager._session_protection_failed()


@login_required
def _signed_in() -> None:
    """Flask-Login's check that someone is signed in (its answer, the login page, if not)."""


def require_login() -> ResponseReturnValue | None:
    """For a blueprint whose pages all need a login (its `before_request`): the login page when
    nobody is signed in. A view marked `reads_login_itself` is left to check it itself."""
    if view_reads_login_itself():
        return None
    answer: ResponseReturnValue | None = _signed_in()
    return answer


def as_any_page() -> ResponseReturnValue | None:
    """For a view that reads the login itself and goes on as any page does: what happens
    before every other page that needs a login (the user loaded, its login noted as in use).
    None, or the login page when nobody is signed in."""
    answer: ResponseReturnValue | None = _signed_in()
    if answer is None:
        current_app.extensions[AS_ANY_PAGE]()
    return answer


def note_reader(user_id: int) -> None:
    """A view that read the login itself and answered without loading the user (a kept list
    page) says whose login it was, so what runs after it (the offline copies' account key)
    needs no user load either."""
    g.recipes_reader_id = user_id


def reader_id() -> int | None:
    """The account a view that read the login itself answered for (note_reader), or None."""
    found: int | None = g.get("recipes_reader_id")
    return found
