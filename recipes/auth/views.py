from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, logout_user
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from .. import shown_once
from ..errors import render_error
from ..extensions import db
from ..security import is_safe_redirect, no_store
from ..web import MAX_ID, asks_first, confirmation_page, form_status
from . import lifecycle, services, setup_code, tokens
from .forms import ChangePasswordForm, LoginForm, RegisterForm, ResetPasswordForm, RevokeTokenForm, TokenForm
from .signed_in import open_browser_session, remember_device, this_device

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _after_login_target(candidate: str | None) -> str:
    if candidate and is_safe_redirect(candidate):
        return candidate
    return url_for("cookbook.index")


def _config_dir() -> Path:
    return Path(current_app.config["RECIPES_CONFIG_DIR"])


def _ensure_setup_code() -> None:
    """A fresh install's sign-up page needs a setup code to check against: `recipes
    bootstrap` makes (and prints) it at start; a server started some other way gets it here."""
    code, made = setup_code.ensure(_config_dir())
    if made:
        address = current_app.config["RECIPES_BASE_URL"] or request.host_url.rstrip("/")
        current_app.logger.warning("%s", setup_code.announcement(code, _config_dir(), address))


@bp.route("/register", methods=["GET", "POST"])
def register() -> Response | str | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(url_for("cookbook.index"))
    if not services.signup_open(current_app.config["RECIPES_ALLOW_SIGNUP"]):
        return render_template("auth/signup_closed.html"), 403 if request.method == "POST" else 200
    form = RegisterForm()
    first_account = services.user_count() == 0
    if first_account:
        _ensure_setup_code()
    if form.validate_on_submit():
        try:
            user = services.register(
                form.username.data or "",
                form.password.data or "",
                allow_signup=current_app.config["RECIPES_ALLOW_SIGNUP"],
                user_agent=request.user_agent.string,
                setup_code_ok=setup_code.matches(_config_dir(), form.setup_code.data or ""),
            )
        except services.AccountError as exc:
            form[exc.field or "username"].errors.append(exc.message)
        else:
            setup_code.discard(_config_dir())  # spent, if this was the first account
            open_browser_session(user)
            flash(f"Welcome, {user.username}! Your account is ready.", "success")
            return remember_device(redirect(url_for("cookbook.index")), user, this_device())
    return render_template("auth/register.html", form=form, first_account=first_account), form_status(form)


@bp.app_template_global()
def signup_state() -> str:
    """What the header offers someone logged out: "first" (only sign-up: there is no account to
    log in to yet), "open" (both) or "closed" (only log in). "closed" too if the database
    cannot say (an error page must not fail on its header)."""
    try:
        return services.signup_state(current_app.config["RECIPES_ALLOW_SIGNUP"])
    except SQLAlchemyError:
        db.session.rollback()
        return "closed"


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int] | tuple[str, int, dict[str, str]]:
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if current_user.is_authenticated:
        return redirect(_after_login_target(form.next.data))
    if services.user_count() == 0:
        return redirect(url_for("auth.register"))  # which says the first account becomes the admin
    if form.validate_on_submit():
        limits = services.LoginLimits.from_config(current_app.config)
        device = this_device()
        try:
            user = services.log_in(
                form.username.data or "", form.password.data or "", request.remote_addr or "", limits, device
            )
        except services.LoginRefused as exc:
            form.password.errors.append(exc.message)
            if exc.retry_after:
                page = render_template("auth/login.html", form=form)
                return page, 429, {"Retry-After": str(exc.retry_after)}
        else:
            services.start_session(user, request.user_agent.string)
            open_browser_session(user)
            return remember_device(redirect(_after_login_target(form.next.data)), user, device)
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
    # Private pages and pictures may be kept by this browser (revalidated before each use, but
    # kept): on a shared computer the next person must not find them in its cache. "storage" too:
    # the service worker's copies for reading offline (recipes/offline/), and localStorage, where
    # cook mode's timers name the recipes and a shopping list's unsent changes wait (the logout
    # form asks first when some do: static/offline.js).
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@bp.route("/account", methods=["GET", "POST"])
@login_required
@no_store  # it shows a new API token
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
            flash("Password changed. Your other devices were logged out and your API tokens were revoked.", "success")
            return redirect(url_for("auth.account"))
    return _account_page(form=form), form_status(form)


