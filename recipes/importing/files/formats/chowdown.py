"""Recipes written in Markdown: Chowdown's (a Jekyll site, https://github.com/clarklab/chowdown)
and plain Markdown recipes, one file each or a zip of many.

Chowdown: `_recipes/*.md` (and `_components/*.md`, sub-recipes), each with YAML front
matter between `---` lines:

    layout: recipe
    title: "Green Chile Stew"
    image: green-chile-stew.jpg      # a file in the site's images/ (or a list of them)
    tags: sides, soups               # or a list
    ingredients: [...]               # lines; a `- Dough: [...]` item is a group
    directions: [...]
    components: [...]                # titles of sub-recipes (noted, they import on their own)
    yield / preptime / cooktime      # ISO 8601 durations ("PT15M") or free text

and a Markdown body, which the Chowdown page shows under the title: the description.
Other names apps use for the same things are read too (name, instructions, steps,
servings, prep, cook, total, source, categories, notes, date, ...).

Plain Markdown (no front matter, or front matter without ingredients): a `# Title`,
then sections under headings: "Ingredients" (a list; sub-headings and bold lines are
groups), "Directions"/"Instructions"/"Method"/"Steps" (a list or paragraphs), "Notes",
"Nutrition"; text before the first section is the description, and fact lines there
("- Serves: 4", "- Prep: 1 h 30 min", "- Tags: a, b", "- Source: <https://...>") fill
those fields. That is also what our own Markdown export writes, so it reads back.

YAML is read with the base loader: every value is text (no dates, booleans or Python
objects), so "title: No" stays "No". Nesting and list sizes are capped: YAML aliases can
make a small file describe an enormous tree.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import yaml

from ....cookbook.recipe_text import nutrient_label
from ....cookbook.services import RecipeData
from ....text_cleaning import clean_line
from ..parsed import Archive, FileRejected, ParsedRecipe, ReadResult, Skipped
from .common import decode_text, http_url, minutes, parse_datetime, servings, tag_names, title

NAME = "Chowdown / Markdown"

_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd", ".mkdn", ".txt")
_SNIFF_ENTRIES = 200  # cheap: most are passed over after a substring test
_SNIFF_WORDS = re.compile(r"ingredi|ingrédi|direction|instruction|zutaten", re.IGNORECASE)
_MAX_FRONT_MATTER = 1_000_000
_MAX_ITEMS = 2000
_MAX_NESTING = 6
_Loader: type[yaml.BaseLoader] = getattr(yaml, "CBaseLoader", yaml.BaseLoader)

_FRONT_MATTER = re.compile(r"\A\s*---[ \t]*\r?\n(.*?)(?:\r?\n)(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_EMPTY_FRONT_MATTER = re.compile(r"\A\s*---[ \t]*\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)")
_NULLS = {"", "~", "null", "Null", "NULL"}

_INGREDIENT_KEYS = ("ingredients", "recipeingredient", "ingredient")
_STEP_KEYS = ("directions", "instructions", "recipeinstructions", "steps", "method", "preparation", "direction")


# --- Inline Markdown -------------------------------------------------------------------------

# Bounded, so that a hostile line cannot make them take quadratic time.
_IMAGE = re.compile(r"!\[[^\[\]\n]{0,500}\]\((?:[^()\n]|\([^()\n]{0,200}\)){0,2000}\)")
_LINK = re.compile(r"\[([^\[\]\n]{0,500})\]\((?:[^()\n]|\([^()\n]{0,200}\)){0,2000}\)")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^<>\s]+)>", re.IGNORECASE)
_STRONG = re.compile(r"\*\*|__")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>])")
_CHECKBOX = re.compile(r"^\[[ xX]\]\s+")
_MAX_MARKDOWN_LINE = 20_000  # longer lines are not a recipe's: only `clean_line` for them


def _inline(line: str) -> str:
    """One line of Markdown as plain text: pictures dropped, links as their text, bold
    marks and backslash escapes removed, then HTML and entities as `clean_line` does."""
    if "](" in line and len(line) <= _MAX_MARKDOWN_LINE:
        line = _IMAGE.sub("", line)
        line = _LINK.sub(r"\1", line)
    if "<" in line:
        line = _AUTOLINK.sub(r"\1", line)
    line = _STRONG.sub("", line)
    if "\\" in line:
        line = _ESCAPE.sub(r"\1", line)
    return _CHECKBOX.sub("", clean_line(line))


_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*#*[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_ITEM = re.compile(r"^(\s*)(?:[-*+•]|\d{1,3}[.)])[ \t]+(.*)$")
_BOLD_LINE = re.compile(r"^\s*(?:\*\*|__)(.+?)(?:\*\*|__)\s*:?\s*$")
_RULE = re.compile(r"^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")
_BLANKS = re.compile(r"\n{3,}")


def _markdown_text(lines: list[str]) -> str:
    """A run of Markdown as plain text: headings without their marks, everything else
    line by line through `_inline`, paragraphs (blank lines) kept."""
    out: list[str] = []
    for raw in lines:
        heading = _HEADING.match(raw)
        if heading:
            raw = heading.group(2) or ""
        elif _RULE.match(raw):
            raw = ""
        out.append(_inline(raw))
    return _BLANKS.sub("\n\n", "\n".join(out)).strip()


# --- Values from front matter ------------------------------------------------------------


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return "" if value.strip() in _NULLS else value
    return ""


def _first_scalar(value: Any, depth: int = 0) -> str:
    if isinstance(value, list):
        for item in value[:_MAX_ITEMS] if depth < _MAX_NESTING else []:
            text = _first_scalar(item, depth + 1)
            if text:
                return text
        return ""
    return _scalar(value)


@dataclass
class _Collector:
    """Lines from nested lists and groups, bounded in number whatever the YAML says."""

    headers: bool
    lines: list[str] = field(default_factory=list)
    budget: int = _MAX_ITEMS * 4

    def add(self, value: Any, depth: int = 0) -> None:
        self.budget -= 1
        if self.budget < 0 or depth > _MAX_NESTING or len(self.lines) >= _MAX_ITEMS:
            return
        if isinstance(value, str):
            self.lines.extend(line for line in (_inline(part) for part in value.split("\n")) if line)
        elif isinstance(value, list):
            for item in value:
                self.add(item, depth + 1)
        elif isinstance(value, Mapping):
            for key, inner in list(value.items())[:_MAX_ITEMS]:
                label = _inline(_scalar(key))
                if isinstance(inner, list | Mapping):
                    if label and self.headers:
                        self.lines.append(label if label.endswith(":") else label + ":")
                    self.add(inner, depth + 1)
                else:
                    text = _inline(_scalar(inner))
                    line = f"{label}: {text}" if label and text else (label + ":" if label else text)
                    if line:
                        self.lines.append(line)


def _lines_of(value: Any, headers: bool) -> list[str]:
    collector = _Collector(headers=headers)
    collector.add(value)
    return collector.lines[:_MAX_ITEMS]


def _flat_strings(value: Any) -> list[str]:
    return [_scalar(item) for item in (value if isinstance(value, list) else [value])[:_MAX_ITEMS] if _scalar(item)]


def _get(meta: Mapping[str, Any], *names: str) -> Any:
    for name in names:
        if name in meta:
            value = meta[name]
            if value not in ("", None, [], {}) and not (isinstance(value, str) and value.strip() in _NULLS):
                return value
    return None


def _lower_keys(meta: Mapping[Any, Any]) -> dict[str, Any]:
    keys: dict[str, Any] = {}
    for key, value in meta.items():
        if isinstance(key, str):
            keys.setdefault(re.sub(r"[\s-]+", "_", key.strip().lower()), value)
    return keys


def _is_recipe_meta(meta: Mapping[str, Any]) -> bool:
    return _get(meta, *_INGREDIENT_KEYS, *_STEP_KEYS) is not None


# --- Plain Markdown recipes ----------------------------------------------------------------

_SECTION_WORDS = {
    "ingredients": re.compile(
        r"^(?:the\s+)?(?:ingredients?|zutaten|ingr[ée]dients?|ingredientes|ingredienti|ingredi[ëe]nten)\b",
        re.IGNORECASE,
    ),
    "instructions": re.compile(
        r"^(?:the\s+)?(?:directions?|instructions?|method|steps|preparation|how to make it|procedure|"
        r"zubereitung|anleitung|pr[ée]paration|[ée]tapes|instrucciones|preparaci[óo]n|procedimento|bereiding)\b",
        re.IGNORECASE,
    ),
    "notes": re.compile(r"^(?:notes?|tips?|notizen|hinweise|remarques|notas|note)\b", re.IGNORECASE),
    "nutrition": re.compile(r"^(?:nutrition|nutritional information|n[äa]hrwerte)\b", re.IGNORECASE),
}
_FACT = re.compile(
    r"^(?:[-*+][ \t]+)?(serves|servings|yields?|makes|portions|prep(?:aration)?(?:[ \t]+time)?|"
    r"cook(?:ing)?(?:[ \t]+time)?|total(?:[ \t]+time)?|ready[ \t]+in|tags|categories|category|keywords|"
    r"cuisine|source|url|original(?:[ \t]+recipe)?)[ \t]*:[ \t]*(.+)$",
    re.IGNORECASE,
)
_NUTRIENT_KEYS = {
    nutrient_label(key).lower(): key
    for key in (
        "calories",
        "carbohydrateContent",
        "cholesterolContent",
        "fatContent",
        "fiberContent",
        "proteinContent",
        "saturatedFatContent",
        "servingSize",
        "sodiumContent",
        "sugarContent",
        "transFatContent",
        "unsaturatedFatContent",
    )
}
_ANGLE_URL = re.compile(r"<(https?://[^<>\s]+)>", re.IGNORECASE)
_LINK_URL = re.compile(r"\]\((https?://[^)\s]+)\)", re.IGNORECASE)
_FIRST_IMAGE = re.compile(r"!\[[^\[\]\n]{0,500}\]\(\s*<?([^()\s>]{1,2000})")


def _section_kind(heading: str) -> str:
    plain = _inline(heading).strip(" :")
    for kind, pattern in _SECTION_WORDS.items():
        if pattern.match(plain):
            return kind
    return ""


@dataclass
class _Section:
    kind: str  # "ingredients", "instructions", "notes", "nutrition", or "" (other)
    level: int
    heading: str
    lines: list[str] = field(default_factory=list)


def _headings(lines: list[str]) -> list[tuple[int, int, str]]:
    """(line index, level, text) of each ATX or setext heading; a setext heading's index
    is its text line and its underline is blanked. A line that is all bold and names a
    section ("**Ingredients**") counts as a second-level heading."""
    found: list[tuple[int, int, str]] = []
    for index, line in enumerate(lines):
        heading = _HEADING.match(line)
        if heading and heading.group(1):
            found.append((index, len(heading.group(1)), heading.group(2) or ""))
            continue
        bold = _BOLD_LINE.match(line) if "**" in line or "__" in line else None
        if bold and _section_kind(bold.group(1)):
            found.append((index, 2, bold.group(1)))
            continue
        underline = _SETEXT.match(line)
        if underline and index > 0 and lines[index - 1].strip() and not _ITEM.match(lines[index - 1]):
            previous = found[-1][0] if found else -1
            if previous != index - 1:
                found.append((index - 1, 1 if underline.group(1)[0] == "=" else 2, lines[index - 1].strip()))
                lines[index] = ""
    return sorted(found)


@dataclass
class _Parsed:
    title: str = ""
    intro: list[str] = field(default_factory=list)
    ingredients: list[str] = field(default_factory=list)
    instructions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    nutrition: dict[str, str] = field(default_factory=dict)
    image: str = ""


def _is_heading(line: str) -> bool:
    heading = _HEADING.match(line)
    return bool(heading and heading.group(1))


def _items(lines: list[str], one_per_line: bool) -> list[str]:
    """List items and other text as entries. A list item takes the indented lines after it
    (and, for steps, the lines right after it: Markdown's lazy continuation). Other text is
    one entry per line (`one_per_line`, ingredients) or per paragraph (steps). Entries
    joined from several lines keep their line breaks as steps, and become one line as
    ingredients."""
    items: list[str] = []
    in_item = False  # the last entry is a list item that may continue
    after_blank = False
    for raw in lines:
        if not raw.strip():
            after_blank = True
            continue
        item = _ITEM.match(raw)
        stripped = raw.strip()
        if item:
            items.append(item.group(2))
            in_item = True
        elif items and in_item and (raw[:1] in (" ", "\t") or (not after_blank and not one_per_line)):
            items[-1] += "\n" + stripped
        elif items and not in_item and not after_blank and not one_per_line:
            items[-1] += "\n" + stripped  # the next line of a paragraph
        else:
            items.append(stripped)
            in_item = False
        after_blank = False
    joiner = " " if one_per_line else "\n"
    cleaned = [joiner.join(filter(None, (_inline(part) for part in item.split("\n")))) for item in items]
    return [item for item in cleaned if item]


def _ingredient_lines(section_lines: list[str]) -> list[str]:
    """Ingredient lines; sub-headings and lines that are all bold become group headers."""
    out: list[str] = []
    chunk: list[str] = []
    for raw in section_lines:
        heading = _HEADING.match(raw)
        bold = None if _ITEM.match(raw) else _BOLD_LINE.match(raw)
        if heading and heading.group(1):
            label = heading.group(2) or ""
        elif bold:
            label = bold.group(1)
        else:
            chunk.append(raw)
            continue
        out.extend(_items(chunk, one_per_line=True))
        chunk.clear()
        label = _inline(label).rstrip(":").strip()
        if label:
            out.append(label + ":")
    out.extend(_items(chunk, one_per_line=True))
    return out


def _parse_markdown(text: str) -> _Parsed:
    """Title, intro, and the sections of a Markdown recipe. Headings are sections when
    their words say so; a heading below a section's level belongs to that section (an
    ingredient group); the first other heading before any section is the title; other
    sections go to the notes with their heading."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    headings = _headings(lines)
    parsed = _Parsed()
    parsed.intro = lines[: headings[0][0]] if headings else list(lines)
    sections: list[_Section] = []
    current: _Section | None = None  # the last section of a known kind
    for position, (index, level, heading) in enumerate(headings):
        end = headings[position + 1][0] if position + 1 < len(headings) else len(lines)
        body = lines[index + 1 : end]
        kind = _section_kind(heading)
        if kind:
            current = _Section(kind, level, heading, list(body))
            sections.append(current)
        elif not sections and not parsed.title:
            parsed.title = _inline(heading)
            parsed.intro.extend(body)
        elif current is not None and level > current.level:
            current.lines.append(lines[index])
            current.lines.extend(body)
        elif not sections:
            parsed.intro.extend([lines[index], *body])
        else:
            current = None
            sections.append(_Section("", level, heading, list(body)))
    for section in sections:
        if section.kind == "ingredients":
            parsed.ingredients.extend(_ingredient_lines(section.lines))
        elif section.kind == "instructions":
            steps = [line for line in section.lines if not _is_heading(line)]
            parsed.instructions.extend(_items(steps, one_per_line=False))
        elif section.kind == "nutrition":
            for line in _items(section.lines, one_per_line=True):
                name, _, value = line.partition(":")
                if name.strip() and value.strip():
                    parsed.nutrition[_NUTRIENT_KEYS.get(name.strip().lower(), name.strip())] = value.strip()
        elif section.kind == "notes":
            parsed.notes.append(_markdown_text(section.lines))
        else:
            parsed.notes.append(_markdown_text([f"## {section.heading}", *section.lines]))
    first_image = _FIRST_IMAGE.search(text)
    if first_image:
        parsed.image = first_image.group(1)
    return parsed


