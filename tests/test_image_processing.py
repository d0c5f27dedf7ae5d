"""Picture processing: formats, sizes, orientation, metadata, colour, bombs, polyglots, fuzzing.

Every picture here is made by the test with Pillow (or pillow-heif), small enough to keep the
file fast; what is checked is read back from the WebP that comes out.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import random
import struct
import subprocess
import sys
import tracemalloc
import types
import warnings
import zipfile
import zlib
from io import BytesIO
from typing import Any

import pytest
from PIL import ExifTags, Image, ImageCms, ImageFile, JpegImagePlugin, PngImagePlugin, features

from recipes.images import processing
from recipes.images.processing import (
    FULL_SIZE,
    MAX_PIXELS,
    MAX_UPLOAD_BYTES,
    THUMB_SIZE,
    ImageRejected,
    ProcessedImage,
    Rendition,
    accepted_description,
    accepted_formats,
    process_image,
)

HAVE_HEIF = importlib.util.find_spec("pillow_heif") is not None
needs_heif = pytest.mark.skipif(not HAVE_HEIF, reason="pillow-heif is not installed")

RED, GREEN, BLUE = (255, 0, 0), (0, 255, 0), (0, 0, 255)
PAYLOAD = b"<html><body><script>alert('polyglot')</script></body></html>"
GPS_MARKER = "SECRET-CAMERA-MAKE"
XMP_MARKER = "secret-xmp-location"


# --- making pictures ---------------------------------------------------------------------------


def photo(size: tuple[int, int], grain: bool = False) -> Image.Image:
    """Gradients in three directions, and grain if asked (slower to encode, as a real photo is)."""
    width, height = size
    across = Image.linear_gradient("L").resize((width, height))
    down = Image.linear_gradient("L").rotate(90).resize((width, height))
    third = Image.effect_noise((width, height), 30) if grain else across.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    return Image.merge("RGB", (across, down, third))


def halves(size: tuple[int, int], left: tuple[int, ...], right: tuple[int, ...], mode: str = "RGB") -> Image.Image:
    """Left half one colour, right half another: shows which way a picture was turned."""
    width, height = size
    im = Image.new(mode, size, left)
    im.paste(right, (width // 2, 0, width, height))
    return im


def encode(im: Image.Image, fmt: str, **params: Any) -> bytes:
    buffer = BytesIO()
    im.save(buffer, fmt, **params)
    return buffer.getvalue()


def heic(im: Image.Image, **params: Any) -> bytes:
    """HEIC as an iPhone saves it (x265 at its fastest preset: the default one takes seconds)."""
    import pillow_heif

    buffer = BytesIO()
    pillow_heif.from_pillow(im).save(buffer, quality=80, enc_params={"preset": "ultrafast"}, **params)
    return buffer.getvalue()


@functools.cache
def small_jpeg() -> bytes:
    return encode(photo((96, 72), grain=True), "JPEG", quality=85)


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_bomb(width: int, height: int) -> bytes:
    """A PNG declaring width x height RGB pixels in a few hundred bytes (a few rows of zeros)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress((b"\0" * (1 + 3 * width)) * 4, 9)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", rows) + png_chunk(b"IEND", b"")


def jpeg_declaring(width: int, height: int) -> bytes:
    """A small baseline JPEG whose frame header (SOF0) is rewritten to claim another size."""
    data = bytearray(small_jpeg())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def webp_chunks(data: bytes) -> list[bytes]:
    assert data[:4] == b"RIFF"
    assert data[8:12] == b"WEBP"
    chunks, pos = [], 12
    while pos + 8 <= len(data):
        size = int.from_bytes(data[pos + 4 : pos + 8], "little")
        chunks.append(data[pos : pos + 4])
        pos += 8 + size + (size & 1)
    return chunks


def opened(rendition: Rendition) -> Image.Image:
    im = Image.open(BytesIO(rendition.data), formats=("WEBP",))
    im.load()
    return im


def assert_clean(rendition: Rendition) -> None:
    """Pixels only: no EXIF, XMP, ICC or animation chunk, none of the planted markers."""
    assert set(webp_chunks(rendition.data)) <= {b"VP8 ", b"VP8L", b"VP8X", b"ALPH"}
    im = opened(rendition)
    assert not im.getexif()
    assert not {"exif", "xmp", "icc_profile"} & im.info.keys()
    for marker in (GPS_MARKER.encode(), XMP_MARKER.encode(), b"<script"):
        assert marker not in rendition.data


