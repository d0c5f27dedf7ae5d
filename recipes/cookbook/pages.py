"""Pages of a recipe that more than one blueprint renders.

The recipe page is the cookbook's; the sharing views show it again, with the share form's
errors, when a link could not be made. They call this helper, never the cookbook's view.
Both show the recipe at the scale and in the units the address asks for (`?servings=8`,
`?scale=1.5`, `?have=300 g&line=2`, `&units=metric`), the share page too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import render_template, request

from ..ingredients.presenting import Scaling, ShownRecipe, scaling_from, shown_readings
from ..ingredients.recipe_lines import loaded
from ..ingredients.scaling import ScaleError, servings_count
from ..ingredients.units import UnitError
from ..models import Recipe, User

QUICK_FACTORS = ((0.5, "×½"), (1.0, "×1"), (2.0, "×2"), (3.0, "×3"))
# Each unit system: its name, its label, what it shows (the scale control and the account page).
UNIT_CHOICES = (
    ("original", "As written", "cups stay cups, grams stay grams"),
    ("metric", "Metric", "grams, millilitres, °C"),
    ("us", "US", "cups, spoons, ounces, °F"),
)


def shown_recipe(recipe: Recipe, args: Mapping[str, str], system: str) -> tuple[ShownRecipe, str | None]:
    """The recipe as the address asks to see it, and the reason when it cannot be (then as written)."""
    readings = loaded(recipe.ingredients, recipe.ingredient_details)
    error = None
    try:
        scaling = scaling_from(args, recipe.servings, readings, system)
    except (ScaleError, UnitError) as exc:
        base = servings_count(recipe.servings)
        scaling, error = Scaling(1.0, "original", base, base), str(exc)
    return shown_readings(readings, recipe.instructions, scaling), error


def scale_context(recipe: Recipe, system: str) -> dict[str, Any]:
    """What the recipe text and its scale control need (see cookbook/_recipe_body.html)."""
    view, error = shown_recipe(recipe, request.args, system)
    return {
        "shown": view,
        "scale_error": error,
        "quick_factors": QUICK_FACTORS,
        "amount_lines": [
            (index, item.detail.text)
            for index, item in enumerate(view.ingredients)
            if not item.detail.section and item.detail.quantity
        ],
    }


def recipe_page(recipe: Recipe, viewer: User, **context: Any) -> tuple[str, int]:
    """The recipe page as `viewer` sees it; `context` adds to it (e.g. `share_form`). A scale
    the page cannot use is said on the page, with the recipe as written (a 400)."""
    scale = scale_context(recipe, viewer.unit_system)
    page = render_template(
        "cookbook/detail.html", recipe=recipe, is_owner=recipe.owner_id == viewer.id, **scale, **context
    )
    return page, 400 if scale["scale_error"] else 200
