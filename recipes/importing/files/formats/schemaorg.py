"""schema.org Recipe data as files hold it: a JSON(-LD) file with one Recipe, a list of
them or an `@graph`, and web pages saved as HTML with the data in
`<script type="application/ld+json">` blocks. A zip of such files works too.

`recipe_from_schema` and `image_ref` are the mapping itself, shared with the readers of
formats built on schema.org (Nextcloud Cookbook).

Mapping (https://schema.org/Recipe): name -> title; description; recipeIngredient (or the
older `ingredients`) -> one line each; recipeInstructions (text, a list of texts, HowToStep,
HowToSection with its steps flattened in order) -> steps; recipeYield -> servings;
prepTime/cookTime/totalTime (ISO 8601 or free text) -> minutes; recipeCategory,
recipeCuisine and keywords -> tags; isBasedOn, url or mainEntityOfPage -> source (http(s)
only; isBasedOn first: our own JSON-LD export keeps the original source there and its own
page in url); nutrition -> facts; dateCreated -> when the recipe was made.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from ....cookbook.recipe_text import parse_instructions
from ....cookbook.services import RecipeData
from ....text_cleaning import html_to_text
from ..parsed import Archive, FileRejected, ParsedRecipe, ReadResult, Skipped
from .common import (
    as_list,
    decode_text,
    http_url,
    minutes,
    nutrition,
    parse_datetime,
    servings,
    tag_names,
    text,
    text_lines,
    title,
)

NAME = "schema.org recipe"

# How many files matches() looks into before it gives up on a zip.
_SNIFF_ENTRIES = 25
# Safety limits on what one file may make us walk through.
_MAX_DEPTH = 40
_MAX_NODES = 200_000
_MAX_STEP_NESTING = 10

_JSON_NAMES = (".json", ".jsonld", ".json-ld")
_HTML_NAMES = (".html", ".htm", ".xhtml")
# The start of a JSON-LD block; its end is looked for separately, so that a page with many
# unclosed blocks is still read in linear time (the quantifiers are bounded for the same reason).
_LD_SCRIPT = re.compile(
    r"<script\b[^<>]{0,2000}?\btype\s*=\s*[\"']?\s*application/ld\+json[^<>]{0,2000}>", re.IGNORECASE
)
_SCRIPT_END = re.compile(r"</script\s*>", re.IGNORECASE)
_SCRIPT_WRAPPING = re.compile(r"^\s*(?://\s*)?(?:<!\[CDATA\[|<!--)|(?://\s*)?(?:\]\]>|-->)\s*$")
_NUTRITION_KEYS = {"@type": "", "@context": "", "@id": ""}
_IMAGE_KEYS = ("url", "contentUrl", "@id", "thumbnailUrl")


# --- The mapping ---------------------------------------------------------------------------


def is_recipe(node: Mapping[str, Any]) -> bool:
    """Whether a JSON object is a schema.org Recipe: by its @type ("Recipe", a list holding
    it, "schema:Recipe", "http://schema.org/Recipe"), or, without a type, by having a name
    and ingredients or steps."""
    kinds = node.get("@type")
    if kinds is None:
        return "name" in node and ("recipeIngredient" in node or "recipeInstructions" in node)
    for kind in as_list(kinds):
        if isinstance(kind, str) and kind.rsplit("/", 1)[-1].rsplit(":", 1)[-1].strip().lower() == "recipe":
            return True
    return False


def _first_text(value: Any) -> str:
    for item in as_list(value):
        line = text(item)
        if line:
            return line
    return ""


def _block(value: Any) -> str:
    """Free text (a description): paragraphs kept, HTML made plain; lists joined."""
    parts = [html_to_text(item) if isinstance(item, str) else text(item) for item in as_list(value)]
    return "\n\n".join(part for part in parts if part)


def _kinds(node: Mapping[str, Any]) -> set[str]:
    return {k.rsplit("/", 1)[-1].lower() for k in as_list(node.get("@type")) if isinstance(k, str)}


_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def _step_texts(value: str) -> list[str]:
    """One step's text: one step, its line breaks made spaces (as recipe-scrapers reads a
    page's HowToStep), unless it holds several paragraphs or list items (then one each)."""
    paragraphs = _PARAGRAPH_BREAK.split(html_to_text(value))
    return [" ".join(line.strip() for line in p.split("\n") if line.strip()) for p in paragraphs if p.strip()]


