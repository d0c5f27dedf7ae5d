"""Cook mode's page: `/recipes/<id>/cook?step=N` (with the recipe page's `servings`, `scale` and
`units`), one step at a time. Every step is in the page, the one asked for shown: without
JavaScript each step is a page of its own (`?step=N` links), with it (static/cook.js) the steps
change in place, and the timers, check-offs and the screen's wake lock work."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_login import current_user

from .. import data_generation, live_login
from .. import kept_pages as ready
from ..cookbook.services import RecipeNotFound
from ..ratings import limits as ratings_limits
from ..ratings.marks import today
from ..web import MAX_ID
from . import services

bp = Blueprint("cooking", __name__, url_prefix="/recipes")


# Cook mode kept ready (kept_pages.py): the recipe, and the household's lists its "Add what's
# missing" offers, so it is kept under both realms' generations.
COOK = ready.Page("cooking.cook", (data_generation.RECIPES, data_generation.KITCHEN), 2 * 1024 * 1024)


@bp.record_once
def _keep_cook_pages(state: BlueprintSetupState) -> None:
    ready.init_app(state.app, COOK)


@bp.before_request
def require_login() -> ResponseReturnValue | None:
    """Cook mode is for signed-in users, as every recipe page (it checks it itself: see `cook`)."""
    return live_login.require_login()


@bp.app_template_global()
def cook_url(recipe_id: int) -> str:
    """Cook mode for a recipe, at the scale and in the units the current address asks for."""
    return url_for("cooking.cook", recipe_id=recipe_id, **services.carried(request.args))


@bp.get(f"/<int(max={MAX_ID}):recipe_id>/cook")
@live_login.reads_login_itself
def cook(recipe_id: int) -> ResponseReturnValue:
    """A recipe's cook mode. One kept from before answers when nothing it shows can have changed
    (the login and the generations read first, in one statement)."""
    visit = ready.visit(COOK, today())
    if visit is not None and (found := ready.kept(COOK, visit)) is not None:
        return found
    if (answer := live_login.as_any_page()) is not None:
        return answer
    try:
        recipe = services.visible_recipe(current_user, recipe_id)
    except RecipeNotFound:
        abort(404)
    page = services.cook_page(recipe, request.args, current_user.unit_system)
    try:
        current = services.chosen_step(request.args.get("step"), len(page.steps))
    except services.StepInvalid as exc:
        abort(400, description=exc.message)
    carried = services.carried(request.args)
    asked = request.args.get("step")
    if asked is not None and asked != page.step_value(current):
        # A step past either end ("?step=0", "?step=999"): the address names the one shown.
        return redirect(url_for("cooking.cook", recipe_id=recipe.id, step=page.step_value(current), **carried))
    html = render_template(
        "cooking/cook.html",
        recipe=recipe,
        page=page,
        current=current,
        carried=carried,
        cooked_note_max=ratings_limits.COOKED_NOTE_MAX,
    )
    return ready.made(COOK, visit, html, 400 if page.scale_error else 200)
