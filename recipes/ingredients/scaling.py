"""Scaling a recipe: the factor (from servings, a number, or an amount a cook has) and scaled details.

A factor is a number above 0 and at most 100 (:data:`MAX_FACTOR`); anything else is a
:class:`ScaleError` with a message for a person. The servings a recipe makes are read from its
free-text ``servings`` ("Serves 4", "Makes 24 cookies", "4-6": the low end).
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from typing import NamedTuple

from recipes.ingredients.densities import convert_with_density
from recipes.ingredients.detail import IngredientDetail
from recipes.ingredients.numbers import NUMBER_WORDS
from recipes.ingredients.units import UnitError, dimension

MAX_FACTOR = 100.0
MAX_SERVINGS = 10_000.0


class ScaleError(ValueError):
    """A scale that cannot be used (0, negative, too large, not a number, nothing to scale by)."""


def check_factor(factor: float) -> float:
    """The factor, if usable: finite, above 0, at most 100."""
    if not isinstance(factor, int | float) or isinstance(factor, bool) or not math.isfinite(factor):
        raise ScaleError("The scale must be a number.")
    if factor <= 0:
        raise ScaleError("The scale must be more than 0.")
    if factor > MAX_FACTOR:
        raise ScaleError(f"The scale can be at most {MAX_FACTOR:g}.")
    return float(factor)


# --- Servings ---------------------------------------------------------------------------------------

# The number words of amounts (numbers.py), and a few more that servings use; "half", "quarter"
# and "dozen" are read by their own rules here ("half a dozen", "2 dozen").
_NUMBER_WORDS: dict[str, float] = {
    "a": 1,
    "an": 1,
    **{word: value for word, value in NUMBER_WORDS.items() if word not in ("half", "quarter", "dozen")},
    "sixteen": 16,
    "eighteen": 18,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
}
_NUMBER = r"(?:\d+(?:[.,]\d+)?|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + ")"
_SERVINGS = re.compile(
    rf"(?<![\w.,])(?P<low>{_NUMBER})(?:\s*(?P<dozen>dozen)\b)?"
    rf"(?:\s*(?:-|–|—|to|or)\s*(?P<high>{_NUMBER})(?:\s*(?P<high_dozen>dozen)\b)?)?(?![\w])"
    # ... but not the size of a pan or a piece ("one 9-inch pie", "a 20 cm cake", "9x13").
    r"(?!\s*-?\s*(?:inch|in\b|cm|centimet|mm|\"|″|x\s*\d|×))",
    re.IGNORECASE | re.ASCII,
)
_HALF_DOZEN = re.compile(r"\bhalf\s+(?:a\s+)?dozen\b", re.IGNORECASE)
_DOZEN = re.compile(r"\bdozen\b", re.IGNORECASE)


def _number(text: str) -> float:
    word = _NUMBER_WORDS.get(text.lower())
    if word is not None:
        return float(word)
    return float(text.replace(",", "."))


@functools.lru_cache(maxsize=1024)
def servings_range(servings_text: str | None) -> tuple[float, float | None] | None:
    """The servings a recipe makes, as (low, high or None): "4-6" -> (4, 6), "Makes 24" -> (24, None).
    Read once per text a worker meets (a few hundred at most, "4", "Serves 4"): every recipe
    object of the API's list asks it."""
    if not servings_text:
        return None
    text = servings_text[:200]
    if _HALF_DOZEN.search(text):
        return 6.0, None
    for match in _SERVINGS.finditer(text):
        if match.group("low").lower() in ("a", "an") and not match.group("dozen"):
            continue  # "a" counts only as "a dozen"
        low = _number(match.group("low")) * (12 if match.group("dozen") else 1)
        high: float | None = None
        if match.group("high"):
            high = _number(match.group("high")) * (12 if match.group("high_dozen") or match.group("dozen") else 1)
        if not 0 < low <= MAX_SERVINGS:
            return None
        if high is not None and not low < high <= MAX_SERVINGS:
            high = None
        return low, high
    if _DOZEN.search(text):
        return 12.0, None  # "Makes dozens"? no: "dozen" alone, as in "Yield: dozen cookies"
    return None


class WrittenCount(NamedTuple):
    """A count a servings text gives, and where it is written (``text[start:end]``)."""

    start: int
    end: int
    value: float


