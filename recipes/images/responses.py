"""Recipe pictures as HTTP responses, for every route that sends one: the pages' own
(images/views), a share link's (sharing/views) and the API's. Each caller keeps its own
Cache-Control policy; what a picture response is otherwise lives here once."""

from __future__ import annotations

import re

from flask import Response, abort, request

from . import store

_DIGEST = re.compile(r"[0-9a-f]{64}")


def requested_variant(digest: str, filename: str) -> tuple[str, str]:
    """(variant, extension) named by a picture URL's last parts; a 404 for anything else."""
    variant, _, extension = filename.partition(".")
    if not _DIGEST.fullmatch(digest) or variant not in store.VARIANTS:
        abort(404)
    return variant, extension


def picture_response(found: store.Picture, variant: str, cache_control: str) -> Response:
    """The picture as a response that answers 304 when the client's copy is current."""
    response = Response(found.data, mimetype=found.mime)
    response.set_etag(f"{found.digest}-{variant}")
    response.headers["Cache-Control"] = cache_control
    response.make_conditional(request)  # a 304 when the client has this picture
    return response


def send_picture(found: store.Picture, variant: str, extension: str, cache_control: str) -> Response:
    """`picture_response` for a picture URL, whose file name extension must be the picture's."""
    if extension != store.extension(found.mime):
        abort(404)
    return picture_response(found, variant, cache_control)
