from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.wrappers import Response

from .. import live_login
from ..images.processing import ProcessedImage
from ..ingredients.display import servings_text
from ..models import Recipe
from ..search.service import SORT_MENU, SearchRequest, search, tag_counts
from ..security import is_safe_redirect
from ..web import MAX_ID, form_status
from . import cards, form_picture, list_pages, preferences, readings, services
from . import recipe_text as text
from .forms import CopyForm, DeleteForm, RecipeForm
from .pages import UNIT_CHOICES, recipe_page

bp = Blueprint("cookbook", __name__, url_prefix="/recipes")


@bp.before_request
def require_login() -> ResponseReturnValue | None:
    """Every recipe page needs a signed-in user (the list checks it itself: see `index`)."""
    return live_login.require_login()


@bp.record_once
def _keep_list_pages(state: BlueprintSetupState) -> None:
    list_pages.init_app(state.app)


def _visible_or_404(recipe_id: int) -> Recipe:
    try:
        return services.get_visible_recipe(current_user, recipe_id)
    except services.RecipeNotFound:
        abort(404)


def _own_or_404(recipe_id: int) -> Recipe:
    # Someone else's recipe is "not found", never "forbidden": a 403 would confirm it exists.
    try:
        return services.get_own_recipe(current_user, recipe_id)
    except services.RecipeNotFound:
        abort(404)


@bp.get("/")
@live_login.reads_login_itself
def index() -> ResponseReturnValue:
    """The recipe list, or a search. A page kept from before answers when nothing it shows can
    have changed (list_pages.py: the login and the data generation are read first, in one
    statement); otherwise the page is made as any page is."""
    visit = list_pages.visit()
    if visit is not None and (page := list_pages.kept(visit)) is not None:
        return page
    if (answer := live_login.as_any_page()) is not None:
        return answer
    search_request = SearchRequest.from_args(request.args, current_app.config["RECIPES_PER_PAGE"])
    made = render_template(
        "cookbook/index.html",
        results=search(current_user, search_request),
        search=search_request,
        sorts=SORT_MENU,
        layout=preferences.recipe_layout(current_user),
        layouts=preferences.LAYOUTS,
        tag_suggestions=services.tag_suggestions(current_user),
    )
    return list_pages.made(visit, made)


@bp.post("/layout")
def layout() -> Response:
    """Keep the list's layout (grid or list) for the account; back to the page it was chosen on."""
    try:
        preferences.set_recipe_layout(current_user, request.form.get("layout", ""))
    except preferences.PreferenceInvalid as exc:
        abort(400, description=str(exc))
    back = request.form.get("next", "")
    return redirect(back if is_safe_redirect(back) else url_for("cookbook.index"), 303)


@bp.app_template_global()
def unit_choices() -> tuple[tuple[str, str, str], ...]:
    """The unit systems to choose from: the scale control's and the account page's."""
    return UNIT_CHOICES


@bp.post("/units")
def units() -> Response:
    """Keep how amounts are shown to the account (as written, metric, US)."""
    try:
        preferences.set_unit_system(current_user, request.form.get("units", ""))
    except preferences.PreferenceInvalid as exc:
        abort(400, description=str(exc))
    flash("Amounts will show that way.", "success")
    back = request.form.get("next", "")
    return redirect(back if is_safe_redirect(back) else url_for("auth.account"), 303)


@bp.get("/tags")
def tags() -> str:
    counts = tag_counts(current_user)
    most = max((count for _, count in counts), default=1)
    return render_template("cookbook/tags.html", tags=[(name, count, count / most) for name, count in counts])


def _saved_from(
    form: RecipeForm, save: Callable[[ProcessedImage | None], Recipe]
) -> tuple[Recipe | None, form_picture.Kept | None]:
    """Check the submitted form and its picture, then `save` the recipe with that picture:
    (the recipe, None). When the form goes back with errors, (None, the picture kept for its
    next submit, if any: see cookbook/form_picture.py)."""
    login = current_user.get_id()
    valid = form.validate()
    picture = form_picture.FormPicture()
    try:
        picture = form_picture.chosen(form, login)
    except services.RecipeInvalid as exc:
        form.picture.errors.append(exc.message)
        valid = False
    if valid:
        try:
            recipe = save(picture.image)
        except services.RecipeInvalid as exc:
            form[exc.field].errors.append(exc.message)
        else:
            form_picture.saved(form, login)
            return recipe, None
    return None, form_picture.keep_for_next_submit(form, picture, login)