_SOURCE_FACTS = ("source", "url", "original")


def _facts(intro: list[str]) -> tuple[dict[str, str], list[str]]:
    """Fact lines ("Serves: 4") taken out of the text before the first section."""
    facts: dict[str, str] = {}
    rest: list[str] = []
    for line in intro:
        match = _FACT.match(_STRONG.sub("", line.strip()))
        key = match.group(1).lower().split()[0] if match else ""
        if match and (key not in _SOURCE_FACTS or _url_in(match.group(2))):
            facts.setdefault(key, match.group(2).strip())
        else:
            rest.append(line)  # not a fact, or a source that is not an address: part of the text
    return facts, rest


def _url_in(value: str) -> str:
    for pattern in (_ANGLE_URL, _LINK_URL):
        found = pattern.search(value)
        if found:
            return http_url(found.group(1))
    return http_url(value.strip())


# --- One file ------------------------------------------------------------------------------


@dataclass
class _Read:
    data: RecipeData
    image: str
    created: datetime | None


class _NotARecipe(Exception):
    pass


class _BadYaml(Exception):
    pass


_BRACKET = re.compile(r"[\[\]{}]")
_LEADING = re.compile(r"^[ \t?-]*", re.MULTILINE)
_MAX_YAML_DEPTH = 64
_MAX_YAML_INDENT = 400


