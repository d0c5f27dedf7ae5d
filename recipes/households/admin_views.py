"""The instance admin's households page, `/admin/households/`: every household with its
members, and moving an account into another household (or one of its own). Admins only;
anyone else gets a 404, as if it did not exist. The same move is `recipes move-user`."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..extensions import db
from ..models import Household, User
from ..security import NO_STORE
from ..web import MAX_ID
from . import services
from .forms import NEW_HOUSEHOLD, ActionForm, MoveForm

bp = Blueprint("household_admin", __name__, url_prefix="/admin/households")


@bp.before_request
def admins_only() -> None:
    if not (current_user.is_authenticated and current_user.is_admin):
        abort(404)


@bp.after_request
def keep_private(response: Response) -> Response:
    response.headers["Cache-Control"] = NO_STORE
    return response


@bp.get("/")
def index() -> str:
    return render_template(
        "households/admin.html", households=services.all_households(), action_form=ActionForm(), new=NEW_HOUSEHOLD
    )


@bp.post(f"/<int(max={MAX_ID}):user_id>/move")
def move(user_id: int) -> Response:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    choice = form.household.data or ""
    target: Household | None = None
    if choice != NEW_HOUSEHOLD:
        target = db.session.get(Household, int(choice)) if choice.isdigit() and int(choice) <= MAX_ID else None
        if target is None:
            flash("Choose the household to move the account to.", "error")
            return redirect(url_for("household_admin.index"))
    name = user.username
    departure = services.move_account(user, target.id if target else None)
    if departure is None:
        flash(f"{name} is there already.", "info")
    else:
        where = f"“{target.name}”" if target else "a household of their own"
        message = f"Moved {name} to {where}."
        if departure.new_admin:
            message += f" {departure.new_admin} is now the admin of “{departure.household_name}”."
        flash(message, "success")
    return redirect(url_for("household_admin.index", _anchor=f"household-{user.household_id}"))
