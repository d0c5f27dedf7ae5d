from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from ..models import User
from ..security import is_safe_redirect
from ..web import form_status
from . import services
from .forms import ChangePasswordForm, LoginForm, RegisterForm

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _open_browser_session(user: User) -> None:
    """Put the user's (already recorded) login into a fresh cookie session: nothing
    planted in the session before login survives it (no session fixation)."""
    session.clear()
    session.permanent = True
    login_user(user)


def _after_login_target(candidate: str | None) -> str:
    if candidate and is_safe_redirect(candidate):
        return candidate
    return url_for("cookbook.index")


@bp.route("/register", methods=["GET", "POST"])
def register() -> Response | str | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(url_for("cookbook.index"))
    if not services.signup_open(current_app.config["RECIPES_ALLOW_SIGNUP"]):
        return render_template("auth/signup_closed.html"), 403 if request.method == "POST" else 200
    form = RegisterForm()
    first_account = services.user_count() == 0
    if form.validate_on_submit():
        try:
            user = services.register(
                form.username.data or "",
                form.password.data or "",
                allow_signup=current_app.config["RECIPES_ALLOW_SIGNUP"],
                user_agent=request.user_agent.string,
            )
        except services.AccountError as exc:
            form[exc.field or "username"].errors.append(exc.message)
        else:
            _open_browser_session(user)
            flash(f"Welcome, {user.username}! Your account is ready.", "success")
            return redirect(url_for("cookbook.index"))
    return render_template("auth/register.html", form=form, first_account=first_account), form_status(form)


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int]:
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if current_user.is_authenticated:
        return redirect(_after_login_target(form.next.data))
    if services.user_count() == 0:
        flash("Create the first account: it will be the admin.", "info")
        return redirect(url_for("auth.register"))
    if form.validate_on_submit():
        user = services.authenticate(form.username.data or "", form.password.data or "")
        if user is not None:
            services.start_session(user, request.user_agent.string)
            _open_browser_session(user)
            return redirect(_after_login_target(form.next.data))
        form.password.errors.append("Wrong username or password.")
    return render_template("auth/login.html", form=form), form_status(form)


@bp.post("/logout")
def logout() -> Response:
    # CSRFProtect has already checked the token: a cross-site form cannot log anyone out.
    if current_user.is_authenticated:
        services.end_session(current_user.get_id())
        logout_user()
    session.clear()
    flash("You are logged out.", "info")
    response = redirect(url_for("auth.login"))
    # Pictures are cached for a year (private to this browser): on a shared computer the next
    # person must not find them there.
    response.headers["Clear-Site-Data"] = '"cache"'
    return response


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account() -> Response | str | tuple[str, int]:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user, form.current_password.data or "", form.new_password.data or "", current_user.get_id()
            )
        except services.AccountError as exc:
            form[exc.field or "new_password"].errors.append(exc.message)
        else:
            flash("Password changed. Your other devices have been logged out.", "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form), form_status(form)
