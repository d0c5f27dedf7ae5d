"""Accounts: register, log in, log out, change password; the admin's account pages."""

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from flask import Flask, current_app, flash, redirect, request, session
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, login_url
from werkzeug.wrappers import Response

from ..database import release_transaction, write_intent
from ..extensions import login_manager
from ..models import User
from . import services
from .views import bp

F = TypeVar("F", bound=Callable[..., Any])


def _slide_login_expiry() -> None:
    """Keep an active login's cookie alive: re-issue it (with a fresh expiry) once a day
    rather than on every response, which would re-sign the cookie on every request."""
    if "_user_id" in session:
        today = int(time.time() // 86400)
        if session.get("_day") != today:
            session["_day"] = today


def _load_user(token: str) -> User | None:
    return services.load_user_by_session_token(token, current_app.config["RECIPES_SESSION_DAYS"])


def login_token() -> str | None:
    """The login token the session cookie carries (Flask-Login keeps it as the user's id), or None.
    Not a check that it works: that is the live-login rule's (services.login_parameters)."""
    token = session.get("_user_id")
    return token if isinstance(token, str) else None


# Views that check the login in their own query, when they can (see `reads_login_itself`).
_READS_LOGIN_ITSELF = "reads_login_itself"


def reads_login_itself(view: F) -> F:
    """For a view asked so often that loading its user first would be most of its cost (a page's
    poll): the user is not loaded before it runs (nor its login's "last seen" noted). The view
    must then apply the live-login rule itself (services.live_login_household), or load the user
    (`current_user`) as any view does."""
    setattr(view, _READS_LOGIN_ITSELF, True)
    return view


def view_reads_login_itself() -> bool:
    """Whether the view this request goes to is marked `reads_login_itself`."""
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, _READS_LOGIN_ITSELF, False))


def _note_login_in_use() -> None:
    """Keep an active login alive on the server too: its "last seen" time is brought up to
    date about once a day, in a short transaction of its own before the request's work."""
    if "_user_id" not in session or request.endpoint == "static" or view_reads_login_itself():
        return
    _note_login_of(current_user._get_current_object())


def _note_login_of(user: User) -> None:
    idle_days = current_app.config["RECIPES_SESSION_DAYS"]
    if user.is_authenticated and services.login_seen_due(user, idle_days):
        release_transaction()  # the read that loaded the user; the write below takes the lock
        with write_intent():
            services.note_login_seen(user, idle_days)


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
    before every other page that needs a login. The user loaded, its login noted as in use,
    and None; or the login page when nobody is signed in."""
    answer: ResponseReturnValue | None = _signed_in()
    if answer is None:
        _note_login_of(current_user._get_current_object())
    return answer


def session_protection_holds() -> bool:
    """Flask-Login's session protection for a view that reads the login itself: what it does
    before loading a user (a session seen from another browser is marked not fresh), and
    whether the session may be used (always, in its "basic" mode)."""
    return not login_manager._session_protection_failed()


LOGIN_MESSAGE = "Please log in to see that page."


def _ask_to_log_in() -> Response:
    """Flask-Login's answer to a page that needs a login (to the login page, coming back here
    after), but a fresh install is not asked to log in: there is no account to log in with, and
    the login page sends it on to sign up for the first one."""
    if services.user_count() > 0:
        flash(LOGIN_MESSAGE, "info")
    return redirect(login_url("auth.login", next_url=request.url))


def init_app(app: Flask) -> None:
    app.config["SESSION_REFRESH_EACH_REQUEST"] = False
    # The cookie lasts as long, unused, as the login it holds (RECIPES_SESSION_DAYS).
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(days=app.config["RECIPES_SESSION_DAYS"])
    app.before_request(_slide_login_expiry)
    app.before_request(_note_login_in_use)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.unauthorized_handler(_ask_to_log_in)
    login_manager.user_loader(_load_user)


__all__ = [
    "as_any_page",
    "bp",
    "init_app",
    "login_token",
    "reads_login_itself",
    "require_login",
    "session_protection_holds",
    "view_reads_login_itself",
]
