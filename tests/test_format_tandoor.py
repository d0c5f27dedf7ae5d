"""Tandoor's "Default" export: the shared sample, and recipes built from the format."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from recipes.importing.files.archive import open_archive
from recipes.importing.files.formats import mealie, paprika, tandoor
from recipes.importing.files.parsed import FileRejected

from .archives import zip_of as make_zip

EXPORTS = Path(__file__).parent / "data" / "exports"
PNG = b"\x89PNG\r\n\x1a\n" + b"fake picture"


def food(name: str, plural: str | None = None) -> dict[str, Any]:
    return {"name": name, "plural_name": plural, "ignore_shopping": False, "supermarket_category": None}


def unit(name: str, plural: str | None = None) -> dict[str, Any]:
    return {"name": name, "plural_name": plural, "description": None}


def ingredient(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "food": None,
        "unit": None,
        "amount": 0.0,
        "note": "",
        "order": 0,
        "is_header": False,
        "no_amount": False,
        "always_use_plural_unit": False,
        "always_use_plural_food": False,
    }
    return base | fields


LASAGNE: dict[str, Any] = {
    "name": "Lasagne",
    "description": "Layers **and** layers",
    "keywords": [{"name": "Italian", "description": ""}, {"label": "Pasta"}, {"name": "italian"}],
    "working_time": 45,
    "waiting_time": "60",
    "servings": 6,
    "servings_text": "portions",
    "source_url": "https://example.com/lasagne",
    "internal": True,
    "nutrition": {"calories": 520.0, "carbohydrates": 40, "fats": 25.5, "proteins": 30, "source": None},
    "steps": [
        {
            "name": "Sauce",
            "instruction": "Fry {{ ingredients[0] }} until brown.\n\nAdd **tomatoes**, simmer 30 min.",
            "ingredients": [
                ingredient(food=food("minced beef"), unit=unit("g"), amount=500.0, order=0),
                ingredient(
                    food=food("tomato", "tomatoes"),
                    unit=unit("can", "cans"),
                    amount=2,
                    order=1,
                    always_use_plural_unit=True,
                    always_use_plural_food=True,
                ),
                ingredient(food=food("salt"), amount=1, no_amount=True, note="to taste", order=2),
            ],
            "time": 40,
            "order": 0,
            "show_as_header": True,
        },
        {
            "name": "",
            "instruction": "## Assemble\nLayer sheets and sauce.\n- Bake 45 min at 180 °C\n\n[Video](https://example.com/v)",
            "ingredients": [
                ingredient(note="Béchamel", is_header=True, order=0),
                ingredient(food=food("butter"), unit=unit("g"), amount=50, order=1),
                ingredient(food=food("milk"), unit=unit("ml"), amount=0.333333, order=2),
                ingredient(original_text="1 pinch of nutmeg", food=food("nutmeg"), amount=1, order=3),
                ingredient(food=None, unit=None, amount=0, note="", order=4),
            ],
            "time": 0,
            "order": 1,
            "show_as_header": False,
        },
        {"name": "Rest", "instruction": "Let it rest for 10 minutes.", "ingredients": [], "order": 2},
    ],
}


# --- The shared sample ------------------------------------------------------------------------


def test_sample_recipe_in_full() -> None:
    opened = open_archive((EXPORTS / "tandoor.zip").read_bytes(), "export.zip")
    assert tandoor.matches(opened)
    assert not mealie.matches(opened) and not paprika.matches(opened)
    result = tandoor.read(opened)
    assert result.format == "Tandoor"
    assert result.skipped == []
    [recipe] = result.recipes
    data = recipe.data
    assert data.title == "“Texas Red” Chili"
    assert data.ingredients == [
        "2 oz New Mexico chile, dry, 57 g",
        "1.5 cup (12 fl oz/355 ml) doppelbock",
        "2 lb (907 g) beef stew meat",
        "0.25 cup (2 fl oz/59 ml) canola oil",
        "2 yellow onions, small dice",
        "2 poblano peppers, large dice",
        "2 green bell peppers, large dice",
        "Two 15 oz (425 g) cans diced tomato",
        "0.5 cup chili powder",
        "2 Tbs kosher salt",
        "Sour cream",
        "Scallions, thinly sliced on the diagonal",
    ]
    assert len(data.instructions) == 3
    assert data.instructions[0].startswith("Peheat the oven to 350°F (177°C).")
    assert data.instructions[2] == (
        "Serve the chili topped with sour cream and scallions and accompanied by tortilla chips."
    )
    # The "### Source" block at the end of the step became the source address.
    assert data.source_url.startswith("http://craftbeerkitchen.com/VuhBhyUAAHQUNcsR/article/texas-red-chili-recipe?")
    assert "\u200b" not in data.source_url
    assert (data.prep_time, data.cook_time, data.total_time) == (None, 2, None)
    assert data.servings == "1"
    assert data.tags == ["american", "course: main", "southwest", "technique: cocotte"]
    assert recipe.image is not None and recipe.image.startswith(b"\xff\xd8\xff")
    assert len(recipe.image) == 24945
    assert recipe.where == "1.zip/recipe.json"


def test_other_samples_are_not_tandoor() -> None:
    for name in ("mealie-backup.zip", "paprika.zip", "nextcloud-cookbook.zip"):
        path = EXPORTS / name
        if path.exists():  # the Nextcloud sample is another importer's
            assert not tandoor.matches(open_archive(path.read_bytes()))


# --- Built from the format --------------------------------------------------------------------------


def test_headers_units_plurals_no_amount_and_steps() -> None:
    inner = make_zip({"recipe.json": json.dumps(LASAGNE).encode(), "image.png": PNG})
    opened = open_archive(make_zip({"7.zip": inner}))
    assert tandoor.matches(opened)
    [recipe] = tandoor.read(opened).recipes
    data = recipe.data
    assert data.title == "Lasagne"
    assert data.description == "Layers **and** layers"
    assert data.ingredients == [
        "Sauce:",
        "500 g minced beef",
        "2 cans tomatoes",
        "salt, to taste",
        "Béchamel:",
        "50 g butter",
        "0.333 ml milk",
        "1 pinch of nutmeg",
    ]
    assert data.instructions == [
        "Sauce: Fry 500 g minced beef until brown.",
        "Add tomatoes, simmer 30 min.",
        "Assemble\nLayer sheets and sauce.\nBake 45 min at 180 °C",
        "Video (https://example.com/v)",
        "Rest: Let it rest for 10 minutes.",
    ]
    assert (data.prep_time, data.cook_time) == (45, 60)
    assert data.servings == "6 portions"
    assert data.source_url == "https://example.com/lasagne"
    assert data.tags == ["italian", "pasta"]
    assert data.nutrition == {
        "calories": "520 kcal",
        "carbohydrateContent": "40 g",
        "fatContent": "25.5 g",
        "proteinContent": "30 g",
    }
    assert recipe.image == PNG
    assert recipe.where == "7.zip/recipe.json"


def test_steps_follow_their_order_and_missing_fields_are_fine() -> None:
    recipe = {
        "name": "Toast",
        "keywords": None,
        "working_time": None,
        "steps": [
            {"instruction": "Butter it.", "order": 2, "ingredients": [ingredient(food=food("butter"))]},
            {"instruction": "Toast the bread.", "order": 1, "ingredients": [ingredient(food="bread", amount="2")]},
        ],
        "servings": "0",
        "nutrition": None,
        "properties": [{"property_type": {"name": "Salt", "unit": "g"}, "property_amount": 0.5}],
    }
    opened = open_archive(make_zip({"Toast/recipe.json": json.dumps(recipe).encode()}))
    assert tandoor.matches(opened)
    [parsed] = tandoor.read(opened).recipes
    assert parsed.data.ingredients == ["2 bread", "butter"]
    assert parsed.data.instructions == ["Toast the bread.", "Butter it."]
    assert (parsed.data.prep_time, parsed.data.cook_time, parsed.data.servings) == (None, None, "")
    assert parsed.data.tags == []
    assert parsed.data.nutrition == {"Salt": "0.5 g"}
    assert parsed.image is None


def test_an_unpacked_inner_zip_and_a_lone_recipe_json() -> None:
    lone = open_archive(json.dumps(LASAGNE).encode(), "recipe.json")
    assert tandoor.matches(lone)
    assert [r.data.title for r in tandoor.read(lone).recipes] == ["Lasagne"]
    inner = open_archive(make_zip({"recipe.json": json.dumps(LASAGNE).encode(), "image.jpeg": b"\xff\xd8\xff"}))
    assert tandoor.matches(inner)
    [recipe] = tandoor.read(inner).recipes
    assert recipe.image == b"\xff\xd8\xff"


def test_broken_recipes_are_skipped_and_the_rest_imported() -> None:
    good = make_zip({"recipe.json": json.dumps(LASAGNE).encode()})
    export = make_zip(
        {
            "1.zip": good,
            "2.zip": make_zip({"recipe.json": b'{"name": "Broken", "steps": ['}),
            "3.zip": b"garbage that is not a zip",
            "4.zip": make_zip({"notes.txt": b"hello"}),
            "5.zip": make_zip({"recipe.json": json.dumps(LASAGNE | {"name": "  "}).encode()}),
        }
    )
    result = tandoor.read(open_archive(export))
    assert [r.data.title for r in result.recipes] == ["Lasagne"]
    assert {s.where: s.reason for s in result.skipped} == {
        "2.zip/recipe.json": "This recipe.json is not valid JSON.",
        "3.zip": "This is not a zip file of a Tandoor recipe.",
        "4.zip": "There is no recipe.json in it.",
        "5.zip/recipe.json": "This recipe has no name.",
    }


def test_a_hostile_inner_zip_refuses_the_file() -> None:
    evil_inner = make_zip({"../../recipe.json": json.dumps(LASAGNE).encode()})
    export = make_zip({"1.zip": make_zip({"recipe.json": json.dumps(LASAGNE).encode()}), "2.zip": evil_inner})
    with pytest.raises(FileRejected, match="outside its folder"):
        tandoor.read(open_archive(export))


def test_nextcloud_style_recipe_json_is_not_tandoor() -> None:
    schema_org = {"@context": "http://schema.org", "@type": "Recipe", "name": "x", "recipeIngredient": ["a"]}
    assert not tandoor.matches(open_archive(make_zip({"Soup/recipe.json": json.dumps(schema_org).encode()})))
    assert not tandoor.matches(open_archive(make_zip({"1.zip": make_zip({"a.txt": b"x"})})))
