"""Shopping lists (issue 18): the pages and the services, on SQLite and PostgreSQL. Lists belong to
a household; recipes added at chosen servings merge into rows by food; taking a recipe out takes
exactly its share; checked rows are never changed by someone else's additions; op_ids make a change
sent twice count once; pantry staples are left out; aisles are learned; lists are shared read-only."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, insert, select

from recipes.extensions import db
from recipes.models import Household, ShoppingItem, ShoppingList, ShoppingListRecipe, ShoppingOp, User
from recipes.shopping import limits, services

from .conftest import Client, create_recipe
from .test_households import invite, join

SOUP = {
    "title": "Lentil soup",
    "ingredients": "Soup:\n200 g red lentils\n1 onion, chopped\n2 cups milk\n200 g flour\nsalt to taste\n"
    "1 tbsp olive oil",
    "servings": "4 bowls",
}
PIE = {
    "title": "Onion pie",
    "ingredients": "250 ml milk\n2 onions\n1 kg flour\n3 eggs",
    "servings": "Serves 6",
}


def new_list(client: Client, name: str = "Groceries") -> int:
    made = client.post("/lists", data={"name": name})
    assert made.status_code == 303, made.text
    found = re.search(r"/lists/(\d+)$", made.headers["Location"])
    assert found, made.headers["Location"]
    return int(found.group(1))


def add(client: Client, list_id: int, recipe_id: int, servings: str = "", **extra: str) -> Any:
    return client.post(f"/lists/{list_id}/recipes", data={"recipe_id": str(recipe_id), "servings": servings, **extra})


def rows(app: Flask, list_id: int) -> list[str]:
    """The list's rows as shown: unchecked ones by aisle, then the checked ones (marked)."""
    with app.app_context():
        shopping_list = db.session.get(ShoppingList, list_id)
        assert shopping_list is not None
        found = services.contents(shopping_list)
        return [item.text for item in found.unchecked] + [f"[x] {item.text}" for item in found.checked]


def item_id(app: Flask, list_id: int, text: str) -> int:
    with app.app_context():
        found = db.session.scalar(
            select(ShoppingItem.id).where(ShoppingItem.list_id == list_id, ShoppingItem.text == text)
        )
        assert found is not None, (text, rows(app, list_id))
        return found


def version(app: Flask, list_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(ShoppingList.version).where(ShoppingList.id == list_id)) or 0


@pytest.fixture
def family(app: Flask, alice: Client, bob: Client) -> dict[str, Client]:
    """alice and bob share a household; carol has her own."""
    from .test_households import _new_account

    assert join(bob, invite(alice)).status_code == 302
    return {"alice": alice, "bob": bob, "carol": _new_account(app, "carol")}


# --- lists of a household ---------------------------------------------------------------------------


def test_a_household_keeps_several_lists_members_share_them_outsiders_never_see_them(
    app: Flask, family: dict[str, Client]
) -> None:
    alice, bob, carol = family["alice"], family["bob"], family["carol"]
    groceries = new_list(alice, "Groceries")
    market = new_list(bob, "Market")
    page = alice.get("/lists").text
    assert "Groceries" in page and "Market" in page
    assert f'href="/lists/{groceries}"' not in carol.get("/lists").text
    assert bob.get(f"/lists/{groceries}").status_code == 200
    for path in (f"/lists/{groceries}", f"/lists/{market}/print", f"/lists/{groceries}/state"):
        assert carol.get(path).status_code == 404, path
    assert carol.post(f"/lists/{groceries}/items", data={"text": "cake"}).status_code == 404
    assert carol.post(f"/lists/{groceries}/name", data={"name": "Mine"}).status_code == 404
    assert carol.post(f"/lists/{groceries}/delete").status_code == 404
    assert rows(app, groceries) == []
    # Renamed and deleted by any member.
    assert bob.post(f"/lists/{groceries}/name", data={"name": "  Weekly  shop "}).status_code == 303
    assert "Weekly shop" in alice.get("/lists").text
    asked = bob.post(f"/lists/{market}/delete", data={"ask_first": "1"})
    assert asked.status_code == 200 and "Delete the list “Market”?" in asked.text
    assert bob.post(f"/lists/{market}/delete").status_code == 303
    assert alice.get(f"/lists/{market}").status_code == 404


