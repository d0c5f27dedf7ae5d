"""The session cookie: Flask's signed cookie, with its signing serializer made once and the
cookies it lately read kept.

Flask makes a new serializer for the cookie on every request, and again when the session is
saved; making one costs a good share of reading the cookie (itsdangerous tries its serializer
out). It depends only on the app's keys, so it is kept, and made again only when the keys
change (SECRET_KEY, SECRET_KEY_FALLBACKS). The cookie is the same bytes either way.

A browser sends the same cookie again and again (it changes only when the session does), and
checking its signature and unpacking it is a sixth of a kept list page's answer. So a worker
keeps, for the cookies it read lately, what they held and when they were signed: the very same
cookie, under the same keys, is the same session, until it is older than the session may be
(checked on every read, as itsdangerous checks it). Only sessions of plain values are kept
(strings, numbers, flags): a session holding a list (flashed messages) is read afresh, as a view
may change the list in place. Any other cookie, or a changed key, is read and checked in full.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature, URLSafeTimedSerializer

# Cookies kept per worker: a few hundred browsers' sessions (each well under a kilobyte).
MOST_KEPT = 512
PLAIN = (str, int, float, bool, type(None))


class SessionCookie(SecureCookieSessionInterface):
    def __init__(self, most_kept: int = MOST_KEPT) -> None:
        self._kept: tuple[tuple[object, ...], URLSafeTimedSerializer | None] | None = None
        self.most_kept = most_kept
        self._read: OrderedDict[tuple[tuple[object, ...], str], tuple[dict[str, Any], float]] = OrderedDict()
        self._lock = threading.Lock()

    def _keys(self, app: Flask) -> tuple[object, ...]:
        return (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = self._keys(app)
        kept = self._kept
        if kept is None or kept[0] != keys:
            kept = self._kept = (keys, super().get_signing_serializer(app))
        return kept[1]

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        key = (self._keys(app), value)
        with self._lock:
            found = self._read.get(key)
            if found is not None:
                self._read.move_to_end(key)
        if found is not None:
            data, signed_at = found
            if time.time() - signed_at > max_age:
                return self.session_class()  # (as itsdangerous: SignatureExpired)
            return self.session_class(data)  # a copy: the kept values are plain, not shared
        try:
            data, signed_at_time = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if isinstance(data, dict) and all(isinstance(item, PLAIN) for item in data.values()):
            with self._lock:
                self._read[key] = (dict(data), signed_at_time.timestamp())
                while len(self._read) > self.most_kept:
                    self._read.popitem(last=False)
        return self.session_class(data)

    def __len__(self) -> int:
        return len(self._read)


def init_app(app: Flask) -> None:
    app.session_interface = SessionCookie()
