"""The admin's accounts page: every account with its state; disable, enable, end all its
logins and API tokens, make a one-time link to set a new password, delete it.

Every route here is for admins only; anyone else gets a 404, as if it did not exist.
The same actions are commands on the server: `recipes disable-user`, `enable-user`,
`delete-user`, `reset-password`.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from ..extensions import db
from ..models import User
from ..web import MAX_ID, form_status
from . import lifecycle
from .forms import DELETE, KEEP, AccountActionForm, DeleteAccountForm
from .services import AccountError

bp = Blueprint("accounts", __name__, url_prefix="/admin/accounts")

# Where a reset link just made waits for the page that shows it (once).
NEW_RESET_LINK = "new_reset_link"


@bp.before_request
def admins_only() -> None:
    if not (current_user.is_authenticated and current_user.is_admin):
        abort(404)


@bp.after_request
def keep_private(response: Response) -> Response:
    # The list can hold a reset link just made: no cache keeps it.
    response.headers["Cache-Control"] = "no-store"
    return response


def _account(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _back() -> Response:
    return redirect(url_for("accounts.index"))


def _checked_post() -> None:
    if not AccountActionForm().validate_on_submit():
        abort(400)


def _is_me(user: User) -> bool:
    return bool(user.id == current_user.id)


@bp.get("/")
def index() -> str:
    return render_template(
        "auth/admin/accounts.html",
        accounts=lifecycle.accounts(current_app.config["RECIPES_SESSION_DAYS"]),
        action_form=AccountActionForm(),
        new_reset_link=session.pop(NEW_RESET_LINK, None),
        reset_hours=lifecycle.DEFAULT_RESET_HOURS,
    )


@bp.post(f"/<int(max={MAX_ID}):user_id>/disable")
def disable(user_id: int) -> Response:
    _checked_post()
    user = _account(user_id)
    name, me = user.username, _is_me(user)
    try:
        changed = lifecycle.disable(user)
    except AccountError as exc:
        flash(exc.message, "error")
    else:
        if changed:
            flash(f"{name} is disabled: logged out everywhere, and their API tokens stop working.", "success")
            if me:  # this browser too
                return redirect(url_for("auth.login"))
        else:
            flash(f"{name} was disabled already.", "info")
    return _back()


@bp.post(f"/<int(max={MAX_ID}):user_id>/enable")
def enable(user_id: int) -> Response:
    _checked_post()
    user = _account(user_id)
    if lifecycle.enable(user):
        flash(f"{user.username} is enabled: they can log in again, and their API tokens work again.", "success")
    else:
        flash(f"{user.username} was enabled already.", "info")
    return _back()


@bp.post(f"/<int(max={MAX_ID}):user_id>/end-access")
def end_access(user_id: int) -> Response:
    """End every login and revoke every API token of the account (but this browser's own login)."""
    _checked_post()
    user = _account(user_id)
    name = user.username
    me = _is_me(user)
    ended = lifecycle.end_access(user, keep_login=current_user.get_id() if me else None)
    logins = lifecycle.counted(ended.logins, "other login" if me else "login")
    flash(f"{name}: ended {logins} and revoked {lifecycle.counted(ended.tokens, 'API token')}.", "success")
    return _back()


@bp.post(f"/<int(max={MAX_ID}):user_id>/reset-link")
def reset_link(user_id: int) -> Response:
    """Make a one-time link to set a new password. The link goes to the next view of the
    list, once (so reloading that page cannot make a second one)."""
    _checked_post()
    user = _account(user_id)
    try:
        row, secret = lifecycle.make_reset_link(user)
    except AccountError as exc:
        flash(exc.message, "error")
        return _back()
    base = current_app.config.get("RECIPES_BASE_URL") or request.url_root
    session[NEW_RESET_LINK] = {
        "username": user.username,
        "url": lifecycle.reset_link(secret, base),
        "expires_at": row.expires_at.isoformat(),
    }
    return _back()


@bp.route(f"/<int(max={MAX_ID}):user_id>/delete", methods=["GET", "POST"])
def delete(user_id: int) -> Response | str | tuple[str, int]:
    """A page that says what deleting the account takes with it and asks what becomes of
    its recipes; posting it deletes the account."""
    user = _account(user_id)
    form = DeleteAccountForm()
    others = lifecycle.other_accounts(user)
    form.move_to.choices = [
        SelectChoice(str(u.id), u.username + ("" if u.is_active else " (disabled)")) for u in others
    ]
    recipes = lifecycle.count_recipes(user)
    refused = lifecycle.admin_needed(user, "deleting")
    if refused and request.method == "POST":
        flash(refused, "error")
        return _back()
    if form.validate_on_submit():
        try:
            move_to = _chosen_keeper(form, recipes, others)
            name, me = user.username, _is_me(user)
            count = lifecycle.delete_account(user, move_to)
        except AccountError as exc:
            if exc.field in ("recipes", "move_to"):
                form[exc.field].errors.append(exc.message)
            else:
                flash(exc.message, "error")
                return _back()
        else:
            flash(lifecycle.deletion_done(name, count, move_to.username if move_to else None), "success")
            return redirect(url_for("auth.login")) if me else _back()
    page = render_template(
        "auth/admin/delete.html", account=user, form=form, recipes=recipes, others=others, refused=refused
    )
    return page, form_status(form)


def _chosen_keeper(form: DeleteAccountForm, recipes: int, others: list[User]) -> User | None:
    """The account chosen to keep the recipes, or None to delete them (AccountError if the
    choice is missing or makes no sense)."""
    if form.recipes.data == KEEP:
        keeper = next((u for u in others if str(u.id) == form.move_to.data), None)
        if keeper is None:
            raise AccountError("Choose the account that will keep the recipes.", "move_to")
        return keeper
    if form.recipes.data == DELETE or recipes == 0:
        return None
    raise AccountError("Choose whether to keep the recipes (under another account) or delete them.", "recipes")
