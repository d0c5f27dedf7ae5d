"""The session cookie's signing serializer is made once for the app's keys (recipes/session_cookie.py),
and made again when they change: a cookie signed with an old key works only while it is a fallback."""

from __future__ import annotations

from flask import Flask

from recipes.session_cookie import SessionCookie

from .conftest import Client


def test_one_serializer_for_the_same_keys_a_new_one_for_new_keys(app: Flask) -> None:
    interface = app.session_interface
    assert isinstance(interface, SessionCookie)
    first = interface.get_signing_serializer(app)
    assert first is not None and interface.get_signing_serializer(app) is first
    app.secret_key = "another-secret-key-that-is-long-enough-0123456789"
    assert interface.get_signing_serializer(app) is not first


def test_a_login_survives_only_the_keys_that_still_sign_it(app: Flask, alice: Client) -> None:
    assert alice.get("/auth/account").status_code == 200
    cookie = alice.get_cookie("recipes_session")
    assert cookie is not None

    def with_the_cookie() -> Client:
        browser: Client = app.test_client()  # type: ignore[assignment]
        browser.set_cookie("recipes_session", cookie.value)
        return browser

    old = app.secret_key
    app.secret_key = "another-secret-key-that-is-long-enough-0123456789"
    assert with_the_cookie().get("/auth/account").status_code == 302  # the cookie no longer holds
    app.config["SECRET_KEY_FALLBACKS"] = [old]
    assert with_the_cookie().get("/auth/account").status_code == 200
