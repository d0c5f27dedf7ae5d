"""Share links: the owner makes, lists and revokes them; anyone with one sees a read-only
page (and the picture) until it expires or is revoked; a signed-in user saves a copy; and
another Recipes instance imports the page through its URL importer."""

from __future__ import annotations

import hashlib
import io
import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import func, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import selectinload

from recipes import create_app
from recipes.extensions import db
from recipes.models import Recipe, RecipeImage, ShareLink, User
from recipes.sharing import services

from . import database_fixtures as dbf
from .browser.conftest import served_app
from .conftest import Client, create_recipe
from .test_pictures import photo, post_recipe

SHARE_URL = re.compile(r'<input id="share-url" type="text" value="(http://localhost(/s/([A-Za-z0-9_-]+)))"')
PICTURE = re.compile(r'<img src="(/s/[A-Za-z0-9_-]+/picture/([0-9a-f]{64})/full\.webp)"')


def share(client: Client, recipe_id: int, expiry: str = "1w") -> str:
    """Create a link through the recipe page's form; its path (/s/<token>)."""
    response = client.post(f"/recipes/{recipe_id}/shares", data={"expiry": expiry})
    assert response.status_code == 303, response.text
    response = client.get(response.headers["Location"])
    match = SHARE_URL.search(response.text)
    assert match, response.text
    return match[2]


def links(app: Flask) -> list[ShareLink]:
    with app.app_context():
        return list(db.session.scalars(select(ShareLink).order_by(ShareLink.id)))


def revoke(client: Client, recipe_id: int, share_id: int, **kwargs: Any) -> Any:
    return client.post(f"/recipes/{recipe_id}/shares/{share_id}/revoke", **kwargs)


def expire(app: Flask, share_id: int) -> None:
    with app.app_context():
        past = datetime.now(UTC) - timedelta(minutes=1)
        db.session.execute(update(ShareLink).where(ShareLink.id == share_id).values(expires_at=past))
        db.session.commit()


def jsonld(page: str) -> dict[str, Any]:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert match, page
    return json.loads(match[1])  # type: ignore[no-any-return]


# --- the owner's side ----------------------------------------------------------------------


def test_the_owner_creates_sees_and_revokes_links(alice: Client, app: Flask) -> None:
    recipe_id = create_recipe(alice)
    panel = alice.get(f"/recipes/{recipe_id}").text
    assert 'id="share"' in panel and "No live links." in panel
    assert '<label for="expiry">Link works for</label>' in panel

    made = alice.post(f"/recipes/{recipe_id}/shares", data={"expiry": "1w"})
    assert made.status_code == 303 and made.headers["Location"] == f"/recipes/{recipe_id}/shares/new"
    created = alice.get(made.headers["Location"])
    assert created.status_code == 200
    assert created.headers["Cache-Control"] == "no-store"  # the page holds the token
    url, path, token = SHARE_URL.search(created.text).groups()  # type: ignore[union-attr]
    assert url == f"http://localhost{path}" and path == f"/s/{token}"
    assert "readonly" in created.text and 'data-copy="share-url"' in created.text
    assert '<label for="share-url">Share link</label>' in created.text
    assert len(token) >= 43  # 32 random bytes
    # Shown once: a reload of that page makes no second link and shows no token.
    again = alice.get(made.headers["Location"])
    assert again.status_code == 302 and again.headers["Location"] == f"/recipes/{recipe_id}#share"
    assert token not in alice.get(again.headers["Location"]).text

    # Stored hashed: the token itself is nowhere in the database.
    (link,) = links(app)
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token.startswith(link.hint) and len(link.hint) < 10
    with app.app_context():
        for row in db.session.execute(select(ShareLink.__table__)):
            assert token not in repr(tuple(row))
    assert link.expires_at is not None
    assert timedelta(days=6, hours=23) < services.as_utc(link.expires_at) - datetime.now(UTC) <= timedelta(days=7)

    # The recipe page lists it by its hint (never the whole token), with its views.
    page = alice.get(f"/recipes/{recipe_id}").text
    assert f"/s/{link.hint}…" in page and token not in page
    assert page.count(f'action="/recipes/{recipe_id}/shares/{link.id}/revoke"') == 1
    assert "not yet" in page  # never viewed

    response = revoke(alice, recipe_id, link.id)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/recipes/{recipe_id}#share"
    page = alice.get(f"/recipes/{recipe_id}").text
    assert "Revoked the link" in page
    assert "No live links." in page and "1 expired or revoked link" in page
    assert links(app)[0].revoked_at is not None
    # Revoking again changes nothing (and is no error).
    assert revoke(alice, recipe_id, link.id).status_code == 302


