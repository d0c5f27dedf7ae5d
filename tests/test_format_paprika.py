"""Paprika exports: the shared sample, single recipes, odd values, broken entries."""

from __future__ import annotations

import base64
import gzip
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from recipes.importing.files.archive import open_archive
from recipes.importing.files.formats import mealie, paprika, tandoor
from recipes.importing.files.formats.common import minutes
from recipes.importing.files.parsed import FileRejected, ParsedRecipe

from .archives import zip_of as make_zip

EXPORTS = Path(__file__).parent / "data" / "exports"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def paprikarecipe(**fields: Any) -> bytes:
    return gzip.compress(json.dumps(fields).encode())


def by_title(recipes: list[ParsedRecipe]) -> dict[str, ParsedRecipe]:
    return {r.data.title: r for r in recipes}


# --- The shared sample ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample() -> dict[str, ParsedRecipe]:
    opened = open_archive((EXPORTS / "paprika.zip").read_bytes(), "paprika.zip")
    assert paprika.matches(opened)
    result = paprika.read(opened)
    assert result.format == "Paprika"
    assert result.skipped == []
    return by_title(result.recipes)


def test_sample_has_every_recipe_and_no_litter(sample: dict[str, ParsedRecipe]) -> None:
    assert sorted(sample) == [
        "Zucchini Rolls with Goat Cheese and Mint",
        "Zucchini-Kartoffel-Frittata",
        "Zucchinipuffer",
        "Zweimal gebratenes Hähnchen mit Gemüse und Nudeln",
        "Zwiebelrostbraten mit selbstgemachten Spätzle",
    ]


def test_sample_recipe_in_full(sample: dict[str, ParsedRecipe]) -> None:
    recipe = sample["Zucchini Rolls with Goat Cheese and Mint"]
    data = recipe.data
    assert data.ingredients[0] == "1 small bunch fresh chives"
    assert data.ingredients[-2:] == ["Type of fire: Direct", "Grill heat: high"]
    assert len(data.ingredients) == 12
    assert len(data.instructions) == 4  # numbered paragraphs, numbers dropped
    assert data.instructions[0].startswith("Bring a small saucepan of water to a boil")
    assert data.instructions[3].endswith("Serve warm or at room temperature.")
    assert (data.prep_time, data.cook_time, data.total_time) == (30, 30, None)
    assert data.servings == "about 20 rolls"
    assert data.source_url == "http://www.seriouseats.com/recipes/2012/03/zucchini-rolls-with-goat-cheese-and-mint.html"
    assert data.tags == ["grill", "käse", "vegetarisch", "vorspeißen"]
    assert data.notes == ""
    assert recipe.image is not None and recipe.image.startswith(b"\xff\xd8\xff")  # the JPEG itself
    assert len(recipe.image) == 13592
    assert recipe.created_at == datetime(2014, 7, 3, 8, 5, 58, tzinfo=UTC)
    assert recipe.where == "My Recipes/Zucchini Rolls with Goat Cheese and Mint.paprikarecipe"


def test_sample_section_headers_and_trailing_newline_titles(sample: dict[str, ParsedRecipe]) -> None:
    data = sample["Zwiebelrostbraten mit selbstgemachten Spätzle"].data  # its name ends in "\n" in the file
    assert data.ingredients[0] == "für den Braten:"
    assert "für die Spätzle:" in data.ingredients
    assert data.ingredients[-1] == "Salz"
    assert data.servings == "2"
    assert data.tags == ["basics", "fisch", "fleisch", "nudelgerichte"]
    assert sample["Zucchinipuffer"].data.instructions == [
        "Zucchini und Kartoffeln grob raffeln. Frühlingszwiebel in 5-cm-lange Streifen schneiden und zu der "
        "Gemüsemischung geben. Eier und Mehl dazugeben, gut mischen und mit Salz und Pfeffer würzen. Je 1 EL der "
        "Masse ins heiße Fett geben und 2-3 Minuten goldbraun braten. Sofort mit etwas Creme fraiche servieren."
    ]


def test_other_formats_do_not_claim_the_sample() -> None:
    opened = open_archive((EXPORTS / "paprika.zip").read_bytes())
    assert not mealie.matches(opened)
    assert not tandoor.matches(opened)


