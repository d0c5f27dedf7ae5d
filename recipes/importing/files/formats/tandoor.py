"""Tandoor Recipes' "Default" export: a zip holding one zip per recipe, each with a
`recipe.json` and the picture (`image.jpeg`, `image.png`, ...).

recipe.json (Tandoor 1.x): `name`, `description`, `keywords` [{name}], `working_time` and
`waiting_time` (minutes), `servings`, `servings_text`, `source_url`, `internal`,
`nutrition` ({calories, carbohydrates, fats, proteins} or null; newer versions keep
`properties` [{property_type: {name, unit}, property_amount}] as well), and `steps`:
[{name, instruction (Markdown), ingredients: [{food: {name, plural_name}, unit: {name,
plural_name} | null, amount, note, is_header, no_amount, original_text, ...}], time, order,
show_as_header}].

Also read: the inner zip on its own (someone unpacked the outer one), a folder of
recipe.json files, and recipe.json by itself. Each step's ingredients follow the step's
name as a section header; each step's text gives one step per paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from ....cookbook.limits import SERVINGS_MAX
from ....cookbook.services import RecipeData
from ....text_cleaning import html_to_text
from ..archive import ZipArchive, is_zip, open_nested
from ..parsed import Archive, FileRejected, ParsedRecipe, ReadResult, Skipped
from . import common

NAME = "Tandoor"

_IMAGE_EXTENSIONS = (".jpeg", ".jpg", ".png", ".webp", ".gif", ".avif", ".heic")
_MAX_INNER_ZIPS_CHECKED = 3
# Tandoor's step templates: {{ ingredients[0] }}, {{ scale(100) }}
_TEMPLATE_INGREDIENT = re.compile(r"\{\{\s*ingredients\[(\d+)\]\s*\}\}")
_TEMPLATE_SCALE = re.compile(r"\{\{\s*scale\(\s*([\d.]+)\s*\)\s*\}\}")
_TEMPLATE_OTHER = re.compile(r"\{\{.*?\}\}")
_SOURCE_HEADING = re.compile(r"^(?:source|quelle|bron|source url|original)\s*:?\s*$", re.IGNORECASE)

_NUTRITION = {
    "calories": ("calories", "kcal"),
    "carbohydrates": ("carbohydrateContent", "g"),
    "fats": ("fatContent", "g"),
    "proteins": ("proteinContent", "g"),
}


# --- Finding the recipes ---------------------------------------------------------------------


def _is_recipe(document: Any) -> bool:
    return (
        isinstance(document, Mapping)
        and isinstance(document.get("steps"), list)
        and ("name" in document)
        and any(key in document for key in ("keywords", "working_time", "waiting_time", "servings_text", "internal"))
    )


def _recipe_json_names(archive: Archive) -> list[str]:
    return [name for name in archive.names() if name.rsplit("/", 1)[-1].lower() == "recipe.json"]


def _zip_names(archive: Archive) -> list[str]:
    return [name for name in archive.names() if name.lower().endswith(".zip")]


def _looks_like_tandoor(archive: Archive, name: str) -> bool:
    try:
        return _is_recipe(common.load_json(archive.read(name)))
    except ValueError:
        return False


def matches(archive: Archive) -> bool:
    names = archive.names()
    if len(names) == 1 and not isinstance(archive, ZipArchive):
        # recipe.json by itself (any file name)
        return _looks_like_tandoor(archive, names[0])
    json_names = _recipe_json_names(archive)
    if json_names:
        return _looks_like_tandoor(archive, json_names[0])
    for name in _zip_names(archive)[:_MAX_INNER_ZIPS_CHECKED]:
        try:
            inner = open_nested(archive, name)
        except FileRejected:
            continue
        inner_names = _recipe_json_names(inner)
        if inner_names and _looks_like_tandoor(inner, inner_names[0]):
            return True
    return False


def _places(archive: Archive) -> Iterator[str]:
    """The name of every recipe.json and inner zip, in the file's order."""
    if len(archive.names()) == 1 and not isinstance(archive, ZipArchive):
        yield archive.names()[0]  # recipe.json by itself
        return
    for name in archive.names():
        base = name.rsplit("/", 1)[-1].lower()
        if base == "recipe.json" or base.endswith(".zip"):
            yield name


