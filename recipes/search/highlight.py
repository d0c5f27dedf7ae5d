"""Highlighted snippets for search results, the same on every database.

Matching works on folded words (see text.fold), but the snippet shows the original
text, escaped, with the matching words wrapped in <mark>.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markupsafe import Markup, escape

from .text import fold

SNIPPET_RADIUS = 70
_WORD = re.compile(r"[^\W_]+")


def snippet(fields: Sequence[str], words: Sequence[str]) -> Markup | None:
    """The first field with a match, cut to about 2 x SNIPPET_RADIUS characters around it."""
    prefixes = tuple(w for w in words if w)
    if not prefixes:
        return None
    for text in fields:
        hits = [m for m in _WORD.finditer(text) if fold(m.group()).startswith(prefixes)]
        if not hits:
            continue
        start = max(0, hits[0].start() - SNIPPET_RADIUS)
        end = min(len(text), hits[0].end() + SNIPPET_RADIUS)
        if start > 0:  # do not cut a word in half
            space = text.find(" ", start)
            start = space + 1 if 0 <= space < hits[0].start() else start
        if end < len(text):
            space = text.rfind(" ", hits[0].end(), end)
            end = space if space > 0 else end
        parts: list[str | Markup] = ["… " if start > 0 else ""]
        cursor = start
        for hit in hits:
            if hit.start() < start or hit.end() > end:
                continue
            parts.append(text[cursor : hit.start()])
            parts.append(Markup("<mark>%s</mark>") % hit.group())
            cursor = hit.end()
        parts.append(text[cursor:end])
        parts.append(" …" if end < len(text) else "")
        return Markup("").join(escape(p) for p in parts).replace("\n", " ")
    return None
