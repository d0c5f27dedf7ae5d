"""Fixtures: `app`, `client`, `runner`, `auth`, and helpers to make users and recipes."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from itsdangerous import URLSafeTimedSerializer
from werkzeug.test import TestResponse

from recipes import create_app
from recipes.extensions import db

from . import database_fixtures as dbf


class Client(FlaskClient):
    """A test client that sends the CSRF token with every POST, as the pages' forms do.

    Pass `csrf=False` to post without one (to test that such posts are refused).
    """

    def csrf_token(self) -> str:
        with self.session_transaction() as session:
            raw = session.setdefault("csrf_token", hashlib.sha1(os.urandom(64)).hexdigest())
        serializer = URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token")
        return str(serializer.dumps(raw))

    def post(self, *args: Any, csrf: bool = True, **kwargs: Any) -> TestResponse:
        data = kwargs.get("data")
        if csrf and "json" not in kwargs and (data is None or isinstance(data, dict)):
            kwargs["data"] = {"csrf_token": self.csrf_token(), **(data or {})}
        return super().post(*args, **kwargs)


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[str]:
    """A migrated database for this test worker: a SQLite file path, or a PostgreSQL URL."""
    config_dir = tmp_path_factory.mktemp("template")
    if dbf.using_postgres():
        name = f"recipes_test_{worker_id}"
        url = dbf.create_postgres_database(name)
        dbf.migrate_database(url, config_dir)
        yield url
        dbf.drop_postgres_database(name)
    else:
        path = config_dir / "template.db"
        dbf.migrate_database(f"sqlite:///{path}", config_dir)
        yield str(path)


@pytest.fixture
def app_config(database_template: str, tmp_path: Path) -> dict[str, Any]:
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    if dbf.using_postgres():
        url = database_template
    else:
        dbf.copy_sqlite(Path(database_template), config_dir / "recipes.db")
        url = f"sqlite:///{config_dir / 'recipes.db'}"
    return {**dbf.FAST_TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url, "RECIPES_CONFIG_DIR": str(config_dir)}


@pytest.fixture
def app(app_config: dict[str, Any]) -> Iterator[Flask]:
    app = create_app(app_config)
    app.test_client_class = Client
    yield app
    with app.app_context():
        db.session.remove()
        if dbf.using_postgres():
            dbf.empty_postgres_tables()
        dbf.release_database()


@pytest.fixture
def more_apps(app_config: dict[str, Any]) -> Iterator[Callable[..., Flask]]:
    """Makes apps beside `app` on this test's database (with other settings, if given): more
    workers or starts. Each lets go of its database connections when the test ends, not when the
    garbage collector gets to it (on PostgreSQL: inside another test, a ResourceWarning)."""
    made: list[Flask] = []

    def make(**settings: Any) -> Flask:
        other = create_app({**app_config, **settings})
        other.test_client_class = Client
        made.append(other)
        return other

    yield make
    for other in made:
        with other.app_context():
            dbf.release_database()


@pytest.fixture
def client(app: Flask) -> Client:
    return app.test_client()  # type: ignore[return-value]


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


class AuthActions:
    """Register and log in through the real pages."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def register(
        self, username: str = "alice", password: str = "correct horse", setup_code: str | None = None
    ) -> TestResponse:
        """Sign up. On a fresh install that takes the setup code: unless one is given, it is
        read where the operator finds it, in the config directory."""
        code = self.setup_code() if setup_code is None else setup_code
        form = {"username": username, "password": password, "confirm": password}
        return self.client.post("/auth/register", data={**form, **({"setup_code": code} if code else {})})

    def setup_code(self) -> str | None:
        """The first account's setup code (made, as `recipes bootstrap` would have at start),
        or None once there is an account."""
        from recipes.auth import setup_code
        from recipes.auth.services import user_count

        app = self.client.application
        with app.app_context():
            if user_count() > 0:
                return None
        return setup_code.ensure(Path(app.config["RECIPES_CONFIG_DIR"]))[0]

    def login(self, username: str = "alice", password: str = "correct horse", next: str = "") -> TestResponse:
        return self.client.post("/auth/login", data={"username": username, "password": password, "next": next})

    def logout(self) -> TestResponse:
        return self.client.post("/auth/logout")


@pytest.fixture
def auth(client: Client) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def make_user(app: Flask) -> Any:
    """Create an account directly through the service (the first one becomes admin)."""
    from recipes.auth.services import create_user

    def make(username: str, password: str = "correct horse", admin: bool = False) -> int:
        with app.app_context():
            return create_user(username, password, admin=admin or None).id

    return make


@pytest.fixture
def login_as(app: Flask, make_user: Any) -> Any:
    """A new client logged in as a new user: `alice = login_as("alice")`."""

    def login(username: str) -> Client:
        make_user(username)
        client: Client = app.test_client()  # type: ignore[assignment]
        response = AuthActions(client).login(username)
        assert response.status_code == 302, response.text
        return client

    return login


@pytest.fixture
def alice(login_as: Any) -> Client:
    """A signed-in client of a new user "alice" (the first account: the admin)."""
    return login_as("alice")  # type: ignore[no-any-return]


@pytest.fixture
def bob(login_as: Any) -> Client:
    """A signed-in client of a second user, "bob"."""
    return login_as("bob")  # type: ignore[no-any-return]


RECIPE_FORM = {
    "title": "Tomato soup",
    "description": "A warming soup.",
    "ingredients": "Soup:\n1 kg tomatoes\n1 onion\nTo serve:\nbasil",
    "instructions": "Chop the onion.\nCook the tomatoes.\nBlend.",
    "servings": "4 bowls",
    "prep_time": "10",
    "cook_time": "30",
    "total_time": "",
    "source_url": "https://example.org/soup",
    "tags": "Soup, vegetarian",
    "notes": "Freezes well.",
    "visibility": "private",
}


def create_recipe(client: Client, **fields: str) -> int:
    """Create a recipe through the form and return its id."""
    response = client.post("/recipes/new", data={**RECIPE_FORM, **fields})
    assert response.status_code == 302, response.text
    match = re.search(r"/recipes/(\d+)$", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


CSRF_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}")


def without_tokens(page: str) -> str:
    """A page without its CSRF tokens: they are random, so a short word such as "pie" turns up in
    one now and then, and a test that a word is absent from the page must not read them."""
    return CSRF_TOKEN.sub("", page)


def pytest_report_header(config: pytest.Config) -> str:
    if dbf.using_postgres():
        return f"database: PostgreSQL ({dbf.POSTGRES_URL.split('@')[-1]})"
    return "database: SQLite (set TEST_DATABASE_URL for PostgreSQL)"