def close(actual: tuple[int, ...], expected: tuple[int, ...], tolerance: int = 12) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


def rejection(data: bytes) -> ImageRejected:
    with pytest.raises(ImageRejected) as info:
        process_image(data)
    assert info.value.message == str(info.value)
    return info.value


# --- formats -----------------------------------------------------------------------------------

FORMATS = [
    pytest.param("JPEG", id="jpeg"),
    pytest.param("PNG", id="png"),
    pytest.param("WEBP", id="webp"),
    pytest.param("HEIF", id="heic", marks=needs_heif),
]


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_accepted_format_becomes_webp(fmt: str) -> None:
    data = heic(photo((800, 600))) if fmt == "HEIF" else encode(photo((800, 600)), fmt)
    result = process_image(data)
    assert isinstance(result, ProcessedImage)
    assert result.mime == "image/webp"
    assert (result.full.width, result.full.height) == opened(result.full).size == (800, 600)
    assert (result.thumb.width, result.thumb.height) == opened(result.thumb).size == (640, 480)
    assert result.digest == hashlib.sha256(result.full.data).hexdigest()


@pytest.fixture
def no_avif(monkeypatch: pytest.MonkeyPatch) -> None:
    """As with a Pillow built without libavif (the format lists below are then fixed)."""
    monkeypatch.setattr(processing, "_avif_available", lambda: False)


@pytest.mark.skipif(not features.check("avif"), reason="this Pillow cannot read AVIF")
def test_avif_is_read_when_pillow_can() -> None:
    assert "AVIF" in accepted_formats()
    assert "AVIF" in accepted_description()
    result = process_image(encode(photo((900, 700)), "AVIF"))
    assert result.mime == "image/webp"
    assert (result.full.width, result.full.height) == (900, 700)


def test_without_avif_support_avif_is_refused(no_avif: None) -> None:
    assert "AVIF" not in accepted_formats()
    if features.check("avif"):
        assert rejection(encode(photo((300, 200)), "AVIF")).code == "unsupported_format"


@pytest.mark.usefixtures("no_avif")
def test_accepted_formats_and_description() -> None:
    if HAVE_HEIF:
        assert accepted_formats() == ("JPEG", "PNG", "WEBP", "HEIF")
        assert accepted_description() == "JPEG, PNG, WebP or HEIC"
    else:
        assert accepted_formats() == ("JPEG", "PNG", "WEBP")
        assert accepted_description() == "JPEG, PNG or WebP"


def test_same_input_same_output() -> None:
    data = encode(photo((900, 700)), "JPEG")
    first, second = process_image(data), process_image(data)
    assert first == second
    assert first.digest == hashlib.sha256(first.full.data).hexdigest()
    assert first.digest != process_image(encode(photo((900, 700)), "PNG")).digest


# --- sizes -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "full", "thumb"),
    [
        pytest.param((2400, 1800), (1600, 1200), (640, 480), id="big-landscape"),
        pytest.param((1800, 2400), (1200, 1600), (640, 480), id="big-portrait"),
        pytest.param((3000, 1000), (1600, 533), (640, 480), id="wide"),
        pytest.param((4000, 1000), (1600, 400), (640, 480), id="wider: thumb from the source"),
        pytest.param((1600, 1600), (1600, 1600), (640, 480), id="exactly full size"),
        pytest.param((300, 200), (300, 200), (264, 198), id="small: not enlarged, only cropped"),
        pytest.param((2000, 100), (1600, 80), (132, 99), id="20:1 strip"),
        pytest.param((16, 16), (16, 16), (16, 12), id="smallest accepted"),
    ],
)
def test_sizes(size: tuple[int, int], full: tuple[int, int], thumb: tuple[int, int]) -> None:
    result = process_image(encode(photo(size), "JPEG", quality=80))
    assert (result.full.width, result.full.height) == opened(result.full).size == full
    assert (result.thumb.width, result.thumb.height) == opened(result.thumb).size == thumb
    assert result.thumb.width * 3 == result.thumb.height * 4
    assert result.full.width <= FULL_SIZE[0] and result.full.height <= FULL_SIZE[1]
    assert result.thumb.width <= THUMB_SIZE[0] and result.thumb.height <= THUMB_SIZE[1]


