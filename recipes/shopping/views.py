"""The shopping list pages: `/lists` (the household's lists), `/lists/<id>` (one list to shop from:
add an item or a recipe, check off, clear), its print view and its settings page (rename, read-only
links, delete), a row's page (its text, its aisle), the household's staples and aisle order
(`/lists/settings`), "Add to list" from a recipe's page, and `/l/<token>` (a list shared
read-only). Every form works without JavaScript; static/shopping.js makes check-offs instant,
queues changes while offline, and polls `/lists/<id>/state` (its own blueprint) for what others
changed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from .. import auth, data_generation, secret_tokens, shown_once
from .. import kept_pages as ready
from ..cooking.services import carried
from ..database import release_transaction, write_intent
from ..errors import render_error, render_not_found
from ..extensions import db
from ..models import Recipe
from ..planner import limits as planner_limits
from ..planner import services as planner
from ..public_urls import public_url
from ..search.service import SearchRequest, search
from ..security import NO_STORE
from ..sharing.forms import ShareForm
from ..web import MAX_ID, asks_first, confirmation_page, form_status
from . import aisles, from_cooking, from_plan, objects, preferences, services, sharing
from .forms import (
    ActionForm,
    AddItemForm,
    AddMissingForm,
    AddPlanForm,
    AddRecipeForm,
    AddToListForm,
    AisleMoveForm,
    EditItemForm,
    ListNameForm,
    ShopWeekForm,
    StaplesForm,
    new_op_id,
)
from .rows import rows_html
from .staples import StapleError

log = logging.getLogger(__name__)

bp = Blueprint("shopping", __name__, url_prefix="/lists")
shared_bp = Blueprint("shopping_shared", __name__)

LIST = f"/<int(max={MAX_ID}):list_id>"
ITEM = f"{LIST}/items/<int(max={MAX_ID}):item_id>"
NEW_LIST = "new"
DEFAULT_NAME = "Groceries"
# Recipes found by the list page's search, to add.
FOUND_MAX = 8
# The days "Add from the plan" and "Shop for this week" offer: a week.
PLAN_DAYS = 7


# A list's page kept ready (kept_pages.py): its rows and the titles of the recipes on it, so it
# is kept under both realms' generations (a check-off changes the kitchen's: the next load of the
# page is made again; the recipe lists stay kept).
LIST_PAGE = ready.Page("shopping.page", (data_generation.RECIPES, data_generation.KITCHEN), 2 * 1024 * 1024)


@bp.record_once
def _keep_list_pages(state: BlueprintSetupState) -> None:
    ready.init_app(state.app, LIST_PAGE)


@bp.before_request
def require_login() -> ResponseReturnValue | None:
    """Every list page needs a signed-in user (a list's page checks it itself: see `page`)."""
    return auth.require_login()


bp.add_app_template_global(new_op_id, "new_op_id")
bp.add_app_template_global(rows_html, "shopping_rows")


@bp.errorhandler(services.ListNotFound)
@bp.errorhandler(services.ItemNotFound)
@bp.errorhandler(services.RecipeNotFound)
@bp.errorhandler(services.RecipeNotOnList)
@bp.errorhandler(sharing.ShareNotFound)
def not_found(error: Exception) -> tuple[Response | str, int]:
    # Another household's list looks exactly like a missing one.
    return render_not_found()


def _to_list(list_id: int, anchor: str | None = None) -> Response:
    return redirect(url_for("shopping.page", list_id=list_id, _anchor=anchor), 303)


def _op_id(form: Any) -> str | None:
    try:
        return services.check_op_id(form.op_id.data)
    except services.ShoppingInvalid:
        return None  # a form's own op_id is ours; a changed one only loses its replay protection


# --- the household's lists ------------------------------------------------------------------------


@bp.get("")
def index() -> str:
    return _index_page(ListNameForm(formdata=None))[0]


def _index_page(form: ListNameForm) -> tuple[str, int]:
    if not form.is_submitted():
        form.name.data = DEFAULT_NAME if not services.lists_of(current_user) else ""
    page = render_template("shopping/index.html", lists=services.lists_of(current_user), form=form)
    return page, form_status(form)


@bp.post("")
def create() -> Response | tuple[str, int]:
    form = ListNameForm()
    if form.validate_on_submit():
        try:
            made = services.create_list(current_user, form.name.data or "")
        except services.ShoppingInvalid as exc:
            form.name.errors = [*form.name.errors, exc.message]
        else:
            return _to_list(made.id)
    return _index_page(form)


# --- one list -------------------------------------------------------------------------------------


@dataclass
class Found:
    """A recipe the list page's search found, to add at its servings."""

    id: int
    title: str
    servings: str


def _found_recipes(q: str) -> list[Found]:
    results = search(current_user, SearchRequest.from_args(MultiDict({"q": q}), FOUND_MAX))
    ids = [card.id for card in results.items]
    servings = {
        row.id: row.servings for row in db.session.execute(select(Recipe.id, Recipe.servings).where(Recipe.id.in_(ids)))
    }
    return [Found(card.id, card.title, servings.get(card.id, "")) for card in results.items]


def _list_page(list_id: int, *, status: int = 200, add_item: AddItemForm | None = None) -> tuple[str, int]:
    """The list to shop from: its rows, adding an item or a recipe, the recipes on it. Kept to
    what shopping needs (renaming, sharing and deleting are on its settings page): a phone opens it
    in the shop, and a list may have hundreds of rows."""
    shopping_list = services.get_list(current_user, list_id)
    found = services.contents(shopping_list)
    q = request.args.get("q", "").strip()[:200]
    page = render_template(
        "shopping/list.html",
        found=found,
        shopping_list=shopping_list,
        etag=objects.etag(shopping_list),
        aisle_names=aisles.AISLES,
        q=q,
        recipes=_found_recipes(q) if q else [],
        add_item=add_item or AddItemForm(formdata=None),
        add_plan=AddPlanForm(formdata=None, start=planner.today(), days=PLAN_DAYS),
    )
    return page, status


@bp.get(LIST)
@auth.reads_login_itself
def page(list_id: int) -> ResponseReturnValue:
    """A list to shop from. One kept from before answers when nothing it shows can have changed
    (the login and the generations read first, in one statement); never a search for recipes to
    add (`?q=`: many, seldom asked twice)."""
    visit = ready.visit(LIST_PAGE, planner.today()) if not request.args.get("q", "").strip() else None
    if visit is not None and (found := ready.kept(LIST_PAGE, visit)) is not None:
        return found
    if (answer := auth.as_any_page()) is not None:
        return answer
    html, status = _list_page(list_id)
    return ready.made(LIST_PAGE, visit, html, status)


def _manage_page(list_id: int, *, status: int = 200, **forms: Any) -> Response:
    shopping_list = services.get_list(current_user, list_id)
    secret = shown_once.take(current_user.get_id(), sharing.SHOWN_ON)
    made = sharing.own_share(shopping_list, secret) if secret else None
    shares = sharing.shares_of(shopping_list)
    page = render_template(
        "shopping/manage.html",
        shopping_list=shopping_list,
        rename=forms.get("rename") or ListNameForm(formdata=None, name=shopping_list.name),
        share_form=forms.get("share_form") or ShareForm(formdata=None),
        live_shares=[s for s in shares if sharing.state_of(s) == secret_tokens.LIVE],
        new_share={"url": public_url("shopping_shared.page", list_token=secret), "share": made} if made else None,
    )
    response = current_app.make_response((page, status))
    response.headers["Cache-Control"] = NO_STORE  # it may show a share link made just now
    return response


@bp.get(f"{LIST}/settings")
def manage(list_id: int) -> Response:
    """A list's settings: its name, its read-only links, deleting it."""
    return _manage_page(list_id)


# The list page's poll, every few seconds while the page is shown: its own blueprint, without the
# pages' login hook, so an unchanged list costs one query (see `state`).
poll_bp = Blueprint("shopping_poll", __name__, url_prefix="/lists")


def _json_error(status: int, code: str, message: str) -> Response:
    response = jsonify(error={"code": code, "message": message})
    response.status_code = status
    return response


def _not_modified(tag: str) -> Response:
    response = Response(status=304)
    response.set_etag(tag)
    return response


@poll_bp.get(f"{LIST}/state")
@auth.reads_login_itself
def state(list_id: int) -> Response:
    """What the list page's script polls. With the list's ETag in If-None-Match and a login in the
    session, one indexed read answers whether the list changed (the live-login rule and the
    household's, in the same query): 304 while it has not. Otherwise, as any page: the user
    loaded, the list as the API gives it (the script draws the rows from it) and a fresh CSRF token
    for the changes it sends, with the list's version as its ETag. Nothing is written either way."""
    token = auth.login_token()
    if token is not None and request.if_none_match:
        version = services.version_for_login(token, list_id, current_app.config["RECIPES_SESSION_DAYS"])
        if version is not None:
            tag = objects.etag(list_id, version)
            if request.if_none_match.contains(tag):
                return _not_modified(tag)
    if not current_user.is_authenticated:
        return _json_error(401, "unauthorized", "Log in again to see this list.")
    try:
        shopping_list = services.get_list(current_user, list_id)
    except services.ListNotFound:
        return _json_error(404, "not_found", "No such list.")
    tag = objects.etag(shopping_list)
    if request.if_none_match.contains(tag):
        return _not_modified(tag)
    found = services.contents(shopping_list)
    body = objects.list_object(found, services.sources_by_item(list_id))
    response = jsonify({**body, "csrf_token": generate_csrf()})
    response.set_etag(tag)
    return response


@bp.get(f"{LIST}/print")
def print_view(list_id: int) -> str:
    shopping_list = services.get_list(current_user, list_id)
    found = services.contents(shopping_list)
    return render_template("shopping/print.html", found=found, shopping_list=shopping_list, aisle_names=aisles.AISLES)


@bp.post(f"{LIST}/name")
def rename(list_id: int) -> Response:
    form = ListNameForm()
    if form.validate_on_submit():
        try:
            services.rename_list(current_user, list_id, form.name.data or "")
        except services.ShoppingInvalid as exc:
            form.name.errors = [*form.name.errors, exc.message]
        else:
            flash("List renamed.", "success")
            return _to_list(list_id)
    return _manage_page(list_id, status=400, rename=form)


@bp.post(f"{LIST}/delete")
def delete(list_id: int) -> Response | str:
    shopping_list = services.get_list(current_user, list_id)  # another household's: 404
    if asks_first():
        return confirmation_page(
            heading=f"Delete the list “{shopping_list.name}”?",
            message="Its rows and its share links go with it, for everyone in the household.",
            action=url_for("shopping.delete", list_id=list_id),
            button="Delete the list",
            cancel=url_for("shopping.manage", list_id=list_id),
        )
    if not ActionForm().validate_on_submit():
        abort(400)
    name = services.delete_list(current_user, list_id)
    flash(f"Deleted the list “{name}”.", "success")
    return redirect(url_for("shopping.index"), 303)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _staples_note(added: services.Added) -> str:
    return f" Left out as pantry staples: {', '.join(added.staples_left_out)}." if added.staples_left_out else ""


def _added_message(added: services.Added, title: str) -> str:
    rows = added.new_rows + added.merged_rows
    message = f"Added “{title}”: {_plural(rows, 'item')}"
    if added.merged_rows:
        message += f" ({added.merged_rows} joined items already on the list)"
    message += "." + _staples_note(added)
    if added.as_written:
        message += " Its amounts are as written: the recipe does not say how many it serves."
    return message


def _plan_message(done: from_plan.FromPlan) -> str:
    """What adding the plan did: the recipes and rows, the recipes left out (counted, never named)."""
    added = done.added
    when = from_plan.planned_when(done.start, done.days)
    message = f"Added {_plural(done.recipes, 'recipe')} planned {when}: {_plural(added.new_rows, 'new item')}"
    if added.merged_rows:
        message += f", {added.merged_rows} joined to items of the same food"
    message += "."
    if done.left_out:
        verb = "is" if done.left_out == 1 else "are"
        message += f" {_plural(done.left_out, 'planned recipe')} {verb} not shared with you: left out."
    message += _staples_note(added)
    if added.as_written:
        titles = ", ".join(f"“{title}”" for title in dict.fromkeys(added.as_written))
        message += f" As written, not scaled (they do not say how many they serve): {titles}."
    return message


def _flash_plan(done: from_plan.FromPlan) -> None:
    if done.added.entries:
        flash(_plan_message(done), "success")
    else:  # the same form sent again (its op_id): added the first time
        flash("The plan's recipes were added already.", "info")


def _first_error(form: Any, otherwise: str) -> str:
    errors = [error for field in form for error in field.errors]
    return str(errors[0]) if errors else otherwise


def _add_recipe(list_id: int, form: AddRecipeForm) -> services.Added:
    """Add the form's recipe to the list (RecipeNotFound for one the user may not see)."""
    recipe_id = form.recipe_id.data or 0
    recipe = db.session.get(Recipe, recipe_id) if 0 < recipe_id <= MAX_ID else None
    if recipe is None:
        raise services.RecipeNotFound(recipe_id)
    servings = float(form.servings.data) if form.servings.data is not None else None
    return services.add_recipes(
        current_user,
        list_id,
        [services.Pick(recipe, servings)],
        include_staples=bool(form.include_staples.data),
        op_id=_op_id(form),
    )


@bp.post(f"{LIST}/recipes")
def add_recipe(list_id: int) -> Response | tuple[str, int]:
    services.get_list(current_user, list_id)  # another household's: 404 whatever is posted
    form = AddRecipeForm()
    if form.validate_on_submit():
        try:
            added = _add_recipe(list_id, form)
        except services.ShoppingInvalid as exc:
            flash(exc.message, "error")
            return _to_list(list_id, "add-recipe")
        title = added.entries[0].title if added.entries else "the recipe"
        flash(_added_message(added, title), "success")
        return _to_list(list_id)
    errors = [error for field in form for error in field.errors]
    flash(errors[0] if errors else "Choose a recipe to add.", "error")
    return _to_list(list_id, "add-recipe")


@bp.post(f"{LIST}/recipes/remove")
def remove_recipes(list_id: int) -> Response:
    """The list page's "Take off" buttons (`recipe_id` names the recipe): its whole share goes."""
    services.get_list(current_user, list_id)  # another household's: 404
    if not ActionForm().validate_on_submit():
        abort(400)
    recipe_id = _row_id(request.form.get("recipe_id"))
    if recipe_id is None:
        abort(400, description="Choose a recipe to take off the list.")
    try:
        services.remove_recipe(current_user, list_id, recipe_id)
    except services.RecipeNotOnList:
        flash("That recipe is not on the list (any more).", "info")
    else:
        flash("Took the recipe's share off the list.", "success")
    return _to_list(list_id, "recipes")


@bp.post(f"{LIST}/items")
def add_item(list_id: int) -> Response | tuple[str, int]:
    services.get_list(current_user, list_id)
    form = AddItemForm()
    if form.validate_on_submit():
        try:
            services.add_item(current_user, list_id, form.text.data or "", op_id=_op_id(form))
        except services.ShoppingInvalid as exc:
            form.text.errors = [*form.text.errors, exc.message]
        else:
            return _to_list(list_id, "add")
    return _list_page(list_id, status=400, add_item=form)


def _row_id(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and 0 < int(value) <= MAX_ID else None


@bp.post(f"{LIST}/check")
def check(list_id: int) -> Response:
    """The rows' buttons: `check=<row id>` checks a row off, `uncheck=<row id>` puts it back. A
    value, not a toggle, so a form posted twice leaves the row as asked."""
    services.get_list(current_user, list_id)  # another household's: 404
    if not ActionForm().validate_on_submit():
        abort(400)
    checked = "check" in request.form
    item_id = _row_id(request.form.get("check" if checked else "uncheck"))
    if item_id is None:
        abort(400, description="Choose an item to check off or put back.")
    services.update_item(current_user, list_id, item_id, checked=checked)
    return _to_list(list_id, f"item-{item_id}")


@bp.route(ITEM, methods=["GET", "POST"])
def edit_item(list_id: int, item_id: int) -> Response | tuple[str, int]:
    item = services.find_item(current_user, list_id, item_id)
    form = EditItemForm(formdata=None, text=item.text, aisle=item.aisle) if request.method == "GET" else EditItemForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            services.update_item(
                current_user,
                list_id,
                item_id,
                text=form.text.data if form.text.data != item.text else None,
                aisle=form.aisle.data if form.aisle.data != item.aisle else None,
            )
        except services.ShoppingInvalid as exc:
            form[exc.field if exc.field in ("text", "aisle") else "text"].errors.append(exc.message)
        else:
            return _to_list(list_id, f"item-{item_id}")
    shopping_list = services.get_list(current_user, list_id)
    page = render_template("shopping/item.html", form=form, item=item, shopping_list=shopping_list)
    return page, form_status(form)


@bp.post(f"{ITEM}/delete")
def delete_item(list_id: int, item_id: int) -> Response:
    services.find_item(current_user, list_id, item_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    services.delete_item(current_user, list_id, item_id, op_id=_op_id(form))
    return _to_list(list_id)


@bp.post(f"{LIST}/clear")
def clear(list_id: int) -> Response:
    services.get_list(current_user, list_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    gone = services.clear_checked(current_user, list_id, op_id=_op_id(form))
    flash(f"Cleared {gone} checked item{'s' if gone != 1 else ''}.", "success")
    return _to_list(list_id)


# --- from a recipe's page -------------------------------------------------------------------------


@bp.app_context_processor
def add_to_list_helper() -> dict[str, object]:
    """`add_to_list_form(recipe)` for the recipe page's "Add to list"; queried only when shown."""

    def add_to_list_form(recipe: Recipe) -> AddToListForm:
        form = AddToListForm(formdata=None, recipe_id=recipe.id)
        form.list_id.choices = _list_choices()
        return form

    def shop_week_form(start: date) -> ShopWeekForm:
        """The planner's "Shop for this week": the week from `start`, onto a list of the household."""
        form = ShopWeekForm(formdata=None, start=start, days=PLAN_DAYS)
        form.list_id.choices = _list_choices()
        return form

    def add_missing_form(recipe: Recipe) -> AddMissingForm:
        """Cook mode's "Add what's missing", for its end screen."""
        form = AddMissingForm(formdata=None, recipe_id=recipe.id)
        form.list_id.choices = _list_choices()
        return form

    return {
        "add_to_list_form": add_to_list_form,
        "shop_week_form": shop_week_form,
        "add_missing_form": add_missing_form,
    }


def _list_choices() -> list[tuple[str, str]]:
    """A form's choice of list: the household's lists, and a new one."""
    lists = services.lists_of(current_user)
    new = (NEW_LIST, f"A new list: {DEFAULT_NAME}" if not lists else "A new list")
    return [(str(found.id), found.name) for found in lists] + [new]


def _list_to_fill(chosen: str | None) -> int:
    """The list a form chose (ListNotFound for one not the household's), or a new one, made in the
    caller's transaction: what fills it and the list are made both, or (refused) neither. The
    caller rolls back when it refuses."""
    chosen = chosen or NEW_LIST
    if chosen == NEW_LIST:
        lists = services.lists_of(current_user)
        name = DEFAULT_NAME if not lists else f"{DEFAULT_NAME} {len(lists) + 1}"
        return services.create_list(current_user, name, commit=False).id
    if chosen.isdigit() and int(chosen) <= MAX_ID:
        return services.get_list(current_user, int(chosen)).id
    raise services.ListNotFound(chosen)


@bp.post("/add")
def add_from_recipe() -> Response:
    """The recipe page's "Add to list": to a list of the household, or a new one."""
    form = AddToListForm()
    recipe_id = form.recipe_id.data if isinstance(form.recipe_id.data, int) else 0
    back = url_for("cookbook.detail", recipe_id=recipe_id) if 0 < recipe_id <= MAX_ID else url_for("shopping.index")
    if not form.validate_on_submit():
        errors = [error for field in form for error in field.errors]
        flash(errors[0] if errors else "Choose a list.", "error")
        return redirect(back, 303)
    try:
        list_id = _list_to_fill(form.list_id.data)
        added = _add_recipe(list_id, form)
    except services.ShoppingInvalid as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(back, 303)
    except (services.ListNotFound, services.RecipeNotFound):
        db.session.rollback()
        raise
    title = added.entries[0].title if added.entries else "the recipe"
    flash(_added_message(added, title), "success")
    return _to_list(list_id)


# --- from the meal plan ---------------------------------------------------------------------------


@bp.post(f"{LIST}/plan")
def add_plan(list_id: int) -> Response:
    """The list page's "Add from the plan": every recipe planned on those days (that one may see)."""
    services.get_list(current_user, list_id)  # another household's: 404 whatever is posted
    form = AddPlanForm()
    if not form.validate_on_submit() or form.start.data is None or form.days.data is None:
        flash(_first_error(form, "Choose the days to shop for."), "error")
        return _to_list(list_id, "add-plan")
    try:
        done = _add_planned(form, list_id)
    except services.ShoppingInvalid as exc:
        flash(exc.message, "error")
        return _to_list(list_id, "add-plan")
    _flash_plan(done)
    return _to_list(list_id)


def _add_planned(form: AddPlanForm, list_id: int) -> from_plan.FromPlan:
    """What the form asks of the plan (its days, staples or not), onto the list."""
    assert form.start.data is not None and form.days.data is not None  # (validated by the caller)
    return from_plan.add_plan(
        current_user,
        list_id,
        form.start.data,
        form.days.data,
        include_staples=bool(form.include_staples.data),
        op_id=_op_id(form),
    )


@bp.post("/plan")
def add_plan_from_week() -> Response:
    """The planner's "Shop for this week": the week's planned recipes onto a list of the household,
    or a new one (made with them, or not at all). Refused: back to the week, saying why."""
    form = ShopWeekForm()
    shown = planner_limits.read_day(request.form.get("start", ""))
    start = shown if shown is not None and planner_limits.day_problem(shown, planner.today()) is None else None
    back = url_for("planner.week", start=start.isoformat() if start else None, _anchor="shop-week")
    if not form.validate_on_submit() or form.start.data is None or form.days.data is None:
        flash(_first_error(form, "Choose the days to shop for."), "error")
        return redirect(back, 303)
    try:
        list_id = _list_to_fill(form.list_id.data)
        done = _add_planned(form, list_id)
    except services.ShoppingInvalid as exc:
        db.session.rollback()  # a new list goes with what it was made for
        flash(exc.message, "error")
        return redirect(back, 303)
    except services.ListNotFound:
        db.session.rollback()
        raise
    _flash_plan(done)
    return _to_list(list_id)


# --- from cook mode --------------------------------------------------------------------------------


@bp.post("/missing")
def add_missing() -> Response:
    """Cook mode's "Add what's missing": the lines ticked (with JavaScript: those not checked off),
    at the scale cook mode showed, onto a list of the household or a new one. Back to the end
    screen, saying what was added, or why nothing was."""
    form = AddMissingForm()
    recipe_id = form.recipe_id.data
    if not isinstance(recipe_id, int) or not 0 < recipe_id <= MAX_ID:
        raise services.RecipeNotFound(recipe_id)
    back = url_for("cooking.cook", recipe_id=recipe_id, step="done", **carried(request.form), _anchor="missing")
    if not form.validate_on_submit():
        flash(_first_error(form, "The form was out of date: try again."), "error")
        return redirect(back, 303)
    try:
        list_id = _list_to_fill(form.list_id.data)
        recipe, added = from_cooking.add_missing(
            current_user,
            list_id,
            recipe_id,
            request.form.getlist("missing"),
            request.form,
            include_staples=bool(form.include_staples.data),
            op_id=_op_id(form),
        )
    except services.ShoppingInvalid as exc:
        db.session.rollback()  # a new list goes with what it was made for
        flash(exc.message, "error")
        return redirect(back, 303)
    except (services.ListNotFound, services.RecipeNotFound):
        db.session.rollback()
        raise
    if added.entries:
        name = services.get_list(current_user, list_id).name
        rows = added.new_rows + added.merged_rows
        message = f"Added what’s missing of “{recipe.title}” to “{name}”: {_plural(rows, 'item')}"
        if added.merged_rows:
            message += f" ({added.merged_rows} joined items already on the list)"
        flash(message + "." + _staples_note(added), "success")
    else:  # the same form sent again (its op_id)
        flash("That was added to the list already.", "info")
    return redirect(back, 303)


# --- the household's staples and aisles -----------------------------------------------------------


def _settings_page(staples_form: StaplesForm | None = None) -> tuple[str, int]:
    prefs = preferences.preferences_of(current_user.household_id)
    form = staples_form or StaplesForm(formdata=None, staples="\n".join(prefs.staples))
    page = render_template(
        "shopping/settings.html",
        prefs=prefs,
        form=form,
        aisle_names=aisles.AISLES,
        move_form=AisleMoveForm(formdata=None),
    )
    return page, form_status(form)


@bp.get("/settings")
def settings() -> tuple[str, int]:
    return _settings_page()


@bp.post("/settings/staples")
def set_staples() -> Response | tuple[str, int]:
    form = StaplesForm()
    if form.validate_on_submit():
        try:
            preferences.set_staples(current_user, (form.staples.data or "").splitlines())
        except StapleError as exc:
            form.staples.errors = [*form.staples.errors, str(exc)]
        else:
            flash("Pantry staples saved.", "success")
            return redirect(url_for("shopping.settings", _anchor="staples"), 303)
    return _settings_page(form)


@bp.post("/settings/aisles")
def move_aisle() -> Response:
    form = AisleMoveForm()
    if not form.validate_on_submit():
        abort(400, description="Choose an aisle and a direction.")
    preferences.move_aisle(current_user, form.aisle.data or "", -1 if form.move.data == "up" else 1)
    return redirect(url_for("shopping.settings", _anchor=f"aisle-{form.aisle.data}"), 303)


# --- read-only links ------------------------------------------------------------------------------


@bp.post(f"{LIST}/shares")
def create_share(list_id: int) -> Response:
    services.get_list(current_user, list_id)
    form = ShareForm()
    if form.validate_on_submit():
        try:
            sharing.create_share(current_user, list_id, form.expiry.data or "", show_to=current_user.get_id())
        except sharing.ShareInvalid as exc:
            form.expiry.errors = [*form.expiry.errors, exc.message]
        else:
            return redirect(url_for("shopping.manage", list_id=list_id, _anchor="share"), 303)
    return _manage_page(list_id, status=400, share_form=form)


@bp.post(f"{LIST}/shares/<int(max={MAX_ID}):list_share_id>/revoke")
def revoke_share(list_id: int, list_share_id: int) -> Response:
    services.get_list(current_user, list_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    share = sharing.revoke_share(current_user, list_id, list_share_id)
    flash(f"Revoked the link /l/{share.hint}…: it no longer opens the list.", "success")
    return redirect(url_for("shopping.manage", list_id=list_id, _anchor="share"), 303)


_GONE = {
    secret_tokens.EXPIRED: ("Link expired", "This list's link has expired. Ask the person who sent it for a new one."),
    secret_tokens.REVOKED: ("Link revoked", "This list's link was turned off by the person who shared it."),
}


@shared_bp.after_request
def keep_links_private(response: Response) -> Response:
    # As for recipe share links: the token is in the address.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers.setdefault("Cache-Control", NO_STORE)
    return response


@shared_bp.errorhandler(sharing.ShareNotFound)
def shared_not_found(error: sharing.ShareNotFound) -> tuple[Response | str, int]:
    return render_error(404, "Link not found", "No list is shared at this address. Check that the link is complete.")


@shared_bp.errorhandler(sharing.ShareGone)
def shared_gone(error: sharing.ShareGone) -> tuple[Response | str, int]:
    return render_error(410, *_GONE[error.reason])


def _count_view(share_id: int) -> None:
    release_transaction()
    with write_intent():
        try:
            sharing.record_view(share_id)
        except OperationalError:
            db.session.rollback()
            log.warning("list share link %s: the view was not counted", share_id, exc_info=True)


@shared_bp.get("/l/<list_token>", endpoint="page")
def shared_page(list_token: str) -> str:
    share, shopping_list = sharing.open_share(list_token)
    found = services.contents(shopping_list)
    body = render_template("shopping/shared.html", found=found, shopping_list=shopping_list, aisle_names=aisles.AISLES)
    if request.method == "GET":
        _count_view(share.id)
    return body
