"""The session cookie's signing serializer is made once for the app's keys (recipes/session_cookie.py),
and made again when they change: a cookie signed with an old key works only while it is a fallback."""

from __future__ import annotations

import time

import pytest
from flask import Flask, session

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


def _browser_with(app: Flask, value: str) -> Client:
    browser: Client = app.test_client()  # type: ignore[assignment]
    browser.set_cookie("recipes_session", value)
    return browser


def test_a_cookie_read_again_is_the_session_it_was_and_its_age_still_counts(
    app: Flask, alice: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    interface = app.session_interface
    assert isinstance(interface, SessionCookie)
    assert alice.get("/auth/account").status_code == 200
    cookie = alice.get_cookie("recipes_session")
    assert cookie is not None
    assert _browser_with(app, cookie.value).get("/auth/account").status_code == 200
    kept = len(interface)
    assert kept >= 1
    assert _browser_with(app, cookie.value).get("/auth/account").status_code == 200
    assert len(interface) == kept  # read from what the worker kept, not kept twice
    # Past the session's lifetime the kept cookie is refused, as a freshly read one would be.
    later = time.time() + app.permanent_session_lifetime.total_seconds() + 60
    monkeypatch.setattr("recipes.session_cookie.time.time", lambda: later)
    assert _browser_with(app, cookie.value).get("/auth/account").status_code == 302


def test_a_changed_cookie_is_checked_in_full_even_beside_its_kept_original(app: Flask, alice: Client) -> None:
    assert alice.get("/auth/account").status_code == 200
    cookie = alice.get_cookie("recipes_session")
    assert cookie is not None
    payload, _, signature = cookie.value.rpartition(".")
    forged = f"{payload}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"
    assert _browser_with(app, forged).get("/auth/account").status_code == 302
    assert _browser_with(app, cookie.value + "x").get("/auth/account").status_code == 302


def test_a_session_holding_a_list_is_never_kept(app: Flask) -> None:
    """Flashed messages are a list a view changes in place: such a session is read afresh each time."""
    interface = app.session_interface
    assert isinstance(interface, SessionCookie)
    with app.test_request_context():
        session["_flashes"] = [("info", "hello")]
        serializer = interface.get_signing_serializer(app)
        assert serializer is not None
        value = str(serializer.dumps(dict(session)))
    browser = _browser_with(app, value)
    before = len(interface)
    browser.get("/auth/login")
    assert len(interface) == before
