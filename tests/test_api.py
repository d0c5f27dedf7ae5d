"""The JSON API: tokens, the recipe endpoints, visibility, errors, CSRF, rate limits."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import select

from recipes.auth import tokens
from recipes.config import RateLimit
from recipes.extensions import db
from recipes.models import ApiToken, Recipe, User, token_digest, utcnow

from .conftest import Client, create_recipe
from .site_server import Reply, serve_site
from .test_import import recipe_page


class Api:
    """A test client speaking to /api/v1 with one user's token."""

    def __init__(self, client: Client, token: str) -> None:
        self.client = client
        self.token = token
        self.headers = {"Authorization": f"Bearer {token}"}

    def __getattr__(self, method: str) -> Any:
        def call(path: str, **kwargs: Any) -> Any:
            headers = {**self.headers, **kwargs.pop("headers", {})}
            return getattr(self.client, method)(f"/api/v1{path}", headers=headers, **kwargs)

        return call


def make_token(app: Flask, username: str, **kwargs: Any) -> str:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        assert user is not None
        return tokens.create_token(user, "tests", **kwargs)[1]


@pytest.fixture
def api_for(app: Flask, make_user: Any) -> Any:
    def make(username: str) -> Api:
        make_user(username)
        return Api(app.test_client(), make_token(app, username))  # type: ignore[arg-type]

    return make


@pytest.fixture
def alice_api(api_for: Any) -> Api:
    return api_for("alice")  # type: ignore[no-any-return]


@pytest.fixture
def bob_api(api_for: Any) -> Api:
    return api_for("bob")  # type: ignore[no-any-return]


SOUP = {
    "title": "Tomato soup",
    "description": "A warming soup.",
    "ingredients": ["Soup:", "1 kg tomatoes", "1 onion"],
    "instructions": ["Chop.", "Cook.", "Blend."],
    "servings": "4",
    "prep_time": 10,
    "cook_time": 30,
    "total_time": None,
    "source_url": "https://example.org/soup",
    "tags": ["Soup", "vegetarian"],
    "notes": "Freezes well.",
    "nutrition": {"calories": "120 kcal"},
    "visibility": "private",
}


def jpeg(size: tuple[int, int] = (800, 600)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 80, 40)).save(out, "JPEG")
    return out.getvalue()


# --- tokens ---------------------------------------------------------------------------


def test_token_is_stored_hashed_and_shown_once(app: Flask, make_user: Any) -> None:
    make_user("alice")
    secret = make_token(app, "alice")
    assert secret.startswith("rcp_") and len(secret) > 40
    with app.app_context():
        row = db.session.scalar(select(ApiToken))
        assert row is not None
        assert secret not in (row.token_hash, row.hint) and row.token_hash == token_digest(secret)
        assert secret.startswith(row.hint)


def test_me_names_the_token_owner_and_notes_last_use(app: Flask, alice_api: Api) -> None:
    response = alice_api.get("/me")
    assert response.status_code == 200
    assert response.json["username"] == "alice"
    with app.app_context():
        row = db.session.scalar(select(ApiToken))
        assert row is not None and row.last_used_at is not None


@pytest.mark.parametrize(
    "header",
    ["Bearer rcp_not-a-real-token", "Bearer ", "Basic YWxpY2U6cGFzcw==", "rcp_nobearer", "Bearer x" * 100],
)
def test_bad_tokens_are_401_json(client: Client, alice_api: Api, header: str) -> None:
    response = client.get("/api/v1/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_no_credentials_is_401_even_for_html_clients(client: Client) -> None:
    response = client.get("/api/v1/recipes", headers={"Accept": "text/html"})
    assert response.status_code == 401
    assert response.is_json and response.json["error"]["code"] == "unauthorized"


def test_expired_token_is_refused(app: Flask, alice_api: Api) -> None:
    with app.app_context():
        row = db.session.scalar(select(ApiToken))
        assert row is not None
        row.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert alice_api.get("/me").status_code == 401


def test_revoked_token_stops_working_at_once(app: Flask, alice_api: Api) -> None:
    assert alice_api.get("/me").status_code == 200
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "alice"))
        row = db.session.scalar(select(ApiToken))
        assert user is not None and row is not None
        assert tokens.revoke_token(user, row.id)
    assert alice_api.get("/me").status_code == 401


