"""Processing a picture someone sent or a page named, away from the web worker.

Decoding is where a hostile file does its damage: a 250 kB PNG can declare 60 megapixels and
take half a gigabyte to decode. `process_image` therefore runs in a sandboxed child (see
recipes/sandbox.py): its memory goes back to the system when it ends, and a file that would
take too long or too much is refused, not allowed to stall or kill the worker.
"""

from __future__ import annotations

from werkzeug.datastructures import FileStorage

from .. import sandbox
from ..database import release_transaction
from .processing import MAX_UPLOAD_BYTES, ImageRejected, ProcessedImage, process_image

# A 60 MP PNG with transparency takes about 1.2 s here; far slower means something is wrong.
PROCESS_DEADLINE = 15.0


def checked_picture(data: bytes, seconds: float = PROCESS_DEADLINE) -> ProcessedImage:
    """The picture in `data`, decoded, checked and re-encoded; ImageRejected otherwise."""
    try:
        return sandbox.call(process_image, data, seconds=min(seconds, PROCESS_DEADLINE))
    except (sandbox.SandboxError, MemoryError):  # out of time, or of the child's memory
        raise ImageRejected("That picture is too large or too complex to process.", "too_complex") from None


def checked_upload(upload: FileStorage) -> ProcessedImage:
    """An uploaded picture (the recipe form's, the API's), decoded, checked and re-encoded;
    ImageRejected otherwise. Reads one byte past the limit, so an oversized file is noticed
    without reading all of it. Ends the request's transaction first."""
    data = bytes(upload.read(MAX_UPLOAD_BYTES + 1))
    release_transaction()  # decoding takes a moment: not while holding the write lock
    return checked_picture(data)
