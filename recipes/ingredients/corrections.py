"""A person's correction of how one ingredient line reads: checked, and applied to a recipe's readings.

A correction names the line it reads by its text (``IngredientDetail.text``): re-reading keeps it
while the line stays exactly so, and drops it once the line is edited (recipe_lines.read_lines).
So it applies to every line with that text, now as later, and a person correcting line 3 must
still see line 3 as it is stored: a line that changed meanwhile is a :class:`LineChanged`, never
a correction of the wrong line.

The form sends amounts as typed ("1 1/2", "2,5", "½": :func:`read_amount`), the API as numbers;
both go through :func:`checked`, so a reading the page refuses the API refuses too.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ..text_cleaning import clean_text
from .detail import IngredientDetail
from .display import unit_label
from .numbers import MAX_AMOUNT, read_number
from .recipe_lines import MAX_FIELD_CHARS, correct, read_line
from .unit_names import CANONICAL_UNITS, UNIT_KINDS, canonical_unit

# What a correction sets, all of it (a field not given is none).
CORRECTION_FIELDS = ("quantity", "quantity_max", "unit", "size", "food", "note")

NOT_A_NUMBER = "Write the amount as a number: 2, 1.5, 2,5, 1 1/2 or ½ (or leave it empty)."
NOT_POSITIVE = "An amount must be more than 0 (leave it empty for none)."
TOO_LARGE = f"An amount can be at most {MAX_AMOUNT:,.0f}."
MAX_WITHOUT_AMOUNT = "Give the amount too: the upper amount is the high end of a range."
MAX_BELOW_AMOUNT = "The upper amount must be more than the amount."
SECTION_HEADER = "A section header has no amount, unit or food to correct."

# The kinds of units, as the unit menu groups them (unit_names.UNIT_KINDS).
KIND_LABELS = {
    "volume": "Volume",
    "mass": "Weight",
    "length": "Length",
    "bit": "Small amounts",
    "piece": "Pieces",
    "package": "Packages",
    "serving": "Servings",
}


class CorrectionInvalid(ValueError):
    """A reading that cannot be kept; `field` is the one at fault ("quantity", "unit", ...)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class LineChanged(Exception):
    """The line to correct is no longer the line the person saw (the recipe changed meanwhile)."""

    def __init__(self, index: int, now: str | None) -> None:
        self.index = index
        self.now = now  # what that line reads now; None when the recipe has no such line any more
        if now is None:
            message = (
                f"The ingredients changed since this page was shown: line {index + 1} is no longer there. "
                "Nothing was changed; check the readings again."
            )
        else:
            message = (
                f"The ingredients changed since this page was shown: line {index + 1} now reads “{now}”. "
                "Nothing was changed; check its reading again."
            )
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class Correction:
    """How a person reads a line: the amount (and a range's high end), the unit, size, food and note."""

    quantity: float | None = None
    quantity_max: float | None = None
    unit: str | None = None  # a canonical unit name, or a spelling of one ("Tbsp."): see `checked`
    size: str | None = None
    food: str | None = None
    note: str | None = None


def read_amount(text: str | None, field: str = "quantity") -> float | None:
    """An amount as a person types it ("2", "1.5", "2,5", "1 1/2", "½", "one"); None when empty."""
    typed = (text or "").strip()
    if not typed:
        return None
    if typed.startswith(("-", "−")):
        raise CorrectionInvalid(field, NOT_POSITIVE)
    value = read_number(typed)
    if value is None:
        try:
            plain = float(typed.replace(",", "."))
        except ValueError:
            plain = math.nan
        raise CorrectionInvalid(field, TOO_LARGE if plain > MAX_AMOUNT else NOT_A_NUMBER)
    return value