def test_other_samples_are_not_paprika() -> None:
    for name in ("mealie-backup.zip", "tandoor.zip", "nextcloud-cookbook.zip"):
        path = EXPORTS / name
        if path.exists():  # the Nextcloud sample is another importer's
            assert not paprika.matches(open_archive(path.read_bytes()))


# --- Files built from the format ----------------------------------------------------------------------


def test_a_single_paprikarecipe_file() -> None:
    data = paprikarecipe(
        name="Pancakes",
        ingredients="2 cups flour\n\n1 egg\r\n1 cup milk",
        directions="Mix.\nFry.",
        categories=["Breakfast"],
        photo_data=base64.b64encode(PNG).decode(),
        created="2020-01-02 03:04:05",
        servings=4,
        uid="ABC",
    )
    opened = open_archive(data, "Pancakes.paprikarecipe")
    assert paprika.matches(opened)
    assert not mealie.matches(opened) and not tandoor.matches(opened)
    result = paprika.read(opened)
    [recipe] = result.recipes
    assert recipe.data.title == "Pancakes"
    assert recipe.data.ingredients == ["2 cups flour", "1 egg", "1 cup milk"]
    assert recipe.data.instructions == ["Mix.", "Fry."]
    assert recipe.data.servings == "4"
    assert recipe.data.tags == ["breakfast"]
    assert recipe.image == PNG
    assert recipe.created_at == datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert recipe.where == "Pancakes.paprikarecipe"


def test_a_file_named_anything_is_recognised_by_content() -> None:
    opened = open_archive(paprikarecipe(name="Soup", ingredients="Water", directions="Boil."), "download")
    assert paprika.matches(opened)
    assert [r.data.title for r in paprika.read(opened).recipes] == ["Soup"]


def test_odd_times_and_missing_fields() -> None:
    export = make_zip(
        {
            "a.paprikarecipe": paprikarecipe(
                name="A", prep_time="1 hr 30 min", cook_time="PT20M", total_time="20", directions="x"
            ),
            "b.paprikarecipe": paprikarecipe(
                name="B", prep_time="15 mins", cook_time="1:15", total_time="about 2 hours", ingredients="y"
            ),
            "c.paprikarecipe": paprikarecipe(
                name="C",
                prep_time="",
                cook_time=None,
                total_time="overnight",
                ingredients=None,
                directions=None,
                categories=None,
                servings=None,
                photo_data=None,
                source_url="not a url",
                created="yesterday",
            ),
            "d.paprikarecipe": paprikarecipe(name="D", ingredients="z", prep_time=25, cook_time="45 Minuten"),
        }
    )
    recipes = by_title(paprika.read(open_archive(export)).recipes)
    times = {title: (r.data.prep_time, r.data.cook_time, r.data.total_time) for title, r in recipes.items()}
    assert times == {
        "A": (90, 20, 20),
        "B": (15, 75, 120),
        "C": (None, None, None),
        "D": (25, 45, None),
    }
    c = recipes["C"]
    assert (c.data.ingredients, c.data.instructions, c.data.tags, c.data.servings) == ([], [], [], "")
    assert (c.image, c.created_at, c.data.source_url) == (None, None, "")


def test_notes_nutrition_html_photos_and_source() -> None:
    export = make_zip(
        {
            "Recipes/x.paprikarecipe": paprikarecipe(
                name="Stew &amp; Dumplings",
                description="<p>A winter <b>classic</b>.</p>",
                ingredients="FOR THE STEW:\n1 kg beef\nFor the dumplings:\n200 g flour",
                directions="<ol><li>Brown the beef.</li><li>Simmer for 2 hours.</li></ol>",
                notes="Freezes well.\n\nBetter the next day.",
                nutritional_info="Calories: 450 kcal\nFat: 20 g\nHigh in protein",
                servings="4-6",
                source="https://example.com/stew",
                source_url="",
                photo_data="",
                photos=[{"filename": "x.png", "data": base64.b64encode(PNG).decode()}],
                rating=5,
            )
        }
    )
    [recipe] = paprika.read(open_archive(export)).recipes
    data = recipe.data
    assert data.title == "Stew & Dumplings"
    assert data.description == "A winter classic."
    assert data.ingredients == ["FOR THE STEW:", "1 kg beef", "For the dumplings:", "200 g flour"]
    assert data.instructions == ["Brown the beef.", "Simmer for 2 hours."]
    assert data.notes == "Freezes well.\n\nBetter the next day.\n\nNutrition:\nHigh in protein"
    assert data.nutrition == {"Calories": "450 kcal", "Fat": "20 g"}
    assert data.servings == "4-6"
    assert data.source_url == "https://example.com/stew"
    assert recipe.image == PNG
    assert recipe.where == "Recipes/x.paprikarecipe"


