"""A shopping list built from the meal plan (issue 18: "add every planned recipe of chosen days"):
the service (shopping/from_plan.py), the API (`POST /api/v1/lists/<id>/plan`), the list page's
"Add from the plan" and the week page's "Shop for this week", on SQLite and PostgreSQL. Each
planned recipe goes on at its planned servings, merged by food, all in one transaction; a recipe
the person may not see is left out and counted, never named; a span the plan cannot be read for,
days with nothing planned, too many recipes and a list of another household are refused clearly."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, insert, select

from recipes.extensions import db
from recipes.models import ShoppingItem, ShoppingList, ShoppingListRecipe
from recipes.planner import limits as plan_limits
from recipes.planner.services import plan_day, week_start_of
from recipes.shopping import limits

from .conftest import Client, create_recipe, without_tokens
from .test_api import Api, make_token
from .test_households import invite, join
from .test_shopping import PIE, SOUP, new_list, rows, version

TODAY = date.today()
MONDAY = week_start_of(TODAY, "monday")
SPAN = f"from {plan_day(MONDAY)} to {plan_day(MONDAY + timedelta(days=6))}"


def plan(client: Client, recipe_id: int, day: date, servings: str = "", meal: str = "dinner") -> None:
    planned = client.post(
        "/plan/entries", data={"date": day.isoformat(), "meal": meal, "recipe_id": str(recipe_id), "servings": servings}
    )
    assert planned.status_code == 303, planned.text


def flashed(client: Client, response: Any) -> str:
    """The page a form's answer sends to (where its message is shown)."""
    assert response.status_code == 303, response.text
    return without_tokens(client.get(response.headers["Location"]).text)


@pytest.fixture
def household(app: Flask, alice: Client, bob: Client) -> dict[str, Any]:
    """alice and bob share a household. alice's soup (shared with it) is planned for Monday, her
    pie (private) for Wednesday at 12 servings (it makes 6), and bob's private stew for Tuesday."""
    assert join(bob, invite(alice)).status_code == 302
    soup = create_recipe(alice, **SOUP, visibility="household")
    pie = create_recipe(alice, **PIE)
    stew = create_recipe(bob, title="Bob's secret stew", ingredients="1 kg beef\n2 onions", servings="4")
    plan(alice, soup, MONDAY)
    plan(alice, pie, MONDAY + timedelta(days=2), "12")
    plan(bob, stew, MONDAY + timedelta(days=1))
    plan(alice, soup, MONDAY + timedelta(days=7))  # next week: not in this week's span
    return {"alice": alice, "bob": bob, "soup": soup, "pie": pie, "stew": stew}


def api_of(app: Flask, username: str) -> Api:
    return Api(app.test_client(), make_token(app, username))  # type: ignore[arg-type]


# --- the service, through the list page ------------------------------------------------------------


def test_the_weeks_planned_recipes_go_on_the_list_merged_at_their_servings(
    app: Flask, household: dict[str, Any]
) -> None:
    alice = household["alice"]
    list_id = new_list(alice)
    answer = alice.post(f"/lists/{list_id}/plan", data={"start": MONDAY.isoformat(), "days": "7"})
    page = flashed(alice, answer)
    assert answer.headers["Location"] == f"/lists/{list_id}"
    # The soup at its own 4 bowls, the pie at 12 (twice its 6): 2 cups milk + 2 x 250 ml; 1 onion
    # + 2 x 2 onions; 200 g + 2 x 1 kg flour. bob's stew is his own: left out, not named.
    assert sorted(rows(app, list_id)) == sorted(
        ["5 onions", "975 ml milk", "6 eggs", "2.2 kg flour", "200 g red lentils"]
    )
    assert f"Added 2 recipes planned {SPAN}: 5 new items, 3 joined to items of the same food." in page
    assert "1 planned recipe is not shared with you: left out." in page
    assert "Left out as pantry staples: salt, olive oil." in page
    assert "stew" not in page.lower() and "beef" not in page
    with app.app_context():
        entries = db.session.execute(
            select(ShoppingListRecipe.recipe_id, ShoppingListRecipe.servings).order_by(ShoppingListRecipe.id)
        ).all()
        assert [tuple(entry) for entry in entries] == [(household["soup"], 4.0), (household["pie"], 12.0)]
    assert version(app, list_id) == 2  # one change: one transaction


