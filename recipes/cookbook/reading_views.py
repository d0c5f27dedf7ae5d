"""Correcting how a recipe's ingredient lines were read: a page per line (works without
JavaScript), putting the parser's reading back, and the edit page's live preview.

The edit page (cookbook/views.py) shows the review table; these views change it. The rules are
cookbook/readings.py and ingredients/corrections.py, which the API shares.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms import HiddenField, TextAreaField

from ..database import reads_only, release_transaction
from ..ingredients.corrections import CorrectionInvalid, LineChanged
from ..models import Recipe
from ..web import MAX_ID, Form
from . import readings, services
from .limits import INGREDIENTS_MAX
from .reading_forms import ReadingForm

bp = Blueprint("readings", __name__, url_prefix="/recipes")

LINE = f"/<int(max={MAX_ID}):recipe_id>/ingredients/<int(max={INGREDIENTS_MAX}):line>"


@bp.before_request
@login_required
def require_login() -> None:
    """Every page here needs a signed-in user."""


class RestoreForm(Form):
    """Only the line as the person saw it (and the CSRF token)."""

    line_text = HiddenField()


class PreviewForm(Form):
    ingredients = TextAreaField()


def _own_or_404(recipe_id: int) -> Recipe:
    try:
        return services.get_own_recipe(current_user, recipe_id)
    except services.RecipeNotFound:
        abort(404)


def _review_anchor(recipe_id: int, line: int | None = None) -> str:
    anchor = "ingredient-readings" if line is None else f"reading-{line}"
    return url_for("cookbook.edit", recipe_id=recipe_id, _anchor=anchor)


def _line_page(recipe: Recipe, line: int, form: ReadingForm, status: int = 200, changed: str = "") -> tuple[str, int]:
    try:
        reading = readings.reading_at(recipe, line)
    except IndexError:
        abort(404)
    parser_reading = readings.parser_reading(reading) if reading.corrected else None
    page = render_template(
        "cookbook/reading.html",
        recipe=recipe,
        line=line,
        row=readings.rows([reading])[0],
        parser_row=None if parser_reading is None else readings.rows([parser_reading])[0],
        form=form,
        restore_form=RestoreForm(formdata=None, line_text=reading.text),
        changed=changed,
    )
    return page, status


def _line_changed(recipe_id: int, error: LineChanged) -> tuple[str, int] | Response:
    """The line is not the one the person saw: say so, with the line as it is now (a 409), or back
    to the review when the recipe has no such line any more."""
    if error.now is None:
        flash(error.message, "error")
        return redirect(_review_anchor(recipe_id), 303)
    recipe = _own_or_404(recipe_id)
    form = ReadingForm(formdata=None)
    form.fill_from(readings.reading_at(recipe, error.index))
    return _line_page(recipe, error.index, form, 409, changed=error.message)


@bp.route(LINE, methods=["GET", "POST"])
def line(recipe_id: int, line: int) -> tuple[str, int] | Response:
    """One line's reading, and a form to correct it."""
    recipe = _own_or_404(recipe_id)
    form = ReadingForm()
    if not form.is_submitted():
        try:
            form.fill_from(readings.reading_at(recipe, line))
        except IndexError:
            abort(404)
        return _line_page(recipe, line, form)
    if form.validate():
        try:
            readings.correct_reading(current_user, recipe_id, line, form.line_text.data or "", form.correction())
        except services.RecipeNotFound:
            abort(404)
        except LineChanged as error:
            return _line_changed(recipe_id, error)
        except CorrectionInvalid as error:
            form.refuse(error)
        else:
            flash(f"Line {line + 1} is read as you corrected it.", "success")
            return redirect(_review_anchor(recipe_id, line), 303)
    return _line_page(_own_or_404(recipe_id), line, form, 400)


@bp.post(LINE + "/restore")
def restore(recipe_id: int, line: int) -> tuple[str, int] | Response:
    """Drop a line's correction: the parser's reading again."""
    form = RestoreForm()
    if not form.validate():
        abort(400)
    try:
        readings.restore_reading(current_user, recipe_id, line, form.line_text.data or "")
    except services.RecipeNotFound:
        abort(404)
    except LineChanged as error:
        return _line_changed(recipe_id, error)
    flash(f"Line {line + 1} is read by the parser again.", "success")
    return redirect(_review_anchor(recipe_id, line), 303)


@bp.post(f"/<int(max={MAX_ID}):recipe_id>/ingredients/preview")
def preview(recipe_id: int) -> tuple[str, int]:
    """The review table for the ingredients box as it is being typed (static/readings.js): what
    saving would store. Nothing is written, so no write lock is taken."""
    release_transaction()
    with reads_only():
        recipe = _own_or_404(recipe_id)
        form = PreviewForm()
        if not form.validate():
            abort(400)
        review = readings.preview(recipe, form.ingredients.data or "")
        return render_template("cookbook/_readings.html", recipe=recipe, review=review), 200
