"""Recipe pictures as HTTP responses, for every route that sends one: the pages' own
(images/views), a share link's (sharing/views) and the API's. What a picture response is,
its caching included, lives here once."""

from __future__ import annotations

import re

from flask import Response, abort, request
from werkzeug.http import is_resource_modified

from ..security import PRIVATE
from . import store

_DIGEST = re.compile(r"[0-9a-f]{64}")

# A browser may keep a picture but asks about it before every use: the answer is a 304 that
# reads nothing but the digest, or the refusal a recipe made private (deleted, its link
# revoked) now gets. Never `immutable` for a year, though the URL names the content: a copy
# kept that way would go on showing after the recipe stopped being visible.
CACHE_CONTROL = PRIVATE


def requested_variant(digest: str, filename: str) -> tuple[str, str]:
    """(variant, extension) named by a picture URL's last parts; a 404 for anything else."""
    variant, _, extension = filename.partition(".")
    if not _DIGEST.fullmatch(digest) or variant not in store.VARIANTS:
        abort(404)
    return variant, extension


def picture_response(found: store.Picture) -> Response:
    """The picture, or a 304 (without reading it) when the client's copy is current."""
    etag = f"{found.digest}-{found.variant}"  # strong: these bytes, and only these
    if is_resource_modified(request.environ, etag=etag):
        try:
            response = Response(store.picture_data(found), mimetype=found.mime)
        except store.PictureNotFound:
            abort(404)  # replaced or removed a moment ago
    else:
        response = Response(status=304)
    response.set_etag(etag)
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


def send_picture(found: store.Picture, extension: str) -> Response:
    """`picture_response` for a picture URL, whose file name extension must be the picture's."""
    if extension != store.extension(found.mime):
        abort(404)
    return picture_response(found)