def test_the_menu_links_the_lists(alice: Client) -> None:
    assert 'href="/lists">Lists</a>' in alice.get("/recipes/").text


def test_list_names_are_checked(app: Flask, alice: Client) -> None:
    for name, message in (("", "Give the list a name."), ("x" * 61, "at most 60 characters")):
        refused = alice.post("/lists", data={"name": name})
        assert refused.status_code == 400 and message in refused.text
    list_id = new_list(alice)
    refused = alice.post(f"/lists/{list_id}/name", data={"name": " \x00 "})
    assert refused.status_code == 400 and "Give the list a name." in refused.text


def test_a_household_has_at_most_so_many_lists(app: Flask, alice: Client) -> None:
    with app.app_context():
        household = db.session.scalar(select(User.household_id).where(User.username == "alice"))
        db.session.execute(
            insert(ShoppingList),
            [{"household_id": household, "name": f"List {n}", "version": 1} for n in range(limits.LISTS_MAX)],
        )
        db.session.commit()
    refused = alice.post("/lists", data={"name": "One more"})
    assert refused.status_code == 400 and limits.TOO_MANY_LISTS in refused.text.replace("&#39;", "'")


# --- adding recipes: the merge examples of the issue, with real recipes ------------------------------


def test_recipes_merge_into_rows_by_food(app: Flask, alice: Client) -> None:
    soup = create_recipe(alice, **SOUP)
    pie = create_recipe(alice, **PIE)
    list_id = new_list(alice)
    added = add(alice, list_id, soup)
    assert added.status_code == 303
    assert "Left out as pantry staples: salt, olive oil." in alice.get(added.headers["Location"]).text
    assert add(alice, list_id, pie).status_code == 303
    # 2 cups + 250 ml milk: one milk row; 1 onion + 2 onions; 200 g + 1 kg flour.
    assert sorted(rows(app, list_id)) == sorted(
        ["3 onions", "3 cups milk", "3 eggs", "1.2 kg flour", "200 g red lentils"]
    )
    page = alice.get(f"/lists/{list_id}").text
    assert page.index("3 onions") < page.index("3 eggs") < page.index("1.2 kg flour")  # produce, dairy, pantry
    assert "Recipes on this list" in page and "Lentil soup" in page and "Onion pie" in page


def test_the_list_page_finds_ones_recipes_to_add(app: Flask, family: dict[str, Client]) -> None:
    alice, bob = family["alice"], family["bob"]
    create_recipe(alice, **SOUP, visibility="household")
    create_recipe(alice, **PIE)  # private: bob does not find it
    list_id = new_list(bob)
    found = bob.get(f"/lists/{list_id}?q=soup")
    assert found.status_code == 200 and "Add “Lentil soup”" in found.text and 'id="add-recipe" class' in found.text
    assert "Onion pie" not in bob.get(f"/lists/{list_id}?q=pie").text
    assert "No recipe found for “pie”." in bob.get(f"/lists/{list_id}?q=pie").text


def test_a_recipe_is_added_at_the_servings_asked(app: Flask, alice: Client) -> None:
    soup = create_recipe(alice, **SOUP)
    list_id = new_list(alice)
    assert add(alice, list_id, soup, "8").status_code == 303  # twice its 4 bowls
    assert sorted(rows(app, list_id)) == sorted(["2 onions", "4 cups milk", "400 g flour", "400 g red lentils"])
    with app.app_context():
        entry = db.session.scalar(select(ShoppingListRecipe))
        assert entry is not None and (entry.title, entry.servings) == ("Lentil soup", 8.0)


def test_a_recipe_that_does_not_say_its_servings_is_added_as_written(app: Flask, alice: Client) -> None:
    stew = create_recipe(alice, title="Stew", ingredients="1 kg beef", servings="")
    list_id = new_list(alice)
    added = add(alice, list_id, stew, "10")
    assert "as written: the recipe does not say how many it serves" in alice.get(added.headers["Location"]).text
    assert rows(app, list_id) == ["1 kg beef"]