def test_bob_gets_his_stew_and_the_shared_soup_but_not_alices_private_pie(
    app: Flask, household: dict[str, Any]
) -> None:
    bob = household["bob"]
    list_id = new_list(bob)
    page = flashed(bob, bob.post(f"/lists/{list_id}/plan", data={"start": MONDAY.isoformat(), "days": "7"}))
    assert sorted(rows(app, list_id)) == sorted(
        ["3 onions", "2 cups milk", "200 g flour", "200 g red lentils", "1 kg beef"]
    )
    assert "1 planned recipe is not shared with you: left out." in page and "pie" not in page.lower()


def test_one_day_takes_only_that_days_recipes(app: Flask, household: dict[str, Any]) -> None:
    alice = household["alice"]
    list_id = new_list(alice)
    wednesday = MONDAY + timedelta(days=2)
    page = flashed(alice, alice.post(f"/lists/{list_id}/plan", data={"start": wednesday.isoformat(), "days": "1"}))
    assert f"Added 1 recipe planned on {plan_day(wednesday)}: 4 new items." in page
    assert sorted(rows(app, list_id)) == sorted(["4 onions", "500 ml milk", "2 kg flour", "6 eggs"])


def test_a_recipe_planned_twice_goes_on_twice(app: Flask, household: dict[str, Any]) -> None:
    alice = household["alice"]
    plan(alice, household["soup"], MONDAY + timedelta(days=3), "8")
    list_id = new_list(alice)
    flashed(alice, alice.post(f"/lists/{list_id}/plan", data={"start": MONDAY.isoformat(), "days": "4"}))
    assert "600 g red lentils" in rows(app, list_id)  # 4 bowls + 8 bowls
    # Taken back out: both of its shares go.
    assert alice.post(f"/lists/{list_id}/recipes/remove", data={"recipe_id": str(household["soup"])}).status_code == 303
    assert sorted(rows(app, list_id)) == sorted(["4 onions", "500 ml milk", "2 kg flour", "6 eggs"])


def test_staples_come_too_when_asked(app: Flask, household: dict[str, Any]) -> None:
    alice = household["alice"]
    list_id = new_list(alice)
    data = {"start": MONDAY.isoformat(), "days": "7", "include_staples": "y"}
    flashed(alice, alice.post(f"/lists/{list_id}/plan", data=data))
    assert {"salt", "1 tbsp olive oil"} <= set(rows(app, list_id))


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"start": "", "days": "7"}, plan_limits.DATE_FORMAT),
        ({"start": "next monday", "days": "7"}, plan_limits.DATE_FORMAT),
        ({"start": MONDAY.isoformat(), "days": "0"}, plan_limits.DAYS_RANGE),
        ({"start": MONDAY.isoformat(), "days": "63"}, plan_limits.DAYS_RANGE),
        ({"start": MONDAY.isoformat(), "days": "x"}, plan_limits.DAYS_RANGE),
        ({"start": "1899-12-31", "days": "7"}, "Plan days from 1900-01-01 on."),
        ({"start": "2999-01-01", "days": "7"}, "Plan at most 10 years ahead"),
        ({"start": (MONDAY + timedelta(days=14)).isoformat(), "days": "7"}, "No recipe is planned from"),
    ],
)
def test_a_span_that_cannot_be_used_is_refused_on_the_list_page(
    app: Flask, household: dict[str, Any], form: dict[str, str], message: str
) -> None:
    alice = household["alice"]
    list_id = new_list(alice)
    answer = alice.post(f"/lists/{list_id}/plan", data=form)
    assert answer.headers["Location"] == f"/lists/{list_id}#add-plan"
    assert message in flashed(alice, answer)
    assert rows(app, list_id) == [] and version(app, list_id) == 1


