"""The readings of a recipe's ingredient lines, as stored beside the lines.

`read_lines` is what every path that writes a recipe uses (through the cookbook's column values):
one detail per line, in order; a line a person corrected keeps that correction for as long as
its text stays the same, whatever the parser now says. `READER_VERSION` names the parser and
food names these readings came from: when it grows, `backfill` reads every recipe again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .detail import IngredientDetail
from .foods import food_key
from .numbers import MAX_AMOUNT  # past it, no amount: a file cannot store one either

# Raise when a change to the parser, the unit names or the food names should reach stored readings.
READER_VERSION = 1


def read_line(line: str) -> IngredientDetail:
    """One line's reading (a section header's too), with its food key."""
    from .parser import parse_line  # the model loads on first use, not at import

    detail = parse_line(line)
    return detail.with_changes(text=line, food_key=food_key(detail.food))


_TEXT_FIELDS = ("unit", "unit_text", "food", "note", "size", "alt_unit", "food_key")
_NUMBER_FIELDS = ("quantity", "quantity_max", "alt_quantity")
MAX_FIELD_CHARS = 200


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("not a number")
    if not (0 <= value <= MAX_AMOUNT):
        raise ValueError("out of range")
    return float(value)


def checked_reading(item: Mapping[str, Any] | IngredientDetail) -> IngredientDetail | None:
    """A reading from outside (a stored row, an export file), with every field of the right type,
    or None when it is not one (then the line is simply read again)."""
    if isinstance(item, IngredientDetail):
        return item
    if not isinstance(item, Mapping) or not isinstance(item.get("text"), str):
        return None
    fields: dict[str, Any] = {"text": item["text"]}
    try:
        for name in _NUMBER_FIELDS:
            if item.get(name) is not None:
                fields[name] = _number(item[name])
    except ValueError:
        return None
    for name in _TEXT_FIELDS:
        value = item.get(name)
        if value is not None:
            if not isinstance(value, str):
                return None
            fields[name] = value[:MAX_FIELD_CHARS]
    for name in ("section", "unsure", "corrected"):
        fields[name] = item.get(name) is True
    return IngredientDetail(**fields)


def corrections(known: Iterable[Mapping[str, Any] | IngredientDetail] | None) -> dict[str, IngredientDetail]:
    """The corrected readings among `known`, by the line they read."""
    found: dict[str, IngredientDetail] = {}
    for item in known or ():
        detail = checked_reading(item)
        if detail is not None and detail.corrected:
            found[detail.text] = detail.with_changes(food_key=food_key(detail.food))
    return found


def read_lines(
    lines: Sequence[str], known: Iterable[Mapping[str, Any] | IngredientDetail] | None = None
) -> list[IngredientDetail]:
    """A reading for every line, in order: the correction kept for a line's text, else the parser's."""
    kept = corrections(known)
    return [kept.get(line) or read_line(line) for line in lines]


def stored(details: Sequence[IngredientDetail]) -> list[dict[str, Any]]:
    """The JSON kept in `recipe.ingredient_details`."""
    return [detail.to_json() for detail in details]


def loaded(lines: Sequence[str], details: Sequence[Mapping[str, Any]] | None) -> list[IngredientDetail]:
    """The readings of a stored recipe: its details when they are in step with its lines, else read
    now (a recipe not yet reached by the backfill; nothing is written)."""
    if details is not None and in_step(lines, details):
        return [IngredientDetail.from_json(dict(item)) for item in details]
    return read_lines(lines, details)


def in_step(lines: Sequence[str], details: Sequence[Mapping[str, Any]]) -> bool:
    """Stored readings that read exactly these lines, one each, in order."""
    return len(details) == len(lines) and all(d.get("text") == line for d, line in zip(details, lines, strict=True))


def correct(detail: IngredientDetail, **reading: Any) -> IngredientDetail:
    """`detail` as a person reads it: the fields they set (amount, unit, food, note), marked as a
    correction, which re-reading keeps while the line's text stays."""
    corrected = detail.with_changes(**reading, unsure=False, corrected=True)
    return corrected.with_changes(food_key=food_key(corrected.food))
