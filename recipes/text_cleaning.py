"""The one place that cleans text people and other programs give us.

- `clean_text`: what every stored text goes through (the services call it on every path:
  form, API, imports, demo data): control characters and lone surrogates dropped.
- `clean_line`: one line of plain text out of text that may hold HTML (entities decoded,
  markup dropped, spacing normalised): what importers make of a title or a tag.
- `verbatim_line`: an ingredient line or a step kept as its source wrote it, cleaned only
  where it carries markup or raw whitespace.
- `html_to_text`: paragraphs and lines out of text that may hold HTML.

Plain functions over strings: nothing here knows a request, a model or a library that
reads pages, so a worker that imports a file does not load what reads web pages.
"""

from __future__ import annotations

import html as html_lib
import re
from typing import Any


def clean_text(text: str) -> str:
    """Text as a person meant it: control characters other than tab and newline dropped
    (NUL cannot be stored in PostgreSQL, and none of them belongs in a recipe), and lone
    surrogates ("\\ud800" in a JSON file), which no database can store as UTF-8."""
    return "".join(ch for ch in text if (ch >= " " or ch in "\t\n" or ch == "\r") and not "\ud800" <= ch <= "\udfff")


_ENTITY = re.compile(r"&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
# A tag is "<" followed by a letter, "/" + letter or "!": "<2 cups" and "a < b" are not tags.
_TAG = re.compile(r"<!--.*?(?:-->|$)|<(?:/?([A-Za-z][A-Za-z0-9]*)[^<>]*|![^<>]*)>", re.DOTALL)
# Tags inside a run of text ("<b>well</b>.") go without a trace; any other tag (a <br>, a <p>)
# separates words and leaves a space.
# fmt: off
_INLINE_TAGS = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "font", "i", "ins", "kbd",
    "mark", "nobr", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u",
    "var", "wbr",
})
# fmt: on
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff"))  # zero-width space, word joiner, BOM
_SPACES = re.compile(r"\s+")
# Characters that mark a line as raw text that still needs reflowing: line breaks, tabs and
# other control characters. A line with only ordinary spaces is the library's own output.
_RAW_WHITESPACE = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]")


def _tag_replacement(match: re.Match[str]) -> str:
    name = match.group(1)
    return "" if name is None or name.lower() in _INLINE_TAGS else " "


def clean_line(text: str) -> str:
    """One line of plain text: entities decoded (also double-escaped ones, "&amp;amp;"),
    markup dropped, zero-width characters removed, no-break spaces and every run of
    whitespace made one space, ends trimmed."""
    for _ in range(3):  # "&amp;amp;lt;" at most; a real text is not escaped more often
        if "&" not in text or not _ENTITY.search(text):
            break
        text = html_lib.unescape(text)
    if "<" in text:
        text = _TAG.sub(_tag_replacement, text)
    text = text.translate(_INVISIBLE)
    return _SPACES.sub(" ", text).strip()


def verbatim_line(text: str) -> str:
    """An ingredient line or a step as the source wrote it, cleaned only where it needs it.

    Lines that carry markup, entities, line breaks or control characters get the whole of
    `clean_line`. A line without any is kept verbatim apart from zero-width characters:
    recipe-scrapers already normalised it, and the spacing it kept (a no-break space, a
    trailing space) is the source's and invisible on a page.
    """
    if _ENTITY.search(text) or _TAG.search(text) or _RAW_WHITESPACE.search(text):
        return clean_line(text)
    text = text.translate(_INVISIBLE)
    return text if text.strip() else ""


_LINE_BREAK_TAG = re.compile(r"<br\s*/?>", re.IGNORECASE)
_BLOCK_TAG = re.compile(
    r"</?(?:p|div|li|ul|ol|h[1-6]|tr|table|tbody|thead|blockquote|section|article|pre|dl|dt|dd|hr)\b[^<>]*>",
    re.IGNORECASE,
)
_MANY_BLANKS = re.compile(r"\n{3,}")
_HAS_MARKUP = re.compile(r"<[A-Za-z/!]|&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


def html_to_text(value: Any) -> str:
    """Plain text from text that may hold HTML: a <br> is a line break, a paragraph, list
    item or other block is a paragraph (a blank line), other tags go, entities are decoded,
    spacing within a line is normalised. Text without markup keeps its own lines and blank
    lines. "" for anything but a string."""
    if not isinstance(value, str):
        return ""
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    if _HAS_MARKUP.search(text):
        text = _LINE_BREAK_TAG.sub("\n", text)
        text = _BLOCK_TAG.sub("\n\n", text)
    lines = [clean_line(line) for line in text.split("\n")]
    return _MANY_BLANKS.sub("\n\n", "\n".join(lines)).strip()