@pytest.mark.parametrize(
    ("servings", "message"),
    [("0", "Servings must be"), ("-2", "Servings must be"), ("100000", "Servings must be"), ("401", "at most 100")],
)
def test_servings_that_cannot_be_used_are_refused(app: Flask, alice: Client, servings: str, message: str) -> None:
    soup = create_recipe(alice, **SOUP)
    list_id = new_list(alice)
    refused = add(alice, list_id, soup, servings)
    assert refused.status_code == 303
    assert message in alice.get(refused.headers["Location"]).text
    assert rows(app, list_id) == [] and version(app, list_id) == 1


def test_pantry_staples_are_left_out_unless_asked(app: Flask, alice: Client) -> None:
    soup = create_recipe(alice, **SOUP)
    list_id = new_list(alice)
    add(alice, list_id, soup, include_staples="y")
    assert {"salt", "1 tbsp olive oil"} <= set(rows(app, list_id))
    # The household's own staples: flour now, salt no longer.
    assert alice.post("/lists/settings/staples", data={"staples": "flour\nolive oil"}).status_code == 303
    other = new_list(alice, "Other")
    add(alice, other, soup)
    assert "salt" in rows(app, other) and not any("flour" in row for row in rows(app, other))
    assert "flour\nolive oil" in alice.get("/lists/settings").text


def test_staples_that_cannot_be_kept_are_refused_on_the_page(alice: Client) -> None:
    refused = alice.post("/lists/settings/staples", data={"staples": "x" * 61})
    assert refused.status_code == 400 and "at most 60 characters" in refused.text


def test_taking_a_recipe_out_takes_exactly_its_share(app: Flask, alice: Client) -> None:
    soup = create_recipe(alice, **SOUP)
    pie = create_recipe(alice, **PIE)
    list_id = new_list(alice)
    add(alice, list_id, soup)
    add(alice, list_id, pie)
    add(alice, list_id, soup)  # twice: two days of soup
    assert alice.post(f"/lists/{list_id}/items", data={"text": "1 onion"}).status_code == 303  # one by hand
    assert "5 onions" in rows(app, list_id)
    assert alice.post(f"/lists/{list_id}/recipes/remove", data={"recipe_id": str(soup)}).status_code == 303
    # Only the pie's share (and the onion by hand) is left; the lentils, which only the soup needed, went.
    assert sorted(rows(app, list_id)) == sorted(["3 onions", "250 ml milk", "3 eggs", "1 kg flour"])
    assert alice.post(f"/lists/{list_id}/recipes/remove", data={"recipe_id": str(pie)}).status_code == 303
    assert rows(app, list_id) == ["1 onion"]
    # Not on the list (any more): said so.
    again = alice.post(f"/lists/{list_id}/recipes/remove", data={"recipe_id": str(pie)})
    assert again.status_code == 303 and "not on the list" in alice.get(again.headers["Location"]).text
    assert alice.post(f"/lists/{list_id}/recipes/remove", data={"recipe_id": "x"}).status_code == 400


def test_more_of_a_checked_food_goes_on_a_row_of_its_own(app: Flask, alice: Client) -> None:
    soup = create_recipe(alice, **SOUP)
    pie = create_recipe(alice, **PIE)
    list_id = new_list(alice)
    add(alice, list_id, soup)
    milk = item_id(app, list_id, "2 cups milk")
    assert alice.post(f"/lists/{list_id}/check", data={"check": str(milk)}).status_code == 303
    add(alice, list_id, pie)
    # The checked row is what is in the basket: it stays checked, with what it was.
    assert "[x] 2 cups milk" in rows(app, list_id) and "250 ml milk" in rows(app, list_id)
    # Taking the pie out takes its milk; the checked row is untouched.
    alice.post(f"/lists/{list_id}/recipes/remove", data={"recipe_id": str(pie)})
    assert "[x] 2 cups milk" in rows(app, list_id) and "250 ml milk" not in rows(app, list_id)


