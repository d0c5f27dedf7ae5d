"""The structured reading of one ingredient line, kept beside the verbatim line.

The verbatim line (``Recipe.ingredients[i]``) stays the truth; an ``IngredientDetail`` is what the
parser (or the user's correction) read from it. Details are stored as JSON beside the lines, one per
line in the same order, and travel in the API and the export with the fields below.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any


@dataclass(frozen=True, slots=True)
class IngredientDetail:
    text: str  # the line exactly as written
    section: bool = False  # a section header ("For the sauce:")
    quantity: float | None = None  # the amount (the low end of a range)
    quantity_max: float | None = None  # the high end of a range ("2-3"), else None
    unit: str | None = None  # canonical English unit name ("cup", "gram", "clove") or None
    unit_text: str | None = None  # the unit as written ("Tbsp.", "g")
    food: str | None = None  # the food as written, without amount, unit, size or notes
    note: str | None = None  # preparation and comments ("finely chopped", "to taste")
    size: str | None = None  # a size or package size ("large", "28-ounce")
    alt_quantity: float | None = None  # the second measure of a pair ("150g/5oz": 5)
    alt_unit: str | None = None  # its canonical unit ("ounce")
    food_key: str | None = None  # the normalised food name two lines merge on ("onion")
    unsure: bool = False  # the parser was not confident; the edit form marks the line
    corrected: bool = False  # a person set this reading; re-parsing keeps it

    def to_json(self) -> dict[str, Any]:
        """The stored and exported form: every field, JSON types only. (Every field holds a str, a
        float, a bool or None, so this is dataclasses.asdict without its deep copy: a twelfth of
        the cost, which the backfill pays half a million times.)"""
        return {name: getattr(self, name) for name in _FIELD_NAMES}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> IngredientDetail:
        """Read a stored detail, ignoring fields this version does not know."""
        return cls(**{k: v for k, v in data.items() if k in _KNOWN})

    def with_changes(self, **changes: Any) -> IngredientDetail:
        return replace(self, **changes)


_FIELD_NAMES = tuple(field.name for field in fields(IngredientDetail))
_KNOWN = frozenset(_FIELD_NAMES)