def test_token_service_validates(app: Flask, make_user: Any) -> None:
    make_user("alice")
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user is not None
        for name, days, message in [("", None, "name"), ("x" * 61, None, "at most"), ("ok", 0, "1 to 3650")]:
            with pytest.raises(tokens.TokenError, match=message):
                tokens.create_token(user, name, days)
        row, _ = tokens.create_token(user, "  Home\x00 Assistant ", 30)
        assert row.name == "Home Assistant" and row.expires_at is not None


def test_account_page_creates_lists_and_revokes_tokens(app: Flask, alice: Client) -> None:
    page = alice.get("/auth/account")
    assert page.status_code == 200 and "You have no API tokens." in page.text
    created = alice.post("/auth/account/tokens", data={"name": "Home Assistant", "expires": "never"})
    assert created.status_code == 302 and created.headers["Location"].endswith("/auth/account#api-tokens")
    shown = alice.get("/auth/account")
    secret = shown.text.split('id="new-token" type="text" value="')[1].split('"')[0]
    assert alice.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    listing = alice.get("/auth/account").text
    assert "Home Assistant" in listing and secret not in listing  # shown once only
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    revoked = alice.post(f"/auth/account/tokens/{token_id}/revoke")
    assert revoked.status_code == 302
    assert alice.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_account_token_form_errors(alice: Client) -> None:
    assert alice.post("/auth/account/tokens", data={"name": "", "expires": "never"}).status_code == 400
    assert alice.post("/auth/account/tokens", data={"name": "x", "expires": "forever"}).status_code == 400
    assert alice.post("/auth/account/tokens", data={"name": "x", "expires": "never"}, csrf=False).status_code == 400


def test_someone_elses_token_cannot_be_revoked(app: Flask, alice: Client, bob: Client) -> None:
    alice.post("/auth/account/tokens", data={"name": "mine", "expires": "never"})
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    assert bob.post(f"/auth/account/tokens/{token_id}/revoke").status_code == 404
    with app.app_context():
        assert db.session.get(ApiToken, token_id) is not None


