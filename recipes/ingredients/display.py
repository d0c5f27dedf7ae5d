"""Writing amounts and ingredient lines the way a cook reads them, at a scale and in a unit system.

- US cups and spoons, ounces, pounds and counted things as friendly fractions: "⅓ cup", "1 ½ tsp",
  "1 ½ onions", never "0.333". An amount within 6% of a whole number plus ⅛ ¼ ⅓ ½ ⅔ ¾ (cups and spoons
  also ⅜ ⅝ ⅞) is written so. Cups and spoons are measured with cups and spoons, so any other amount of
  them is written as the nearest of those ("1 ⅞ tsp", never "1.9 tsp"; from 1/16 tsp up, "⅛ tsp");
  ounces, pounds and counts otherwise as a short decimal ("1.3 oz", as a scale reads).
- Metric rounded as a scale reads: grams and millilitres to 5 above 100, whole below, one decimal below
  10; kilograms and litres with at most two decimals ("1.25 kg", "1 kg", never "1.0 kg").
- Ranges with an en dash ("2" dash "3"); an amount found through a density as "≈ 125 g".

:func:`present` is the one entry point for pages and the API; :func:`display_line` is one line of it.
A line is rebuilt from its detail only when its amount changes (scaled or converted): otherwise, and for
section headers and lines without an amount, the verbatim text is shown, character for character.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from recipes.ingredients.densities import convert_with_density, density_of
from recipes.ingredients.detail import IngredientDetail
from recipes.ingredients.foods import plural, plural_phrase, singular, singular_phrase
from recipes.ingredients.scaling import (
    ScaledAmounts,
    check_factor,
    has_amount,
    scaled_amounts,
    servings_numbers,
)
from recipes.ingredients.unit_names import canonical_unit
from recipes.ingredients.units import (
    METRIC_UNITS,
    System,
    UnitError,
    check_system,
    dimension,
    system_of,
    to_system,
)

APPROXIMATE = "≈ "
RANGE_DASH = "–"

FRACTIONS: tuple[tuple[float, str], ...] = (
    (1 / 8, "⅛"),
    (1 / 4, "¼"),
    (1 / 3, "⅓"),
    (1 / 2, "½"),
    (2 / 3, "⅔"),
    (3 / 4, "¾"),
)
EIGHTHS: tuple[tuple[float, str], ...] = (*FRACTIONS, (3 / 8, "⅜"), (5 / 8, "⅝"), (7 / 8, "⅞"))
QUARTERS: tuple[tuple[float, str], ...] = ((1 / 4, "¼"), (1 / 2, "½"), (3 / 4, "¾"))
_UNIT_FRACTIONS: dict[str | None, tuple[tuple[float, str], ...]] = {
    "cup": EIGHTHS,
    "tablespoon": EIGHTHS,
    "teaspoon": EIGHTHS,
    "ounce": QUARTERS,
    "pound": QUARTERS,
    "fluid ounce": QUARTERS,
}
# How close (relative to the amount) a friendly fraction must be to be written instead.
FRACTION_TOLERANCE = 0.06
# Units measured with cups and spoons: always written as the nearest fraction of the unit's set.
MEASURED_WITH_SPOONS = frozenset({"cup", "tablespoon", "teaspoon"})

Style = Literal["short", "long"]


# --- Numbers --------------------------------------------------------------------------------------


def _trim(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


def _round(value: float, step: float) -> float:
    return math.floor(value / step + 0.5) * step


def format_decimal(value: float) -> str:
    """A short decimal: "0.3", "2.4", "12"; never in scientific notation."""
    if value < 0.01:
        return _trim(f"{value:.6f}") or "0"
    if value < 1:
        return _trim(f"{value:.2g}" if value >= 0.1 else f"{value:.3f}")
    if value < 10:
        return _trim(f"{_round(value, 0.1):.1f}")
    return str(int(_round(value, 1)))


def format_fraction(value: float, fractions: tuple[tuple[float, str], ...] = FRACTIONS, nearest: bool = False) -> str:
    """A friendly amount: "⅓", "1 ½", "2", or a short decimal when no fraction is close enough.

    With ``nearest``, an amount no fraction is close to is written as the nearest one instead of a
    decimal (from half the smallest fraction up: smaller still stays a decimal).
    """
    if not math.isfinite(value) or value <= 0:
        return "0" if value == 0 else format_decimal(value) if math.isfinite(value) else "?"
    whole = math.floor(value)
    part = value - whole
    allowed = FRACTION_TOLERANCE * value
    if nearest and value >= min(fraction for fraction, _ in fractions) / 2:
        allowed = math.inf
    best: tuple[float, int, str] | None = None
    for fraction, glyph in ((0.0, ""), *fractions, (1.0, "")):
        if whole == 0 and fraction == 0.0:
            continue  # never "0"
        difference = abs(part - fraction)
        if difference <= allowed and (best is None or difference < best[0]):
            carried = whole + (1 if fraction == 1.0 else 0)
            best = (difference, carried, glyph)
    if best is None:
        return format_decimal(value)
    _, number, glyph = best
    if number == 0:
        return glyph or format_decimal(value)
    return f"{number} {glyph}" if glyph else str(number)


def format_metric(value: float, unit: str) -> str:
    """A metric amount rounded the way a kitchen scale or jug reads it."""
    if not math.isfinite(value) or value <= 0:
        return format_decimal(value) if math.isfinite(value) and value > 0 else "0"
    if unit in ("gram", "millilitre"):
        if value >= 100:
            return str(int(_round(value, 5)))
        if value >= 10:
            return str(int(_round(value, 1)))
        return format_decimal(value)
    if unit in ("kilogram", "litre"):
        if value >= 10:
            return _trim(f"{_round(value, 0.1):.1f}")
        if value >= 1:
            return _trim(f"{_round(value, 0.01):.2f}")
    return format_decimal(value)


def format_quantity(value: float, unit: str | None) -> str:
    """One amount as it is written in ``unit``."""
    if unit in METRIC_UNITS:
        return format_metric(value, unit)
    return format_fraction(value, _UNIT_FRACTIONS.get(unit, FRACTIONS), nearest=unit in MEASURED_WITH_SPOONS)


def format_amount(quantity: float, quantity_max: float | None, unit: str | None) -> str:
    """An amount or a range (with an en dash): "1 ½", "250", "2" to "3"."""
    low = format_quantity(quantity, unit)
    if quantity_max is None:
        return low
    high = format_quantity(quantity_max, unit)
    return low if high == low else f"{low}{RANGE_DASH}{high}"


def takes_plural(amount_text: str) -> bool:
    """Whether the amount as written takes a plural ("2 cups", "1 ½ cups") or not ("1 cup", "½ cup")."""
    if RANGE_DASH in amount_text:
        return True
    return amount_text != "1" and amount_text[:1].isdigit() and not amount_text.startswith("0")


# --- Unit names -----------------------------------------------------------------------------------

# canonical: (short singular, short plural, long singular, long plural, style when unknown)
_LABELS: dict[str, tuple[str, str, str, str, Style]] = {
    "teaspoon": ("tsp", "tsp", "teaspoon", "teaspoons", "short"),
    "tablespoon": ("tbsp", "tbsp", "tablespoon", "tablespoons", "short"),
    "dessertspoon": ("dsp", "dsp", "dessertspoon", "dessertspoons", "long"),
    "cup": ("cup", "cups", "cup", "cups", "long"),
    "fluid ounce": ("fl oz", "fl oz", "fluid ounce", "fluid ounces", "short"),
    "pint": ("pt", "pt", "pint", "pints", "long"),
    "quart": ("qt", "qt", "quart", "quarts", "long"),
    "gallon": ("gal", "gal", "gallon", "gallons", "long"),
    "millilitre": ("ml", "ml", "millilitre", "millilitres", "short"),
    "centilitre": ("cl", "cl", "centilitre", "centilitres", "short"),
    "decilitre": ("dl", "dl", "decilitre", "decilitres", "short"),
    "litre": ("l", "l", "litre", "litres", "short"),
    "milligram": ("mg", "mg", "milligram", "milligrams", "short"),
    "gram": ("g", "g", "gram", "grams", "short"),
    "kilogram": ("kg", "kg", "kilogram", "kilograms", "short"),
    "ounce": ("oz", "oz", "ounce", "ounces", "short"),
    "pound": ("lb", "lb", "pound", "pounds", "short"),
    "millimetre": ("mm", "mm", "millimetre", "millimetres", "short"),
    "centimetre": ("cm", "cm", "centimetre", "centimetres", "short"),
    "inch": ("in", "in", "inch", "inches", "long"),
}
# Long spellings that differ from the short ones ("cups" is both).
_LONG_WRITTEN = frozenset(
    {spelling for labels in _LABELS.values() for spelling in labels[2:4] if spelling not in labels[:2]}
    | {spelling.replace("tre", "ter") for labels in _LABELS.values() for spelling in labels[2:4] if "tre" in spelling}
    | {"gramme", "grammes", "kilo", "kilos"}
)


def written_style(unit_text: str | None) -> Style | None:
    """Whether a unit was written in full ("tablespoons") or short ("Tbsp."), if it was written."""
    if not unit_text:
        return None
    return "long" if unit_text.strip().rstrip(".").lower() in _LONG_WRITTEN else "short"


def unit_label(unit: str, plural_form: bool, style: Style | None = None, american: bool = False) -> str:
    """How a unit is written: ``unit_label("tablespoon", True) == "tbsp"``, ``("cup", True) == "cups"``."""
    labels = _LABELS.get(unit)
    if labels is None:  # counted things: "clove", "cloves", "pinches", "leaves"
        return plural(unit) if plural_form else unit
    short_one, short_many, long_one, long_many, default = labels
    if (style or default) == "short":
        return short_many if plural_form else short_one
    label = long_many if plural_form else long_one
    return label.replace("tre", "ter") if american else label


# --- Which amount a system shows ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Measure:
    quantity: float
    quantity_max: float | None
    unit: str | None
    approximate: bool = False


def measure_in_system(measure: Measure, system: System, food: str | None) -> Measure:
    """The measure in ``system``'s unit, through the food's density where the system weighs what the
    line measured by volume (metric flour) or measures by volume what the line weighed (US sugar)."""
    unit = measure.unit
    dim = dimension(unit)
    if unit is None or dim not in ("mass", "volume"):
        return measure
    quantity, approximate = measure.quantity, False
    own = system_of(unit)
    if system != "original" and own != system:
        density = density_of(food)
        if density is not None and (
            (system == "metric" and dim == "volume" and density.metric_measure == "mass")
            or (system == "us" and dim == "mass")
        ):
            through = "gram" if dim == "volume" else "millilitre"
            quantity, _ = convert_with_density(quantity, unit, through, food)
            unit, approximate = through, True
    shown = to_system(quantity, unit, system)
    if shown.unit == measure.unit and not approximate:
        return measure
    ratio = shown.quantity / measure.quantity
    high = None if measure.quantity_max is None else measure.quantity_max * ratio
    return Measure(shown.quantity, high, shown.unit, approximate)


@dataclass(frozen=True, slots=True)
class _Reading:
    measure: Measure  # the amount as shown
    second: Measure | None  # the second measure still shown ("2 cups (480 ml) milk"), if any
    source_unit: str | None  # the unit (as written) the shown amount came from
    source_unit_text: str | None


def _read(detail: IngredientDetail, scaled: ScaledAmounts, system: System) -> _Reading:
    assert scaled.quantity is not None
    primary = Measure(scaled.quantity, scaled.quantity_max, detail.unit)
    second: Measure | None = None
    if scaled.alt_quantity is not None and detail.alt_unit is not None and scaled.alt_quantity > 0:
        high = None
        if scaled.quantity_max is not None and scaled.quantity > 0:
            high = scaled.quantity_max * scaled.alt_quantity / scaled.quantity
        second = Measure(scaled.alt_quantity, high, detail.alt_unit)
    if system == "original":
        shown_second = None if second is None else measure_in_system(second, system, detail.food)
        return _Reading(measure_in_system(primary, system, detail.food), shown_second, detail.unit, detail.unit_text)
    # A line that has a measure in this system already ("150g/5oz butter") shows that one.
    if second is not None and system_of(detail.unit) != system and system_of(second.unit) == system:
        return _Reading(measure_in_system(second, system, detail.food), None, second.unit, None)
    return _Reading(measure_in_system(primary, system, detail.food), None, detail.unit, detail.unit_text)


def _unchanged_at_factor_one(detail: IngredientDetail, system: System) -> bool:
    """At the recipe's own scale, a line already written in the system (or counted) is shown as written."""
    if system == "original" or dimension(detail.unit) not in ("mass", "volume", "length"):
        return True
    return system_of(detail.unit) == system or (detail.alt_unit is not None and system_of(detail.alt_unit) == system)


