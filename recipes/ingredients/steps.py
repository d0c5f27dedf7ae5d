"""Amounts and temperatures inside instruction steps, scaled and converted with the ingredients.

An amount in a step changes only when it is followed by the food of one of the recipe's ingredient
lines ("add 1 cup of the milk", "stir in 200 g flour", "beat in 2 eggs"): "cook for 5 minutes" and
"a 9-inch pan" stay as written. The amount is scaled by the recipe's factor and shown in the unit
system, through the food's density as on the ingredient line ("≈ 120 g flour").

Temperatures convert with the unit system ("original" leaves them): °F <-> °C, written back in the
step's own style ("350°F" -> "175°C", "350 degrees F" -> "175 degrees C", "350F" -> "175C"). Rounding:
when the step speaks of an oven (oven, preheat, bake, roast, broil, gas mark), to 5 °C and to 25 °F,
the steps oven dials have (350 °F is 176.7 °C: 175 °C; 180 °C is 356 °F: 350 °F; 200 °C: 400 °F;
425 °F: 220 °C). Gas-mark tables write 350 °F as 180 °C; the 5 °C rule keeps closer to the recipe and
to what the issue asks (350°F <-> 175°C). Anywhere else (sugar, frying, a thermometer), to the whole
degree, where precision matters. A temperature already given in both units ("350°F (175°C)",
"180C/350F") is left as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from recipes.ingredients.detail import IngredientDetail
from recipes.ingredients.display import (
    APPROXIMATE,
    Measure,
    format_amount,
    measure_in_system,
    takes_plural,
    unit_label,
    written_style,
)
from recipes.ingredients.foods import food_key, plural_phrase, singular_phrase
from recipes.ingredients.numbers import read_number
from recipes.ingredients.scaling import check_factor, has_amount
from recipes.ingredients.unit_names import canonical_unit, unit_spellings
from recipes.ingredients.units import (
    CELSIUS,
    FAHRENHEIT,
    System,
    UnitError,
    check_system,
    convert_temperature,
    dimension,
)

# Steps longer than this are left as they are (a real step is a paragraph).
MAX_STEP = 20_000

_GLYPH_CLASS = "[½⅓⅔¼¾⅛⅜⅝⅞]"  # their values: numbers.read_number
_NUMBER = rf"(?:\d+\s+\d+/\d+|\d+/\d+|\d+(?:[.,]\d+)?(?:\s*{_GLYPH_CLASS})?|{_GLYPH_CLASS})"  # 1 1/2, 1/2, 1.5, 1½, ½
# A word of a food: letters (not "½", which Python counts as a word character), then word characters.
_WORD = rf"(?!{_GLYPH_CLASS})[^\W\d_][\w'’-]*"
# Spellings too short or too common to be read as a unit inside prose ("in", "c", "t").
_NOT_IN_STEPS = frozenset({"in", "c", "t", "T", "tb", "gr", "pt"})


@cache
def _amount_pattern() -> re.Pattern[str]:
    spellings = sorted(
        (s for s in unit_spellings() if s not in _NOT_IN_STEPS and canonical_unit(s)), key=len, reverse=True
    )
    units = "|".join(re.escape(s).replace(r"\ ", r"\s+") for s in spellings)
    return re.compile(
        rf"(?<![\w/.,])(?P<amount>(?P<low>{_NUMBER})(?:\s*(?:-|–|—|to)\s*(?P<high>{_NUMBER}))?)"
        rf"(?:\s*(?P<unit>{units})\.?)?"
        r"(?P<between>\s+(?:of\s+)?(?:the\s+)?(?:remaining\s+)?)"
        rf"(?=(?P<food>{_WORD}(?:\s+{_WORD}){{0,3}}))",
        re.IGNORECASE,
    )


_TEMPERATURE = re.compile(
    r"(?<![\w.,])(?:(?P<low>\d{1,4}(?:[.,]\d+)?)\s*(?:-|–|—|to)\s*)?(?:(?<!\d)(?P<negative>[-−]))?"
    r"(?P<value>\d{1,4}(?:[.,]\d+)?)"
    r"(?:(?P<space>\s*)(?P<degrees>°|º|˚|degrees?|deg\.?)\s*(?P<unit>fahrenheit|celsius|centigrade|f|c)\b"
    r"|(?P<symbol>\s*[℉℃])"
    r"|(?P<bare>[FC])\b)",
    re.IGNORECASE,
)
_OVEN = re.compile(r"\b(?:oven|preheat|pre-heat|bake|baking|roast|broil|gas mark|fan)\b", re.IGNORECASE)
_PAIR_GAP = re.compile(r"^\s*(?:/|\(|or|,)?\s*$")


@dataclass(frozen=True, slots=True)
class _Food:
    key: str
    detail: IngredientDetail


def _foods(details: list[IngredientDetail]) -> list[_Food]:
    foods = []
    for detail in details:
        if not has_amount(detail):
            continue
        key = detail.food_key or food_key(detail.food)
        if key:
            foods.append(_Food(key, detail))
    return foods


def _matching(words: str, foods: list[_Food]) -> tuple[IngredientDetail, int] | None:
    """The ingredient line whose food the step's words begin with, and how many characters name it.

    "milk" names "whole milk" (the food's last words), "the flour mixture" names "flour".
    """
    spans = [m.end() for m in re.finditer(r"[^\s]+", words)]
    for end in reversed(spans):
        key = food_key(words[:end])
        if not key:
            continue
        exact = next((food for food in foods if food.key == key), None)
        if exact is not None:
            return exact.detail, end
        head = next((food for food in foods if food.key.endswith(" " + key)), None)
        if head is not None:
            return head.detail, end
    return None


def _rewrite_amount(match: re.Match[str], foods: list[_Food], factor: float, system: System) -> tuple[str, int]:
    """The amount, its unit and the food it names, rewritten; and where in the step that text ended."""
    found = _matching(match.group("food"), foods)
    if found is None:
        return match.group(0), match.end()
    unchanged = match.group(0), match.end()
    detail, food_end = found
    written_unit = canonical_unit(match.group("unit")) if match.group("unit") else None
    if written_unit is None and dimension(detail.unit) in ("mass", "volume", "length"):
        return unchanged  # "the 2 flour tortillas" is not an amount of the flour weighed in grams
    low = read_number(match.group("low"))
    high = read_number(match.group("high")) if match.group("high") else None
    if low is None or low <= 0 or (match.group("high") and high is None):
        return unchanged
    measure = Measure(low * factor, None if high is None else high * factor, written_unit)
    try:
        shown = measure_in_system(measure, system, detail.food)
    except UnitError:
        shown = measure
    if shown.quantity == low and shown.unit == written_unit and shown.quantity_max == high:
        return unchanged
    amount = format_amount(shown.quantity, shown.quantity_max, shown.unit)
    plural_amount = takes_plural(amount)
    text = (APPROXIMATE if shown.approximate else "") + amount
    if shown.unit is not None:
        style = written_style(match.group("unit")) if shown.unit == written_unit or match.group("unit") else None
        text += " " + unit_label(shown.unit, plural_amount, style)
    named = match.group("food")[:food_end]
    if shown.unit is None:  # "1 egg" -> "2 eggs"
        was_plural = high is not None or low > 1
        if plural_amount and not was_plural:
            named = plural_phrase(named)
        elif was_plural and not plural_amount:
            named = singular_phrase(named)
    return text + match.group("between") + named, match.end() + food_end


def _round_temperature(value: float, unit: str, oven: bool) -> int:
    step = (25 if unit == FAHRENHEIT else 5) if oven else 1
    return int((value / step + 0.5) // 1 * step)


def _temperature_unit(match: re.Match[str]) -> str:
    written = (match.group("unit") or match.group("symbol") or match.group("bare") or "").strip().lower()
    return FAHRENHEIT if written in ("f", "fahrenheit", "℉") else CELSIUS


def _swap_unit_text(match: re.Match[str], to_unit: str) -> str:
    """The unit as the step wrote it, in the other scale: "F" -> "C", "Fahrenheit" -> "Celsius", "℉" -> "℃"."""
    symbol = match.group("symbol")
    if symbol is not None:
        return symbol.replace("℉", "℃") if to_unit == CELSIUS else symbol.replace("℃", "℉")
    written = match.group("unit") or match.group("bare") or ""
    if len(written) == 1:
        letter = "C" if to_unit == CELSIUS else "F"
        return letter if written.isupper() else letter.lower()
    word = "celsius" if to_unit == CELSIUS else "fahrenheit"
    return word.capitalize() if written[:1].isupper() else word


def _convert_temperatures(step: str, system: System) -> str:
    if system == "original":
        return step
    target = CELSIUS if system == "metric" else FAHRENHEIT
    matches = list(_TEMPERATURE.finditer(step))
    if not matches:
        return step
    oven = _OVEN.search(step) is not None
    pieces: list[str] = []
    last = 0
    for index, match in enumerate(matches):
        unit = _temperature_unit(match)
        if unit == target or _given_in_both(step, matches, index, target):
            continue
        values = []
        for group in ("low", "value"):
            if match.group(group) is None:
                continue
            number = float(match.group(group).replace(",", "."))
            if group == "value" and match.group("negative"):
                number = -number
            values.append(_round_temperature(convert_temperature(number, unit, target), target, oven))
        new_number = "–".join(str(v) for v in values) if len(values) > 1 else str(values[0])
        unit_start = match.start("degrees") if match.group("degrees") else None
        if match.group("symbol") is not None or match.group("bare") is not None:
            tail = _swap_unit_text(match, target)
        else:
            assert unit_start is not None
            tail = (
                match.group("space")
                + step[unit_start : match.start("unit")]
                + _swap_unit_text(match, target)
                + step[match.end("unit") : match.end()]
            )
        pieces.append(step[last : match.start()] + new_number + tail)
        last = match.end()
    pieces.append(step[last:])
    return "".join(pieces)


def _given_in_both(step: str, matches: list[re.Match[str]], index: int, target: str) -> bool:
    """Whether this temperature's neighbour, right beside it, already gives it in the target unit."""
    for other in (index - 1, index + 1):
        if 0 <= other < len(matches):
            first, second = sorted((matches[index], matches[other]), key=lambda m: m.start())
            if _temperature_unit(matches[other]) == target and _PAIR_GAP.match(step[first.end() : second.start()]):
                return True
    return False


def _scale_step(step: str, foods: list[_Food], factor: float, system: System) -> str:
    if len(step) > MAX_STEP or (factor == 1 and system == "original"):
        return step
    text = _convert_temperatures(step, system)
    if not foods:
        return text
    pattern, pieces, position = _amount_pattern(), [], 0
    while (match := pattern.search(text, position)) is not None:
        rewritten, end = _rewrite_amount(match, foods, factor, system)
        pieces.append(text[position : match.start()] + rewritten)
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def scale_step_text(step: str, details: list[IngredientDetail], factor: float, system: str) -> str:
    """The step with its ingredient amounts scaled and converted and its temperatures converted."""
    return _scale_step(step, _foods(details), check_factor(factor), check_system(system))


@lru_cache(maxsize=128)
def _scale_steps_cached(
    steps: tuple[str, ...], details: tuple[IngredientDetail, ...], factor: float, system: System
) -> tuple[str, ...]:
    foods = _foods(list(details))
    return tuple(_scale_step(step, foods, factor, system) for step in steps)


def scale_steps(steps: list[str], details: list[IngredientDetail], factor: float, system: str) -> list[str]:
    """Every step of a recipe, as :func:`scale_step_text` shows it (the foods are read once, and the
    last recipes' steps are remembered: a pure function of its arguments)."""
    checked_factor, checked_system = check_factor(factor), check_system(system)
    if checked_factor == 1 and checked_system == "original":
        return list(steps)
    try:
        return list(_scale_steps_cached(tuple(steps), tuple(details), checked_factor, checked_system))
    except TypeError:  # something unhashable in a detail: no cache
        foods = _foods(details)
        return [_scale_step(step, foods, checked_factor, checked_system) for step in steps]