def test_thumb_is_the_centred_crop() -> None:
    # Green margins left and right, blue in the middle 4:3: the thumbnail is all blue.
    im = Image.new("RGB", (800, 300), GREEN)
    im.paste(BLUE, (200, 0, 600, 300))
    thumb = opened(process_image(encode(im, "PNG")).thumb)
    assert thumb.size == (400, 300)
    for point in [(0, 0), (399, 299), (0, 299), (399, 0), (200, 150)]:
        assert close(thumb.getpixel(point), BLUE), point


def test_big_jpeg_is_decoded_scaled_down_yet_full_size_out(monkeypatch: pytest.MonkeyPatch) -> None:
    drafts: list[tuple[int, int] | None] = []
    original = JpegImagePlugin.JpegImageFile.draft

    def spy(self: JpegImagePlugin.JpegImageFile, mode: str | None, size: tuple[int, int] | None) -> Any:
        drafts.append(size)
        return original(self, mode, size)

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", spy)
    result = process_image(encode(photo((3200, 2400)), "JPEG", quality=80))
    assert drafts == [(1600, 1200)]
    assert (result.full.width, result.full.height) == (1600, 1200)


# --- orientation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "orientation", "top", "bottom"),
    [
        ("JPEG", 6, RED, BLUE),  # turned clockwise to be seen: the left half ends on top
        ("JPEG", 8, BLUE, RED),  # anticlockwise: the right half ends on top
        ("JPEG", 3, BLUE, RED),  # upside down: stays landscape, halves swap (checked below)
        ("PNG", 6, RED, BLUE),
        ("WEBP", 8, BLUE, RED),
    ],
)
def test_exif_orientation_is_applied(fmt: str, orientation: int, top: tuple[int, ...], bottom: tuple[int, ...]) -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    data = encode(halves((200, 100), RED, BLUE), fmt, exif=exif.tobytes())
    result = process_image(data)
    full = opened(result.full)
    if orientation == 3:
        assert full.size == (200, 100)
        assert close(full.getpixel((20, 50)), top)
        assert close(full.getpixel((180, 50)), bottom)
    else:
        assert full.size == (100, 200)
        assert close(full.getpixel((50, 20)), top)
        assert close(full.getpixel((50, 180)), bottom)
        assert (result.thumb.width, result.thumb.height) == (100, 75)
    assert_clean(result.full)


@needs_heif
def test_heic_orientation_is_applied() -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    full = opened(process_image(heic(halves((200, 100), RED, BLUE), exif=exif.tobytes())).full)
    assert full.size == (100, 200)
    assert close(full.getpixel((50, 20)), RED, 20)
    assert close(full.getpixel((50, 180)), BLUE, 20)