# --- Lines ----------------------------------------------------------------------------------------

_MEASURED_SIZE = re.compile(
    r"^\(?\s*(?P<number>\d+(?:[.,]\d+)?)\s*-?\s*(?P<unit>[^\W\d_][\w. ]*?)\s*\)?$",
)


def _size_text(size: str, system: System) -> str:
    """A size as shown: "large" stays; a package size is converted to the system ("(28-ounce)" -> "(795 g)")."""
    match = _MEASURED_SIZE.match(size.strip())
    if match is None:
        return size
    bare = size.strip().removeprefix("(").removesuffix(")").strip()
    unit = canonical_unit(match.group("unit"))
    measured = unit is not None and dimension(unit) in ("mass", "volume", "length")
    if system != "original" and unit is not None and measured and system_of(unit) != system:
        number = float(match.group("number").replace(",", "."))
        shown = measure_in_system(Measure(number, None, unit), system, None)
        if shown.unit != unit and shown.unit is not None:
            amount = format_quantity(shown.quantity, shown.unit)
            return f"({amount} {unit_label(shown.unit, takes_plural(amount))})"
    return f"({bare})"


def _unit_with_of(detail: IngredientDetail) -> bool:
    """Whether the line says "2 cloves of garlic" rather than "2 cloves garlic"."""
    if not detail.unit_text or not detail.food:
        return False
    at = detail.text.find(detail.unit_text)
    return at >= 0 and detail.text[at + len(detail.unit_text) :].lstrip().lower().startswith("of ")


