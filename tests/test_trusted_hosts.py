"""The Host header is not believed: RECIPES_TRUSTED_HOSTS makes the app answer only to its
own names; links that can be relative are (API Location headers, picture URLs); the absolute
ones (share links, JSON-LD) come from RECIPES_BASE_URL when it is set. A page on another
site that reaches a LAN instance under its own name (DNS rebinding) finds nothing to forge."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from recipes.config import ConfigError, base_url, trusted_hosts

from .conftest import Client


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", None),
        (" , ", None),
        ("recipes.example.org", ["recipes.example.org", "localhost", "127.0.0.1", "[::1]"]),
        (
            "Recipes.LAN, .lan, 192.168.1.10",
            ["recipes.lan", ".lan", "192.168.1.10", "localhost", "127.0.0.1", "[::1]"],
        ),
        ("localhost, [FD00::5]", ["localhost", "[fd00::5]", "127.0.0.1", "[::1]"]),
    ],
)
def test_trusted_hosts_setting(value: str, expected: list[str] | None) -> None:
    assert trusted_hosts({"RECIPES_TRUSTED_HOSTS": value}) == expected


@pytest.mark.parametrize(
    "value", ["https://recipes.lan", "recipes.lan/path", "*", "rec ipes.lan", "recipes.lan:8288", "[nope]", "fd00::5"]
)
def test_bad_trusted_hosts_fail_with_one_clear_line(value: str) -> None:
    with pytest.raises(ConfigError, match="RECIPES_TRUSTED_HOSTS"):
        trusted_hosts({"RECIPES_TRUSTED_HOSTS": value})


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {
        **app_config,
        "RECIPES_TRUSTED_HOSTS": trusted_hosts({"RECIPES_TRUSTED_HOSTS": "recipes.example.org, .lan"}),
    }


@pytest.mark.parametrize(
    "host",
    [
        "recipes.example.org",
        "recipes.example.org:8288",
        "Recipes.Example.ORG",  # host names are case-insensitive
        "KITCHEN.lan:8288",
        "lan",
        "127.0.0.1:8288",
        "localhost",
        "[::1]",  # loopback over IPv6, like 127.0.0.1
        "[::1]:8288",
    ],
)
def test_trusted_names_are_answered(client: Client, host: str) -> None:
    assert client.get("/healthz", headers={"Host": host}).status_code == 200
    assert client.get("/auth/register", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize(
    "host", ["evil.example", "recipes.example.org.evil.example", "lan.evil", "[::2]", "[::1].evil", "127.0.0.2"]
)
def test_other_hosts_get_a_clear_400(client: Client, host: str) -> None:
    page = client.get("/auth/login", headers={"Host": host})
    assert page.status_code == 400 and "Bad Request" in page.text
    api = client.get("/api/v1/me", headers={"Host": host})
    assert api.status_code == 400 and api.json["error"]["code"] == "bad_request"


def test_api_links_are_relative(app: Flask, client: Client) -> None:
    """Whatever the Host: the API's Location headers and picture URLs carry no host at all."""
    from recipes.auth.services import create_user
    from recipes.auth.tokens import create_token

    with app.app_context():
        secret = create_token(create_user("alice", "correct horse"), "t")[1]
    api = {"Host": "recipes.example.org", "Authorization": f"Bearer {secret}"}
    created = client.post("/api/v1/recipes", json={"title": "Soup"}, headers=api)
    assert created.status_code == 201
    assert created.headers["Location"] == f"/api/v1/recipes/{created.json['id']}"


# --- without RECIPES_TRUSTED_HOSTS (the default): nothing takes the Host's word --------------


@pytest.fixture
def make_app(app: Flask, more_apps: Callable[..., Flask]) -> Callable[..., Flask]:
    """Apps on this test's database with other settings (`app` empties it afterwards)."""
    return more_apps


@pytest.fixture
def base_url_app(make_app: Callable[..., Flask]) -> Flask:
    return make_app(RECIPES_TRUSTED_HOSTS=None, RECIPES_BASE_URL="https://food.example.org/kitchen")


EVIL = {"Host": "evil.example"}


