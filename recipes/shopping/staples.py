"""Pantry staples: what a household always has (salt, pepper, oil), left off a list when a recipe
is added, unless asked. The household edits its own; a new one starts with DEFAULT_STAPLES.

A staple matches a food by its key (foods.food_key: "Salt" and "salt" are one), or as the food's
last words: a staple of two words or more ("olive oil") matches any food that ends with it ("extra
virgin olive oil"); a staple of one word matches only when the words before it merely describe it
("sea salt", "ground black pepper", "cold water"), so "pepper" never takes "bell pepper" along.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..ingredients.foods import food_key
from ..text_cleaning import clean_text
from . import limits

DEFAULT_STAPLES: tuple[str, ...] = (
    "salt",
    "pepper",
    "black pepper",
    "salt and pepper",
    "water",
    "oil",
    "olive oil",
    "vegetable oil",
)
# Words before a one-word staple that leave it the same thing.
_PLAIN = frozenset(
    {
        *("kosher", "sea", "table", "fine", "coarse", "flaky", "flake", "rock", "ground", "freshly", "fresh"),
        *("cracked", "black", "white", "hot", "cold", "warm", "lukewarm", "boiling", "iced", "ice", "tap"),
        *("filtered", "plain", "cooking", "neutral", "light", "extra", "virgin"),
    }
)


class StapleError(ValueError):
    pass


def staple_keys(names: Iterable[str]) -> frozenset[str]:
    """The keys of the staples as the household wrote them."""
    return frozenset(key for key in (food_key(name) for name in names) if key)


def is_staple(key: str | None, staples: frozenset[str]) -> bool:
    if not key:
        return False
    if key in staples:
        return True
    words = key.split()
    for start in range(1, len(words)):
        rest = " ".join(words[start:])
        if rest in staples and (start < len(words) - 1 or all(word in _PLAIN for word in words[:start])):
            return True
    return False


def clean_staples(names: Sequence[str]) -> list[str]:
    """The staples as given, one a line: cleaned, blank and repeated ones dropped, in order;
    StapleError when there are too many or one is too long."""
    found: dict[str, str] = {}
    for name in names:
        cleaned = " ".join(clean_text(name).split())
        if not cleaned:
            continue
        if len(cleaned) > limits.STAPLE_MAX:
            raise StapleError(limits.STAPLE_TOO_LONG)
        key = food_key(cleaned)
        if key and key not in found:
            found[key] = cleaned
    if len(found) > limits.STAPLES_MAX:
        raise StapleError(limits.TOO_MANY_STAPLES)
    return list(found.values())
