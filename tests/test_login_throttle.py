"""Login throttling: failed logins are counted per account and per client address, in the
database, so the limit holds across Gunicorn workers; the answer never tells whether the
account exists."""

from __future__ import annotations

import re
from typing import Any

import pytest
from argon2 import PasswordHasher
from flask import Flask

from recipes import create_app
from recipes.auth.services import LoginLimits, LoginRefused, log_in
from recipes.ratelimit import Limit

from . import database_fixtures as dbf
from .conftest import AuthActions, Client

WRONG = "Wrong username or password."


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "RECIPES_LOGIN_RATE_LIMIT": (5, 900), "RECIPES_LOGIN_IP_RATE_LIMIT": (12, 900)}


def without_token(page: str) -> str:
    return re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', "", page)


def attempt(app: Flask, username: str, password: str, address: str = "192.0.2.10") -> Any:
    client: Client = app.test_client()  # type: ignore[assignment]
    client.environ_base["REMOTE_ADDR"] = address
    return AuthActions(client).login(username, password)


def test_an_account_is_locked_for_a_while_after_repeated_failures(app: Flask, make_user: Any) -> None:
    make_user("alice")
    for _ in range(5):
        failed = attempt(app, "alice", "wrong password")
        assert failed.status_code == 400 and WRONG in failed.text
    locked = attempt(app, "alice", "correct horse")  # even the right password, for now
    assert locked.status_code == 429
    assert "Too many failed logins for now" in locked.text and int(locked.headers["Retry-After"]) > 60
    assert attempt(app, "alice", "correct horse", address="198.51.100.7").status_code == 429  # any address


def test_an_unknown_account_is_throttled_the_same_way(app: Flask, make_user: Any) -> None:
    make_user("alice")
    for _ in range(5):
        assert WRONG in attempt(app, "nobody", "whatever password").text
    locked_unknown = attempt(app, "nobody", "whatever password")
    for _ in range(5):
        attempt(app, "alice", "wrong password", address="198.51.100.8")
    locked_real = attempt(app, "alice", "wrong password", address="198.51.100.8")
    assert locked_unknown.status_code == locked_real.status_code == 429
    # Nothing tells them apart (but the name typed in and the form's own CSRF token).
    assert without_token(locked_unknown.text.replace("nobody", "alice")) == without_token(locked_real.text)


def test_one_address_trying_many_accounts_is_throttled(app: Flask, make_user: Any) -> None:
    make_user("alice")
    for number in range(12):
        assert attempt(app, f"user{number}", "wrong password").status_code == 400
    assert attempt(app, "alice", "correct horse").status_code == 429  # this address, any account
    assert attempt(app, "alice", "correct horse", address="198.51.100.9").status_code == 302


def test_ipv6_addresses_are_counted_by_their_64(app: Flask, make_user: Any) -> None:
    make_user("alice")
    for number in range(12):
        attempt(app, f"user{number}", "wrong password", address=f"2001:db8:1:2::{number + 1:x}")
    assert attempt(app, "someone", "wrong password", address="2001:db8:1:2:ffff::1").status_code == 429
    assert attempt(app, "someone", "wrong password", address="2001:db8:1:3::1").status_code == 400


def test_a_successful_login_clears_the_accounts_count(app: Flask, make_user: Any) -> None:
    make_user("alice")
    for _ in range(4):
        attempt(app, "alice", "wrong password")
    assert attempt(app, "alice", "correct horse").status_code == 302
    for _ in range(4):
        assert attempt(app, "alice", "wrong password").status_code == 400
    assert attempt(app, "alice", "correct horse").status_code == 302


def test_the_count_is_shared_by_every_worker(app: Flask, app_config: dict[str, Any], make_user: Any) -> None:
    """Two app instances on one database, as two Gunicorn workers (or containers) are."""
    make_user("alice")
    other_worker = create_app(app_config)
    other_worker.test_client_class = Client
    try:
        for number in range(5):
            attempt(app if number % 2 else other_worker, "alice", "wrong password")
        assert attempt(app, "alice", "correct horse").status_code == 429
        assert attempt(other_worker, "alice", "correct horse").status_code == 429
    finally:
        with other_worker.app_context():
            dbf.release_database()  # its connections, not the garbage collector's


