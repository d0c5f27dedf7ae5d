"""The recipe list kept ready (recipes/cookbook/list_pages.py): a kept page answers without being
made again and is the very page that would be made; and whatever changes what a list shows (an
edit, a delete, a visibility, a household joined, left or moved to, a rating, a favourite, a day
cooked, a new day, a restore) or who may see it (a logout, a disabled account) shows on the very
next request, in the worker that made the change and in another one (a second app over the same
database: another Gunicorn worker, or another app container)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from itsdangerous import TimestampSigner
from sqlalchemy import event, select, text, update

from recipes import create_app
from recipes.cookbook import list_pages
from recipes.extensions import db
from recipes.models import LoginSession, User, as_utc, utcnow

from . import database_fixtures as dbf
from .conftest import AuthActions, Client, create_recipe
from .test_households import invite, join

Look = Callable[[Client], Client]


@pytest.fixture
def other_app(app_config: dict[str, Any]) -> Iterator[Flask]:
    """A second app over the same database: another worker (or app container), its own pages kept."""
    other = create_app(app_config)
    other.test_client_class = Client
    yield other
    with other.app_context():
        dbf.release_database()


def same_browser(client: Client, app: Flask) -> Client:
    """A client of `app` with `client`'s cookies: the same browser, its request taken by that app."""
    copy: Client = app.test_client()  # type: ignore[assignment]
    cookie = client.get_cookie("recipes_session")
    assert cookie is not None
    copy.set_cookie("recipes_session", cookie.value)
    return copy


@pytest.fixture(params=["this worker", "another worker"])
def look(request: pytest.FixtureRequest, app: Flask, other_app: Flask) -> Look:
    """Where the next request goes: to the worker that made the change, or to another one. Either
    way the page was kept there before the change (see `kept_in_both`)."""
    target = app if request.param == "this worker" else other_app

    def browser(client: Client) -> Client:
        # The message the change flashed, shown on another page first: a page with a message to
        # show is made, never answered from what was kept, so it would prove nothing here.
        assert client.get("/auth/account").status_code == 200
        return same_browser(client, target)

    return browser


def kept_in_both(client: Client, app: Flask, other_app: Flask, url: str = "/recipes/") -> str:
    """Ask twice in each worker, so each has the page kept; the page."""
    client.get(url)  # any message the last change flashed, shown (the copies would show it again)
    pages = {same_browser(client, target).get(url).text for target in (app, other_app, app, other_app)}
    for target in (app, other_app):
        with target.app_context():
            assert len(list_pages.kept_pages()) >= 1
    assert len({_without_tokens(page) for page in pages}) == 1
    return pages.pop()


TOKEN = re.compile(r'(name="csrf_token" value=")[^"]+(")')


def _without_tokens(page: str) -> str:
    return TOKEN.sub(r"\1…\2", page)


CARD_TITLE = re.compile(r'<h3><a href="/recipes/\d+">([^<]*)</a></h3>')


def titles(page: str) -> set[str]:
    """The titles of the page's cards."""
    return set(CARD_TITLE.findall(page))


def statements_for(app: Flask, client: Client, url: str) -> tuple[int, Any]:
    """How many statements SQLAlchemy ran for one request (a kept page's one read goes to the
    driver itself, so a kept page runs none), and the answer."""
    count = [0]

    def counted(*_: Any) -> None:
        count[0] += 1

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", counted)
    try:
        response = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", counted)
    return count[0], response


# --- kept, and the same page ---------------------------------------------------------------------


def test_the_list_is_kept_and_answered_again_without_being_made(app: Flask, alice: Client) -> None:
    create_recipe(alice, title="Tomato soup")
    alice.get("/recipes/")  # "Saved": a page with a message is not kept
    made, first = statements_for(app, alice, "/recipes/")
    assert made > 0 and "Tomato soup" in first.text
    again, second = statements_for(app, alice, "/recipes/")
    assert again == 0
    assert _without_tokens(second.text) == _without_tokens(first.text)
    # Its forms carry this request's token, which works.
    token = TOKEN.search(second.text)
    assert token is not None
    switched = alice.post("/recipes/layout", data={"layout": "list", "csrf_token": token[0].split('value="')[1][:-1]})
    assert switched.status_code == 303


