"""Idle logins end: a login unused for RECIPES_SESSION_DAYS no longer works, its "last seen"
time is written about once a day (not on every request), and ended logins are pruned."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, update

from recipes import config, create_app
from recipes.extensions import db
from recipes.models import LoginSession, User, utcnow

from .conftest import AuthActions, Client
from .database_fixtures import release_database


def logged_in(client: Client) -> bool:
    return client.get("/auth/account").status_code == 200


def login_rows(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(LoginSession)) or 0


def bob_id(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(select(User.id).where(User.username == "bob")) or 0)


def age_logins(app: Flask, days: float, *where: Any) -> None:
    with app.app_context():
        db.session.execute(update(LoginSession).where(*where).values(last_seen_at=utcnow() - timedelta(days=days)))
        db.session.commit()


def last_seen(app: Flask) -> list[Any]:
    with app.app_context():
        return list(db.session.scalars(select(LoginSession.last_seen_at).order_by(LoginSession.id)))


def test_a_login_idle_for_the_session_days_has_ended(app: Flask, alice: Client) -> None:
    assert app.config["RECIPES_SESSION_DAYS"] == 90
    age_logins(app, 89)
    assert logged_in(alice)  # used within 90 days: still in (and noted as seen now)
    age_logins(app, 90.01)
    response = alice.get("/recipes/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")


def test_last_seen_is_written_about_once_a_day_not_on_every_request(app: Flask, alice: Client) -> None:
    first = last_seen(app)
    for _ in range(3):
        assert logged_in(alice)
    assert last_seen(app) == first  # no write per request
    age_logins(app, 1.01)
    aged = last_seen(app)
    assert logged_in(alice)
    (now,) = last_seen(app)
    assert now > aged[0]
    assert logged_in(alice)
    assert last_seen(app) == [now]


def test_ended_logins_are_pruned_when_another_is_noted_as_seen(app: Flask, alice: Client, bob: Client) -> None:
    bobs = bob_id(app)
    age_logins(app, 200, LoginSession.user_id == bobs)
    age_logins(app, 2, LoginSession.user_id != bobs)
    assert login_rows(app) == 2
    assert logged_in(alice)
    assert login_rows(app) == 1  # bob's long-idle one is gone
    assert not logged_in(bob)


def test_the_session_days_are_a_setting(app: Flask, app_config: dict[str, Any], make_user: Any) -> None:
    make_user("alice")
    short = create_app({**app_config, "RECIPES_SESSION_DAYS": 5})
    short.test_client_class = Client
    assert short.permanent_session_lifetime == timedelta(days=5)  # the cookie lasts as long
    client: Client = short.test_client()  # type: ignore[assignment]
    assert AuthActions(client).login().status_code == 302
    age_logins(short, 4.9)
    assert logged_in(client)
    age_logins(short, 5.1)
    assert not logged_in(client)
    with short.app_context():
        release_database()


def test_with_a_short_limit_an_active_login_is_noted_more_often(
    app: Flask, app_config: dict[str, Any], make_user: Any
) -> None:
    """With RECIPES_SESSION_DAYS=1, "once a day" would let an active login lapse: the note
    is then taken every tenth of the limit."""
    make_user("alice")
    daily = create_app({**app_config, "RECIPES_SESSION_DAYS": 1})
    daily.test_client_class = Client
    client: Client = daily.test_client()  # type: ignore[assignment]
    assert AuthActions(client).login().status_code == 302
    age_logins(daily, 0.05)  # 1.2 hours: not yet
    before = last_seen(daily)
    assert logged_in(client)
    assert last_seen(daily) == before
    age_logins(daily, 0.9)  # 21.6 hours: noted now, so it lasts another day
    aged = last_seen(daily)
    assert logged_in(client)
    assert last_seen(daily)[0] > aged[0]
    with daily.app_context():
        release_database()


def test_the_login_cookie_lasts_as_long_as_the_login(alice: Client) -> None:
    cookie = alice.get_cookie("recipes_session")
    assert cookie is not None and cookie.expires is not None
    left = cookie.expires - utcnow()
    assert timedelta(days=89) < left <= timedelta(days=90)


@pytest.mark.parametrize(("given", "expected"), [(None, 90), ("", 90), ("30", 30), ("1", 1), ("3650", 3650)])
def test_session_days_setting(given: str | None, expected: int) -> None:
    environ = {} if given is None else {"RECIPES_SESSION_DAYS": given}
    assert config.from_environment(environ)["RECIPES_SESSION_DAYS"] == expected


@pytest.mark.parametrize("given", ["0", "-3", "ninety", "3651"])
def test_bad_session_days_are_named(given: str) -> None:
    with pytest.raises(config.ConfigError, match="RECIPES_SESSION_DAYS"):
        config.from_environment({"RECIPES_SESSION_DAYS": given})