def test_unknown_users_cost_one_password_check_like_wrong_passwords(
    app: Flask, make_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Similar timing: an unknown name still runs one argon2 verification."""
    make_user("alice")
    calls: list[str] = []
    real_verify = PasswordHasher.verify

    def counting_verify(self: PasswordHasher, hash: str, password: str) -> bool:
        calls.append(password)
        return real_verify(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting_verify)
    limits = LoginLimits(Limit.per(100, 60), Limit.per(100, 60))
    with app.app_context():
        for username in ("alice", "nobody"):
            with pytest.raises(LoginRefused) as refused:
                log_in(username, "wrong password", "192.0.2.1", limits)
            assert refused.value.message == WRONG and refused.value.retry_after is None
    assert len(calls) == 2


def test_a_throttled_login_page_still_has_its_form(app: Flask, make_user: Any) -> None:
    make_user("alice")
    for _ in range(6):
        response = attempt(app, "alice", "wrong password")
    assert response.status_code == 429
    assert 'name="username"' in response.text and 'name="password"' in response.text
    assert 'role="alert"' in response.text


# --- device cookies: the owner's own browser is not locked out by someone else's guessing ----------


def signed_in_before(app: Flask, username: str, address: str = "192.0.2.20") -> Client:
    """A browser that has signed in to `username` (and out again): it keeps its device cookie."""
    client: Client = app.test_client()  # type: ignore[assignment]
    client.environ_base["REMOTE_ADDR"] = address
    actions = AuthActions(client)
    assert actions.login(username).status_code == 302
    assert actions.logout().status_code == 302
    return client


def guess(app: Flask, username: str, times: int, address: str = "203.0.113.66") -> None:
    """Someone elsewhere, with no cookie of the account's, trying passwords."""
    for _ in range(times):
        assert attempt(app, username, "wrong password", address=address).status_code == 400


def test_the_owners_browser_gets_in_while_guessers_are_locked_out(app: Flask, make_user: Any) -> None:
    make_user("alice")
    make_user("bob")
    owners = signed_in_before(app, "bob")
    guess(app, "bob", 5)
    assert attempt(app, "bob", "correct horse", address="203.0.113.66").status_code == 429  # the guesser
    assert attempt(app, "bob", "correct horse", address="198.51.100.30").status_code == 429  # any new browser
    assert AuthActions(owners).login("bob").status_code == 302  # bob, on a browser he used before
    # His success clears his browser's count, not the guessers': they are still locked out.
    assert attempt(app, "bob", "correct horse", address="203.0.113.66").status_code == 429


def test_the_device_cookie_is_signed_http_only_lax_and_long_lived(app: Flask, make_user: Any) -> None:
    make_user("alice")
    client: Client = app.test_client()  # type: ignore[assignment]
    response = AuthActions(client).login("alice")
    cookies = [value for value in response.headers.getlist("Set-Cookie") if value.startswith("recipes_device=")]
    assert len(cookies) == 1, response.headers
    attributes = {part.strip().split("=")[0].lower() for part in cookies[0].split(";")}
    assert {"httponly", "max-age", "path"} <= attributes
    assert "SameSite=Lax" in cookies[0] and "Path=/auth/;" in cookies[0]
    max_age = int(re.search(r"Max-Age=(\d+)", cookies[0])[1])  # type: ignore[index]
    assert max_age >= 180 * 86400
    assert "alice" not in cookies[0] and "correct horse" not in cookies[0]


def test_a_forged_or_foreign_device_cookie_gives_no_exemption(app: Flask, make_user: Any) -> None:
    from itsdangerous import URLSafeTimedSerializer

    make_user("alice")
    bob_id = make_user("bob")
    alices = signed_in_before(app, "alice")  # a real device cookie, but alice's, not bob's
    guess(app, "bob", 5)
    assert AuthActions(alices).login("bob").status_code == 429

    real = alices.get_cookie("recipes_device", path="/auth/")
    assert real is not None
    forged: list[str] = [
        "garbage",
        real.value[:-3] + "AAA",  # a broken signature
        # Well formed, naming bob, but signed with another key.
        URLSafeTimedSerializer("another key " * 4, salt="recipes.auth.device").dumps({"n": "x" * 22, "a": [bob_id]}),
    ]
    for value in forged:
        client: Client = app.test_client()  # type: ignore[assignment]
        client.set_cookie("recipes_device", value, path="/auth/")
        assert AuthActions(client).login("bob").status_code == 429, value


def test_a_device_that_keeps_failing_locks_out_only_itself(app: Flask, make_user: Any) -> None:
    make_user("alice")
    owners = signed_in_before(app, "alice")
    for _ in range(5):
        assert AuthActions(owners).login("alice", "wrong password").status_code == 400
    locked = AuthActions(owners).login("alice")
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 60
    # Its failures were its own: the account is not locked for other browsers.
    assert attempt(app, "alice", "correct horse", address="198.51.100.31").status_code == 302


def test_one_browser_remembers_every_account_signed_in_on_it(app: Flask, make_user: Any) -> None:
    make_user("alice")
    make_user("bob")
    family = signed_in_before(app, "alice")
    assert AuthActions(family).login("bob").status_code == 302
    assert AuthActions(family).logout().status_code == 302
    guess(app, "alice", 5)
    guess(app, "bob", 5, address="203.0.113.67")
    assert AuthActions(family).login("alice").status_code == 302
    assert AuthActions(family).logout().status_code == 302
    assert AuthActions(family).login("bob").status_code == 302


def test_a_device_cookie_still_counts_against_the_address(app: Flask, make_user: Any) -> None:
    make_user("alice")
    owners = signed_in_before(app, "alice", address="192.0.2.50")
    for number in range(12):
        attempt(app, f"user{number}", "wrong password", address="192.0.2.50")
    assert AuthActions(owners).login("alice").status_code == 429


def test_signing_up_gives_the_browser_its_device_cookie(app: Flask, client: Client, auth: AuthActions) -> None:
    assert auth.register("alice").status_code == 302
    assert auth.logout().status_code == 302
    guess(app, "alice", 5)
    assert auth.login("alice").status_code == 302
