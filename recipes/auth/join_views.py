"""Invite links, `/join/<token>`: the invite is the permission. Signed out, the page is a
sign-up form (even while RECIPES_ALLOW_SIGNUP is false) whose account lands in the invite's
household; signed in, it offers to join that household, saying what happens to one's
recipes (they stay one's own). An expired, revoked or used-up link says so; an unknown one
is a 404. Using a link, and failing to open one, count against the client's address
(RECIPES_INVITE_RATE_LIMIT), as failed logins do.

Here rather than with the household pages because it makes accounts and logs them in."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from .. import ratelimit
from ..database import release_transaction, write_intent
from ..errors import render_error
from ..households import invites
from ..households import services as households
from ..models import HouseholdInvite
from ..security import NO_STORE
from ..web import form_status
from . import services
from .forms import JoinForm, RegisterForm
from .signed_in import open_browser_session, remember_device, this_device

bp = Blueprint("joining", __name__)

_GONE = {
    invites.EXPIRED: ("Invite expired", "This invite link has expired. Ask the person who sent it for a new one."),
    invites.REVOKED: ("Invite revoked", "This invite link was turned off by the household's admin."),
    invites.USED_UP: (
        "Invite used",
        "This invite link was for one person, and has been used. Ask the person who sent it for a new one.",
    ),
}
NOT_FOUND = ("Invite not found", "No invite is at this address. Check that the link is complete.")


@bp.after_request
def keep_links_private(response: Response) -> Response:
    # The token is in the address: it must not leave in a Referer header, be indexed or cached.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cache-Control"] = NO_STORE
    return response


def _limit() -> ratelimit.Limit:
    limit: ratelimit.Limit = current_app.config["RECIPES_INVITE_RATE_LIMIT"]
    return limit


def _too_many(exc: ratelimit.RateLimited) -> tuple[Response | str, int, dict[str, str]]:
    body, _ = render_error(429, "Too many attempts", exc.message)
    return body, 429, {"Retry-After": str(exc.retry_after)}


def _refused(
    error: invites.InviteNotFound | invites.InviteGone,
) -> tuple[Response | str, int] | tuple[Response | str, int, dict[str, str]]:
    """The page for a link that does not open, counted against the address in a short write
    transaction of its own (a GET began a read one)."""
    release_transaction()
    try:
        with write_intent():
            invites.count_failure(request.remote_addr or "", _limit())
    except ratelimit.RateLimited as exc:
        return _too_many(exc)
    if isinstance(error, invites.InviteGone):
        return render_error(410, *_GONE[error.reason])
    return render_error(404, *NOT_FOUND)


def _page(invite: HouseholdInvite, token: str, form: RegisterForm | None = None) -> str:
    if current_user.is_authenticated:
        return render_template(
            "auth/join.html",
            invite=invite,
            token=token,
            form=JoinForm(),
            current_household=households.household_of(current_user),
            already_member=current_user.household_id == invite.household_id,
        )
    return render_template("auth/join_signup.html", invite=invite, token=token, form=form or RegisterForm())


@bp.get("/join/<invite_token>")
def join(invite_token: str) -> str | tuple[Response | str, int] | tuple[Response | str, int, dict[str, str]]:
    token = invite_token
    try:
        invite = invites.open_invite(token)
    except (invites.InviteNotFound, invites.InviteGone) as error:
        return _refused(error)
    return _page(invite, token)


@bp.post("/join/<invite_token>")
def use(invite_token: str) -> Response | str | tuple[Response | str, int] | tuple[Response | str, int, dict[str, str]]:
    token = invite_token
    try:
        invites.check_address(request.remote_addr or "", _limit())
        invite = invites.open_invite(token)
    except ratelimit.RateLimited as exc:
        return _too_many(exc)
    except (invites.InviteNotFound, invites.InviteGone) as error:
        return _refused(error)
    if current_user.is_authenticated:
        return _join(token)
    return _sign_up(invite, token)


def _join(token: str) -> Response | tuple[Response | str, int] | tuple[Response | str, int, dict[str, str]]:
    if not JoinForm().validate_on_submit():
        return render_error(400, "Form expired", "The form was out of date. Go back, reload the page and try again.")
    try:
        joined = invites.join(current_user, token)
    except (invites.InviteNotFound, invites.InviteGone) as error:
        return _refused(error)
    except households.HouseholdError as exc:
        flash(exc.message, "info")
        return redirect(url_for("households.page"))
    _count_use()
    flash(f"Welcome to “{joined.household_name}”. Your recipes are still yours.", "success")
    return redirect(url_for("households.page"))


def _sign_up(
    invite: HouseholdInvite, token: str
) -> Response | tuple[Response | str, int] | tuple[Response | str, int, dict[str, str]]:
    form = RegisterForm()
    household_name = invite.household.name
    if form.validate_on_submit():
        try:
            user = services.register(
                form.username.data or "",
                form.password.data or "",
                allow_signup=True,
                user_agent=request.user_agent.string,
                invite_token=token,
            )
        except (invites.InviteNotFound, invites.InviteGone) as error:
            return _refused(error)
        except services.AccountError as exc:
            form[exc.field or "username"].errors.append(exc.message)
        else:
            _count_use()
            open_browser_session(user)
            flash(f"Welcome, {user.username}! You are a member of “{household_name}”.", "success")
            return remember_device(redirect(url_for("cookbook.index")), user, this_device())
    return _page(invite, token, form), form_status(form)


def _count_use() -> None:
    """Count a use of an invite against the address (after it: a limit reached by this use
    refuses the next one)."""
    invites.count_use(request.remote_addr or "")