@pytest.mark.parametrize(
    ("expiry", "lifetime"),
    [("1d", timedelta(days=1)), ("1w", timedelta(weeks=1)), ("1m", timedelta(days=30)), ("never", None)],
)
def test_each_expiry_choice(alice: Client, app: Flask, expiry: str, lifetime: timedelta | None) -> None:
    share(alice, create_recipe(alice), expiry)
    (link,) = links(app)
    if lifetime is None:
        assert link.expires_at is None
    else:
        assert link.expires_at is not None
        left = services.as_utc(link.expires_at) - datetime.now(UTC)
        assert lifetime - timedelta(minutes=1) < left <= lifetime


@pytest.mark.parametrize("expiry", ["forever", "", "1y", "0"])
def test_a_bad_expiry_is_a_form_error(alice: Client, app: Flask, expiry: str) -> None:
    recipe_id = create_recipe(alice)
    response = alice.post(f"/recipes/{recipe_id}/shares", data={"expiry": expiry})
    assert response.status_code == 400
    assert 'class="field-error"' in response.text and "Not a valid choice" in response.text
    assert "<h1>Tomato soup</h1>" in response.text  # the recipe page, with the error at the field
    assert links(app) == []


def test_the_service_refuses_an_unknown_expiry(alice: Client, app: Flask) -> None:
    recipe_id = create_recipe(alice)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "alice"))
        with pytest.raises(services.ShareInvalid):
            services.create_share(user, recipe_id, "forever")  # type: ignore[arg-type]


def test_someone_else_gets_404_on_every_management_route(alice: Client, bob: Client, app: Flask) -> None:
    private = create_recipe(alice)
    public = create_recipe(alice, visibility="public")
    for recipe_id in (private, public):
        share(alice, recipe_id)
    alice_link = links(app)[1]
    bobs = create_recipe(bob)

    for recipe_id in (private, public):
        assert bob.post(f"/recipes/{recipe_id}/shares", data={"expiry": "1w"}).status_code == 404
        assert bob.post(f"/recipes/{recipe_id}/shares", data={"expiry": "bad"}).status_code == 404
        assert revoke(bob, recipe_id, alice_link.id).status_code == 404
    # Nor through his own recipe's address.
    assert revoke(bob, bobs, alice_link.id).status_code == 404
    # Alice's public recipe shows him no share panel.
    page = bob.get(f"/recipes/{public}")
    assert page.status_code == 200 and 'id="share"' not in page.text
    assert len(links(app)) == 2 and all(link.revoked_at is None for link in links(app))
    # An anonymous visitor is sent to log in.
    anonymous = app.test_client()
    assert anonymous.post(f"/recipes/{private}/shares", data={"expiry": "1w"}).status_code == 302
    assert revoke(anonymous, private, alice_link.id).status_code == 302  # type: ignore[arg-type]
    assert len(links(app)) == 2 and all(link.revoked_at is None for link in links(app))


def test_posts_without_a_csrf_token_are_refused(alice: Client, bob: Client, app: Flask) -> None:
    recipe_id = create_recipe(alice)
    assert alice.post(f"/recipes/{recipe_id}/shares", data={"expiry": "1w"}, csrf=False).status_code == 400
    assert links(app) == []
    path = share(alice, recipe_id)
    (link,) = links(app)
    assert revoke(alice, recipe_id, link.id, csrf=False).status_code == 400
    assert links(app)[0].revoked_at is None
    assert bob.post(f"{path}/save", csrf=False).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Recipe)) == 1


