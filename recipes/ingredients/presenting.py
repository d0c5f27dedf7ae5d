"""A recipe's ingredients and steps as one reader asks to see them: scaled and in a unit system.

The page, the share page, print and the API read the same parameters with `scaling_from`:
`servings=N` (the recipe's own servings read from its text), `scale=F`, or "I have"
(`have=300 g` of the ingredient on line `line`), and `units=original|metric|us` (else the
account's choice). A wrong value is a `ScaleError` / `UnitSystemError` with a message for people.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .detail import IngredientDetail
from .display import ShownIngredient, present
from .recipe_lines import loaded
from .scaling import Have, ScaleError, scale_factor, servings_count
from .steps import scale_steps
from .units import check_system

PARAMETERS = ("servings", "scale", "units", "have", "line")
MAX_PARAMETER_CHARS = 40


@dataclass(frozen=True, slots=True)
class Scaling:
    factor: float = 1.0
    system: str = "original"
    servings: float | None = None  # the servings shown (the recipe's own times the factor), if known
    base_servings: float | None = None  # the recipe's own, read from its servings text

    @property
    def changes_nothing(self) -> bool:
        return self.factor == 1 and self.system == "original"


def _number(text: str, what: str) -> float:
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        raise ScaleError(f"The {what} must be a number.") from None
    if not math.isfinite(value):
        raise ScaleError(f"The {what} must be a number.")
    return value


def _have(args: Mapping[str, str], details: Sequence[IngredientDetail]) -> Have:
    from .recipe_lines import read_line

    line_text = args.get("line", "").strip()
    if not line_text.isdigit() or not (0 <= int(line_text) < len(details)):
        raise ScaleError("Choose the ingredient you have an amount of.")
    amount = read_line(args["have"][:MAX_PARAMETER_CHARS])
    if amount.quantity is None:
        raise ScaleError("Say how much you have, as an amount (for example 300 g).")
    return Have(quantity=amount.quantity, unit=amount.unit, detail=details[int(line_text)])


def scaling_from(
    args: Mapping[str, str],
    servings_text: str | None,
    details: Sequence[IngredientDetail],
    default_system: str = "original",
) -> Scaling:
    """The scaling the request's parameters ask for (none: the recipe as written)."""
    for name in PARAMETERS:
        if len(args.get(name, "")) > MAX_PARAMETER_CHARS:
            raise ScaleError(f"The {name} is too long.")
    system = check_system(args.get("units", "").strip().lower() or default_system)
    base = servings_count(servings_text)
    given = {name: args.get(name, "").strip() for name in ("servings", "scale", "have")}
    if not any(given.values()):
        return Scaling(1.0, system, base, base)
    if given["have"]:
        factor = scale_factor(have=_have(args, details))
    elif given["scale"]:
        factor = scale_factor(factor=_number(given["scale"], "scale"))
    else:
        factor = scale_factor(servings=_number(given["servings"], "servings"), base_servings=base)
    return Scaling(factor, system, None if base is None else base * factor, base)


@dataclass(frozen=True, slots=True)
class ShownRecipe:
    scaling: Scaling
    ingredients: list[ShownIngredient]
    steps: list[str]


def shown_readings(readings: Sequence[IngredientDetail], steps: Sequence[str], scaling: Scaling) -> ShownRecipe:
    if scaling.changes_nothing:
        return ShownRecipe(scaling, [ShownIngredient(r, r.text) for r in readings], list(steps))
    return ShownRecipe(
        scaling,
        present(list(readings), scaling.factor, scaling.system),
        scale_steps(list(steps), list(readings), scaling.factor, scaling.system),
    )


def detail_object(item: ShownIngredient) -> dict[str, Any]:
    """One ingredient detail of the API and the export: the reading, and the line as shown."""
    data = item.detail.to_json()
    data["display"] = item.display
    data["approximate"] = item.approximate
    return data


def as_written(detail: IngredientDetail) -> dict[str, Any]:
    """A reading as the API and the CLI give it for a line shown as written."""
    return detail_object(ShownIngredient(detail, detail.text))


def written_objects(lines: Sequence[str], details: Sequence[Mapping[str, Any]] | None) -> list[dict[str, Any]]:
    """The API's details of a recipe shown as written: the stored readings as they are (the
    cheap path of every list), read now only when they are not in step with the lines."""
    if (
        details is not None
        and len(details) == len(lines)
        and all(d.get("text") == line for d, line in zip(details, lines, strict=True))
    ):
        return [{**DEFAULTS, **d, "display": d["text"], "approximate": False} for d in details]
    return [as_written(detail) for detail in loaded(lines, details)]


DEFAULTS = IngredientDetail(text="").to_json()
