"""The meal planner's pages (issue 18): the week from the household's first day, a slot per meal,
today marked; adding a recipe or a note (from the planner, or "Plan this" on a recipe), moving,
servings, removing, copying last week, suggestions; who sees what (the household, alike; a
private recipe's title stays its owner's; a deleted recipe leaves a note); meals renamed and
timed on the household page; bad input answered with a message, never a 500."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from flask import Flask
from sqlalchemy import select

from recipes.extensions import db
from recipes.models import Household, PlanEntry, User
from recipes.planner import limits, services

from .conftest import Client, create_recipe
from .test_households import account, invite, join

TODAY = date.today()


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def iso(day: date) -> str:
    return day.isoformat()


def plan(client: Client, day: date = TODAY, meal: str = "dinner", **fields: Any) -> Any:
    """Add an entry through the planner's form (a recipe with `recipe_id`, a note with `title`)."""
    return client.post("/plan/entries", data={"date": iso(day), "meal": meal, **{k: str(v) for k, v in fields.items()}})


def entry_ids(app: Flask) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(PlanEntry.id).order_by(PlanEntry.id)))


def newest_entry(app: Flask) -> PlanEntry:
    with app.app_context():
        entry = db.session.scalars(select(PlanEntry).order_by(PlanEntry.id.desc())).first()
        assert entry is not None
        db.session.expunge(entry)
        return entry


def week_of(client: Client, start: date | None = None) -> BeautifulSoup:
    response = client.get("/plan" + (f"?start={iso(start)}" if start else ""))
    assert response.status_code == 200, response.text
    return soup(response.text)


def slot(page: BeautifulSoup, day: date, meal: str) -> Tag:
    found = page.select_one(f"section#day-{iso(day)} .plan-slot[data-meal='{meal}']")
    assert found is not None, (day, meal)
    return found


def titles(element: Tag) -> list[str]:
    return [t.get_text(" ", strip=True) for t in element.select(".plan-entry-title")]


@pytest.fixture
def soup_id(alice: Client) -> int:
    return create_recipe(alice, title="Tomato soup", servings="4 bowls", tags="dinner, soup")


# --- the week -------------------------------------------------------------------------------------


def test_the_week_starts_on_the_households_day_with_a_slot_per_meal_and_today_marked(alice: Client) -> None:
    meals = {"meal_names": "Breakfast\nLunch\nDinner", "week_start": "sunday"}
    assert alice.post("/household/meals", data=meals).status_code == 302
    page = week_of(alice)
    days = page.select("section.plan-day")
    assert len(days) == 7
    first = date.fromisoformat(str(days[0]["data-day"]))
    assert first.weekday() == 6 and first <= TODAY < first + timedelta(days=7)  # a Sunday, this week's
    assert [d["data-day"] for d in days] == [iso(first + timedelta(days=n)) for n in range(7)]
    for day in days:
        assert [h.get_text(strip=True) for h in day.select(".plan-meal")] == ["Breakfast", "Lunch", "Dinner"]
    (today,) = page.select("section.plan-day.today")
    assert today["data-day"] == iso(TODAY) and today["aria-current"] == "date"
    assert page.select_one(".plan-days.rows-3") is not None  # the desk lines 3 meals up across the days
    # Previous and next weeks; any day of a week shows that week.
    weeks = page.select_one("nav.plan-weeks")
    assert weeks is not None
    assert weeks.select_one("a[rel=prev]")["href"] == f"/plan?start={iso(first - timedelta(days=7))}"  # type: ignore[index]
    assert weeks.select_one("a[rel=next]")["href"] == f"/plan?start={iso(first + timedelta(days=7))}"  # type: ignore[index]
    later = week_of(alice, first + timedelta(days=10))
    assert later.select("section.plan-day")[0]["data-day"] == iso(first + timedelta(days=7))
    assert later.select("section.plan-day.today") == []
    assert later.select_one("nav.plan-weeks a[href='/plan']") is not None  # back to this week


