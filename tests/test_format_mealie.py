"""Mealie: the shared 1.x backup, another schema version, and per-recipe JSON exports."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from recipes.importing.files.archive import open_archive
from recipes.importing.files.formats import mealie, paprika, tandoor
from recipes.importing.files.formats.common import decode_text, html_to_text
from recipes.importing.files.parsed import ParsedRecipe

from .archives import zip_of as make_zip

EXPORTS = Path(__file__).parent / "data" / "exports"
WEBP = b"RIFF\x10\x00\x00\x00WEBPVP8 fake"
SMALL_WEBP = b"RIFF\x08\x00\x00\x00WEBPVP8 min"


def by_title(recipes: list[ParsedRecipe]) -> dict[str, ParsedRecipe]:
    return {r.data.title: r for r in recipes}


# --- The shared 1.x backup -----------------------------------------------------------------------

SAMPLE_ID = "54d61f19-632d-4b90-908e-f0bc9944c9d0"  # "jitdswayjn"


@pytest.fixture(scope="module")
def sample_bytes() -> bytes:
    return (EXPORTS / "mealie-backup.zip").read_bytes()


@pytest.fixture(scope="module")
def sample(sample_bytes: bytes) -> dict[str, ParsedRecipe]:
    opened = open_archive(sample_bytes, "mealie.zip")
    assert mealie.matches(opened)
    result = mealie.read(opened)
    assert result.format == "Mealie backup"
    assert result.skipped == []
    assert len(result.recipes) == 46
    return by_title(result.recipes)


def test_sample_recipe_in_full(sample: dict[str, ParsedRecipe]) -> None:
    # The sample's text is scrambled test data; the structure is Mealie's.
    recipe = sample["jitdswayjn"]
    data = recipe.data
    assert data.description == "qrjuuyeetw"
    assert data.ingredients == [  # by position, not by row order
        "fhkasvdize",
        "ogkywagmqd",
        "srxllttmps",
        "icglnmdkeg",
        "rabghkusfu",
        "pmbxygztjo",
        "megxkimfga",
        "klgvvljsof",
        "vqznrruhga",
        "lqfxivrcle",
        "xmxevjcvnc",
        "txjgwmxdot",
        "uwurzbumle",
    ]
    assert data.instructions == [
        "piwehuxmvl: ggsinihzgo",
        "jrhufoiwwr: lizgtqiyta",
        "xaftgyehhv: iwjvemytdv",
        "kqtltspfcm: ofgkembxgc",
    ]
    assert data.servings == "rttgldfhre"
    assert (data.prep_time, data.cook_time, data.total_time) == (None, None, None)  # "zlbbwhjtbf" is no time
    assert data.source_url == ""  # "arypgpsarn" is no address
    assert data.nutrition == {"calories": "pllnpzwmeh"}
    assert recipe.created_at == datetime(2022, 12, 5, 22, 33, 16, 445964, tzinfo=UTC)
    assert recipe.image is None  # the sample's data/ folder is empty
    assert recipe.where == "database.json: recipe mjycpionzn"


def test_sample_sections_units_foods_and_tags(sample: dict[str, ParsedRecipe]) -> None:
    data = sample["ahiarwruim"].data
    assert data.ingredients[:4] == [
        "ophjtutmfw:",  # an ingredient's title starts a section
        "180 wxokofhdsl vebkrgdqoa vnhyacxhog",  # quantity, unit, food, note
        "lpccbxuukc:",
        "0.5 apixjzqrtf zvicckzsqs lzrfacwpvo",
    ]
    assert data.tags == ["brwyipnfxu", "vqcsytxmey", "hnpepydnky", "oxrclnfuzo"]
    assert data.nutrition["fatContent"] == "ezpmvmtzqt"
    assert sample["fsjtwwraqz"].data.notes == "srtxhrooxv: oqshdbsvtr"


def test_sample_pictures_are_found_by_recipe_id(sample_bytes: bytes) -> None:
    source = zipfile.ZipFile(io.BytesIO(sample_bytes))
    files = {info.filename: source.read(info) for info in source.infolist() if not info.is_dir()}
    files[f"data/recipes/{SAMPLE_ID}/assets/menu.jpg"] = b"\xff\xd8\xff an attachment"
    files["data/recipes/01b6b3b0-a8ae-4e34-a69d-09ca0e8d29fd/assets/only-an-attachment.png"] = b"\x89PNG"
    files[f"data/recipes/{SAMPLE_ID}/images/min-original.webp"] = SMALL_WEBP
    files[f"data/recipes/{SAMPLE_ID}/images/original.webp"] = WEBP
    files[f"data/recipes/{SAMPLE_ID}/images/tiny-original.webp"] = SMALL_WEBP
    recipes = by_title(mealie.read(open_archive(make_zip(files))).recipes)
    assert recipes["jitdswayjn"].image == WEBP
    assert recipes["hvwqqwnnoe"].image is None
    assert recipes["kumvrhmibm"].image is None  # its only file is an attachment


def test_other_samples_are_not_mealie() -> None:
    for name in ("paprika.zip", "tandoor.zip", "nextcloud-cookbook.zip"):
        path = EXPORTS / name
        if path.exists():
            assert not mealie.matches(open_archive(path.read_bytes()))


def test_the_sample_is_not_another_format(sample_bytes: bytes) -> None:
    opened = open_archive(sample_bytes)
    assert not paprika.matches(opened)
    assert not tandoor.matches(opened)


# --- Another schema version (2.x: servings columns, abbreviations, no settings table) ---------------------

RECIPE_ID = "0b9c0f0e-1111-4a4a-9b9b-123456789abc"


def database_v2() -> dict[str, Any]:
    return {
        "alembic_version": [{"version_num": "feecc8ffb956"}],
        "recipes": [
            {
                "id": RECIPE_ID,
                "slug": "focaccia",
                "name": "Focaccia",
                "description": "<p>Airy &amp; crisp.</p>",
                "recipe_yield": "",
                "recipe_servings": 8.0,
                "recipe_yield_quantity": 0,
                "total_time": "2 hours 30 minutes",
                "prep_time": "PT20M",
                "perform_time": "25 Minutes",
                "cook_time": None,
                "org_url": "https://example.com/focaccia",
                "created_at": "2024-05-01T10:00:00Z",
                "rating": 5,
            },
            {
                "id": 7,  # integer ids in some databases
                "slug": "bread",
                "name": "Bread",
                "recipe_yield": None,
                "recipe_servings": 0,
                "recipe_yield_quantity": 2,
                "recipe_yield_display": "loaves",
            },
            {"id": "x", "slug": "nameless", "name": None},
        ],
        "ingredient_units": [
            {"id": "u1", "name": "gram", "abbreviation": "g", "use_abbreviation": True, "plural_name": "grams"},
            {"id": "u2", "name": "tablespoon", "abbreviation": "tbsp", "use_abbreviation": False},
        ],
        "ingredient_foods": [
            {"id": "f1", "name": "flour"},
            {"id": "f2", "name": "olive oil"},
            {"id": "f3", "name": "egg", "plural_name": "eggs"},
        ],
        "recipes_ingredients": [
            {"recipe_id": RECIPE_ID, "position": 3, "note": "2 tsp salt", "quantity": 0, "unit_id": None},
            {
                "recipe_id": RECIPE_ID,
                "position": 1,
                "title": "Dough",
                "note": "",
                "quantity": 500.0,
                "unit_id": "u1",
                "food_id": "f1",
                "original_text": "500g flour",
            },
            {
                "recipe_id": RECIPE_ID,
                "position": 2,
                "quantity": 1.5,
                "unit_id": "u2",
                "food_id": "f2",
                "note": "plus more",
            },
            {"recipe_id": RECIPE_ID, "position": 4, "title": "Topping", "original_text": "Flaky salt"},
            {"recipe_id": RECIPE_ID.replace("-", ""), "position": 5, "quantity": 3, "food_id": "f3"},
            {"recipe_id": 7, "position": 0, "note": "1 kg flour", "quantity": "abc"},
        ],
        "recipe_instructions": [
            {"recipe_id": RECIPE_ID, "position": 1, "title": "", "summary": "", "text": "<p>Dimple and bake.</p>"},
            {"recipe_id": RECIPE_ID, "position": 0, "title": "", "text": "**Mix** everything.\n\nLet rise 2 hours."},
            {"recipe_id": 7, "text": None},
        ],
        "tags": [{"id": "t1", "name": "Bread"}, {"id": "t2", "name": "Italian"}],
        "recipes_to_tags": [{"recipe_id": RECIPE_ID, "tag_id": "t2"}, {"recipe_id": RECIPE_ID, "tag_id": "t404"}],
        "categories": [{"id": "c1", "name": "Baking"}],
        "recipes_to_categories": [{"recipe_id": RECIPE_ID, "category_id": "c1"}],
        "tools": [{"id": "tool", "name": "Sheet pan"}],
        "recipes_to_tools": [{"recipe_id": RECIPE_ID, "tool_id": "tool"}],
        "notes": [{"id": 1, "recipe_id": RECIPE_ID, "title": "Tip", "text": "Use good oil."}],
        "recipe_nutrition": [
            {"id": 1, "recipe_id": RECIPE_ID, "calories": "250", "cholesterol_content": None, "sodium_content": "400mg"}
        ],
    }


def test_another_schema_version() -> None:
    export = make_zip(
        {
            "mealie_2024.05.01/database.json": json.dumps(database_v2()).encode(),
            f"mealie_2024.05.01/data/recipes/{RECIPE_ID}/images/original.webp": WEBP,
            "mealie_2024.05.01/data/recipes/7/images/min-original.webp": SMALL_WEBP,
        }
    )
    opened = open_archive(export)
    assert mealie.matches(opened)
    result = mealie.read(opened)
    assert [s.reason for s in result.skipped] == ["This recipe has no name."]
    recipes = by_title(result.recipes)
    focaccia = recipes["Focaccia"]
    data = focaccia.data
    assert data.description == "Airy & crisp."
    assert data.ingredients == [
        "Dough:",
        "500 g flour",
        "1.5 tablespoon olive oil plus more",
        "2 tsp salt",  # never parsed: the note is the whole line
        "Topping:",
        "Flaky salt",
        "3 eggs",  # the plural Mealie shows; the row's id without dashes still belongs here
    ]
    assert data.instructions == ["Mix everything.", "Let rise 2 hours.", "Dimple and bake."]
    assert (data.prep_time, data.cook_time, data.total_time) == (20, 25, 150)
    assert data.servings == "8"
    assert data.source_url == "https://example.com/focaccia"
    assert data.tags == ["italian", "baking"]
    assert data.notes == "Tip: Use good oil."
    assert data.nutrition == {"calories": "250", "sodiumContent": "400mg"}
    assert focaccia.image == WEBP
    assert focaccia.created_at == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    bread = recipes["Bread"]
    assert bread.data.ingredients == ["1 kg flour"]
    assert bread.data.instructions == []
    assert bread.data.servings == "2"
    assert bread.image == SMALL_WEBP


def test_amounts_switched_off_show_the_note() -> None:
    database = database_v2()
    database["recipe_settings"] = [{"recipe_id": RECIPE_ID, "disable_amount": True}]
    [focaccia] = [
        r
        for r in mealie.read(open_archive(make_zip({"database.json": json.dumps(database).encode()}))).recipes
        if r.data.title == "Focaccia"
    ]
    assert focaccia.data.ingredients == [
        "Dough:",
        "500g flour",
        "plus more",
        "2 tsp salt",
        "Topping:",
        "Flaky salt",
        "3 eggs",  # nothing but amount and food: shown as such
    ]


def test_a_broken_database_is_not_mealie() -> None:
    opened = open_archive(make_zip({"database.json": b'{"recipes": [', "data/.PLACEHOLDER": b""}))
    assert not mealie.matches(opened)
    assert mealie.read(opened).recipes == []


# --- Recipes in the API's shape ----------------------------------------------------------------------

API_RECIPE: dict[str, Any] = {
    "id": "5f3c",
    "userId": "u",
    "groupId": "g",
    "name": "Chili",
    "slug": "chili",
    "image": "abc",
    "recipeYield": "6 servings",
    "totalTime": "1 Hour 15 Minutes",
    "prepTime": "15 Minutes",
    "cookTime": None,
    "performTime": "1 Hour",
    "description": "Hearty.",
    "recipeCategory": [{"id": "1", "name": "Dinner", "slug": "dinner"}],
    "tags": [{"id": "2", "name": "Spicy", "slug": "spicy"}, {"name": "Dinner"}],
    "tools": [{"name": "Pot"}],
    "rating": 4,
    "orgURL": "https://example.com/chili",
    "dateAdded": "2023-01-02",
    "createdAt": "2023-01-02T03:04:05",
    "settings": {"disableAmount": False},
    "recipeIngredient": [
        {"title": "Base", "note": "", "unit": {"name": "pound"}, "food": {"name": "beef"}, "quantity": 2},
        {"note": "1 onion, diced", "unit": None, "food": None, "quantity": 1, "originalText": "1 onion, diced"},
        {"display": "2 cans beans", "note": "", "quantity": 2, "unit": {"name": "can"}, "food": {"name": "bean"}},
    ],
    "recipeInstructions": [
        {"id": "a", "title": "", "text": "1. Brown the beef.", "ingredientReferences": []},
        {"id": "b", "title": "Simmer", "text": "2. Add the rest and simmer.", "ingredientReferences": []},
    ],
    "nutrition": {"calories": "400", "proteinContent": "30 g", "fatContent": None},
    "notes": [{"title": "Leftovers", "text": "Keeps 3 days."}, {"title": "", "text": "Freezes well."}],
    "extras": {"source": "grandma"},
}


def test_a_single_recipe_json() -> None:
    opened = open_archive(json.dumps(API_RECIPE).encode(), "chili.json")
    assert mealie.matches(opened)
    assert not paprika.matches(opened) and not tandoor.matches(opened)
    result = mealie.read(opened)
    assert result.format == "Mealie"
    [recipe] = result.recipes
    data = recipe.data
    assert data.title == "Chili"
    assert data.ingredients == ["Base:", "2 pound beef", "1 onion, diced", "2 cans beans"]
    assert data.instructions == ["Brown the beef.", "Simmer: Add the rest and simmer."]
    assert (data.prep_time, data.cook_time, data.total_time) == (15, 60, 75)
    assert data.servings == "6 servings"
    assert data.source_url == "https://example.com/chili"
    assert data.tags == ["spicy", "dinner"]
    assert data.notes == "Leftovers: Keeps 3 days.\n\nFreezes well."
    assert data.nutrition == {"calories": "400", "proteinContent": "30 g"}
    assert recipe.created_at == datetime(2023, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert recipe.where == "chili.json"


def test_a_recipe_zip_export_with_snake_case_keys() -> None:
    # Mealie's "download as zip": <slug>.json (the model dumped without aliases) and original.webp
    snake = {
        "id": "5f3c",
        "user_id": "u",
        "group_id": "g",
        "name": "Chili",
        "slug": "chili",
        "recipe_yield": "6 servings",
        "total_time": "1 Hour 15 Minutes",
        "prep_time": "15 Minutes",
        "perform_time": "1 Hour",
        "recipe_category": [{"name": "Dinner"}],
        "tags": [],
        "org_url": "https://example.com/chili",
        "settings": {"disable_amount": True},
        "recipe_ingredient": [
            {"note": "2 lb beef", "quantity": 1.0, "unit": None, "food": None, "original_text": None},
            {"note": "1 onion", "quantity": 1.0, "unit": None, "food": None, "disable_amount": True},
        ],
        "recipe_instructions": [{"title": None, "text": "Brown the beef."}, {"text": "Simmer."}],
        "nutrition": {"calories": "400", "fat_content": "20 g", "protein_content": None},
        "notes": [],
        "created_at": "2024-02-03T04:05:06.123456",
    }
    opened = open_archive(make_zip({"chili.json": json.dumps(snake).encode(), "original.webp": WEBP}))
    assert mealie.matches(opened)
    [recipe] = mealie.read(opened).recipes
    data = recipe.data
    assert data.ingredients == ["2 lb beef", "1 onion"]
    assert data.instructions == ["Brown the beef.", "Simmer."]
    assert (data.prep_time, data.cook_time, data.total_time) == (15, 60, 75)
    assert (data.servings, data.source_url, data.tags) == ("6 servings", "https://example.com/chili", ["dinner"])
    assert data.nutrition == {"calories": "400", "fatContent": "20 g"}
    assert recipe.image == WEBP
    assert recipe.created_at == datetime(2024, 2, 3, 4, 5, 6, 123456, tzinfo=UTC)


def test_a_zip_of_slug_folders_with_pictures() -> None:
    soup = {"name": "Soup", "slug": "soup", "recipeIngredient": ["Water"], "recipeInstructions": [{"text": "Boil."}]}
    export = make_zip(
        {
            "chili/chili.json": json.dumps(API_RECIPE).encode(),
            "chili/images/original.webp": WEBP,
            "chili/images/min-original.webp": SMALL_WEBP,
            "soup/soup.json": json.dumps(soup).encode(),
        }
    )
    opened = open_archive(export)
    assert mealie.matches(opened)
    recipes = by_title(mealie.read(opened).recipes)
    assert recipes["Chili"].image == WEBP
    assert recipes["Soup"].image is None
    assert recipes["Soup"].data.ingredients == ["Water"]


def test_a_mealie_0x_backup() -> None:
    old = {
        "name": "Pancakes",
        "slug": "pancakes",
        "description": "",
        "recipeYield": "4",
        "recipeIngredient": ["2 cups flour", "2 eggs", "<b>1 cup</b> milk"],
        "recipeInstructions": [{"title": "", "text": "Whisk."}, {"text": "Fry."}],
        "tags": ["Breakfast"],
        "recipeCategory": ["Sweet", "Breakfast"],
        "notes": [{"title": "Tip", "text": "Rest the batter."}],
        "nutrition": {"calories": "300", "fatContent": None},
        "orgURL": None,
        "dateAdded": "2021-03-04",
        "totalTime": "30 min",
        "prepTime": None,
        "performTime": "20",
    }
    export = make_zip(
        {
            "recipes/pancakes.json": json.dumps(old).encode(),
            "recipes/broken.json": b"{not json",
            "images/pancakes/original.webp": WEBP,
            "settings/settings.json": json.dumps({"language": "en"}).encode(),
            "themes/themes.json": json.dumps([{"name": "default", "colors": {}}]).encode(),
        }
    )
    opened = open_archive(export)
    assert mealie.matches(opened)
    result = mealie.read(opened)
    [recipe] = result.recipes
    assert [(s.where, s.reason) for s in result.skipped] == [("recipes/broken.json", "This file is not valid JSON.")]
    data = recipe.data
    assert data.ingredients == ["2 cups flour", "2 eggs", "1 cup milk"]
    assert data.instructions == ["Whisk.", "Fry."]
    assert data.tags == ["breakfast", "sweet"]
    assert data.notes == "Tip: Rest the batter."
    assert data.nutrition == {"calories": "300"}
    assert (data.prep_time, data.cook_time, data.total_time) == (None, 20, 30)
    assert data.servings == "4"
    assert recipe.image == WEBP
    assert recipe.created_at == datetime(2021, 3, 4, tzinfo=UTC)


def test_schema_org_json_is_not_mealie() -> None:
    schema_org = {
        "@context": "https://schema.org",
        "@type": "Recipe",
        "name": "Soup",
        "recipeIngredient": ["Water"],
        "recipeInstructions": [{"@type": "HowToStep", "text": "Boil."}],
    }
    assert not mealie.matches(open_archive(json.dumps(schema_org).encode()))
    assert not mealie.matches(open_archive(make_zip({"Soup/recipe.json": json.dumps(schema_org).encode()})))


# --- Shared text helpers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        "Crème brûlée".encode(),
        "\ufeffCrème brûlée".encode(),
        "Crème brûlée".encode("utf-16"),
        "Crème brûlée".encode("utf-16-le"),
        "Crème brûlée".encode("cp1252"),
    ],
)
def test_decode_text(data: bytes) -> None:
    assert decode_text(data) == "Crème brûlée"


def test_html_to_text() -> None:
    assert html_to_text("<p>One &amp; two</p><p>Three<br/>four</p>") == "One & two\n\nThree\nfour"
    assert html_to_text("Plain\ntext\n\n\n\nkept") == "Plain\ntext\n\nkept"
    assert html_to_text("<ul><li>a</li><li><b>b</b></li></ul>") == "a\n\nb"
    assert html_to_text("5 < 6 and 2 <3") == "5 < 6 and 2 <3"
    assert html_to_text(None) == ""
