"""Share links: made and revoked from the owner's recipe page, opened by anyone at
`/s/<token>` without logging in, and saved as one's own recipe by a signed-in user."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from .. import secret_tokens, shown_once
from ..cookbook import services as cookbook
from ..cookbook.pages import recipe_page, scale_context
from ..database import release_transaction, write_intent
from ..errors import render_error
from ..exporting.services import recipe_jsonld
from ..extensions import db
from ..images import store
from ..images.responses import requested_variant, send_picture
from ..models import Recipe, ShareLink
from ..public_urls import public_url
from ..security import NO_STORE, no_store
from ..web import MAX_ID, asks_first, confirmation_page
from . import services
from .forms import ShareForm

log = logging.getLogger(__name__)

bp = Blueprint("sharing", __name__)

_GONE = {
    secret_tokens.EXPIRED: ("Link expired", "This share link has expired. Ask the person who sent it for a new one."),
    secret_tokens.REVOKED: ("Link revoked", "This share link was turned off by the person who shared it."),
}


@bp.after_request
def keep_links_private(response: Response) -> Response:
    # The token is in the address: it must not leave in a Referer header, be indexed, or
    # stay in a cache after the link is revoked. (The recipe's own routes set these too:
    # the page that shows a new link holds its token.) Pictures say how they are cached.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers.setdefault("Cache-Control", NO_STORE)
    return response


@bp.errorhandler(cookbook.RecipeNotFound)
def recipe_not_found(error: cookbook.RecipeNotFound) -> tuple[Response | str, int]:
    # Someone else's recipe looks exactly like a missing one.
    return render_error(404, "Not Found", NotFound.description)


@bp.errorhandler(services.ShareNotFound)
def share_not_found(error: services.ShareNotFound) -> tuple[Response | str, int]:
    return render_error(404, "Link not found", "No recipe is shared at this address. Check that the link is complete.")


@bp.errorhandler(services.ShareGone)
def share_gone(error: services.ShareGone) -> tuple[Response | str, int]:
    return render_error(410, *_GONE[error.reason])


# --- the owner's side, on the recipe page -------------------------------------------------


@dataclass
class SharePanel:
    form: ShareForm
    live: list[ShareLink] = field(default_factory=list)
    inactive: list[tuple[ShareLink, str]] = field(default_factory=list)  # with its state


@bp.app_context_processor
def share_panel_helper() -> dict[str, object]:
    """`share_panel(recipe, form)` for the owner's recipe page; queried only when it is shown."""

    def share_panel(recipe: Recipe, form: ShareForm | None = None) -> SharePanel:
        # A form that failed to post comes back with its errors (see `create`).
        panel = SharePanel(form=form or ShareForm())
        for share in services.shares_of(current_user, recipe.id):
            state = services.state_of(share)
            if state == secret_tokens.LIVE:
                panel.live.append(share)
            else:
                panel.inactive.append((share, state))
        return panel

    return {"share_panel": share_panel}


@bp.post(f"/recipes/<int(max={MAX_ID}):recipe_id>/shares")
@login_required
def create(recipe_id: int) -> Response | tuple[Response | str, int]:
    """Make a link. Its token waits (server-side, in shown_once) for the next view of the
    "created" page, which shows it once: a reload of that page cannot make a second link."""
    recipe = cookbook.get_own_recipe(current_user, recipe_id)  # a 404 for anyone else, whatever they post
    form = ShareForm()
    if form.validate_on_submit():
        try:
            services.create_share(current_user, recipe_id, form.expiry.data or "", show_to=current_user.get_id())
        except services.ShareInvalid as exc:
            form[exc.field].errors.append(exc.message)
        else:
            return redirect(url_for("sharing.created", recipe_id=recipe_id), 303)
    # The recipe page again, with the form's errors next to its field.
    return recipe_page(recipe, current_user, share_form=form)[0], 400


@bp.get(f"/recipes/<int(max={MAX_ID}):recipe_id>/shares/new")
@login_required
@no_store  # it shows the new link
def created(recipe_id: int) -> Response | str:
    recipe = cookbook.get_own_recipe(current_user, recipe_id)
    token = shown_once.take(current_user.get_id(), services.SHOWN_ON)
    share = services.own_share(current_user, recipe.id, token) if token else None
    if token is None or share is None:
        flash("A new link is shown only once. Make another one if you did not copy it.", "info")
        return redirect(url_for("cookbook.detail", recipe_id=recipe_id, _anchor="share"))
    url = public_url("sharing.page", token=token)
    return render_template("sharing/created.html", share=share, url=url, recipe=recipe)


