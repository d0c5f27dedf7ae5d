"""Cook mode's page: `/recipes/<id>/cook?step=N` (with the recipe page's `servings`, `scale` and
`units`), one step at a time. Every step is in the page, the one asked for shown: without
JavaScript each step is a page of its own (`?step=N` links), with it (static/cook.js) the steps
change in place, and the timers, check-offs and the screen's wake lock work."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from ..cookbook.services import RecipeNotFound
from ..ratings import limits as ratings_limits
from ..web import MAX_ID
from . import services

bp = Blueprint("cooking", __name__, url_prefix="/recipes")


@bp.before_request
@login_required
def require_login() -> None:
    """Cook mode is for signed-in users, as every recipe page."""


@bp.app_template_global()
def cook_url(recipe_id: int) -> str:
    """Cook mode for a recipe, at the scale and in the units the current address asks for."""
    return url_for("cooking.cook", recipe_id=recipe_id, **services.carried(request.args))


@bp.get(f"/<int(max={MAX_ID}):recipe_id>/cook")
def cook(recipe_id: int) -> Response | tuple[str, int]:
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
    return html, 400 if page.scale_error else 200
