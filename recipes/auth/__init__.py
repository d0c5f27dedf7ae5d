"""Accounts: register, log in, log out, change password."""

from flask import Flask

from ..extensions import login_manager
from .services import load_user_by_session_token
from .views import bp


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to see that page."
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user_by_session_token)


__all__ = ["bp", "init_app"]