def test_create_token_cli_prints_the_token_last(app: Flask, runner: Any, make_user: Any) -> None:
    make_user("alice")
    result = runner.invoke(args=["create-token", "alice", "--name", "script", "--expires-days", "30"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    assert Api(app.test_client(), secret).get("/me").json["username"] == "alice"  # type: ignore[arg-type]


def test_create_token_cli_unknown_user(runner: Any) -> None:
    result = runner.invoke(args=["create-token", "nobody"])
    assert result.exit_code != 0 and "no user named 'nobody'" in result.output


# --- recipes ----------------------------------------------------------------------------


def test_create_get_patch_delete(alice_api: Api) -> None:
    created = alice_api.post("/recipes", json=SOUP)
    assert created.status_code == 201, created.json
    recipe = created.json
    assert created.headers["Location"].endswith(f"/api/v1/recipes/{recipe['id']}")
    assert {k: recipe[k] for k in SOUP if k != "tags"} == {k: v for k, v in SOUP.items() if k != "tags"}
    assert recipe["tags"] == ["Soup", "vegetarian"] and recipe["image_url"] is None  # as typed
    assert recipe["created_at"] == recipe["updated_at"]

    fetched = alice_api.get(f"/recipes/{recipe['id']}")
    assert fetched.status_code == 200 and fetched.json == recipe

    patched = alice_api.patch(f"/recipes/{recipe['id']}", json={"title": "Tomato soup II", "tags": ["winter"]})
    assert patched.status_code == 200
    assert patched.json["title"] == "Tomato soup II" and patched.json["tags"] == ["winter"]
    assert patched.json["ingredients"] == SOUP["ingredients"]  # what was not sent stays

    assert alice_api.delete(f"/recipes/{recipe['id']}").status_code == 204
    assert alice_api.get(f"/recipes/{recipe['id']}").status_code == 404


def test_a_fetched_recipe_can_be_sent_back(alice_api: Api) -> None:
    recipe = alice_api.post("/recipes", json=SOUP).json
    recipe["notes"] = "Round trip"
    response = alice_api.patch(f"/recipes/{recipe['id']}", json=recipe)  # id, created_at... are ignored
    assert response.status_code == 200 and response.json["notes"] == "Round trip"


def test_api_and_pages_see_the_same_recipe(alice: Client, app: Flask) -> None:
    recipe_id = create_recipe(alice)
    api = Api(alice, make_token(app, "alice"))
    recipe = api.get(f"/recipes/{recipe_id}").json
    assert recipe["title"] == "Tomato soup" and recipe["ingredients"][0] == "Soup:"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "title"),
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "\x00\x01"}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": 5}, "title"),
        ({"title": "ok", "prep_time": -1}, "prep_time"),
        ({"title": "ok", "cook_time": 100_001}, "cook_time"),
        ({"title": "ok", "prep_time": "ten"}, "prep_time"),
        ({"title": "ok", "source_url": "javascript:alert(1)"}, "source_url"),
        ({"title": "ok", "source_url": "JaVaScRiPt:alert(1)"}, "source_url"),
        ({"title": "ok", "ingredients": "1 onion"}, "ingredients"),
        ({"title": "ok", "ingredients": [1]}, "ingredients.0"),
        ({"title": "ok", "tags": ["x" * 65]}, "tags.0"),
        ({"title": "ok", "visibility": "everyone"}, "visibility"),
        ({"title": "ok", "owner_id": 2}, "owner_id"),
        ({"title": "ok", "is_admin": True}, "is_admin"),
        ({"title": "ok", "nutrition": {"calories": 5}}, "nutrition.calories.value"),
    ],
)
def test_invalid_recipes_name_the_field(alice_api: Api, payload: dict[str, Any], field: str) -> None:
    response = alice_api.post("/recipes", json=payload)
    assert response.status_code == 422, response.json
    error = response.json["error"]
    assert error["code"] == "invalid" and error["field"] == field and error["message"]


@pytest.mark.parametrize("body", ["{not json", "[1, 2]", '"a string"', "null"])
def test_malformed_bodies_are_4xx(alice_api: Api, body: str) -> None:
    response = alice_api.post("/recipes", data=body, content_type="application/json")
    assert 400 <= response.status_code < 500
    assert response.json["error"]["code"] == "invalid"


def test_mass_assignment_does_not_change_the_owner(app: Flask, alice_api: Api, bob_api: Api) -> None:
    bob_api.get("/me")
    recipe = alice_api.post("/recipes", json=SOUP).json
    assert alice_api.patch(f"/recipes/{recipe['id']}", json={"owner_id": 2}).status_code == 422
    with app.app_context():
        row = db.session.get(Recipe, recipe["id"])
        assert row is not None and row.owner.username == "alice"


def test_someone_elses_private_recipe_is_404_everywhere(alice_api: Api, bob_api: Api) -> None:
    recipe_id = alice_api.post("/recipes", json=SOUP).json["id"]
    alice_api.put(f"/recipes/{recipe_id}/image", data={"image": (io.BytesIO(jpeg()), "a.jpg")})
    for method, path, kwargs in [
        ("get", f"/recipes/{recipe_id}", {}),
        ("patch", f"/recipes/{recipe_id}", {"json": {"title": "mine now"}}),
        ("delete", f"/recipes/{recipe_id}", {}),
        ("get", f"/recipes/{recipe_id}/image", {}),
        ("put", f"/recipes/{recipe_id}/image", {"data": {"image": (io.BytesIO(jpeg()), "b.jpg")}}),
        ("delete", f"/recipes/{recipe_id}/image", {}),
    ]:
        response = getattr(bob_api, method)(path, **kwargs)
        assert response.status_code == 404, (method, path, response.json)
        assert response.json["error"]["code"] == "not_found"
    listed = bob_api.get("/recipes").json
    assert listed["items"] == [] and listed["total"] == 0
    assert alice_api.get(f"/recipes/{recipe_id}").json["title"] == SOUP["title"]


