"""The admin's account commands: `recipes disable-user`, `enable-user`, `delete-user` and
`reset-password` (the same services as the accounts page, tested in test_accounts.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from recipes import create_app
from recipes.extensions import db
from recipes.models import LoginSession, PasswordReset, Recipe, User

from .conftest import AuthActions, Client, create_recipe
from .database_fixtures import release_database
from .test_api import make_token

ME = "/api/v1/me"


def state(app: Flask, username: str) -> str:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        return "gone" if user is None else ("enabled" if user.is_active else "disabled")


def rows(app: Flask, model: Any) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_disable_and_enable_user(app: Flask, runner: FlaskCliRunner, alice: Client, bob: Client) -> None:
    token = make_token(app, "bob")
    result = runner.invoke(args=["disable-user", "Bob"])
    assert result.exit_code == 0, result.output
    assert "Disabled 'bob': logged out everywhere; its API tokens stop working." in result.output
    assert state(app, "bob") == "disabled"
    assert bob.get("/recipes/").status_code == 302  # at once
    assert app.test_client().get(ME, headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert "was disabled already" in runner.invoke(args=["disable-user", "bob"]).output

    result = runner.invoke(args=["enable-user", "bob"])
    assert result.exit_code == 0 and "Enabled 'bob'." in result.output
    assert state(app, "bob") == "enabled"
    assert app.test_client().get(ME, headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert "was enabled already" in runner.invoke(args=["enable-user", "bob"]).output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["disable-user", "nobody"], "Error: no user named 'nobody'"),
        (["enable-user", "nobody"], "Error: no user named 'nobody'"),
        (["delete-user", "nobody", "--delete-recipes", "--yes"], "Error: no user named 'nobody'"),
        (["delete-user", "bob", "--move-to", "nobody", "--yes"], "Error: no user named 'nobody'"),
        (["reset-password", "nobody"], "Error: no user named 'nobody'"),
        (["disable-user", "alice"], "Error: alice is the only enabled admin: disabling them would leave nobody"),
        (["delete-user", "alice", "--delete-recipes", "--yes"], "Error: alice is the only enabled admin: deleting"),
        (["delete-user", "bob", "--move-to", "bob", "--yes"], "Error: Choose another account to keep the recipes."),
        (["reset-password", "bob", "--hours", "0"], "Error: A reset link can work from 1 to 168 hours."),
        (["reset-password", "bob", "--hours", "169"], "Error: A reset link can work from 1 to 168 hours."),
    ],
)
def test_account_commands_fail_clearly(
    app: Flask, runner: FlaskCliRunner, make_user: Any, args: list[str], message: str
) -> None:
    make_user("alice")
    make_user("bob")
    result = runner.invoke(args=args)
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert (state(app, "alice"), state(app, "bob")) == ("enabled", "enabled")
    assert rows(app, PasswordReset) == 0


@pytest.mark.parametrize("choice", [[], ["--move-to", "alice", "--delete-recipes"]])
def test_delete_user_needs_to_be_told_what_becomes_of_the_recipes(
    app: Flask, runner: FlaskCliRunner, make_user: Any, choice: list[str]
) -> None:
    make_user("alice")
    make_user("bob")
    result = runner.invoke(args=["delete-user", "bob", "--yes", *choice])
    assert result.exit_code == 2
    assert "--move-to OTHER or --delete-recipes (one of them)" in result.output
    assert state(app, "bob") == "enabled"


def test_delete_user_moving_the_recipes(app: Flask, runner: FlaskCliRunner, alice: Client, bob: Client) -> None:
    stew = create_recipe(bob, title="Bob's stew", tags="soup")
    result = runner.invoke(args=["delete-user", "bob", "--move-to", "alice"], input="y\n")
    assert result.exit_code == 0, result.output
    assert "Delete the account bob and move its 1 recipe to alice? [y/N]" in result.output
    assert "Deleted the account bob; its 1 recipe now belongs to alice." in result.output
    assert state(app, "bob") == "gone"
    assert bob.get("/recipes/").status_code == 302
    assert "Bob&#39;s stew" in alice.get("/recipes/?tag=soup").text
    assert alice.get(f"/recipes/{stew}").status_code == 200


def test_delete_user_deleting_the_recipes(app: Flask, runner: FlaskCliRunner, alice: Client, bob: Client) -> None:
    create_recipe(bob, title="Bob's stew")
    create_recipe(bob, title="Bob's cake")
    result = runner.invoke(args=["delete-user", "bob", "--delete-recipes", "--yes"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Deleted the account bob and its 2 recipes."
    assert rows(app, Recipe) == 0 and rows(app, LoginSession) == 1  # alice's


def test_delete_user_asks_first_and_a_no_changes_nothing(
    app: Flask, runner: FlaskCliRunner, alice: Client, bob: Client
) -> None:
    create_recipe(bob, title="Bob's stew")
    for answer in ("n\n", ""):  # no, and no answer at all (not a terminal)
        result = runner.invoke(args=["delete-user", "bob", "--delete-recipes"], input=answer)
        assert result.exit_code == 1
        assert "Delete the account bob and its 1 recipe?" in result.output and "Aborted!" in result.output
    assert state(app, "bob") == "enabled" and rows(app, Recipe) == 1
    assert bob.get("/recipes/").status_code == 200


def test_reset_password_prints_a_one_time_path_as_its_last_line(
    app: Flask, runner: FlaskCliRunner, alice: Client, bob: Client
) -> None:
    result = runner.invoke(args=["reset-password", "bob", "--hours", "2"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert re.fullmatch(r"/auth/reset/[A-Za-z0-9_-]{43}", lines[-1]), lines
    assert "A one-time link for 'bob' to set a new password, until" in result.output
    with app.app_context():
        row = db.session.scalar(select(PasswordReset))
        assert row is not None
        hours = (row.expires_at - row.created_at).total_seconds() / 3600
    assert hours == 2

    visitor: Client = app.test_client()  # type: ignore[assignment]
    page = visitor.get(lines[-1])
    token = re.search(r'name="reset_token" type="hidden" value="([^"]+)"', page.text)
    assert token
    data = {"reset_token": token[1], "new_password": "brand new pass", "confirm": "brand new pass"}
    assert visitor.post("/auth/reset", data=data).status_code == 302
    assert bob.get("/recipes/").status_code == 302  # bob's logins ended
    assert AuthActions(visitor).login("bob", "brand new pass").status_code == 302


def test_reset_password_uses_the_base_url_when_one_is_set(
    app: Flask, app_config: dict[str, Any], make_user: Any
) -> None:
    make_user("alice")
    based = create_app({**app_config, "RECIPES_BASE_URL": "https://food.example.org/"})
    result = based.test_cli_runner().invoke(args=["reset-password", "alice"])
    assert result.exit_code == 0, result.output
    assert re.fullmatch(r"https://food\.example\.org/auth/reset/[A-Za-z0-9_-]{43}", result.output.splitlines()[-1])
    with based.app_context():
        release_database()


def test_reset_password_refuses_a_disabled_account(app: Flask, runner: FlaskCliRunner, make_user: Any) -> None:
    make_user("alice")
    make_user("bob")
    runner.invoke(args=["disable-user", "bob"])
    result = runner.invoke(args=["reset-password", "bob"])
    assert result.exit_code == 1 and "Error: bob is disabled: enable the account first." in result.output


def test_create_token_refuses_a_disabled_account(app: Flask, runner: FlaskCliRunner, make_user: Any) -> None:
    make_user("alice")
    make_user("bob")
    runner.invoke(args=["disable-user", "bob"])
    result = runner.invoke(args=["create-token", "bob"])
    assert result.exit_code == 1 and "Error: bob is disabled: enable the account first." in result.output