@pytest.mark.parametrize(
    ("start", "message"),
    [
        ("yesterday", "YYYY-MM-DD"),
        ("2025-02-30", "YYYY-MM-DD"),
        ("2025-W01-1", "YYYY-MM-DD"),
        ("1899-12-31", "from 1900-01-01 on"),
        (iso(TODAY + timedelta(days=limits.DAYS_AHEAD + 1)), "at most 10 years ahead"),
    ],
)
def test_a_week_that_cannot_be_shown_says_why(alice: Client, start: str, message: str) -> None:
    response = alice.get(f"/plan?start={start}")
    assert response.status_code == 400 and message in response.text
    assert "section" in response.text and f'data-day="{iso(TODAY)}"' in response.text  # this week instead


def test_the_planner_is_in_the_menu_and_needs_a_login(app: Flask, alice: Client) -> None:
    assert soup(alice.get("/recipes/").text).select_one("header.site .site-links a[href='/plan']") is not None
    anonymous = app.test_client()
    for path in ("/plan", "/plan/add", "/plan/suggest"):
        response = anonymous.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login"), path


# --- adding ----------------------------------------------------------------------------------------


def test_search_your_recipes_and_add_one_or_a_note_for_a_meal(app: Flask, alice: Client, soup_id: int) -> None:
    tart = create_recipe(alice, title="Lemon tart", tags="dessert")
    page = soup(alice.get(f"/plan/add?date={iso(TODAY)}&meal=dinner&q=lemon").text)
    picks = page.select("#plan-results form.plan-pick")
    assert [p.select_one(".plan-pick-title").get_text(strip=True) for p in picks] == ["Lemon tart"]  # type: ignore[union-attr]
    hidden = {i["name"]: i["value"] for i in picks[0].select("input[type=hidden]")}
    assert (hidden["date"], hidden["meal"], hidden["recipe_id"]) == (iso(TODAY), "dinner", str(tart))
    # The slot's "+ Add" on the week leads there.
    add = slot(week_of(alice), TODAY, "dinner").select_one("a[data-plan-dialog]")
    assert add is not None and add["href"] == f"/plan/add?date={iso(TODAY)}&meal=dinner"

    added = plan(alice, recipe_id=soup_id)
    start = services.week_start_of(TODAY, "monday")
    assert added.status_code == 303
    assert added.headers["Location"].startswith(f"/plan?start={iso(start)}#entry-")
    assert f"Planned “Tomato soup” for {services.plan_day(TODAY)}, dinner." in alice.get(added.headers["Location"]).text
    assert plan(alice, meal="lunch", title="  Leftovers  ").status_code == 303
    week = week_of(alice)
    dinner = slot(week, TODAY, "dinner")
    assert titles(dinner) == ["Tomato soup"]
    link = dinner.select_one(".plan-entry-title a")
    assert link is not None and link["href"] == f"/recipes/{soup_id}"
    servings = dinner.select_one(".plan-servings")
    assert servings is not None and servings.get_text(strip=True) == "4 servings"  # the recipe's own "4 bowls"
    assert titles(slot(week, TODAY, "lunch")) == ["Leftovers"]
    with app.app_context():
        entries = db.session.scalars(select(PlanEntry).order_by(PlanEntry.id)).all()
        assert [(e.kind, e.title, e.servings, e.meal) for e in entries] == [
            ("recipe", "", 4, "dinner"),  # (a private recipe: its title is not kept in the plan)
            ("note", "Leftovers", None, "lunch"),
        ]


def test_quick_notes_and_an_empty_search(alice: Client) -> None:
    page = soup(alice.get(f"/plan/add?date={iso(TODAY)}&meal=lunch").text)
    assert "You have no recipes yet" in page.get_text()
    quick = [b.get_text(strip=True) for b in page.select(".plan-quick button")]
    assert quick == ["Leftovers", "Eat out", "Takeaway"]
    form = page.select(".plan-quick form")[1]
    data = {i["name"]: i["value"] for i in form.select("input[type=hidden]") if i["name"] != "csrf_token"}
    assert data == {"date": iso(TODAY), "meal": "lunch", "title": "Eat out"}
    assert alice.post("/plan/entries", data=data).status_code == 303
    assert titles(slot(week_of(alice), TODAY, "lunch")) == ["Eat out"]
    nothing = alice.get("/plan/add?q=zzzz").text
    assert "No recipe of yours, your household's or public matches “zzzz”" in nothing