def _measure_text(measure: Measure, style: Style | None, american: bool) -> tuple[str, str | None]:
    amount = format_amount(measure.quantity, measure.quantity_max, measure.unit)
    if measure.approximate:
        amount = APPROXIMATE + amount
    if measure.unit is None:
        return amount, None
    return amount, unit_label(measure.unit, takes_plural(amount.removeprefix(APPROXIMATE)), style, american)


def _food_text(detail: IngredientDetail, shown: Measure, amount: str) -> str | None:
    """The food, made plural or singular when a counted amount crossed one ("1 onion" -> "2 onions")."""
    food = detail.food
    if not food or shown.unit is not None or detail.quantity is None:
        return food
    was_plural = detail.quantity_max is not None or detail.quantity > 1
    now_plural = takes_plural(amount.removeprefix(APPROXIMATE))
    if now_plural and not was_plural:
        return plural_phrase(food)
    if was_plural and not now_plural:
        return singular_phrase(food)
    return food


def _rebuild(detail: IngredientDetail, reading: _Reading, system: System) -> str:
    shown = reading.measure
    same_unit = shown.unit == reading.source_unit
    style = written_style(reading.source_unit_text)
    american = bool(reading.source_unit_text and "ter" in reading.source_unit_text.lower())
    amount, label = _measure_text(shown, style if same_unit or style == "long" else None, american)
    parts = [amount]
    if detail.size:
        parts.append(_size_text(detail.size, system))
    if label:
        parts.append(f"{label} of" if _unit_with_of(detail) else label)
    if reading.second is not None:
        second_amount, second_label = _measure_text(reading.second, None, american)
        parts.append(f"({second_amount} {second_label})" if second_label else f"({second_amount})")
    food = _food_text(detail, shown, amount)
    if food:
        parts.append(food)
    line = " ".join(parts)
    if detail.note:
        line += (" " if detail.note.startswith("(") else ", ") + detail.note
    return line