def _account_page(**forms: object) -> str:
    forms.setdefault("form", ChangePasswordForm(formdata=None))
    forms.setdefault("token_form", TokenForm(formdata=None))
    # A token made just now, shown this once (create_token left it waiting in shown_once).
    secret = shown_once.take(current_user.get_id(), tokens.SHOWN_ON)
    row = tokens.own_token(current_user, secret) if secret else None
    new_token = {"name": row.name, "secret": secret} if row else None
    return render_template(
        "auth/account.html",
        api_tokens=tokens.tokens_of(current_user),
        revoke_form=RevokeTokenForm(),
        new_token=new_token,
        **forms,
    )


@bp.post("/account/tokens")
@login_required
@no_store
def create_token() -> Response | tuple[str, int]:
    """Make an API token. Only its hash is kept; the token itself waits for the next view of
    the account page, which shows it once (so reloading that page cannot make a second token)."""
    token_form = TokenForm()
    if token_form.validate_on_submit():
        try:
            tokens.create_token(
                current_user,
                token_form.name.data or "",
                tokens.EXPIRIES[token_form.expires.data or "never"].days,
                show_to=current_user.get_id(),
            )
        except tokens.TokenError as exc:
            token_form[exc.field].errors.append(exc.message)
        else:
            return redirect(url_for("auth.account") + "#api-tokens")
    return _account_page(token_form=token_form), form_status(token_form)


@bp.post(f"/account/tokens/<int(max={MAX_ID}):token_id>/revoke")
@login_required
def revoke_token(token_id: int) -> Response | str:
    if not RevokeTokenForm().validate_on_submit():
        abort(400)
    back = url_for("auth.account", _anchor="api-tokens")
    if asks_first():  # sent without JavaScript, which would have asked in a dialog
        token = tokens.find_own_token(current_user, token_id)
        if token is None:
            abort(404)
        return confirmation_page(
            heading=f"Revoke the token “{token.name}”?",
            message="Apps and scripts using it can no longer reach your recipes, from now on. "
            "A revoked token cannot be turned on again: make a new one if you need it.",
            action=url_for("auth.revoke_token", token_id=token_id),
            button="Revoke the token",
            cancel=back,
        )
    if not tokens.revoke_token(current_user, token_id):
        abort(404)  # not one of yours (or already gone)
    flash("Token revoked: apps using it can no longer reach your recipes.", "success")
    return redirect(back)


# --- one-time links to set a new password (made by the admin) ----------------------------------


def _keep_reset_link_private(response: Response) -> Response:
    # The token is in the address: it must not leave in a Referer header, be indexed or cached.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cache-Control"] = "no-store"
    return response


def _reset_page(form: ResetPasswordForm, status: int = 200) -> Response:
    """The form to set a new password, or the page saying the link does not work."""
    try:
        reset = lifecycle.find_reset(form.reset_token.data or "")
    except lifecycle.ResetInvalid:
        body, status = render_error(
            404,
            "Link not valid",
            "This link to set a new password does not work: it was used already, has expired, or a newer one "
            "was made. Ask the admin for a new one.",
        )
    else:
        body = render_template("auth/reset.html", form=form, username=reset.user.username)
    response = current_app.make_response((body, status))
    return _keep_reset_link_private(response)


@bp.get("/reset/<reset_token>")
def reset_password(reset_token: str) -> Response:
    return _reset_page(ResetPasswordForm(formdata=None, reset_token=reset_token))


@bp.post("/reset")
def set_password() -> Response:
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = lifecycle.use_reset(form.reset_token.data or "", form.new_password.data or "")
        except lifecycle.ResetInvalid:
            pass  # the page below says so
        except services.AccountError as exc:
            form[exc.field or "new_password"].errors.append(exc.message)
        else:
            if current_user.is_authenticated and current_user.id == user.id:
                logout_user()  # its login has just ended
            flash(f"Your new password is set, {user.username}: log in with it.", "success")
            return _keep_reset_link_private(redirect(url_for("auth.login")))
    return _reset_page(form, form_status(form))
