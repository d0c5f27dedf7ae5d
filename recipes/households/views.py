"""The household page, `/household`: its members and their roles, its invite links, its
name, its meals and the first day of its week; leaving it, and (for its admins) removing a
member. Members see it all; only admins change it (a member who posts a change anyway is
told so, 403: the household is theirs to see)."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from .. import shown_once
from ..errors import render_error, render_not_found
from ..models import HouseholdInvite, User
from ..public_urls import public_url
from ..security import NO_STORE
from ..web import MAX_ID, asks_first, confirmation_page, form_status
from . import invites, services
from .forms import ActionForm, InviteForm, MealsForm, RenameForm, RoleForm

bp = Blueprint("households", __name__)

HOME = "/household"


@bp.before_request
@login_required
def require_login() -> None:
    """Every household page needs a signed-in user."""


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


def _page(forms: Forms | None = None) -> str:
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
    return render_template(
        "households/household.html",
        household=household,
        members=services.members_of(household.id),
        is_admin=admin,
        live_invites=[row for row in rows if row.state == invites.LIVE],
        dead_invites=[row for row in rows if row.state != invites.LIVE],
        new_invite=new_invite,
        forms=forms,
        action_form=ActionForm(),
    )


def _back(anchor: str | None = None) -> Response:
    return redirect(url_for("households.page", _anchor=anchor))


@bp.get(HOME)
def page() -> str:
    return _page()


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