def test_unreadable_exif_keeps_the_picture() -> None:
    data = encode(photo((64, 48)), "JPEG", exif=b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\xff\xff garbage")
    assert opened(process_image(data).full).size == (64, 48)


# --- metadata ----------------------------------------------------------------------------------


def exif_with_gps() -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = GPS_MARKER
    exif[ExifTags.Base.Orientation] = 1
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (48.0, 51.0, 29.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (2.0, 17.0, 40.0)
    return exif


XMP = (
    '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    f'xmlns:dc="http://purl.org/dc/elements/1.1/" dc:source="{XMP_MARKER}"/></rdf:RDF></x:xmpmeta>'
    '<?xpacket end="w"?>'
)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_exif_gps_and_xmp_are_stripped(fmt: str) -> None:
    im = photo((800, 600))
    exif = exif_with_gps().tobytes()
    if fmt == "PNG":
        info = PngImagePlugin.PngInfo()
        info.add_itxt("XML:com.adobe.xmp", XMP)
        data = encode(im, fmt, exif=exif, pnginfo=info)
    else:
        data = encode(im, fmt, exif=exif, xmp=XMP.encode())
    with Image.open(BytesIO(data)) as source:  # the fixture does carry what must go
        source.load()
        assert source.getexif().get_ifd(ExifTags.IFD.GPSInfo)
        assert XMP_MARKER in str(source.info.get("xmp") or source.info.get("XML:com.adobe.xmp"))
    result = process_image(data)
    assert_clean(result.full)
    assert_clean(result.thumb)


# --- modes and colour --------------------------------------------------------------------------


def test_png_transparency_is_kept() -> None:
    im = Image.new("RGBA", (200, 150), (*RED, 255))
    im.paste((0, 0, 0, 0), (0, 0, 100, 150))
    result = process_image(encode(im, "PNG"))
    for rendition in (result.full, result.thumb):
        out = opened(rendition)
        assert out.mode == "RGBA"
        assert out.getpixel((5, 5))[3] == 0
        assert close(out.getpixel((out.width - 5, 5)), (*RED, 255))
        assert_clean(rendition)


def test_unused_alpha_is_dropped() -> None:
    result = process_image(encode(Image.new("RGBA", (64, 48), (*RED, 255)), "PNG"))
    assert opened(result.full).mode == "RGB"
    assert b"ALPH" not in webp_chunks(result.full.data)


def palette(transparent: bool) -> bytes:
    im = halves((64, 48), 0, 1, mode="P")
    im.putpalette([*RED, *BLUE] + [0] * (3 * 254))
    return encode(im, "PNG", **({"transparency": 0} if transparent else {}))


def sixteen_bit_grey() -> bytes:
    data = encode(Image.new("I;16", (64, 48), 32768), "PNG")
    with Image.open(BytesIO(data)) as im:
        assert im.mode.startswith("I")
    return data


@pytest.mark.parametrize(
    ("make", "mode", "pixel"),
    [
        pytest.param(lambda: encode(Image.new("CMYK", (64, 48), (0, 255, 255, 0)), "JPEG"), "RGB", RED, id="cmyk-jpeg"),
        pytest.param(sixteen_bit_grey, "RGB", (128, 128, 128), id="16-bit-png"),
        pytest.param(lambda: palette(False), "RGB", RED, id="palette-png"),
        pytest.param(lambda: palette(True), "RGBA", (0, 0, 0, 0), id="palette-png-transparency"),
        pytest.param(lambda: encode(Image.new("L", (64, 48), 200), "JPEG"), "RGB", (200, 200, 200), id="grey-jpeg"),
        pytest.param(lambda: encode(Image.new("LA", (64, 48), (90, 0)), "PNG"), "RGBA", (0, 0, 0, 0), id="grey-alpha"),
        pytest.param(lambda: encode(Image.new("1", (64, 48), 1), "PNG"), "RGB", (255, 255, 255), id="bilevel-png"),
        pytest.param(lambda: encode(Image.new("RGB", (64, 48), BLUE), "PNG", transparency=RED), "RGB", BLUE, id="trns"),
    ],
)
def test_modes_become_rgb_or_rgba(make: Any, mode: str, pixel: tuple[int, ...]) -> None:
    out = opened(process_image(make()).full)
    assert out.mode == mode
    colour = out.getpixel((2, 2))
    assert isinstance(colour, tuple)
    if mode == "RGBA" and pixel[3] == 0:
        assert colour[3] == 0
    else:
        assert close(colour, pixel), colour


def swapped_primaries_profile() -> bytes:
    """sRGB with its red and green primaries exchanged: pure red in it is pure green in sRGB."""
    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    tags = {bytes(data[pos : pos + 4]): pos for pos in range(132, 132 + 12 * int.from_bytes(data[128:132]), 12)}
    red, green = tags[b"rXYZ"] + 4, tags[b"gXYZ"] + 4
    data[red : red + 8], data[green : green + 8] = data[green : green + 8], data[red : red + 8]
    return bytes(data)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_colour_profile_is_converted_to_srgb(fmt: str) -> None:
    data = encode(Image.new("RGB", (64, 48), RED), fmt, icc_profile=swapped_primaries_profile())
    result = process_image(data)
    assert close(opened(result.full).getpixel((5, 5)), GREEN, 16)
    assert close(opened(result.thumb).getpixel((5, 5)), GREEN, 16)
    assert_clean(result.full)


def test_colour_profile_with_transparency() -> None:
    im = Image.new("RGBA", (64, 48), (*RED, 255))
    im.paste((0, 0, 0, 0), (0, 0, 10, 48))
    out = opened(process_image(encode(im, "PNG", icc_profile=swapped_primaries_profile())).full)
    assert out.mode == "RGBA"
    assert out.getpixel((2, 2))[3] == 0
    assert close(out.getpixel((40, 20)), (*GREEN, 255), 16)


def test_without_little_cms_profiles_are_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(processing, "_HAVE_CMS", False)
    result = process_image(encode(Image.new("RGB", (64, 48), RED), "PNG", icc_profile=swapped_primaries_profile()))
    assert close(opened(result.full).getpixel((5, 5)), RED)
    assert_clean(result.full)


@pytest.mark.parametrize(
    "profile", [b"not a colour profile", ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()]
)
def test_unusable_colour_profile_is_dropped(profile: bytes) -> None:
    result = process_image(encode(Image.new("RGB", (64, 48), RED), "PNG", icc_profile=profile))
    assert close(opened(result.full).getpixel((5, 5)), RED)
    assert_clean(result.full)


# --- animations and multi-picture files ---------------------------------------------------------


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "MPO"])
def test_first_frame_is_used(fmt: str) -> None:
    first, second = Image.new("RGB", (64, 48), RED), Image.new("RGB", (64, 48), BLUE)
    data = encode(first, fmt, save_all=True, append_images=[second], duration=100, loop=0)
    with Image.open(BytesIO(data)) as source:
        assert getattr(source, "n_frames", 1) == 2
    result = process_image(data)
    assert close(opened(result.full).getpixel((5, 5)), RED)
    assert_clean(result.full)


