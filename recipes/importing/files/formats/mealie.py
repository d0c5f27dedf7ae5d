"""Mealie's files.

- A backup (Mealie 1.x and 2.x): `database.json`, every table as a list of rows
  (`recipes`, `recipes_ingredients`, `recipe_instructions`, `tags` + `recipes_to_tags`,
  `categories` + `recipes_to_categories`, `notes`, `recipe_nutrition`, `recipe_settings`,
  `ingredient_units`, `ingredient_foods`, ...) and the pictures under
  `data/recipes/<recipe id>/images/original.webp`. Tables and columns are looked up by
  name, and a missing table or column is simply empty: the schema changes between versions.
- Recipes in Mealie's API shape (a recipe's JSON export, the per-recipe files of Mealie
  0.x backups under `recipes/`, a zip of `<slug>/<slug>.json` with `images/`): `name`,
  `recipeIngredient` (strings, or objects with `note`, `quantity`, `unit`, `food`,
  `display`, `originalText`, `title`), `recipeInstructions` (objects with `title`, `text`),
  `tags`/`recipeCategory` (objects with a `name`, or strings), `orgURL`, `recipeYield`,
  `totalTime`/`prepTime`/`performTime`, `notes` [{title, text}], `nutrition`; Mealie's
  "download as zip" writes the same object with snake_case keys (`recipe_ingredient`,
  `org_url`, ...) next to `original.webp`. Steps and notes are Markdown.

An ingredient's line: Mealie's own `display` when the file has it; for an ingredient that
was never parsed into amount/unit/food (or a recipe with amounts switched off), its note
(the whole line) or original text; otherwise "quantity unit food note", as Mealie shows it.
A `title` on an ingredient starts a section ("Title:" before it).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from ....cookbook.limits import SERVINGS_MAX
from ....cookbook.services import RecipeData
from ....text_cleaning import html_to_text
from ..parsed import Archive, ParsedRecipe, ReadResult, Skipped
from . import common

NAME = "Mealie"

Row = Mapping[str, Any]

_IMAGE_EXTENSIONS = (".webp", ".jpg", ".jpeg", ".png", ".gif", ".avif")
_MAX_PROBED = 5
# A recipe object in the API's shape has one of these: camelCase from the API, snake_case
# from the recipe zip export (the model dumped without its aliases).
_RECIPE_KEYS = ("recipeIngredient", "recipeInstructions", "recipe_ingredient", "recipe_instructions")
# Keys only Mealie's recipe objects have (schema.org and Nextcloud have recipeIngredient too).
_MEALIE_KEYS = (
    "orgURL",
    "org_url",
    "performTime",
    "perform_time",
    "dateAdded",
    "date_added",
    "recipeServings",
    "recipe_servings",
    "recipeYieldQuantity",
    "groupId",
    "group_id",
    "userId",
    "user_id",
)
_NUTRITION_KEYS = {
    "calories": "calories",
    "fat_content": "fatContent",
    "saturated_fat_content": "saturatedFatContent",
    "trans_fat_content": "transFatContent",
    "unsaturated_fat_content": "unsaturatedFatContent",
    "cholesterol_content": "cholesterolContent",
    "carbohydrate_content": "carbohydrateContent",
    "fiber_content": "fiberContent",
    "sugar_content": "sugarContent",
    "protein_content": "proteinContent",
    "sodium_content": "sodiumContent",
}
_NOT_NUTRITION = {"id", "recipe_id", "recipeId", "created_at", "update_at", "updated_at", "createdAt", "updateAt"}
_HAS_DIGIT = re.compile(r"\d")
# Path parts every picture has, which say nothing about whose it is.
_COMMON_PARTS = {"data", "recipes", "images", "image", "img", "original", "min-original", "tiny-original", "assets"}


# --- Recognising --------------------------------------------------------------------------


def _base(name: str) -> str:
    return name.rsplit("/", 1)[-1]


def _folder(name: str) -> str:
    return name.rsplit("/", 1)[0] if "/" in name else ""


def _database_name(archive: Archive) -> str | None:
    names = [n for n in archive.names() if _base(n).lower() == "database.json"]
    return min(names, key=lambda n: n.count("/")) if names else None


def _is_database(document: Any) -> bool:
    if not isinstance(document, Mapping):
        return False
    recipes = document.get("recipes")
    return isinstance(recipes, list) and (
        "recipes_ingredients" in document
        or "recipe_instructions" in document
        or "alembic_version" in document
        or "recipe_settings" in document
    )


def _is_api_recipe(document: Any) -> bool:
    if not isinstance(document, Mapping) or not isinstance(document.get("name"), str):
        return False
    if not any(key in document for key in _RECIPE_KEYS):
        return False
    if any(key in document for key in _MEALIE_KEYS):
        return True
    # Mealie 0.x files: a slug and no schema.org context
    return "slug" in document and "@context" not in document and "@type" not in document


def _api_recipes(document: Any) -> list[Mapping[str, Any]] | None:
    """The recipes in a JSON document in Mealie's API shape: one recipe, a list of them, or
    a page of them ({"items": [...]}); None when it is not that."""
    if _is_api_recipe(document):
        return [document]
    items = document.get("items") if isinstance(document, Mapping) else document
    if (
        isinstance(items, list)
        and items
        and all(isinstance(item, Mapping) for item in items)
        and _is_api_recipe(items[0])
    ):
        return [item for item in items if isinstance(item, Mapping)]
    return None


def _json_names(archive: Archive) -> list[str]:
    names = archive.names()
    if len(names) == 1:
        return names  # a file on its own, whatever its name
    return [n for n in names if n.lower().endswith(".json")]


def matches(archive: Archive) -> bool:
    database = _database_name(archive)
    if database is not None:
        data = archive.read(database)
        if b'"recipes"' in data or data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # (UTF-16 has no such bytes)
            try:
                return _is_database(common.load_json(data))
            except ValueError:
                return False
    for name in _json_names(archive)[:_MAX_PROBED]:
        data = archive.read(name)
        if data.lstrip()[:1] not in (b"{", b"[", b"\xef", b"\xff", b"\xfe"):
            continue
        try:
            if _api_recipes(common.load_json(data)) is not None:
                return True
        except ValueError:
            continue
    return False


def read(archive: Archive) -> ReadResult:
    database = _database_name(archive)
    if database is not None:
        try:
            document = common.load_json(archive.read(database))
        except ValueError:
            document = None
        if _is_database(document):
            assert isinstance(document, Mapping)
            return _read_database(archive, database, document)
    return _read_api_files(archive)


# --- Pictures -----------------------------------------------------------------------------


def _picture_rank(name: str) -> int:
    base = _base(name).lower()
    if base.startswith("original."):
        return 0
    if "original" in base and not base.startswith(("min-", "tiny-")):
        return 1
    if base.startswith("min-"):
        return 3
    if base.startswith("tiny-"):
        return 4
    return 2


def _key(value: Any) -> str:
    return str(value).replace("-", "").lower() if value is not None else ""


class _Pictures:
    """The archive's pictures, found by the recipe id or slug in their path."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.by_key: dict[str, list[str]] = defaultdict(list)
        self.all: list[str] = []
        for name in archive.names():
            parts = name.split("/")
            if not name.lower().endswith(_IMAGE_EXTENSIONS) or "assets" in parts[:-1]:
                continue  # a recipe's attachments (assets/) are not its picture
            self.all.append(name)
            keys = {_key(part) for part in parts[:-1]}
            keys.add(_key(parts[-1].rsplit(".", 1)[0]))
            for key in keys:
                if key and key not in _COMMON_PARTS:
                    self.by_key[key].append(name)

    def find(self, *keys: Any, alone: bool = False) -> bytes | None:
        for key in keys:
            found = self.by_key.get(_key(key)) if key not in (None, "") and _key(key) not in _COMMON_PARTS else None
            if found:
                return self.archive.read(min(found, key=_picture_rank)) or None
        if alone and self.all:
            return self.archive.read(min(self.all, key=_picture_rank)) or None
        return None