def _amount(value: object, field: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise CorrectionInvalid(field, NOT_A_NUMBER)
    if value <= 0:
        raise CorrectionInvalid(field, NOT_POSITIVE)
    if value > MAX_AMOUNT:
        raise CorrectionInvalid(field, TOO_LARGE)
    return float(value)


def _unit(value: str | None) -> str | None:
    typed = clean_text(value or "").strip()
    if not typed:
        return None
    if typed in CANONICAL_UNITS:
        return typed
    unit = canonical_unit(typed[:MAX_FIELD_CHARS])
    if unit is None:
        shown = typed if len(typed) <= 40 else typed[:40] + "…"
        raise CorrectionInvalid("unit", f"“{shown}” is not a unit this app knows: choose one from the list, or none.")
    return unit


def _text(value: str | None, field: str) -> str | None:
    typed = " ".join(clean_text(value or "").split())
    if len(typed) > MAX_FIELD_CHARS:
        raise CorrectionInvalid(field, f"At most {MAX_FIELD_CHARS} characters.")
    return typed or None


def checked(correction: Correction) -> Correction:
    """The correction as it is kept: amounts checked (above 0, at most MAX_AMOUNT, a range's high
    end above its low end: equal ends are one amount), the unit canonical, texts cleaned and short
    enough. Anything else is a CorrectionInvalid naming the field."""
    quantity = _amount(correction.quantity, "quantity")
    quantity_max = _amount(correction.quantity_max, "quantity_max")
    if quantity_max is not None:
        if quantity is None:
            raise CorrectionInvalid("quantity_max", MAX_WITHOUT_AMOUNT)
        if quantity_max < quantity:
            raise CorrectionInvalid("quantity_max", MAX_BELOW_AMOUNT)
        if quantity_max == quantity:
            quantity_max = None
    return Correction(
        quantity=quantity,
        quantity_max=quantity_max,
        unit=_unit(correction.unit),
        size=_text(correction.size, "size"),
        food=_text(correction.food, "food"),
        note=_text(correction.note, "note"),
    )


def corrected(reading: IngredientDetail, correction: Correction) -> IngredientDetail:
    """`reading` as the (checked) correction reads it, marked corrected. The second measure of a
    pair ("150 g / 5 oz") is the parser's reading of the same amount: kept while the amount and the
    unit stay, dropped when they change. The unit as written stays with its unit."""
    if reading.section:
        raise CorrectionInvalid("text", SECTION_HEADER)
    same_amount = (correction.quantity, correction.quantity_max, correction.unit) == (
        reading.quantity,
        reading.quantity_max,
        reading.unit,
    )
    return correct(
        reading,
        quantity=correction.quantity,
        quantity_max=correction.quantity_max,
        unit=correction.unit,
        unit_text=reading.unit_text if correction.unit == reading.unit else None,
        size=correction.size,
        food=correction.food,
        note=correction.note,
        alt_quantity=reading.alt_quantity if same_amount else None,
        alt_unit=reading.alt_unit if same_amount else None,
    )


def check_line(lines: Sequence[str], index: int, text: str | None) -> None:
    """Line `index` (from 0) is there, and still reads `text` (unless None); else LineChanged."""
    now = lines[index] if 0 <= index < len(lines) else None
    if now is None or (text is not None and now != text):
        raise LineChanged(index, now)


def with_correction(readings: Sequence[IngredientDetail], index: int, correction: Correction) -> list[IngredientDetail]:
    """The readings with line `index` read as `correction` says, and so every line with its text
    (re-reading would give them that correction anyway)."""
    reading = corrected(readings[index], checked(correction))
    return [reading if r.text == reading.text else r for r in readings]


def without_correction(readings: Sequence[IngredientDetail], index: int) -> list[IngredientDetail]:
    """The readings with the parser's reading of line `index` (and of every line with its text)."""
    text = readings[index].text
    fresh = read_line(text)
    return [fresh if r.text == text else r for r in readings]


def unit_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """The canonical units to choose from, by kind: [("Volume", [("tablespoon", "tablespoon (tbsp)"), ...])]."""
    groups: dict[str, list[tuple[str, str]]] = {label: [] for label in KIND_LABELS.values()}
    for unit in CANONICAL_UNITS:
        short = unit_label(unit, False, "short")
        groups[KIND_LABELS[UNIT_KINDS[unit]]].append((unit, unit if short == unit else f"{unit} ({short})"))
    return [(label, units) for label, units in groups.items() if units]