@pytest.fixture
def fixed_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every signed token made at the same second: pages made at different times are then the same bytes."""
    now = int(time.time())
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: now)


@pytest.mark.parametrize(
    "url", ["/recipes/", "/recipes/?page=2", "/recipes/?sort=title&tag=soup", "/recipes/?scope=mine&favourite=1"]
)
def test_a_kept_page_is_byte_for_byte_the_page_made_again(
    app: Flask, alice: Client, fixed_time: None, url: str
) -> None:
    for n in range(30):
        create_recipe(alice, title=f"Soup {n}", tags="Soup")
    alice.get(url)  # "Saved": a page with a message is not kept
    made = alice.get(url)
    kept = alice.get(url)
    with app.app_context():
        list_pages.kept_pages()._pages.clear()  # made again
    again = alice.get(url)
    assert kept.data == made.data == again.data
    assert kept.headers == made.headers == again.headers
    assert kept.status_code == 200


def test_a_kept_page_is_marked_for_the_offline_copies_as_a_made_one_is(app: Flask, alice: Client) -> None:
    """The service worker keeps the list by its headers (recipes/offline/keeping.py): a kept page
    carries the same ones, the account's key among them, still without loading the user."""
    from recipes.offline.keeping import ACCOUNT_HEADER, KEEP_HEADER

    create_recipe(alice, title="Tomato soup")
    alice.get("/recipes/")  # "Saved": a page with a message is not kept
    _, first = statements_for(app, alice, "/recipes/")
    again, second = statements_for(app, alice, "/recipes/")
    assert again == 0
    assert first.headers[ACCOUNT_HEADER] and first.headers[KEEP_HEADER] == "recipes"
    assert (second.headers[ACCOUNT_HEADER], second.headers[KEEP_HEADER]) == (
        first.headers[ACCOUNT_HEADER],
        first.headers[KEEP_HEADER],
    )


def test_each_account_gets_its_own_page(app: Flask, alice: Client, bob: Client) -> None:
    create_recipe(alice, title="Alices secret", visibility="private")
    create_recipe(bob, title="Bobs public", visibility="public")
    assert bob.post("/recipes/layout", data={"layout": "list"}).status_code == 303
    for _ in range(2):
        alices, bobs = alice.get("/recipes/").text, bob.get("/recipes/").text
        assert "Alices secret" in alices and "Alices secret" not in bobs
        assert 'title="Account">alice<' in alices and 'title="Account">bob<' in bobs
        assert "layout-grid" in alices and "layout-list" in bobs
        assert "by bob" in alices and "by bob" not in bobs


def test_searches_with_words_and_flashed_messages_are_not_kept(app: Flask, alice: Client) -> None:
    create_recipe(alice, title="Tomato soup")  # flashes "Saved"
    shown = alice.get("/recipes/")
    assert "Saved “Tomato soup”." in shown.text
    assert "Saved “Tomato soup”." not in alice.get("/recipes/").text  # shown once, and not kept
    assert statements_for(app, alice, "/recipes/")[0] == 0
    for _ in range(2):
        assert statements_for(app, alice, "/recipes/?q=tomato")[0] > 0


def test_a_login_due_to_be_noted_as_in_use_is_noted(app: Flask, alice: Client) -> None:
    create_recipe(alice)
    alice.get("/recipes/")
    alice.get("/recipes/")
    with app.app_context():
        db.session.execute(update(LoginSession).values(last_seen_at=utcnow() - timedelta(days=2)))
        db.session.commit()
    assert alice.get("/recipes/").status_code == 200
    with app.app_context():
        seen = db.session.scalar(select(LoginSession.last_seen_at))
    assert seen is not None and utcnow() - as_utc(seen) < timedelta(minutes=5)


