"""Nextcloud Cookbook folders, zipped: the real sample and fixtures written from its format."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from recipes.importing.files.archive import open_archive
from recipes.importing.files.formats import nextcloud, schemaorg
from recipes.importing.files.parsed import Archive

from .archives import zip_of

SAMPLE = Path(__file__).parent / "data" / "exports" / "nextcloud-cookbook.zip"


def recipe_json(**fields: Any) -> bytes:
    return json.dumps({"@context": "http://schema.org", "@type": "Recipe", **fields}).encode()


def sample() -> Archive:
    return open_archive(SAMPLE.read_bytes(), "nextcloud-cookbook.zip")


def test_the_sample_is_recognised() -> None:
    assert nextcloud.matches(sample())


def test_the_sample_recipes_exactly() -> None:
    archive = sample()
    result = nextcloud.read(archive)
    assert result.format == "Nextcloud Cookbook"
    assert result.skipped == []
    assert [r.where for r in result.recipes] == ["Air Fryer Shrimp", "Chicken Parmigiana", "Skillet Shepherd's Pie"]
    shrimp, chicken, pie = result.recipes

    assert shrimp.data.title == "Air Fryer Shrimp"
    assert shrimp.data.description.startswith("These Air Fryer Shrimp are plump, juicy and perfectly seasoned!")
    assert shrimp.data.ingredients == [
        "1 lb shrimp",
        "2 teaspoons olive oil",
        "½ teaspoon garlic powder",
        "¼ teaspoon paprika",
        "½ teaspoon Italian seasoning",
        "½ teaspoon salt",
        "¼ teaspoon black pepper",
    ]
    assert shrimp.data.instructions == [
        "Cleaning the shrimp by removing shells and veins. Run under tap water, then pat dry with paper towel.",
        "Mix oil with seasoning in a small bowl.",
        "Brush shrimp with seasoning mixture on both sides.",
        "Arrange shrimp in air fryer basket or rack, in a single layer.",
        "Cook at 400 degrees F for 8 minutes (no need to turn them).",
        "Serve.",
    ]
    assert shrimp.data.servings == "4"
    assert (shrimp.data.prep_time, shrimp.data.cook_time, shrimp.data.total_time) == (15, 8, 23)
    assert shrimp.data.tags == ["main course", "american", "air fryer shrimp"]
    assert shrimp.data.source_url == "https://www.crunchycreamysweet.com/air-fryer-shrimp/"
    assert shrimp.data.nutrition["calories"] == "134 kcal"
    assert shrimp.data.nutrition["servingSize"] == "1 serving"
    assert "@type" not in shrimp.data.nutrition
    assert shrimp.data.notes == ""  # "tool": [] adds nothing
    assert shrimp.image == archive.read("Air Fryer Shrimp/full.jpg")
    assert shrimp.created_at is None

    assert chicken.data.title == "Chicken Parmigiana"
    assert chicken.data.instructions[0] == (
        "Preheat oven to 350 degrees F (175 degrees C). Lightly grease a medium baking sheet."
    )
    assert len(chicken.data.instructions) == 3
    assert chicken.data.ingredients[3] == "¾ (16 ounce) jar spaghetti sauce"
    assert (chicken.data.prep_time, chicken.data.cook_time, chicken.data.total_time) == (30, 60, 90)
    assert chicken.data.servings == "2"
    assert chicken.data.tags == ["world cuisine recipes"]
    assert chicken.data.source_url == "https://www.allrecipes.com/recipe/8975/chicken-parmigiana/"
    assert "servingSize" not in chicken.data.nutrition  # null values are dropped
    assert chicken.image == archive.read("Chicken Parmigiana/full.jpg")

    assert pie.data.title == "Skillet Shepherd's Pie"
    assert len(pie.data.ingredients) == 18
    assert pie.data.ingredients[-1] == "1 tbsp parsley (fresh, for garnish)"
    assert len(pie.data.instructions) == 8
    assert pie.data.servings == "1"
    assert (pie.data.prep_time, pie.data.cook_time, pie.data.total_time) == (15, 70, 85)
    assert pie.data.tags == ["main course", "american", "cottage pie", "shepherd's pie", "skillet shepherd's pie"]
    assert pie.data.source_url == "https://www.jocooks.com/recipes/skillet-shepherds-pie/"
    assert pie.image is None  # no picture in its folder; the image URL is not fetched
    assert pie.created_at is None  # "dateCreated": "0"


def test_folders_inside_a_parent_folder_and_nextclouds_own_fields() -> None:
    files = {
        "Recipes/Lentil Soup/recipe.json": recipe_json(
            id="17",
            name="Lentil Soup",
            description="Hearty.",
            url="https://soup.example/lentils",
            image="https://soup.example/lentils.jpg",
            imageUrl="/apps/cookbook/recipes/17/image?size=full",
            prepTime="PT0H10M",
            cookTime="PT0H35M",
            totalTime=None,
            recipeYield=6,
            recipeCategory="Soups",
            keywords="vegan,winter, lentils",
            tool=["Large pot", "Blender"],
            recipeIngredient=["200 g red lentils", "1 onion"],
            recipeInstructions=[{"@type": "HowToStep", "text": "Sweat the onion."}, "Add the lentils."],
            dateCreated="2022-11-05T10:00:00+0000",
            dateModified="1607461134",
            printImage=False,
        ),
        "Recipes/Lentil Soup/full.jpg": b"full picture",
        "Recipes/Lentil Soup/thumb.jpg": b"thumb",
        "Recipes/Lentil Soup/thumb16.jpg": b"tiny",
    }
    archive = open_archive(zip_of(files), "cookbook.zip")
    assert nextcloud.matches(archive)
    [soup] = nextcloud.read(archive).recipes
    assert soup.where == "Recipes/Lentil Soup"
    assert soup.data.title == "Lentil Soup"
    assert soup.data.ingredients == ["200 g red lentils", "1 onion"]
    assert soup.data.instructions == ["Sweat the onion.", "Add the lentils."]
    assert (soup.data.prep_time, soup.data.cook_time, soup.data.total_time) == (10, 35, None)
    assert soup.data.servings == "6"
    assert soup.data.tags == ["soups", "vegan", "winter", "lentils"]
    assert soup.data.notes == "Tools: Large pot, Blender"
    assert soup.data.source_url == "https://soup.example/lentils"
    assert soup.image == b"full picture"
    assert soup.created_at == datetime(2022, 11, 5, 10, 0, tzinfo=UTC)


def test_picture_fallbacks_and_a_unix_time_creation_date() -> None:
    files = {
        "A/recipe.json": recipe_json(name="A", recipeIngredient=["a"], dateCreated="1607461134"),
        "A/photo.png": b"png picture",
        "A/thumb.jpg": b"thumb",
        "B/recipe.json": recipe_json(name="B", recipeIngredient=["b"]),
        "B/thumb16.jpg": b"tiny",
        "B/thumb.jpg": b"thumb B",
        "C/recipe.json": recipe_json(name="C", recipeIngredient=["c"], image="pictures/c.jpg"),
        "C/pictures/c.jpg": b"C picture",
    }
    result = nextcloud.read(open_archive(zip_of(files)))
    pictures = {r.data.title: r.image for r in result.recipes}
    assert pictures == {"A": b"png picture", "B": b"thumb B", "C": b"C picture"}
    assert result.recipes[0].created_at == datetime(2020, 12, 8, 20, 58, 54, tzinfo=UTC)


def test_broken_and_odd_recipes_are_skipped_or_mended() -> None:
    files = {
        "Good/recipe.json": recipe_json(name="Good", recipeIngredient="1 egg\n2 eggs", recipeYield="0"),
        "Broken/recipe.json": b'{"@type": "Recipe", "name": "Broken", ',
        "Listing/recipe.json": b"[1, 2]",
        "Empty/recipe.json": recipe_json(),
        "No Name Here/recipe.json": recipe_json(name="", recipeInstructions=["Stir."]),
    }
    result = nextcloud.read(open_archive(zip_of(files)))
    assert [r.data.title for r in result.recipes] == ["Good", "No Name Here"]
    good = result.recipes[0].data
    assert good.ingredients == ["1 egg", "2 eggs"]
    assert good.servings == ""  # a yield of 0 means "not set"
    assert {s.where: s.reason.split(" (")[0] for s in result.skipped} == {
        "Broken": "recipe.json is not valid JSON",
        "Listing": "recipe.json does not hold a recipe",
        "Empty": "recipe.json has no name, ingredients or steps",
    }


def test_windows_1252_recipe_json() -> None:
    raw = '{"@type": "Recipe", "name": "Gâteau", "recipeIngredient": ["250 g crème"]}'.encode("cp1252")
    [recipe] = nextcloud.read(open_archive(zip_of({"Gâteau/recipe.json": raw}))).recipes
    assert recipe.data.title == "Gâteau"
    assert recipe.data.ingredients == ["250 g crème"]


def test_other_files_named_recipe_json_are_not_nextcloud() -> None:
    tandoor_like = json.dumps({"name": "x", "steps": [{"instruction": "y"}], "keywords": []}).encode()
    assert not nextcloud.matches(open_archive(zip_of({"x/recipe.json": tandoor_like})))
    assert not nextcloud.matches(open_archive(zip_of({"x/other.json": recipe_json(name="x")})))
    assert not nextcloud.matches(open_archive(b"not json", "recipe.json"))


def test_the_schemaorg_mapping_is_shared() -> None:
    """The generic reader sees the same recipes (it comes after this one in the list)."""
    generic = schemaorg.read(sample())
    assert [r.data for r in generic.recipes] == [r.data for r in nextcloud.read(sample()).recipes]
