"""Turn untrusted picture bytes into clean, resized WebP renditions.

Pure image work: no Flask, no database. `process_image` either returns freshly encoded
pictures or raises `ImageRejected` with a message fit to show the user; no other exception
leaves it, whatever the bytes.

The path of a picture:
1. Size checks on the raw bytes, then `Image.open` restricted to the accepted formats, so
   Pillow never runs any other decoder (GIF, BMP, TIFF, PSD, EPS, ...) on what we were sent.
2. The declared width and height are checked (pixel count, smallest side, shape) before any
   pixel is decoded: a decompression bomb is refused from its header alone.
3. Big JPEGs are decoded at 1/2, 1/4 or 1/8 scale (`draft`), just above what the renditions need.
4. EXIF orientation is applied, the mode normalised to RGB or RGBA, an embedded colour profile
   converted to sRGB, and everything else the file carried (EXIF with GPS, XMP, comments, ICC,
   text chunks, trailing bytes) is left behind: only pixels reach the encoder.
5. Two renditions, encoded anew as WebP: `full` (fits in FULL_SIZE) and `thumb` (the centred
   4:3 crop, at most THUMB_SIZE). Neither is ever larger than the source.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import math
import struct
import warnings
import zlib
from dataclasses import dataclass
from io import BytesIO
from typing import Final

from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError, features

try:
    from PIL import ImageCms
except ImportError:  # Pillow built without Little CMS: colour profiles are then dropped, not applied.
    _HAVE_CMS = False
else:
    _HAVE_CMS = True

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES: Final = 15 * 1024 * 1024
"""The largest file accepted (15 MB): a 48-50 MP phone JPEG is 10-15 MB, its HEIC half that."""

MAX_PIXELS: Final = 60_000_000
"""The most pixels a picture may declare (60 megapixels).