def test_public_recipes_are_readable_not_writable_by_others(alice_api: Api, bob_api: Api) -> None:
    recipe_id = alice_api.post("/recipes", json={**SOUP, "visibility": "public"}).json["id"]
    assert bob_api.get(f"/recipes/{recipe_id}").status_code == 200
    assert [r["id"] for r in bob_api.get("/recipes").json["items"]] == [recipe_id]
    assert bob_api.patch(f"/recipes/{recipe_id}", json={"title": "x"}).status_code == 404
    assert bob_api.delete(f"/recipes/{recipe_id}").status_code == 404


def test_list_searches_filters_and_pages(alice_api: Api) -> None:
    for n in range(5):
        alice_api.post("/recipes", json={"title": f"Lentil stew {n}", "tags": ["stew"], "prep_time": n * 10})
    alice_api.post("/recipes", json={"title": "Pancakes", "tags": ["breakfast"]})
    everything = alice_api.get("/recipes").json
    assert everything["total"] == 6 and not everything["total_is_capped"]
    first = alice_api.get("/recipes?q=lentil&per_page=2&sort=title").json
    assert [r["title"] for r in first["items"]] == ["Lentil stew 0", "Lentil stew 1"]
    assert first["total"] == 5 and first["has_next"] and first["page"] == 1 and first["per_page"] == 2
    third = alice_api.get("/recipes?q=lentil&per_page=2&sort=title&page=3").json
    assert [r["title"] for r in third["items"]] == ["Lentil stew 4"] and not third["has_next"]
    assert [r["title"] for r in alice_api.get("/recipes?tag=breakfast").json["items"]] == ["Pancakes"]
    assert alice_api.get("/recipes?max_time=15").json["total"] == 2
    assert alice_api.get("/recipes?page=10000").json["items"] == []


def test_list_orders_like_the_page(alice_api: Api) -> None:
    """No sort given: by relevance while there are words, newest first otherwise (the
    SearchRequest's one rule, as on the list page); a sort given is kept."""
    alice_api.post("/recipes", json={"title": "Pecan pie", "ingredients": ["200 g pecans"]})
    alice_api.post("/recipes", json={"title": "Rhubarb cobbler", "description": "Like a pie, without the lid."})

    def titles(query: str) -> list[str]:
        return [r["title"] for r in alice_api.get("/recipes?" + query).json["items"]]

    assert titles("") == titles("sort=relevance") == ["Rhubarb cobbler", "Pecan pie"]
    assert titles("q=pie") == titles("q=pie&sort=relevance") == ["Pecan pie", "Rhubarb cobbler"]
    assert titles("q=pie&sort=newest") == ["Rhubarb cobbler", "Pecan pie"]


@pytest.mark.parametrize(
    "query",
    ["page=0", "page=10001", "per_page=0", "per_page=101", "sort=owner_id", "scope=everyone", "max_time=-5", "page=x"],
)
def test_list_rejects_bad_parameters(alice_api: Api, query: str) -> None:
    response = alice_api.get(f"/recipes?{query}")
    assert response.status_code == 422
    assert response.json["error"]["field"] == query.split("=")[0]


@pytest.mark.parametrize("q", ['"unbalanced', "title:x OR y*", "NEAR(a b)", "a AND OR NOT", "^*", "x" * 500])
def test_raw_search_syntax_is_just_text(alice_api: Api, q: str) -> None:
    alice_api.post("/recipes", json={"title": "Soup"})
    assert alice_api.get("/recipes", query_string={"q": q}).status_code == 200


