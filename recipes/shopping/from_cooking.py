"""Cook mode's "Add what's missing to the shopping list": the ingredient lines of a recipe the cook
did not check off, at the scale cook mode showed it (its address's `servings`, `scale` or "I have"),
added to a list as that recipe's share (services.add_recipes with the lines picked: merged by food,
in one transaction, taken back out whole by the list's "Take off"). No request objects.

Why not add them as rows written by hand: a row by hand is read again from its words, which cook
mode shows converted and rounded, and belongs to no recipe; the recipe's own readings, scaled here,
merge exactly as the recipe page's "Add to list" does, and the list still says which recipe each
row is for.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import select

from ..access import visible_to
from ..extensions import db
from ..ingredients.presenting import scaling_from
from ..ingredients.recipe_lines import loaded
from ..ingredients.scaling import ScaleError
from ..ingredients.units import UnitError
from ..models import Recipe, User
from . import limits, services

# A line's place as a form sends it: a few digits (a recipe has at most some hundreds of lines).
_PLACE_DIGITS = 6


def read_places(values: Iterable[str]) -> frozenset[int]:
    """The places (from 0) of the lines a form ticked; ShoppingInvalid for one that is not a place."""
    places = set()
    for value in values:
        text = value.strip()
        if not (text.isascii() and text.isdigit() and len(text) <= _PLACE_DIGITS):
            raise services.ShoppingInvalid(limits.LINES_UNKNOWN, "lines")
        places.add(int(text))
    return frozenset(places)


def add_missing(
    user: User,
    list_id: int,
    recipe_id: int,
    places: Iterable[str],
    scale_args: Mapping[str, str],
    *,
    include_staples: bool = False,
    op_id: str | None = None,
) -> tuple[Recipe, services.Added]:
    """Add the recipe's ingredient lines at `places` to the list, scaled as `scale_args` (cook
    mode's `servings`, `scale`, `have` and `line`) ask; the recipe and what was added.
    RecipeNotFound for a recipe the user may not see, ListNotFound for a list not of the
    household, ShoppingInvalid for no lines, lines the recipe does not have, or a scale that
    cannot be used."""
    recipe: Recipe | None = db.session.scalar(select(Recipe).where(Recipe.id == recipe_id, visible_to(user)))
    if recipe is None:
        raise services.RecipeNotFound(recipe_id)
    services.get_list(user, list_id)
    lines = read_places(places)
    try:
        readings = loaded(recipe.ingredients, recipe.ingredient_details)
        scaling = scaling_from(scale_args, recipe.servings, readings)
    except (ScaleError, UnitError) as exc:
        raise services.ShoppingInvalid(str(exc), "scale") from None
    pick = services.Pick(recipe, lines=lines, scale=scaling.factor)
    added = services.add_recipes(user, list_id, [pick], include_staples=include_staples, op_id=op_id)
    return recipe, added
