"""Pages kept ready beyond the recipe list (recipes/kept_pages.py): the planner's week, cook mode,
a shopping list's page and the household page. A kept page answers without being made again and
is the very page that would be made (its CSRF token and its forms' op_ids made for each answer);
whatever changes what it shows (an edit, a delete, a visibility, a household left or joined, a
check-off, a plan entry added or moved, a new day) or who may see it (a logout) shows on the very
next request, in the worker that made the change and in another one (a second app over the same
database). Pages with a message or a secret to show once are never kept; each account gets its
own; every table a kept page reads is in a realm whose generation it is kept under."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from itsdangerous import TimestampSigner
from sqlalchemy import event, select

from recipes import create_app, data_generation, kept_pages
from recipes.extensions import db
from recipes.models import ShoppingItem

from . import database_fixtures as dbf
from .conftest import AuthActions, Client, create_recipe
from .test_households import _new_account, invite, join
from .test_list_pages import TOKEN, same_browser, statements_for

Look = Callable[[Client], Client]
TODAY = date.today()


@pytest.fixture
def other_app(app_config: dict[str, Any]) -> Iterator[Flask]:
    """A second app over the same database: another worker (or app container), its own pages kept."""
    other = create_app(app_config)
    other.test_client_class = Client
    yield other
    with other.app_context():
        dbf.release_database()


@pytest.fixture(params=["this worker", "another worker"])
def look(request: pytest.FixtureRequest, app: Flask, other_app: Flask) -> Look:
    """Where the next request goes: to the worker that made the change, or to another one; either
    way the page was kept there before the change (`kept_everywhere`)."""
    target = app if request.param == "this worker" else other_app

    def browser(client: Client) -> Client:
        # The message the change flashed, shown on another page first (a page with a message is
        # made, never answered from what was kept: it would prove nothing here).
        assert client.get("/auth/account").status_code == 200
        return same_browser(client, target)

    return browser


OP_ID = re.compile(r'(name="op_id"[^>]*value=")([0-9a-f-]{36})(")')


def normal(page: str) -> str:
    """The page without what is made for each answer (its CSRF tokens, its op_ids)."""
    return OP_ID.sub(r"\1…\3", TOKEN.sub(r"\1…\2", page))


def kept_everywhere(client: Client, app: Flask, other_app: Flask, url: str) -> str:
    """The page asked for in each worker until it is kept there (answered with no statement); the page."""
    assert client.get("/auth/account").status_code == 200  # any message a change flashed, shown
    pages = set()
    for target in (app, other_app):
        browser = same_browser(client, target)
        assert browser.get(url).status_code == 200, url
        count, response = statements_for(target, browser, url)
        assert response.status_code == 200 and count == 0, (url, count)
        pages.add(normal(response.text))
    assert len(pages) == 1
    return pages.pop()


def made_again(client: Client, app: Flask, other_app: Flask, url: str) -> Any:
    """The page as it is made now, with nothing kept in either worker."""
    kept_pages.clear_all(app)
    kept_pages.clear_all(other_app)
    return same_browser(client, app).get(url)


def shows_at_once(client: Client, app: Flask, other_app: Flask, look: Look, url: str, before: str) -> str:
    """The next request's page: the page made from what is in the database now, not the one kept before."""
    after = look(client).get(url)
    assert after.status_code == 200, (url, after.status_code)
    again = made_again(client, app, other_app, url)
    assert normal(after.text) == normal(again.text)
    assert normal(after.text) != before, "the change does not show"
    return after.text


# --- the scene: alice and bob in one household, a recipe planned, cooked and on a list ---------------


@dataclass
class Scene:
    alice: Client
    bob: Client
    recipe: int  # alice's "Tomato soup", household
    bobs: int  # bob's "Bobs stew", household
    list_id: int
    entry: int  # bob's "Bobs stew", planned for today's lunch

    def url(self, page: str) -> str:
        return {
            "week": "/plan",
            "cook": f"/recipes/{self.recipe}/cook",
            "bobs cook": f"/recipes/{self.bobs}/cook?step=2&servings=8&units=metric",
            "list": f"/lists/{self.list_id}",
            "household": "/household",
        }[page]


