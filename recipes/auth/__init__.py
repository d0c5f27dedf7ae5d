"""Accounts: register, log in, log out, change password."""

import time

from flask import Flask, session

from ..extensions import login_manager
from .services import load_user_by_session_token
from .views import bp


def _slide_login_expiry() -> None:
    """Keep an active login's cookie alive: re-issue it (with a fresh expiry) once a day
    rather than on every response, which would re-sign the cookie on every request."""
    if "_user_id" in session:
        today = int(time.time() // 86400)
        if session.get("_day") != today:
            session["_day"] = today


def init_app(app: Flask) -> None:
    app.config["SESSION_REFRESH_EACH_REQUEST"] = False
    app.before_request(_slide_login_expiry)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to see that page."
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user_by_session_token)


__all__ = ["bp", "init_app"]