def test_plan_this_from_a_recipe_page(alice: Client, bob: Client, soup_id: int) -> None:
    actions = soup(alice.get(f"/recipes/{soup_id}").text).select_one(".recipe-actions")
    assert actions is not None
    plan_this = actions.find("a", string="Plan this")
    assert isinstance(plan_this, Tag) and plan_this["href"] == f"/plan/add?recipe_id={soup_id}"
    page = soup(alice.get(str(plan_this["href"])).text)
    assert page.h1 is not None and page.h1.get_text(strip=True) == "Plan “Tomato soup”"
    form = page.select_one("form.plan-add-recipe")
    assert form is not None
    assert form.select_one("#plan-date")["value"] == iso(TODAY)  # type: ignore[index]
    assert form.select_one("#plan-servings")["value"] == "4"  # type: ignore[index]
    assert [o.get_text() for o in form.select("#plan-meal option")] == ["breakfast", "lunch", "dinner", "snack"]
    tomorrow = TODAY + timedelta(days=1)
    assert plan(alice, tomorrow, "lunch", recipe_id=soup_id, servings=6).status_code == 303
    assert "6 servings" in slot(week_of(alice, tomorrow), tomorrow, "lunch").get_text()
    # Someone who may not see the recipe gets the add page without it (nothing of it shown).
    other = bob.get(f"/plan/add?recipe_id={soup_id}")
    assert other.status_code == 200 and "Tomato soup" not in other.text and "Add to the plan" in other.text


# --- changing --------------------------------------------------------------------------------------


def test_move_change_servings_and_remove(app: Flask, alice: Client, soup_id: int) -> None:
    plan(alice, recipe_id=soup_id)
    entry = newest_entry(app)
    tomorrow = TODAY + timedelta(days=1)
    moved = alice.post(f"/plan/entries/{entry.id}", data={"date": iso(tomorrow), "meal": "lunch"})
    assert moved.status_code == 303 and moved.headers["Location"].endswith(f"#entry-{entry.id}")
    week = week_of(alice, tomorrow)
    assert titles(slot(week, tomorrow, "lunch")) == ["Tomato soup"]
    assert alice.post(f"/plan/entries/{entry.id}", data={"servings": "2"}).status_code == 303
    assert newest_entry(app).servings == 2
    assert alice.post(f"/plan/entries/{entry.id}", data={"servings": ""}).status_code == 303
    assert newest_entry(app).servings is None  # as the recipe makes
    # A Change form sent without a day or meal leaves it where it is.
    assert alice.post(f"/plan/entries/{entry.id}", data={}).status_code == 303
    assert (newest_entry(app).day, newest_entry(app).meal) == (tomorrow, "lunch")
    removed = alice.post(f"/plan/entries/{entry.id}/delete")
    assert removed.status_code == 303 and entry_ids(app) == []
    assert alice.post(f"/plan/entries/{entry.id}/delete").status_code == 404


