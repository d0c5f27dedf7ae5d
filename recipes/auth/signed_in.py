"""Starting a browser's login once an account is known: the session cookie, and the device
cookie that lets its owner past the per-account login limit (devices.py). Shared by the
account pages and the invite page, which signs people up too."""

from __future__ import annotations

from flask import current_app, request, session
from flask_login import login_user
from werkzeug.wrappers import Response

from ..models import User
from . import devices

# Where the device cookie is sent: the account pages (login and sign-up) only.
DEVICE_COOKIE_PATH = "/auth/"


def open_browser_session(user: User) -> None:
    """Put the user's (already recorded) login into a fresh cookie session: nothing
    planted in the session before login survives it (no session fixation)."""
    session.clear()
    session.permanent = True
    login_user(user)


def this_device() -> devices.Device | None:
    return devices.read(current_app.config["SECRET_KEY"], request.cookies.get(devices.COOKIE_NAME))


def remember_device(response: Response, user: User, device: devices.Device | None) -> Response:
    """Give the browser (or renew) its device cookie, now knowing `user`: see devices.py.
    Sent only to the account pages (login and sign-up), and kept after logout (that is its point)."""
    known = (device or devices.new_device()).signed_in(user.id)
    response.set_cookie(
        devices.COOKIE_NAME,
        devices.cookie_value(current_app.config["SECRET_KEY"], known),
        max_age=int(devices.LIFETIME.total_seconds()),
        path=f"{request.script_root}{DEVICE_COOKIE_PATH}",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response
