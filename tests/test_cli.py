"""The `recipes` command: a FlaskGroup honouring RECIPES_CONFIG_DIR / DATABASE_URL."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from recipes.extensions import db
from recipes.models import User

from .database_fixtures import using_postgres

RECIPES = str(Path(sys.executable).with_name("recipes"))


def test_create_user_reads_the_password_from_stdin(app, runner):
    result = runner.invoke(args=["create-user", "Alice"], input="correct horse\n")
    assert result.exit_code == 0, result.output
    assert "Created admin 'alice'." in result.output  # the first account is the admin
    result = runner.invoke(args=["create-user", "bob"], input="correct horse\n")
    assert "Created user 'bob'." in result.output
    result = runner.invoke(args=["create-user", "carol", "--admin"], input="correct horse\n")
    assert "Created admin 'carol'." in result.output
    with app.app_context():
        admins = {u.username: u.is_admin for u in db.session.scalars(db.select(User))}
    assert admins == {"alice": True, "bob": False, "carol": True}


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["create-user", "bob"], "short\n", "Error: Passwords need at least 8 characters."),
        (["create-user", "b!"], "correct horse\n", "Error: Usernames are 3 to 40 characters"),
        (["create-user", "alice"], "correct horse\n", "Error: That username is taken."),
    ],
)
def test_create_user_errors_exit_non_zero(app, runner, make_user, args, stdin, message):
    make_user("alice")
    result = runner.invoke(args=args, input=stdin)
    assert result.exit_code == 1
    assert message in result.output


def run_cli(*args: str, config_dir: Path, stdin: str = "", extra_env: dict[str, str] | None = None):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY", "SECRET_KEY_FILE")}
    env.update({"RECIPES_CONFIG_DIR": str(config_dir), **(extra_env or {})})
    return subprocess.run([RECIPES, *args], input=stdin, capture_output=True, text=True, env=env, timeout=60)


@pytest.mark.skipif(using_postgres(), reason="uses the embedded SQLite default")
def test_console_script_end_to_end(tmp_path):
    config_dir = tmp_path / "config"
    assert shutil.which(RECIPES), RECIPES
    result = run_cli("bootstrap", config_dir=config_dir)
    assert result.returncode == 0, result.stderr
    assert "is ready" in result.stdout
    result = run_cli("create-user", "alice", "--admin", config_dir=config_dir, stdin="correct horse\n")
    assert result.returncode == 0, result.stderr
    assert "Created admin 'alice'." in result.stdout
    result = run_cli("db", "upgrade", config_dir=config_dir)
    assert result.returncode == 0, result.stderr
    result = run_cli("create-user", "alice", config_dir=config_dir, stdin="correct horse\n")
    assert result.returncode == 1
    assert result.stderr.strip() == "Error: That username is taken."
    assert "Traceback" not in result.stderr


def test_console_script_bootstrap_failure_is_one_line(tmp_path):
    result = run_cli("bootstrap", config_dir=tmp_path, extra_env={"DATABASE_URL": "nosuchdb://x"})
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1 and "DATABASE_URL is not a usable database URL" in lines[0]
    assert "Traceback" not in result.stderr


def test_python_dash_m_is_the_same_command(tmp_path):
    env = {**os.environ, "RECIPES_CONFIG_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "recipes", "--help"], capture_output=True, text=True, timeout=60, env=env
    )
    assert result.returncode == 0
    for command in ("bootstrap", "create-user", "db"):
        assert command in result.stdout