def test_a_check_names_a_row_of_the_list(app: Flask, family: dict[str, Client]) -> None:
    alice, carol = family["alice"], family["carol"]
    list_id = new_list(alice)
    alice.post(f"/lists/{list_id}/items", data={"text": "3 lemons"})
    lemons = item_id(app, list_id, "3 lemons")
    theirs = new_list(carol)
    for form in ({}, {"check": "x"}, {"check": "0"}, {"uncheck": str(2**40)}):
        assert alice.post(f"/lists/{list_id}/check", data=form).status_code == 400, form
    assert alice.post(f"/lists/{list_id}/check", data={"check": "999999"}).status_code == 404
    assert carol.post(f"/lists/{theirs}/check", data={"check": str(lemons)}).status_code == 404  # not her list's row
    assert carol.post(f"/lists/{list_id}/check", data={"check": str(lemons)}).status_code == 404
    assert rows(app, list_id) == ["3 lemons"]


def test_checked_rows_fall_to_the_bottom_and_are_cleared(app: Flask, alice: Client) -> None:
    soup = create_recipe(alice, **SOUP)
    list_id = new_list(alice)
    add(alice, list_id, soup)
    onion = item_id(app, list_id, "1 onion")
    alice.post(f"/lists/{list_id}/check", data={"check": str(onion)})
    alice.post(f"/lists/{list_id}/check", data={"check": str(onion)})  # twice: still checked
    assert rows(app, list_id)[-1] == "[x] 1 onion"
    page = alice.get(f"/lists/{list_id}").text
    assert page.index("200 g red lentils") < page.index("In the basket") < page.index("1 onion")
    alice.post(f"/lists/{list_id}/check", data={"uncheck": str(onion)})
    assert "1 onion" in rows(app, list_id)[:-1] and not any(r.startswith("[x]") for r in rows(app, list_id))
    alice.post(f"/lists/{list_id}/check", data={"check": str(onion)})
    cleared = alice.post(f"/lists/{list_id}/clear")
    assert "Cleared 1 checked item." in alice.get(cleared.headers["Location"]).text
    assert "1 onion" not in rows(app, list_id) and len(rows(app, list_id)) == 3


def test_a_deleted_recipe_leaves_its_share_and_its_title(app: Flask, alice: Client) -> None:
    soup = create_recipe(alice, **SOUP)
    list_id = new_list(alice)
    add(alice, list_id, soup)
    assert alice.post(f"/recipes/{soup}/delete").status_code == 302
    assert "1 onion" in rows(app, list_id)
    page = alice.get(f"/lists/{list_id}").text
    assert "Lentil soup <small>(deleted)</small>" in page


# --- rows by hand ---------------------------------------------------------------------------------


def test_an_item_by_hand_is_read_like_an_ingredient_line_and_merges(app: Flask, alice: Client) -> None:
    list_id = new_list(alice)
    assert alice.post(f"/lists/{list_id}/items", data={"text": "2 kg potatoes"}).status_code == 303
    assert rows(app, list_id) == ["2 kg potatoes"]
    alice.post(f"/lists/{list_id}/items", data={"text": "500 g Potatoes, waxy"})
    assert rows(app, list_id) == ["2.5 kg potatoes"]
    alice.post(f"/lists/{list_id}/items", data={"text": "paper towels"})
    alice.post(f"/lists/{list_id}/items", data={"text": "Birthday candles!"})
    with app.app_context():
        found = {i.text: i for i in db.session.scalars(select(ShoppingItem).where(ShoppingItem.list_id == list_id))}
        assert found["paper towels"].aisle == "household"
        assert (found["2.5 kg potatoes"].quantity, found["2.5 kg potatoes"].unit) == (2.5, "kilogram")


@pytest.mark.parametrize(("text", "message"), [("", "Say what to buy."), ("x" * 10_000, "at most 500 characters")])
def test_an_item_by_hand_that_cannot_be_kept_is_refused(app: Flask, alice: Client, text: str, message: str) -> None:
    list_id = new_list(alice)
    refused = alice.post(f"/lists/{list_id}/items", data={"text": text})
    assert refused.status_code == 400 and message in refused.text
    assert rows(app, list_id) == []


