"""The session cookie: Flask's signed cookie, with its signing serializer made once.

Flask makes a new serializer for the cookie on every request, and again when the session is
saved; making one costs a good share of reading the cookie (itsdangerous tries its serializer
out). It depends only on the app's keys, so it is kept, and made again only when the keys
change (SECRET_KEY, SECRET_KEY_FALLBACKS). The cookie is the same bytes either way.
"""

from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class SessionCookie(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self._kept: tuple[tuple[object, ...], URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        kept = self._kept
        if kept is None or kept[0] != keys:
            kept = self._kept = (keys, super().get_signing_serializer(app))
        return kept[1]


def init_app(app: Flask) -> None:
    app.session_interface = SessionCookie()
