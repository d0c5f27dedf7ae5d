"""Where a recipe's picture is: its content-addressed path (the digest names the picture, so a
changed picture is a new address), or its absolute URL for an export or a feed."""

from __future__ import annotations

from flask import url_for

from ..public_urls import public_url
from . import store


def picture_url(recipe_id: int, digest: str, variant: str, mime: str = "image/webp", *, external: bool = False) -> str:
    """The picture's path, or with `external` its absolute URL (see public_urls)."""
    filename = f"{variant}.{store.extension(mime)}"
    if external:
        return public_url("images.picture", recipe_id=recipe_id, digest=digest, filename=filename)
    return url_for("images.picture", recipe_id=recipe_id, digest=digest, filename=filename)
