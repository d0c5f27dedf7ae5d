"""Recipe pictures in the database: attaching, removing, and reading one back for someone
who may see the recipe. No request objects in here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, select

from ..access import visible_to
from ..extensions import db
from ..models import Recipe, RecipeImage, User
from .processing import ProcessedImage, Rendition

VARIANTS = ("full", "thumb")
_EXTENSIONS = {"image/webp": "webp", "image/jpeg": "jpg", "image/png": "png"}


def extension(mime: str) -> str:
    """The file name extension for a stored picture's type (URLs, export files)."""
    return _EXTENSIONS.get(mime, "webp")


class PictureNotFound(Exception):
    """No such picture, or not one this user may see (the same answer on purpose)."""


@dataclass(frozen=True)
class Picture:
    """A picture someone may see, without its bytes (`picture_data` reads them): enough to
    answer "your copy is current" without reading the picture."""

    recipe_id: int
    digest: str
    variant: str
    mime: str


def picture_columns(image: ProcessedImage) -> dict[str, Any]:
    """A `RecipeImage` row's picture columns for `image`: the one mapping from a processed
    picture to its row, for `attach` (one recipe) and the bulk INSERTs of imports."""
    return {
        "digest": image.digest,
        "mime": image.mime,
        "width": image.full.width,
        "height": image.full.height,
        "thumb_width": image.thumb.width,
        "thumb_height": image.thumb.height,
        "full": image.full.data,
        "thumb": image.thumb.data,
    }


def attach(recipe: Recipe, image: ProcessedImage) -> None:
    """Give `recipe` this picture, replacing any other (part of the caller's transaction)."""
    row = recipe.image or RecipeImage()
    for column, value in picture_columns(image).items():
        setattr(row, column, value)
    recipe.image = row
    recipe.image_digest = image.digest


def detach(recipe: Recipe) -> None:
    recipe.image = None
    recipe.image_digest = None


def stored_image(recipe: Recipe) -> ProcessedImage | None:
    """The recipe's picture in the form `attach` takes, to give another recipe the same
    picture (a copy): its renditions were checked and re-encoded when first stored, so
    they are not decoded again."""
    row = recipe.image
    if row is None:
        return None
    return ProcessedImage(
        digest=row.digest,
        mime=row.mime,
        full=Rendition(row.full, row.width, row.height),
        thumb=Rendition(row.thumb, row.thumb_width, row.thumb_height),
    )


def picture_for(user: User, recipe_id: int, digest: str, variant: str) -> Picture:
    """The picture, if `user` may see the recipe and `digest` is its current picture."""
    return _picture(recipe_id, digest, variant, visible_to(user))


def current_picture(user: User, recipe_id: int, variant: str) -> Picture:
    """The recipe's current picture, whatever its digest, if `user` may see the recipe."""
    return _picture(recipe_id, None, variant, visible_to(user))


def shared_picture(recipe_id: int, digest: str, variant: str) -> Picture:
    """The picture if `digest` is the recipe's current picture, for a caller that has
    already decided the recipe may be seen (a valid share link: no user at all)."""
    return _picture(recipe_id, digest, variant)


def _picture(recipe_id: int, digest: str | None, variant: str, *conditions: ColumnElement[bool]) -> Picture:
    """One query, not reading the picture; `digest` None means the recipe's current picture."""
    if variant not in VARIANTS:
        raise PictureNotFound(recipe_id)
    wanted = RecipeImage.digest == (digest if digest is not None else Recipe.image_digest)
    row = db.session.execute(
        select(RecipeImage.digest, RecipeImage.mime)
        .join(Recipe, Recipe.id == RecipeImage.recipe_id)
        .where(RecipeImage.recipe_id == recipe_id, wanted, *conditions)
    ).one_or_none()
    if row is None:
        raise PictureNotFound(recipe_id)
    return Picture(recipe_id=recipe_id, digest=row.digest, variant=variant, mime=row.mime)


def picture_data(picture: Picture) -> bytes:
    """The bytes of a picture found by one of the functions above; PictureNotFound when it
    was replaced or removed since."""
    column = RecipeImage.full if picture.variant == "full" else RecipeImage.thumb
    data = db.session.scalar(
        select(column).where(RecipeImage.recipe_id == picture.recipe_id, RecipeImage.digest == picture.digest)
    )
    if data is None:
        raise PictureNotFound(picture.recipe_id)
    return bytes(data)