def _newest(app: Flask, model: Any) -> int:
    with app.app_context():
        found = db.session.scalar(select(model.id).order_by(model.id.desc()))
        assert found is not None
        return int(found)


@pytest.fixture
def scene(app: Flask, alice: Client, bob: Client) -> Scene:
    from recipes.models import PlanEntry

    from .test_shopping import new_list

    assert join(bob, invite(alice)).status_code == 302
    recipe = create_recipe(
        alice,
        title="Tomato soup",
        ingredients="2 onions\n400 g tomatoes\n1 l stock",
        instructions="Chop the onions.\nSimmer for 20 minutes.",
        visibility="household",
    )
    bobs = create_recipe(
        bob, title="Bobs stew", ingredients="1 kg beef\n3 carrots", instructions="Brown.\nStew.", visibility="household"
    )
    planned = alice.post("/plan/entries", data={"date": TODAY.isoformat(), "meal": "dinner", "recipe_id": recipe})
    assert planned.status_code == 303
    assert bob.post("/plan/entries", data={"date": TODAY.isoformat(), "meal": "lunch", "recipe_id": bobs}).status_code
    list_id = new_list(alice)
    assert alice.post(f"/lists/{list_id}/recipes", data={"recipe_id": str(recipe)}).status_code == 303
    assert alice.post(f"/lists/{list_id}/items", data={"text": "Milk"}).status_code == 303
    assert alice.post("/household/invites", data={"expiry": "1w"}).status_code == 302
    assert "Your new invite link" in alice.get("/household").text  # shown once (a live invite stays listed)
    return Scene(alice, bob, recipe, bobs, list_id, _newest(app, PlanEntry))


PAGES = ("week", "cook", "bobs cook", "list", "household")


# --- kept, and the same page ---------------------------------------------------------------------


