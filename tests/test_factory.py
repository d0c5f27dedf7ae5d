"""The app factory: settings precedence, no work at import, proxies."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from recipes import config, create_app

from .database_fixtures import FAST_TEST_CONFIG


def test_importing_the_package_does_no_work(tmp_path):
    code = "import recipes, recipes.models, recipes.cli, recipes.bootstrap, recipes.auth, recipes.cookbook"
    env = {**os.environ, "RECIPES_CONFIG_DIR": str(tmp_path / "config")}
    subprocess.run([sys.executable, "-c", code], check=True, cwd=tmp_path, env=env)
    assert list(tmp_path.iterdir()) == []


def test_settings_precedence(monkeypatch, tmp_path):
    monkeypatch.setenv("RECIPES_CONFIG_DIR", str(tmp_path))
    monkeypatch.setenv("RECIPES_ALLOW_SIGNUP", "true")
    monkeypatch.setenv("RECIPES_PER_PAGE", "5")  # not an environment setting: ignored
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"SECRET_KEY": "k" * 40, "RECIPES_PROXY_COUNT": 0})
    assert app.config["RECIPES_ALLOW_SIGNUP"] is True  # environment over defaults
    assert app.config["RECIPES_PER_PAGE"] == 24
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'recipes.db'}"
    app = create_app({"SECRET_KEY": "k" * 40, "RECIPES_ALLOW_SIGNUP": False})
    assert app.config["RECIPES_ALLOW_SIGNUP"] is False  # test_config over environment


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@db/recipes", "postgresql+psycopg://u:p@db/recipes"),
        ("postgresql://u@db/recipes", "postgresql+psycopg://u@db/recipes"),
        ("postgresql+psycopg://u@db/r", "postgresql+psycopg://u@db/r"),
        ("sqlite:////data/x.db", "sqlite:////data/x.db"),
    ],
)
def test_database_url_forms(given, expected, tmp_path):
    assert config.database_url({"DATABASE_URL": given}, tmp_path) == expected


@pytest.mark.parametrize(
    ("name", "value"),
    [("RECIPES_ALLOW_SIGNUP", "maybe"), ("RECIPES_PROXY_COUNT", "-1"), ("RECIPES_PROXY_COUNT", "two")],
)
def test_bad_settings_are_named(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(config.ConfigError, match=name):
        config.from_environment()


def test_proxy_headers_trusted_only_when_configured(app_config):
    headers = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "food.example"}
    seen: dict[str, str] = {}

    def install_probe(app):
        @app.get("/probe")
        def probe():
            from flask import request

            seen.update(remote=request.remote_addr or "", url=request.url)
            return "ok"

        return app

    install_probe(create_app(app_config)).test_client().get("/probe", headers=headers)
    assert seen == {"remote": "127.0.0.1", "url": "http://localhost/probe"}
    install_probe(create_app({**app_config, "RECIPES_PROXY_COUNT": 1})).test_client().get("/probe", headers=headers)
    assert seen == {"remote": "203.0.113.9", "url": "https://food.example/probe"}


def test_missing_key_file_is_created_for_the_app(tmp_path, monkeypatch):
    for name in ("SECRET_KEY", "SECRET_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
    settings = {k: v for k, v in FAST_TEST_CONFIG.items() if k != "SECRET_KEY"}
    app = create_app({**settings, "SECRET_KEY": None, "RECIPES_CONFIG_DIR": str(tmp_path)})
    assert app.secret_key == (tmp_path / "secret_key").read_text()


def test_workers_load_the_importer_only_when_they_import(tmp_path):
    """recipe-scrapers (~600 modules) and requests cost ~45 MB: a worker that never imports
    a web page should not carry them."""
    code = (
        "import sys\n"
        "from recipes import create_app\n"
        f"create_app({{'SECRET_KEY': 'x' * 40, 'RECIPES_CONFIG_DIR': {str(tmp_path)!r}}})\n"
        "print(sorted(m for m in ('recipe_scrapers', 'requests', 'urllib3') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