# --- refusals ----------------------------------------------------------------------------------


def not_accepted(fmt: str) -> bytes:
    return encode(photo((64, 48)), fmt)


def zip_file() -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("picture.jpg", small_jpeg())
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"<!DOCTYPE html><html><body><img src=x onerror=alert(1)></body></html>", id="html"),
        pytest.param(
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
            b"<script>alert(1)</script></svg>",
            id="svg",
        ),
        pytest.param(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n", id="pdf"),
        pytest.param(b"Two eggs, one cup of flour.\n", id="text"),
        pytest.param(b"\x00" * 1000, id="zeros"),
        pytest.param(zip_file(), id="zip"),
        pytest.param(not_accepted("GIF"), id="gif"),
        pytest.param(not_accepted("BMP"), id="bmp"),
        pytest.param(not_accepted("TIFF"), id="tiff"),
        pytest.param(not_accepted("ICO"), id="ico"),
        pytest.param(not_accepted("PPM"), id="ppm"),
    ],
)
def test_other_files_are_refused(data: bytes) -> None:
    refused = rejection(data)
    assert refused.code == "unsupported_format"
    assert refused.message == f"That file is not a {accepted_description()} picture."


def test_empty_file_is_refused() -> None:
    assert rejection(b"").message == "The file is empty."


def test_too_large_file_is_refused_before_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Image, "open", None)  # never reached
    refused = rejection(small_jpeg() + b"\0" * MAX_UPLOAD_BYTES)
    assert refused.code == "too_large"
    assert refused.message == "That file is too large: pictures can be at most 15 MB."


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
@pytest.mark.parametrize("keep", [0.5, 0.9, 30])
def test_truncated_pictures_are_refused(fmt: str, keep: float) -> None:
    data = encode(photo((320, 240)), fmt)
    cut = int(len(data) * keep) if keep < 1 else int(keep)
    refused = rejection(data[:cut])
    assert refused.code == "damaged"
    assert refused.message == "That picture is damaged or incomplete and could not be read."
    assert not ImageFile.LOAD_TRUNCATED_IMAGES


@pytest.mark.parametrize(
    ("size", "code"),
    [((15, 100), "too_small"), ((100, 8), "too_small"), ((2100, 100), "bad_shape"), ((60, 1300), "bad_shape")],
)
def test_odd_sizes_are_refused(size: tuple[int, int], code: str) -> None:
    assert rejection(encode(Image.new("RGB", size, RED), "PNG")).code == code