@bp.post(f"/recipes/<int(max={MAX_ID}):recipe_id>/shares/<int(max={MAX_ID}):share_id>/revoke")
@login_required
def revoke(recipe_id: int, share_id: int) -> Response | str:
    back = url_for("cookbook.detail", recipe_id=recipe_id, _anchor="share")
    try:
        if asks_first():  # sent without JavaScript, which would have asked in a dialog
            share = services.find_own_share(current_user, recipe_id, share_id)
            return confirmation_page(
                heading=f"Revoke the link /s/{share.hint}…?",
                message="Whoever has the link sees “Link revoked” instead of the recipe, from now on. "
                "You can make a new link at any time.",
                action=url_for("sharing.revoke", recipe_id=recipe_id, share_id=share_id),
                button="Revoke the link",
                cancel=back,
            )
        share = services.revoke_share(current_user, recipe_id, share_id)
    except services.ShareNotFound:
        abort(404)
    flash(f"Revoked the link /s/{share.hint}…: it no longer opens the recipe.", "success")
    return redirect(back)


# --- everyone's side: the link itself -----------------------------------------------------


def _picture_url(token: str, recipe: Recipe, *, external: bool = False) -> str | None:
    if recipe.image is None:
        return None
    filename = f"full.{store.extension(recipe.image.mime)}"
    if external:
        return public_url("sharing.picture", token=token, digest=recipe.image.digest, filename=filename)
    return url_for("sharing.picture", token=token, digest=recipe.image.digest, filename=filename)


def _count_view(share_id: int) -> None:
    """Count a view in its own short write transaction. A GET began a deferred (read)
    transaction, which SQLite cannot turn into a write while others write: end it, then
    take the write lock up front. A count that still fails must not fail the page."""
    release_transaction()
    with write_intent():
        try:
            services.record_view(share_id)
        except OperationalError:
            db.session.rollback()
            log.warning("share link %s: the view was not counted", share_id, exc_info=True)


@bp.get("/s/<token>")
def page(token: str) -> tuple[str, int]:
    share = services.open_share(token)
    recipe = share.recipe
    is_owner = current_user.is_authenticated and current_user.id == recipe.owner_id
    # A signed-in visitor who may see it anyway (their household's, or public) is sent there.
    in_app = current_user.is_authenticated and not is_owner and cookbook.may_see(current_user, recipe.id)
    # Absolute addresses in the JSON-LD: another Recipes instance importing this page (see
    # importing/extract.py) keeps the page's address and fetches the picture from here.
    page_url = public_url("sharing.page", token=token)
    jsonld = recipe_jsonld(recipe, page_url, _picture_url(token, recipe, external=True))
    scale = scale_context(recipe, current_user.unit_system if current_user.is_authenticated else "original")
    body = render_template(
        "sharing/page.html",
        recipe=recipe,
        token=token,
        jsonld=jsonld,
        is_owner=is_owner,
        in_app=in_app,
        picture_src=_picture_url(token, recipe),
        login_url=url_for("auth.login", next=url_for("sharing.page", token=token)),
        **scale,
    )
    # The owner looking at their own link is not a visitor; a HEAD is not a view.
    if request.method == "GET" and not is_owner:
        _count_view(share.id)
    return body, 400 if scale["scale_error"] else 200


@bp.get("/s/<token>/picture/<digest>/<filename>")
def picture(token: str, digest: str, filename: str) -> Response:
    variant, extension = requested_variant(digest, filename)
    share = services.open_share(token)
    try:
        found = store.shared_picture(share.recipe_id, digest, variant)
    except store.PictureNotFound:
        abort(404)  # not the recipe's current picture
    return send_picture(found, extension)


@bp.post("/s/<token>/save")
def save(token: str) -> Response:
    share = services.open_share(token)
    if not current_user.is_authenticated:
        # Back to the shared page after logging in, not to this POST-only address.
        flash("Log in to save this recipe to your recipes.", "info")
        return redirect(url_for("auth.login", next=url_for("sharing.page", token=token)))
    try:
        copy = services.save_copy(current_user, share)
    except services.AlreadyYours as exc:
        flash("This recipe is already yours.", "info")
        return redirect(url_for("cookbook.detail", recipe_id=exc.recipe_id))
    flash(f"Saved “{copy.title}” to your recipes.", "success")
    return redirect(url_for("cookbook.detail", recipe_id=copy.id))
