"""Property: whatever is typed into the planner's forms, sent in a plan API body or put in its
query parameters, the answer is never a server error (the way tests/test_property_no_5xx.py
checks the rest of the app, with its state made anew for every example)."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from recipes.extensions import db
from recipes.models import PlanEntry

from .test_property_no_5xx import SETTINGS, Fresh, fields, fresh, no_5xx, no_dns, numbers_as_text, texts

__all__ = ["fresh", "no_dns"]  # the fixtures those tests use, used here too

TODAY = date.today().isoformat()
days = st.one_of(texts, st.sampled_from([TODAY, "1899-12-31", "9999-12-31", "2025-02-29", "0001-01-01", ""]))
meals = st.one_of(texts, st.sampled_from(["dinner", "DINNER", " lunch ", "brunch", ""]))
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(), texts),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(texts, inner, max_size=3)),
    max_leaves=8,
)
PLAN_KEYS = ["date", "meal", "recipe_id", "title", "servings", "note", "position"]
plan_bodies = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            **dict.fromkeys(PLAN_KEYS, json_values),
            "date": days,
            "meal": meals,
            "title": texts,
            "servings": st.one_of(st.integers(-(10**12), 10**12), json_values),
        },
    ),
    json_values,
)


def _entry_id(fresh: Fresh) -> int:
    with fresh.app.app_context():
        return int(db.session.scalar(select(PlanEntry.id)) or 0)


@SETTINGS
@given(
    form=fields(["date", "meal", "recipe_id", "title", "servings", "note", "start"], numbers_as_text),
    args=fields(["start", "date", "meal", "q", "tag", "skip", "recipe_id"]),
)
def test_planner_forms_and_pages(fresh: Fresh, form: dict[str, str], args: dict[str, str]) -> None:
    world = fresh()
    alice = world.alice
    made = alice.post("/plan/entries", data={"date": TODAY, "meal": "dinner", "recipe_id": str(world.recipe_id)})
    assert made.status_code == 303
    entry = _entry_id(fresh)
    no_5xx(alice.post("/plan/entries", data=form), form)
    for action in ("move", "servings", "delete"):
        no_5xx(alice.post(f"/plan/entries/{entry}/{action}", data=form), (action, form))
    no_5xx(alice.post("/plan/copy", data=form), form)
    no_5xx(alice.post("/plan/feeds", data=form), form)
    for page in ("/plan", "/plan/add", "/plan/suggest"):
        no_5xx(alice.get(page, query_string=args), (page, args))
    no_5xx(fresh.app.test_client().get("/plan/" + form.get("title", "x").replace("/", "") + ".ics"), form)


@SETTINGS
@given(body=plan_bodies, patch=plan_bodies, args=fields(["start", "days"], numbers_as_text))
def test_plan_api_bodies(fresh: Fresh, body: Any, patch: Any, args: dict[str, str]) -> None:
    world = fresh()
    made = world.api("POST", "/plan", json={"date": TODAY, "meal": "dinner", "recipe_id": world.recipe_id})
    assert made.status_code == 201
    no_5xx(world.api("POST", "/plan", json=body), body)
    no_5xx(world.api("PATCH", f"/plan/{made.json['id']}", json=patch), patch)
    no_5xx(world.api("GET", "/plan", query_string=args), args)
    no_5xx(world.api("POST", "/plan/feed", json=body), body)