Phones now take 48 MP (8064 x 6048 = 48.8 MP) and 50 MP (8160 x 6144 = 50.1 MP) photos, so a
round 50 MP limit would refuse real photos; 60 MP accepts them with a margin. It refuses bombs
and the 108/200 MP modes (whose JPEGs are over MAX_UPLOAD_BYTES anyway), and it bounds what one
decode can cost. Pillow keeps 4 bytes a pixel for RGB as for RGBA, so a picture at the limit
decodes to 240 MB; measured peaks (scripts/bench_images.py's child on this limit): a 60 MP JPEG
~75 MB (decoded scaled down, see `_draft_jpeg`), a 48 MP HEIC ~380 MB, a 60 MP PNG ~360 MB, or
~590 MB with an alpha channel (Pillow resizes RGBA through a premultiplied copy). Pillow's own
bomb limit (~89 MP warns, ~179 MP raises) is higher, so this check is what normally refuses;
Pillow's is honoured too, should someone lower it.
"""

MIN_SIDE: Final = 16
"""Smaller pictures are tracking pixels or icons, not food photos (and cannot be cropped to 4:3)."""

MAX_ASPECT: Final = 20
"""Longest side / shortest side. Phone panoramas are up to ~8:1; 20:1 is a strip, not a photo."""

FULL_SIZE: Final = (1600, 1600)
THUMB_SIZE: Final = (640, 480)

OUTPUT_MIME: Final = "image/webp"
# Quality 80 at method 4 is libwebp's usual balance; method 6 saves ~3 % for ~30 % more time.
WEBP_QUALITY: Final = 80
WEBP_METHOD: Final = 4
# Shrink by a whole factor with `Image.reduce` first while at least this much shrinking remains,
# then LANCZOS (Pillow's default for thumbnails). It only acts from 4x shrinking (a 48 MP PNG or
# HEIC; big JPEGs are already decoded scaled), where it halves the time, no visible difference.
REDUCING_GAP: Final = 2.0

_BASE_FORMATS: Final = ("JPEG", "PNG", "WEBP")
_HEIF_BRANDS: Final = frozenset(
    {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1"}
)
_DAMAGED: Final = "That picture is damaged or incomplete and could not be read."

# What Pillow's decoders raise on bad input. (Warnings are here because a warning filter set to
# "error" elsewhere would turn one into an exception; ours records them instead, see below.)
_DECODE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    SyntaxError,
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    EOFError,
    struct.error,
    zlib.error,
    Warning,
)
if _HAVE_CMS:
    _DECODE_ERRORS += (ImageCms.PyCMSError,)

# What reading a broken EXIF block can raise: the picture is kept, its orientation ignored.
_EXIF_ERRORS: Final = (SyntaxError, ValueError, TypeError, KeyError, IndexError, OSError, struct.error)


class ImageRejected(Exception):
    """The bytes are not a picture we accept. `message` says why, in words for the user;
    `code` is a stable identifier for the API and tests."""

    def __init__(self, message: str, code: str = "invalid_image") -> None:
        super().__init__(message, code)  # both in args: it survives pickling (see sandbox.py)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Rendition:
    data: bytes
    width: int
    height: int


@dataclass(frozen=True)
class ProcessedImage:
    digest: str  # sha256 hex of full.data: the content address of the picture
    mime: str
    full: Rendition
    thumb: Rendition


# --- formats -----------------------------------------------------------------------------------

_heif_registered: bool | None = None


def _heif_available() -> bool:
    """Register pillow-heif's opener with Pillow the first time it is wanted; remember the outcome.

    pillow-heif is optional (there are wheels for few platforms): without it, HEIC is refused
    with a message that says so. Registering twice would be harmless, so no lock is needed.
    """
    global _heif_registered
    if _heif_registered is None:
        try:
            import pillow_heif

            # Only the primary picture is wanted: skipping thumbnails, depth maps and auxiliary
            # images means less parsing of untrusted data and less memory.
            pillow_heif.register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)
        except Exception as exc:  # ImportError, or a wheel whose native library will not load
            if not isinstance(exc, ImportError):
                logger.warning("HEIC pictures disabled: pillow-heif failed to load: %s", exc)
            _heif_registered = False
        else:
            # Passing Image.open a format name Pillow does not know would raise KeyError.
            _heif_registered = "HEIF" in Image.OPEN
    return _heif_registered


def _avif_available() -> bool:
    # Pillow 11.3+ reads AVIF itself when built with libavif (its wheels are). Image CDNs send
    # AVIF to clients that accept it, so imported pictures often come as AVIF.
    return bool(features.check("avif"))


def accepted_formats() -> tuple[str, ...]:
    """The Pillow format names `process_image` decodes: AVIF and HEIF only where they can be read."""
    return (*_BASE_FORMATS, *(("AVIF",) if _avif_available() else ()), *(("HEIF",) if _heif_available() else ()))


def accepted_description() -> str:
    """The accepted formats in words: "JPEG, PNG, WebP, AVIF or HEIC"."""
    names = ["JPEG", "PNG", "WebP", *(["AVIF"] if _avif_available() else []), *(["HEIC"] if _heif_available() else [])]
    return f"{', '.join(names[:-1])} or {names[-1]}"


def _looks_like_heif(data: bytes) -> bool:
    return data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS


def _looks_like_base_format(data: bytes) -> bool:
    """JPEG, PNG or WebP by their first bytes (for a better message when Pillow gives up)."""
    return data.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


# --- the pipeline ------------------------------------------------------------------------------


def process_image(data: bytes) -> ProcessedImage:
    """Check, decode and re-encode a picture; raise ImageRejected if it is not one we accept."""
    if not data:
        raise ImageRejected("The file is empty.", "empty")
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImageRejected(
            f"That file is too large: pictures can be at most {MAX_UPLOAD_BYTES // (1024 * 1024)} MB.", "too_large"
        )
    formats = accepted_formats()
    try:
        # Pillow warns about what it tolerates (a possible decompression bomb, corrupt EXIF, a
        # malformed MPO or APNG). Recording them makes the outcome the same whatever the process's
        # warning filter is (the tests turn warnings into errors, production only prints them).
        # The filters are process-global: fine under Gunicorn's one thread per worker; with
        # threads, a concurrent call could at worst see a warning printed or raised instead of
        # recorded, and then the checks and except clauses below still refuse the same pictures.
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            full, thumb = _render(data, formats, caught)
            full_rendition, thumb_rendition = _encode(full), _encode(thumb)
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(None) from None
    except UnidentifiedImageError:
        raise _unidentified(data) from None
    except MemoryError:
        raise ImageRejected("That picture is too large to process.", "too_many_pixels") from None
    except _DECODE_ERRORS as exc:
        logger.debug("picture refused as damaged: %r", exc)
        raise ImageRejected(_DAMAGED, "damaged") from None
    except Exception:
        # Not an error Pillow is known to raise: refuse the picture, but leave a trace to look into.
        logger.warning("unexpected error while reading a picture; refused as damaged", exc_info=True)
        raise ImageRejected(_DAMAGED, "damaged") from None
    return ProcessedImage(
        digest=hashlib.sha256(full_rendition.data).hexdigest(),
        mime=OUTPUT_MIME,
        full=full_rendition,
        thumb=thumb_rendition,
    )


def _render(
    data: bytes, formats: tuple[str, ...], caught: list[warnings.WarningMessage]
) -> tuple[Image.Image, Image.Image]:
    """Decode the picture and return its full and thumbnail renditions, RGB or RGBA, no metadata."""
    with Image.open(BytesIO(data), formats=formats) as im:
        if any(issubclass(warning.category, Image.DecompressionBombWarning) for warning in caught):
            raise _too_many_pixels(im.size)
        _check_dimensions(im.size)  # from the header: nothing decoded yet
        if im.format in ("JPEG", "MPO"):
            _draft_jpeg(im)
        # Animated PNG and WebP open on their first frame, and load() decodes only that one.
        im.load()
        _check_dimensions(im.size)  # a decoder may report the real size only now (HEIF)
        with contextlib.suppress(*_EXIF_ERRORS):  # unreadable EXIF: keep the pixels as stored
            ImageOps.exif_transpose(im, in_place=True)
        working, transform = _working_image(im)
        full, thumb = _resize(working)
    if transform is not None:
        full, thumb = _to_srgb(full, transform), _to_srgb(thumb, transform)
    full, thumb = _rgb_or_rgba(full), _rgb_or_rgba(thumb)
    if full.mode == "RGBA" and full.getchannel("A").getextrema()[0] == 255:
        # An alpha channel nothing uses (common in PNGs) would only make the files bigger.
        full, thumb = full.convert("RGB"), thumb.convert("RGB")
    for rendition in (full, thumb):
        # Resized copies inherit `info` (EXIF, XMP, ICC...). The WebP encoder only writes
        # metadata passed to save() explicitly, but nothing of the source should travel on.
        rendition.info.clear()
    return full, thumb


def _check_dimensions(size: tuple[int, int]) -> None:
    width, height = size
    if width * height > MAX_PIXELS:
        raise _too_many_pixels(size)
    if min(width, height) < MIN_SIDE:
        raise ImageRejected(
            f"That picture is too small: it must be at least {MIN_SIDE} pixels wide and high.", "too_small"
        )
    if max(width, height) > MAX_ASPECT * min(width, height):
        raise ImageRejected(
            f"That picture is too long and narrow: one side may be at most {MAX_ASPECT} times the other.",
            "bad_shape",
        )


def _too_many_pixels(size: tuple[int, int] | None) -> ImageRejected:
    limit = f"at most {MAX_PIXELS // 1_000_000} megapixels are accepted"
    if size is None:
        return ImageRejected(f"That picture is too large: {limit}.", "too_many_pixels")
    return ImageRejected(f"That picture is too large ({size[0]} x {size[1]} pixels): {limit}.", "too_many_pixels")


def _unidentified(data: bytes) -> ImageRejected:
    if _looks_like_heif(data):
        if not _heif_available():
            return ImageRejected(
                "This server cannot read HEIC pictures. Please upload a JPEG, PNG or WebP picture instead.",
                "heic_unsupported",
            )
        return ImageRejected(_DAMAGED, "damaged")  # pillow-heif's opener refused it
    if _looks_like_base_format(data):  # e.g. cut off within its headers
        return ImageRejected(_DAMAGED, "damaged")
    return ImageRejected(f"That file is not a {accepted_description()} picture.", "unsupported_format")


def _orientation(im: Image.Image) -> int:
    try:
        value = im.getexif().get(ExifTags.Base.Orientation, 1)
    except _EXIF_ERRORS:
        return 1
    return value if isinstance(value, int) else 1


def _draft_jpeg(im: Image.Image) -> None:
    """Let libjpeg decode a big JPEG at 1/2, 1/4 or 1/8 scale, still at least as big as both
    renditions need: a 12 MP photo then takes a quarter of the memory and half the time."""
    width, height = im.size
    if _orientation(im) in (5, 6, 7, 8):  # the renditions are planned in display orientation
        width, height = height, width
    scale = _needed_scale(width, height)
    if scale < 1:
        im.draft(None, (max(1, math.ceil(im.size[0] * scale)), max(1, math.ceil(im.size[1] * scale))))


def _needed_scale(width: int, height: int) -> float:
    """The smallest scale of the source that still gives both renditions at full resolution."""
    full = min(1.0, FULL_SIZE[0] / width, FULL_SIZE[1] / height)
    crop_width, _ = _thumb_crop(width, height)
    thumb = min(1.0, THUMB_SIZE[0] / crop_width)
    return max(full, thumb)


def _working_image(im: Image.Image) -> tuple[Image.Image, ImageCms.ImageCmsTransform | None]:
    """The picture as RGB or RGBA (or CMYK when its profile will convert it), and the transform
    from its embedded colour profile to sRGB, if it has a usable one."""
    icc = im.info.get("icc_profile")
    if im.mode in ("I", "I;16", "I;16L", "I;16B", "I;16N"):
        # 16-bit greyscale PNG: scale to 8 bits (a plain convert clips everything above 255 to white).
        im = im.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if im.mode == "CMYK":
        transform = _srgb_transform(icc, "CMYK")
        # Resized as CMYK and converted afterwards, on far fewer pixels.
        return (im, transform) if transform is not None else (im.convert("RGB"), None)
    target = "RGBA" if im.has_transparency_data else "RGB"
    if im.mode != target:
        im = im.convert(target)
    return im, _srgb_transform(icc, target)


def _srgb_transform(icc: object, mode: str) -> ImageCms.ImageCmsTransform | None:
    """A transform from the picture's embedded ICC profile to sRGB, or None.

    Browsers show untagged pictures as sRGB. Converting (rather than dropping the profile) keeps
    the colours of Display P3 photos from iPhones or Adobe RGB exports right; not embedding the
    profile in the output keeps the files small and uniform, and drops one more place where a
    file can carry bytes of its own choosing. A profile that cannot be used (garbage, another
    colour space, a grey profile, Pillow without Little CMS) is dropped and the pixels taken as
    sRGB, which is what a browser would do with them.
    """
    if not _HAVE_CMS or not isinstance(icc, bytes) or not icc:
        return None
    try:
        source = ImageCms.ImageCmsProfile(BytesIO(icc))
        if source.profile.xcolor_space != ("CMYK" if mode == "CMYK" else "RGB "):
            return None
        return ImageCms.buildTransform(source, _srgb_profile(), mode, "RGBA" if mode == "RGBA" else "RGB")
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError) as exc:
        logger.debug("colour profile ignored: %r", exc)
        return None


@functools.cache
def _srgb_profile() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _to_srgb(im: Image.Image, transform: ImageCms.ImageCmsTransform) -> Image.Image:
    try:
        return transform.apply(im)
    except (ImageCms.PyCMSError, ValueError, OSError) as exc:
        logger.debug("colour profile not applied: %r", exc)
        return im


def _rgb_or_rgba(im: Image.Image) -> Image.Image:
    return im if im.mode in ("RGB", "RGBA") else im.convert("RGB")


# --- sizes -------------------------------------------------------------------------------------


def _full_size(width: int, height: int) -> tuple[int, int]:
    scale = min(1.0, FULL_SIZE[0] / width, FULL_SIZE[1] / height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _thumb_crop(width: int, height: int) -> tuple[int, int]:
    """The largest exactly-4:3 area of a picture (losing at most 3 pixels to exactness)."""
    unit = max(1, min(width // 4, height // 3))
    return 4 * unit, 3 * unit


def _resize(working: Image.Image) -> tuple[Image.Image, Image.Image]:
    full_size = _full_size(*working.size)
    full = working.resize(full_size, Image.Resampling.LANCZOS, reducing_gap=REDUCING_GAP)
    # The thumbnail comes from the (much smaller) full rendition when that still has enough
    # pixels for it, as it has for any photo of ordinary shape; else from the decoded picture.
    crop_width, _ = _thumb_crop(*full.size)
    source = full if crop_width >= THUMB_SIZE[0] or full.size == working.size else working
    return full, _thumb(source)


def _thumb(im: Image.Image) -> Image.Image:
    width, height = im.size
    crop_width, crop_height = _thumb_crop(width, height)
    if crop_width <= THUMB_SIZE[0]:  # small picture: cropped, never enlarged
        left, top = (width - crop_width) // 2, (height - crop_height) // 2
        return im.crop((left, top, left + crop_width, top + crop_height))
    box = ((width - crop_width) / 2, (height - crop_height) / 2, (width + crop_width) / 2, (height + crop_height) / 2)
    return im.resize(THUMB_SIZE, Image.Resampling.LANCZOS, box=box, reducing_gap=REDUCING_GAP)


def _encode(im: Image.Image) -> Rendition:
    buffer = BytesIO()
    # No exif=, xmp= or icc_profile=: the encoder writes none of them.
    im.save(buffer, "WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD)
    return Rendition(data=buffer.getvalue(), width=im.width, height=im.height)
