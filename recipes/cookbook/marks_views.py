"""The recipe page's ratings, favourites and cooking log: the forms that change them (each works
without JavaScript: a POST, then back to the recipe; static/marks.js sends the same forms and
puts the answer in place) and what the page's panels show (templates/cookbook/_marks.html and
_cooking_log.html).

The rules are recipes/ratings/, which the API shares: only someone who may see the recipe marks
it (anyone else gets a 404, whatever they send).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms import DateField, HiddenField, StringField, TextAreaField
from wtforms.validators import Optional

from ..models import Recipe
from ..ratings import limits, marks
from ..ratings import services as marking
from ..ratings.marks import Marks
from ..security import is_safe_redirect
from ..web import MAX_ID, Form
from . import services
from .pages import recipe_page

bp = Blueprint("marks", __name__, url_prefix="/recipes")

RECIPE = f"/<int(max={MAX_ID}):recipe_id>"


@bp.before_request
@login_required
def require_login() -> None:
    """Every form here needs a signed-in user."""


class RatingForm(Form):
    stars = StringField()  # the value of the star button pressed, 1 to 5
    clear = StringField()  # set by the "Clear" button: take the rating back
    next = HiddenField()


class FavouriteForm(Form):
    favourite = StringField()  # what to make it: "1" a favourite, "0" not
    next = HiddenField()


class CookedForm(Form):
    # Empty: today.
    date = DateField("Day", format="%Y-%m-%d", validators=[Optional()])
    note = TextAreaField("Note (optional)", render_kw={"maxlength": limits.COOKED_NOTE_MAX, "rows": 2})
    next = HiddenField()


class RemoveCookedForm(Form):
    next = HiddenField()


@dataclass
class MarksPanel:
    """What the recipe page's panels show the viewer: its marks, its latest days cooked, and the
    "Cooked it" form's values and errors (plain values: no form object is made for a page view)."""

    recipe_id: int
    marks: Marks
    log: list[Any]  # rows of id, cooked_on, note
    today: date
    next: str
    day: str  # what the day field holds
    note: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)  # "date", "note": their messages
    rating_error: str = ""
    note_max: int = limits.COOKED_NOTE_MAX
    stars: range = field(default_factory=lambda: range(limits.STARS_MIN, limits.STARS_MAX + 1))

    @property
    def latest_day(self) -> date:
        """The latest day the form takes (the date field's `max`)."""
        return self.today + timedelta(days=limits.DAYS_AHEAD)


def marks_panel(recipe: Recipe, cooked_form: CookedForm | None = None, rating_error: str = "") -> MarksPanel:
    """What the panels show for `recipe`: read once a request (the page has two panels); a form
    sent back with errors makes it first, with what was typed and what was wrong."""
    if cooked_form is None and rating_error == "":
        kept: MarksPanel | None = g.get("marks_panel")
        if kept is not None and kept.recipe_id == recipe.id:
            return kept
    today = marks.today()
    panel = MarksPanel(
        recipe_id=recipe.id,
        marks=marks.marks_of(current_user, recipe.id),
        log=marks.latest_cooking(current_user, recipe.id, limits.LOG_SHOWN),
        today=today,
        next=request.full_path.rstrip("?") if request.method == "GET" else _back_path(recipe.id),
        day=today.isoformat(),
        rating_error=rating_error,
    )
    if cooked_form is not None:
        panel.day = cooked_form.date.raw_data[0] if cooked_form.date.raw_data else ""
        panel.note = cooked_form.note.data or ""
        panel.errors = {name: list(cooked_form[name].errors) for name in ("date", "note") if cooked_form[name].errors}
    g.marks_panel = panel
    return panel


# `{% set panel = marks_panel(recipe) %}` on the recipe page; a form sent back with errors makes
# the panel first, with the form and its errors.
bp.add_app_template_global(marks_panel, "marks_panel")


def _back_path(recipe_id: int) -> str:
    """The page of this recipe the form was sent from (the recipe page with its scale and units,
    or another of its pages, such as cook mode's), or else the plain recipe page."""
    back = request.form.get("next", "")
    plain = url_for("cookbook.detail", recipe_id=recipe_id)
    if back and is_safe_redirect(back) and (back == plain or back.startswith((plain + "?", plain + "/"))):
        return back
    return plain


def _back(recipe_id: int, anchor: str) -> Response:
    """Back to the recipe page, at the control that was used (after the recipe)."""
    return redirect(f"{_back_path(recipe_id)}#{anchor}", 303)


def _visible_or_404(recipe_id: int) -> None:
    # Before the form is read: someone who may not see the recipe gets the same 404 whatever they send.
    try:
        marking.check_visible(current_user, recipe_id)
    except marking.RecipeNotFound:
        abort(404)