# --- Ingredients ----------------------------------------------------------------------------


def _named(value: Any, *, many: bool = False) -> str:
    """A unit's or food's name as Mealie shows it: the abbreviation when the unit says so,
    the plural for more than one when there is one."""
    if isinstance(value, str):
        return common.text(value)
    if not isinstance(value, Mapping):
        return ""
    if value.get("use_abbreviation") or value.get("useAbbreviation"):
        short = common.text(_get(value, "plural_abbreviation", "pluralAbbreviation") if many else None) or common.text(
            value.get("abbreviation")
        )
        if short:
            return short
    if many:
        plural = common.text(_get(value, "plural_name", "pluralName"))
        if plural:
            return plural
    return common.text(value.get("name"))


def _more_than_one(quantity: Any) -> bool:
    try:
        return float(quantity) > 1
    except (TypeError, ValueError):
        return False


def ingredient_line(
    *,
    quantity: Any,
    unit: Any,
    food: Any,
    note: Any,
    original: Any = None,
    display: Any = None,
    amounts_off: bool = False,
) -> str:
    """One ingredient's line (see the module's notes)."""
    shown = common.text(display)
    if shown:
        return shown
    note_text = common.text(note)
    many = _more_than_one(quantity)
    unit_name = _named(unit, many=many)
    food_name = _named(food, many=many)
    if amounts_off or not (unit_name or food_name):
        line = note_text or common.text(original)
        if line:
            return line
    parts = [common.quantity_text(quantity), unit_name, food_name, note_text]
    return " ".join(part for part in parts if part) or common.text(original)