def test_editing_a_rows_text_makes_it_yours(app: Flask, alice: Client) -> None:
    soup = create_recipe(alice, **SOUP)
    list_id = new_list(alice)
    add(alice, list_id, soup)
    onion = item_id(app, list_id, "1 onion")
    form = alice.get(f"/lists/{list_id}/items/{onion}")
    assert form.status_code == 200 and 'value="1 onion"' in form.text
    assert (
        alice.post(f"/lists/{list_id}/items/{onion}", data={"text": "2 red onions", "aisle": "produce"}).status_code
        == 303
    )
    alice.post(f"/lists/{list_id}/recipes/remove", data={"recipe_id": str(soup)})
    assert rows(app, list_id) == ["2 red onions"]  # no longer the soup's share
    refused = alice.post(f"/lists/{list_id}/items/{onion}", data={"text": "", "aisle": "produce"})
    assert refused.status_code == 400 and "Say what to buy." in refused.text
    refused = alice.post(f"/lists/{list_id}/items/{onion}", data={"text": "onions", "aisle": "shoes"})
    assert refused.status_code == 400 and "Not a valid choice" in refused.text
    assert alice.post(f"/lists/{list_id}/items/{onion}/delete").status_code == 303
    assert rows(app, list_id) == []


# --- aisles ---------------------------------------------------------------------------------------


def test_moving_a_row_to_another_aisle_teaches_the_household(app: Flask, family: dict[str, Client]) -> None:
    alice, bob, carol = family["alice"], family["bob"], family["carol"]
    list_id = new_list(alice)
    alice.post(f"/lists/{list_id}/items", data={"text": "tofu"})
    tofu = item_id(app, list_id, "tofu")
    assert alice.post(f"/lists/{list_id}/items/{tofu}", data={"text": "tofu", "aisle": "dairy"}).status_code == 303
    other = new_list(bob, "Market")
    bob.post(f"/lists/{other}/items", data={"text": "200 g firm tofu"})
    with app.app_context():
        aisles_found = {
            row.text: row.aisle for row in db.session.execute(select(ShoppingItem.text, ShoppingItem.aisle))
        }
    assert aisles_found == {"tofu": "dairy", "200 g firm tofu": "dairy"}  # "firm tofu" is tofu, described
    theirs = new_list(carol, "Carol's")
    carol.post(f"/lists/{theirs}/items", data={"text": "tofu"})
    with app.app_context():  # another household: the table's aisle
        assert db.session.scalar(select(ShoppingItem.aisle).where(ShoppingItem.list_id == theirs)) == "produce"


def test_the_list_follows_the_households_aisle_order(app: Flask, alice: Client) -> None:
    list_id = new_list(alice)
    for text in ("milk", "apples", "bread"):
        alice.post(f"/lists/{list_id}/items", data={"text": text})
    assert rows(app, list_id) == ["apples", "bread", "milk"]  # produce, bakery, dairy
    before = version(app, list_id)
    for _ in range(3):
        assert alice.post("/lists/settings/aisles", data={"aisle": "dairy", "move": "up"}).status_code == 303
    assert rows(app, list_id) == ["milk", "apples", "bread"]
    assert version(app, list_id) == before + 3  # phones showing the list fetch it again
    assert alice.post("/lists/settings/aisles", data={"aisle": "shoes", "move": "up"}).status_code == 400
    assert alice.post("/lists/settings/aisles", data={"aisle": "dairy", "move": "sideways"}).status_code == 400
    page = alice.get("/lists/settings").text
    assert page.index("Dairy &amp; eggs") < page.index("Produce")


# --- changes sent twice ---------------------------------------------------------------------------


def test_a_form_sent_twice_makes_its_change_once(app: Flask, alice: Client) -> None:
    soup = create_recipe(alice, **SOUP)
    list_id = new_list(alice)
    op = "6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b"
    for _ in range(2):
        assert alice.post(f"/lists/{list_id}/items", data={"text": "1 onion", "op_id": op}).status_code == 303
    assert rows(app, list_id) == ["1 onion"]
    again = "7f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b"
    for _ in range(2):
        add(alice, list_id, soup, op_id=again)
    assert "2 onions" in rows(app, list_id)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ShoppingListRecipe)) == 1
        assert db.session.scalar(select(func.count()).select_from(ShoppingOp)) == 2


