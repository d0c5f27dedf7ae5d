"""Cook mode's page, as plain data: the recipe's steps one by one (their timers, the ingredients each
uses) and its ingredients, at the scale and in the units the address asks for (as the recipe page).

Steps are numbered from 1; the one after the last (`end_step`) is the end screen, `?step=done`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import select

from ..access import visible_to
from ..cookbook.pages import shown_recipe
from ..cookbook.services import RecipeNotFound
from ..extensions import db
from ..ingredients.detail import IngredientDetail
from ..ingredients.presenting import PARAMETERS, Scaling
from ..models import Recipe, User
from .matching import StepIngredients
from .steps import StepPart, step_parts

DONE = "done"
_STEP_NUMBER = re.compile(r"[+-]?[0-9]{1,9}")


class StepInvalid(Exception):
    """A step parameter that is not a step ("?step=x")."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class CookIngredient:
    index: int  # the line's place in the recipe's ingredients, from 0
    text: str  # the line as shown (scaled, converted)
    section: bool  # a section header ("For the sauce")
    approximate: bool  # an amount converted through a density
    steps: tuple[int, ...]  # the numbers of the steps that use it


@dataclass(frozen=True, slots=True)
class CookStep:
    number: int
    parts: tuple[StepPart, ...]
    ingredients: tuple[int, ...]  # the indices of the ingredient lines it uses

    @property
    def timer_count(self) -> int:
        return sum(part.timer is not None for part in self.parts)


@dataclass(frozen=True, slots=True)
class CookPage:
    steps: tuple[CookStep, ...]
    ingredients: list[CookIngredient]
    scaling: Scaling
    scale_error: str | None

    @property
    def end_step(self) -> int:
        """The number of the end screen: the one after the last step."""
        return len(self.steps) + 1

    def step_value(self, number: int) -> str:
        """How step `number` is written in an address: "3", or "done" for the end screen."""
        return DONE if number >= self.end_step else str(number)


def visible_recipe(user: User, recipe_id: int) -> Recipe:
    """The recipe, if `user` may see it (`access.visible_to`, the one rule), else `RecipeNotFound`.
    Its tags are not loaded: cook mode does not show them."""
    recipe: Recipe | None = db.session.scalar(select(Recipe).where(Recipe.id == recipe_id, visible_to(user)))
    if recipe is None:
        raise RecipeNotFound(recipe_id)
    return recipe


@lru_cache(maxsize=256)
def _steps(texts: tuple[str, ...], readings: tuple[IngredientDetail, ...]) -> tuple[CookStep, ...]:
    """The steps of a recipe as cook mode shows them: the same for every request that shows the
    same text (a cook opens a recipe's steps one after another), so kept for the next."""
    matcher = StepIngredients(readings)
    return tuple(
        CookStep(number, step_parts(text, number), tuple(sorted(matcher.used_in(text))))
        for number, text in enumerate(texts, start=1)
    )


def cook_page(recipe: Recipe, args: Mapping[str, str], system: str) -> CookPage:
    """Cook mode for `recipe` as the address's `args` ask to see it (`system`: the reader's units)."""
    shown, error = shown_recipe(recipe, args, system)
    steps = _steps(tuple(shown.steps), tuple(item.detail for item in shown.ingredients))
    users: dict[int, list[int]] = {}
    for step in steps:
        for index in step.ingredients:
            users.setdefault(index, []).append(step.number)
    ingredients = [
        CookIngredient(
            index=index,
            text=item.display[:-1] if item.detail.section and item.display.endswith(":") else item.display,
            section=item.detail.section,
            approximate=item.approximate,
            steps=tuple(users.get(index, ())),
        )
        for index, item in enumerate(shown.ingredients)
    ]
    return CookPage(steps, ingredients, shown.scaling, error)


def chosen_step(value: str | None, step_count: int) -> int:
    """The step an address's `?step=` names: 1 when it names none, `step_count + 1` (the end) for
    "done"; a number past either end is the nearest step there is (a recipe without steps has only
    its end screen, 1). Not a number: `StepInvalid`."""
    text = (value or "").strip().lower()
    if not text:
        return 1
    if text == DONE:
        return step_count + 1
    if not _STEP_NUMBER.fullmatch(text):
        shown = (value or "")[:40]
        raise StepInvalid(
            f"There is no step “{shown}”: steps are numbered 1 to {step_count}."
            if step_count
            else f"There is no step “{shown}”: this recipe has no steps written yet."
        )
    return min(max(int(text), 1), max(step_count, 1))


def carried(args: Mapping[str, str]) -> dict[str, Any]:
    """The parameters of the address that every link of cook mode carries on (servings, units...),
    as `url_for` takes them (its own keyword arguments are typed; these are any of the rest)."""
    return {name: args[name] for name in PARAMETERS if args.get(name)}