def _steps(value: Any, depth: int = 0) -> list[str]:
    """Steps in order from any mix of texts, HowToStep/HowToDirection/HowToTip objects and
    HowToSection/ItemList containers (their steps flattened in order, no section titles).
    All the instructions as one text are split into paragraphs, or lines; a text in a list
    or a step object is one step."""
    if depth > _MAX_STEP_NESTING:
        return []
    if isinstance(value, str):
        return parse_instructions(html_to_text(value)) if depth == 0 else _step_texts(value)
    if isinstance(value, list | tuple):
        return [step for item in value for step in _steps(item, depth + 1)]
    if not isinstance(value, Mapping):
        return [line] if (line := text(value)) else []
    body = value.get("text")
    children = value.get("itemListElement")
    if children is not None and ("howtosection" in _kinds(value) or not (isinstance(body, str) and body.strip())):
        return _steps(children, depth + 1)
    for key in ("text", "name", "description"):
        candidate = value.get(key)
        if isinstance(candidate, str) and candidate.strip():
            return _step_texts(candidate)
    return []


def _ingredients(node: Mapping[str, Any]) -> list[str]:
    value = node.get("recipeIngredient")
    if value is None or value == []:
        value = node.get("ingredients")
    return text_lines(value)


def _address(value: Any) -> str:
    for item in as_list(value):
        if isinstance(item, Mapping):
            item = item.get("url") or item.get("@id")
        url = http_url(item)
        if url:
            return url
    return ""


def source_url(node: Mapping[str, Any]) -> str:
    """Where the recipe came from, http(s) only."""
    for key in ("isBasedOn", "isBasedOnUrl", "url", "mainEntityOfPage"):
        url = _address(node.get(key))
        if url:
            return url
    return ""


def _time(node: Mapping[str, Any], key: str) -> int | None:
    for item in as_list(node.get(key)):
        value = minutes(item)
        if value is not None:
            return value
    return None


def recipe_from_schema(obj: Mapping[str, Any]) -> RecipeData:
    """A schema.org Recipe object as the recipe form's data. Never raises; the title is ""
    when the object has none (the caller decides what to do about that)."""
    name = obj.get("name")
    if not isinstance(name, str):
        name = _first_text(name) or obj.get("headline")
    recipe_yield = obj.get("recipeYield")
    if recipe_yield is None or recipe_yield == "":
        recipe_yield = obj.get("yield")
    return RecipeData(
        title=title(name),
        description=_block(obj.get("description")),
        ingredients=_ingredients(obj),
        instructions=_steps(obj.get("recipeInstructions")),
        servings=servings(recipe_yield),
        prep_time=_time(obj, "prepTime"),
        cook_time=_time(obj, "cookTime"),
        total_time=_time(obj, "totalTime"),
        source_url=source_url(obj),
        tags=tag_names(obj.get("recipeCategory"), obj.get("recipeCuisine"), obj.get("keywords")),
        nutrition=nutrition(obj.get("nutrition"), _NUTRITION_KEYS),
    )


def image_ref(obj: Mapping[str, Any]) -> str:
    """The recipe's first picture as the file names it (a URL or a path): `image` as a
    string, a list, or an ImageObject ({"url": ...}); "" when there is none."""
    for item in as_list(obj.get("image")):
        if isinstance(item, Mapping):
            item = next((item[k] for k in _IMAGE_KEYS if isinstance(item.get(k), str) and item[k].strip()), None)
        if isinstance(item, str) and item.strip() and not item.strip().startswith(("#", "_:")):
            return item.strip()
    return ""


