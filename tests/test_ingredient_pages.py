"""Structured ingredients in the app: readings kept beside the lines on every write, the recipe
page and the share page scaled and converted (with and without JavaScript's help: the address
carries the choice), the account's unit system, the API and the CLI."""

from __future__ import annotations

import json
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskCliRunner

from recipes.extensions import db
from recipes.ingredients.backfill import backfill, unread_count
from recipes.ingredients.recipe_lines import READER_VERSION
from recipes.models import Recipe

from .conftest import Client, create_recipe
from .test_api import Api, make_token
from .test_sharing import share

PANCAKES = {
    "title": "Pancakes",
    "servings": "Serves 4",
    "ingredients": "Batter:\n2 cups flour\n1 1/2 cups milk\n2 large eggs\n1 tbsp sugar\nsalt to taste",
    "instructions": "Preheat the oven to 350°F.\nWhisk 1 cup of the milk with the eggs.\nBake for 20 minutes.",
}


def stored(app: Flask, recipe_id: int) -> Recipe:
    with app.app_context():
        recipe = db.session.get(Recipe, recipe_id)
        assert recipe is not None
        db.session.expunge(recipe)
        return recipe


def shown_lines(html: str) -> list[str]:
    page = BeautifulSoup(html, "html.parser")
    return [" ".join(li.get_text(" ", strip=True).split()) for li in page.select("ul.ingredients li")]


def shown_steps(html: str) -> list[str]:
    page = BeautifulSoup(html, "html.parser")
    return [li.get_text(strip=True) for li in page.select("ol.instructions li")]


def test_every_line_has_a_reading_in_step_with_it(app: Flask, alice: Client) -> None:
    recipe_id = create_recipe(alice, **PANCAKES)
    recipe = stored(app, recipe_id)
    assert recipe.ingredients_read_by == READER_VERSION
    details = recipe.ingredient_details or []
    assert [d["text"] for d in details] == recipe.ingredients
    assert details[0]["section"] is True
    assert (details[1]["quantity"], details[1]["unit"], details[1]["food"]) == (2, "cup", "flour")
    assert (details[2]["quantity"], details[2]["unit"], details[2]["food_key"]) == (1.5, "cup", "milk")
    assert (details[3]["quantity"], details[3]["size"], details[3]["food_key"]) == (2, "large", "egg")
    assert details[5]["quantity"] is None and details[5]["food"] == "salt"


def test_the_page_as_written_shows_the_lines_verbatim(alice: Client) -> None:
    recipe_id = create_recipe(alice, **PANCAKES)
    page = alice.get(f"/recipes/{recipe_id}")
    assert page.status_code == 200
    assert shown_lines(page.text) == [
        "Batter",
        "2 cups flour",
        "1 1/2 cups milk",
        "2 large eggs",
        "1 tbsp sugar",
        "salt to taste",
    ]


def test_eight_servings_in_metric(alice: Client) -> None:
    recipe_id = create_recipe(alice, **PANCAKES)
    page = alice.get(f"/recipes/{recipe_id}?servings=8&units=metric")
    assert page.status_code == 200
    lines = shown_lines(page.text)
    assert lines[0] == "Batter"
    assert lines[1].startswith("≈ ") and lines[1].endswith("g flour (approximate)"), lines[1]
    assert lines[2] == "710 ml milk", lines  # 3 US cups
    assert lines[3] == "4 large eggs"
    assert lines[4] == "30 ml sugar" or "g sugar" in lines[4], lines[4]
    assert lines[5] == "salt to taste"
    steps = shown_steps(page.text)
    assert "175°C" in steps[0] or "175 °C" in steps[0], steps[0]
    assert steps[2] == "Bake for 20 minutes."
    servings = BeautifulSoup(page.text, "html.parser").select_one("input[name=servings]")
    assert servings is not None and servings["value"] == "8"


def servings_fact(html: str) -> str:
    fact = BeautifulSoup(html, "html.parser").select_one("#servings-fact")
    assert fact is not None, html
    return fact.get_text(" ", strip=True)


def test_the_facts_line_gives_the_servings_shown(alice: Client, client: Client) -> None:
    """The servings in the recipe's facts (what print shows too) are the ones the amounts are for,
    written once: "Serves 4", not "Serves Serves 4"; "Serves 8" at ?servings=8."""
    recipe_id = create_recipe(alice, **PANCAKES)
    assert servings_fact(alice.get(f"/recipes/{recipe_id}").text) == "Serves 4"
    assert servings_fact(alice.get(f"/recipes/{recipe_id}?servings=8&units=metric").text) == "Serves 8"
    assert servings_fact(alice.get(f"/recipes/{recipe_id}?scale=0.5").text) == "Serves 2"
    assert servings_fact(alice.get(f"/recipes/{recipe_id}?have=4 eggs&line=3").text) == "Serves 8"
    assert servings_fact(alice.get(f"/recipes/{recipe_id}?scale=0").text) == "Serves 4"  # refused: as written
    shared = share(alice, recipe_id)
    assert servings_fact(client.get(shared + "?servings=6").text) == "Serves 6"


