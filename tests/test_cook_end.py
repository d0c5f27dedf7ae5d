"""Cook mode's end screen (issue 19): "Cooked it" logs the day in the cooking log and comes back to
the end screen, and "Add what's missing to the shopping list" puts the ingredient lines not checked
off (without JavaScript: the ones left ticked in its form) on a list of the household, at the scale
cook mode shows, merged like any recipe (one transaction; a new list goes with it or not at all).
The browser side (check-offs untick the form's lines) is tests/browser/test_cook_browser.py."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from recipes.extensions import db
from recipes.models import CookingLogEntry, ShoppingList, ShoppingListRecipe
from recipes.shopping import limits

from .conftest import Client, create_recipe
from .test_cook_mode import INGREDIENTS, STEPS
from .test_shopping import new_list, rows, version

# The lines of INGREDIENTS, from 0: "Soup:" (a section), 1 kg tomatoes, 2 onions, 30 g butter,
# "To serve:" (a section), basil. The recipe (conftest's form) makes "4 bowls".
TOMATOES, ONIONS, BUTTER, BASIL = 1, 2, 3, 5


@pytest.fixture
def soup(alice: Client) -> int:
    return create_recipe(alice, ingredients=INGREDIENTS, instructions=STEPS)


def end_screen(client: Client, recipe_id: int, query: str = "") -> str:
    response = client.get(f"/recipes/{recipe_id}/cook?step=done{query}")
    assert response.status_code == 200, response.text
    html = response.text
    return html[html.index('id="step-done"') : html.index('class="cook-dock"')]


def missing(client: Client, recipe_id: int, lines: list[int], **extra: str) -> Any:
    form = {"recipe_id": str(recipe_id), "list_id": "new", "missing": [str(n) for n in lines], **extra}
    return client.post("/lists/missing", data=form)


def followed(client: Client, response: Any) -> str:
    assert response.status_code == 303, response.text
    return client.get(response.headers["Location"]).text


# --- "Cooked it" -----------------------------------------------------------------------------------


def test_the_end_screen_logs_cooking_and_comes_back_to_it(app: Flask, alice: Client, soup: int) -> None:
    screen = end_screen(alice, soup, "&servings=8")
    form = screen[screen.index('id="cooking-log"') :]
    form = form[: form.index("</form>")]
    assert f'action="/recipes/{soup}/cooked"' in form
    assert f'name="next" value="/recipes/{soup}/cook?step=done&amp;servings=8"' in form
    assert re.search(r'<input type="hidden" name="date" value="" data-today>', form), form
    assert '<label for="cook-cooked-note">' in form and ">Cooked it</button>" in form
    logged = alice.post(
        f"/recipes/{soup}/cooked", data={"next": f"/recipes/{soup}/cook?step=done&servings=8", "note": "Lovely"}
    )
    assert logged.headers["Location"] == f"/recipes/{soup}/cook?step=done&servings=8#cooking-log"
    page = followed(alice, logged)
    assert "Logged: you cooked it today." in page and "Done: all 4 steps" in page
    with app.app_context():
        (entry,) = db.session.scalars(select(CookingLogEntry))
        assert (entry.recipe_id, entry.note) == (soup, "Lovely")


# --- "Add what's missing" ----------------------------------------------------------------------------


def test_the_end_screen_offers_every_ingredient_ticked(alice: Client, soup: int) -> None:
    groceries = new_list(alice, "Groceries")
    screen = end_screen(alice, soup, "&servings=8&units=metric")
    form = screen[screen.index('id="missing"') :]
    form = form[: form.index("</details>")]
    assert 'action="/lists/missing"' in form
    boxes = re.findall(r'<input type="checkbox" id="missing-(\d+)" name="missing" value="(\d+)" checked', form)
    assert [int(value) for _, value in boxes] == [TOMATOES, ONIONS, BUTTER, BASIL]  # not the sections
    assert "2 kg tomatoes" in form  # as cook mode shows them, at 8 servings
    assert '<input type="hidden" name="servings" value="8">' in form
    assert '<input type="hidden" name="units" value="metric">' in form
    assert f'<input id="missing-recipe" name="recipe_id" type="hidden" value="{soup}">' in form
    assert f'<option value="{groceries}">Groceries</option>' in form and '<option value="new">' in form
    assert 'name="include_staples"' in form and 'name="op_id"' in form and 'name="csrf_token"' in form


def test_what_is_missing_goes_on_the_list_at_cook_modes_scale(app: Flask, alice: Client, soup: int) -> None:
    groceries = new_list(alice, "Groceries")
    answer = missing(alice, soup, [ONIONS, BUTTER], list_id=str(groceries), servings="8", units="metric")
    assert answer.headers["Location"] == f"/recipes/{soup}/cook?step=done&servings=8&units=metric#missing"
    page = followed(alice, answer)
    assert "Added what’s missing of “Tomato soup” to “Groceries”: 2 items." in page
    assert sorted(rows(app, groceries)) == ["4 onions", "60 g butter"]
    with app.app_context():
        entry = db.session.scalar(select(ShoppingListRecipe))
        assert entry is not None and (entry.recipe_id, entry.servings) == (soup, 8.0)
    # They merge with what is on the list, and come back out as the recipe's share.
    missing(alice, soup, [ONIONS], list_id=str(groceries))
    assert sorted(rows(app, groceries)) == ["6 onions", "60 g butter"]
    assert alice.post(f"/lists/{groceries}/recipes/remove", data={"recipe_id": str(soup)}).status_code == 303
    assert rows(app, groceries) == []


def test_a_scale_or_an_amount_had_is_the_scale_too(app: Flask, alice: Client, soup: int) -> None:
    halved = new_list(alice, "Halved")
    followed(alice, missing(alice, soup, [TOMATOES], list_id=str(halved), scale="0.5"))
    assert rows(app, halved) == ["500 g tomatoes"]
    had = new_list(alice, "Had")
    followed(alice, missing(alice, soup, [ONIONS], list_id=str(had), have="1.5 kg", line=str(TOMATOES)))
    assert rows(app, had) == ["3 onions"]


def test_onto_a_new_list(app: Flask, alice: Client, soup: int) -> None:
    page = followed(alice, missing(alice, soup, [BASIL]))
    assert "to “Groceries”" in page
    with app.app_context():
        (made,) = db.session.scalars(select(ShoppingList))
        list_id = made.id
    assert rows(app, list_id) == ["basil"]


def test_staples_are_left_out_unless_asked(app: Flask, alice: Client) -> None:
    salted = create_recipe(alice, ingredients="1 tsp salt\n2 onions", instructions="Salt the onions.")
    page = followed(alice, missing(alice, salted, [0, 1]))
    assert "Left out as pantry staples: salt." in page
    page = followed(alice, missing(alice, salted, [0, 1], include_staples="y"))
    with app.app_context():
        second = db.session.scalar(select(func.max(ShoppingList.id)))
        assert second is not None
    assert sorted(rows(app, second)) == ["1 tsp salt", "2 onions"]


@pytest.mark.parametrize(
    ("lines", "extra", "message"),
    [
        ([], {}, limits.LINES_MISSING),
        ([0], {}, limits.LINES_UNKNOWN),  # a section header
        ([99], {}, limits.LINES_UNKNOWN),
        ([ONIONS], {"servings": "x"}, "The servings must be a number."),
        ([ONIONS], {"scale": "1000"}, "The scale can be at most 100."),
    ],
)
def test_what_cannot_be_added_is_said_on_the_end_screen_and_makes_no_list(
    app: Flask, alice: Client, soup: int, lines: list[int], extra: dict[str, str], message: str
) -> None:
    answer = missing(alice, soup, lines, **extra)
    assert answer.headers["Location"].startswith(f"/recipes/{soup}/cook?step=done")
    assert answer.headers["Location"].endswith("#missing")
    assert message in followed(alice, answer)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ShoppingList)) == 0


def test_lines_that_are_not_numbers_are_refused(app: Flask, alice: Client, soup: int) -> None:
    answer = alice.post("/lists/missing", data={"recipe_id": str(soup), "list_id": "new", "missing": ["2", "two"]})
    assert answer.headers["Location"] == f"/recipes/{soup}/cook?step=done#missing"
    assert limits.LINES_UNKNOWN in followed(alice, answer)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ShoppingList)) == 0


def test_the_same_form_sent_twice_adds_once(app: Flask, alice: Client, soup: int) -> None:
    groceries = new_list(alice)
    op_id = str(uuid.uuid4())
    for _ in range(2):
        followed(alice, missing(alice, soup, [ONIONS], list_id=str(groceries), op_id=op_id))
    assert rows(app, groceries) == ["2 onions"] and version(app, groceries) == 2


def test_someone_elses_recipe_or_list_is_404(app: Flask, alice: Client, bob: Client, soup: int) -> None:
    alices = new_list(alice)
    bobs = new_list(bob)
    assert missing(bob, soup, [ONIONS], list_id=str(bobs)).status_code == 404  # her private recipe
    own = create_recipe(bob, ingredients="2 onions")
    assert missing(bob, own, [0], list_id=str(alices)).status_code == 404  # her list
    assert missing(bob, 999_999, [0], list_id=str(bobs)).status_code == 404
    assert rows(app, alices) == [] and rows(app, bobs) == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ShoppingList)) == 2


def test_a_recipe_without_ingredients_offers_no_list(alice: Client) -> None:
    bare = create_recipe(alice, ingredients="", instructions="Boil water.")
    screen = end_screen(alice, bare)
    assert 'id="missing"' not in screen and 'id="cooking-log"' in screen