def _with_sections(entries: Iterable[tuple[str, str]]) -> list[str]:
    """Lines from (section title, line) pairs: a title starts a section when it changes."""
    lines: list[str] = []
    current = ""
    for title, line in entries:
        title = title.rstrip(":").strip()
        if title and title != current:
            lines.append(f"{title}:")
            current = title
        if line:
            lines.append(line)
    return lines


def _instruction_steps(entries: Iterable[tuple[str, str]]) -> list[str]:
    """Steps from (title, text) pairs: a step's title heads its text ("Sauce: Stir ..."),
    added after the writer's own step numbers are dropped ("1. Brown", "2. Simmer")."""
    paragraphs: list[str] = []
    titles: dict[int, str] = {}  # paragraph index -> the title that heads it
    for title, text in entries:
        found = common.steps(common.markdown_to_text(text))  # Mealie's steps are Markdown
        title = title.rstrip(":").strip()
        if title:
            titles[len(paragraphs)] = title
        paragraphs.extend(found or ([""] if title else []))
    if all(paragraphs):
        paragraphs = common.without_step_numbers(paragraphs)
    for index, title in titles.items():
        paragraphs[index] = f"{title}: {paragraphs[index]}" if paragraphs[index] else f"{title}:"
    return paragraphs


def _servings(yield_text: Any, servings: Any, yield_quantity: Any) -> str:
    text = common.servings(yield_text)
    if text and _HAS_DIGIT.search(text):
        return text
    count = common.quantity_text(servings)
    if count:
        return count
    quantity = common.quantity_text(yield_quantity)
    if quantity:
        return f"{quantity} {text}".strip()[:SERVINGS_MAX]
    return text


# --- A backup's database.json --------------------------------------------------------------------


def _table(document: Mapping[str, Any], *names: str) -> list[Row]:
    for name in names:
        rows = document.get(name)
        if isinstance(rows, list):
            return [row for row in rows if isinstance(row, Mapping)]
    return []


def _get(row: Row, *keys: str) -> Any:
    for key in keys:
        value = row.get(key)
        if value is not None:
            return value
    return None