def test_nothing_is_kept_without_a_generation(app: Flask, alice: Client) -> None:
    create_recipe(alice)
    with app.app_context():
        db.session.execute(text("DELETE FROM data_generation"))
        db.session.commit()
    for _ in range(2):
        assert statements_for(app, alice, "/recipes/")[0] > 0


def test_signed_out_the_list_sends_to_the_login_page(client: Client, alice: Client) -> None:
    response = client.get("/recipes/?page=2")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


# --- a change shows on the very next request, in any worker --------------------------------------


def test_an_edit_shows_at_once(app: Flask, other_app: Flask, alice: Client, look: Look) -> None:
    recipe_id = create_recipe(alice, title="Tomato soup", tags="Soup")
    kept_in_both(alice, app, other_app)
    edited = alice.post(f"/recipes/{recipe_id}/edit", data={"title": "Onion soup", "tags": "Winter"})
    assert edited.status_code == 302
    page = look(alice).get("/recipes/").text
    assert titles(page) == {"Onion soup"}
    assert "?tag=Winter" in page and "?tag=Soup" not in page


def test_a_delete_shows_at_once(app: Flask, other_app: Flask, alice: Client, look: Look) -> None:
    create_recipe(alice, title="Tomato soup")
    recipe_id = create_recipe(alice, title="Onion soup")
    kept_in_both(alice, app, other_app)
    assert alice.post(f"/recipes/{recipe_id}/delete").status_code == 302
    assert titles(look(alice).get("/recipes/").text) == {"Tomato soup"}


def test_a_picture_shows_at_once(app: Flask, other_app: Flask, alice: Client, look: Look) -> None:
    from .test_pictures import photo, post_recipe

    recipe_id = create_recipe(alice, title="Tomato soup")
    assert "picture-placeholder" in kept_in_both(alice, app, other_app)
    assert post_recipe(alice, f"/recipes/{recipe_id}/edit", picture=photo(), title="Tomato soup").status_code == 302
    page = look(alice).get("/recipes/").text
    assert "picture-placeholder" not in page and f"/recipes/{recipe_id}/picture/" in page


def test_a_recipe_made_private_is_gone_at_once(
    app: Flask, other_app: Flask, alice: Client, bob: Client, look: Look
) -> None:
    recipe_id = create_recipe(bob, title="Bobs stew", visibility="public")
    assert "Bobs stew" in titles(kept_in_both(alice, app, other_app))
    made_private = bob.post(f"/recipes/{recipe_id}/edit", data={"title": "Bobs stew", "visibility": "private"})
    assert made_private.status_code == 302
    assert "Bobs stew" not in titles(look(alice).get("/recipes/").text)


def test_an_api_change_shows_at_once(app: Flask, other_app: Flask, alice: Client, look: Look) -> None:
    from .test_api import make_token

    recipe_id = create_recipe(alice, title="Tomato soup")
    kept_in_both(alice, app, other_app)
    headers = {"Authorization": f"Bearer {make_token(app, 'alice')}"}
    changed = app.test_client().patch(f"/api/v1/recipes/{recipe_id}", json={"title": "Onion soup"}, headers=headers)
    assert changed.status_code == 200
    assert "Onion soup" in titles(look(alice).get("/recipes/").text)


def test_joining_a_household_shows_its_recipes_at_once(
    app: Flask, other_app: Flask, alice: Client, bob: Client, look: Look
) -> None:
    create_recipe(alice, title="Alices stew", visibility="household")
    assert "Alices stew" not in titles(kept_in_both(bob, app, other_app))
    assert join(bob, invite(alice)).status_code == 302
    assert "Alices stew" in titles(look(bob).get("/recipes/").text)


def test_leaving_a_household_hides_its_recipes_at_once(
    app: Flask, other_app: Flask, alice: Client, bob: Client, look: Look
) -> None:
    assert join(bob, invite(alice)).status_code == 302
    create_recipe(alice, title="Alices stew", visibility="household")
    assert "Alices stew" in titles(kept_in_both(bob, app, other_app))
    assert bob.post("/household/leave").status_code == 302
    assert "Alices stew" not in titles(look(bob).get("/recipes/").text)


