"""Accounts: register, log in, log out, change password; the admin's account pages."""

import time
from datetime import timedelta

from flask import Flask, current_app, flash, redirect, request, session
from flask_login import current_user, login_url
from werkzeug.wrappers import Response

from ..database import release_transaction, write_intent
from ..extensions import login_manager
from ..live_login import (
    AS_ANY_PAGE,
    as_any_page,
    login_token,
    reads_login_itself,
    require_login,
    session_protection_holds,
    view_reads_login_itself,
)
from ..models import User
from . import services
from .views import bp


def _slide_login_expiry() -> None:
    """Keep an active login's cookie alive: re-issue it (with a fresh expiry) once a day
    rather than on every response, which would re-sign the cookie on every request."""
    if "_user_id" in session:
        today = int(time.time() // 86400)
        if session.get("_day") != today:
            session["_day"] = today


def _load_user(token: str) -> User | None:
    return services.load_user_by_session_token(token, current_app.config["RECIPES_SESSION_DAYS"])


def _note_login_in_use() -> None:
    """Keep an active login alive on the server too: its "last seen" time is brought up to
    date about once a day, in a short transaction of its own before the request's work."""
    if "_user_id" not in session or request.endpoint == "static" or view_reads_login_itself():
        return
    _note_login_of_current_user()


def _note_login_of_current_user() -> None:
    """(Also what a view that reads the login itself does `as_any_page`.)"""
    user = current_user._get_current_object()
    idle_days = current_app.config["RECIPES_SESSION_DAYS"]
    if user.is_authenticated and services.login_seen_due(user, idle_days):
        release_transaction()  # the read that loaded the user; the write below takes the lock
        with write_intent():
            services.note_login_seen(user, idle_days)


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
    app.extensions[AS_ANY_PAGE] = _note_login_of_current_user
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
