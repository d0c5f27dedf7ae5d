"""Serving recipe pictures: content-addressed URLs, revalidated by the browser before each
use (images/responses), and only for people who may see the recipe."""

from __future__ import annotations

from flask import Blueprint, Response, abort
from flask_login import current_user, login_required

from ..security import NO_STORE
from ..web import MAX_ID
from . import pending, store
from .addresses import picture_url
from .responses import requested_variant, send_picture

bp = Blueprint("images", __name__, url_prefix="/recipes")


@bp.before_request
@login_required
def require_login() -> None:
    """Pictures are shown to signed-in users who may see the recipe."""


bp.add_app_template_global(picture_url)


@bp.get(f"/<int(max={MAX_ID}):recipe_id>/picture/<digest>/<filename>")
def picture(recipe_id: int, digest: str, filename: str) -> Response:
    variant, extension = requested_variant(digest, filename)
    try:
        found = store.picture_for(current_user, recipe_id, digest, variant)
    except store.PictureNotFound:
        abort(404)
    return send_picture(found, extension)


@bp.get("/kept-pictures/<picture_key>")
def kept_picture(picture_key: str) -> Response:
    """The preview of a picture kept for a recipe form's next submit: only for the login that
    chose it, and not kept by the browser (it is gone once the recipe is saved)."""
    found = pending.thumbnail(current_user.get_id(), picture_key)
    if found is None:
        abort(404)
    data, mime = found
    response = Response(data, mimetype=mime)
    response.headers["Cache-Control"] = NO_STORE
    return response