# --- the page's poll ------------------------------------------------------------------------------


def test_the_state_is_304_until_the_list_changes(app: Flask, family: dict[str, Client]) -> None:
    alice, bob = family["alice"], family["bob"]
    list_id = new_list(alice)
    first = alice.get(f"/lists/{list_id}/state")
    assert first.status_code == 200 and first.json is not None
    tag = first.headers["ETag"]
    assert (first.json["version"], first.json["items"]) == (1, []) and first.json["csrf_token"]
    unchanged = alice.get(f"/lists/{list_id}/state", headers={"If-None-Match": tag})
    assert unchanged.status_code == 304 and unchanged.data == b"" and unchanged.headers["ETag"] == tag
    bob.post(f"/lists/{list_id}/items", data={"text": "3 lemons"})
    changed = alice.get(f"/lists/{list_id}/state", headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag and changed.json is not None
    assert [item["text"] for item in changed.json["items"]] == ["3 lemons"] and changed.json["version"] == 2
    assert "private" in changed.headers["Cache-Control"]


def test_the_poll_answers_only_a_live_login_of_the_household(app: Flask, family: dict[str, Client]) -> None:
    """The 304 is answered without loading the user, by the live-login rule inside the poll's own
    query: an ended, idle or disabled login, or one of another household, never gets one."""
    from datetime import timedelta

    from sqlalchemy import update

    from recipes.models import LoginSession, utcnow

    alice, bob, carol = family["alice"], family["bob"], family["carol"]
    list_id = new_list(alice)
    path = f"/lists/{list_id}/state"
    tag = alice.get(path).headers["ETag"]
    unchanged = {"If-None-Match": tag}
    assert bob.get(path, headers=unchanged).status_code == 304
    assert carol.get(path, headers=unchanged).status_code == 404  # another household: as if there were none
    assert app.test_client().get(path, headers=unchanged).status_code == 401
    # bob's account disabled: his login stops working at once.
    with app.app_context():
        db.session.execute(update(User).where(User.username == "bob").values(disabled_at=utcnow()))
        db.session.commit()
    refused = bob.get(path, headers=unchanged)
    assert refused.status_code == 401 and refused.json == {
        "error": {"code": "unauthorized", "message": "Log in again to see this list."}
    }
    # alice's login idle past the limit has ended.
    with app.app_context():
        days = app.config["RECIPES_SESSION_DAYS"]
        db.session.execute(update(LoginSession).values(last_seen_at=utcnow() - timedelta(days=days, minutes=1)))
        db.session.commit()
    assert alice.get(path, headers=unchanged).status_code == 401


def test_a_quick_read_answers_as_the_session_would(app: Flask, alice: Client) -> None:
    """The poll's read through the driver converts its values as SQLAlchemy does (a datetime on SQLite)."""
    from datetime import timedelta

    from sqlalchemy import bindparam

    from recipes.database import QuickRead
    from recipes.models import LoginSession, utcnow

    statement = (
        select(func.count())
        .select_from(LoginSession)
        .where(LoginSession.last_seen_at > bindparam("since"), LoginSession.user_agent != bindparam("agent"))
    )
    read = QuickRead(statement)
    with app.app_context():
        for since in (utcnow() - timedelta(days=1), utcnow() + timedelta(days=1)):
            values = {"since": since, "agent": "nobody"}
            assert read.scalar(values) == db.session.scalar(statement, values)
        assert read.scalar({"since": utcnow() - timedelta(days=1), "agent": "nobody"}) == 1
        assert QuickRead(select(LoginSession.id).where(LoginSession.id == -1)).scalar({}) is None


def test_the_poll_writes_nothing(app: Flask, alice: Client) -> None:
    from datetime import timedelta

    from sqlalchemy import update

    from recipes.models import LoginSession, utcnow

    list_id = new_list(alice)
    tag = alice.get(f"/lists/{list_id}/state").headers["ETag"]
    with app.app_context():
        long_ago = utcnow() - timedelta(days=3)
        db.session.execute(update(LoginSession).values(last_seen_at=long_ago))
        db.session.commit()
    assert alice.get(f"/lists/{list_id}/state", headers={"If-None-Match": tag}).status_code == 304
    with app.app_context():
        seen = db.session.scalar(select(LoginSession.last_seen_at))
        assert seen is not None and seen.replace(tzinfo=None) == long_ago.replace(tzinfo=None)  # not noted
    alice.get(f"/lists/{list_id}")  # a page is
    with app.app_context():
        seen = db.session.scalar(select(LoginSession.last_seen_at))
        assert seen is not None and seen.replace(tzinfo=None) > long_ago.replace(tzinfo=None)


# --- from a recipe's page -------------------------------------------------------------------------


def test_a_recipe_page_adds_the_recipe_to_a_list(app: Flask, family: dict[str, Client]) -> None:
    alice, bob = family["alice"], family["bob"]
    soup = create_recipe(alice, **SOUP, visibility="household")
    page = bob.get(f"/recipes/{soup}").text
    assert "Add to list" in page and 'value="new"' in page
    made = bob.post("/lists/add", data={"list_id": "new", "recipe_id": str(soup), "servings": "2"})
    assert made.status_code == 303
    list_id = int(made.headers["Location"].rsplit("/", 1)[1])
    assert "100 g red lentils" in rows(app, list_id)
    assert f'<option value="{list_id}">Groceries</option>' in alice.get(f"/recipes/{soup}").text
    again = alice.post("/lists/add", data={"list_id": str(list_id), "recipe_id": str(soup)})
    assert again.status_code == 303 and "300 g red lentils" in rows(app, list_id)


def test_a_recipe_one_may_not_see_cannot_be_added(app: Flask, family: dict[str, Client]) -> None:
    alice, bob, carol = family["alice"], family["bob"], family["carol"]
    private = create_recipe(alice, **SOUP)  # alice's own: bob may not see it
    bobs_list = new_list(bob)
    assert add(bob, bobs_list, private).status_code == 404
    assert add(bob, bobs_list, 999_999).status_code == 404
    assert add(bob, bobs_list, 2**40).status_code == 404
    assert bob.post("/lists/add", data={"list_id": "new", "recipe_id": str(private)}).status_code == 404
    assert carol.post("/lists/add", data={"list_id": str(bobs_list), "recipe_id": str(private)}).status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ShoppingList)) == 1  # no list made for nothing
    assert rows(app, bobs_list) == []


