"""The meal plan in the API (`/api/v1/plan`, issue 18): list, add, change, remove, a calendar
address; the household's alike, a 404 to anyone else; bad input a clear 4xx, never a 500."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask

from recipes.planner import limits, services

from .conftest import Client, create_recipe
from .test_api import Api, make_token
from .test_households import invite, join

TODAY = date.today()
WEEK = services.week_start_of(TODAY, "monday")


def iso(day: date) -> str:
    return day.isoformat()


@pytest.fixture
def api(app: Flask, alice: Client) -> Api:
    return Api(app.test_client(), make_token(app, "alice"))  # type: ignore[arg-type]


@pytest.fixture
def soup_id(alice: Client) -> int:
    return create_recipe(alice, title="Tomato soup", servings="4 bowls", visibility="household")


def entry(api: Api, **fields: Any) -> dict[str, Any]:
    body = {"date": iso(TODAY), "meal": "dinner", **fields}
    response = api.post("/plan", json=body)
    assert response.status_code == 201, response.json
    result: dict[str, Any] = response.json
    return result


def test_add_list_change_and_remove(api: Api, soup_id: int) -> None:
    made = api.post("/plan", json={"date": iso(TODAY), "meal": "Dinner", "recipe_id": soup_id})
    assert made.status_code == 201
    assert made.headers["Location"] == f"/api/v1/plan/{made.json['id']}"
    assert made.json == {
        "id": made.json["id"],
        "date": iso(TODAY),
        "meal": "dinner",  # as the household spells it
        "position": 0,
        "kind": "recipe",
        "recipe_id": soup_id,
        "recipe_state": "visible",
        "title": "Tomato soup",
        "servings": 4,
        "note": "",
    }
    note = entry(api, meal="lunch", title="Leftovers", note="from Sunday")
    assert (note["kind"], note["recipe_id"], note["recipe_state"], note["servings"]) == ("note", None, None, None)
    listed = api.get("/plan")
    assert listed.status_code == 200
    assert listed.json["start"] == iso(WEEK) and listed.json["days"] == 7
    assert [(i["meal"], i["title"]) for i in listed.json["items"]] == [
        ("lunch", "Leftovers"),
        ("dinner", "Tomato soup"),
    ]
    # Change: servings, a move (last in its new meal), a remark.
    changed = api.patch(f"/plan/{made.json['id']}", json={"servings": 6, "note": "double"})
    assert changed.status_code == 200 and (changed.json["servings"], changed.json["note"]) == (6, "double")
    tomorrow = TODAY + timedelta(days=1)
    moved = api.patch(f"/plan/{made.json['id']}", json={"date": iso(tomorrow), "meal": "lunch"})
    assert (moved.json["date"], moved.json["meal"], moved.json["position"]) == (iso(tomorrow), "lunch", 0)
    # A note becomes a recipe, and back.
    as_recipe = api.patch(f"/plan/{note['id']}", json={"recipe_id": soup_id})
    assert (as_recipe.json["kind"], as_recipe.json["title"], as_recipe.json["servings"]) == ("recipe", "Tomato soup", 4)
    as_note = api.patch(f"/plan/{note['id']}", json={"recipe_id": None, "title": "Eat out"})
    assert (as_note.json["kind"], as_note.json["title"], as_note.json["servings"]) == ("note", "Eat out", None)
    assert api.delete(f"/plan/{note['id']}").status_code == 204
    assert api.delete(f"/plan/{note['id']}").status_code == 404
    days = api.get(f"/plan?start={iso(TODAY)}&days=2").json["items"]
    assert [i["title"] for i in days] == ["Tomato soup"]


def test_places_within_a_meal(api: Api) -> None:
    one, two, three = (entry(api, title=t) for t in ("One", "Two", "Three"))
    assert [e["position"] for e in (one, two, three)] == [0, 1, 2]
    assert api.patch(f"/plan/{three['id']}", json={"position": 0}).json["position"] == 0
    assert api.patch(f"/plan/{one['id']}", json={"position": 99 % 20}).json["position"] == 2
    items = api.get(f"/plan?start={iso(TODAY)}&days=1").json["items"]
    assert [(i["title"], i["position"]) for i in items] == [("Three", 0), ("Two", 1), ("One", 2)]


def test_the_household_shares_the_plan_and_a_private_recipe_keeps_its_title(
    app: Flask, api: Api, alice: Client, bob: Client, login_as: Any
) -> None:
    assert join(bob, invite(alice)).status_code == 302
    secret = create_recipe(alice, title="Secret stew")
    made = entry(api, recipe_id=secret)
    bob_api = Api(app.test_client(), make_token(app, "bob"))  # type: ignore[arg-type]
    (seen,) = bob_api.get("/plan").json["items"]
    assert seen["title"] == "A recipe of alice's" and seen["recipe_id"] is None and seen["recipe_state"] == "hidden"
    assert "Secret" not in str(bob_api.get("/plan").json)
    assert bob_api.patch(f"/plan/{made['id']}", json={"servings": 3}).json["title"] == "A recipe of alice's"
    # carol, of another household: nothing to see, a 404 for the entry.
    login_as("carol")
    carol_api = Api(app.test_client(), make_token(app, "carol"))  # type: ignore[arg-type]
    assert carol_api.get("/plan").json["items"] == []
    for method, kwargs in (("patch", {"json": {"servings": 2}}), ("delete", {})):
        response = getattr(carol_api, method)(f"/plan/{made['id']}", **kwargs)
        assert response.status_code == 404 and response.json["error"]["code"] == "not_found"
    # A recipe carol cannot see cannot be planned by her either.
    refused = carol_api.post("/plan", json={"date": iso(TODAY), "meal": "dinner", "recipe_id": secret})
    assert refused.status_code == 422 and refused.json["error"]["field"] == "recipe_id"


FAR = iso(TODAY + timedelta(days=limits.DAYS_AHEAD + 1))


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"recipe_id": 999_999}, "recipe_id", "No such recipe"),
        ({"recipe_id": 0}, "recipe_id", ""),
        ({"recipe_id": "1"}, "recipe_id", ""),
        ({}, "title", "Send recipe_id"),
        ({"title": "  "}, "title", "Say what is planned"),
        ({"title": "x" * 201}, "title", "200"),
        ({"title": "Soup", "note": "n" * 10_000}, "note", "500"),
        ({"title": "Soup", "recipe_id": "{recipe}"}, "title", "not both"),
        ({"title": "Soup", "servings": 2}, "servings", "Only a planned recipe"),
        ({"recipe_id": "{recipe}", "servings": 0}, "servings", "from 1 to 1000"),
        ({"recipe_id": "{recipe}", "servings": -1}, "servings", "from 1 to 1000"),
        ({"recipe_id": "{recipe}", "servings": 10**12}, "servings", "from 1 to 1000"),
        ({"recipe_id": "{recipe}", "servings": 2.5}, "servings", ""),
        ({"title": "Soup", "meal": "elevenses"}, "meal", "breakfast, lunch, dinner, snack"),
        ({"title": "Soup", "meal": ""}, "meal", ""),
        ({"title": "Soup", "date": "1899-12-31"}, "date", "1900-01-01"),
        ({"title": "Soup", "date": FAR}, "date", "10 years"),
        ({"title": "Soup", "date": "2025-02-30"}, "date", ""),
        ({"title": "Soup", "date": None}, "date", ""),
        ({"title": "Soup", "owner_id": 1}, "owner_id", ""),
        ({"title": "Soup", "household_id": 2}, "household_id", ""),
    ],
)
def test_bad_input_is_a_clear_422(api: Api, soup_id: int, body: dict[str, Any], field: str, words: str) -> None:
    sent = {"date": iso(TODAY), "meal": "dinner"} | {k: (soup_id if v == "{recipe}" else v) for k, v in body.items()}
    response = api.post("/plan", json=sent)
    assert response.status_code == 422, response.json
    error = response.json["error"]
    assert error["code"] == "invalid" and error["field"] == field and words in error["message"]
    assert api.get("/plan").json["items"] == []


def test_bad_changes_and_reads_are_clear_4xx(api: Api, soup_id: int) -> None:
    recipe = entry(api, recipe_id=soup_id)
    note = entry(api, title="Leftovers")
    for target, body, field in [
        (recipe, {"title": "Soup"}, "title"),
        (note, {"servings": 2}, "servings"),
        (note, {"recipe_id": None}, "title"),
        (recipe, {"date": "1000-01-01"}, "date"),
        (recipe, {"meal": "brunch"}, "meal"),
        (recipe, {"position": -1}, "position"),
        (recipe, {"note": "n" * 501}, "note"),
        (recipe, {"id": 5}, "id"),
    ]:
        response = api.patch(f"/plan/{target['id']}", json=body)
        assert response.status_code == 422 and response.json["error"]["field"] == field, (body, response.json)
    not_json = api.patch(f"/plan/{recipe['id']}", data="servings=2", headers={"Content-Type": "text/plain"})
    assert not_json.status_code in (415, 422)
    for query, field in [
        ("days=0", "days"),
        ("days=63", "days"),
        ("days=many", "days"),
        ("start=yesterday", "start"),
        ("start=1899-01-01", "start"),
        (f"start={FAR}", "start"),
    ]:
        response = api.get(f"/plan?{query}")
        assert response.status_code == 422 and response.json["error"]["field"] == field, query
    assert api.patch("/plan/999999", json={"servings": 2}).status_code == 404
    items = api.get(f"/plan?start={iso(TODAY)}&days=1").json["items"]
    assert [(i["title"], i["servings"], i["meal"]) for i in items] == [
        ("Tomato soup", 4, "dinner"),
        ("Leftovers", None, "dinner"),
    ]


def test_a_signed_in_browser_needs_the_csrf_token_to_change_the_plan(alice: Client) -> None:
    body = {"date": iso(TODAY), "meal": "dinner", "title": "Soup"}
    assert alice.post("/api/v1/plan", json=body).status_code == 400
    made = alice.post("/api/v1/plan", json=body, headers={"X-CSRFToken": alice.csrf_token()})
    assert made.status_code == 201
    assert alice.get("/api/v1/plan").json["items"][0]["title"] == "Soup"


def test_each_call_makes_a_new_calendar_address(app: Flask, api: Api) -> None:
    first = api.post("/plan/feed")
    second = api.post("/plan/feed")
    assert first.status_code == second.status_code == 201
    assert first.json["url"] != second.json["url"]
    assert first.json["url"].startswith("http://localhost/plan/") and first.json["url"].endswith(".ics")
    feed = app.test_client().get(first.json["url"].removeprefix("http://localhost"))
    assert feed.status_code == 200 and feed.content_type == "text/calendar; charset=utf-8"


def test_the_document_describes_the_plan(app: Flask) -> None:
    spec = app.test_client().get("/api/openapi.json").json
    operations = {
        op["operationId"]: (method.upper(), path)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if isinstance(op, dict) and "operationId" in op
    }
    assert operations["listPlan"] == ("GET", "/api/v1/plan")
    assert operations["createPlanEntry"] == ("POST", "/api/v1/plan")
    assert operations["updatePlanEntry"] == ("PATCH", "/api/v1/plan/{entry_id}")
    assert operations["deletePlanEntry"] == ("DELETE", "/api/v1/plan/{entry_id}")
    assert operations["createPlanFeed"] == ("POST", "/api/v1/plan/feed")
    entry_schema = spec["components"]["schemas"]["PlanEntry"]
    assert set(entry_schema["required"]) >= {"id", "date", "meal", "recipe_id", "title", "servings", "note"}