def test_days_with_only_recipes_one_may_not_see_say_so_without_naming_them(
    app: Flask, household: dict[str, Any]
) -> None:
    alice = household["alice"]
    list_id = new_list(alice)
    tuesday = MONDAY + timedelta(days=1)
    page = flashed(alice, alice.post(f"/lists/{list_id}/plan", data={"start": tuesday.isoformat(), "days": "1"}))
    assert f"The 1 recipe planned on {plan_day(tuesday)} is not shared with you: there is nothing you can add." in page
    assert "stew" not in page.lower() and rows(app, list_id) == []


def test_more_recipes_than_one_go_takes_are_refused(
    app: Flask, household: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "RECIPES_PER_ADD_MAX", 1)
    alice = household["alice"]
    list_id = new_list(alice)
    page = flashed(alice, alice.post(f"/lists/{list_id}/plan", data={"start": MONDAY.isoformat(), "days": "7"}))
    assert f"2 recipes are planned {SPAN}: at most 1 can be added at a time. Choose fewer days." in page
    assert rows(app, list_id) == []


def test_planned_servings_a_recipe_cannot_be_scaled_to_name_the_recipe_and_day(
    app: Flask, household: dict[str, Any]
) -> None:
    alice = household["alice"]
    tiny = create_recipe(alice, title="Tiny tart", ingredients="1 egg", servings="1")
    friday = MONDAY + timedelta(days=4)
    plan(alice, tiny, friday, "1000")  # the plan takes it; a factor of 1000 is past any scale
    list_id = new_list(alice)
    page = flashed(alice, alice.post(f"/lists/{list_id}/plan", data={"start": MONDAY.isoformat(), "days": "7"}))
    assert f"“Tiny tart” ({plan_day(friday)}, dinner): The scale can be at most 100." in page
    assert rows(app, list_id) == [] and version(app, list_id) == 1


def test_a_list_too_full_for_the_plan_takes_none_of_it(app: Flask, household: dict[str, Any]) -> None:
    alice = household["alice"]
    list_id = new_list(alice)
    with app.app_context():
        db.session.execute(
            insert(ShoppingItem),
            [
                {"list_id": list_id, "text": f"thing {n}", "aisle": "other", "position": n, "checked": False}
                | {"approximate": False, "by_hand": True}
                for n in range(limits.ITEMS_MAX - 3)
            ],
        )
        db.session.commit()
    page = flashed(alice, alice.post(f"/lists/{list_id}/plan", data={"start": MONDAY.isoformat(), "days": "7"}))
    assert limits.LIST_FULL in page
    assert len(rows(app, list_id)) == limits.ITEMS_MAX - 3  # not the 3 the first recipe would fit
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ShoppingListRecipe)) == 0


def test_the_same_form_sent_twice_adds_the_plan_once(app: Flask, household: dict[str, Any]) -> None:
    alice = household["alice"]
    list_id = new_list(alice)
    form = {"start": MONDAY.isoformat(), "days": "7", "op_id": str(uuid.uuid4())}
    flashed(alice, alice.post(f"/lists/{list_id}/plan", data=form))
    flashed(alice, alice.post(f"/lists/{list_id}/plan", data=form))
    assert "5 onions" in rows(app, list_id) and version(app, list_id) == 2


def test_another_households_list_is_404(app: Flask, household: dict[str, Any], login_as: Any) -> None:
    carol = login_as("carol")
    alices = new_list(household["alice"])
    assert carol.post(f"/lists/{alices}/plan", data={"start": MONDAY.isoformat(), "days": "7"}).status_code == 404
    assert carol.post(f"/lists/{alices}/plan", data={"start": "", "days": "0"}).status_code == 404
    for chosen in (str(alices), "x", "999999"):
        answer = carol.post("/lists/plan", data={"list_id": chosen, "start": MONDAY.isoformat(), "days": "7"})
        assert answer.status_code == 404, chosen
    assert rows(app, alices) == []


# --- the list page's form ----------------------------------------------------------------------------


