"""Our own export file read back: the real export, and hand-written files in its shape."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from recipes.importing.files.archive import open_archive
from recipes.importing.files.formats import native
from recipes.importing.files.parsed import FileRejected

from .archives import zip_of
from .conftest import Client, create_recipe
from .test_pictures import photo, post_recipe

NEXTCLOUD_SAMPLE = Path(__file__).parent / "data" / "exports" / "nextcloud-cookbook.zip"


def recipe_object(**fields: Any) -> dict[str, Any]:
    return {
        "id": 12,
        "title": "Tomato soup",
        "description": "A warming soup.\n\nSecond paragraph.",
        "ingredients": ["Soup:", "1 kg tomatoes", "1 onion"],
        "instructions": ["Chop the onion.", "Cook the tomatoes\nfor a long time.", "Blend."],
        "servings": "4 bowls",
        "prep_time": 10,
        "cook_time": 30,
        "total_time": None,
        "source_url": "https://example.org/soup",
        "tags": ["soup", "vegetarian"],
        "notes": "Freezes well.\nUp to 3 months.",
        "nutrition": {"calories": "82 kcal"},
        "image_url": "images/12.webp",
        "visibility": "public",
        "created_at": "2024-05-06T07:08:09+00:00",
        "updated_at": "2024-06-01T00:00:00+00:00",
        **fields,
    }


def test_our_own_export_reads_back_as_it_was(alice: Client) -> None:
    response = post_recipe(alice, picture=photo(), title="Pie", tags="baking")
    pie_id = int(response.headers["Location"].rsplit("/", 1)[1])
    soup_id = create_recipe(alice, visibility="public", total_time="55")
    export = alice.get("/recipes/export")
    data = export.data
    export.close()

    archive = open_archive(data, "recipes-alice.zip")
    assert native.matches(archive)
    result = native.read(archive)
    assert result.format == "Recipes export"
    assert result.skipped == []
    pie, soup = result.recipes
    assert pie.id == pie_id and soup.id == soup_id
    assert pie.data.title == "Pie" and pie.data.tags == ["baking"]
    assert pie.image is not None and pie.image[:4] == b"RIFF"  # the picture from images/
    assert soup.image is None
    assert soup.data.title == "Tomato soup"
    assert soup.data.description == "A warming soup."
    assert soup.data.ingredients == ["Soup:", "1 kg tomatoes", "1 onion", "To serve:", "basil"]
    assert soup.data.instructions == ["Chop the onion.", "Cook the tomatoes.", "Blend."]
    assert soup.data.servings == "4 bowls"
    assert (soup.data.prep_time, soup.data.cook_time, soup.data.total_time) == (10, 30, 55)
    assert soup.data.source_url == "https://example.org/soup"
    assert soup.data.tags == ["Soup", "vegetarian"]  # as typed
    assert soup.data.notes == "Freezes well."
    assert soup.data.is_public is True and pie.data.is_public is False
    assert soup.created_at is not None and soup.created_at.tzinfo is not None
    assert soup.updated_at is not None and abs((soup.updated_at - soup.created_at).total_seconds()) < 60


def test_every_field_of_a_hand_written_export() -> None:
    listing = json.dumps([recipe_object()]).encode()
    archive = open_archive(zip_of({"recipes.json": listing, "images/12.webp": b"RIFFpicture"}))
    assert native.matches(archive)
    [recipe] = native.read(archive).recipes
    assert recipe.data.title == "Tomato soup"
    assert recipe.data.description == "A warming soup.\n\nSecond paragraph."
    assert recipe.data.ingredients == ["Soup:", "1 kg tomatoes", "1 onion"]
    assert recipe.data.instructions == ["Chop the onion.", "Cook the tomatoes\nfor a long time.", "Blend."]
    assert recipe.data.notes == "Freezes well.\nUp to 3 months."
    assert recipe.data.nutrition == {"calories": "82 kcal"}
    assert recipe.data.is_public is True
    assert recipe.image == b"RIFFpicture"
    assert recipe.id == 12
    assert recipe.created_at == datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
    assert recipe.updated_at == datetime(2024, 6, 1, tzinfo=UTC)
    assert recipe.where == "recipes.json, recipe 1 (Tomato soup)"


def test_odd_values_are_read_defensively() -> None:
    objects = [
        recipe_object(
            id="7",
            servings=6,
            prep_time="15",
            cook_time=0,
            total_time="PT1H",
            tags="Soup, Quick ,soup",
            nutrition={"calories": 120, "fat": None, "": "x"},
            image_url="https://elsewhere.example/pic.jpg",
            visibility=None,
            is_public=True,
            created_at="yesterday",
            updated_at=None,
            source_url="ftp://example.org/x",
            description=None,
            notes=None,
        ),
        recipe_object(image_url="images/missing.webp", visibility="private", ingredients=["a", 3, None, " "]),
        "not an object",
        recipe_object(title=""),
        recipe_object(title=None),
    ]
    result = native.read(open_archive(json.dumps(objects).encode(), "recipes.json"))
    first, second = result.recipes
    assert first.id is None
    assert first.data.servings == "6"
    assert (first.data.prep_time, first.data.cook_time, first.data.total_time) == (15, 0, 60)
    assert first.data.tags == ["Soup", "Quick"]  # as typed, one of each
    assert first.data.nutrition == {"calories": "120"}
    assert first.image is None
    assert first.data.is_public is True
    assert first.created_at is None and first.updated_at is None
    assert first.data.source_url == "" and first.data.description == "" and first.data.notes == ""
    assert second.image is None and second.data.is_public is False
    assert second.data.ingredients == ["a", "3"]
    assert [(s.where, s.reason) for s in result.skipped] == [
        ("recipes.json, recipe 3", "not a recipe object"),
        ("recipes.json, recipe 4", "it has no title"),
        ("recipes.json, recipe 5", "it has no title"),
    ]


@pytest.mark.parametrize(
    "document",
    [
        recipe_object(),  # GET /api/v1/recipes/<id>
        {"items": [recipe_object()], "total": 1, "page": 1, "per_page": 20},  # GET /api/v1/recipes
    ],
)
def test_api_answers_saved_as_files(document: Any) -> None:
    archive = open_archive(json.dumps(document).encode(), "answer.json")
    assert native.matches(archive)
    [recipe] = native.read(archive).recipes
    assert recipe.data.title == "Tomato soup"
    assert recipe.image is None  # no picture in a lone file


def test_an_unpacked_export_zipped_again_and_windows_1252() -> None:
    listing = json.dumps([recipe_object(title="Crème brûlée")], ensure_ascii=False).encode("cp1252")
    archive = open_archive(zip_of({"export/recipes.json": listing, "export/images/12.webp": b"pic"}))
    assert native.matches(archive)
    [recipe] = native.read(archive).recipes
    assert recipe.data.title == "Crème brûlée"
    assert recipe.image == b"pic"


def test_an_empty_export() -> None:
    archive = open_archive(zip_of({"recipes.json": b"[\n]\n"}))
    assert native.matches(archive)
    assert native.read(archive).recipes == []
    assert not native.matches(open_archive(b"[]", "other.json"))


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (json.dumps([{"@type": "Recipe", "name": "x", "recipeIngredient": []}]).encode(), "recipes.json"),
        (json.dumps([{"title": "x", "ingredients": "a\nb", "instructions": []}]).encode(), "recipes.json"),
        (json.dumps({"title": "x"}).encode(), "x.json"),
        (b'[{"title": "x", "ingredients": [], ', "recipes.json"),
        (b"<html></html>", "recipes.json"),
        (NEXTCLOUD_SAMPLE.read_bytes(), "cookbook.zip"),
    ],
)
def test_other_files_are_not_ours(content: bytes, name: str) -> None:
    assert not native.matches(open_archive(content, name))


def test_a_broken_listing_is_refused_as_a_whole() -> None:
    archive = open_archive(zip_of({"recipes.json": b'[{"title": "x", "ingredients": [], "instructions": []}, {'}))
    assert native.matches(archive)  # judged from its start
    with pytest.raises(FileRejected, match="not valid JSON"):
        native.read(archive)