def test_each_entry_has_a_page_to_change_it(alice: Client, soup_id: int) -> None:
    plan(alice, recipe_id=soup_id)
    plan(alice, title="Leftovers")
    entries = slot(week_of(alice), TODAY, "dinner").select("li.plan-entry")
    assert len(entries) == 2
    pages = []
    for entry in entries:
        change = entry.select_one("a.plan-entry-change")
        assert change is not None and change["href"] == f"/plan/entries/{entry['data-entry']}"
        assert change.get_text(" ", strip=True).startswith("Change")
        response = alice.get(str(change["href"]))
        assert response.status_code == 200
        pages.append(soup(response.text))
    recipe, note = pages
    assert recipe.h1 is not None and recipe.h1.get_text() == "Change “Tomato soup”"
    form = recipe.select_one("form.plan-change")
    assert form is not None and form["action"] == f"/plan/entries/{entries[0]['data-entry']}"
    assert form.select_one("#entry-servings")["value"] == "4"  # type: ignore[index]
    assert form.select_one("#entry-date")["value"] == iso(TODAY)  # type: ignore[index]
    assert form.select_one("#entry-meal option[selected]").get_text() == "dinner"  # type: ignore[union-attr]
    remove = form.select_one("button[formaction]")
    assert remove is not None and remove["formaction"] == f"/plan/entries/{entries[0]['data-entry']}/delete"
    assert "The recipe makes 4 bowls" in recipe.get_text()
    assert note.select_one("input[name=servings]") is None  # a note has no servings
    for page in pages:
        for field in page.select("main input:not([type=hidden]), main select"):
            label = page.select_one(f"label[for='{field['id']}']")
            assert label is not None and label.get_text(strip=True)
    # The week's drag and drop sends its own form (the script fills in where to).
    move = week_of(alice).select_one("form#plan-move")
    assert move is not None and {i["name"] for i in move.select("input")} == {"csrf_token", "date", "meal"}


def test_entries_keep_their_order_and_a_move_puts_one_last(app: Flask, alice: Client) -> None:
    for words in ("One", "Two", "Three"):
        plan(alice, title=words)
    one, two, three = entry_ids(app)
    assert titles(slot(week_of(alice), TODAY, "dinner")) == ["One", "Two", "Three"]
    alice.post(f"/plan/entries/{one}", data={"date": iso(TODAY), "meal": "lunch"})
    alice.post(f"/plan/entries/{one}", data={"date": iso(TODAY), "meal": "dinner"})
    assert titles(slot(week_of(alice), TODAY, "dinner")) == ["Two", "Three", "One"]
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "alice"))
        assert user is not None
        services.change_entry(user, three, position=0)
        positions = dict(db.session.execute(select(PlanEntry.id, PlanEntry.position)).all())
    assert positions == {three: 0, two: 1, one: 2}
    assert titles(slot(week_of(alice), TODAY, "dinner")) == ["Three", "Two", "One"]


def test_copy_last_week_once(app: Flask, alice: Client, soup_id: int) -> None:
    start = services.week_start_of(TODAY, "monday")
    last_monday = start - timedelta(days=7)
    plan(alice, last_monday, "dinner", recipe_id=soup_id, servings=3)
    plan(alice, last_monday + timedelta(days=2), "lunch", title="Eat out")
    plan(alice, start, "dinner", recipe_id=soup_id)  # already there this week: not copied again
    copied = alice.post("/plan/copy", data={"start": iso(start + timedelta(days=3))})
    assert copied.status_code == 303 and copied.headers["Location"] == f"/plan?start={iso(start)}"
    assert "Copied 1 entry from last week." in alice.get(copied.headers["Location"]).text
    week = week_of(alice, start)
    assert titles(slot(week, start, "dinner")) == ["Tomato soup"]
    assert titles(slot(week, start + timedelta(days=2), "lunch")) == ["Eat out"]
    again = alice.post("/plan/copy", data={"start": iso(start)})
    assert "Nothing to copy" in alice.get(again.headers["Location"]).text
    assert len(entry_ids(app)) == 4


