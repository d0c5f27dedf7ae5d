"""RECIPES_TRUSTED_HOSTS: the app answers only to its own names, so a forged Host header
cannot put someone else's address into the absolute URLs it builds (API Location headers,
picture URLs, share pages' JSON-LD)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from recipes.config import ConfigError, trusted_hosts

from .conftest import Client


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", None),
        (" , ", None),
        ("recipes.example.org", ["recipes.example.org", "localhost", "127.0.0.1"]),
        ("Recipes.LAN, .lan, 192.168.1.10", ["recipes.lan", ".lan", "192.168.1.10", "localhost", "127.0.0.1"]),
        ("localhost", ["localhost", "127.0.0.1"]),
    ],
)
def test_trusted_hosts_setting(value: str, expected: list[str] | None) -> None:
    assert trusted_hosts({"RECIPES_TRUSTED_HOSTS": value}) == expected


@pytest.mark.parametrize("value", ["https://recipes.lan", "recipes.lan/path", "*", "rec ipes.lan", "recipes.lan:8288"])
def test_bad_trusted_hosts_fail_with_one_clear_line(value: str) -> None:
    with pytest.raises(ConfigError, match="RECIPES_TRUSTED_HOSTS"):
        trusted_hosts({"RECIPES_TRUSTED_HOSTS": value})


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "TRUSTED_HOSTS": trusted_hosts({"RECIPES_TRUSTED_HOSTS": "recipes.example.org, .lan"})}


@pytest.mark.parametrize("host", ["recipes.example.org", "recipes.example.org:8288", "kitchen.lan", "127.0.0.1:8288"])
def test_trusted_names_are_answered(client: Client, host: str) -> None:
    assert client.get("/healthz", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "recipes.example.org.evil.example", "lan.evil", "[::1]"])
def test_other_hosts_get_a_clear_400(client: Client, host: str) -> None:
    page = client.get("/auth/login", headers={"Host": host})
    assert page.status_code == 400 and "Bad Request" in page.text
    api = client.get("/api/v1/me", headers={"Host": host})
    assert api.status_code == 400 and api.json["error"]["code"] == "bad_request"


def test_absolute_urls_use_the_trusted_name(app: Flask, client: Client, make_user: Any) -> None:
    from recipes.auth.services import create_user
    from recipes.auth.tokens import create_token

    with app.app_context():
        secret = create_token(create_user("alice", "correct horse"), "t")[1]
    created = client.post(
        "/api/v1/recipes",
        json={"title": "Soup"},
        headers={"Host": "recipes.example.org", "Authorization": f"Bearer {secret}"},
    )
    assert created.status_code == 201
    assert created.headers["Location"].startswith("http://recipes.example.org/api/v1/recipes/")