def test_quick_factors_and_scaling_steps(alice: Client) -> None:
    recipe_id = create_recipe(alice, **PANCAKES)
    page = alice.get(f"/recipes/{recipe_id}?scale=0.5")
    lines = shown_lines(page.text)
    assert lines[1] == "1 cup flour" and lines[3] == "1 large egg", lines
    assert "½ cup of the milk" in shown_steps(page.text)[1]


def test_scale_by_what_you_have(alice: Client) -> None:
    recipe_id = create_recipe(alice, **PANCAKES)
    page = alice.get(f"/recipes/{recipe_id}?have=4 eggs&line=3")
    assert page.status_code == 200
    assert shown_lines(page.text)[1] == "4 cups flour"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("scale=0", "more than 0"),
        ("scale=-2", "more than 0"),
        ("scale=1000", "at most 100"),
        ("scale=abc", "must be a number"),
        ("servings=0", "more than 0"),
        ("units=imperial", "Unknown unit system"),
        ("have=lots&line=1", "as an amount"),
        ("have=300 g&line=99", "Choose the ingredient"),
        ("scale=" + "9" * 500, "too long"),
    ],
)
def test_a_scale_that_cannot_be_used_is_said_on_the_page(alice: Client, query: str, message: str) -> None:
    recipe_id = create_recipe(alice, **PANCAKES)
    page = alice.get(f"/recipes/{recipe_id}?{query}")
    assert page.status_code == 400
    error = BeautifulSoup(page.text, "html.parser").select_one("#scale-error")
    assert error is not None and message in error.get_text(), error
    assert shown_lines(page.text)[1] == "2 cups flour"  # the recipe as written


def test_servings_need_a_recipe_that_says_them(alice: Client) -> None:
    recipe_id = create_recipe(alice, **{**PANCAKES, "servings": ""})
    page = alice.get(f"/recipes/{recipe_id}?servings=8")
    assert page.status_code == 400
    assert "does not say how many servings" in page.text
    assert alice.get(f"/recipes/{recipe_id}?scale=2").status_code == 200


def test_the_accounts_unit_system_is_kept_and_the_address_overrides_it(app: Flask, alice: Client) -> None:
    recipe_id = create_recipe(alice, **PANCAKES)
    response = alice.post("/recipes/units", data={"units": "metric", "next": "/auth/account"})
    assert response.status_code == 303
    assert shown_lines(alice.get(f"/recipes/{recipe_id}").text)[2] == "355 ml milk"
    assert shown_lines(alice.get(f"/recipes/{recipe_id}?units=original").text)[2] == "1 1/2 cups milk"
    assert alice.post("/recipes/units", data={"units": "imperial"}).status_code == 400
    assert 'value="metric" checked' in alice.get("/auth/account").text


def test_the_share_page_scales_too(alice: Client, client: Client) -> None:
    recipe_id = create_recipe(alice, **PANCAKES)
    page = client.get(share(alice, recipe_id) + "?servings=8")
    assert page.status_code == 200, page.text
    assert shown_lines(page.text)[1] == "4 cups flour"


def test_an_edit_keeps_readings_in_step_and_corrections_of_unchanged_lines(app: Flask, alice: Client) -> None:
    recipe_id = create_recipe(alice, **PANCAKES)
    with app.app_context():
        recipe = db.session.get(Recipe, recipe_id)
        assert recipe is not None
        details = list(recipe.ingredient_details or [])
        details[4] = {**details[4], "food": "caster sugar", "corrected": True}
        recipe.ingredient_details = details
        db.session.commit()
    form = {**PANCAKES, "ingredients": PANCAKES["ingredients"].replace("2 cups flour", "3 cups flour")}
    assert alice.post(f"/recipes/{recipe_id}/edit", data=form).status_code == 302
    details = stored(app, recipe_id).ingredient_details or []
    assert details[1]["quantity"] == 3
    assert details[4]["food"] == "caster sugar" and details[4]["corrected"] is True


