"""The one table of how units are written, and the canonical English name each spelling means.

``canonical_unit("Tbsp.") == "tablespoon"``, ``canonical_unit("fl oz") == "fluid ounce"``,
``canonical_unit("T") == "tablespoon"`` but ``canonical_unit("t") == "teaspoon"``. The canonical names
(``CANONICAL_UNITS``) are stable: stored details, the unit conversions and the shopping list key on them.
A name here says what a word means *if* it is the unit of a line; whether "head" or "in" is the unit of
a given line is the parser's decision.
"""

from __future__ import annotations

import re
from functools import lru_cache
from types import MappingProxyType

# Each canonical name with its spellings, lower-case, singular (plurals are derived below).
_SPELLINGS: dict[str, tuple[str, ...]] = {
    # volume, spoons and cups ("tsk", "msk", "spsk": the Scandinavian spoons)
    "teaspoon": ("tsp", "tspn", "teasp", "teaspoon", "tea spoon", "teaspoonful", "tsk"),
    "tablespoon": (
        "tbsp",
        "tbs",
        "tbl",
        "tb",
        "tbls",
        "tblsp",
        "tblspn",
        "tbspn",
        "tablesp",
        "tablespoon",
        "table spoon",
        "tablespoonful",
        "msk",
        "spsk",
    ),
    "dessertspoon": ("dsp", "dssp", "dstspn", "dessertspoon", "dessert spoon", "dessertspoonful"),
    "cup": ("c", "cup", "cupful", "teacup"),
    "fluid ounce": ("fl oz", "floz", "fl ounce", "fluid ounce", "fluid oz"),
    "pint": ("pt", "pint"),
    "quart": ("qt", "quart"),
    "gallon": ("gal", "gallon"),
    "millilitre": ("ml", "millilitre", "milliliter", "cc", "mls"),
    "centilitre": ("cl", "centilitre", "centiliter"),
    "decilitre": ("dl", "decilitre", "deciliter"),
    "litre": ("l", "lt", "ltr", "litre", "liter"),
    # mass
    "milligram": ("mg", "milligram", "milligramme"),
    "gram": ("g", "gm", "gms", "gr", "grm", "gram", "gramme"),
    "kilogram": ("kg", "kgs", "kilo", "kilogram", "kilogramme"),
    "ounce": ("oz", "ozs", "ounce"),
    "pound": ("lb", "lbs", "pound"),
    # length
    "millimetre": ("mm", "millimetre", "millimeter"),
    "centimetre": ("cm", "centimetre", "centimeter"),
    "inch": ("in", "inch", '"'),
    # small, imprecise amounts
    "pinch": ("pinch",),
    "dash": ("dash",),
    "drop": ("drop",),
    "splash": ("splash",),
    "drizzle": ("drizzle",),
    "glug": ("glug",),
    "knob": ("knob",),
    "dollop": ("dollop",),
    "handful": ("handful",),
    "sprinkle": ("sprinkle",),
    "shake": ("shake",),
    "smidgen": ("smidgen", "smidgeon"),
    "scoop": ("scoop",),
    # parts of plants and foods counted
    "clove": ("clove",),
    "sprig": ("sprig",),
    "bunch": ("bunch",),
    "head": ("head",),
    "stalk": ("stalk",),
    "stick": ("stick",),
    "slice": ("slice",),
    "piece": ("piece", "pc", "pcs"),
    "leaf": ("leaf",),
    "bulb": ("bulb",),
    "sheet": ("sheet",),
    "rasher": ("rasher",),
    "loaf": ("loaf",),
    "spear": ("spear",),
    "rib": ("rib",),
    "stem": ("stem",),
    "strip": ("strip",),
    "ear": ("ear",),
    "branch": ("branch",),
    "ball": ("ball",),
    "wedge": ("wedge",),
    "rack": ("rack",),
    "cube": ("cube",),
    "chunk": ("chunk",),
    "bundle": ("bundle",),
    "twist": ("twist",),
    "block": ("block",),
    # containers and packs
    "can": ("can",),
    "tin": ("tin",),
    "jar": ("jar",),
    "bottle": ("bottle",),
    "package": ("pkg", "pkt", "package", "packet", "pack"),
    "bag": ("bag",),
    "box": ("box",),
    "carton": ("carton",),
    "sachet": ("sachet",),
    "envelope": ("envelope",),
    "tub": ("tub",),
    "punnet": ("punnet",),
    "container": ("container",),
    "glass": ("glass",),
    # servings and batches
    "serving": ("serving",),
    "portion": ("portion",),
    "batch": ("batch",),
    "recipe": ("recipe",),
}