def _pictures(archive: Archive) -> dict[str, str]:
    """Folder ("" for the top) -> the name of the picture in it (image.jpeg, image.png, ...)."""
    found: dict[str, str] = {}
    for name in archive.names():
        folder, _, base = name.rpartition("/")
        base = base.lower()
        if base.startswith("image") and base.endswith(_IMAGE_EXTENSIONS):
            found.setdefault(folder, name)
    return found


def read(archive: Archive) -> ReadResult:
    result = ReadResult(format=NAME)
    pictures = _pictures(archive)
    for name in _places(archive):
        if name.lower().endswith(".zip") and isinstance(archive, ZipArchive):
            data = archive.read(name)
            if not is_zip(data):
                result.skipped.append(Skipped(name, "This is not a zip file of a Tandoor recipe."))
                continue
            inner = open_nested(archive, name, data)  # FileRejected (hostile, damaged) ends the import
            inner_jsons = _recipe_json_names(inner)
            if not inner_jsons:
                result.skipped.append(Skipped(name, "There is no recipe.json in it."))
                continue
            inner_pictures = _pictures(inner)
            for inner_json in inner_jsons:
                _read_one(inner, inner_json, f"{name}/{inner_json}", inner_pictures, result)
        else:
            _read_one(archive, name, name, pictures, result)
    return result


def _read_one(archive: Archive, name: str, where: str, pictures: dict[str, str], result: ReadResult) -> None:
    try:
        document = common.load_json(archive.read(name))
    except ValueError:
        result.skipped.append(Skipped(where, "This recipe.json is not valid JSON."))
        return
    if not _is_recipe(document):
        result.skipped.append(Skipped(where, "This is not a Tandoor recipe."))
        return
    data = recipe_data(document)
    if not data.title:
        result.skipped.append(Skipped(where, "This recipe has no name."))
        return
    picture = pictures.get(name.rpartition("/")[0])
    image = archive.read(picture) or None if picture else None
    result.recipes.append(ParsedRecipe(data=data, image=image, where=where))


# --- One recipe --------------------------------------------------------------------------------


def _name(value: Any, plural: bool) -> str:
    if isinstance(value, str):
        return common.text(value)
    if not isinstance(value, Mapping):
        return ""
    if plural:
        name = common.text(value.get("plural_name"))
        if name:
            return name
    return common.text(value.get("name"))


def ingredient_line(ingredient: Mapping[str, Any]) -> tuple[str, bool]:
    """The line for one ingredient, and whether it is a section header."""
    note = common.text(ingredient.get("note"))
    food = ingredient.get("food")
    if ingredient.get("is_header"):
        header = note or _name(food, False) or common.text(ingredient.get("original_text"))
        return header.rstrip(":").strip(), True
    original = common.text(ingredient.get("original_text"))
    if original:
        return original, False
    amount = "" if ingredient.get("no_amount") else common.quantity_text(ingredient.get("amount"))
    try:
        many = float(ingredient.get("amount") or 0) > 1
    except (TypeError, ValueError):
        many = False
    unit = _name(ingredient.get("unit"), bool(ingredient.get("always_use_plural_unit")) and many)
    food_name = _name(food, bool(ingredient.get("always_use_plural_food")) and many)
    line = " ".join(part for part in (amount, unit, food_name) if part)
    if note:
        line = f"{line}, {note}" if line else note
    return line, False


