"""Serving recipe pictures: content-addressed URLs, cached for a year by the browser,
and only for people who may see the recipe."""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, request, url_for
from flask_login import current_user, login_required

from ..web import MAX_ID
from . import store

bp = Blueprint("images", __name__, url_prefix="/recipes")

_DIGEST = re.compile(r"[0-9a-f]{64}")
# A picture's URL changes with its content, so a browser may keep it as long as it likes.
# "private": it is only for this signed-in user, never for a shared cache.
CACHE_CONTROL = "private, max-age=31536000, immutable"


@bp.before_request
@login_required
def require_login() -> None:
    """Pictures are shown to signed-in users who may see the recipe."""


def picture_url(recipe_id: int, digest: str, variant: str, mime: str = "image/webp", *, external: bool = False) -> str:
    filename = f"{variant}.{store.extension(mime)}"
    return url_for("images.picture", recipe_id=recipe_id, digest=digest, filename=filename, _external=external)


bp.add_app_template_global(picture_url)


def requested_variant(digest: str, filename: str) -> tuple[str, str]:
    """(variant, extension) named by a picture URL's last parts; a 404 for anything else."""
    variant, _, extension = filename.partition(".")
    if not _DIGEST.fullmatch(digest) or variant not in store.VARIANTS:
        abort(404)
    return variant, extension


def send_picture(found: store.Picture, variant: str, extension: str, cache_control: str) -> Response:
    """The picture as a response that answers 304 when the browser's copy is current."""
    if extension != store.extension(found.mime):
        abort(404)
    response = Response(found.data, mimetype=found.mime)
    response.set_etag(f"{found.digest}-{variant}")
    response.headers["Cache-Control"] = cache_control
    response.make_conditional(request)  # a 304 when the browser has this picture
    return response


@bp.get(f"/<int(max={MAX_ID}):recipe_id>/picture/<digest>/<filename>")
def picture(recipe_id: int, digest: str, filename: str) -> Response:
    variant, extension = requested_variant(digest, filename)
    try:
        found = store.picture_for(current_user, recipe_id, digest, variant)
    except store.PictureNotFound:
        abort(404)
    return send_picture(found, variant, extension, CACHE_CONTROL)
