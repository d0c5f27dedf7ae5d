"""What browsers and other caches may keep: a page showing a secret is never stored, private
pages and API answers are revalidated every time, pictures are revalidated (a cheap 304)
rather than kept for a year, and a secret just made never travels in the session cookie."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, func, select, update

from recipes.extensions import db
from recipes.models import PendingSecret, utcnow
from recipes.security import NO_STORE, PRIVATE

from .conftest import Client, create_recipe
from .test_api import Api, make_token
from .test_pictures import FULL, THUMB, photo, post_recipe
from .test_sharing import SHARE_URL

NEW_TOKEN = re.compile(r'id="new-token" type="text" value="([^"]+)"')


def session_of(app: Flask, client: Client) -> dict[str, Any]:
    """What the client's session cookie holds (signed, not encrypted: anyone who sees it can read it)."""
    cookie = client.get_cookie("recipes_session")
    assert cookie is not None
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    return dict(serializer.loads(cookie.value))


def set_cookies(response: Any) -> str:
    return "\n".join(response.headers.getlist("Set-Cookie"))


def pending_secrets(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(PendingSecret)) or 0


# --- secrets shown once ----------------------------------------------------------------------------


def test_a_new_api_token_is_kept_out_of_the_cookie_and_its_page_is_never_stored(app: Flask, alice: Client) -> None:
    made = alice.post("/auth/account/tokens", data={"name": "Home Assistant", "expires": "never"})
    assert made.status_code == 302
    cookie_after_post = set_cookies(made)
    session_after_post = session_of(app, alice)

    shown = alice.get("/auth/account")
    assert shown.headers["Cache-Control"] == NO_STORE
    match = NEW_TOKEN.search(shown.text)
    assert match, shown.text
    secret = match[1]
    assert secret not in cookie_after_post and secret not in repr(session_after_post)
    assert secret not in set_cookies(shown) and secret not in repr(session_of(app, alice))
    # Taken from the server when shown: a reload shows it no more, and nothing of it is left.
    assert pending_secrets(app) == 0
    again = alice.get("/auth/account")
    assert again.headers["Cache-Control"] == NO_STORE
    assert not NEW_TOKEN.search(again.text) and secret not in again.text


def test_the_token_form_with_errors_is_not_stored_either(alice: Client) -> None:
    failed = alice.post("/auth/account/tokens", data={"name": "", "expires": "never"})
    assert failed.status_code == 400 and failed.headers["Cache-Control"] == NO_STORE


def test_a_new_share_link_is_kept_out_of_the_cookie_and_its_page_is_never_stored(app: Flask, alice: Client) -> None:
    recipe_id = create_recipe(alice)
    made = alice.post(f"/recipes/{recipe_id}/shares", data={"expiry": "1w"})
    assert made.status_code == 303
    cookie_after_post = set_cookies(made)
    session_after_post = session_of(app, alice)

    created = alice.get(made.headers["Location"])
    assert created.status_code == 200 and created.headers["Cache-Control"] == NO_STORE
    token = SHARE_URL.search(created.text)[3]  # type: ignore[index]
    assert token not in cookie_after_post and token not in repr(session_after_post)
    assert token not in set_cookies(created) and token not in repr(session_of(app, alice))
    assert pending_secrets(app) == 0


def test_a_secret_waits_only_for_the_login_that_made_it(app: Flask, alice: Client, login_as: Any) -> None:
    """Another browser of the same account (another login session) does not see it."""
    made = alice.post("/auth/account/tokens", data={"name": "laptop", "expires": "never"})
    assert made.status_code == 302
    other: Client = app.test_client()  # type: ignore[assignment]
    assert other.post("/auth/login", data={"username": "alice", "password": "correct horse"}).status_code == 302
    assert not NEW_TOKEN.search(other.get("/auth/account").text)
    assert NEW_TOKEN.search(alice.get("/auth/account").text)


def test_an_unclaimed_secret_is_not_shown_after_a_few_minutes(app: Flask, alice: Client) -> None:
    alice.post("/auth/account/tokens", data={"name": "late", "expires": "never"})
    with app.app_context():
        db.session.execute(update(PendingSecret).values(created_at=utcnow() - timedelta(minutes=11)))
        db.session.commit()
    page = alice.get("/auth/account")
    assert not NEW_TOKEN.search(page.text) and "late" in page.text


def test_logging_out_drops_a_secret_not_yet_shown(app: Flask, alice: Client) -> None:
    alice.post("/auth/account/tokens", data={"name": "gone", "expires": "never"})
    assert pending_secrets(app) == 1
    assert alice.post("/auth/logout").status_code == 302
    assert pending_secrets(app) == 0


def test_abandoned_secrets_are_cleared_when_the_next_is_made(app: Flask, alice: Client) -> None:
    recipe_id = create_recipe(alice)
    alice.post(f"/recipes/{recipe_id}/shares", data={"expiry": "1w"})  # never opened
    with app.app_context():
        db.session.execute(update(PendingSecret).values(created_at=utcnow() - timedelta(hours=1)))
        db.session.commit()
    alice.post("/auth/account/tokens", data={"name": "next", "expires": "never"})
    assert pending_secrets(app) == 1


def test_two_tokens_made_before_the_page_shows_the_newest(app: Flask, alice: Client) -> None:
    """A double submit: the second token is shown, the first stays listed (to revoke), nothing waits."""
    alice.post("/auth/account/tokens", data={"name": "first", "expires": "never"})
    alice.post("/auth/account/tokens", data={"name": "second", "expires": "never"})
    page = alice.get("/auth/account").text
    assert "Your new token “second”" in page and "first" in page
    assert pending_secrets(app) == 0