@dataclass(frozen=True, slots=True)
class ShownIngredient:
    """One ingredient line as shown: the detail scaled and converted, the line as written, and whether
    the amount came through a density (and so is approximate)."""

    detail: IngredientDetail
    display: str
    approximate: bool = False

    @property
    def quantity(self) -> float | None:
        return self.detail.quantity

    @property
    def quantity_max(self) -> float | None:
        return self.detail.quantity_max

    @property
    def unit(self) -> str | None:
        return self.detail.unit


def _rounded(value: float | None) -> float | None:
    return None if value is None else float(f"{value:.6g}")


def _show(detail: IngredientDetail, factor: float, system: System) -> ShownIngredient:
    if not has_amount(detail):
        return ShownIngredient(detail, detail.text)
    if factor == 1 and _unchanged_at_factor_one(detail, system):
        return ShownIngredient(detail, detail.text)
    scaled = scaled_amounts(detail, factor)
    if not (scaled.quantity or 0) < math.inf or not (scaled.quantity_max or 0) < math.inf:
        return ShownIngredient(detail, detail.text)  # 1e308 times 2
    try:
        reading = _read(detail, scaled, system)
    except UnitError:  # a unit this version cannot convert: scaled, in its own unit
        reading = _Reading(Measure(scaled.quantity or 0, scaled.quantity_max, detail.unit), None, None, None)
    shown = reading.measure
    label = _measure_text(shown, None, False)[1]
    second = reading.second
    converted = detail.with_changes(
        quantity=_rounded(shown.quantity),
        quantity_max=_rounded(shown.quantity_max),
        unit=shown.unit,
        unit_text=label if shown.unit != detail.unit else detail.unit_text,
        alt_quantity=None if second is None else _rounded(second.quantity),
        alt_unit=None if second is None else second.unit,
    )
    return ShownIngredient(converted, _rebuild(detail, reading, system), shown.approximate)