def _page_with(recipe_id: int, panel_error: str = "", cooked_form: CookedForm | None = None) -> tuple[str, int]:
    """The recipe page again, saying what was wrong (a 400)."""
    try:
        recipe = services.get_visible_recipe(current_user, recipe_id)
    except services.RecipeNotFound:
        abort(404)
    marks_panel(recipe, cooked_form=cooked_form, rating_error=panel_error)  # what the page then shows
    page, _ = recipe_page(recipe, current_user)
    return page, 400


def _stars_text(stars: int) -> str:
    return f"{stars} star" + ("" if stars == 1 else "s")


@bp.post(RECIPE + "/rating")
def rate(recipe_id: int) -> Response | tuple[str, int]:
    """Rate the recipe with the star button pressed, or take the rating back ("Clear")."""
    _visible_or_404(recipe_id)
    form = RatingForm()
    if not form.validate():
        abort(400)
    try:
        if form.clear.data:
            marking.unrate(current_user, recipe_id)
            flash("Your rating is cleared.", "success")
        else:
            stars = marking.checked_stars(_whole_number(form.stars.data))
            marking.rate(current_user, recipe_id, stars)
            flash(f"You rated it {_stars_text(stars)}.", "success")
    except marking.RecipeNotFound:
        abort(404)
    except marking.MarkInvalid as exc:
        return _page_with(recipe_id, panel_error=exc.message)
    return _back(recipe_id, "marks")


def _whole_number(text: str | None) -> int | None:
    try:
        return int((text or "").strip())
    except ValueError:
        return None


@bp.post(RECIPE + "/favourite")
def favourite(recipe_id: int) -> Response:
    """Make the recipe one of the account's favourites (`favourite=1`), or no longer (`0`)."""
    _visible_or_404(recipe_id)
    form = FavouriteForm()
    if not form.validate() or form.favourite.data not in ("0", "1"):
        abort(400)
    on = form.favourite.data == "1"
    try:
        marking.set_favourite(current_user, recipe_id, on)
    except marking.RecipeNotFound:
        abort(404)
    flash("Added to your favourites." if on else "No longer one of your favourites.", "success")
    return _back(recipe_id, "marks")


@bp.post(RECIPE + "/cooked")
def cooked(recipe_id: int) -> Response | tuple[str, int]:
    """ "Cooked it": log the day (today unless another is given), with an optional note."""
    _visible_or_404(recipe_id)
    form = CookedForm()
    if form.validate():
        try:
            day = marking.log_cooked(current_user, recipe_id, form.date.data, form.note.data)
        except marking.RecipeNotFound:
            abort(404)
        except marking.MarkInvalid as exc:
            form[exc.field].errors = [*form[exc.field].errors, exc.message]
        else:
            when = "today" if day == marks.today() else f"on {cooked_day(day)}"
            flash(f"Logged: you cooked it {when}.", "success")
            return _back(recipe_id, "cooking-log")
    return _page_with(recipe_id, cooked_form=form)


@bp.post(RECIPE + f"/cooked/<int(max={MAX_ID}):cooked_id>/delete")
def remove_cooked(recipe_id: int, cooked_id: int) -> Response:
    """Take one of the account's own "cooked it" entries back out (one logged by mistake)."""
    _visible_or_404(recipe_id)
    if not RemoveCookedForm().validate():
        abort(400)
    try:
        marking.remove_cooked(current_user, recipe_id, cooked_id)
    except marking.RecipeNotFound:
        abort(404)
    flash("Removed from your cooking log.", "success")
    return _back(recipe_id, "cooking-log")


@bp.app_template_filter("cooked_day")
def cooked_day(day: date) -> str:
    """ "14 March 2026" """
    return f"{day.day} {day:%B %Y}"


@bp.app_template_filter("cooked_ago")
def cooked_ago(day: date) -> str:
    """How long ago a day was, from the server's today: "today", "yesterday", "3 days ago",
    "5 weeks ago"; "" beyond about two months (then the day itself says it)."""
    days = (marks.today() - day).days
    if days == -1:
        return "tomorrow"  # a kitchen a day ahead of the server
    if 0 <= days < 2:
        return ("today", "yesterday")[days]
    if 2 <= days < 14:
        return f"{days} days ago"
    if 14 <= days < 63:
        return f"{days // 7} weeks ago"
    return ""


@bp.app_template_filter("cooked_when")
def cooked_when(day: date) -> str:
    """ "3 days ago", or "on 14 March 2026" when that is long ago."""
    return cooked_ago(day) or f"on {cooked_day(day)}"
