"""CopyMeThat's export: `recipes.html` (every recipe in one page) and `images/`, zipped,
or the HTML page alone.

Each recipe is a `<div class="recipe">` holding, by id (sometimes by class):
`name`; `description`; `link` with `<a id="original_link" href>`; `<img class="recipeImage"
src="images/...">`; `categories` with `<span class="recipeCategory">` tags (after a "Tags:"
label); `extra_info` (made this, rating: not kept); `servings` with `<a id="recipeYield">`;
`<ul id="recipeIngredients">` of `<li class="recipeIngredient">` with group headings as
`recipeIngredient_subheader` (kept as "Heading:") and `recipeIngredient_spacer`s;
`<ol id="recipeInstructions">` of `<li class="instruction">`, `instruction_subheader`
headings (left out: steps are a flat list) and `instruction_next` continuations; `<ul
id="recipeNotes">` of `<li class="recipeNote">`; and, when set, `prepTime`, `cookTime`
and `totalTime`.

Read with a small, forgiving tokenizer into a tree of just what is needed, which is fast
on a page with thousands of recipes.
"""

from __future__ import annotations

import html
import posixpath
import re
from urllib.parse import unquote

from ....cookbook.services import RecipeData
from ....text_cleaning import clean_line
from ..parsed import Archive, FileRejected, ParsedRecipe, ReadResult, Skipped
from .common import decode_text, http_url, minutes, servings, tag_names, title

NAME = "CopyMeThat"

_HTML_SUFFIXES = (".html", ".htm")
_SNIFF_ENTRIES = 5
_SNIFF_CHARS = 2_000_000
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
)
# Tags after which text starts on a new line.
_BLOCKS = frozenset(
    {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "blockquote", "section", "dd"}
)
_SKIPPED_TEXT = frozenset({"script", "style", "template"})
# The word "recipe" as a whole attribute value word; _has_recipe_block checks it is a class.
_RECIPE_WORD = re.compile(r"""(?<=[\s"'=])recipe(?=[\s"'/>])""")
_CLASS_BEFORE = re.compile(r"""class\s*=\s*["']?[^"'<>=]*$""", re.IGNORECASE)
_CMT_MARKERS = re.compile(
    r"""(?:id|class)\s*=\s*["']?\s*(?:recipeIngredients|recipeInstructions|original_link)\b""",
    re.IGNORECASE,
)
_TAGS_LABEL = re.compile(r"^tags?\s*:?$", re.IGNORECASE)
_SERVINGS_LABEL = re.compile(r"^(?:servings|serves|yield|makes)\s*:?\s*", re.IGNORECASE)


class _Node:
    __slots__ = ("attrs", "children", "classes", "ident", "tag")

    def __init__(self, tag: str, attrs: dict[str, str]) -> None:
        self.tag = tag
        self.attrs = attrs
        self.ident = attrs["id"].strip() if "id" in attrs else ""
        self.classes: list[str] = attrs["class"].split() if "class" in attrs else []
        self.children: list[_Node | str] = []

    def has(self, name: str) -> bool:
        """Whether this element is `name` by id or by class (exports use both)."""
        return self.ident == name or name in self.classes

    def elements(self) -> list[_Node]:
        return [child for child in self.children if isinstance(child, _Node)]

    def walk(self) -> list[_Node]:
        """This element's descendants, in document order."""
        found: list[_Node] = []
        stack = list(reversed(self.elements()))
        while stack:
            node = stack.pop()
            found.append(node)
            stack.extend(reversed(node.elements()))
        return found

    def raw_text(self) -> str:
        parts: list[str] = []
        stack: list[_Node | str] = [self]
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                parts.append(item)
                continue
            if item.tag == "br":
                parts.append("\n")
                continue
            if item.tag in _SKIPPED_TEXT:
                continue
            block = item.tag in _BLOCKS
            if block:
                parts.append("\n")
            if block:
                stack.append("\n")
            stack.extend(reversed(item.children))
        return "".join(parts)

    def lines(self) -> list[str]:
        """The element's text as cleaned, non-blank lines."""
        return [line for line in (clean_line(part) for part in self.raw_text().split("\n")) if line]

    def text(self) -> str:
        """The element's text on one line."""
        return " ".join(self.lines())