def display_line(detail: IngredientDetail, factor: float, system: str) -> str:
    """The line as shown at ``factor`` in ``system``; the verbatim text when its amount does not change."""
    return _show(detail, check_factor(factor), check_system(system)).display


@lru_cache(maxsize=256)
def _present_cached(
    details: tuple[IngredientDetail, ...], factor: float, system: System
) -> tuple[ShownIngredient, ...]:
    return tuple(_show(detail, factor, system) for detail in details)


def present(details: list[IngredientDetail], factor: float, system: str) -> list[ShownIngredient]:
    """Every line of a recipe as shown at ``factor`` (see scaling.check_factor) in ``system``.

    Pure, so the last few hundred recipes shown are remembered (a recipe opened again at the same
    scale costs a lookup; details are frozen and compared by value).
    """
    checked_factor, checked_system = check_factor(factor), check_system(system)
    try:
        return list(_present_cached(tuple(details), checked_factor, checked_system))
    except TypeError:  # a detail holding something unhashable: shown without the cache
        return [_show(detail, checked_factor, checked_system) for detail in details]


# --- Servings -------------------------------------------------------------------------------------

# Servings texts that say what they make ("Makes 24 cookies", "4 servings"); the others are a count
# of servings ("4", "4-6", "4 bowls") and read "Serves 4".
_SAYS_WHAT_IT_MAKES = re.compile(
    r"^\s*(?:serves?|serving|makes?|yields?|feeds?|for)\b|\b(?:servings?|portions?)\b", re.IGNORECASE
)
# The words a count is of ("1 large loaf", "2 cakes (10 slices)"): up to three, to the end of the phrase.
_COUNTED_WORDS = re.compile(
    r"\s+(?P<words>[^\W_][\w'-]*(?:\s+[^\W\d_][\w'-]*){0,2}?)"
    r"(?=\s*(?:[(),;:.!]|$)|\s+(?:or|and|to|with|each|per)\b)"
)

_CONNECTOR = re.compile(r"(?:or|and|to|with|each|per)\b", re.IGNORECASE)


def _counted_words(words: str, was_one: bool, now_one: bool) -> str:
    """The words after a count, plural or singular as the count became ("1 loaf" -> "2 loaves")."""
    if was_one and not now_one:
        return plural_phrase(words)
    if now_one and not was_one:
        last = words.split()[-1]
        if plural(singular(last)) == last:  # "loaves" -> "loaf", but not "people" -> "peoples"
            return singular_phrase(words)
    return words


def _scaled_counts(text: str, factor: float) -> str:
    counts = servings_numbers(text)
    if not counts:
        return f"{text} (×{factor:.3g})"
    pieces: list[str] = []
    position = 0
    for index, count in enumerate(counts):
        written = format_fraction(count.value * factor)
        pieces.append(text[position : count.start] + written)
        position = count.end
        next_count = counts[index + 1].start if index + 1 < len(counts) else len(text)
        words = _COUNTED_WORDS.match(text, position, next_count)
        if words is not None and not _CONNECTOR.match(words.group("words")):
            changed = _counted_words(words.group("words"), count.value == 1, not takes_plural(written))
            pieces.append(text[position : words.start("words")] + changed)
            position = words.end("words")
    pieces.append(text[position:])
    return "".join(pieces)


def servings_text(servings: str, factor: float = 1.0) -> str:
    """The servings as the recipe's facts line writes them, at ``factor``: ("4", 1) -> "Serves 4",
    ("Serves 4", 2) -> "Serves 8", ("Makes 1 loaf", 2) -> "Makes 2 loaves", ("4 servings", 1) ->
    "4 servings". Every count the text gives is scaled; a text with none says the factor after it."""
    text = servings.strip()
    if factor != 1:
        text = _scaled_counts(text, factor)
    return text if _SAYS_WHAT_IT_MAKES.search(text) else f"Serves {text}"