def test_the_list_page_offers_the_plan_from_today(app: Flask, household: dict[str, Any]) -> None:
    alice = household["alice"]
    list_id = new_list(alice)
    page = alice.get(f"/lists/{list_id}").text
    form = page[page.index('id="add-plan"') :]
    form = form[: form.index("</details>")]
    assert f'action="/lists/{list_id}/plan"' in form
    assert re.search(rf'<input[^>]*id="plan-start"[^>]*name="start"[^>]*type="date"[^>]*value="{TODAY}"', form), form
    assert re.search(r'<input[^>]*id="plan-days"[^>]*value="7"', form), form
    assert 'name="include_staples"' in form and 'name="op_id"' in form
    assert "<label" in form and 'for="plan-start"' in form and 'for="plan-days"' in form


# --- the week page's "Shop for this week" ----------------------------------------------------------------


def week_form(page: str) -> str:
    form = page[page.index('id="shop-week"') :]
    return form[: form.index("</details>")]


def test_the_week_page_offers_to_shop_for_the_week_shown(app: Flask, household: dict[str, Any]) -> None:
    alice = household["alice"]
    # Before the household has a list: a new one, "Groceries".
    assert '<option value="new">A new list: Groceries</option>' in week_form(alice.get("/plan").text)
    groceries = new_list(alice, "Groceries")
    next_week = MONDAY + timedelta(days=7)
    form = week_form(alice.get(f"/plan?start={next_week + timedelta(days=3)}").text)
    assert 'action="/lists/plan"' in form
    assert re.search(rf'<input[^>]*id="shop-start"[^>]*name="start"[^>]*type="date"[^>]*value="{next_week}"', form)
    assert re.search(r'<input[^>]*id="shop-days"[^>]*value="7"', form), form
    assert f'<option value="{groceries}">Groceries</option>' in form
    assert '<option value="new">A new list</option>' in form
    assert 'name="include_staples"' in form and 'name="op_id"' in form and 'name="csrf_token"' in form


def test_shop_for_the_week_onto_a_new_list(app: Flask, household: dict[str, Any]) -> None:
    alice = household["alice"]
    data = {"list_id": "new", "start": MONDAY.isoformat(), "days": "7"}
    answer = alice.post("/lists/plan", data=data)
    page = flashed(alice, answer)
    list_id = int(answer.headers["Location"].rsplit("/", 1)[1])
    assert "<h1>Groceries</h1>" in page and f"Added 2 recipes planned {SPAN}" in page
    assert "5 onions" in rows(app, list_id)
    # Once more: a second new list, "Groceries 2", filled the same way.
    answer = alice.post("/lists/plan", data={**data, "include_staples": "y"})
    assert "<h1>Groceries 2</h1>" in flashed(alice, answer)


def test_shop_for_the_week_onto_a_list_of_the_household(app: Flask, household: dict[str, Any]) -> None:
    bob = household["bob"]
    market = new_list(household["alice"], "Market")
    answer = bob.post("/lists/plan", data={"list_id": str(market), "start": MONDAY.isoformat(), "days": "7"})
    assert answer.headers["Location"] == f"/lists/{market}"
    assert "1 kg beef" in rows(app, market)


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"start": "", "days": "7"}, plan_limits.DATE_FORMAT),
        ({"start": MONDAY.isoformat(), "days": "99"}, plan_limits.DAYS_RANGE),
        ({"start": (MONDAY + timedelta(days=14)).isoformat(), "days": "7"}, "No recipe is planned from"),
    ],
)
def test_shop_for_the_week_refused_goes_back_to_the_week_and_makes_no_list(
    app: Flask, household: dict[str, Any], form: dict[str, str], message: str
) -> None:
    alice = household["alice"]
    answer = alice.post("/lists/plan", data={"list_id": "new", **form})
    assert answer.status_code == 303
    assert answer.headers["Location"].startswith("/plan") and answer.headers["Location"].endswith("#shop-week")
    assert message in flashed(alice, answer)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ShoppingList)) == 0


def test_the_week_page_keeps_its_first_screen(app: Flask, household: dict[str, Any]) -> None:
    """The form is folded away (a <details>) in the week's header: the days come first."""
    page = household["alice"].get("/plan").text
    assert page.index('id="shop-week"') < page.index('class="plan-days')
    assert re.search(r'<details[^>]*id="shop-week"', page) and 'id="shop-week" open' not in page


