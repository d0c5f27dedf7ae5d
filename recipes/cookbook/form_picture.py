"""The recipe form's picture: a file chosen in this submit, or one kept from an earlier submit
of the same form that came back with an error (images/pending.py), so a picture once chosen
is never silently dropped. No request objects here: the form and the login's token come in.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..images import pending
from ..images.processing import ImageRejected, ProcessedImage
from ..images.sandboxed import checked_upload
from .forms import RecipeForm
from .services import RecipeInvalid

NO_LONGER_KEPT = (
    "The picture you chose before is no longer kept (pictures wait a day at most): choose it again, "
    "or tick “Do not use this picture”."
)


@dataclass(frozen=True)
class FormPicture:
    """The picture a submit of the form brings: none, a new one, or a kept one."""

    image: ProcessedImage | None = None
    filename: str = ""
    kept_key: str = ""  # the kept picture it is ("" when chosen now, or none)


@dataclass(frozen=True)
class Kept:
    """A kept picture, as the form shows it: the key for its preview and its file's name."""

    key: str
    filename: str


def chosen(form: RecipeForm, login_token: str | None) -> FormPicture:
    """The picture this submit brings. A file chosen now wins over a kept one; RecipeInvalid
    (on the picture field) when the file is not a usable picture or the kept one has gone.
    Decoding a new file ends the request's transaction first (see checked_upload)."""
    upload = form.uploaded_picture()
    if upload is not None:
        try:
            image = checked_upload(upload)
        except ImageRejected as exc:
            raise RecipeInvalid(exc.message, "picture") from None
        return FormPicture(image, pending.shown_name(upload.filename or ""))
    key = form.kept_picture.data or ""
    if not key or form.discard_kept_picture.data:
        return FormPicture()
    kept = pending.find(login_token, key)
    if kept is None:
        raise RecipeInvalid(NO_LONGER_KEPT, "picture")
    return FormPicture(kept.image, kept.filename, kept.key)


def saved(form: RecipeForm, login_token: str | None) -> None:
    """The recipe is saved: the picture kept for this form (used, replaced or not wanted) goes."""
    key = form.kept_picture.data or ""
    if key:
        pending.discard(login_token, key)


def keep_for_next_submit(form: RecipeForm, picture: FormPicture, login_token: str | None) -> Kept | None:
    """The form goes back with errors: keep a picture chosen now for its next submit, carry a
    kept one on, or let go of one the person no longer wants. What the form is to show, if any."""
    earlier = form.kept_picture.data or ""
    unwanted = bool(form.discard_kept_picture.data)
    form.kept_picture.data = ""
    form.discard_kept_picture.data = False
    if picture.kept_key:
        form.kept_picture.data = picture.kept_key
        return Kept(picture.kept_key, picture.filename)
    if picture.image is not None:  # chosen now
        key = pending.keep(login_token, picture.image, picture.filename, replacing=earlier)
        if key is None:  # the login has ended meanwhile
            return None
        form.kept_picture.data = key
        return Kept(key, picture.filename)
    if not earlier:
        return None
    if unwanted:
        pending.discard(login_token, earlier)
        return None
    # A new file was refused: the earlier one is still on offer (if it is still kept).
    kept = pending.find(login_token, earlier)
    if kept is None:
        return None
    form.kept_picture.data = earlier
    return Kept(earlier, kept.filename)