def _string(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _by_recipe(rows: list[Row]) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        recipe_id = _get(row, "recipe_id", "recipeId", "recipee_id")
        if recipe_id is not None:
            grouped[_key(recipe_id)].append(row)
    return grouped


def _position(row: Row) -> float:
    value = _get(row, "position", "order", "sort_order")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
    return 0.0


def _names_by_id(rows: list[Row]) -> dict[str, Row]:
    return {_key(row["id"]): row for row in rows if row.get("id") is not None}


def _linked_names(links: list[Row], names: dict[str, Row], *id_keys: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for link in links:
        recipe_id = _get(link, "recipe_id", "recipeId")
        other = _get(link, *id_keys)
        if recipe_id is None or other is None:
            continue
        row = names.get(_key(other))
        if row is not None and isinstance(row.get("name"), str):
            found[_key(recipe_id)].append(row["name"])
    return found


def _read_database(archive: Archive, database: str, document: Mapping[str, Any]) -> ReadResult:
    result = ReadResult(format=f"{NAME} backup")
    recipes = _table(document, "recipes", "recipe")
    ingredients = _by_recipe(_table(document, "recipes_ingredients", "recipe_ingredients", "recipe_ingredient"))
    instructions = _by_recipe(_table(document, "recipe_instructions", "recipes_instructions", "recipe_instruction"))
    notes = _by_recipe(_table(document, "notes", "recipe_notes", "recipes_notes"))
    nutrition = _by_recipe(_table(document, "recipe_nutrition", "recipes_nutrition"))
    settings = _by_recipe(_table(document, "recipe_settings", "recipes_settings"))
    units = _names_by_id(_table(document, "ingredient_units", "units"))
    foods = _names_by_id(_table(document, "ingredient_foods", "foods"))
    tags = _linked_names(
        _table(document, "recipes_to_tags", "recipe_to_tags"), _names_by_id(_table(document, "tags")), "tag_id", "tagId"
    )
    categories = _linked_names(
        _table(document, "recipes_to_categories", "recipe_to_categories"),
        _names_by_id(_table(document, "categories")),
        "category_id",
        "categoryId",
    )
    pictures = _Pictures(archive)
    for index, row in enumerate(recipes):
        raw_id = row.get("id")
        recipe_id = _key(raw_id)
        slug = common.text(row.get("slug"))
        where = f"{database}: recipe {slug or common.text(raw_id) or index + 1}"
        try:
            data = _database_recipe(
                row,
                ingredients=ingredients.get(recipe_id, []),
                instructions=instructions.get(recipe_id, []),
                notes=notes.get(recipe_id, []),
                nutrition=nutrition.get(recipe_id, []),
                settings=settings.get(recipe_id, []),
                units=units,
                foods=foods,
                tags=tags.get(recipe_id, []) + categories.get(recipe_id, []),
            )
        except (TypeError, ValueError, KeyError, AttributeError) as exc:  # an odd row must not stop the rest
            reason = f"This recipe could not be read ({type(exc).__name__})."
            result.skipped.append(Skipped(where, reason, title=common.text(row.get("name"))))
            continue
        if not data.title:
            result.skipped.append(Skipped(where, "This recipe has no name."))
            continue
        result.recipes.append(
            ParsedRecipe(
                data=data,
                image=pictures.find(recipe_id, slug),
                where=where,
                created_at=common.parse_datetime(_get(row, "created_at", "date_added", "createdAt", "dateAdded")),
            )
        )
    return result


def _database_recipe(
    row: Row,
    *,
    ingredients: list[Row],
    instructions: list[Row],
    notes: list[Row],
    nutrition: list[Row],
    settings: list[Row],
    units: dict[str, Row],
    foods: dict[str, Row],
    tags: list[str],
) -> RecipeData:
    amounts_off = any(bool(_get(s, "disable_amount", "disableAmount")) for s in settings)
    ingredient_entries = []
    for item in sorted(ingredients, key=_position):
        unit_id = _get(item, "unit_id", "unitId")
        food_id = _get(item, "food_id", "foodId")
        line = ingredient_line(
            quantity=item.get("quantity"),
            unit=units.get(_key(unit_id)) if unit_id is not None else None,
            food=foods.get(_key(food_id)) if food_id is not None else None,
            note=item.get("note"),
            original=_get(item, "original_text", "originalText"),
            display=item.get("display"),
            amounts_off=amounts_off or bool(_get(item, "disable_amount", "disableAmount")),
        )
        ingredient_entries.append((common.text(item.get("title")), line))
    steps = _instruction_steps(
        (common.text(item.get("title")), _string(item.get("text"))) for item in sorted(instructions, key=_position)
    )
    return _recipe_data(
        row,
        ingredients=_with_sections(ingredient_entries),
        instructions=steps,
        notes=[
            {"title": note.get("title"), "text": common.markdown_to_text(note.get("text"))}
            for note in sorted(notes, key=_position)
        ],
        tags=common.tag_names(tags),
        nutrition=_facts(nutrition),
    )


def _facts(rows: Iterable[Mapping[Any, Any]]) -> dict[str, str]:
    """Nutrition facts under schema.org's names, from a backup's rows or a recipe's object."""
    facts: dict[str, str] = {}
    for fact_row in rows:
        for key, value in fact_row.items():
            fact = common.text(value)
            if isinstance(key, str) and key not in _NOT_NUTRITION and fact:
                facts.setdefault(_NUTRITION_KEYS.get(key, key), fact)
    return facts


def _recipe_data(
    fields: Mapping[str, Any],
    *,
    ingredients: list[str],
    instructions: list[str],
    notes: list[Any],
    tags: list[str],
    nutrition: dict[str, str],
) -> RecipeData:
    """The fields a backup row and an exported recipe share (snake_case or camelCase)."""
    return RecipeData(
        title=common.title(_get(fields, "name", "title")),
        description=html_to_text(fields.get("description")),
        ingredients=ingredients,
        instructions=instructions,
        servings=_servings(
            _get(fields, "recipe_yield", "recipeYield", "yield"),
            _get(fields, "recipe_servings", "recipeServings"),
            _get(fields, "recipe_yield_quantity", "recipeYieldQuantity"),
        ),
        prep_time=common.minutes(_get(fields, "prep_time", "prepTime")),
        cook_time=common.minutes(_get(fields, "perform_time", "performTime"))
        or common.minutes(_get(fields, "cook_time", "cookTime")),
        total_time=common.minutes(_get(fields, "total_time", "totalTime")),
        source_url=common.http_url(_get(fields, "org_url", "orgURL", "source_url", "url")),
        notes=common.notes_text(notes),
        tags=tags,
        nutrition=nutrition,
    )


# --- Recipes in the API's shape ------------------------------------------------------------------


def _read_api_files(archive: Archive) -> ReadResult:
    result = ReadResult(format=NAME)
    pictures = _Pictures(archive)
    names = _json_names(archive)
    found: list[tuple[str, Mapping[str, Any]]] = []
    for name in names:
        try:
            document = common.load_json(archive.read(name))
        except ValueError:
            result.skipped.append(Skipped(name, "This file is not valid JSON."))
            continue
        recipes = _api_recipes(document)
        if recipes is None:
            continue  # another of the backup's files (settings, users, themes)
        found.extend((name, recipe) for recipe in recipes)
    alone = len(found) == 1
    one_per_file = len({name for name, _ in found}) == len(found)
    for index, (name, document) in enumerate(found):
        where = name if one_per_file else f"{name}: recipe {index + 1}"
        try:
            recipe = api_recipe_data(document)
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            reason = f"This recipe could not be read ({type(exc).__name__})."
            result.skipped.append(Skipped(where, reason, title=common.text(document.get("name"))))
            continue
        if not recipe.title:
            result.skipped.append(Skipped(where, "This recipe has no name."))
            continue
        slug = document.get("slug")
        stem = _base(name).rsplit(".", 1)[0]
        folder = _folder(name)
        image = pictures.find(document.get("id"), slug, stem, _base(folder) if folder else None, alone=alone)
        result.recipes.append(
            ParsedRecipe(
                data=recipe,
                image=image,
                where=where,
                created_at=common.parse_datetime(_get(document, "createdAt", "created_at", "dateAdded", "date_added")),
            )
        )
    return result


def api_recipe_data(document: Mapping[str, Any]) -> RecipeData:
    """A recipe object as Mealie's API gives it (camelCase keys), or as its recipe export
    writes it (the same in snake_case)."""
    settings = common.as_dict(document.get("settings"))
    amounts_off = bool(_get(settings, "disableAmount", "disable_amount"))
    ingredient_entries: list[tuple[str, str]] = []
    for item in common.as_list(_get(document, "recipeIngredient", "recipe_ingredient")):
        if isinstance(item, str):
            ingredient_entries.extend(("", line) for line in common.text_lines(item))
        elif isinstance(item, Mapping):
            line = ingredient_line(
                quantity=item.get("quantity"),
                unit=item.get("unit"),
                food=item.get("food"),
                note=item.get("note"),
                original=_get(item, "originalText", "original_text"),
                display=item.get("display"),
                amounts_off=amounts_off or bool(_get(item, "disableAmount", "disable_amount")),
            )
            ingredient_entries.append((common.text(item.get("title")), line))
    instruction_entries: list[tuple[str, str]] = []
    for item in common.as_list(_get(document, "recipeInstructions", "recipe_instructions")):
        if isinstance(item, str):
            instruction_entries.append(("", item))
        elif isinstance(item, Mapping):
            instruction_entries.append((common.text(item.get("title") or item.get("name")), _string(item.get("text"))))
    return _recipe_data(
        document,
        ingredients=_with_sections(ingredient_entries),
        instructions=_instruction_steps(instruction_entries),
        notes=[
            {"title": note.get("title"), "text": common.markdown_to_text(note.get("text"))}
            if isinstance(note, Mapping)
            else note
            for note in common.as_list(document.get("notes"))
        ],
        tags=common.tag_names(document.get("tags"), _get(document, "recipeCategory", "recipe_category")),
        nutrition=_facts([common.as_dict(document.get("nutrition"))]),
    )
