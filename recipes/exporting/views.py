"""Export pages: the whole library as a file, and one recipe as JSON-LD, Markdown or text."""

from __future__ import annotations

import json
import re
import tempfile
from datetime import UTC, datetime

from flask import Blueprint, Response, abort, send_file
from flask_login import current_user, login_required

from ..cookbook import services
from ..images.addresses import picture_url
from ..models import Recipe
from ..public_urls import public_url
from ..web import MAX_ID
from . import services as export

bp = Blueprint("exporting", __name__, url_prefix="/recipes")

_FORMATS = {
    "jsonld": ("application/ld+json; charset=utf-8", "json"),
    "md": ("text/markdown; charset=utf-8", "md"),
    "txt": ("text/plain; charset=utf-8", "txt"),
}


@bp.before_request
@login_required
def require_login() -> None:
    """Exports are for signed-in users."""


def _file_name(title: str, extension: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-").lower()[:60] or "recipe"
    return f"{stem}.{extension}"


def recipe_jsonld(recipe: Recipe) -> dict[str, object]:
    """The recipe page's JSON-LD (also embedded in the page itself)."""
    image = recipe.image_digest and picture_url(recipe.id, recipe.image_digest, "full", external=True)
    return export.recipe_jsonld(recipe, public_url("cookbook.detail", recipe_id=recipe.id), image)


bp.add_app_template_global(recipe_jsonld)


@bp.get(f"/<int(max={MAX_ID}):recipe_id>/export.<fmt>")
def export_recipe(recipe_id: int, fmt: str) -> Response:
    if fmt not in _FORMATS:
        abort(404)
    try:
        recipe = services.get_visible_recipe(current_user, recipe_id)
    except services.RecipeNotFound:
        abort(404)
    mimetype, extension = _FORMATS[fmt]
    if fmt == "jsonld":
        body = json.dumps(recipe_jsonld(recipe), ensure_ascii=False, indent=2)
    elif fmt == "md":
        body = export.recipe_markdown(recipe)
    else:
        body = export.recipe_text(recipe)
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{_file_name(recipe.title, extension)}"'
    return response


@bp.get("/export")
def export_all() -> Response:
    """Every recipe of mine, with pictures, as our export file (import it anywhere Recipes runs)."""
    spool = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115 (send_file closes it)
    export.export_library(current_user, spool)
    spool.seek(0)
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    name = f"recipes-{current_user.username}-{stamp}.zip"
    return send_file(spool, mimetype="application/zip", as_attachment=True, download_name=name)