def test_deleting_the_recipe_removes_its_links(alice: Client, client: Client, app: Flask) -> None:
    recipe_id = create_recipe(alice)
    path = share(alice, recipe_id)
    share(alice, recipe_id, "never")
    assert alice.post(f"/recipes/{recipe_id}/delete").status_code == 302
    assert links(app) == []
    assert client.get(path).status_code == 404


# --- the link ------------------------------------------------------------------------------


def test_anyone_with_the_link_sees_a_clean_read_only_page(alice: Client, client: Client, app: Flask) -> None:
    recipe_id = create_recipe(alice)
    path = share(alice, recipe_id)
    page = client.get(path)
    assert page.status_code == 200
    text = page.text
    assert "<h1>Tomato soup</h1>" in text
    assert "<li>1 kg tomatoes</li>" in text and '<li class="section">Soup</li>' in text
    assert "Chop the onion." in text and "Freezes well." in text
    assert "Prep 10 min · Cook 30 min · Total 40 min" in text and "Shared by alice" in text
    # No app menu for a visitor, nothing that changes anything (the one form is the scale
    # control, a GET: issue 16); a way to log in that comes back here.
    assert "New recipe" not in text and "Log out" not in text and "Sign up" not in text
    assert 'method="post"' not in text.lower() and "csrf_token" not in text
    assert text.count("<form") == 1 and 'method="get"' in text
    assert f'href="/auth/login?next={path}"' in text
    assert "Save to my recipes" not in text
    assert "data-print" in text and "print.js" in text
    # No session cookie for a visitor just reading.
    assert "Set-Cookie" not in page.headers
    # Tags are shown, not linked to someone else's recipe list.
    assert "<span>Soup</span>" in text and "?tag=" not in text


def test_the_page_and_its_errors_keep_the_link_private(alice: Client, client: Client, app: Flask) -> None:
    recipe_id = create_recipe(alice)
    path = share(alice, recipe_id)
    unknown = "/s/" + "A" * 43
    revoked_path = share(alice, recipe_id)
    revoke(alice, recipe_id, links(app)[1].id)
    for url, status in ((path, 200), (unknown, 404), (revoked_path, 410)):
        response = client.get(url)
        assert response.status_code == status, url
        assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["Cache-Control"] == "no-store"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    page = client.get(path).text
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert '<meta name="referrer" content="no-referrer">' in page


def test_views_are_counted_but_not_the_owners(alice: Client, client: Client, bob: Client, app: Flask) -> None:
    recipe_id = create_recipe(alice)
    path = share(alice, recipe_id)
    before = datetime.now(UTC)
    assert client.get(path).status_code == 200
    assert bob.get(path).status_code == 200
    assert client.head(path).status_code == 200  # a HEAD is no view
    assert alice.get(path).status_code == 200  # the owner checking the link is no visitor
    (link,) = links(app)
    assert link.views == 2
    assert link.last_viewed_at is not None and services.as_utc(link.last_viewed_at) >= before - timedelta(seconds=1)
    page = alice.get(f"/recipes/{recipe_id}").text
    assert re.search(r'<td data-label="Views">2</td>', page)


def test_unknown_links_are_404_and_friendly(client: Client) -> None:
    for path in ("/s/" + "x" * 43, "/s/short", "/s/" + "a" * 300, "/s/%00" + "a" * 50):
        response = client.get(path)
        assert response.status_code == 404, path
    response = client.get("/s/" + "x" * 43)
    assert "Link not found" in response.text and "Check that the link is complete" in response.text
    assert client.get(f"/s/{'x' * 43}/picture/{'0' * 64}/full.webp").status_code == 404
    assert client.post(f"/s/{'x' * 43}/save").status_code == 404


def test_a_revoked_link_is_gone_at_once_with_its_picture(alice: Client, client: Client, app: Flask) -> None:
    recipe_url = post_recipe(alice, picture=photo()).headers["Location"]
    recipe_id = int(recipe_url.rsplit("/", 1)[1])
    path = share(alice, recipe_id)
    picture = PICTURE.search(client.get(path).text)[1]  # type: ignore[index]
    assert client.get(picture).status_code == 200

    assert revoke(alice, recipe_id, links(app)[0].id).status_code == 302
    # The very next requests, page and picture.
    gone = client.get(path)
    assert gone.status_code == 410
    assert "Link revoked" in gone.text and "turned off by the person who shared it" in gone.text
    assert "Tomato soup" not in gone.text
    assert client.get(picture).status_code == 410
    assert client.post(f"{path}/save").status_code == 410


