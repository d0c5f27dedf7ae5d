"""A shopping list built from the meal plan: every recipe the household planned on some days, each
at its planned servings, added to a list in one transaction (services.add_recipes: merged by food,
each recipe's share kept, so one can be taken back out). Shared by the list page, the planner's
week page and the API; no request objects.

Only the recipes the person asking may see go on the list (planner.services.planned_recipes with
`viewer`): a member who cannot read a recipe someone else planned must not get its ingredients.
Those are left out, and counted, never named. A span of days is checked as the planner checks it
(planner.services.check_span: its limits, its messages).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import Recipe, User
from ..planner import services as planner
from . import limits, services


@dataclass(frozen=True)
class FromPlan:
    """What adding the plan's recipes did, for the page's message and the API's answer."""

    added: services.Added
    start: date
    days: int
    recipes: int  # planned recipes added (each planned meal once, a recipe planned twice twice)
    left_out: int  # planned recipes the person may not see: not added

    @property
    def last_day(self) -> date:
        return self.start + timedelta(days=self.days - 1)


def planned_when(start: date, days: int) -> str:
    """ "on Mon 4 May", or "from Mon 4 May to Sun 10 May" (days named as the planner names them)."""
    if days == 1:
        return f"on {planner.plan_day(start)}"
    return f"from {planner.plan_day(start)} to {planner.plan_day(start + timedelta(days=days - 1))}"


def add_plan(
    user: User,
    list_id: int,
    start: date,
    days: int,
    *,
    include_staples: bool = False,
    op_id: str | None = None,
    now: date | None = None,
) -> FromPlan:
    """Add every recipe the user's household planned from `start` for `days` days that the user may
    see, each at its planned servings, to the list, in one transaction. ListNotFound for a list
    that is not the household's; ShoppingInvalid (naming `start` or `days`) for a span the plan
    cannot be read for, days with no recipe planned (or none the user may see), more recipes than
    one go takes, or a planned servings a recipe cannot be scaled to."""
    services.get_list(user, list_id)  # another household's list: not found, whatever else is wrong
    try:
        planner.check_span(start, days, now or planner.today())
    except planner.PlanInvalid as exc:
        raise services.ShoppingInvalid(exc.message, exc.field) from None
    when = planned_when(start, days)
    planned = planner.planned_recipes(user.household_id, start, days, viewer=user)
    every = len(planner.planned_recipes(user.household_id, start, days))
    left_out = every - len(planned)
    if not planned:
        if left_out:
            noun = "recipe" if left_out == 1 else "recipes"
            raise services.ShoppingInvalid(
                f"The {left_out} {noun} planned {when} {'is' if left_out == 1 else 'are'} "
                "not shared with you: there is nothing you can add.",
                "start",
            )
        raise services.ShoppingInvalid(f"No recipe is planned {when}.", "start")
    if len(planned) > limits.RECIPES_PER_ADD_MAX:
        raise services.ShoppingInvalid(
            f"{len(planned)} recipes are planned {when}: at most {limits.RECIPES_PER_ADD_MAX} "
            "can be added at a time. Choose fewer days.",
            "days",
        )
    recipes = {
        recipe.id: recipe
        for recipe in db.session.scalars(select(Recipe).where(Recipe.id.in_({p.recipe_id for p in planned})))
    }
    picks = []
    for entry in planned:
        recipe = recipes.get(entry.recipe_id)
        if recipe is None:  # deleted since the plan was read
            continue
        pick = services.Pick(recipe, None if entry.servings is None else float(entry.servings))
        try:
            services.factor_for(pick)
        except services.ShoppingInvalid as exc:
            day = planner.plan_day(entry.date)
            raise services.ShoppingInvalid(f"“{recipe.title}” ({day}, {entry.meal}): {exc.message}", "days") from None
        picks.append(pick)
    if not picks:
        raise services.ShoppingInvalid(f"No recipe is planned {when}.", "start")
    added = services.add_recipes(user, list_id, picks, include_staples=include_staples, op_id=op_id)
    return FromPlan(added=added, start=start, days=days, recipes=len(added.entries), left_out=left_out)
