"""The API's rate limit without a write transaction per request: each worker (each app)
reserves a block of hits with one row and hands them out from memory (recipes/ratelimit.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, select

from recipes import create_app, ratelimit
from recipes.config import RateLimit
from recipes.extensions import db
from recipes.models import ApiToken, RateLimitHit, utcnow

from .conftest import Client
from .database_fixtures import release_database
from .test_api import Api, make_token


@contextmanager
def commits(app: Flask) -> Iterator[list[str]]:
    """The write transactions `app` commits meanwhile (their first statement that writes)."""
    found: list[str] = []
    with app.app_context():
        engine = db.engine
    writes: dict[int, str] = {}

    def on_execute(connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            writes.setdefault(id(connection), statement.split("(")[0].strip())

    def on_commit(connection: Any) -> None:
        if id(connection) in writes:
            found.append(writes.pop(id(connection)))

    def on_rollback(connection: Any) -> None:
        writes.pop(id(connection), None)

    event.listen(engine, "before_cursor_execute", on_execute)
    event.listen(engine, "commit", on_commit)
    event.listen(engine, "rollback", on_rollback)
    try:
        yield found
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
        event.remove(engine, "commit", on_commit)
        event.remove(engine, "rollback", on_rollback)


def hits(app: Flask) -> list[int]:
    with app.app_context():
        found = list(db.session.scalars(select(RateLimitHit.hits).order_by(RateLimitHit.id)))
        db.session.rollback()
        return found


@pytest.fixture
def token(app: Flask, make_user: Any) -> str:
    make_user("alice")
    return make_token(app, "alice")


def test_most_requests_write_nothing(app: Flask, token: str) -> None:
    app.config["RECIPES_API_RATE_LIMIT"] = RateLimit.per(1000, 60)  # blocks of 10
    api = Api(app.test_client(), token)  # type: ignore[arg-type]
    with commits(app) as written:
        assert all(api.get("/me").status_code == 200 for _ in range(25))
    # The 1st, 11th and 21st requests reserved a block each; the first also noted the token's use.
    assert len(written) == 3
    assert hits(app) == [10, 10, 10]


def test_a_signed_in_browser_is_counted_in_blocks_too(app: Flask, alice: Client) -> None:
    app.config["RECIPES_API_RATE_LIMIT"] = RateLimit.per(500, 60)  # blocks of 5
    assert all(alice.get("/api/v1/me").status_code == 200 for _ in range(12))
    assert hits(app) == [5, 5, 5]


def test_the_limit_still_holds_and_says_when_to_come_back(app: Flask, token: str) -> None:
    app.config["RECIPES_API_RATE_LIMIT"] = RateLimit.per(250, 60)  # blocks of 2
    with app.app_context():
        key = f"api:token:{db.session.scalar(select(ApiToken.id))}"
        db.session.add(RateLimitHit(key=key, at=utcnow(), hits=245))
        db.session.commit()
    api = Api(app.test_client(), token)  # type: ignore[arg-type]
    answers = [api.get("/me").status_code for _ in range(7)]
    assert answers == [200, 200, 200, 200, 200, 429, 429]  # 245 + 5 = 250
    limited = api.get("/me")
    assert limited.json["error"]["code"] == "rate_limited"
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert hits(app) == [245, 2, 2, 1]  # the last block was what the window had room for


def test_a_revoked_token_is_refused_at_once_though_its_block_has_hits(app: Flask, token: str) -> None:
    app.config["RECIPES_API_RATE_LIMIT"] = RateLimit.per(1000, 60)
    api = Api(app.test_client(), token)  # type: ignore[arg-type]
    assert api.get("/me").status_code == 200
    with app.app_context():
        db.session.execute(db.delete(ApiToken))
        db.session.commit()
    refused = api.get("/me")
    assert refused.status_code == 401 and refused.json["error"]["code"] == "unauthorized"


def test_a_token_still_notes_its_last_use_between_reservations(app: Flask, token: str) -> None:
    """The last use is written when it is a minute old, whether or not a block is reserved then."""
    from recipes.auth.tokens import LAST_USED_PRECISION

    app.config["RECIPES_API_RATE_LIMIT"] = RateLimit.per(1000, 60)
    api = Api(app.test_client(), token)  # type: ignore[arg-type]
    assert api.get("/me").status_code == 200
    old = utcnow() - LAST_USED_PRECISION - timedelta(seconds=5)
    with app.app_context():
        db.session.execute(db.update(ApiToken).values(last_used_at=old))
        db.session.commit()
    with commits(app) as written:
        assert api.get("/me").status_code == 200  # from the block, but the last use is due
    assert len(written) == 1 and written[0].startswith("UPDATE api_token SET last_used_at")
    assert hits(app) == [10]  # no new block for it
    with app.app_context():
        noted = db.session.scalar(select(ApiToken.last_used_at))
        assert noted is not None and noted.replace(tzinfo=None) > old.replace(tzinfo=None)


def test_a_failed_reservation_keeps_no_block(app: Flask, token: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """If the reservation's transaction fails (here: the database stayed locked), nothing was
    counted and nothing is handed out; the caller is told to try again."""
    import sqlite3

    from sqlalchemy.exc import OperationalError

    app.config["RECIPES_API_RATE_LIMIT"] = RateLimit.per(1000, 60)
    api = Api(app.test_client(), token)  # type: ignore[arg-type]
    real_reserve = ratelimit.reserve

    def failing(*args: Any, **kwargs: Any) -> ratelimit.Reservation:
        real_reserve(*args, **kwargs)
        raise OperationalError("INSERT INTO rate_limit_hit", None, sqlite3.OperationalError("database is locked"))

    monkeypatch.setattr(ratelimit, "reserve", failing)
    failed = api.get("/me")
    assert failed.status_code == 503 and failed.headers["Retry-After"]
    assert hits(app) == []
    with app.app_context():
        key = f"api:token:{db.session.scalar(select(ApiToken.id))}"
    assert ratelimit.blocks_of(app).left(key) == 0
    monkeypatch.setattr(ratelimit, "reserve", real_reserve)
    assert api.get("/me").status_code == 200
    assert hits(app) == [10]


def test_two_app_containers_on_one_database_share_the_limit(app: Flask, app_config: dict[str, Any], token: str) -> None:
    """Each app (a container, or a worker) reserves its own blocks from the same rows: together
    they let the limit through, give or take what the other holds reserved."""
    limit = RateLimit.per(200, 60)  # blocks of 2
    app.config["RECIPES_API_RATE_LIMIT"] = limit
    other = create_app({**app_config, "RECIPES_API_RATE_LIMIT": limit})
    other.test_client_class = Client
    try:
        here = Api(app.test_client(), token)  # type: ignore[arg-type]
        there = Api(other.test_client(), token)  # type: ignore[arg-type]
        with app.app_context():
            key = f"api:token:{db.session.scalar(select(ApiToken.id))}"
            db.session.add(RateLimitHit(key=key, at=utcnow(), hits=190))
            db.session.commit()
        answers = [api.get("/me").status_code for _ in range(8) for api in (here, there)]
        # Ten left: each app reserves 2 at a time, in turn (each answering once from its block in
        # between), until the window is full; the one that reserved last still hands out its hit.
        assert answers == [200] * 9 + [429, 200] + [429] * 5
        assert sum(hits(app)) == 200
        assert ratelimit.blocks_of(app) is not ratelimit.blocks_of(other)
    finally:
        with other.app_context():
            release_database()


def test_the_most_that_gets_through_is_the_limit_and_what_others_held_reserved(
    app: Flask, app_config: dict[str, Any], token: str
) -> None:
    """The overshoot is bounded: one app holds the rest of a block when the window is filled by
    the other; it may hand those out (at most block - 1 per app), and nothing more."""
    limit = RateLimit.per(200, 60)  # blocks of 2
    app.config["RECIPES_API_RATE_LIMIT"] = limit
    other = create_app({**app_config, "RECIPES_API_RATE_LIMIT": limit})
    other.test_client_class = Client
    try:
        here = Api(app.test_client(), token)  # type: ignore[arg-type]
        there = Api(other.test_client(), token)  # type: ignore[arg-type]
        assert here.get("/me").status_code == 200  # reserves 2, holds 1
        served = 1
        while there.get("/me").status_code == 200:
            served += 1
        assert served == 199  # the window is full: 200 reserved, one of them still held here
        assert here.get("/me").status_code == 200
        assert here.get("/me").status_code == 429
        assert sum(hits(app)) == 200
    finally:
        with other.app_context():
            release_database()


def test_a_listed_recipe_is_the_same_object_as_the_recipe_itself(app: Flask, token: str) -> None:
    """The list reads its recipes as plain rows (no ORM objects): each item is still exactly
    the recipe object GET /recipes/{id} answers, marks, tags, picture and times included."""
    app.config["RECIPES_API_RATE_LIMIT"] = RateLimit.per(1000, 60)
    api = Api(app.test_client(), token)  # type: ignore[arg-type]
    made = api.post(
        "/recipes",
        json={
            "title": "Crème brûlée",
            "description": "Rich.",
            "ingredients": ["Custard:", "500 ml cream", "5 egg yolks"],
            "instructions": ["Heat.", "Bake."],
            "servings": "6 ramekins",
            "prep_time": 15,
            "cook_time": 35,
            "tags": ["Dessert", "french"],
            "nutrition": {"calories": "320 kcal"},
            "visibility": "public",
        },
    ).json
    api.post("/recipes", json={"title": "Plain rice"})
    assert api.put(f"/recipes/{made['id']}/rating", json={"stars": 4}).status_code == 200
    listed = {item["id"]: item for item in api.get("/recipes?per_page=100").json["items"]}
    searched = api.get("/recipes?q=custard").json["items"]
    for recipe_id, item in listed.items():
        assert item == api.get(f"/recipes/{recipe_id}").json
    assert searched == [listed[made["id"]]]
    assert listed[made["id"]]["tags"] == ["Dessert", "french"] and listed[made["id"]]["rating"] == 4