def test_a_move_to_another_household_shows_at_once(
    app: Flask, other_app: Flask, alice: Client, bob: Client, runner: Any, look: Look
) -> None:
    """The instance admin (here: the CLI) moves bob into alice's household; he sees its recipes,
    and alice sees his."""
    create_recipe(alice, title="Alices stew", visibility="household")
    create_recipe(bob, title="Bobs pie", visibility="household")
    assert "Alices stew" not in titles(kept_in_both(bob, app, other_app))
    assert "Bobs pie" not in titles(kept_in_both(alice, app, other_app))
    moved = runner.invoke(args=["move-user", "bob", "--to", "alice"])
    assert moved.exit_code == 0, moved.output
    assert "Alices stew" in titles(look(bob).get("/recipes/").text)
    assert "Bobs pie" in titles(look(alice).get("/recipes/").text)


def test_a_rating_shows_at_once(app: Flask, other_app: Flask, alice: Client, look: Look) -> None:
    recipe_id = create_recipe(alice, title="Tomato soup")
    assert "Your rating:" not in kept_in_both(alice, app, other_app)
    assert alice.post(f"/recipes/{recipe_id}/rating", data={"stars": "4"}).status_code == 303
    assert "Your rating: 4 of 5 stars" in look(alice).get("/recipes/").text
    assert alice.post(f"/recipes/{recipe_id}/rating", data={"clear": "1"}).status_code == 303
    assert "Your rating:" not in look(alice).get("/recipes/").text


def test_a_favourite_shows_at_once(app: Flask, other_app: Flask, alice: Client, look: Look) -> None:
    recipe_id = create_recipe(alice, title="Tomato soup")
    url = "/recipes/?favourite=1"
    assert "Tomato soup" not in titles(kept_in_both(alice, app, other_app, url))
    assert alice.post(f"/recipes/{recipe_id}/favourite", data={"favourite": "1"}).status_code == 303
    assert "Tomato soup" in titles(look(alice).get(url).text)
    assert alice.post(f"/recipes/{recipe_id}/favourite", data={"favourite": "0"}).status_code == 303
    assert "Tomato soup" not in titles(look(alice).get(url).text)