def test_the_api_gives_details_and_scales(app: Flask, alice: Client) -> None:
    api = Api(alice, make_token(app, "alice"))
    created = api.post(
        "/recipes", json={"title": "Soup", "servings": "4", "ingredients": ["1 kg tomatoes", "2 onions"]}
    )
    assert created.status_code == 201
    body = created.get_json()
    assert body["servings_count"] == 4
    assert [d["display"] for d in body["ingredient_details"]] == ["1 kg tomatoes", "2 onions"]
    assert body["ingredient_details"][0]["unit"] == "kilogram"
    scaled = api.get(f"/recipes/{body['id']}?servings=8&units=us").get_json()
    assert scaled["ingredients"] == ["1 kg tomatoes", "2 onions"]  # verbatim stays
    assert scaled["ingredient_details"][1]["display"] == "4 onions"
    assert scaled["ingredient_details"][0]["unit"] == "pound"
    assert scaled["scale"] == {"factor": 2.0, "units": "us", "servings": 8.0}
    for query, status in [("scale=0", 422), ("scale=1000", 422), ("units=imperial", 422), ("servings=x", 422)]:
        response = api.get(f"/recipes/{body['id']}?{query}")
        assert response.status_code == status, (query, response.text)
        assert "error" in response.get_json()


def test_the_parse_endpoint(app: Flask, alice: Client) -> None:
    api = Api(alice, make_token(app, "alice"))
    lines = ["2,5 dl milk", "1/0 cup sugar", "99999999999 kg flour", "x" * 1000, "a\x00b", "For the sauce:"]
    response = api.post("/ingredients/parse", json={"lines": lines})
    assert response.status_code == 200, response.text
    items = response.get_json()["items"]
    assert len(items) == len(lines)
    assert (items[0]["quantity"], items[0]["unit"]) == (2.5, "decilitre")
    assert items[1]["quantity"] is None and items[2]["quantity"] is None
    assert items[5]["section"] is True
    too_many = api.post("/ingredients/parse", json={"lines": ["1 egg"] * 501})
    assert too_many.status_code == 422
    too_long = api.post("/ingredients/parse", json={"lines": ["1 egg" + "x" * 10_000]})
    assert too_long.status_code == 422
    assert api.post("/ingredients/parse", json={"lines": "1 egg"}).status_code == 422


def test_cli_parse_ingredient(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["parse-ingredient", "1 (28-ounce) can tomatoes, drained", "½ tsp salt"])
    assert result.exit_code == 0, result.output
    first, second = (json.loads(line) for line in result.output.splitlines())
    assert (first["quantity"], first["unit"], first["size"], first["note"]) == (1, "can", "28-ounce", "drained")
    assert (second["quantity"], second["unit"], second["food"]) == (0.5, "teaspoon", "salt")
    assert runner.invoke(args=["parse-ingredient"]).exit_code != 0


def test_backfill_reads_what_is_unread_and_keeps_corrections(app: Flask, alice: Client, runner: FlaskCliRunner) -> None:
    ids = [create_recipe(alice, **PANCAKES) for _ in range(3)]
    with app.app_context():
        recipes = db.session.scalars(db.select(Recipe).where(Recipe.id.in_(ids)).order_by(Recipe.id)).all()
        recipes[0].ingredient_details, recipes[0].ingredients_read_by = None, None
        kept: list[dict[str, Any]] = list(recipes[1].ingredient_details or [])
        kept[1] = {**kept[1], "food": "spelt flour", "corrected": True}
        recipes[1].ingredient_details, recipes[1].ingredients_read_by = kept, READER_VERSION - 1
        db.session.commit()
        assert unread_count(db.session) == 2
    result = runner.invoke(args=["ingredients", "backfill"])
    assert result.exit_code == 0, result.output
    assert "Read the ingredients of 2 recipes." in result.output
    assert stored(app, ids[0]).ingredient_details == stored(app, ids[2]).ingredient_details
    assert (stored(app, ids[1]).ingredient_details or [])[1]["food"] == "spelt flour"
    with app.app_context():
        assert unread_count(db.session) == 0
        assert backfill(db.session) == 0


def test_a_page_of_a_recipe_not_read_yet_reads_it_without_writing(app: Flask, alice: Client) -> None:
    recipe_id = create_recipe(alice, **PANCAKES)
    with app.app_context():
        recipe = db.session.get(Recipe, recipe_id)
        assert recipe is not None
        recipe.ingredient_details, recipe.ingredients_read_by = None, None
        db.session.commit()
    assert shown_lines(alice.get(f"/recipes/{recipe_id}?scale=2").text)[1] == "4 cups flour"
    assert stored(app, recipe_id).ingredient_details is None
