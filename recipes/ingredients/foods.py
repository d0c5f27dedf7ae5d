"""Food names as a key two lines merge on: "Onions" and "onion" are one food, "brown sugar" another.

The key is conservative: case, accents' composition, punctuation and the plural of the last word
(the head noun in English: "cherry tomatoes" -> "cherry tomato"), then a small alias table kept in
``data/food_aliases.csv`` ("scallion" = "spring onion" = "green onion"). No adjective is dropped:
"brown sugar" is not "sugar", "fresh yeast" is not "yeast".
"""

from __future__ import annotations

import csv
import re
import unicodedata
from functools import cache, lru_cache
from pathlib import Path

DATA = Path(__file__).with_name("data")

# Longer names are cut: a key is for merging a shopping list, not for keeping text.
_MAX_INPUT = 300
_MAX_KEY = 120

# Plurals that the rules below would get wrong, both ways.
_IRREGULAR_SINGULARS: dict[str, str] = {
    "leaves": "leaf",
    "loaves": "loaf",
    "halves": "half",
    "knives": "knife",
    "calves": "calf",
    "potatoes": "potato",
    "tomatoes": "tomato",
    "mangoes": "mango",
    "avocadoes": "avocado",
    "heroes": "hero",
    "cookies": "cookie",
    "brownies": "brownie",
    "smoothies": "smoothie",
    "veggies": "veggie",
    "pies": "pie",
    "ties": "tie",
    "geese": "goose",
    "mice": "mouse",
    "teeth": "tooth",
}
_IRREGULAR_PLURALS: dict[str, str] = {single: plural for plural, single in _IRREGULAR_SINGULARS.items()}
# Words that end in "s" and are not plurals, or whose singular and plural are the same.
_INVARIANT = frozenset(
    {
        "asparagus",
        "couscous",
        "hummus",
        "humus",
        "molasses",
        "citrus",
        "octopus",
        "swiss",
        "grits",
        "series",
        "species",
        "lemongrass",
        "chassis",
        "anise",
        "jus",
        "gas",
        "fish",
        "sheep",
        "deer",
        "salmon",
        "trout",
        "cod",
        "tuna",
        "shrimp",
        "squid",
        "moose",
        "rice",
        "bitters",
        "schnapps",
        "hummous",
        "houmous",
        "tzatziki",
        "tagliatelle",
        "spaghetti",
        "linguine",
        "fettuccine",
        "penne",
        "ravioli",
        "gnocchi",
        "news",
        "lens",
    }
)
_VOWELS = frozenset("aeiou")

_APOSTROPHES = re.compile(r"['\u2019\u2018`´]")
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015_/]+")
_NOT_WORD = re.compile(r"[^\w ]+")


def normalise(text: str) -> str:
    """Lower case, composed, apostrophes dropped, punctuation and hyphens as single spaces."""
    text = unicodedata.normalize("NFKC", text[:_MAX_INPUT]).casefold()
    text = _APOSTROPHES.sub("", text)
    text = _SEPARATORS.sub(" ", text)
    text = _NOT_WORD.sub(" ", text)
    return " ".join(text.replace("_", " ").split())


def singular(word: str) -> str:
    """The singular of an English food word ("berries" -> "berry", "leaves" -> "leaf", "hummus" stays)."""
    if word in _IRREGULAR_SINGULARS:
        return _IRREGULAR_SINGULARS[word]
    if len(word) < 3 or word in _INVARIANT or not word.isalpha() or not word.endswith("s"):
        return word
    if word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes", "zzes")):
        return word[:-2]
    return word[:-1]


def plural(word: str) -> str:
    """The plural of an English food word ("berry" -> "berries", "potato" -> "potatoes")."""
    if word in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[word]
    if word in _INVARIANT or not word or not word[-1].isalpha():
        return word
    if word.endswith("y") and len(word) > 1 and word[-2] not in _VOWELS:
        return word[:-1] + "ies"
    if word.endswith(("ch", "sh", "ss", "x", "zz")):
        return word + "es"
    if word.endswith("s"):
        return word
    return word + "s"


def _last_word(text: str, change: str) -> str:
    """``text`` with its last word made singular or plural, keeping its case and everything else."""
    match = re.search(r"([^\W\d_]+)([.,;:!]*\s*)$", text)
    if match is None:
        return text
    word = match.group(1)
    lower = word.lower()
    changed = singular(lower) if change == "singular" else plural(lower)
    if changed == lower:
        return text
    if word.isupper() and len(word) > 1:
        changed = changed.upper()
    elif word[:1].isupper():
        changed = changed[:1].upper() + changed[1:]
    return text[: match.start(1)] + changed + match.group(2)


def singular_phrase(text: str) -> str:
    """ "2 Onions" -> "2 Onion": the last word singular, as written otherwise."""
    return _last_word(text, "singular")


def plural_phrase(text: str) -> str:
    """ "large egg" -> "large eggs": the last word plural, as written otherwise."""
    return _last_word(text, "plural")


def _base_key(text: str) -> str | None:
    words = normalise(text).split()
    if not words:
        return None
    words[-1] = singular(words[-1])
    return " ".join(words)[:_MAX_KEY].rstrip()


@cache
def _aliases() -> dict[str, str]:
    table: dict[str, str] = {}
    with (DATA / "food_aliases.csv").open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            name, same_as = _base_key(row["name"]), _base_key(row["same_as"])
            if name and same_as:
                table[name] = same_as
    return table


def alias(key: str) -> str:
    """The key an alias stands for ("scallion" -> "green onion"); other keys unchanged."""
    return _aliases().get(key, key)


# A key takes about 2 µs to make, and a remembered one about 0.2 kB in every worker: a small memory.
@lru_cache(maxsize=1024)
def food_key(food: str | None) -> str | None:
    """The key a food is known by: ``food_key("Spring Onions") == food_key("scallion") == "green onion"``."""
    if food is None:
        return None
    key = _base_key(food)
    if key is None:
        return None
    return alias(key)


@cache
def _names_by_key() -> dict[str, tuple[str, ...]]:
    """Every name the alias table knows for a key, the key first."""
    names: dict[str, list[str]] = {}
    for name, key in _aliases().items():
        names.setdefault(key, [key]).append(name)
    return {key: tuple(found) for key, found in names.items()}


@lru_cache(maxsize=1024)
def spellings(food: str) -> tuple[str, ...]:
    """The ways a food is written that share its key, normalised, each singular and plural:
    ``spellings("scallions")`` has "green onion", "green onions", "scallion", "spring onions", ...
    What a search for a food looks for, so it finds what the shopping list would merge."""
    key = food_key(food)
    if key is None:
        return ()
    forms: dict[str, None] = {}
    for name in _names_by_key().get(key, (key,)):
        *head, last = name.split()
        for word in (last, plural(last)):
            forms[" ".join([*head, word])] = None
    return tuple(forms)