def test_a_day_cooked_and_a_new_day_show_at_once(
    app: Flask, other_app: Flask, alice: Client, look: Look, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A filter by "not cooked in 7 days": a recipe cooked today goes, and comes back once 7 days
    have passed (the kept page is of another day)."""
    recipe_id = create_recipe(alice, title="Tomato soup")
    url = "/recipes/?not_cooked_days=7"
    assert "Tomato soup" in titles(kept_in_both(alice, app, other_app, url))
    assert alice.post(f"/recipes/{recipe_id}/cooked", data={}).status_code == 303
    assert "Tomato soup" not in titles(kept_in_both(alice, app, other_app, url))
    later = date.today() + timedelta(days=8)
    from recipes.ratings import marks, queries

    monkeypatch.setattr(marks, "today", lambda: later)
    monkeypatch.setattr(queries, "today", lambda: later)
    monkeypatch.setattr(list_pages, "today", lambda: later)
    assert "Tomato soup" in titles(look(alice).get(url).text)


def test_a_logout_ends_the_page_at_once_for_every_copy_of_the_cookie(
    app: Flask, other_app: Flask, alice: Client, look: Look
) -> None:
    create_recipe(alice, title="Tomato soup")
    kept_in_both(alice, app, other_app)
    copy = look(alice)
    assert AuthActions(alice).logout().status_code == 302
    response = copy.get("/recipes/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")
    assert "Tomato soup" not in response.text


def test_a_disabled_account_is_refused_at_once(
    app: Flask, other_app: Flask, alice: Client, bob: Client, look: Look
) -> None:
    create_recipe(bob, title="Bobs stew")
    kept_in_both(bob, app, other_app)
    copy = look(bob)
    with app.app_context():
        bob_id = db.session.scalar(select(User.id).where(User.username == "bob"))
    assert alice.post(f"/admin/accounts/{bob_id}/disable").status_code == 302
    response = copy.get("/recipes/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")


def test_a_restore_shows_at_once(app: Flask, other_app: Flask, alice: Client, look: Look) -> None:
    from .test_backup import backup_of, restore_into

    recipe_id = create_recipe(alice, title="Tomato soup")
    path = backup_of(app)
    assert alice.post(f"/recipes/{recipe_id}/edit", data={"title": "Onion soup"}).status_code == 302
    assert "Onion soup" in titles(kept_in_both(alice, app, other_app))
    restore_into(app, path)
    assert titles(look(alice).get("/recipes/").text) == {"Tomato soup"}


# --- the pages a worker keeps --------------------------------------------------------------------


def test_a_worker_keeps_pages_of_one_generation_up_to_its_budget() -> None:
    pages = list_pages.KeptPages(max_bytes=10)
    pages.put(1, ("a",), [b"1234"])
    pages.put(1, ("b",), [b"12", b"34"])
    assert pages.get(1, ("b",)) == [b"12", b"34"] and pages.get(1, ("a",)) == [b"1234"]
    assert pages.get(2, ("a",)) is None  # another generation: not this page
    pages.put(1, ("c",), [b"1234"])  # over the budget: the least recently asked goes ("b")
    assert pages.get(1, ("b",)) is None and pages.get(1, ("a",)) == [b"1234"] and len(pages) == 2
    pages.put(1, ("huge",), [b"x" * 11])  # larger than the budget: not kept, nothing dropped
    assert pages.get(1, ("huge",)) is None and len(pages) == 2
    pages.put(2, ("a",), [b"new"])  # a new generation: the old pages go
    assert len(pages) == 1 and pages.get(2, ("a",)) == [b"new"] and pages.get(1, ("c",)) is None


@pytest.mark.parametrize("name", list_pages.WORD_PARAMETERS)
def test_the_words_parameters_are_the_searchs_words(name: str) -> None:
    from werkzeug.datastructures import MultiDict

    from recipes.search.service import SearchRequest

    assert SearchRequest.from_args(MultiDict({name: "soup"})).terms
    assert not SearchRequest.from_args(MultiDict({name: "  "})).terms


def test_a_kept_pages_token_is_signed_once_per_session_and_works(app: Flask, alice: Client, bob: Client) -> None:
    """With no time limit on CSRF tokens, a kept page carries the token signed for the session
    before (the same bytes each time), which works; another session gets its own."""
    create_recipe(alice)
    alice.get("/recipes/")
    alice.get("/recipes/")
    first, second = TOKEN.search(alice.get("/recipes/").text), TOKEN.search(alice.get("/recipes/").text)
    assert first is not None and second is not None and first[0] == second[0]
    token = first[0].split('value="')[1][:-1]
    assert alice.post("/recipes/layout", data={"layout": "list", "csrf_token": token}).status_code == 303
    assert bob.post("/recipes/layout", data={"layout": "list", "csrf_token": token}).status_code == 400
    bobs = TOKEN.search(bob.get("/recipes/").text)
    assert bobs is not None and bobs[0] != first[0]


def test_with_a_time_limit_each_kept_page_gets_a_new_token(
    app: Flask, alice: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from itsdangerous import URLSafeTimedSerializer

    create_recipe(alice)
    alice.get("/recipes/")
    app.config["WTF_CSRF_TIME_LIMIT"] = 3600
    now = [int(time.time())]
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: now[0])
    first = TOKEN.search(alice.get("/recipes/").text)
    now[0] += 5
    second = TOKEN.search(alice.get("/recipes/").text)
    assert first is not None and second is not None and first[0] != second[0]
    token = second[0].split('value="')[1][:-1]
    assert URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").loads(token, max_age=3600)
