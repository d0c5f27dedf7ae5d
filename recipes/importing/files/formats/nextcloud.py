"""Nextcloud Cookbook: its recipe folder, zipped. One folder per recipe (the folder's name is
the recipe's), each with `recipe.json` (schema.org Recipe, in Nextcloud's variant: times
like "PT0H15M", `recipeYield` a number, `keywords` comma-separated, `tool` a list, `url`
the source, `image` the original picture's URL, `dateCreated` ISO 8601 or a Unix time,
"0" when unknown) and the picture as `full.jpg` (plus `thumb.jpg` and `thumb16.jpg`). The
folders may sit inside a parent folder ("Recipes/Soup/recipe.json").

The picture comes from the folder: full.jpg, else any other picture in it but the
thumbnails, else the larger thumbnail. The `image` URL is not fetched (a file import never
reaches out to the internet).
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Mapping
from typing import Any

from ..parsed import Archive, FileRejected, ParsedRecipe, ReadResult, Skipped
from .common import decode_text, text, title
from .schemaorg import created_at, image_ref, is_recipe, local_image, recipe_from_schema

NAME = "Nextcloud Cookbook"

RECIPE_FILE = "recipe.json"
_PICTURE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".avif", ".heic")
_THUMBNAILS = ("thumb.jpg", "thumb16.jpg")
_SNIFF_RECIPES = 5


def _recipe_files(archive: Archive) -> list[str]:
    return [name for name in archive.names() if posixpath.basename(name) == RECIPE_FILE]


def _load(archive: Archive, name: str) -> Any:
    return json.loads(decode_text(archive.read(name)), strict=False)


def matches(archive: Archive) -> bool:
    """A zip of folders each holding a recipe.json that is a schema.org Recipe."""
    for name in _recipe_files(archive)[:_SNIFF_RECIPES]:
        try:
            document = _load(archive, name)
        except (ValueError, RecursionError):
            continue
        if isinstance(document, Mapping) and is_recipe(document):
            return True
    return False


def _pictures_by_folder(names: list[str]) -> dict[str, list[str]]:
    folders: dict[str, list[str]] = {}
    for name in names:
        if name.lower().endswith(_PICTURE_SUFFIXES):
            folders.setdefault(posixpath.dirname(name), []).append(name)
    return folders


def _picture_name(pictures: list[str]) -> str | None:
    """full.jpg, else another picture that is not a thumbnail, else the larger thumbnail."""
    by_base = {posixpath.basename(name).lower(): name for name in pictures}
    if "full.jpg" in by_base:
        return by_base["full.jpg"]
    others = [name for base, name in by_base.items() if base not in _THUMBNAILS]
    if others:
        return others[0]
    for thumbnail in _THUMBNAILS:
        if thumbnail in by_base:
            return by_base[thumbnail]
    return None


def _tools(value: Any) -> list[str]:
    items = value if isinstance(value, list) else ([value] if isinstance(value, str) else [])
    names: list[str] = []
    for item in items:
        if isinstance(item, Mapping):
            item = item.get("name") or item.get("text")
        name = text(item)
        if name:
            names.append(name)
    return names


def _read_one(archive: Archive, name: str, pictures: dict[str, list[str]], names: set[str]) -> ParsedRecipe | Skipped:
    folder = posixpath.dirname(name)
    where = folder or name
    try:
        document = _load(archive, name)
    except (ValueError, RecursionError) as error:
        return Skipped(where, f"recipe.json is not valid JSON ({error})")
    if not isinstance(document, Mapping):
        return Skipped(where, "recipe.json does not hold a recipe")
    data = recipe_from_schema(document)
    if not data.title:
        if not (data.ingredients or data.instructions):
            return Skipped(where, "recipe.json has no name, ingredients or steps")
        data.title = title(posixpath.basename(folder)) or "Untitled recipe"
    tools = _tools(document.get("tool"))
    if tools:
        data.notes = "Tools: " + ", ".join(tools)
    image: bytes | None = None
    picture = _picture_name(pictures.get(folder, []))
    if picture is not None:
        image = archive.read(picture)
    if image is None:
        image = local_image(archive, name, image_ref(document), names)
    return ParsedRecipe(data=data, image=image, where=where, created_at=created_at(document.get("dateCreated")))


def read(archive: Archive) -> ReadResult:
    result = ReadResult(format=NAME)
    all_names = archive.names()
    files = [name for name in all_names if posixpath.basename(name) == RECIPE_FILE]
    if not files:
        raise FileRejected("There is no recipe.json in this file.")
    pictures = _pictures_by_folder(all_names)
    names = set(all_names)
    for name in files:
        outcome = _read_one(archive, name, pictures, names)
        if isinstance(outcome, Skipped):
            result.skipped.append(outcome)
        else:
            result.recipes.append(outcome)
    return result