def test_a_broken_entry_is_skipped_and_the_rest_imported() -> None:
    export = make_zip(
        {
            "good.paprikarecipe": paprikarecipe(name="Good", ingredients="a", directions="b"),
            "bad-json.paprikarecipe": gzip.compress(b'{"name": "Bad", "ingredients": '),
            "truncated.paprikarecipe": paprikarecipe(name="Cut", ingredients="a", directions="b")[:30],
            "nameless.paprikarecipe": paprikarecipe(name="", ingredients="a", directions="b"),
            "README.txt": b"Exported from Paprika",
        }
    )
    opened = open_archive(export)
    assert paprika.matches(opened)
    result = paprika.read(opened)
    assert [r.data.title for r in result.recipes] == ["Good"]
    assert {s.where: s.reason for s in result.skipped} == {
        "bad-json.paprikarecipe": "This recipe is damaged (not readable gzip-compressed JSON).",
        "truncated.paprikarecipe": "This recipe is damaged (not readable gzip-compressed JSON).",
        "nameless.paprikarecipe": "This recipe has no name.",
    }


def test_a_paprikarecipes_inside_a_zip() -> None:
    inner = make_zip({f"{n}.paprikarecipe": paprikarecipe(name=n, ingredients="x") for n in ("One", "Two")})
    opened = open_archive(make_zip({"backup/My Recipes.paprikarecipes": inner}))
    assert paprika.matches(opened)
    result = paprika.read(opened)
    assert [r.data.title for r in result.recipes] == ["One", "Two"]
    assert result.recipes[0].where == "backup/My Recipes.paprikarecipes/One.paprikarecipe"


def test_uncompressed_json_is_read_too() -> None:
    opened = open_archive(json.dumps({"name": "Plain", "ingredients": "x", "directions": "y"}).encode(), "a.json")
    assert paprika.matches(opened)
    assert [r.data.title for r in paprika.read(opened).recipes] == ["Plain"]


def test_a_gzip_bomb_inside_refuses_the_file() -> None:
    bomb = gzip.compress(b'{"name": "x", "notes": "' + bytes(50 * 1024**2), compresslevel=1)
    export = make_zip({"bomb.paprikarecipe": bomb})
    with pytest.raises(FileRejected):
        paprika.read(open_archive(export))


def test_json_that_is_not_paprika_is_not_claimed() -> None:
    schema_org = {"@context": "https://schema.org", "@type": "Recipe", "name": "x", "recipeIngredient": ["a"]}
    assert not paprika.matches(open_archive(json.dumps(schema_org).encode()))
    assert not paprika.matches(open_archive(b"\x1f\x8b not gzip at all"))
    assert not paprika.matches(open_archive(make_zip({"photo.jpg": b"\xff\xd8\xff"})))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15 mins", 15),
        ("1 hr 30 min", 90),
        ("1 hour 30 minutes", 90),
        ("1h30", 90),
        ("1:30", 90),
        ("PT20M", 20),
        ("PT1H30M", 90),
        ("P0DT2H", 120),
        ("20", 20),
        ("1½ hours", 90),
        ("1 1/2 hours", 90),
        ("10-15 minutes", 15),
        ("2 Std.", 120),
        ("1 day", 1440),
        ("", None),
        ("overnight", None),
        ("0", None),
        ("-5", None),
        (None, None),
        (True, None),
        (42, 42),
        (12.6, 13),
        (10**9, 100_000),
    ],
)
def test_minutes(text: Any, expected: int | None) -> None:
    assert minutes(text) == expected