def test_suggest_a_recipe_not_planned_lately(app: Flask, alice: Client) -> None:
    stew = create_recipe(alice, title="Bean stew", tags="Dinner")
    curry = create_recipe(alice, title="Curry", tags="dinner")
    create_recipe(alice, title="Pancakes", tags="breakfast")
    create_recipe(alice, title="Dal", tags="dinner")
    plan(alice, TODAY - timedelta(days=limits.RECENT_DAYS - 1), recipe_id=stew)  # lately: left out
    plan(alice, TODAY - timedelta(days=limits.RECENT_DAYS * 3), recipe_id=curry)  # long ago: after never-planned
    empty = slot(week_of(alice), TODAY, "breakfast")
    suggest = empty.select_one("a[href^='/plan/suggest']")
    assert suggest is not None and suggest["href"] == f"/plan/suggest?date={iso(TODAY)}&meal=breakfast"
    assert suggest.get_text(" ", strip=True).startswith("Suggest")
    seen = []
    url = f"/plan/suggest?date={iso(TODAY)}&meal=dinner"
    for _ in range(3):
        page = soup(alice.get(url).text)
        found = page.select_one("#suggestion-title")
        if found is None:
            assert "No other recipe tagged “dinner”" in page.get_text(" ")
            break
        seen.append(found.get_text(strip=True))
        another = page.find("a", string="Another")
        assert isinstance(another, Tag)
        url = str(another["href"])
    assert seen == ["Dal", "Curry"]  # never planned first, then the longest unplanned; never the stew
    # "Plan it" plans it there.
    page = soup(alice.get(f"/plan/suggest?date={iso(TODAY)}&meal=dinner").text)
    form = page.select_one(".plan-suggestion form")
    assert form is not None
    data = {i["name"]: i["value"] for i in form.select("input[type=hidden]") if i["name"] != "csrf_token"}
    assert alice.post("/plan/entries", data=data).status_code == 303
    assert "Dal" in titles(slot(week_of(alice), TODAY, "dinner"))
    # Another tag, and a tag nothing has.
    assert "Pancakes" in alice.get(f"/plan/suggest?date={iso(TODAY)}&meal=dinner&tag=breakfast").text
    assert "No recipe tagged “brunch”" in alice.get("/plan/suggest?meal=dinner&tag=brunch").text


def test_suggestions_leave_out_what_is_planned_around_the_day_and_only_show_what_you_may_see(
    app: Flask, alice: Client, bob: Client
) -> None:
    mine = create_recipe(alice, title="Alice's dinner", tags="dinner")
    create_recipe(bob, title="Bob's secret dinner", tags="dinner")
    plan(alice, TODAY + timedelta(days=limits.RECENT_DAYS), recipe_id=mine)  # ahead counts too
    page = soup(alice.get(f"/plan/suggest?date={iso(TODAY)}&meal=dinner").text).select_one("article.plan-suggest")
    assert page is not None and page.select_one("#suggestion-title") is None
    assert "No recipe tagged “dinner”" in page.get_text(" ")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "alice"))
        assert user is not None
        later = TODAY + timedelta(days=limits.RECENT_DAYS * 2 + 1)
        found = services.suggest(user, "DINNER", later)
        assert found is not None and found.id == mine
        assert services.suggest(user, "  ", later) is None


# --- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"recipe_id": "999999"}, "No such recipe among those you can see."),
        ({"recipe_id": "abc"}, "No such recipe among those you can see."),
        ({"recipe_id": "9" * 40}, "No such recipe among those you can see."),
        ({"title": ""}, "Say what is planned"),
        ({"title": "x" * 201}, "at most 200 characters"),
        ({"title": "Soup", "note": "n" * 10_000}, "at most 500 characters"),
        ({"title": "Soup", "recipe_id": "{recipe}"}, "a recipe or a note, not both"),
        ({"title": "Soup", "servings": "2"}, "Only a planned recipe has servings"),
        ({"recipe_id": "{recipe}", "servings": "0"}, "from 1 to 1000"),
        ({"recipe_id": "{recipe}", "servings": "-3"}, "from 1 to 1000"),
        ({"recipe_id": "{recipe}", "servings": "1001"}, "from 1 to 1000"),
        ({"recipe_id": "{recipe}", "servings": "9" * 30}, "from 1 to 1000"),
        ({"recipe_id": "{recipe}", "servings": "two"}, "from 1 to 1000"),
        (
            {"title": "Soup", "meal": "elevenses"},
            "Choose one of the household's meals: breakfast, lunch, dinner, snack",
        ),
        ({"title": "Soup", "date": "1899-12-31"}, "from 1900-01-01 on"),
        ({"title": "Soup", "date": iso(TODAY + timedelta(days=limits.DAYS_AHEAD + 1))}, "at most 10 years ahead"),
        ({"title": "Soup", "date": "31/12/2025"}, "YYYY-MM-DD"),
        ({"title": "Soup", "date": ""}, "YYYY-MM-DD"),
    ],
)
def test_the_add_form_refuses_bad_input_with_a_message(
    app: Flask, alice: Client, soup_id: int, fields: dict[str, str], message: str
) -> None:
    data = {"date": iso(TODAY), "meal": "dinner"} | {k: v.replace("{recipe}", str(soup_id)) for k, v in fields.items()}
    response = alice.post("/plan/entries", data=data)
    assert response.status_code == 400, response.text
    alert = soup(response.text).select_one("#plan-add .field-error[role=alert]")
    assert alert is not None and message in alert.get_text()
    assert entry_ids(app) == []


