"""What a person types into the search box, turned into safe, database-neutral terms.

Everything is folded the same way for documents and queries (lower case, accents
removed: "Crème" -> "creme"), and reduced to words of letters and digits, so no
character a person types can reach the database's query syntax.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ..ingredients.foods import spellings
from ..text_cleaning import clean_text

MAX_INPUT = 500  # characters of a query we look at
MAX_GROUPS = 12  # words or phrases per query
MAX_WORD = 40  # characters per word
MAX_FOOD_FORMS = 12  # ways of writing one food an ingredient filter looks for

WORD = re.compile(r"[^\W_]+")
_CHUNK = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')


def clean_query_text(text: str, limit: int = MAX_INPUT) -> str:
    """What a person typed into a filter, on one line: no control characters (see
    text_cleaning.clean_text), runs of white space made one space, capped."""
    return " ".join(clean_text(text[: limit * 2]).split())[:limit]


# Combining marks (accents once decomposed): the Unicode blocks that hold them.
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text: str) -> str:
    """Lower-case, accent-free text: "Crème Brûlée" -> "creme brulee", "Straße" -> "strasse"."""
    if text.isascii():
        return text.lower()
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text)).casefold()


def words(text: str) -> list[str]:
    """The folded words of `text` (letters and digits only)."""
    return [w[:MAX_WORD] for w in WORD.findall(fold(text))]


Phrase = tuple[str, ...]


@dataclass(frozen=True)
class ParsedQuery:
    """Search terms: every `include` must match (a single word also as a prefix,
    "tom" -> tomato), no `exclude` may. A phrase is words that must stand together."""

    include: tuple[Phrase, ...] = ()
    exclude: tuple[Phrase, ...] = ()
    ingredients: tuple[Phrase, ...] = field(default=())
    not_ingredients: tuple[Phrase, ...] = field(default=())
    # Tag names the recipe must carry (any, or all of them): a hint that lets the text
    # index narrow the matches; the exact tag check is made on the recipe itself.
    tags: tuple[Phrase, ...] = field(default=())
    all_tags: bool = False

    def __bool__(self) -> bool:
        return bool(self.include or self.exclude or self.ingredients or self.not_ingredients)

    @property
    def highlight_words(self) -> tuple[str, ...]:
        return tuple(w for phrase in self.include + self.ingredients for w in phrase)


def parse(raw: str) -> tuple[tuple[Phrase, ...], tuple[Phrase, ...]]:
    """Split search-box text into (include, exclude) phrases.

    `"olive oil"` is a phrase, `-nuts` excludes, an unbalanced quote runs to the end,
    and everything that is not a letter or digit separates words.
    """
    include: list[Phrase] = []
    exclude: list[Phrase] = []
    for match in _CHUNK.finditer(raw[:MAX_INPUT]):
        negative = bool(match.group(1) or match.group(3))
        chunk = match.group(2) if match.group(2) is not None else match.group(4)
        phrase = tuple(words(chunk))
        if not phrase:
            continue
        target = exclude if negative else include
        if phrase not in target:
            target.append(phrase)
        if len(include) + len(exclude) >= MAX_GROUPS:
            break
    return tuple(include), tuple(exclude)


def parse_list(raw: str) -> tuple[Phrase, ...]:
    """Comma-separated ingredient filters ("chicken, olive oil") as phrases."""
    phrases: list[Phrase] = []
    for part in raw[:MAX_INPUT].split(","):
        phrase = tuple(words(part))
        if phrase and phrase not in phrases:
            phrases.append(phrase)
    return tuple(phrases[:MAX_GROUPS])


def build_query(q: str = "", has: str = "", has_not: str = "") -> ParsedQuery:
    include, exclude = parse(q)
    return ParsedQuery(
        include=include, exclude=exclude, ingredients=parse_list(has), not_ingredients=parse_list(has_not)
    )


def food_forms(phrase: Phrase) -> tuple[Phrase, ...]:
    """What an ingredient filter looks for: the phrase as typed, and every other way of writing
    the same food (plural or singular, and its aliases: "scallions" also finds "green onions"),
    by the rule the shopping list merges foods on (ingredients/foods.py)."""
    forms = [phrase]
    for spelling in spellings(" ".join(phrase)):
        form = tuple(words(spelling))
        if form and form not in forms:
            forms.append(form)
    return tuple(forms[:MAX_FOOD_FORMS])


def exclusion_forms(phrase: Phrase) -> list[Phrase]:
    """An excluded word also excludes its simple plural: -nut leaves out "nuts" too."""
    *head, last = phrase
    forms = [phrase]
    for suffix in ("s", "es"):
        if not last.endswith("s"):
            forms.append((*head, last + suffix))
    return forms


@dataclass(frozen=True)
class WordSpan:
    """One word of the search box, where it stands in what was typed, and folded."""

    start: int
    end: int
    word: str


def included_words(raw: str) -> list[WordSpan]:
    """The words of the phrases a search looks for (not the -excluded ones), each with its
    place in `raw`, so a correction can replace just that word and keep the rest as typed."""
    spans: list[WordSpan] = []
    for match in _CHUNK.finditer(raw[:MAX_INPUT]):
        if match.group(1) or match.group(3):
            continue
        group = 2 if match.group(2) is not None else 4
        offset = match.start(group)
        for token in WORD.finditer(match.group(group)):
            folded = words(token.group())
            if len(folded) == 1:  # a token that folds to several words is left alone
                spans.append(WordSpan(offset + token.start(), offset + token.end(), folded[0]))
    return spans