def _too_deep(text: str) -> bool:
    """Whether YAML text may nest deeper than a recipe ever does. libyaml builds nested
    collections by recursion in C: a few thousand levels crash the whole process (not an
    exception), so such text is never given to it. Flow collections ("[[[[") are counted
    by their brackets; block nesting needs indentation or "- - -" prefixes, both capped."""
    depth = peak = 0
    for bracket in _BRACKET.findall(text):
        depth = depth + 1 if bracket in "[{" else max(depth - 1, 0)
        peak = max(peak, depth)
    if peak > _MAX_YAML_DEPTH:
        return True
    return any(len(lead) > _MAX_YAML_INDENT for lead in _LEADING.findall(text))


def _yaml(text: str) -> Any:
    if _too_deep(text):
        raise _BadYaml("it nests too deeply")
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - the base loader builds only str/list/dict
    except RecursionError:
        raise _BadYaml("it nests too deeply") from None
    except yaml.YAMLError as error:
        raise _BadYaml(str(error).splitlines()[0] if str(error) else "unreadable") from None


def _split_front_matter(content: str) -> tuple[dict[str, Any] | None, str]:
    """(front matter, body); None when the file has no front matter. Raises _BadYaml."""
    if _EMPTY_FRONT_MATTER.match(content):
        return {}, _EMPTY_FRONT_MATTER.sub("", content, count=1)
    match = _FRONT_MATTER.match(content)
    if not match or len(match.group(1)) > _MAX_FRONT_MATTER:
        return None, content
    meta = _yaml(match.group(1))
    if not isinstance(meta, Mapping):
        return None, content
    return _lower_keys(meta), content[match.end() :]