# --- limits ---------------------------------------------------------------------------------------


def test_a_list_has_at_most_so_many_rows(app: Flask, alice: Client) -> None:
    list_id = new_list(alice)
    with app.app_context():
        db.session.execute(
            insert(ShoppingItem),
            [
                {
                    "list_id": list_id,
                    "text": f"thing {n}",
                    "aisle": "other",
                    "position": n,
                    "checked": False,
                    "approximate": False,
                    "by_hand": True,
                }
                for n in range(limits.ITEMS_MAX)
            ],
        )
        db.session.commit()
    refused = alice.post(f"/lists/{list_id}/items", data={"text": "one more thing"})
    assert refused.status_code == 400 and "at most 1000 rows" in refused.text
    soup = create_recipe(alice, **SOUP)
    added = add(alice, list_id, soup)
    assert "at most 1000 rows" in alice.get(added.headers["Location"]).text
    assert len(rows(app, list_id)) == limits.ITEMS_MAX


# --- print and share ------------------------------------------------------------------------------


def test_the_print_view_shows_the_rows_without_forms(app: Flask, alice: Client) -> None:
    list_id = new_list(alice)
    alice.post(f"/lists/{list_id}/items", data={"text": "3 lemons"})
    page = alice.get(f"/lists/{list_id}/print")
    assert page.status_code == 200 and "3 lemons" in page.text and "data-print" in page.text
    assert 'method="post"' not in page.text.split("<main", 1)[1]