def test_an_expired_link_is_gone_with_its_picture(alice: Client, client: Client, bob: Client, app: Flask) -> None:
    recipe_url = post_recipe(alice, picture=photo()).headers["Location"]
    recipe_id = int(recipe_url.rsplit("/", 1)[1])
    path = share(alice, recipe_id, "1d")
    picture = PICTURE.search(client.get(path).text)[1]  # type: ignore[index]
    expire(app, links(app)[0].id)
    gone = client.get(path)
    assert gone.status_code == 410 and "Link expired" in gone.text
    assert client.get(picture).status_code == 410
    assert bob.post(f"{path}/save").status_code == 410
    # The owner sees it among the expired ones.
    page = alice.get(f"/recipes/{recipe_id}").text
    assert "No live links." in page and "1 expired or revoked link" in page
    assert re.search(r"expired <time [^>]*>20", page)


def test_the_shared_picture_is_revalidated_each_time(alice: Client, client: Client, app: Flask) -> None:
    recipe_url = post_recipe(alice, picture=photo()).headers["Location"]
    path = share(alice, int(recipe_url.rsplit("/", 1)[1]))
    picture, digest = PICTURE.search(client.get(path).text).groups()  # type: ignore[union-attr]
    served = client.get(picture)
    assert served.status_code == 200 and served.mimetype == "image/webp"
    assert Image.open(io.BytesIO(served.data)).size == (1600, 1200)
    # Kept by the browser, but asked about every time: a revoked link's picture stops showing.
    assert served.headers["Cache-Control"] == "private, no-cache"
    assert served.headers["Referrer-Policy"] == "no-referrer"
    etag = served.headers["ETag"]
    again = client.get(picture, headers={"If-None-Match": etag})
    assert again.status_code == 304
    revoke(alice, int(recipe_url.rsplit("/", 1)[1]), links(app)[0].id)
    assert client.get(picture, headers={"If-None-Match": etag}).status_code == 410
    # Only the recipe's current picture, under this link's address.
    other_path = share(alice, int(recipe_url.rsplit("/", 1)[1]))
    base = f"{other_path}/picture"
    assert client.get(f"{base}/{digest}/full.webp").status_code == 200
    assert client.get(f"{base}/{digest}/thumb.webp").status_code == 200
    for bad in (f"{base}/{'0' * 64}/full.webp", f"{base}/{digest}/full.png", f"{base}/{digest}/huge.webp"):
        assert client.get(bad).status_code == 404, bad


def test_the_page_embeds_schema_org_jsonld_with_absolute_addresses(alice: Client, client: Client) -> None:
    recipe_url = post_recipe(alice, picture=photo()).headers["Location"]
    path = share(alice, int(recipe_url.rsplit("/", 1)[1]))
    page = client.get(path).text
    data = jsonld(page)
    assert data["@type"] == "Recipe" and data["name"] == "Tomato soup"
    assert data["url"] == f"http://localhost{path}"
    assert re.fullmatch(rf"http://localhost{path}/picture/[0-9a-f]{{64}}/full\.webp", data["image"])
    assert data["recipeIngredient"] == ["1 kg tomatoes", "1 onion", "basil"]
    assert data["prepTime"] == "PT10M" and data["cookTime"] == "PT30M" and data["totalTime"] == "PT40M"
    assert data["keywords"] == "Soup, vegetarian"


# --- saving a copy -------------------------------------------------------------------------


