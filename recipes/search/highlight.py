"""Highlighted snippets for search results, the same on every database.

Matching works on folded words (see text.fold), but the snippet shows the original
text, escaped, with the matching words wrapped in <mark>.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterable, Sequence

from markupsafe import Markup

from .query_text import WORD, fold

SNIPPET_RADIUS = 70


MAX_FIELD = 4000  # characters of a field looked at: a snippet comes from near the start


def _hits(text: str, prefixes: tuple[str, ...], pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    """(start, end) of the words in `text` that start with one of `prefixes`, once folded."""
    folded = fold(text)
    # Every match starts where one of the prefixes stands, as it is: found by a plain substring
    # search, rather than the pattern's walk of every position before it (none: no match).
    found = [at for at in (folded.find(prefix) for prefix in prefixes) if at >= 0]
    if not found:
        return []
    if len(folded) == len(text):
        # Folding kept every position (the usual case): match on the folded text directly (the
        # pattern still sees what stands before `min(found)`, for its word boundary).
        first = pattern.search(folded, min(found))
        if first is None:
            return []
        window_end = min(len(folded), first.end() + 2 * SNIPPET_RADIUS)
        return [m.span() for m in pattern.finditer(folded, first.start(), window_end)]
    # Folding changed lengths ("ß" -> "ss", "½" -> "1", a fraction slash, "2"): fold word by word instead, in the lines
    # where a prefix stands once folded. Folding works character by character, so a word that folds
    # to a match leaves that match in its line's folded text: none there, none to find. A snippet
    # shows the first hit and what follows it closely.
    hits: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        if hits and offset > hits[0][1] + 2 * SNIPPET_RADIUS:
            break
        folded_line = fold(line)
        if any(prefix in folded_line for prefix in prefixes):
            for m in WORD.finditer(line):
                start = offset + m.start()
                if hits and start > hits[0][1] + 2 * SNIPPET_RADIUS:
                    break
                if fold(m.group()).startswith(prefixes):
                    hits.append((start, offset + m.end()))
        offset += len(line) + 1
    return hits


@functools.lru_cache(maxsize=64)
def _pattern(prefixes: tuple[str, ...]) -> re.Pattern[str]:
    """Words starting with one of `prefixes` (made once for a page's snippets, not for each)."""
    return re.compile(r"(?<![^\W_])(?:" + "|".join(map(re.escape, prefixes)) + r")[^\W_]*")


def snippet(fields: Iterable[str], words: Sequence[str]) -> Markup | None:
    """The first field with a match, cut to about 2 x SNIPPET_RADIUS characters around it.
    `fields` are read in order, no further than that field (they may be made as they are read)."""
    prefixes = tuple(dict.fromkeys(w for w in words if w))
    if not prefixes:
        return None
    pattern = _pattern(prefixes)
    for field in fields:
        text = field[:MAX_FIELD]
        hits = _hits(text, prefixes, pattern)
        if not hits:
            continue
        first_start, first_end = hits[0]
        start = max(0, first_start - SNIPPET_RADIUS)
        end = min(len(text), first_end + SNIPPET_RADIUS)
        if start > 0:  # do not cut a word in half
            space = text.find(" ", start)
            start = space + 1 if 0 <= space < first_start else start
        if end < len(text):
            space = text.rfind(" ", first_end, end)
            end = space if space > 0 else end
        # Built as one string and marked safe once: every piece of the text is escaped.
        parts = ["… " if start > 0 else ""]
        cursor = start
        for hit_start, hit_end in hits:
            if hit_start < start or hit_end > end:
                continue
            parts.append(html.escape(text[cursor:hit_start]))
            parts.append("<mark>" + html.escape(text[hit_start:hit_end]) + "</mark>")
            cursor = hit_end
        parts.append(html.escape(text[cursor:end]))
        parts.append(" …" if end < len(text) else "")
        return Markup("".join(parts).replace("\n", " "))  # noqa: S704 (escaped above)
    return None