def test_a_list_is_shared_read_only_by_a_link_and_revoked(app: Flask, family: dict[str, Client]) -> None:
    alice, carol = family["alice"], family["carol"]
    list_id = new_list(alice)
    alice.post(f"/lists/{list_id}/items", data={"text": "3 lemons"})
    made = alice.post(f"/lists/{list_id}/shares", data={"expiry": "1w"})
    assert made.status_code == 303 and made.headers["Location"] == f"/lists/{list_id}/settings#share"
    page = alice.get(f"/lists/{list_id}/settings")
    assert page.headers["Cache-Control"] == "no-store"
    link = re.search(r'id="new-share" type="text" value="[^"]*/l/([A-Za-z0-9_-]+)"', page.text)
    assert link, page.text
    assert 'id="new-share"' not in alice.get(f"/lists/{list_id}/settings").text  # shown once
    anyone = app.test_client()
    shared = anyone.get(f"/l/{link[1]}")
    assert shared.status_code == 200 and "3 lemons" in shared.text
    assert 'method="post"' not in shared.text.split("<main", 1)[1]
    assert shared.headers["Referrer-Policy"] == "no-referrer" and shared.headers["Cache-Control"] == "no-store"
    assert anyone.get(f"/l/{link[1][:-1]}x").status_code == 404
    assert anyone.get("/l/short").status_code == 404
    with app.app_context():
        from recipes.models import ShoppingListShare

        share = db.session.scalar(select(ShoppingListShare))
        assert share is not None and share.views == 1 and share.token_hash != link[1]
        share_id = share.id
    assert carol.post(f"/lists/{list_id}/shares/{share_id}/revoke").status_code == 404
    assert carol.post(f"/lists/{list_id}/shares", data={"expiry": "1w"}).status_code == 404
    assert alice.post(f"/lists/{list_id}/shares", data={"expiry": "forever"}).status_code == 400
    assert alice.post(f"/lists/{list_id}/shares/{share_id}/revoke").status_code == 303
    gone = anyone.get(f"/l/{link[1]}")
    assert gone.status_code == 410 and "Link revoked" in gone.text


def test_what_a_row_says_is_escaped_everywhere(app: Flask, alice: Client) -> None:
    list_id = new_list(alice, "<i>Mine</i>")
    alice.post(f"/lists/{list_id}/items", data={"text": '<script>alert(1)</script> & "quotes"'})
    row = item_id(app, list_id, '<script>alert(1)</script> & "quotes"')
    alice.post(f"/lists/{list_id}/items", data={"text": "<b>bold</b>"})
    alice.post(f"/lists/{list_id}/check", data={"check": str(item_id(app, list_id, "<b>bold</b>"))})
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;quotes&#34;"
    for path in (f"/lists/{list_id}", f"/lists/{list_id}/print", f"/lists/{list_id}/items/{row}", "/lists"):
        page = alice.get(path).text
        assert "<script>alert" not in page and "<b>bold" not in page and "<i>Mine" not in page, path
    page = alice.get(f"/lists/{list_id}").text
    link = f'<a class="item-text" href="/lists/{list_id}/items/{row}">{escaped}</a>'
    assert f'aria-label="Check off: {escaped}"></button>{link}' in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page


def test_the_access_log_cuts_list_links_short() -> None:
    from recipes.access_log import redact

    token = "A" * 43
    assert redact(f"GET /l/{token} HTTP/1.1") == "GET /l/AAAAAA... HTTP/1.1"


# --- the household goes, its lists go --------------------------------------------------------------


def test_a_household_deleted_takes_its_lists(app: Flask, alice: Client) -> None:
    list_id = new_list(alice)
    alice.post(f"/lists/{list_id}/items", data={"text": "3 lemons"})
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "alice"))
        assert user is not None
        household_id = user.household_id
        db.session.delete(user)
        db.session.flush()
        db.session.execute(db.delete(Household).where(Household.id == household_id))
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(ShoppingItem)) == 0
        assert db.session.scalar(select(func.count()).select_from(ShoppingList)) == 0