# The canonical names, in a stable order: volumes, masses, lengths, then counted things.
CANONICAL_UNITS: tuple[str, ...] = tuple(_SPELLINGS)

# What kind of thing each unit measures, roughly (the parser reads "400g tin" and "150g/5oz" by it).
_KINDS: dict[str, tuple[str, ...]] = {
    "volume": CANONICAL_UNITS[: CANONICAL_UNITS.index("litre") + 1],
    "mass": ("milligram", "gram", "kilogram", "ounce", "pound"),
    "length": ("millimetre", "centimetre", "inch"),
    "bit": CANONICAL_UNITS[CANONICAL_UNITS.index("pinch") : CANONICAL_UNITS.index("scoop") + 1],
    "piece": CANONICAL_UNITS[CANONICAL_UNITS.index("clove") : CANONICAL_UNITS.index("block") + 1],
    "package": CANONICAL_UNITS[CANONICAL_UNITS.index("can") : CANONICAL_UNITS.index("glass") + 1],
    "serving": ("serving", "portion", "batch", "recipe"),
}
UNIT_KINDS: MappingProxyType[str, str] = MappingProxyType(
    {name: kind for kind, names in _KINDS.items() for name in names}
)

# Spellings whose case decides their meaning: "T" is a tablespoon, "t" a teaspoon.
_CASED: dict[str, str] = {
    "T": "tablespoon",
    "t": "teaspoon",
    "Tb": "tablespoon",
    "TB": "tablespoon",
    "EL": "tablespoon",  # Esslöffel
    "TL": "teaspoon",  # Teelöffel
}

_IRREGULAR_PLURALS = {"leaf": "leaves", "loaf": "loaves"}


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
            # Plurals of words and of the last word of a phrase ("fluid ounces", "table spoons");
            # abbreviations take an "s" as well ("tsps", "tbsps", "cups").
            head, _, last = spelling.rpartition(" ")
            if last.isalpha() and len(last) > 1 and (not last.endswith("s") or last.endswith("ss")):
                table.setdefault(f"{head} {_plural(last)}".strip(), name)
    return table


_TABLE: MappingProxyType[str, str] = MappingProxyType(_build())
# A spelling's key: lower-case, dots dropped ("Tbsp." -> "tbsp", "fl. oz" -> "fl oz"), spaces single.
_DOTS = re.compile(r"\s*\.\s*")


def _key(text: str) -> str:
    return " ".join(_DOTS.sub(" ", text).split())


@lru_cache(maxsize=2048)
def canonical_unit(word_or_words: str) -> str | None:
    """The canonical name of a unit as written ("Tbsp." -> "tablespoon"), or None if it is not a unit."""
    key = _key(word_or_words)
    if not key:
        return None
    if key in _CASED:
        return _CASED[key]
    lower = key.lower()
    found = _TABLE.get(lower)
    if found is None and "-" in lower:
        found = _TABLE.get(" ".join(lower.replace("-", " ").split()))  # "fl-oz", "table-spoon"
    return found


def unit_spellings() -> MappingProxyType[str, str]:
    """Every lower-case spelling this table knows (plus "T" and "t", whose case matters)."""
    return _TABLE