def test_save_to_my_recipes_copies_fields_tags_and_picture(alice: Client, bob: Client, app: Flask) -> None:
    recipe_url = post_recipe(alice, picture=photo(), visibility="public").headers["Location"]
    original_id = int(recipe_url.rsplit("/", 1)[1])
    path = share(alice, original_id)
    page = bob.get(path).text
    assert "Save to my recipes" in page and f'action="{path}/save"' in page
    assert "New recipe" in page  # a signed-in user keeps the app's menu

    saved = bob.post(f"{path}/save")
    assert saved.status_code == 302
    copy_id = int(saved.headers["Location"].rsplit("/", 1)[1])
    assert copy_id != original_id
    assert "Saved “Tomato soup” to your recipes." in bob.get(saved.headers["Location"]).text

    with app.app_context():
        load = select(Recipe).options(selectinload(Recipe.tags), selectinload(Recipe.owner))
        original = db.session.scalar(load.where(Recipe.id == original_id))
        copy = db.session.scalar(load.where(Recipe.id == copy_id))
        assert original is not None and copy is not None
        assert copy.owner.username == "bob" and not copy.is_public  # private to bob, whatever the original
        for name in (
            "title",
            "description",
            "ingredients",
            "instructions",
            "servings",
            "prep_time",
            "cook_time",
            "total_time",
            "total_minutes",
            "source_url",
            "source_key",
            "notes",
            "nutrition",
            "image_digest",
        ):
            assert getattr(copy, name) == getattr(original, name), name
        assert [t.name for t in copy.tags] == ["soup", "vegetarian"]
        assert {t.owner_id for t in copy.tags} == {copy.owner_id}  # bob's own tags
        assert {t.owner_id for t in original.tags} == {original.owner_id}
        images = {row.recipe_id: row for row in db.session.scalars(select(RecipeImage).order_by(RecipeImage.recipe_id))}
        assert images[copy_id].full == images[original_id].full and images[copy_id].thumb == images[original_id].thumb
    # The copy is bob's like any other: its picture shows, and it stays when alice deletes hers.
    assert alice.post(f"{recipe_url}/delete").status_code == 302
    copy_page = bob.get(f"/recipes/{copy_id}").text
    full = re.search(r'src="(/recipes/\d+/picture/[0-9a-f]{64}/full\.webp)"', copy_page)
    assert full and bob.get(full[1]).status_code == 200


def test_saving_needs_a_login_and_the_owner_has_nothing_to_save(alice: Client, client: Client, app: Flask) -> None:
    recipe_id = create_recipe(alice)
    path = share(alice, recipe_id)
    # A visitor is sent to log in, and back to the shared page afterwards.
    response = client.post(f"{path}/save")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/auth/login?next={path}"
    # The owner sees no button; posting anyway makes no copy.
    page = alice.get(path).text
    assert "Save to my recipes" not in page and "This is your recipe" in page
    response = alice.post(f"{path}/save")
    assert response.status_code == 302 and response.headers["Location"] == f"/recipes/{recipe_id}"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Recipe)) == 1


# --- another instance imports the link ---------------------------------------------------


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    # This app plays "another instance" importing from the live server on loopback.
    return {**app_config, "RECIPES_IMPORT_ALLOW_PRIVATE": True}


class Publisher:
    """The live server, and an app on its database to set up the shared recipe directly."""

    def __init__(self, base_url: str, config_dir: Path, database_url: str) -> None:
        self.base_url = base_url
        self.config_dir = config_dir
        self.app = create_app(
            {**dbf.FAST_TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, "RECIPES_CONFIG_DIR": str(config_dir)}
        )


