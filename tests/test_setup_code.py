"""The setup code: on a fresh install the first account (the admin) needs the one-time code
the server printed in its log and keeps in its config directory; nobody who merely reaches
the sign-up page (a stranger on the LAN, a web page through DNS rebinding) can claim it."""

from __future__ import annotations

import logging
import re
import stat
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from recipes import bootstrap
from recipes.auth import services, setup_code
from recipes.extensions import db
from recipes.models import User

from .conftest import AuthActions, Client
from .database_fixtures import release_database, using_postgres

CODE = re.compile(r"\b[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}\b")


def config_dir(app: Flask) -> Path:
    return Path(app.config["RECIPES_CONFIG_DIR"])


def users(app: Flask) -> list[User]:
    with app.app_context():
        found = list(db.session.scalars(db.select(User)))
        db.session.expunge_all()
        return found


def test_the_first_sign_up_is_refused_without_the_setup_code(app: Flask, client: Client, auth: AuthActions) -> None:
    page = client.get("/auth/register")
    assert page.status_code == 200
    assert '<label for="setup_code">Setup code</label>' in page.text
    for wrong in ("", "ABCD-EFGH-JKLM", "not even close"):
        refused = auth.register("mallory", setup_code=wrong)
        assert refused.status_code == 400
        assert "not this server&#39;s setup code" in refused.text and 'class="field-error"' in refused.text
    assert users(app) == []
    assert client.get("/recipes/").status_code == 302  # not signed in


def test_the_setup_code_from_the_config_directory_makes_the_admin(
    app: Flask, client: Client, auth: AuthActions
) -> None:
    client.get("/auth/register")  # the page makes the code if start-up did not
    code = setup_code.read(config_dir(app))
    assert code is not None and CODE.fullmatch(code)
    path = config_dir(app) / "setup_code"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # Typed the way people type: lower case, without the dashes.
    response = auth.register("alice", setup_code=code.lower().replace("-", " "))
    assert response.status_code == 302, response.text
    (alice,) = users(app)
    assert alice.username == "alice" and alice.is_admin
    assert not path.exists()  # spent
    assert setup_code.read(config_dir(app)) is None


def test_the_page_makes_a_missing_code_and_logs_it(app: Flask, client: Client, caplog: Any) -> None:
    with caplog.at_level(logging.WARNING):
        client.get("/auth/register")
        client.get("/auth/register")
    code = setup_code.read(config_dir(app))
    assert code is not None
    logged = [record.getMessage() for record in caplog.records if code in record.getMessage()]
    assert len(logged) == 1, caplog.records  # once, when it was made
    assert "/auth/register" in logged[0] and str(config_dir(app) / "setup_code") in logged[0]
    assert code not in client.get("/auth/register").text  # never on the page itself


def test_after_the_first_account_no_code_is_asked(app: Flask, client: Client, make_user: Any) -> None:
    make_user("alice")
    app.config["RECIPES_ALLOW_SIGNUP"] = True
    page = client.get("/auth/register")
    assert "Setup code" not in page.text
    assert AuthActions(client).register("bob", setup_code="").status_code == 302
    assert [user.is_admin for user in users(app)] == [True, False]
    assert not (config_dir(app) / "setup_code").exists()


def test_the_service_refuses_a_first_account_without_the_code(app: Flask) -> None:
    with app.app_context(), pytest.raises(services.AccountError, match="setup code") as refused:
        services.register("alice", "correct horse", allow_signup=False)
    assert refused.value.field == "setup_code"
    with app.app_context():
        assert services.register("alice", "correct horse", allow_signup=False, setup_code_ok=True).is_admin


def test_create_user_on_the_command_line_needs_no_code_and_spends_it(app: Flask, runner: FlaskCliRunner) -> None:
    setup_code.ensure(config_dir(app))
    result = runner.invoke(args=["create-user", "alice"], input="correct horse\n")
    assert result.exit_code == 0, result.output
    assert "Created admin 'alice'." in result.output
    assert not (config_dir(app) / "setup_code").exists()


def test_the_code_is_made_once_and_kept(tmp_path: Path) -> None:
    code, made = setup_code.ensure(tmp_path)
    assert made and CODE.fullmatch(code)
    assert setup_code.ensure(tmp_path) == (code, False)
    assert [p.name for p in tmp_path.iterdir()] == ["setup_code"]  # no temporary files left
    assert setup_code.matches(tmp_path, code) and not setup_code.matches(tmp_path, "")
    (tmp_path / "setup_code").write_text("damaged\n")
    assert setup_code.read(tmp_path) is None and not setup_code.matches(tmp_path, "damaged")
    fresh, made = setup_code.ensure(tmp_path)
    assert made and fresh != code
    setup_code.discard(tmp_path)
    setup_code.discard(tmp_path)  # no error when already gone
    assert not setup_code.matches(tmp_path, fresh)


@pytest.mark.skipif(using_postgres(), reason="bootstrap runs on the embedded SQLite default")
def test_start_up_prints_the_code_with_the_address_until_there_is_an_account(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    for name in ("SECRET_KEY", "SECRET_KEY_FILE", "DATABASE_URL", "RECIPES_BASE_URL", "PORT"):
        monkeypatch.delenv(name, raising=False)
    directory = tmp_path / "config"
    monkeypatch.setenv("RECIPES_CONFIG_DIR", str(directory))
    monkeypatch.setenv("RECIPES_BASE_URL", "https://food.example.org/")
    with caplog.at_level(logging.INFO, logger="recipes.bootstrap"):
        bootstrap.run()
    code = setup_code.read(directory)
    assert code is not None
    (line,) = [record.getMessage() for record in caplog.records if code in record.getMessage()]
    assert "https://food.example.org/auth/register" in line and str(directory / "setup_code") in line

    caplog.clear()
    with caplog.at_level(logging.INFO, logger="recipes.bootstrap"):
        bootstrap.run()  # a restart before anyone signed up: the same code, printed again
    assert setup_code.read(directory) == code
    assert any(code in record.getMessage() for record in caplog.records)

    from recipes import create_app

    app = create_app()
    with app.app_context():
        services.create_user("alice", "correct horse")
        release_database()
    (directory / "setup_code").write_text(code)  # left behind by another container, say
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="recipes.bootstrap"):
        bootstrap.run()
    assert not (directory / "setup_code").exists()
    assert not any("setup code" in record.getMessage() for record in caplog.records)