def test_a_forged_host_reaches_no_api_link(make_app: Callable[..., Flask], make_user: Any) -> None:
    from recipes.auth.services import find_user
    from recipes.auth.tokens import create_token

    from .test_api import jpeg

    app = make_app(RECIPES_TRUSTED_HOSTS=None)
    make_user("alice")
    with app.app_context():
        secret = create_token(find_user("alice"), "t")[1]  # type: ignore[arg-type]
    client = app.test_client()
    api = {**EVIL, "Authorization": f"Bearer {secret}"}
    created = client.post("/api/v1/recipes", json={"title": "Soup"}, headers=api)
    assert created.status_code == 201 and created.headers["Location"] == f"/api/v1/recipes/{created.json['id']}"
    again = client.post("/api/v1/recipes/import", json={"url": "https://example.org/x"}, headers=api)
    assert "evil" not in str(again.headers)
    picture = client.put(
        f"/api/v1/recipes/{created.json['id']}/image", data={"image": (io.BytesIO(jpeg()), "x.jpg")}, headers=api
    )
    assert picture.status_code == 200, picture.text
    assert picture.json["image_url"].startswith(f"/api/v1/recipes/{created.json['id']}/image?v=")
    assert "evil" not in client.get(f"/api/v1/recipes/{created.json['id']}", headers=api).text


def test_absolute_links_come_from_the_base_url(base_url_app: Flask) -> None:
    from .conftest import AuthActions, create_recipe
    from .test_sharing import jsonld

    app = base_url_app
    client: Client = app.test_client()  # type: ignore[assignment]
    client.environ_base["HTTP_HOST"] = "evil.example"
    with app.app_context():
        from recipes.auth.services import create_user

        create_user("alice", "correct horse")
    assert AuthActions(client).login().status_code == 302
    recipe_id = create_recipe(client)

    # The share link shown once, and the share page's JSON-LD.
    made = client.post(f"/recipes/{recipe_id}/shares", data={"expiry": "1w"})
    created = client.get(made.headers["Location"]).text
    match = re.search(r'id="share-url" type="text" value="([^"]+)"', created)
    assert match and match[1].startswith("https://food.example.org/kitchen/s/"), created
    token = match[1].rsplit("/", 1)[1]
    shared = jsonld(client.get(f"/s/{token}").text)
    assert shared["url"] == f"https://food.example.org/kitchen/s/{token}"

    # The recipe page's own JSON-LD (and its download), and the API docs page.
    page = client.get(f"/recipes/{recipe_id}").text
    assert jsonld(page)["url"] == f"https://food.example.org/kitchen/recipes/{recipe_id}"
    download = client.get(f"/recipes/{recipe_id}/export.jsonld")
    assert download.status_code == 200 and "evil" not in download.text
    assert "https://food.example.org/kitchen/api/v1/recipes" in client.get("/api/docs").text
    for text in (created, page, client.get(f"/s/{token}").text, client.get("/api/docs").text):
        assert "evil.example" not in text


def test_the_base_url_keeps_a_proxy_prefix_once(base_url_app: Flask) -> None:
    """Behind a proxy that serves the app under /kitchen (SCRIPT_NAME), the prefix is in
    RECIPES_BASE_URL and is not added a second time."""
    from flask import url_for

    from recipes.public_urls import public_url

    with base_url_app.test_request_context("/s/abc", base_url="http://evil.example/kitchen"):
        assert url_for("sharing.page", token="abc") == "/kitchen/s/abc"
        assert public_url("sharing.page", token="abc") == "https://food.example.org/kitchen/s/abc"


def test_without_a_base_url_absolute_links_follow_the_request(app: Flask) -> None:
    from recipes.public_urls import public_url

    with app.test_request_context("/", base_url="http://recipes.example.org:8288"):
        assert public_url("sharing.page", token="abc") == "http://recipes.example.org:8288/s/abc"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", None),
        ("  ", None),
        ("https://food.example.org", "https://food.example.org"),
        ("https://food.example.org/", "https://food.example.org"),
        ("http://192.168.1.10:8288/kitchen/", "http://192.168.1.10:8288/kitchen"),
        ("HTTPS://Food.Example.org/Kitchen", "https://food.example.org/Kitchen"),
        ("http://[fd00::5]:8288", "http://[fd00::5]:8288"),
    ],
)
def test_base_url_setting(value: str, expected: str | None) -> None:
    assert base_url({"RECIPES_BASE_URL": value}) == expected


@pytest.mark.parametrize(
    "value",
    [
        "food.example.org",
        "ftp://food.example.org",
        "https://",
        "https://food.example.org/?x=1",
        "https://food.example.org/#top",
        "https://user:pass@food.example.org",
        "https://food.example.org:99999",
        "https://food example.org",
        "javascript:alert(1)",
    ],
)
def test_bad_base_urls_fail_with_one_clear_line(value: str) -> None:
    with pytest.raises(ConfigError, match="RECIPES_BASE_URL"):
        base_url({"RECIPES_BASE_URL": value})