def _markdown_to_text(markdown: str, ingredients: list[str]) -> str:
    def ingredient(match: re.Match[str]) -> str:
        index = int(match.group(1))
        return ingredients[index] if index < len(ingredients) else ""

    text = _TEMPLATE_INGREDIENT.sub(ingredient, markdown)
    text = _TEMPLATE_SCALE.sub(lambda m: common.quantity_text(m.group(1)), text)
    text = _TEMPLATE_OTHER.sub("", text)
    return common.markdown_to_text(text)


def _source_paragraph(paragraph: str) -> str | None:
    """The address in a "Source" paragraph that importers into Tandoor leave at the end
    of a step ("### Source\\nExample.com\\nhttps://..."), else None."""
    lines = paragraph.split("\n")
    if len(lines) > 3 or not _SOURCE_HEADING.match(lines[0]):
        return None
    for line in lines[1:]:
        url = common.http_url(line)
        if url:
            return url
    return None


def _nutrition(document: Mapping[str, Any]) -> dict[str, str]:
    facts: dict[str, str] = {}
    values = common.as_dict(document.get("nutrition"))
    for key, (name, unit) in _NUTRITION.items():
        amount = common.quantity_text(values.get(key))
        if amount:
            facts[name] = f"{amount} {unit}"
    for item in common.as_list(document.get("properties")):
        if not isinstance(item, Mapping):
            continue
        kind = common.as_dict(item.get("property_type"))
        name = common.text(kind.get("name"))
        amount = common.quantity_text(item.get("property_amount"))
        if name and amount and name.lower() not in {k.lower() for k in facts}:
            facts[name] = f"{amount} {common.text(kind.get('unit'))}".strip()
    return facts


def recipe_data(document: Mapping[str, Any]) -> RecipeData:
    ingredients: list[str] = []
    instructions: list[str] = []
    source_url = common.http_url(document.get("source_url"))
    raw_steps = [step for step in common.as_list(document.get("steps")) if isinstance(step, Mapping)]
    if all(isinstance(step.get("order"), int) for step in raw_steps):
        raw_steps.sort(key=lambda step: int(step["order"]))  # stable: equal orders keep the file's
    for step in raw_steps:
        step_name = common.text(step.get("name"))
        step_lines: list[str] = []
        raw_ingredients = [i for i in common.as_list(step.get("ingredients")) if isinstance(i, Mapping)]
        if all(isinstance(i.get("order"), int) for i in raw_ingredients):
            raw_ingredients.sort(key=lambda i: int(i["order"]))
        for raw in raw_ingredients:
            line, header = ingredient_line(raw)
            if line:
                step_lines.append(f"{line}:" if header else line)
        if step_lines and step_name and not step_lines[0].endswith(":"):
            ingredients.append(f"{step_name.rstrip(':').strip()}:")
        ingredients.extend(step_lines)
        instruction = step.get("instruction")
        text = _markdown_to_text(instruction, step_lines) if isinstance(instruction, str) else ""
        paragraphs = common.steps(text)
        if paragraphs and not source_url:
            url = _source_paragraph(paragraphs[-1])
            if url:
                source_url = url
                paragraphs.pop()
        if step_name and paragraphs and not paragraphs[0].startswith(step_name):
            # the step's name heads its text, as it does on Tandoor's page
            paragraphs[0] = f"{step_name.rstrip(':')}: {paragraphs[0]}"
        instructions.extend(paragraphs)

    servings = common.servings(document.get("servings"))
    servings_text = common.text(document.get("servings_text"))
    if servings and servings_text:
        servings = f"{servings} {servings_text}"[:SERVINGS_MAX]
    elif servings_text:
        servings = servings_text[:SERVINGS_MAX]

    return RecipeData(
        title=common.title(document.get("name")),
        description=html_to_text(document.get("description")),
        ingredients=ingredients,
        instructions=instructions,
        servings=servings,
        prep_time=common.minutes(document.get("working_time")),
        cook_time=common.minutes(document.get("waiting_time")),
        source_url=source_url,
        tags=common.tag_names(document.get("keywords")),
        nutrition=_nutrition(document),
    )