def test_someone_elses_private_recipe_cannot_be_planned(app: Flask, alice: Client, bob: Client) -> None:
    bobs = create_recipe(bob, title="Bob's secret")
    response = plan(alice, recipe_id=bobs)
    assert response.status_code == 400 and "No such recipe" in response.text and "secret" not in response.text
    assert entry_ids(app) == []


def test_the_change_form_refuses_bad_input_with_a_message(app: Flask, alice: Client, soup_id: int) -> None:
    plan(alice, recipe_id=soup_id)
    plan(alice, title="Leftovers")
    recipe, note = entry_ids(app)
    for path, data, message in [
        (f"{recipe}", {"servings": "0"}, "from 1 to 1000"),
        (f"{recipe}", {"servings": "lots"}, "from 1 to 1000"),
        (f"{note}", {"servings": "2"}, "Only a planned recipe has servings"),
        (f"{recipe}", {"date": "1000-01-01"}, "from 1900-01-01 on"),
        (f"{recipe}", {"date": "nope"}, "YYYY-MM-DD"),
        (f"{recipe}", {"meal": "brunch"}, "Choose one of the household's meals"),
    ]:
        response = alice.post(f"/plan/entries/{path}", data=data)
        page = soup(response.text)
        alert = page.select_one(".plan-error[role=alert]")
        assert response.status_code == 400 and alert is not None and message in alert.get_text(), (path, data)
        if path != f"{note}":  # (a note's page has no servings field to mark)
            assert page.select_one("form.plan-change [aria-invalid=true]") is not None  # the field at fault
    with app.app_context():
        rows = db.session.execute(select(PlanEntry.day, PlanEntry.meal, PlanEntry.servings)).all()
    assert sorted(rows, key=str) == sorted([(TODAY, "dinner", 4), (TODAY, "dinner", None)], key=str)


def test_a_meal_takes_a_bounded_number_of_entries(app: Flask, alice: Client) -> None:
    for n in range(limits.ENTRIES_PER_MEAL_MAX):
        assert plan(alice, title=f"Note {n}").status_code == 303
    full = plan(alice, title="One more")
    assert full.status_code == 400 and "That meal has 20 entries already" in full.text
    assert len(entry_ids(app)) == limits.ENTRIES_PER_MEAL_MAX


def test_change_forms_need_the_csrf_token(app: Flask, alice: Client) -> None:
    plan(alice, title="Leftovers")
    (entry,) = entry_ids(app)
    for path in ("/plan/entries", f"/plan/entries/{entry}", f"/plan/entries/{entry}/delete", "/plan/copy"):
        assert alice.post(path, data={"date": iso(TODAY), "meal": "lunch"}, csrf=False).status_code == 400, path
    assert entry_ids(app) == [entry]


# --- who sees what ---------------------------------------------------------------------------------


@pytest.fixture
def household(app: Flask, alice: Client, bob: Client, login_as: Any) -> dict[str, Client]:
    """alice and bob share a household; carol is in one of her own."""
    assert join(bob, invite(alice)).status_code == 302
    return {"alice": alice, "bob": bob, "carol": login_as("carol")}