@pytest.fixture
def publisher(tmp_path: Path, worker_id: str) -> Iterator[Publisher]:
    config_dir = tmp_path / "publisher"
    config_dir.mkdir()
    name = f"recipes_share_live_{worker_id}"
    with served_app(config_dir, name) as base_url:
        if dbf.using_postgres():
            url = make_url(dbf.POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
        else:
            url = f"sqlite:///{config_dir / 'recipes.db'}"
        publisher = Publisher(base_url, config_dir, url)
        yield publisher
        with publisher.app.app_context():
            dbf.release_database()


def fetch(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.slow
def test_another_instance_imports_a_share_link(publisher: Publisher, app: Flask, make_user: Any) -> None:
    from recipes.auth.services import create_user
    from recipes.cookbook.services import RecipeData, create_recipe
    from recipes.images.processing import process_image
    from recipes.importing.pages.service import ImportFailed, ImportPolicy, import_url

    with publisher.app.app_context():
        alice = create_user("alice", "correct horse")
        data = RecipeData(
            title="Lemon drizzle cake",
            description="Sharp and sweet.",
            ingredients=["Cake:", "225 g butter", "225 g sugar", "4 eggs", "Drizzle:", "1 lemon"],
            instructions=["Cream the butter and sugar.", "Beat in the eggs.", "Bake 45 minutes."],
            servings="8 slices",
            prep_time=15,
            cook_time=45,
            tags=["Baking", "cake", "lemon"],
        )
        original = create_recipe(alice, data, process_image(photo((1200, 900), (240, 220, 40))))
        link, token = services.create_share(alice, original.id, "1w")
        link_id, original_id = link.id, original.id
    share_url = f"{publisher.base_url}/s/{token}"

    carol_id = make_user("carol")
    with app.app_context():
        carol = db.session.get(User, carol_id)
        assert carol is not None
        imported = import_url(carol, share_url, ImportPolicy.from_config(app.config, limited=False))
        assert imported.picture_problem is None
        recipe = db.session.scalar(
            select(Recipe).options(selectinload(Recipe.tags)).where(Recipe.id == imported.recipe.id)
        )
        assert recipe is not None
        assert recipe.title == "Lemon drizzle cake"
        assert recipe.description == "Sharp and sweet."
        # Section headers are not part of schema.org's ingredient list.
        assert recipe.ingredients == ["225 g butter", "225 g sugar", "4 eggs", "1 lemon"]
        assert recipe.instructions == data.instructions
        assert recipe.servings == "8 slices"
        assert (recipe.prep_time, recipe.cook_time, recipe.total_minutes) == (15, 45, 60)
        assert sorted(t.name for t in recipe.tags) == ["baking", "cake", "lemon"]
        assert recipe.source_url == share_url
        assert recipe.image is not None and (recipe.image.width, recipe.image.height) == (1200, 900)

    # Many visitors at once, on two workers: every view counts, none fails on a lock.
    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(fetch, [share_url] * 40))
    assert statuses == [200] * 40
    with publisher.app.app_context():
        counted = db.session.get(ShareLink, link_id)
        assert counted is not None and counted.views == 41  # with the importer's visit
        db.session.rollback()

        # Revoked: the next request, on whichever worker, is refused, and so is an import.
        user = db.session.scalar(select(User).where(User.username == "alice"))
        services.revoke_share(user, original_id, link_id)  # type: ignore[arg-type]
    assert fetch(share_url) == 410
    with app.app_context():
        carol = db.session.get(User, carol_id)
        with pytest.raises(ImportFailed):
            import_url(carol, share_url, ImportPolicy.from_config(app.config, limited=False), again=True)  # type: ignore[arg-type]
    log = (publisher.config_dir / "gunicorn.log").read_text()
    assert "not counted" not in log and "database is locked" not in log
    # The access log shows which link was opened, not the secret that opens it.
    assert token not in log and f"/s/{token[:6]}... HTTP/1.1" in log


def test_the_access_log_cuts_share_tokens_short() -> None:
    from types import SimpleNamespace

    from gunicorn.config import Config

    from recipes.access_log import AccessLogWithoutSecrets, redact

    token = "Jtc3dQ" + "x" * 37
    assert redact(f"GET /s/{token} HTTP/1.1") == "GET /s/Jtc3dQ... HTTP/1.1"
    assert redact(f"GET /s/{token}/picture/abc/full.webp HTTP/1.1") == "GET /s/Jtc3dQ.../picture/abc/full.webp HTTP/1.1"
    assert redact("GET /recipes/s/short HTTP/1.1") == "GET /recipes/s/short HTTP/1.1"
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/s/{token}",
        "PATH_INFO": f"/s/{token}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"http://recipes.lan:8288/s/{token}",
    }
    response = SimpleNamespace(status="200 OK", headers=[], sent=10)
    request = SimpleNamespace(headers=[("REFERER", f"http://recipes.lan:8288/s/{token}")])
    atoms = AccessLogWithoutSecrets(Config()).atoms(response, request, environ, timedelta(milliseconds=5))
    assert token not in repr(atoms)
    assert atoms["r"] == "GET /s/Jtc3dQ... HTTP/1.1"