# --- decompression bombs -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(png_bomb(30000, 30000), id="png-900MP: Pillow's error"),
        pytest.param(png_bomb(10000, 10000), id="png-100MP: Pillow's warning"),
        pytest.param(png_bomb(8000, 8000), id="png-64MP: our limit"),
        pytest.param(jpeg_declaring(65000, 65000), id="jpeg-4GP"),
        pytest.param(jpeg_declaring(9000, 8000), id="jpeg-72MP"),
    ],
)
@pytest.mark.parametrize("warning_filter", ["error", "default", "ignore"])
def test_decompression_bombs_are_refused_from_the_header(
    data: bytes, warning_filter: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    allocations: list[tuple[int, int]] = []
    original = ImageFile.ImageFile.load_prepare

    def spy(self: ImageFile.ImageFile) -> None:
        allocations.append(self.size)
        original(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load_prepare", spy)
    # The outcome does not depend on what the process does with warnings (tests: errors).
    with warnings.catch_warnings():
        warnings.simplefilter(warning_filter)
        refused = rejection(data)
    assert refused.code == "too_many_pixels"
    assert f"at most {MAX_PIXELS // 1_000_000} megapixels" in refused.message
    assert allocations == []  # no pixel memory was asked for


def test_bomb_within_our_limit_but_over_pillows_lowered_one(monkeypatch: pytest.MonkeyPatch) -> None:
    # Whoever lowers Pillow's limit for the process gets it honoured, warning or error alike.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 2000)
    assert rejection(encode(photo((50, 50)), "PNG")).code == "too_many_pixels"  # 2500: a warning
    assert rejection(encode(photo((100, 100)), "PNG")).code == "too_many_pixels"  # 10000: an error


def test_compressed_text_bomb_is_harmless() -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "A" * 20_000_000, zip=True)  # 20 MB of text in about 20 kB
    data = encode(photo((64, 48)), "PNG", pnginfo=info)
    assert len(data) < 100_000
    tracemalloc.start()
    try:
        try:
            result = process_image(data)
        except ImageRejected as refused:
            assert refused.code == "damaged"
        else:
            assert_clean(result.full)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # The text was never unpacked (Pillow reads at most 1 MB of a compressed text chunk).
    assert peak < 10_000_000, f"peak {peak / 1e6:.0f} MB"


# --- polyglots ---------------------------------------------------------------------------------


def exif_description(text: bytes) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.ImageDescription] = text.decode()
    return exif.tobytes()


def png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", PAYLOAD.decode())
    return encode(photo((320, 240)), "PNG", pnginfo=info) + PAYLOAD


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: encode(photo((320, 240)), "JPEG") + PAYLOAD, id="jpeg-after-eoi"),
        pytest.param(lambda: encode(photo((320, 240)), "JPEG", comment=PAYLOAD), id="jpeg-com-segment"),
        pytest.param(lambda: encode(photo((320, 240)), "JPEG", exif=exif_description(PAYLOAD)), id="jpeg-exif"),
        pytest.param(lambda: encode(photo((320, 240)), "JPEG", xmp=PAYLOAD), id="jpeg-xmp"),
        pytest.param(png_with_text, id="png-text-and-trailer"),
        pytest.param(lambda: encode(photo((320, 240)), "WEBP", xmp=PAYLOAD, exif=exif_description(PAYLOAD)), id="webp"),
    ],
)
def test_polyglot_payload_does_not_survive(make: Any) -> None:
    data = make()
    assert PAYLOAD in data
    result = process_image(data)
    for rendition in (result.full, result.thumb):
        assert PAYLOAD not in rendition.data
        assert b"<script" not in rendition.data
        assert_clean(rendition)


# --- fuzzing -----------------------------------------------------------------------------------


@functools.cache
def fuzz_seed(fmt: str) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "Fuzz"
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    if fmt == "PNG":
        im = photo((96, 72), grain=True).convert("RGBA")
        im.putalpha(200)
        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", "fuzz", zip=True)
        return encode(im, "PNG", exif=exif.tobytes(), icc_profile=profile, pnginfo=info)
    if fmt == "WEBP":
        return encode(photo((96, 72), grain=True).convert("RGBA"), "WEBP", exif=exif.tobytes(), icc_profile=profile)
    return encode(
        photo((96, 72), grain=True), "JPEG", exif=exif.tobytes(), icc_profile=profile, progressive=fmt == "JPEG-P"
    )


def mutate(data: bytes, rng: random.Random) -> bytes:
    mutated = bytearray(data)
    kind = rng.randrange(6)
    if kind == 0:  # a few random bytes anywhere
        for _ in range(rng.randint(1, 8)):
            mutated[rng.randrange(len(mutated))] = rng.randrange(256)
    elif kind == 1:  # a few random bytes in the headers
        for _ in range(rng.randint(1, 4)):
            mutated[rng.randrange(min(len(mutated), 400))] = rng.randrange(256)
    elif kind == 2:  # cut short
        del mutated[rng.randrange(1, len(mutated)) :]
    elif kind == 3:  # bytes inserted
        at = rng.randrange(len(mutated))
        mutated[at:at] = rng.randbytes(rng.randint(1, 64))
    elif kind == 4:  # a slice removed
        at = rng.randrange(len(mutated))
        del mutated[at : at + rng.randint(1, 64)]
    else:  # a size or length field made extreme
        at = rng.randrange(max(1, min(len(mutated), 200) - 4))
        mutated[at : at + 4] = rng.choice([b"\0\0\0\0", b"\xff\xff\xff\xff", b"\x7f\xff\xff\xff", b"\0\0\xff\xff"])
    return bytes(mutated)


