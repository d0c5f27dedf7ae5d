"""How much a cup of a food weighs, for the few foods where that is known (``data/densities.csv``).

Volume <-> mass conversion happens only through this table, and what it gives is approximate (a cup
of flour weighs what the hand that filled it made it weigh): the display marks it "≈ 190 g". Each row
names its source, the portion as published (a USDA FoodData Central food by its NDB number, or a line of
King Arthur Baking's chart); ``data/DENSITIES.md`` sets each value beside a second reference.

A food is looked up by its key (``foods.food_key``), then by its key without its leading words
("unsalted butter" -> "butter", "packed light brown sugar" -> "brown sugar"): in English the food is
the last words, the ones before describe it. A row with no density stops that search ("kosher salt" is
not "salt").
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Literal

from recipes.ingredients.foods import DATA, alias, food_key
from recipes.ingredients.units import DimensionError, convert, dimension, tidy

US_CUP_ML = 236.5882365


@dataclass(frozen=True, slots=True)
class Density:
    food: str  # the key of the table's row
    grams_per_ml: float
    metric_measure: Literal["mass", "volume"]  # how the metric system shows this food
    source: str


@cache
def _table() -> dict[str, Density | None]:
    table: dict[str, Density | None] = {}
    with (DATA / "densities.csv").open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            key = food_key(row["food"])
            if key is None:
                continue
            if not row["grams_per_us_cup"]:
                table[key] = None
                continue
            measure: Literal["mass", "volume"] = "volume" if row["metric_measure"] == "volume" else "mass"
            table[key] = Density(key, float(row["grams_per_us_cup"]) / US_CUP_ML, measure, row["source"])
    return table


def rows() -> list[Density]:
    """Every known density (for tests and documentation)."""
    return [density for density in _table().values() if density is not None]


@lru_cache(maxsize=4096)
def density_of(food: str | None) -> Density | None:
    """The density of a food as written ("Unsalted butter, softened" -> butter's), or None if unknown."""
    key = food_key(food)
    if key is None:
        return None
    table = _table()
    words = key.split()
    for start in range(len(words)):
        candidate = alias(" ".join(words[start:]))
        if candidate in table:
            return table[candidate]
    return None


def convert_with_density(quantity: float, unit: str, to_unit: str, food: str | None) -> tuple[float, bool]:
    """``quantity`` ``unit`` in ``to_unit``, and whether a density was needed (the result is approximate).

    Mass <-> volume only for a food with a known density; anything else raises DimensionError.
    """
    from_dim, to_dim = dimension(unit), dimension(to_unit)
    if from_dim == to_dim or from_dim not in ("mass", "volume") or to_dim not in ("mass", "volume"):
        return convert(quantity, unit, to_unit), False
    density = density_of(food)
    if density is None:
        what = f"{food[:60]!r}" if food else "this line"
        raise DimensionError(f"Cannot convert {unit} to {to_unit} for {what}: its density is not known.")
    if from_dim == "volume":
        grams = convert(quantity, unit, "millilitre") * density.grams_per_ml
        return tidy(convert(grams, "gram", to_unit)), True
    millilitres = convert(quantity, unit, "gram") / density.grams_per_ml
    return tidy(convert(millilitres, "millilitre", to_unit)), True