# --- the API ---------------------------------------------------------------------------------------------


def test_the_api_adds_the_plan_and_answers_with_the_list(app: Flask, household: dict[str, Any]) -> None:
    api = api_of(app, "alice")
    list_id = api.post("/lists", json={"name": "Groceries"}).json["id"]
    added = api.post(f"/lists/{list_id}/plan", json={"start": MONDAY.isoformat(), "days": 7})
    assert added.status_code == 200, added.json
    body = added.json
    assert added.headers["ETag"] == f'"list-{list_id}-v2"' and body["version"] == 2
    assert body["from_plan"] == {"start": MONDAY.isoformat(), "days": 7, "added": 2, "left_out": 1}
    assert sorted(item["text"] for item in body["items"]) == sorted(
        ["5 onions", "975 ml milk", "6 eggs", "2.2 kg flour", "200 g red lentils"]
    )
    milk = next(item for item in body["items"] if item["food"] == "milk")
    assert milk["sources"] == [
        {"recipe_id": household["soup"], "title": "Lentil soup", "servings": 4.0},
        {"recipe_id": household["pie"], "title": "Onion pie", "servings": 12.0},
    ]
    assert "stew" not in str(body).lower()
    # days defaults to 7; the same op_id twice adds once.
    other = api.post("/lists", json={"name": "Other"}).json["id"]
    op_id = str(uuid.uuid4())
    first = api.post(f"/lists/{other}/plan", json={"start": MONDAY.isoformat(), "op_id": op_id})
    again = api.post(f"/lists/{other}/plan", json={"start": MONDAY.isoformat(), "op_id": op_id})
    assert first.json["version"] == again.json["version"] == 2
    assert first.json["items"] == again.json["items"] and again.json["from_plan"]["added"] == 0


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({}, "start", "Missing data"),
        ({"start": "2026-02-30"}, "start", "Not a valid date"),
        ({"start": "{monday}", "days": 0}, "days", plan_limits.DAYS_RANGE),
        ({"start": "{monday}", "days": 63}, "days", plan_limits.DAYS_RANGE),
        ({"start": "{monday}", "days": "7"}, "days", "Not a valid integer"),
        ({"start": "1800-01-01"}, "start", "Plan days from 1900-01-01 on."),
        ({"start": "{later}"}, "start", "No recipe is planned from"),
        ({"start": "{monday}", "include_staples": "yes"}, "include_staples", "Not a valid boolean"),
        ({"start": "{monday}", "op_id": "nope"}, "op_id", "Not a valid UUID"),
        ({"start": "{monday}", "title": "x"}, "title", "Unknown field"),
    ],
)
def test_the_api_refuses_bad_input_naming_the_field(
    app: Flask, household: dict[str, Any], payload: dict[str, Any], field: str, message: str
) -> None:
    api = api_of(app, "alice")
    list_id = api.post("/lists", json={"name": "Groceries"}).json["id"]
    values = {"{monday}": MONDAY.isoformat(), "{later}": (MONDAY + timedelta(days=21)).isoformat()}
    payload = {key: values.get(value, value) if isinstance(value, str) else value for key, value in payload.items()}
    refused = api.post(f"/lists/{list_id}/plan", json=payload)
    assert refused.status_code == 422, refused.json
    error = refused.json["error"]
    assert error["field"] == field and message in error["message"], error
    assert api.get(f"/lists/{list_id}").json["version"] == 1


def test_the_api_answers_another_households_list_with_404(app: Flask, household: dict[str, Any], login_as: Any) -> None:
    alices = api_of(app, "alice").post("/lists", json={"name": "Groceries"}).json["id"]
    login_as("carol")
    carol = api_of(app, "carol")
    for payload in ({"start": MONDAY.isoformat()}, {"start": "1800-01-01"}):
        refused = carol.post(f"/lists/{alices}/plan", json=payload)
        assert refused.status_code == 404 and refused.json["error"]["code"] == "not_found", payload
    assert carol.post("/lists/999999/plan", json={"start": MONDAY.isoformat()}).status_code == 404