@pytest.mark.parametrize("fmt", ["JPEG", "JPEG-P", "PNG", "WEBP"])
def test_fuzzed_pictures_give_a_picture_or_a_refusal(fmt: str, caplog: pytest.LogCaptureFixture) -> None:
    seed = fuzz_seed(fmt)
    rng = random.Random(f"recipes-{fmt}")  # noqa: S311 (seeded on purpose: the same mutations every run)
    outcomes = {"processed": 0, "refused": 0}
    for _ in range(100):
        data = mutate(seed, rng)
        try:
            result = process_image(data)
        except ImageRejected as refused:
            assert refused.message
            outcomes["refused"] += 1
        else:
            assert isinstance(result, ProcessedImage)
            assert result.full.data.startswith(b"RIFF")
            outcomes["processed"] += 1
    assert outcomes["processed"] and outcomes["refused"], outcomes
    # Every refusal came from an error Pillow is known to raise, none from the catch-all.
    assert not [record for record in caplog.records if record.levelname == "WARNING"]


# --- HEIC with and without pillow-heif ---------------------------------------------------------


FAKE_HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64


@needs_heif
def test_heic_decodes() -> None:
    result = process_image(heic(photo((1000, 750))))
    assert (result.full.width, result.full.height) == (1000, 750)
    assert (result.thumb.width, result.thumb.height) == (640, 480)
    assert_clean(result.full)


@needs_heif
def test_damaged_heic_is_refused() -> None:
    data = heic(photo((200, 150)))
    assert rejection(data[:-60]).code == "damaged"
    assert rejection(FAKE_HEIC).code == "damaged"


@pytest.mark.usefixtures("no_avif")
def test_without_pillow_heif_heic_is_refused_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    real_heic = heic(photo((200, 150))) if HAVE_HEIF else FAKE_HEIC
    # As on a machine where pillow-heif is not installed: importing it fails.
    monkeypatch.setitem(sys.modules, "pillow_heif", None)
    monkeypatch.setattr(processing, "_heif_registered", None)
    assert accepted_formats() == ("JPEG", "PNG", "WEBP")
    assert accepted_description() == "JPEG, PNG or WebP"
    for data in [real_heic, FAKE_HEIC]:
        refused = rejection(data)
        assert refused.code == "heic_unsupported"
        assert refused.message == (
            "This server cannot read HEIC pictures. Please upload a JPEG, PNG or WebP picture instead."
        )
    assert rejection(not_accepted("GIF")).message == "That file is not a JPEG, PNG or WebP picture."
    assert process_image(small_jpeg()).full.width == 96  # everything else still works


def test_heif_opener_is_registered_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []
    fake = types.ModuleType("pillow_heif")
    fake.register_heif_opener = lambda **options: calls.append(options)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "pillow_heif", fake)
    monkeypatch.setattr(processing, "_heif_registered", None)
    for _ in range(3):
        accepted_formats()
        accepted_description()
        process_image(small_jpeg())
    assert len(calls) == 1


@pytest.mark.usefixtures("no_avif")
def test_broken_pillow_heif_disables_heic(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    def register_heif_opener(**options: Any) -> None:
        raise OSError("libheif.so: cannot open shared object file")

    fake = types.ModuleType("pillow_heif")
    fake.register_heif_opener = register_heif_opener  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "pillow_heif", fake)
    monkeypatch.setattr(processing, "_heif_registered", None)
    assert accepted_formats() == ("JPEG", "PNG", "WEBP")
    assert rejection(FAKE_HEIC).code == "heic_unsupported"
    assert "HEIC pictures disabled" in caplog.text


def test_pillow_heif_is_not_imported_until_needed() -> None:
    code = "import sys, recipes.images.processing; print('pillow_heif' in sys.modules)"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "False"