def test_members_share_the_plan_and_outsiders_get_404(app: Flask, household: dict[str, Client]) -> None:
    alice, bob, carol = household["alice"], household["bob"], household["carol"]
    plan(alice, title="Alice's pick")
    (entry,) = entry_ids(app)
    assert titles(slot(week_of(bob), TODAY, "dinner")) == ["Alice's pick"]
    assert bob.post(f"/plan/entries/{entry}", data={"date": iso(TODAY), "meal": "lunch"}).status_code == 303
    assert titles(slot(week_of(alice), TODAY, "lunch")) == ["Alice's pick"]
    # carol: her own (empty) plan; alice's entry does not exist for her.
    assert "Alice" not in week_of(carol).get_text()
    for path in (f"{entry}", f"{entry}/delete"):
        response = carol.post(f"/plan/entries/{path}", data={"date": iso(TODAY), "meal": "dinner", "servings": "2"})
        assert response.status_code == 404, path
    assert entry_ids(app) == [entry] and newest_entry(app).meal == "lunch"
    # Leaving: bob no longer sees it; his new household's plan is empty.
    assert bob.post("/household/leave").status_code == 302
    assert "Alice" not in week_of(bob).get_text()
    assert bob.post(f"/plan/entries/{entry}/delete").status_code == 404


def test_a_private_recipe_in_the_plan_shows_only_whose_it_is(app: Flask, household: dict[str, Client]) -> None:
    alice, bob = household["alice"], household["bob"]
    secret = create_recipe(alice, title="Secret stew", servings="2")
    plan(alice, recipe_id=secret)
    bobs_view = week_of(bob)
    dinner = slot(bobs_view, TODAY, "dinner")
    assert titles(dinner) == ["A recipe of alice's"]
    assert dinner.select_one(".plan-entry-title a") is None
    assert "Secret stew" not in str(bobs_view) and f"/recipes/{secret}" not in str(bobs_view)
    assert "Change A recipe of alice's" in " ".join(dinner.get_text(" ").split())
    # bob can still move or remove it: the plan is the household's.
    (entry,) = entry_ids(app)
    assert bob.post(f"/plan/entries/{entry}", data={"servings": "5"}).status_code == 303
    # alice sees her own recipe.
    assert titles(slot(week_of(alice), TODAY, "dinner")) == ["Secret stew"]
    # What the plan keeps of it for when it is gone: nothing (not every member could read it).
    assert newest_entry(app).title == ""


def test_a_deleted_recipe_leaves_a_note_with_its_title_when_the_household_could_read_it(
    app: Flask, household: dict[str, Client]
) -> None:
    alice, bob = household["alice"], household["bob"]
    shared = create_recipe(alice, title="Family stew", visibility="household")
    private = create_recipe(alice, title="Secret stew")
    plan(alice, recipe_id=shared)
    plan(alice, recipe_id=private)
    assert alice.post(f"/recipes/{shared}/delete").status_code == 302
    assert alice.post(f"/recipes/{private}/delete").status_code == 302
    with app.app_context():
        rows = db.session.execute(select(PlanEntry.kind, PlanEntry.recipe_id, PlanEntry.title)).all()
    assert sorted(rows) == [("recipe", None, ""), ("recipe", None, "Family stew")]
    for client in (alice, bob):
        week = week_of(client)
        assert titles(slot(week, TODAY, "dinner")) == ["Family stew (recipe deleted)", "A deleted recipe"]
        assert "Secret stew" not in str(week.select_one(".plan-days"))
    # An account deleted takes its recipes: the household's entries stay, as notes.
    assert entry_ids(app) and len(entry_ids(app)) == 2


# --- meals on the household page -------------------------------------------------------------------


def test_renamed_meals_keep_their_entries_and_removed_ones_keep_theirs_apart(app: Flask, alice: Client) -> None:
    plan(alice, meal="dinner", title="Soup")
    plan(alice, meal="snack", title="Apple")
    form = {"meal_names": "Breakfast\nlunch\nsupper\nsnack", "week_start": "monday"}
    assert alice.post("/household/meals", data=form).status_code == 302
    week = week_of(alice)
    assert titles(slot(week, TODAY, "supper")) == ["Soup"]
    # Remove "snack": its entry stays, in an "Other meals" slot, to move or remove.
    form = {"meal_names": "Breakfast\nlunch\nsupper", "week_start": "monday"}
    assert alice.post("/household/meals", data=form).status_code == 302
    week = week_of(alice)
    today = week.select_one(f"section#day-{iso(TODAY)}")
    assert today is not None
    other = today.select_one(".plan-slot-other")
    assert other is not None and titles(other) == ["Apple (snack)"]
    assert week.select_one(".plan-days.rows-4") is not None
    assert [h.get_text(strip=True) for h in today.select(".plan-meal")] == [
        "Breakfast",
        "lunch",
        "supper",
        "Other meals",
    ]
    with app.app_context():
        assert sorted(db.session.scalars(select(PlanEntry.meal))) == ["snack", "supper"]


