"""Paprika Recipe Manager's exports.

- `.paprikarecipes`: a zip of `.paprikarecipe` entries;
- `.paprikarecipe`: one recipe, gzip-compressed JSON;
- and what people make of them: a zip of folders holding either, a zip holding a
  `.paprikarecipes`, or a recipe's JSON already unpacked.

Recognised by content: gzip data (or plain JSON) that holds an object with Paprika's keys
(`name` with `ingredients`/`directions`), whatever the entries are called.

Keys (Paprika 3; Paprika 1 and 2 write a subset): `name`, `ingredients` and `directions`
(newline-separated text), `notes`, `description`, `nutritional_info` (free text),
`servings`, `prep_time`, `cook_time`, `total_time` (free text: "15 mins", "1 hr 30 min"),
`source`, `source_url`, `categories` (names), `photo_data` (base64 picture; also `photos`
[{data}]), `created` ("2020-01-01 12:00:00"), `rating`, `difficulty`, `uid`.
Ingredient lines are kept as written ("für den Braten:" is already a section header).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator, Mapping
from typing import Any

from ....cookbook.services import RecipeData
from ....text_cleaning import html_to_text
from ..archive import gunzip, is_gzip, is_zip, open_nested
from ..parsed import Archive, FileRejected, ParsedRecipe, ReadResult, Skipped
from . import common

NAME = "Paprika"

_PAPRIKA_KEYS = ("directions", "ingredients", "categories", "photo_data", "nutritional_info", "prep_time")
_MAX_PROBED = 10
_NOT_PAPRIKA_EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".html", ".htm", ".css", ".js", ".pdf", ".xml")
_NUTRITION_LINE = re.compile(r"^\s*([^:=]{1,40}?)\s*[:=]\s*(.{1,120}?)\s*$")


def _is_recipe(document: Any, gzipped: bool) -> bool:
    """Paprika's recipe object: a name with ingredients or directions; plain (not gzipped)
    JSON must also have another of Paprika's own keys."""
    return (
        isinstance(document, Mapping)
        and "name" in document
        and ("directions" in document or "ingredients" in document)
        and (gzipped or sum(key in document for key in _PAPRIKA_KEYS) >= 2)
        and "recipeIngredient" not in document
        and "steps" not in document
    )


def _document(archive: Archive, name: str, data: bytes) -> Any:
    """The JSON in an entry (gzip-compressed or not). ValueError when it is not JSON."""
    if is_gzip(data):
        data = gunzip(archive, data, name)
    return common.load_json(data)


def _candidates(names: list[str]) -> list[str]:
    """The entries worth looking into first: Paprika's own extensions, then the rest."""
    own = [n for n in names if n.lower().endswith((".paprikarecipe", ".paprikarecipes"))]
    seen = set(own)
    rest = [n for n in names if n not in seen and not n.lower().endswith(_NOT_PAPRIKA_EXTENSIONS)]
    return own + rest


def _probe(archive: Archive, name: str, depth: int = 0) -> bool:
    data = archive.read(name)
    if is_zip(data):
        if depth > 0:
            return False
        try:
            inner = open_nested(archive, name, data)
        except FileRejected:
            return False
        return any(_probe(inner, inner_name, depth + 1) for inner_name in _candidates(inner.names())[:_MAX_PROBED])
    if not is_gzip(data) and (
        data.lstrip()[:1] not in (b"{", b"\xef") or (b'"directions"' not in data and b'"ingredients"' not in data)
    ):
        return False  # not a recipe in plain JSON either (and not worth parsing: a large database, say)
    try:
        return _is_recipe(_document(archive, name, data), is_gzip(data))
    except ValueError:
        return False


def matches(archive: Archive) -> bool:
    return any(_probe(archive, name) for name in _candidates(archive.names())[:_MAX_PROBED])


def _entries(archive: Archive, prefix: str = "", depth: int = 0) -> Iterator[tuple[Archive, str, str, bytes]]:
    """(archive, entry name, where, bytes) for every entry that may be a recipe, zips inside
    opened (a `.paprikarecipes` in a zip)."""
    for name in archive.names():
        if name.lower().endswith(_NOT_PAPRIKA_EXTENSIONS):
            continue
        data = archive.read(name)
        if is_zip(data) and depth == 0:
            inner = open_nested(archive, name, data)
            yield from _entries(inner, f"{prefix}{name}/", depth + 1)
        else:
            yield archive, name, prefix + name, data


def read(archive: Archive) -> ReadResult:
    result = ReadResult(format=NAME)
    for holder, name, where, data in _entries(archive):
        gzipped = is_gzip(data)
        own = name.lower().endswith(".paprikarecipe")
        if not gzipped and not own and data.lstrip()[:1] not in (b"{", b"\xef"):
            continue  # some other file that came along (a README, a picture without an extension)
        try:
            document = _document(holder, name, data)
        except ValueError:
            if gzipped or own:
                result.skipped.append(Skipped(where, "This recipe is damaged (not readable gzip-compressed JSON)."))
            continue
        if not _is_recipe(document, gzipped):
            if gzipped or own:
                result.skipped.append(Skipped(where, "This is not a Paprika recipe."))
            continue
        parsed = recipe(document, where)
        if not parsed.data.title:
            result.skipped.append(Skipped(where, "This recipe has no name."))
            continue
        result.recipes.append(parsed)
    return result


# --- One recipe ----------------------------------------------------------------------------


def _picture(document: Mapping[str, Any]) -> bytes | None:
    candidates: list[Any] = [document.get("photo_data")]
    for photo in common.as_list(document.get("photos")):
        if isinstance(photo, Mapping):
            candidates.append(photo.get("data") or photo.get("photo_data"))
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.strip():
            raw = candidate.strip()
            if raw.startswith("data:") and "," in raw:
                raw = raw.split(",", 1)[1]
            try:
                return base64.b64decode(raw + "=" * (-len(raw) % 4), validate=False) or None
            except (binascii.Error, ValueError):
                continue
    return None


def _nutrition(value: Any) -> tuple[dict[str, str], str]:
    """Facts from Paprika's free-text nutrition ("Calories: 200", one a line), and the
    lines that are not facts (kept as a note)."""
    facts: dict[str, str] = {}
    other: list[str] = []
    for line in common.text_lines(value):
        match = _NUTRITION_LINE.match(line)
        if match and match.group(2):
            facts.setdefault(match.group(1), match.group(2))
        else:
            other.append(line)
    return facts, "\n".join(other)


def recipe(document: Mapping[str, Any], where: str = "") -> ParsedRecipe:
    facts, nutrition_note = _nutrition(document.get("nutritional_info"))
    notes = html_to_text(document.get("notes"))
    if nutrition_note:
        notes = f"{notes}\n\nNutrition:\n{nutrition_note}".strip()
    source_url = common.http_url(document.get("source_url")) or common.http_url(document.get("source"))
    ingredients = [line.strip() for line in html_to_text(document.get("ingredients")).split("\n") if line.strip()]
    data = RecipeData(
        title=common.title(document.get("name")),
        description=html_to_text(document.get("description")),
        ingredients=ingredients,
        instructions=common.steps(document.get("directions")),
        servings=common.servings(document.get("servings")),
        prep_time=common.minutes(document.get("prep_time")),
        cook_time=common.minutes(document.get("cook_time")),
        total_time=common.minutes(document.get("total_time")),
        source_url=source_url,
        notes=notes,
        tags=common.tag_names(document.get("categories")),
        nutrition=facts,
    )
    return ParsedRecipe(
        data=data,
        image=_picture(document),
        where=where,
        created_at=common.parse_datetime(document.get("created")),
    )