def test_tags_lists_visible_tags_with_counts(alice_api: Api, bob_api: Api) -> None:
    alice_api.post("/recipes", json={"title": "A", "tags": ["dinner", "quick"]})
    alice_api.post("/recipes", json={"title": "B", "tags": ["dinner"]})
    alice_api.post("/recipes", json={"title": "C", "tags": ["secret"], "visibility": "private"})
    alice_api.post("/recipes", json={"title": "D", "tags": ["shared"], "visibility": "public"})
    assert alice_api.get("/tags").json["items"] == [
        {"name": "dinner", "count": 2},
        {"name": "quick", "count": 1},
        {"name": "secret", "count": 1},
        {"name": "shared", "count": 1},
    ]
    assert bob_api.get("/tags").json["items"] == [{"name": "shared", "count": 1}]


# --- pictures -------------------------------------------------------------------------------


def test_picture_upload_fetch_and_remove(alice_api: Api) -> None:
    recipe_id = alice_api.post("/recipes", json=SOUP).json["id"]
    uploaded = alice_api.put(f"/recipes/{recipe_id}/image", data={"image": (io.BytesIO(jpeg((2400, 1200))), "x.jpg")})
    assert uploaded.status_code == 200, uploaded.json
    image_url = uploaded.json["image_url"]
    assert image_url.startswith(f"/api/v1/recipes/{recipe_id}/image?v=")  # relative: no Host in it
    picture = alice_api.client.get(image_url, headers=alice_api.headers)
    assert picture.status_code == 200 and picture.mimetype == "image/webp"
    assert Image.open(io.BytesIO(picture.data)).size == (1600, 800)
    thumb = alice_api.get(f"/recipes/{recipe_id}/image?size=thumb")
    assert thumb.status_code == 200 and Image.open(io.BytesIO(thumb.data)).width <= 640
    again = alice_api.client.get(image_url, headers={**alice_api.headers, "If-None-Match": picture.headers["ETag"]})
    assert again.status_code == 304
    assert alice_api.delete(f"/recipes/{recipe_id}/image").status_code == 204
    assert alice_api.get(f"/recipes/{recipe_id}").json["image_url"] is None
    assert alice_api.get(f"/recipes/{recipe_id}/image").status_code == 404


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"image": (io.BytesIO(b"GIF89a not really"), "x.gif")}, 422),
        ({"image": (io.BytesIO(jpeg()[:200]), "truncated.jpg")}, 422),
        ({"image": (io.BytesIO(b"<svg onload=alert(1)>"), "x.svg")}, 422),
        ({}, 422),
    ],
)
def test_bad_pictures_are_refused(alice_api: Api, data: dict[str, Any], status: int) -> None:
    recipe_id = alice_api.post("/recipes", json=SOUP).json["id"]
    response = alice_api.put(f"/recipes/{recipe_id}/image", data=data)
    assert response.status_code == status, response.json
    assert response.json["error"]["field"] == "image"
    assert alice_api.get(f"/recipes/{recipe_id}").json["image_url"] is None


def test_oversized_upload_is_413_json(app: Flask, alice_api: Api) -> None:
    recipe_id = alice_api.post("/recipes", json=SOUP).json["id"]
    app.config["MAX_CONTENT_LENGTH"] = 200_000  # small, so the test client keeps the body in memory
    big = io.BytesIO(b"\xff\xd8" + b"0" * 300_000)
    response = alice_api.put(f"/recipes/{recipe_id}/image", data={"image": (big, "big.jpg")})
    assert response.status_code == 413
    assert response.json["error"]["code"] == "request_entity_too_large"
    assert "That upload is too large" in response.json["error"]["message"]


# --- import -------------------------------------------------------------------------------


def test_import_refuses_bad_and_private_addresses(alice_api: Api) -> None:
    bad = alice_api.post("/recipes/import", json={"url": "ftp://example.org/x"})
    assert bad.status_code == 422 and bad.json["error"]["field"] == "url"
    private = alice_api.post("/recipes/import", json={"url": "http://127.0.0.1:9/recipe"})
    assert private.status_code == 422 and private.json["error"]["code"] != "invalid"
    assert alice_api.post("/recipes/import", json={}).json["error"]["field"] == "url"


