"""Which aisle of the shop a food is found in: a built-in table (``data/aisles.csv``, by food key)
that a household's own choices override, and the order the household walks the aisles in.

A food is looked up by its key (``foods.food_key``), then by its key without its leading words
("red onion" -> "onion", "unsalted butter" -> "butter", "boneless chicken thigh" -> "chicken
thigh"), as densities.py does: in English the food is the last words, the ones before describe
it. At each step the household's choice wins over the table, so a household that shelves "flour"
with the baking keeps "bread flour" where the table puts it. A food in a can, tin or jar is on the
pantry shelves whatever the table says of the fresh one. Anything unknown is "other".

Aisles are a fixed set, named by stable ids (the API and the forms use these); their order is the
household's to choose.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path

from ..ingredients.foods import alias, food_key

DATA = Path(__file__).with_name("data")

# id -> what the list calls it, in the order a new household walks them.
AISLES: dict[str, str] = {
    "produce": "Produce",
    "bakery": "Bakery",
    "meat-fish": "Meat & fish",
    "dairy": "Dairy & eggs",
    "frozen": "Frozen",
    "pantry": "Pantry",
    "spices": "Spices",
    "drinks": "Drinks",
    "household": "Household",
    "other": "Other",
}
OTHER = "other"
PANTRY = "pantry"
DEFAULT_ORDER: tuple[str, ...] = tuple(AISLES)
# Units that say the food comes preserved, from the pantry shelves.
PACKAGED_UNITS = frozenset({"can", "tin", "jar"})


class AisleError(ValueError):
    """Not one of the aisles (the message lists them)."""


def check_aisle(value: object) -> str:
    """The aisle id `value` names, or AisleError."""
    if isinstance(value, str) and value in AISLES:
        return value
    shown = repr(value[:40]) if isinstance(value, str) else "that"
    raise AisleError(f"Unknown aisle {shown}: use one of {', '.join(AISLES)}.")


@cache
def _table() -> dict[str, str]:
    table: dict[str, str] = {}
    with (DATA / "aisles.csv").open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            key = food_key(row["food"])
            if key is not None:
                table[key] = check_aisle(row["aisle"])
    return table


def table() -> dict[str, str]:
    """The built-in table, food key -> aisle (for tests and documentation)."""
    return dict(_table())


def aisle_for(key: str | None, chosen: Mapping[str, str] | None = None, *, packaged: bool = False) -> str:
    """The aisle of the food with this key: the household's `chosen` aisles first, then the table,
    for the key and then for its last words; a packaged food (can, tin, jar) is in the pantry."""
    if key is None:
        return OTHER
    chosen = chosen or {}
    found = None
    words = key.split()
    for start in range(len(words)):
        candidate = " ".join(words[start:])
        for name in (candidate, alias(candidate)):
            found = chosen.get(name) or _table().get(name)
            if found:
                break
        if found:
            break
    if packaged and found in (None, "produce", "meat-fish"):
        return PANTRY
    return found or OTHER


def ordered(order: Sequence[str] | None) -> list[str]:
    """A household's aisle order as stored, made whole: known aisles only, each once, any it
    lacks (an aisle added in a later version) in their default place at the end."""
    seen: dict[str, None] = {}
    for aisle in order or ():
        if isinstance(aisle, str) and aisle in AISLES:
            seen.setdefault(aisle, None)
    for aisle in DEFAULT_ORDER:
        seen.setdefault(aisle, None)
    return list(seen)


def moved(order: Sequence[str] | None, aisle: str, step: int) -> list[str]:
    """The order with `aisle` moved `step` places (-1: up, 1: down), stopping at either end."""
    check_aisle(aisle)
    current = ordered(order)
    at = current.index(aisle)
    to = max(0, min(len(current) - 1, at + step))
    current.insert(to, current.pop(at))
    return current
