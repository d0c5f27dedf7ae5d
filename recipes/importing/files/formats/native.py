"""Our own export: a zip with `recipes.json` (a list of recipe objects exactly as the API
gives them: id, title, description, ingredients, instructions, servings, prep_time,
cook_time, total_time, source_url, tags, notes, nutrition, image_url, visibility,
created_at, updated_at, the exporter's rating, favourite and cooking_log) and the pictures,
`image_url` being their path in the zip ("images/12.webp") or null. The rating, favourite
and log become the importing account's (ratings/transfer.py).

Also read: `recipes.json` on its own, any JSON file holding such a list, one recipe object
(`GET /api/v1/recipes/<id>`) or a page of them (`{"items": [...]}` from the list endpoint).

Our own data is taken as it is: text keeps its line breaks, ingredient lines and steps
are not re-split, times of 0 stay 0. Ids and dates come along so a restore keeps them.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Mapping
from typing import Any

from ....cookbook import limits
from ....cookbook.recipe_text import unique_tag_labels
from ....cookbook.services import RecipeData
from ....models import PRIVATE, PUBLIC, VISIBILITIES
from ....ratings.transfer import carried_marks
from ..parsed import Archive, FileRejected, ParsedRecipe, ReadResult, Skipped
from .common import decode_text, http_url, minutes, parse_datetime, servings, title
from .schemaorg import local_image

NAME = "Recipes export"

RECIPES_FILE = "recipes.json"
_JSON_SUFFIXES = (".json",)


def is_recipe_object(value: Any) -> bool:
    """Our recipe object's shape: a title, and ingredients and instructions as lists."""
    return (
        isinstance(value, Mapping)
        and "title" in value
        and isinstance(value.get("ingredients"), list)
        and isinstance(value.get("instructions"), list)
    )


def _listing_name(archive: Archive) -> str | None:
    """recipes.json at the top (or in one folder: a zip of the unpacked export), else the
    only file when it is JSON (judged by its content)."""
    names = archive.names()
    for name in names:
        if name == RECIPES_FILE or (name.endswith("/" + RECIPES_FILE) and name.count("/") == 1):
            return name
    if len(names) == 1:
        return names[0]
    return None


def _objects(document: Any) -> list[Any] | None:
    """The recipe objects a parsed file holds, or None when it is not our shape."""
    if isinstance(document, list):
        return document
    if isinstance(document, Mapping):
        if is_recipe_object(document):
            return [document]
        items = document.get("items")
        if isinstance(items, list) and (not items or is_recipe_object(items[0])):
            return items
    return None


def _looks_native(name: str, content: str) -> bool:
    """Judged from the start of the file: a list whose first element is one of our recipe
    objects (or an empty list in a file named recipes.json), or such an object or page."""
    body = content.lstrip()
    decoder = json.JSONDecoder(strict=False)
    if body.startswith("["):
        rest = body[1:].lstrip()
        if rest.startswith("]"):
            return posixpath.basename(name) == RECIPES_FILE
        try:
            first, _end = decoder.raw_decode(rest)
        except (ValueError, RecursionError):
            return False
        return is_recipe_object(first)
    if body.startswith("{"):
        try:
            document = json.loads(body, strict=False)
        except (ValueError, RecursionError):
            return False
        objects = _objects(document)
        return bool(objects) and is_recipe_object(objects[0]) if objects is not None else False
    return False


def matches(archive: Archive) -> bool:
    name = _listing_name(archive)
    if name is None:
        return False
    return _looks_native(name, decode_text(archive.read(name)))


def _plain(value: Any) -> str:
    """Our own text, as it was (line breaks kept); numbers as written; "" for null."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _lines(value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.split("\n")
    if not isinstance(value, list):
        return []
    return [line for line in map(_plain, value) if line]


def _tags(value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        return []
    names = [item.get("name") if isinstance(item, Mapping) else item for item in value]
    # Our own export: the tags as their owner typed them.
    return unique_tag_labels(name for name in names if isinstance(name, str))


def _nutrition(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        return {}
    facts = {str(key).strip(): _plain(fact) for key, fact in value.items() if isinstance(key, str)}
    return {key: fact for key, fact in facts.items() if key and fact}


def _id(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31:
        return value
    return None


def _visibility(obj: Mapping[str, Any]) -> str:
    """Who could see it where it was exported from: kept (an export restored is as it was);
    anything unknown is private. An older export said `is_public`."""
    visibility = obj.get("visibility")
    if isinstance(visibility, str):
        value = visibility.strip().lower()
        return value if value in VISIBILITIES else PRIVATE
    return PUBLIC if obj.get("is_public") is True else PRIVATE


def recipe_from_object(obj: Mapping[str, Any]) -> RecipeData:
    return RecipeData(
        title=title(obj.get("title")),
        description=_plain(obj.get("description")),
        ingredients=_lines(obj.get("ingredients")),
        instructions=_lines(obj.get("instructions")),
        servings=servings(obj.get("servings")),
        prep_time=minutes(obj.get("prep_time"), keep_zero=True),
        cook_time=minutes(obj.get("cook_time"), keep_zero=True),
        total_time=minutes(obj.get("total_time"), keep_zero=True),
        source_url=http_url(obj.get("source_url")),
        notes=_plain(obj.get("notes")),
        tags=_tags(obj.get("tags")),
        visibility=_visibility(obj),
        nutrition=_nutrition(obj.get("nutrition")),
        # Our own export's readings: corrections a person made come back with their lines
        # (each is checked field by field when the recipe is written; the rest is read again).
        ingredient_readings=_readings(obj.get("ingredient_details")),
    )


def _readings(value: object) -> list[dict[str, Any]]:
    return (
        [item for item in value if isinstance(item, dict)][: limits.INGREDIENTS_MAX] if isinstance(value, list) else []
    )


def read(archive: Archive) -> ReadResult:
    name = _listing_name(archive)
    if name is None:
        raise FileRejected(f"There is no {RECIPES_FILE} in this file.")
    try:
        document = json.loads(decode_text(archive.read(name)), strict=False)
    except (ValueError, RecursionError) as error:
        raise FileRejected(f"{name} is not valid JSON ({error}).") from None
    objects = _objects(document)
    if objects is None:
        raise FileRejected(f"{name} does not hold a list of recipes.")
    names = set(archive.names())
    result = ReadResult(format=NAME)
    for number, obj in enumerate(objects, start=1):
        where = f"{name}, recipe {number}"
        if not isinstance(obj, Mapping):
            result.skipped.append(Skipped(where, "not a recipe object"))
            continue
        data = recipe_from_object(obj)
        if not data.title:
            result.skipped.append(Skipped(where, "it has no title"))
            continue
        image_path = obj.get("image_url")
        image = local_image(archive, name, image_path, names) if isinstance(image_path, str) else None
        result.recipes.append(
            ParsedRecipe(
                data=data,
                image=image,
                where=f"{where} ({data.title})",
                created_at=parse_datetime(obj.get("created_at")),
                updated_at=parse_datetime(obj.get("updated_at")),
                id=_id(obj.get("id")),
                marks=carried_marks(obj) or None,
            )
        )
    return result