def test_backups_leave_out_secrets_waiting_to_be_shown(app: Flask, alice: Client) -> None:
    import gzip

    from recipes.backups import services as backups

    made = alice.post("/auth/account/tokens", data={"name": "backed up?", "expires": "never"})
    assert made.status_code == 302
    with app.app_context():
        waiting = db.session.scalar(select(PendingSecret.secret))
        assert waiting is not None
        backup = backups.create_backup()
    content = backup.read_bytes()
    if backup.name.endswith(backups.DUMP_SUFFIX):
        content = gzip.decompress(content)
        assert b'"pending_secret"' not in content
    assert waiting.encode() not in content
    assert b"backed up?" in content  # the token itself (its hash and name) is backed up
    # The live database still has it for the page.
    assert NEW_TOKEN.search(alice.get("/auth/account").text)[1] == waiting  # type: ignore[index]


# --- private pages and API answers ----------------------------------------------------------------


def test_private_pages_are_revalidated_every_time(alice: Client) -> None:
    recipe_id = create_recipe(alice)
    for path in ("/recipes/", f"/recipes/{recipe_id}", f"/recipes/{recipe_id}/edit", "/recipes/new", "/nowhere"):
        response = alice.get(path)
        assert response.headers["Cache-Control"] == PRIVATE, path
    # A redirect for a signed-in user too (it may name a private recipe).
    assert alice.get("/auth/login").headers["Cache-Control"] == PRIVATE
    # A download the view sent as plain `no-cache` is still not for a shared cache.
    with alice.get("/recipes/export") as export:
        assert export.status_code == 200
        assert {part.strip() for part in export.headers["Cache-Control"].split(",")} == {"private", "no-cache"}
    # Static files are the same for everyone, whoever asks.
    with alice.get("/static/app.css") as static:
        assert static.headers["Cache-Control"] == "no-cache"


def test_api_answers_are_revalidated_every_time(app: Flask, alice: Client, make_user: Any) -> None:
    recipe_id = create_recipe(alice)
    api = Api(app.test_client(), make_token(app, "alice"))  # type: ignore[arg-type]
    for response in (
        api.get("/recipes"),
        api.get(f"/recipes/{recipe_id}"),
        api.get("/recipes/999999"),
        api.post("/recipes", json={"title": "Bread"}),
        alice.get("/api/v1/recipes"),  # a signed-in browser
        app.test_client().get("/api/v1/me", headers={"Authorization": "Bearer rcp_wrong"}),
    ):
        assert response.headers["Cache-Control"] == PRIVATE, response.request.path


def test_public_answers_keep_their_caching(app: Flask, client: Client, make_user: Any) -> None:
    make_user("alice")
    assert "Cache-Control" not in client.get("/").headers
    assert "Cache-Control" not in client.get("/healthz").headers
    assert "Cache-Control" not in client.get("/auth/login").headers
    with client.get("/static/app.css") as static:
        assert static.headers["Cache-Control"] == "no-cache" and static.headers["ETag"]
    with client.get("/static/app.css", headers={"If-None-Match": static.headers["ETag"]}) as again:
        assert again.status_code == 304


# --- pictures -------------------------------------------------------------------------------------


@contextmanager
def statements(app: Flask) -> Iterator[list[str]]:
    """The SQL statements run meanwhile."""
    seen: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def picture_bytes_read(seen: list[str]) -> bool:
    return any(re.search(r'recipe_image\."?(full|thumb)\b', s) for s in seen)


@pytest.mark.parametrize("pattern", [FULL, THUMB])
def test_pictures_are_revalidated_with_a_cheap_304(app: Flask, alice: Client, pattern: re.Pattern[str]) -> None:
    recipe_url = post_recipe(alice, picture=photo()).headers["Location"]
    page = alice.get(recipe_url if pattern is FULL else "/recipes/").text
    url = pattern.search(page)[1]  # type: ignore[index]
    served = alice.get(url)
    assert served.status_code == 200
    assert served.headers["Cache-Control"] == PRIVATE and "immutable" not in served.headers["Cache-Control"]
    etag = served.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")  # strong
    with statements(app) as seen:
        again = alice.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag and again.headers["Cache-Control"] == PRIVATE
    assert seen and not picture_bytes_read(seen)  # the 304 never reads the picture itself


def test_a_picture_made_private_is_not_served_from_a_cache(alice: Client, bob: Client) -> None:
    recipe_url = post_recipe(alice, picture=photo(), visibility="public").headers["Location"]
    url = FULL.search(bob.get(recipe_url).text)[1]  # type: ignore[index]
    served = bob.get(url)
    assert served.status_code == 200 and served.headers["Cache-Control"] == PRIVATE
    assert post_recipe(alice, f"{recipe_url}/edit", visibility="private").status_code == 302
    # Bob's browser must ask before showing its copy again, and is told it is gone.
    assert bob.get(url, headers={"If-None-Match": served.headers["ETag"]}).status_code == 404


def test_api_pictures_are_revalidated_with_a_cheap_304(app: Flask, alice: Client) -> None:
    recipe_url = post_recipe(alice, picture=photo()).headers["Location"]
    api = Api(app.test_client(), make_token(app, "alice"))  # type: ignore[arg-type]
    path = f"/recipes/{recipe_url.rsplit('/', 1)[1]}/image"
    served = api.get(path)
    assert served.status_code == 200 and served.headers["Cache-Control"] == PRIVATE
    with statements(app) as seen:
        again = api.get(path, headers={"If-None-Match": served.headers["ETag"]})
    assert again.status_code == 304 and not picture_bytes_read(seen)
    assert api.get(f"{path}?size=thumb", headers={"If-None-Match": served.headers["ETag"]}).status_code == 200