def _form_page(form: RecipeForm, recipe: Recipe | None, kept: form_picture.Kept | None = None) -> tuple[str, int]:
    page = render_template(
        "cookbook/form.html",
        form=form,
        recipe=recipe,
        kept_picture=kept,
        tag_suggestions=services.tag_suggestions(current_user),
        review=None if recipe is None else readings.review(recipe),
    )
    return page, form_status(form)


@bp.route("/new", methods=["GET", "POST"])
def create() -> Response | tuple[str, int]:
    form = RecipeForm()
    if not form.is_submitted():
        return _form_page(form, None)
    recipe, kept = _saved_from(form, lambda picture: services.create_recipe(current_user, form.to_data(), picture))
    if recipe is None:
        return _form_page(form, None, kept)
    flash(f"Saved “{recipe.title}”.", "success")
    return redirect(url_for("cookbook.detail", recipe_id=recipe.id))


@bp.get(f"/<int(max={MAX_ID}):recipe_id>")
def detail(recipe_id: int) -> tuple[str, int]:
    return recipe_page(_visible_or_404(recipe_id), current_user)


@bp.route(f"/<int(max={MAX_ID}):recipe_id>/edit", methods=["GET", "POST"])
def edit(recipe_id: int) -> Response | tuple[str, int]:
    recipe = _own_or_404(recipe_id)
    form = RecipeForm()
    if not form.is_submitted():
        form.fill_from(recipe)
        return _form_page(form, recipe)
    saved, kept = _saved_from(
        form,
        lambda picture: services.update_recipe(
            current_user, recipe_id, form.to_data(), picture=picture, remove_picture=form.remove_picture.data
        ),
    )
    if saved is None:
        # Read again: deciding on the picture may have ended the transaction it was read in.
        return _form_page(form, _own_or_404(recipe_id), kept)
    flash("Changes saved.", "success")
    return redirect(url_for("cookbook.detail", recipe_id=recipe_id))


@bp.post(f"/<int(max={MAX_ID}):recipe_id>/copy")
def copy(recipe_id: int) -> Response:
    """Save a copy of someone else's recipe (one of the household's, or a public one) as one's
    own, private, to change at will; the original stays theirs."""
    if not CopyForm().validate_on_submit():
        abort(400)
    try:
        saved = services.copy_visible_recipe(current_user, recipe_id)
    except services.RecipeNotFound:
        abort(404)
    except services.RecipeIsYours as exc:
        flash("This recipe is already yours.", "info")
        return redirect(url_for("cookbook.detail", recipe_id=exc.recipe_id))
    flash(f"Saved a copy of “{saved.title}” to your recipes.", "success")
    return redirect(url_for("cookbook.detail", recipe_id=saved.id))


@bp.route(f"/<int(max={MAX_ID}):recipe_id>/delete", methods=["GET", "POST"])
def delete(recipe_id: int) -> Response | tuple[str, int]:
    recipe = _own_or_404(recipe_id)
    form = DeleteForm()
    if form.validate_on_submit():
        title = recipe.title
        services.delete_recipe(current_user, recipe_id)
        flash(f"Deleted “{title}”.", "success")
        return redirect(url_for("cookbook.index"))
    return render_template("cookbook/delete.html", recipe=recipe, form=form), 200


# `{% if line is section_header %}`: the same rule the services and importers use.
bp.add_app_template_test(text.is_section_header, "section_header")


bp.add_app_template_filter(text.nutrient_label, "nutrient_label")


@bp.app_template_filter("minutes")
def format_minutes(minutes: int | None) -> str:
    return text.minutes_text(minutes)


# `{{ recipe.servings | servings_text(factor) }}`: "Serves 4", "Makes 48 cookies" at twice the recipe.
bp.add_app_template_filter(servings_text, "servings_text")


# `{{ recipe_cards(cards, recipe_base, tag_base) }}`: a list's or a search's cards (cookbook/cards.py).
bp.add_app_template_global(cards.recipe_cards, "recipe_cards")


@bp.app_template_filter("recipe_times")
def format_recipe_times(recipe: Any) -> str:
    """ "Prep 10 min · Cook 30 min · Total 40 min" for a recipe or a search card."""
    return text.times_text(recipe.prep_time, recipe.cook_time, recipe.total_minutes)