def servings_numbers(servings_text: str | None) -> list[WrittenCount]:
    """Every count the servings text gives, in order, where it is written: "Serves 4-6" -> 4 at
    7..8 and 6 at 9..10. "2 dozen" is one count (24) written over both words, "half a dozen" is 6;
    sizes ("9-inch", "9x13") are not counts, and neither is a number out of bounds (0, 99999999999)."""
    if not servings_text:
        return []
    text = servings_text[:200]
    found = [WrittenCount(m.start(), m.end(), 6.0) for m in _HALF_DOZEN.finditer(text)]
    halves = list(found)
    for match in _SERVINGS.finditer(text):
        if any(half.start <= match.start() < half.end for half in halves):
            continue  # the "a dozen" of "half a dozen"
        if match.group("low").lower() in ("a", "an") and not match.group("dozen"):
            continue
        ends = (
            ("low", "dozen", bool(match.group("dozen"))),
            ("high", "high_dozen", bool(match.group("high_dozen") or match.group("dozen"))),
        )
        for group, dozen_group, by_the_dozen in ends:
            if match.group(group) is None:
                continue
            value = _number(match.group(group)) * (12 if by_the_dozen else 1)
            end = match.end(dozen_group) if match.group(dozen_group) else match.end(group)
            if 0 < value <= MAX_SERVINGS:
                found.append(WrittenCount(match.start(group), end, value))
    return sorted(found)


def servings_count(servings_text: str | None) -> float | None:
    """The number of servings read from the recipe's servings text (the low end of a range), or None."""
    read = servings_range(servings_text)
    return None if read is None else read[0]


# --- The factor ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Have:
    """ "I have 300 g of flour": an amount of the food of one ingredient line."""

    quantity: float
    unit: str | None
    detail: IngredientDetail


def factor_for_servings(servings: float, base_servings: float | None) -> float:
    if base_servings is None or not math.isfinite(base_servings) or base_servings <= 0:
        raise ScaleError("This recipe does not say how many servings it makes: choose a scale instead.")
    if not isinstance(servings, int | float) or not math.isfinite(servings) or servings <= 0:
        raise ScaleError("The servings must be a number more than 0.")
    return check_factor(servings / base_servings)


def factor_for_amount(have: Have) -> float:
    """The factor that makes a line need what the cook has: have / needed, in one unit."""
    detail = have.detail
    if not has_amount(detail) or detail.quantity is None:
        raise ScaleError("That ingredient line has no amount to scale by.")
    if not math.isfinite(have.quantity) or have.quantity <= 0:
        raise ScaleError("The amount you have must be a number more than 0.")
    needed_unit, have_unit = detail.unit, have.unit
    if needed_unit == have_unit or (have_unit is None and dimension(needed_unit) in ("count", None)):
        return check_factor(have.quantity / detail.quantity)
    if needed_unit is None or have_unit is None:
        raise ScaleError(f"Cannot compare {have_unit or 'a count'} with {needed_unit or 'a count'}.")
    try:
        have_in_needed, _ = convert_with_density(have.quantity, have_unit, needed_unit, detail.food)
    except UnitError as error:
        raise ScaleError(str(error)) from None
    return check_factor(have_in_needed / detail.quantity)


def scale_factor(
    *,
    factor: float | None = None,
    servings: float | None = None,
    base_servings: float | None = None,
    have: Have | None = None,
) -> float:
    """The factor from exactly one of: an explicit factor, target servings (with the recipe's), an amount had."""
    given = sum(x is not None for x in (factor, servings, have))
    if given != 1:
        raise ScaleError("Give one of: a scale, a number of servings, or an amount you have.")
    if factor is not None:
        return check_factor(factor)
    if servings is not None:
        return factor_for_servings(servings, base_servings)
    assert have is not None
    return factor_for_amount(have)


def has_amount(detail: IngredientDetail) -> bool:
    """Whether a line has an amount to scale: not a header, and a quantity that is a number above 0
    (0, a negative or an infinite reading is shown as written and never scaled)."""
    quantity, high = detail.quantity, detail.quantity_max
    if detail.section or quantity is None or not (0 < quantity < math.inf):
        return False
    return high is None or quantity <= high < math.inf


class ScaledAmounts(NamedTuple):
    quantity: float | None
    quantity_max: float | None
    alt_quantity: float | None


def scaled_amounts(detail: IngredientDetail, factor: float) -> ScaledAmounts:
    """A line's amounts times a (checked) factor: both ends of a range, and its second measure."""
    if detail.section or detail.quantity is None:
        return ScaledAmounts(detail.quantity, detail.quantity_max, detail.alt_quantity)
    return ScaledAmounts(
        detail.quantity * factor,
        None if detail.quantity_max is None else detail.quantity_max * factor,
        None if detail.alt_quantity is None else detail.alt_quantity * factor,
    )


def scale_detail(detail: IngredientDetail, factor: float) -> IngredientDetail:
    """The detail with its amounts (both ends of a range, and a second measure) times ``factor``."""
    factor = check_factor(factor)
    if factor == 1 or not has_amount(detail):
        return detail
    amounts = scaled_amounts(detail, factor)
    return detail.with_changes(
        quantity=amounts.quantity, quantity_max=amounts.quantity_max, alt_quantity=amounts.alt_quantity
    )