@pytest.fixture
def fixed_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every signed token made at the same second: pages made at different times are then the same bytes."""
    now = int(time.time())
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: now)


@pytest.mark.parametrize("page", PAGES)
def test_a_page_is_kept_and_is_byte_for_byte_the_page_made_again(
    app: Flask, scene: Scene, fixed_time: None, page: str
) -> None:
    url = scene.url(page)
    alice = scene.alice
    alice.get("/auth/account")  # any message to show, shown
    made_count, made = statements_for(app, alice, url)
    kept_count, kept = statements_for(app, alice, url)
    kept_pages.clear_all(app)
    again = alice.get(url)
    assert made_count > 0 and kept_count == 0
    assert made.status_code == kept.status_code == again.status_code == 200
    assert normal(kept.text) == normal(made.text) == normal(again.text)
    assert kept.headers == made.headers == again.headers
    # Its op_ids are new in each answer: two answers never name their changes alike.
    kept_ids, next_ids = (OP_ID.findall(alice.get(url).text) for _ in range(2))
    assert len(kept_ids) == len(next_ids) == len(OP_ID.findall(made.text))
    assert bool(kept_ids) == (page != "household")  # (the household page has no op_id)
    assert not {found[1] for found in kept_ids} & {found[1] for found in next_ids}


def test_two_answers_of_a_kept_list_add_two_items(app: Flask, scene: Scene) -> None:
    """Each form of a kept list page carries an op_id of its own answer: the same add form from two
    answers (two phones) adds two items, not one taken for the other sent again."""
    url = scene.url("list")
    scene.alice.get(url)
    first, second = scene.alice.get(url).text, scene.alice.get(url).text
    forms = [re.search(r'data-add-item>.*?name="op_id" value="([^"]+)"', page, re.S) for page in (first, second)]
    assert forms[0] and forms[1] and forms[0][1] != forms[1][1]
    for found, text in zip(forms, ("Bread", "Butter"), strict=True):
        assert found is not None
        posted = scene.alice.post(f"{url}/items", data={"text": text, "op_id": found[1]})
        assert posted.status_code == 303
    page = scene.alice.get(url).text
    assert "Bread" in page and "Butter" in page


def test_an_op_id_is_a_random_uuid() -> None:
    import uuid

    from recipes.shopping.forms import new_op_id

    made = {new_op_id() for _ in range(1000)}
    assert len(made) == 1000
    for value in made:
        found = uuid.UUID(value)
        assert str(found) == value and found.version == 4 and found.variant == uuid.RFC_4122


def _counter(name: str) -> Callable[[], str]:
    made = iter(range(1_000_000))
    return lambda: f"<{name}{next(made)}>"


@pytest.mark.parametrize(
    "shape",
    ["", "T", "TTT", "E", "TETT", "ETTE", "EE", "TATB", "TAT", "ATA", "TETATBE"],
)
def test_a_kept_page_fills_each_hole_as_its_kind_says(shape: str) -> None:
    """Whatever the holes' order: a hole filled once per answer (T, A, B: the CSRF token) has one
    value wherever it stands, a hole filled at each place (E: an op_id) a new value at each."""
    holes = {
        "T": kept_pages.Hole(_counter("t")),
        "A": kept_pages.Hole(_counter("a")),
        "B": kept_pages.Hole(_counter("b")),
        "E": kept_pages.Hole(_counter("e"), each_place=True),
    }
    page = kept_pages.Kept(tuple(f"[{n}]".encode() for n in range(len(shape) + 1)), tuple(holes[c] for c in shape))
    for _ in range(2):
        body = page.body().decode()
        filled = re.findall(r"<([a-z])(\d+)>", body)
        assert re.sub(r"<[a-z]\d+>", "", body) == "".join(f"[{n}]" for n in range(len(shape) + 1))
        assert [kind.upper() for kind, _ in filled] == list(shape)
        for kind in "tab":
            assert len({n for k, n in filled if k == kind}) <= 1  # one value per answer
        each = [n for k, n in filled if k == "e"]
        assert len(set(each)) == len(each)  # a new one at each place


@pytest.mark.parametrize("page", ["week", "list", "household"])
def test_each_account_gets_its_own_page(app: Flask, scene: Scene, page: str) -> None:
    url = scene.url(page)
    for _ in range(3):
        alices, bobs = scene.alice.get(url).text, scene.bob.get(url).text
        assert 'title="Account">alice<' in alices and 'title="Account">bob<' in bobs


def test_a_page_with_a_flashed_message_is_not_kept(app: Flask, scene: Scene) -> None:
    assert scene.alice.post("/household/name", data={"name": "The Kitchen"}).status_code == 302
    shown = scene.alice.get("/household")
    assert "The household is now called" in shown.text
    count, again = statements_for(app, scene.alice, "/household")
    assert count > 0 and "The household is now called" not in again.text  # made: the one with the message was not kept
    assert statements_for(app, scene.alice, "/household")[0] == 0


def test_a_new_calendar_address_is_shown_once_and_never_kept(app: Flask, scene: Scene) -> None:
    scene.alice.get("/plan")
    made = scene.alice.post("/plan/feeds", data={"start": TODAY.isoformat()})
    assert made.status_code == 303
    shown = scene.alice.get("/plan?made=feed")
    assert "Your new calendar address" in shown.text
    for _ in range(2):
        count, again = statements_for(app, scene.alice, "/plan?made=feed")
        assert count > 0 and "Your new calendar address" not in again.text


def test_a_new_invite_link_is_shown_once_and_never_kept(app: Flask, scene: Scene) -> None:
    scene.alice.get("/household")
    assert scene.alice.post("/household/invites", data={"expiry": "1d"}).status_code == 302
    assert "Your new invite link" in scene.alice.get("/household").text
    count, again = statements_for(app, scene.alice, "/household")
    assert count > 0 and "Your new invite link" not in again.text


def test_the_household_page_is_kept_until_its_first_invite_expires(
    app: Flask, scene: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = "/household"
    scene.alice.get(url)
    assert statements_for(app, scene.alice, url)[0] == 0
    monkeypatch.setattr(kept_pages, "now", lambda: time.time() + timedelta(days=7, minutes=1).total_seconds())
    assert statements_for(app, scene.alice, url)[0] > 0


def test_a_search_for_a_recipe_to_add_to_a_list_is_not_kept(app: Flask, scene: Scene) -> None:
    url = scene.url("list") + "?q=tomato"
    for _ in range(2):
        assert statements_for(app, scene.alice, url)[0] > 0


def test_signed_out_each_page_sends_to_the_login_page(app: Flask, scene: Scene, client: Client) -> None:
    for page in PAGES:
        response = client.get(scene.url(page))
        assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login"), page


# --- a change shows on the very next request, in any worker --------------------------------------


def test_a_row_changed_shows_at_once(app: Flask, other_app: Flask, scene: Scene, look: Look) -> None:
    url = scene.url("list")
    before = kept_everywhere(scene.alice, app, other_app, url)
    with app.app_context():
        milk = db.session.scalar(select(ShoppingItem.id).where(ShoppingItem.text == "Milk"))
    assert scene.bob.post(f"{url}/items/{milk}", data={"text": "Oat milk", "aisle": "dairy"}).status_code == 303
    assert "Oat milk" in shows_at_once(scene.alice, app, other_app, look, url, before)


@pytest.mark.parametrize("page", ["week", "cook"])
def test_an_edit_shows_at_once(app: Flask, other_app: Flask, scene: Scene, look: Look, page: str) -> None:
    url = scene.url(page)
    before = kept_everywhere(scene.alice, app, other_app, url)
    assert "Tomato soup" in before
    edited = scene.alice.post(
        f"/recipes/{scene.recipe}/edit",
        data={
            "title": "Onion soup",
            "ingredients": "2 onions\n400 g tomatoes\n1 l stock",
            "instructions": "Chop the onions.\nSimmer for 30 minutes.",
            "visibility": "household",
        },
    )
    assert edited.status_code == 302
    after = shows_at_once(scene.alice, app, other_app, look, url, before)
    assert "Onion soup" in after


@pytest.mark.parametrize(("page", "gone"), [("week", 200), ("cook", 404), ("list", 200)])
def test_a_delete_shows_at_once(app: Flask, other_app: Flask, scene: Scene, look: Look, page: str, gone: int) -> None:
    url = scene.url(page)
    before = kept_everywhere(scene.alice, app, other_app, url)
    assert scene.alice.post(f"/recipes/{scene.recipe}/delete").status_code == 302
    if gone == 404:
        assert look(scene.alice).get(url).status_code == 404
    else:
        after = shows_at_once(scene.alice, app, other_app, look, url, before)
        assert f'href="/recipes/{scene.recipe}"' not in after


@pytest.mark.parametrize("page", ["week", "bobs cook"])
def test_a_recipe_made_private_shows_at_once(app: Flask, other_app: Flask, scene: Scene, look: Look, page: str) -> None:
    url = scene.url(page)
    before = kept_everywhere(scene.alice, app, other_app, url)
    made_private = scene.bob.post(
        f"/recipes/{scene.bobs}/edit", data={"title": "Bobs stew", "ingredients": "1 kg beef", "visibility": "private"}
    )
    assert made_private.status_code == 302
    if page == "bobs cook":
        assert look(scene.alice).get(url).status_code == 404
    else:
        after = shows_at_once(scene.alice, app, other_app, look, url, before)
        assert f'href="/recipes/{scene.bobs}"' not in after


@pytest.mark.parametrize("page", PAGES)
def test_leaving_the_household_shows_at_once(app: Flask, other_app: Flask, scene: Scene, look: Look, page: str) -> None:
    """bob leaves: his pages are of his new household at once (alice's recipe and list are gone),
    and alice's household page no longer lists him."""
    url = scene.url(page)
    viewer = scene.alice if page in ("household", "bobs cook") else scene.bob
    before = kept_everywhere(viewer, app, other_app, url)
    assert scene.bob.post("/household/leave").status_code == 302
    if page in ("cook", "list"):
        assert look(viewer).get(url).status_code == 404
    elif page == "bobs cook":
        assert look(viewer).get(url).status_code == 404  # bob's household recipe, no longer alice's household's
    else:
        after = shows_at_once(viewer, app, other_app, look, url, before)
        if page == "household":
            assert ">bob<" not in after.split('<main class="container"', 1)[1]
        else:
            assert "Tomato soup" not in after


@pytest.mark.parametrize("page", ["week", "cook", "household"])
def test_joining_a_household_shows_at_once(app: Flask, other_app: Flask, scene: Scene, look: Look, page: str) -> None:
    """carol, of a household of her own, joins alice's: her pages are of alice's household at once."""
    carol = _new_account(app, "carol")
    url = scene.url(page)
    if page == "cook":
        assert carol.get(url).status_code == 404  # not her household's recipe yet
        assert join(carol, invite(scene.alice)).status_code == 302
        assert look(carol).get(url).status_code == 200
        return
    before = kept_everywhere(carol, app, other_app, url)
    assert join(carol, invite(scene.alice)).status_code == 302
    after = shows_at_once(carol, app, other_app, look, url, before)
    assert ("Tomato soup" if page == "week" else "alice") in after


@pytest.mark.parametrize("page", PAGES)
def test_a_logout_ends_the_page_at_once_for_every_copy_of_the_cookie(
    app: Flask, other_app: Flask, scene: Scene, look: Look, page: str
) -> None:
    url = scene.url(page)
    kept_everywhere(scene.alice, app, other_app, url)
    copy = look(scene.alice)
    assert AuthActions(scene.alice).logout().status_code == 302
    response = copy.get(url)
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")


def test_a_check_off_shows_on_the_next_load(app: Flask, other_app: Flask, scene: Scene, look: Look) -> None:
    url = scene.url("list")
    before = kept_everywhere(scene.alice, app, other_app, url)
    with app.app_context():
        milk = db.session.scalar(select(ShoppingItem.id).where(ShoppingItem.text == "Milk"))
    assert scene.bob.post(f"{url}/check", data={"check": str(milk)}).status_code == 303
    after = shows_at_once(scene.alice, app, other_app, look, url, before)
    assert f'<li class="item checked" id="item-{milk}"' in after


def test_a_plan_entry_added_and_moved_shows_at_once(app: Flask, other_app: Flask, scene: Scene, look: Look) -> None:
    from bs4 import BeautifulSoup

    from .test_planner import slot

    url = "/plan"
    before = kept_everywhere(scene.alice, app, other_app, url)
    assert scene.bob.post("/plan/entries", data={"date": TODAY.isoformat(), "meal": "snack", "title": "Leftovers"})
    after = shows_at_once(scene.alice, app, other_app, look, url, before)
    assert "Leftovers" in slot(BeautifulSoup(after, "html.parser"), TODAY, "snack").text
    before = kept_everywhere(scene.alice, app, other_app, url)
    moved = scene.bob.post(f"/plan/entries/{scene.entry}", data={"date": TODAY.isoformat(), "meal": "breakfast"})
    assert moved.status_code == 303
    after = shows_at_once(scene.alice, app, other_app, look, url, before)
    assert "Bobs stew" in slot(BeautifulSoup(after, "html.parser"), TODAY, "breakfast").text


def test_a_household_renamed_shows_at_once(app: Flask, other_app: Flask, scene: Scene, look: Look) -> None:
    before = kept_everywhere(scene.bob, app, other_app, "/household")
    assert scene.alice.post("/household/name", data={"name": "The Kitchen"}).status_code == 302
    assert "The Kitchen" in shows_at_once(scene.bob, app, other_app, look, "/household", before)


def test_a_new_list_shows_in_cook_modes_choice_at_once(app: Flask, other_app: Flask, scene: Scene, look: Look) -> None:
    from .test_shopping import new_list

    url = scene.url("cook")
    before = kept_everywhere(scene.alice, app, other_app, url)
    new_list(scene.bob, "Hardware store")
    assert "Hardware store" in shows_at_once(scene.alice, app, other_app, look, url, before)


def test_a_new_day_shows_at_once(
    app: Flask, other_app: Flask, scene: Scene, look: Look, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The week marks today: the next day, the week kept yesterday is not the answer."""
    from recipes.planner import services

    url = f"/plan?start={TODAY.isoformat()}"
    before = kept_everywhere(scene.alice, app, other_app, url)
    marked = re.compile(r'<section class="plan-day today" id="day-([0-9-]+)"')
    found = marked.search(before)
    assert found is not None and found[1] == TODAY.isoformat()
    tomorrow = TODAY + timedelta(days=1)
    monkeypatch.setattr(services, "today", lambda: tomorrow)
    found = marked.search(look(scene.alice).get(url).text)
    # Today is marked no more (tomorrow is, when it is in the same week).
    assert found is None or found[1] == tomorrow.isoformat()


# --- the realms --------------------------------------------------------------------------------


# Read by every request of a page, kept or not: the live-login rule, asked anew each time.
EVERY_REQUEST = {"login_session", "data_generation"}


def _tables_read(app: Flask, client: Client, url: str) -> set[str]:
    names = {table.name for table in db.metadata.sorted_tables}
    found: set[str] = set()

    def seen(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        for name in names:
            if re.search(rf'(?<![\w."]){name}(?![\w"])|"{name}"', statement):
                found.add(name)

    with app.app_context():
        engine = db.engine
    kept_pages.clear_all(app)
    event.listen(engine, "before_cursor_execute", seen)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    return found


@pytest.mark.parametrize("page", PAGES)
def test_every_table_a_kept_page_reads_is_in_a_realm_it_is_kept_under(app: Flask, scene: Scene, page: str) -> None:
    from recipes.cooking.views import COOK
    from recipes.households.views import HOUSEHOLD
    from recipes.planner.views import WEEK
    from recipes.shopping.views import LIST_PAGE

    kept_as = {"week": WEEK, "cook": COOK, "bobs cook": COOK, "list": LIST_PAGE, "household": HOUSEHOLD}[page]
    assert scene.alice.post("/plan/feeds", data={"start": TODAY.isoformat()}).status_code == 303
    assert scene.alice.post("/lists/settings/staples", data={"staples": "salt"}).status_code in (302, 303)
    scene.alice.get(scene.url(page))  # any message, shown
    read = _tables_read(app, scene.alice, scene.url(page))
    covered = {table for realm in kept_as.realms for table in data_generation.REALMS[realm]}
    assert read - EVERY_REQUEST <= covered, read - EVERY_REQUEST - covered
    assert {"user"} <= read  # (the check reads statements as they are)


def test_the_list_page_is_kept_under_the_recipes_alone(app: Flask, scene: Scene) -> None:
    """A check-off changes the kitchen's generation only: the recipe lists stay kept."""
    from recipes.cookbook.list_pages import PAGE

    assert PAGE.realms == (data_generation.RECIPES,)
    scene.alice.get("/recipes/")
    assert statements_for(app, scene.alice, "/recipes/")[0] == 0
    with app.app_context():
        milk = db.session.scalar(select(ShoppingItem.id).where(ShoppingItem.text == "Milk"))
        recipes_before, kitchen_before = data_generation.read(), data_generation.read(data_generation.KITCHEN)
    assert scene.alice.post(f"{scene.url('list')}/check", data={"check": str(milk)}).status_code == 303
    with app.app_context():
        assert data_generation.read() == recipes_before
        assert data_generation.read(data_generation.KITCHEN) != kitchen_before
    assert statements_for(app, scene.alice, "/recipes/")[0] == 0