def created_at(value: Any) -> datetime | None:
    """A creation date as apps write it (ISO 8601, a Unix time as a number or as digits);
    None for the "0" some apps write for "unknown"."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int | float) and not isinstance(value, bool) and value <= 0:
        return None
    return parse_datetime(value)


def has_recipe_content(data: RecipeData) -> bool:
    return bool(data.ingredients or data.instructions)


# --- Finding recipes in files --------------------------------------------------------------


def find_recipes(document: Any) -> list[Mapping[str, Any]]:
    """Every Recipe object in parsed JSON-LD, in document order: at the top, in lists, in
    `@graph`s (nested too) and inside other objects (a WebPage's mainEntity, an ItemList).
    A Recipe's own insides are not searched. Bounded in depth and size."""
    found: list[Mapping[str, Any]] = []
    seen: set[int] = set()
    stack: list[tuple[Any, int]] = [(document, 0)]
    visited = 0
    while stack and visited < _MAX_NODES:
        node, depth = stack.pop()
        visited += 1
        if depth > _MAX_DEPTH:
            continue
        if isinstance(node, Mapping):
            if is_recipe(node):
                if id(node) not in seen:
                    seen.add(id(node))
                    found.append(node)
                continue
            children = list(node.values())
        elif isinstance(node, list):
            children = node
        else:
            continue
        stack.extend((child, depth + 1) for child in reversed(children) if isinstance(child, Mapping | list))
    return found


def _json(raw: str) -> Any:
    """Parsed JSON, tolerating raw control characters inside strings (common in pages)."""
    return json.loads(raw, strict=False)


def _kind(name: str, content: str) -> str:
    """The kind of an entry ("json", "html" or ""), judged from its content; its name breaks ties."""
    start = content.lstrip()[:1]
    if start in ("{", "["):
        return "json"
    if "ld+json" in content[:4_000_000].lower():
        return "html"
    lower = name.lower()
    if lower.endswith(_JSON_NAMES):
        return "json"
    if lower.endswith(_HTML_NAMES):
        return "html"
    return ""


def documents(name: str, content: str) -> tuple[list[Any], str]:
    """The JSON documents in an entry (one for a JSON file, one per script in a page) and
    a problem to report if some could not be read ("" when none)."""
    kind = _kind(name, content)
    if kind == "json":
        try:
            return [_json(content)], ""
        except (ValueError, RecursionError) as error:
            return [], f"not valid JSON ({error})"
    if kind != "html":
        return [], ""
    parsed: list[Any] = []
    problem = ""
    position = 0
    while start := _LD_SCRIPT.search(content, position):
        end = _SCRIPT_END.search(content, start.end())
        if end is None:
            break  # no block closes after this one either
        position = end.end()
        raw = _SCRIPT_WRAPPING.sub("", content[start.end() : end.start()]).strip()
        if not raw:
            continue
        try:
            parsed.append(_json(raw))
        except (ValueError, RecursionError) as error:
            problem = f"a JSON-LD block is not valid JSON ({error})"
    return parsed, problem


def _candidates(archive: Archive) -> list[str]:
    names = archive.names()
    if len(names) == 1:
        return names  # one file: judged by content whatever its name
    return [n for n in names if n.lower().endswith(_JSON_NAMES + _HTML_NAMES)]


def _recipes_in(archive: Archive, name: str) -> tuple[list[Mapping[str, Any]], str]:
    content = decode_text(archive.read(name))
    docs, problem = documents(name, content)
    found = [recipe for doc in docs for recipe in find_recipes(doc)]
    return found, problem


def matches(archive: Archive) -> bool:
    # A damaged or hostile entry raises FileRejected, here and in read(): the whole file is refused.
    for name in _candidates(archive)[:_SNIFF_ENTRIES]:
        found, _problem = _recipes_in(archive, name)
        if found:
            return True
    return False


def local_image(archive: Archive, base: str, ref: str, names: set[str]) -> bytes | None:
    """The bytes of a picture the file names by a path inside the archive (relative to
    the entry at `base`, or to the archive's top); None for URLs and missing files."""
    if not ref or "://" in ref or ref.startswith(("data:", "//")):
        return None
    ref = ref.replace("\\", "/").split("?", 1)[0].split("#", 1)[0]
    for candidate in (posixpath.join(posixpath.dirname(base), ref), ref.lstrip("/")):
        path = posixpath.normpath(candidate).lstrip("/")
        if path in names:
            return archive.read(path)
    return None


def parsed_recipe(
    obj: Mapping[str, Any], where: str, fallback_title: str = ""
) -> tuple[ParsedRecipe | None, Skipped | None]:
    """A Recipe object as a ParsedRecipe, or why it is skipped. The image is left to the caller."""
    data = recipe_from_schema(obj)
    if not data.title:
        if not has_recipe_content(data):
            return None, Skipped(where, "it has no title, ingredients or steps")
        data.title = title(fallback_title) or "Untitled recipe"
    return ParsedRecipe(data=data, where=where, created_at=created_at(obj.get("dateCreated"))), None


def _entries(archive: Archive) -> Iterator[tuple[str, list[Mapping[str, Any]], str]]:
    for name in _candidates(archive):
        found, problem = _recipes_in(archive, name)
        yield name, found, problem


def read(archive: Archive) -> ReadResult:
    result = ReadResult(format=NAME)
    names = set(archive.names())
    for name, found, problem in _entries(archive):
        if problem and not found:
            result.skipped.append(Skipped(name, problem))
            continue
        stem = posixpath.splitext(posixpath.basename(name))[0]
        for number, obj in enumerate(found, start=1):
            where = name if len(found) == 1 else f"{name} (recipe {number})"
            recipe, skipped = parsed_recipe(obj, where, stem if len(found) == 1 else "")
            if recipe is None:
                if skipped is not None:
                    result.skipped.append(skipped)
                continue
            recipe.image = local_image(archive, name, image_ref(obj), names)
            result.recipes.append(recipe)
    if not result.recipes and not result.skipped:
        raise FileRejected("There is no schema.org recipe in this file.")
    return result