def _read_markdown(content: str, stem: str) -> _Read:
    meta, body = _split_front_matter(content)
    meta = meta or {}
    plain = _parse_markdown(body)
    from_meta = _is_recipe_meta(meta)
    if not from_meta and not (plain.ingredients or plain.instructions):
        raise _NotARecipe

    facts, intro = _facts(plain.intro) if not from_meta else ({}, [])

    def fact(*keys: str) -> str:
        return next((facts[key] for key in keys if key in facts), "")

    if from_meta:
        ingredients = _lines_of(_get(meta, *_INGREDIENT_KEYS), headers=True)
        instructions = _lines_of(_get(meta, *_STEP_KEYS), headers=False)
        description = _markdown_text(body.split("\n"))
        notes_parts: list[str] = []
    else:
        ingredients, instructions = plain.ingredients, plain.instructions
        description = _markdown_text(intro)
        notes_parts = [part for part in plain.notes if part]
    explicit_description = _first_scalar(_get(meta, "description", "summary", "excerpt"))
    if explicit_description:
        if from_meta and description:
            notes_parts.insert(0, description)
        description = _markdown_text(explicit_description.split("\n"))
    meta_notes = _get(meta, "notes", "note", "tips")
    if meta_notes is not None:
        notes_parts.append("\n".join(_lines_of(meta_notes, headers=True)))
    components = _flat_strings(_get(meta, "components"))
    if components:
        notes_parts.append("Components: " + ", ".join(_inline(c) for c in components))

    name = title(_inline(_first_scalar(_get(meta, "title", "name")))) or title(plain.title) or title(stem)
    recipe_yield = _first_scalar(_get(meta, "yield", "yields", "servings", "serves", "recipeyield", "makes"))
    nutrition_meta = _get(meta, "nutrition")
    nutrition = (
        {str(k): _inline(_scalar(v)) for k, v in nutrition_meta.items() if _scalar(v).strip()}
        if isinstance(nutrition_meta, Mapping)
        else plain.nutrition
    )

    def time(meta_keys: tuple[str, ...], fact_keys: tuple[str, ...]) -> int | None:
        return minutes(_first_scalar(_get(meta, *meta_keys)) or fact(*fact_keys))

    data = RecipeData(
        title=name or "Untitled recipe",
        description=description,
        ingredients=ingredients,
        instructions=instructions,
        servings=servings(_inline(recipe_yield) or fact("serves", "servings", "yield", "yields", "makes", "portions")),
        prep_time=time(("preptime", "prep", "prep_time", "preparation_time"), ("prep", "preparation")),
        cook_time=time(("cooktime", "cook", "cook_time", "cooking_time"), ("cook", "cooking")),
        total_time=time(("totaltime", "total", "total_time", "ready", "time"), ("total", "ready")),
        source_url=_url_in(_first_scalar(_get(meta, "source", "source_url", "url", "original", "link", "original_url")))
        or _url_in(fact("source", "url", "original")),
        notes="\n\n".join(part for part in notes_parts if part).strip(),
        tags=tag_names(
            _flat_strings(_get(meta, "tags")),
            _flat_strings(_get(meta, "categories", "category")),
            _flat_strings(_get(meta, "cuisine", "keywords")),
            fact("tags"),
            fact("categories", "category"),
            fact("cuisine", "keywords"),
        ),
        nutrition=nutrition,
    )
    image = _first_scalar(_get(meta, "image", "images", "photo", "picture", "thumbnail")) or plain.image
    created = parse_datetime(_first_scalar(_get(meta, "date", "created", "date_created", "created_at")))
    return _Read(data, image.strip(), created)


