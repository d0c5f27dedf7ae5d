"""How units are written, and the canonical English name each spelling means.

STAND-IN: the parser branch (issue 16) brings the real table under this same name, with the same
interface (``canonical_unit``, ``CANONICAL_UNITS``); at merge, take the parser branch's file. This one
only knows the spellings the unit, display and step-scaling code and its tests need.
"""

from __future__ import annotations

import re
from types import MappingProxyType

_SPELLINGS: dict[str, tuple[str, ...]] = {
    "teaspoon": ("tsp", "teaspoon"),
    "tablespoon": ("tbsp", "tbs", "tablespoon"),
    "cup": ("c", "cup"),
    "fluid ounce": ("fl oz", "fluid ounce"),
    "pint": ("pt", "pint"),
    "quart": ("qt", "quart"),
    "gallon": ("gal", "gallon"),
    "millilitre": ("ml", "millilitre", "milliliter"),
    "centilitre": ("cl", "centilitre", "centiliter"),
    "decilitre": ("dl", "decilitre", "deciliter"),
    "litre": ("l", "litre", "liter"),
    "milligram": ("mg", "milligram"),
    "gram": ("g", "gram", "gramme"),
    "kilogram": ("kg", "kilogram", "kilo"),
    "ounce": ("oz", "ounce"),
    "pound": ("lb", "lbs", "pound"),
    "centimetre": ("cm", "centimetre", "centimeter"),
    "inch": ("in", "inch"),
    "pinch": ("pinch",),
    "dash": ("dash",),
    "drop": ("drop",),
    "handful": ("handful",),
    "clove": ("clove",),
    "sprig": ("sprig",),
    "bunch": ("bunch",),
    "head": ("head",),
    "stalk": ("stalk",),
    "stick": ("stick",),
    "slice": ("slice",),
    "piece": ("piece",),
    "leaf": ("leaf",),
    "can": ("can",),
    "tin": ("tin",),
    "jar": ("jar",),
    "package": ("package", "packet", "pkg"),
}

CANONICAL_UNITS: tuple[str, ...] = tuple(_SPELLINGS)

_IRREGULAR_PLURALS = {"leaf": "leaves"}


def _plural(word: str) -> str:
    if word in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[word]
    if word.endswith(("ch", "sh", "ss", "x")):
        return word + "es"
    return word + "s"


def _build() -> dict[str, str]:
    table: dict[str, str] = {}
    for name, spellings in _SPELLINGS.items():
        for spelling in spellings:
            table[spelling] = name
            head, _, last = spelling.rpartition(" ")
            if last.isalpha() and len(last) > 1:
                table.setdefault(f"{head} {_plural(last)}".strip(), name)
    return table


_TABLE: MappingProxyType[str, str] = MappingProxyType(_build())
_DOTS = re.compile(r"\s*\.\s*")


def canonical_unit(word_or_words: str) -> str | None:
    """The canonical name of a unit as written ("Tbsp." -> "tablespoon"), or None if it is not a unit."""
    key = " ".join(_DOTS.sub(" ", word_or_words).split())
    if key in ("T", "Tb", "TB"):
        return "tablespoon"
    if key == "t":
        return "teaspoon"
    return _TABLE.get(key.lower())


def unit_spellings() -> MappingProxyType[str, str]:
    """Every lower-case spelling this table knows."""
    return _TABLE