# Markup, found in one pass (linear time whatever the text): a comment (an unclosed one runs
# to the end), a start or end tag (attributes hold no "<" or ">"), or a declaration.
_MARKUP = re.compile(
    r"<(?:!--.*?(?:-->|\Z)|(/?)([A-Za-z][A-Za-z0-9:_-]*)([^<>]*)>|[!?][^<>]*>)",
    re.DOTALL,
)
_RAW_TEXT_END = {tag: re.compile(rf"</{tag}\s*>", re.IGNORECASE) for tag in _SKIPPED_TEXT}
_ATTRIBUTE = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?""")
_KEPT_ATTRIBUTES = frozenset({"id", "class", "src", "href", "content"})


def _attributes(raw: str) -> dict[str, str]:
    values: dict[str, str] = {}
    if "=" not in raw:
        return values
    for name, value in _ATTRIBUTE.findall(raw):
        name = name.lower()
        if name in _KEPT_ATTRIBUTES and name not in values:
            if value[:1] in ("'", '"'):
                value = value[1:-1]
            values[name] = html.unescape(value) if "&" in value else value
    return values


def _parse(content: str) -> _Node:
    """A forgiving tree of the page: end tags without a matching open element are ignored,
    open elements close with their parent, a new <li> or <p> closes an open one. Text keeps
    its entities (`clean_line` decodes them). Python's own HTML parser reads the same way
    but takes several times longer on a page of thousands of recipes."""
    root = _Node("#root", {})
    stack = [root]
    position = 0
    length = len(content)
    while position < length:
        match = _MARKUP.search(content, position)
        if match is None:
            stack[-1].children.append(content[position:])
            break
        if match.start() > position:
            stack[-1].children.append(content[position : match.start()])
        position = match.end()
        name = match.group(2)
        if name is None:
            continue  # a comment or a declaration
        tag = name.lower()
        if match.group(1):
            for depth in range(len(stack) - 1, 0, -1):
                if stack[depth].tag == tag:
                    del stack[depth:]
                    break
            continue
        if tag in _SKIPPED_TEXT:
            end = _RAW_TEXT_END[tag].search(content, position)
            position = end.end() if end else length
            continue
        raw = match.group(3)
        node = _Node(tag, _attributes(raw))
        if tag in ("li", "p") and stack[-1].tag == tag:
            stack.pop()
        stack[-1].children.append(node)
        if tag not in _VOID and not raw.rstrip().endswith("/"):
            stack.append(node)
    return root


def _recipes(root: _Node) -> list[_Node]:
    """The recipe blocks (not looking inside one for more)."""
    found: list[_Node] = []
    stack = list(reversed(root.elements()))
    while stack:
        node = stack.pop()
        if "recipe" in node.classes:
            found.append(node)
            continue
        stack.extend(reversed(node.elements()))
    return found


# --- One recipe ----------------------------------------------------------------------------


class _Recipe:
    """One recipe block, indexed once: its elements by id and by class, in document order."""

    def __init__(self, node: _Node) -> None:
        self.first: dict[str, _Node] = {}
        self.every: dict[str, list[_Node]] = {}
        self.images: list[_Node] = []
        for element in node.walk():
            for name in [element.ident, *element.classes] if element.ident else element.classes:
                self.first.setdefault(name, element)
                self.every.setdefault(name, []).append(element)
            if element.tag == "img" and element.attrs.get("src"):
                self.images.append(element)

    def find(self, name: str) -> _Node | None:
        return self.first.get(name)

    def all(self, name: str) -> list[_Node]:
        return self.every.get(name, [])


def _ingredients(recipe: _Recipe) -> list[str]:
    container = recipe.find("recipeIngredients")
    items = container.elements() if container is not None else recipe.all("recipeIngredient")
    lines: list[str] = []
    for item in items:
        if item.has("recipeIngredient_spacer"):
            continue
        text = item.text()
        if not text:
            continue
        if item.has("recipeIngredient_subheader"):
            lines.append(text if text.endswith(":") else text.rstrip() + ":")
        else:
            lines.append(text)
    return lines


def _instructions(recipe: _Recipe) -> list[str]:
    container = recipe.find("recipeInstructions")
    items = container.elements() if container is not None else recipe.all("instruction")
    steps: list[str] = []
    for item in items:
        if item.has("instruction_subheader"):
            continue
        text = "\n".join(item.lines())
        if not text:
            continue
        if item.has("instruction_next") and steps:
            steps[-1] += "\n" + text
        else:
            steps.append(text)
    return steps


def _notes(recipe: _Recipe) -> str:
    container = recipe.find("recipeNotes")
    if container is None:
        return ""
    items = container.elements() or [container]
    return "\n".join(line for item in items for line in item.lines())


def _servings(recipe: _Recipe) -> str:
    node = recipe.find("recipeYield")
    if node is not None:
        return servings(node.text())
    node = recipe.find("servings")
    return servings(_SERVINGS_LABEL.sub("", node.text())) if node is not None else ""


def _source(recipe: _Recipe) -> str:
    link = recipe.find("original_link")
    if link is None:
        return ""
    return http_url(link.attrs.get("href", "")) or http_url(link.text())


def _time(recipe: _Recipe, name: str) -> int | None:
    node = recipe.find(name)
    if node is None:
        return None
    return minutes(node.attrs.get("content") or node.text())


def _tags(recipe: _Recipe) -> list[str]:
    names = [node.text() for node in recipe.all("recipeCategory")]
    return tag_names([name for name in names if not _TAGS_LABEL.match(name)])


def _image_src(recipe: _Recipe) -> str:
    images = recipe.images
    chosen = next((node for node in images if node.has("recipeImage")), images[0] if images else None)
    return chosen.attrs["src"].strip() if chosen is not None else ""


def _recipe_data(recipe: _Recipe) -> RecipeData:
    name_node = recipe.find("name")
    description = recipe.find("description")
    return RecipeData(
        title=title(name_node.text()) if name_node is not None else "",
        description="\n".join(description.lines()) if description is not None else "",
        ingredients=_ingredients(recipe),
        instructions=_instructions(recipe),
        servings=_servings(recipe),
        prep_time=_time(recipe, "prepTime"),
        cook_time=_time(recipe, "cookTime"),
        total_time=_time(recipe, "totalTime"),
        source_url=_source(recipe),
        notes=_notes(recipe),
        tags=_tags(recipe),
    )


# --- The archive ---------------------------------------------------------------------------


def _html_names(archive: Archive) -> list[str]:
    names = archive.names()
    if len(names) == 1:
        return names
    return [name for name in names if name.lower().endswith(_HTML_SUFFIXES)]


def _has_recipe_block(content: str) -> bool:
    """Whether some element has the class "recipe" (in linear time: each occurrence of the
    word is checked against the few characters before it)."""
    for match in _RECIPE_WORD.finditer(content):
        if _CLASS_BEFORE.search(content, max(0, match.start() - 100), match.start()):
            return True
    return False


def _looks_like_export(content: str) -> bool:
    """CopyMeThat's page: recipe blocks with its ids, and its marker (the exports have a
    `copymethat_class_id_version` meta tag) unless the page has no JSON-LD either (a web
    page using the same ids is the schema.org reader's)."""
    head = content[:_SNIFF_CHARS]
    if not (_has_recipe_block(head) and _CMT_MARKERS.search(head)):
        return False
    lower = head.lower()
    return "copymethat" in lower or "application/ld+json" not in lower


def matches(archive: Archive) -> bool:
    return any(_looks_like_export(decode_text(archive.read(name))) for name in _html_names(archive)[:_SNIFF_ENTRIES])


def _picture(archive: Archive, names: set[str], page: str, src: str) -> bytes | None:
    if not src or "://" in src or src.startswith(("data:", "//")):
        return None
    src = src.replace("\\", "/").split("?", 1)[0].split("#", 1)[0]
    folder = posixpath.dirname(page)
    for ref in dict.fromkeys((src, unquote(src))):
        for base in (folder, ""):
            path = posixpath.normpath(posixpath.join(base, ref.lstrip("/"))).lstrip("/")
            if path in names:
                return archive.read(path)
    return None


def read(archive: Archive) -> ReadResult:
    result = ReadResult(format=NAME)
    names = set(archive.names())
    for page in _html_names(archive):
        content = decode_text(archive.read(page))
        for number, node in enumerate(_recipes(_parse(content)), start=1):
            recipe = _Recipe(node)
            data = _recipe_data(recipe)
            where = f"{page}, recipe {number}"
            if not data.title:
                if not (data.ingredients or data.instructions):
                    result.skipped.append(Skipped(where, "it has no name, ingredients or steps"))
                    continue
                data.title = "Untitled recipe"
            image = _picture(archive, names, page, _image_src(recipe))
            result.recipes.append(ParsedRecipe(data=data, image=image, where=f"{where} ({data.title})"))
    if not result.recipes and not result.skipped:
        raise FileRejected("There is no CopyMeThat recipe in this file.")
    return result
