"""The household page, `/household`: its members and their roles, its invite links, its
name, its meals and the first day of its week; leaving it, and (for its admins) removing a
member. Members see it all; only admins change it (a member who posts a change anyway is
told so, 403: the household is theirs to see)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.wrappers import Response

from .. import data_generation, live_login, shown_once
from .. import kept_pages as ready
from ..errors import render_error, render_not_found
from ..models import HouseholdInvite, User, as_utc
from ..public_urls import public_url
from ..security import NO_STORE
from ..web import MAX_ID, asks_first, confirmation_page, form_status
from . import invites, services
from .forms import ActionForm, InviteForm, MealsForm, RenameForm, RoleForm

bp = Blueprint("households", __name__)

HOME = "/household"


# The household page kept ready (kept_pages.py): its members (accounts), its meals and invites,
# so it is kept under both realms' generations, and only until the first live invite it shows
# expires (the invite's state changes then with no write).
HOUSEHOLD = ready.Page("households.page", (data_generation.RECIPES, data_generation.KITCHEN), 1024 * 1024)


@bp.record_once
def _keep_household_pages(state: BlueprintSetupState) -> None:
    ready.init_app(state.app, HOUSEHOLD)


@bp.before_request
def require_login() -> ResponseReturnValue | None:
    """Every household page needs a signed-in user (the page checks it itself: see `page`)."""
    return live_login.require_login()


@bp.after_request
def keep_private(response: Response) -> Response:
    # The page can show an invite link just made: no cache keeps it, no Referer carries it.
    response.headers["Cache-Control"] = NO_STORE
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.errorhandler(services.MemberNotFound)
@bp.errorhandler(invites.InviteNotFound)
def not_found(error: Exception) -> tuple[Response | str, int]:
    # Someone of another household, or their invite, looks exactly like a missing one.
    return render_not_found()


@bp.errorhandler(services.NotAnAdmin)
def not_an_admin(error: services.NotAnAdmin) -> tuple[Response | str, int]:
    return render_error(403, "Admins only", error.message)


@dataclass
class InviteRow:
    invite: HouseholdInvite
    state: str


@dataclass
class Forms:
    rename: RenameForm = field(default_factory=lambda: RenameForm(formdata=None))
    meals: MealsForm = field(default_factory=lambda: MealsForm(formdata=None))
    invite: InviteForm = field(default_factory=lambda: InviteForm(formdata=None))


@dataclass(frozen=True)
class Made:
    """The page made, whether it shows an invite link just made (shown once: never kept), and the
    moment (time.time()) the first live invite it shows expires."""

    html: str
    shows_a_secret: bool
    until: float | None


def _page(forms: Forms | None = None) -> str:
    return _made(forms).html


def _made(forms: Forms | None = None) -> Made:
    forms = forms or Forms()
    household = services.household_of(current_user)
    if not forms.rename.is_submitted():
        forms.rename.name.data = household.name
    if not forms.meals.is_submitted():
        forms.meals.meal_names.data = "\n".join(services.meal_lines(household))
        forms.meals.week_start.data = household.week_start
    admin = services.is_admin(current_user)
    rows = [InviteRow(i, invites.state_of(i)) for i in invites.invites_of(current_user)] if admin else []
    # A link made just now, shown this once (create_invite left it waiting in shown_once).
    secret = shown_once.take(current_user.get_id(), invites.SHOWN_ON) if admin else None
    made = invites.own_invite(current_user, secret) if secret else None
    new_invite = {"url": public_url("joining.join", invite_token=secret), "invite": made} if secret and made else None
    live = [row for row in rows if row.state == invites.LIVE]
    until = min((as_utc(row.invite.expires_at).timestamp() for row in live), default=None)
    html = render_template(
        "households/household.html",
        household=household,
        members=services.members_of(household.id),
        is_admin=admin,
        live_invites=live,
        dead_invites=[row for row in rows if row.state != invites.LIVE],
        new_invite=new_invite,
        forms=forms,
        action_form=ActionForm(),
    )
    return Made(html, secret is not None, until)


def _back(anchor: str | None = None) -> Response:
    return redirect(url_for("households.page", _anchor=anchor))


@bp.get(HOME)
@live_login.reads_login_itself
def page() -> ResponseReturnValue:
    """The household. One kept from before answers when nothing it shows can have changed (the
    login and the generations read first, in one statement); never one with a new invite link."""
    visit = ready.visit(HOUSEHOLD, date.today())
    if visit is not None and (found := ready.kept(HOUSEHOLD, visit)) is not None:
        return found
    if (answer := live_login.as_any_page()) is not None:
        return answer
    made = _made()
    return ready.made(HOUSEHOLD, None if made.shows_a_secret else visit, made.html, until=made.until)


@bp.post(f"{HOME}/name")
def rename() -> Response | tuple[str, int]:
    form = RenameForm()
    if form.validate_on_submit():
        try:
            household = services.rename(current_user, form.name.data or "")
        except services.NotAnAdmin:
            raise
        except services.HouseholdError as exc:
            form.name.errors.append(exc.message)
        else:
            flash(f"The household is now called “{household.name}”.", "success")
            return _back()
    return _page(Forms(rename=form)), form_status(form)


@bp.post(f"{HOME}/meals")
def meals() -> Response | tuple[str, int]:
    form = MealsForm()
    if form.validate_on_submit():
        try:
            services.set_meal_names(current_user, (form.meal_names.data or "").splitlines())
            services.set_week_start(current_user, form.week_start.data or "")
        except services.NotAnAdmin:
            raise
        except services.HouseholdError as exc:
            form[exc.field or "meal_names"].errors.append(exc.message)
        else:
            flash("Meals and week saved.", "success")
            return _back("meals")
    return _page(Forms(meals=form)), form_status(form)


@bp.post(f"{HOME}/invites")
def create_invite() -> Response | tuple[str, int]:
    """Make an invite link. Its token waits (in shown_once) for the next view of the household
    page, which shows it once: a reload cannot make a second link."""
    form = InviteForm()
    if form.validate_on_submit():
        expiry = invites.EXPIRIES[form.expiry.data or invites.DEFAULT_EXPIRY]
        try:
            invites.create_invite(
                current_user,
                expiry.days or invites.MAX_DAYS,
                bool(form.single_use.data),
                limit=current_app.config["RECIPES_INVITE_RATE_LIMIT"],
                show_to=current_user.get_id(),
            )
        except services.NotAnAdmin:
            raise
        except services.HouseholdError as exc:
            form.expiry.errors.append(exc.message)
        else:
            return _back("invites")
    return _page(Forms(invite=form)), form_status(form)


@bp.post(f"{HOME}/invites/<int(max={MAX_ID}):invite_id>/revoke")
def revoke_invite(invite_id: int) -> Response | str:
    invite = invites.find_invite(current_user, invite_id)  # another household's: 404
    _admins_only()
    if asks_first():  # sent without JavaScript, which would have asked in a dialog
        return confirmation_page(
            heading=f"Revoke the invite /join/{invite.hint}…?",
            message="Whoever has the link can no longer join with it, from now on. "
            "Those who joined with it stay in the household.",
            action=url_for("households.revoke_invite", invite_id=invite_id),
            button="Revoke the invite",
            cancel=url_for("households.page", _anchor="invites"),
        )
    invite = invites.revoke_invite(current_user, invite_id)
    flash(f"Revoked the invite /join/{invite.hint}…: it no longer lets anyone in.", "success")
    return _back("invites")


@bp.post(f"{HOME}/leave")
def leave() -> Response | str:
    household = services.household_of(current_user)
    if asks_first():
        return confirmation_page(
            heading=f"Leave “{household.name}”?",
            message="You will be in a household of your own. Your recipes stay yours: those you share with your "
            "household are then seen by nobody else, until someone joins you.",
            action=url_for("households.leave"),
            button="Leave the household",
            cancel=url_for("households.page"),
        )
    try:
        departure = services.leave(current_user)
    except services.HouseholdError as exc:
        flash(exc.message, "error")
        return _back()
    message = f"You left “{departure.household_name}”: this is your own household now."
    if departure.new_admin:
        message += f" {departure.new_admin} is the admin there now."
    flash(message, "success")
    return _back()


def _member(user_id: int) -> User:
    return services.find_member(services.household_of(current_user), user_id)


def _admins_only() -> None:
    if not services.is_admin(current_user):
        raise services.NotAnAdmin


@bp.post(f"{HOME}/members/<int(max={MAX_ID}):user_id>/remove")
def remove_member(user_id: int) -> Response | str:
    member = _member(user_id)  # not in this household: 404
    _admins_only()
    if asks_first():
        return confirmation_page(
            heading=f"Remove {member.username} from the household?",
            message=f"{member.username} will be in a household of their own. Their recipes stay theirs: those they "
            "share with their household are no longer seen here.",
            action=url_for("households.remove_member", user_id=user_id),
            button=f"Remove {member.username}",
            cancel=url_for("households.page", _anchor="members"),
        )
    try:
        removed = services.remove_member(current_user, user_id)
    except services.NotAnAdmin:
        raise
    except services.HouseholdError as exc:
        flash(exc.message, "error")
        return _back("members")
    flash(f"Removed {removed.username} from the household.", "success")
    return _back("members")


@bp.post(f"{HOME}/members/<int(max={MAX_ID}):user_id>/role")
def set_role(user_id: int) -> Response:
    _member(user_id)  # not in this household: 404
    _admins_only()
    form = RoleForm()
    if not form.validate_on_submit():
        flash("Choose admin or member.", "error")
        return _back("members")
    try:
        member = services.set_role(current_user, user_id, form.role.data or "")
    except services.NotAnAdmin:
        raise
    except services.HouseholdError as exc:
        flash(exc.message, "error")
        return _back("members")
    flash(f"{member.username} is now {'an admin' if services.is_admin(member) else 'a member'}.", "success")
    return _back("members")