# --- The archive ---------------------------------------------------------------------------


def _markdown_names(archive: Archive) -> list[str]:
    names = archive.names()
    if len(names) == 1:
        return names  # one file: judged by its content whatever its name
    return [name for name in names if name.lower().endswith(_SUFFIXES)]


def _sniff_order(names: list[str]) -> list[str]:
    """Files in a recipe folder (Chowdown's `_recipes/`) first: a site has other pages too."""
    return sorted(names, key=lambda name: "recipe" not in name.lower())


def _looks_like_markdown(content: str) -> bool:
    start = content.lstrip()[:1]
    return start not in ("<", "{", "[")


def matches(archive: Archive) -> bool:
    for name in _sniff_order(_markdown_names(archive))[:_SNIFF_ENTRIES]:
        content = decode_text(archive.read(name))
        if not _looks_like_markdown(content) or not _SNIFF_WORDS.search(content):
            continue
        try:
            meta, body = _split_front_matter(content)
        except _BadYaml:
            continue
        if meta and _is_recipe_meta(meta):
            return True
        kinds = {_section_kind(heading) for _, _, heading in _headings(body.split("\n"))}
        if {"ingredients", "instructions"} <= kinds:
            return True
    return False


class _Pictures:
    """Finds a picture a recipe names: relative to its file, to the site's top (the folder
    above `_recipes/`), in the site's images/ folder, or else by a unique file name."""

    def __init__(self, names: list[str]) -> None:
        self.names = set(names)
        by_base: dict[str, list[str]] = {}
        for name in names:
            by_base.setdefault(posixpath.basename(name).lower(), []).append(name)
        self.by_base = by_base

    def find(self, entry: str, ref: str) -> str | None:
        if not ref or "://" in ref or ref.startswith(("data:", "//")):
            return None
        ref = ref.replace("\\", "/").split("?", 1)[0].split("#", 1)[0]
        ref = re.sub(r"^\{\{.*?\}\}", "", ref).strip()
        folder = posixpath.dirname(entry)
        site = posixpath.dirname(folder) if posixpath.basename(folder).startswith("_") else folder
        for base in (folder, site, posixpath.join(site, "images"), posixpath.join(folder, "images"), ""):
            path = posixpath.normpath(posixpath.join(base, ref.lstrip("/"))).lstrip("/")
            if path in self.names:
                return path
        same_name = self.by_base.get(posixpath.basename(ref).lower(), [])
        return same_name[0] if len(same_name) == 1 else None


def read(archive: Archive) -> ReadResult:
    result = ReadResult(format=NAME)
    all_names = archive.names()
    pictures = _Pictures(all_names)
    for name in _markdown_names(archive):
        content = decode_text(archive.read(name))
        stem = posixpath.splitext(posixpath.basename(name))[0].replace("_", " ").replace("-", " ")
        try:
            recipe = _read_markdown(content, stem)
        except _NotARecipe:
            continue
        except _BadYaml as error:
            result.skipped.append(Skipped(name, f"its YAML front matter cannot be read ({error})"))
            continue
        image: bytes | None = None
        picture = pictures.find(name, recipe.image)
        if picture is not None:
            image = archive.read(picture)
        result.recipes.append(ParsedRecipe(data=recipe.data, image=image, where=name, created_at=recipe.created))
    if not result.recipes and not result.skipped:
        raise FileRejected("There is no Markdown recipe in this file.")
    return result