def test_import_from_a_page(app: Flask, alice_api: Api) -> None:
    app.config["RECIPES_IMPORT_ALLOW_PRIVATE"] = True  # the test site is on loopback
    with serve_site() as site:
        site.add("/cake.jpg", Reply(jpeg(), "image/jpeg"))
        url = site.page("/cake", recipe_page())
        created = alice_api.post("/recipes/import", json={"url": url})
        again = alice_api.post("/recipes/import", json={"url": url})
        second = alice_api.post("/recipes/import", json={"url": url, "again": True})
    assert created.status_code == 201, created.json
    assert created.json["title"] == "Lemon Drizzle Cake" and created.json["source_url"] == url
    assert created.json["image_url"] is not None
    assert again.status_code == 409
    assert again.json["error"]["code"] == "already_imported"
    assert again.json["error"]["recipe_id"] == created.json["id"]
    assert second.status_code == 201 and second.json["id"] != created.json["id"]


# --- cookie sessions, CSRF and limits -------------------------------------------------------


def test_browser_session_reads_but_needs_csrf_to_write(alice: Client) -> None:
    assert alice.get("/api/v1/me").status_code == 200
    refused = alice.post("/api/v1/recipes", json={"title": "Forged"}, csrf=False)
    assert refused.status_code == 400
    allowed = alice.post("/api/v1/recipes", json={"title": "Mine"}, headers={"X-CSRFToken": alice.csrf_token()})
    assert allowed.status_code == 201


def test_token_requests_need_no_csrf(alice_api: Api) -> None:
    assert alice_api.post("/recipes", json={"title": "No CSRF needed"}).status_code == 201


def test_requests_are_rate_limited_per_token(app: Flask, alice_api: Api, api_for: Any) -> None:
    app.config["RECIPES_API_RATE_LIMIT"] = RateLimit.per(3, 60)
    assert [alice_api.get("/me").status_code for _ in range(4)] == [200, 200, 200, 429]
    limited = alice_api.get("/me")
    assert limited.json["error"]["code"] == "rate_limited" and int(limited.headers["Retry-After"]) >= 1
    assert api_for("bob").get("/me").status_code == 200  # each token has its own count


def test_unknown_api_paths_and_methods_are_json(alice_api: Api) -> None:
    missing = alice_api.get("/nothing-here")
    assert missing.status_code == 404 and missing.json["error"]["code"] == "not_found"
    wrong = alice_api.put("/recipes")
    assert wrong.status_code == 405 and wrong.json["error"]["code"] == "method_not_allowed"


# --- the document and its page ---------------------------------------------------------------


def test_openapi_document_describes_the_api(client: Client) -> None:
    spec = client.get("/api/openapi.json").json
    assert spec["openapi"].startswith("3.")
    assert {"/api/v1/recipes", "/api/v1/recipes/{recipe_id}", "/api/v1/recipes/import", "/api/v1/tags"} <= set(
        spec["paths"]
    )
    create = spec["components"]["schemas"]["RecipeCreate"]
    assert "title" in create["required"] and create["properties"]["title"]["maxLength"] == 200
    assert spec["components"]["securitySchemes"]["token"] == {"type": "http", "scheme": "bearer"}
    error = spec["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]


def test_docs_page_uses_vendored_assets(client: Client) -> None:
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert "swagger-ui-bundle.js" in page.text and "api-docs.js" in page.text
    assert "http://" not in page.text.split("<main")[1].split("openapi.json")[0].replace("http://localhost", "")
    with client.get("/static/vendor/swagger-ui-5.35.0/swagger-ui-bundle.js") as script:
        assert script.status_code == 200
    assert 'href="/api/docs"' in client.get("/auth/register").text  # linked from the footer