def test_meal_times_are_set_on_the_household_page(app: Flask, household: dict[str, Client]) -> None:
    alice, bob = household["alice"], household["bob"]
    form = {"meal_names": "breakfast 7:30\nlunch\ndinner at 18.45\nTea 5:00", "week_start": "monday"}
    assert alice.post("/household/meals", data=form).status_code == 302
    with app.app_context():
        household = db.session.get(Household, account(app, "alice").household_id)
        assert household is not None
        assert household.meal_names == ["breakfast", "lunch", "dinner", "Tea"]
        assert household.meal_times == {"breakfast": "07:30", "dinner": "18:45", "Tea": "05:00"}
    textarea = soup(alice.get("/household").text).select_one("textarea[name=meal_names]")
    assert textarea is not None and textarea.get_text().strip().splitlines() == [
        "breakfast 07:30",
        "lunch",
        "dinner 18:45",
        "Tea 05:00",
    ]
    assert "Meals of the day: breakfast (07:30), lunch, dinner (18:45), Tea (05:00)." in bob.get("/household").text


def test_meal_renames_follow_the_list(app: Flask) -> None:
    from recipes.planner.meals import find_meal, renames, split_time

    assert renames(["breakfast", "lunch", "dinner"], ["breakfast", "lunch", "supper"]) == {"dinner": "supper"}
    assert renames(["dinner"], ["Dinner", "snack"]) == {"dinner": "Dinner"}
    assert renames(["a", "b", "c"], ["a", "c"]) == {}  # removed, not renamed
    assert renames(["a", "b"], ["b", "a"]) == {}  # reordered
    assert renames(["a", "b"], ["x", "a"]) == {}  # a moved: b removed, x added
    assert split_time("dinner 18:30") == ("dinner", "18:30")
    assert split_time("second breakfast") == ("second breakfast", None)
    assert split_time("25:00") == ("25:00", None)
    assert split_time("x 25:00") == ("x 25:00", None)
    assert find_meal(["Dinner"], "  dinner ") == "Dinner"


# --- for the shopping list -----------------------------------------------------------------------------


def test_planned_recipes_of_chosen_days(app: Flask, household: dict[str, Client]) -> None:
    alice = household["alice"]
    soup_id = create_recipe(alice, title="Soup", servings="4", visibility="household")
    secret = create_recipe(alice, title="Secret", servings="2")
    tomorrow = TODAY + timedelta(days=1)
    plan(alice, tomorrow, "dinner", recipe_id=soup_id, servings=6)
    plan(alice, tomorrow, "breakfast", recipe_id=secret)
    plan(alice, TODAY, "lunch", title="Leftovers")
    plan(alice, TODAY + timedelta(days=5), "dinner", recipe_id=soup_id)
    with app.app_context():
        household_id = account(app, "alice").household_id
        found = services.planned_recipes(household_id, TODAY, 2)
        assert found == [
            services.PlannedRecipe(secret, 2, tomorrow, "breakfast"),
            services.PlannedRecipe(soup_id, 6, tomorrow, "dinner"),
        ]
        viewer = db.session.scalar(select(User).where(User.username == "bob"))
        assert services.planned_recipes(household_id, TODAY, 2, viewer=viewer) == [
            services.PlannedRecipe(soup_id, 6, tomorrow, "dinner")
        ]
        assert len(services.planned_recipes(household_id, TODAY, 7)) == 3
        assert services.planned_recipes(household_id + 1000, TODAY, 7) == []
