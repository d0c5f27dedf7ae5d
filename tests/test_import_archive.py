"""Opening uploaded files: hostile zips are refused whole, litter is hidden, names read right."""

from __future__ import annotations

import base64
import gzip
import io
import os
import stat
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from recipes.importing.files import archive
from recipes.importing.files.archive import SingleFile, ZipArchive, gunzip, open_archive, open_nested
from recipes.importing.files.parsed import FileRejected

from .archives import count_inflated

EXPORTS = Path(__file__).parent / "data" / "exports"
MB = 1024**2


def make_zip(files: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def raw_zip(entries: list[tuple[bytes, int, bytes, int, int]], flags: int = 0, compressed: int | None = None) -> bytes:
    """A zip written by hand: (name bytes, method, stored data, crc, declared uncompressed
    size) per entry, so sizes and names can say what a hostile file says. `compressed`:
    the compressed size the central directory declares (else the data's)."""
    out = io.BytesIO()
    central = io.BytesIO()
    for name, method, data, crc, size in entries:
        offset = out.tell()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, method, 0, 0, crc, len(data), size, len(name), 0))
        out.write(name)
        out.write(data)
        central.write(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                flags,
                method,
                0,
                0,
                crc,
                len(data) if compressed is None else compressed,
                size,
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
        )
        central.write(name)
    start = out.tell()
    directory = central.getvalue()
    out.write(directory)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), start, 0))
    return out.getvalue()


def zeros_deflated(megabytes: int) -> bytes:
    """`megabytes` MB of zeros as a raw deflate stream, made in milliseconds: after a full
    flush every 1 MB block compresses to the same bytes, so one block is repeated."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(MB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    return block * megabytes + compressor.flush()


def patched(data: bytes, old: bytes, new: bytes) -> bytes:
    """`data` with every `old` (a name, in both headers) replaced by `new` of the same length."""
    assert len(old) == len(new) and data.count(old) >= 2
    return data.replace(old, new)


# --- Ordinary files ------------------------------------------------------------------------


def test_not_a_zip_is_one_entry_named_after_the_file() -> None:
    opened = open_archive(b'{"name": "Soup"}', "../../My Recipes/soup.json")
    assert isinstance(opened, SingleFile)
    assert opened.names() == ["soup.json"]
    assert opened.read("soup.json") == b'{"name": "Soup"}'
    assert open_archive(b"hello").names() == ["file"]


def test_a_zip_is_recognised_by_its_bytes_not_its_name() -> None:
    opened = open_archive(make_zip({"a.txt": b"A"}), "export.json")
    assert isinstance(opened, ZipArchive)
    assert opened.names() == ["a.txt"]
    assert opened.read("a.txt") == b"A"


def test_directories_and_litter_are_not_listed() -> None:
    data = make_zip(
        {
            "Recipes/": b"",
            "Recipes/soup.json": b"{}",
            "Recipes/.DS_Store": b"x",
            "__MACOSX/Recipes/._soup.json": b"x",
            "Recipes/._soup.json": b"x",
            "Recipes/Thumbs.db": b"x",
            "./Recipes//stew.json": b"{}",
        }
    )
    assert open_archive(data).names() == ["Recipes/soup.json", "Recipes/stew.json"]


def test_a_repeated_name_is_listed_once() -> None:
    data = make_zip({"a.txt": b"first", "b.txt": b"B"})
    data = patched(data, b"b.txt", b"a.txt")
    opened = open_archive(data)
    assert opened.names() == ["a.txt"]
    assert opened.read("a.txt") == b"first"


def test_the_shared_paprika_sample_names_read_as_written() -> None:
    names = open_archive((EXPORTS / "paprika.zip").read_bytes()).names()
    assert "My Recipes/Zweimal gebratenes Hähnchen mit Gemüse und Nudeln.paprikarecipe" in names
    assert "My Recipes/Zwiebelrostbraten mit selbstgemachten Spätzle.paprikarecipe" in names
    assert len(names) == 5  # the __MACOSX and .DS_Store litter is gone


def test_cp437_names_and_macos_utf8_names_without_the_flag() -> None:
    data = make_zip({"Hxhnchen.txt": b"1", "Spaxxtzle.txt": b"2"})
    data = patched(data, b"Hxhnchen", b"H\x84hnchen")  # cp437 (DOS, old Windows tools)
    data = patched(data, b"Spaxxtzle", b"Spa\xcc\x88tzle")  # UTF-8, decomposed (macOS Archive Utility)
    assert open_archive(data).names() == ["Hähnchen.txt", "Spätzle.txt"]


def test_utf8_flagged_names() -> None:
    assert open_archive(make_zip({"Crème brûlée.json": b"{}"})).names() == ["Crème brûlée.json"]


def test_info_zip_unicode_path_field_wins() -> None:
    raw_name = b"Gr\x81n.txt"  # cp437 u-umlaut
    extra = b"\x01" + struct.pack("<I", zlib.crc32(raw_name)) + "Grün.txt".encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        info = zipfile.ZipInfo("GrXn.txt")
        info.extra = struct.pack("<HH", 0x7075, len(extra)) + extra
        zf.writestr(info, b"1")
    data = patched(buffer.getvalue(), b"GrXn.txt", raw_name)
    assert open_archive(data).names() == ["Grün.txt"]


# --- Leaving the folder --------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "../evil.json",
        "recipes/../../evil.json",
        "/etc/passwd",
        "C:/Windows/evil.json",
        "c:evil.json",
        "..\\evil.json",
        "recipes\\..\\..\\evil.json",
        "\\\\server\\share\\evil.json",
    ],
)
def test_names_outside_the_folder_are_refused(name: str) -> None:
    with pytest.raises(FileRejected) as caught:
        open_archive(make_zip({"ok.json": b"{}", name: b"x"}))
    assert "outside its folder" in caught.value.message
    assert caught.value.message.endswith("nothing was imported.")


def test_traversal_is_refused_even_as_litter() -> None:
    with pytest.raises(FileRejected):
        open_archive(make_zip({"__MACOSX/../../evil": b"x"}))


def test_a_nul_in_a_name_is_refused() -> None:
    data = patched(make_zip({"ok.json": b"{}", "abcd.json": b"x"}), b"abcd.json", b"ab\x00d.json")
    with pytest.raises(FileRejected, match="invalid name"):
        open_archive(data)


def test_symlinks_are_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("recipes/soup.json", b"{}")
        link = zipfile.ZipInfo("recipes/passwd")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, b"/etc/passwd")
    with pytest.raises(FileRejected, match="symbolic link"):
        open_archive(buffer.getvalue())


def test_encrypted_entries_are_refused() -> None:
    # Set the "encrypted" flag in both headers (zipfile cannot write encrypted entries).
    data = bytearray(make_zip({"secret.json": b"{}"}, zipfile.ZIP_STORED))
    data[data.index(b"PK\x03\x04") + 6] |= 1
    data[data.index(b"PK\x01\x02") + 8] |= 1
    with pytest.raises(FileRejected, match="password-protected"):
        open_archive(bytes(data))


def test_unreadable_compression_methods_are_refused() -> None:
    data = raw_zip([(b"a.json", 9, b"xx", 0, 2)])  # Deflate64
    with pytest.raises(FileRejected, match="compression method"):
        open_archive(data)


# --- Damage --------------------------------------------------------------------------------------


def test_a_truncated_zip_is_refused() -> None:
    data = make_zip({"a.json": os.urandom(5000), "b.json": os.urandom(5000)})
    with pytest.raises(FileRejected, match="damaged or incomplete"):
        open_archive(data[: len(data) // 2])


def test_a_zip_with_a_broken_entry_is_refused_when_read() -> None:
    data = bytearray(make_zip({"a.json": b"x" * 5000 + os.urandom(100)}))
    data[60:80] = bytes(20)  # inside the compressed data
    opened = open_archive(bytes(data))
    with pytest.raises(FileRejected, match="damaged"):
        opened.read("a.json")


# --- Bombs and caps ----------------------------------------------------------------------------------


def test_a_one_gigabyte_zip_bomb_is_refused_quickly(monkeypatch: pytest.MonkeyPatch) -> None:
    """Quickly: on what its directory declares, before a byte of it is inflated."""
    inflated = count_inflated(monkeypatch)
    bomb = raw_zip([(b"bomb.json", zipfile.ZIP_DEFLATED, zeros_deflated(1024), 0, 1024 * MB)])
    assert len(bomb) < 2 * MB
    with pytest.raises(FileRejected, match="zip bomb"):
        open_archive(bomb)
    assert sum(inflated) == 0
    open_archive(make_zip({"a.json": b"{}" * 100})).read("a.json")
    assert sum(inflated) == 200  # the count does see zipfile inflate an entry


def test_a_bomb_that_understates_its_size_yields_only_what_it_declares() -> None:
    # Claims 100 kB from 1 MB of deflate data that really unpacks to 1 GB: zipfile stops at
    # the declared size and the checksum fails; nothing near a gigabyte is ever produced.
    bomb = raw_zip([(b"bomb.json", zipfile.ZIP_DEFLATED, zeros_deflated(1024), 0, 100_000)])
    opened = open_archive(bomb)
    with pytest.raises(FileRejected, match="damaged"):
        opened.read("bomb.json")


def test_caps_are_enforced_again_while_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    # What the headers declared passed; the bytes produced are counted on their own.
    data = make_zip({"big.json": base64.b64encode(os.urandom(3 * MB)), "random.bin": os.urandom(3 * MB)})
    opened = open_archive(data)
    monkeypatch.setattr(archive, "MAX_RATIO", 1)
    with pytest.raises(FileRejected, match="zip bomb"):
        opened.read("big.json")
    monkeypatch.setattr(archive, "MAX_ENTRY_BYTES", 2 * MB)
    with pytest.raises(FileRejected, match="larger than 2 MB"):
        opened.read("random.bin")


def test_an_entry_over_the_size_cap_is_refused() -> None:
    data = raw_zip([(b"huge.json", zipfile.ZIP_STORED, b"x" * 10, 0, 300 * MB)], compressed=300 * MB)
    with pytest.raises(FileRejected, match="larger than 200 MB"):
        open_archive(data)


def test_a_total_over_the_cap_is_refused() -> None:
    entries = [(f"part{i}.json".encode(), zipfile.ZIP_STORED, b"x", 0, 150 * MB) for i in range(15)]
    with pytest.raises(FileRejected, match="more than 2 GB"):
        open_archive(raw_zip(entries, compressed=150 * MB))


def test_too_many_entries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive, "MAX_ENTRIES", 10)
    assert len(open_archive(make_zip({f"{i}.json": b"{}" for i in range(10)})).names()) == 10
    with pytest.raises(FileRejected, match="more than 10 files"):
        open_archive(make_zip({f"{i}.json": b"{}" for i in range(11)}))


def test_too_many_entries_is_seen_before_the_directory_is_parsed() -> None:
    data = bytearray(make_zip({"a.json": b"{}"}))
    end = data.rindex(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, 60_000, 60_000)
    with pytest.raises(FileRejected, match="more than 50,000 files"):
        open_archive(bytes(data))


# --- Zips inside zips ----------------------------------------------------------------------------------


def test_nested_zip_is_opened() -> None:
    outer = open_archive(make_zip({"1.zip": make_zip({"recipe.json": b"{}"}), "2.zip": b"not a zip"}))
    inner = open_nested(outer, "1.zip")
    assert inner.names() == ["recipe.json"]
    assert inner.read("recipe.json") == b"{}"
    with pytest.raises(FileRejected, match="not a zip"):
        open_nested(outer, "2.zip")


def test_a_zip_of_zip_bombs_is_refused() -> None:
    bomb = raw_zip([(b"bomb.json", zipfile.ZIP_DEFLATED, zeros_deflated(256), 0, 256 * MB)])
    outer = open_archive(make_zip({"1.zip": bomb}, zipfile.ZIP_STORED))
    with pytest.raises(FileRejected, match="zip bomb"):
        open_nested(outer, "1.zip")


def test_nested_zips_share_one_byte_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive, "MAX_TOTAL_BYTES", 3 * MB)
    inner = make_zip({"data.bin": os.urandom(MB // 2)}, zipfile.ZIP_STORED)
    outer = open_archive(make_zip({f"{i}.zip": inner for i in range(4)}, zipfile.ZIP_STORED))
    inners = [open_nested(outer, name) for name in outer.names()]  # 4 x 0.5 MB: within 3 MB
    with pytest.raises(FileRejected, match="unpacks to more than 3 MB"):
        for opened in inners:
            opened.read("data.bin")


def test_reading_an_entry_again_costs_nothing_more(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive, "MAX_TOTAL_BYTES", 3 * MB)
    opened = open_archive(make_zip({"a.bin": os.urandom(2 * MB)}))
    for _ in range(5):
        assert len(opened.read("a.bin")) == 2 * MB


def test_nested_zips_share_the_entry_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive, "MAX_ENTRIES_TOTAL", 20)
    inner = make_zip({f"{i}.json": b"{}" for i in range(10)})
    outer = open_archive(make_zip({"1.zip": inner, "2.zip": inner, "3.zip": inner}))
    open_nested(outer, "1.zip")
    with pytest.raises(FileRejected, match="more than 20 files in all"):
        open_nested(outer, "2.zip")


def test_nesting_depth_is_capped() -> None:
    data = make_zip({"recipe.json": b"{}"})
    for level in range(3):
        data = make_zip({f"level{level}.zip": data})
    outer = open_archive(data)
    first = open_nested(outer, "level2.zip")
    second = open_nested(first, "level1.zip")
    with pytest.raises(FileRejected, match="too deeply"):
        open_nested(second, "level0.zip")


# --- gzip inside -------------------------------------------------------------------------------------------


def test_gunzip_reads_gzip_and_refuses_bombs_and_damage() -> None:
    opened = open_archive(make_zip({"a": b""}))
    assert gunzip(opened, gzip.compress(b'{"name": "Soup"}')) == b'{"name": "Soup"}'
    with pytest.raises(FileRejected, match="zip bomb"):
        gunzip(opened, gzip.compress(bytes(50 * MB)), "bomb.paprikarecipe")
    with pytest.raises(ValueError, match=r"damaged|incomplete"):
        gunzip(opened, gzip.compress(b"x" * 1000)[:20])
    with pytest.raises(ValueError, match="damaged"):
        gunzip(opened, b"\x1f\x8bnot really gzip")


def test_an_entry_read_again_is_the_same_bytes_not_a_new_copy() -> None:
    """A file named by many recipes must not be unpacked (and kept) once per recipe."""
    import io
    import zipfile

    from recipes.importing.files.archive import open_archive

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("photo.jpg", b"\0" * 1_000_000)
    opened = open_archive(buffer.getvalue())
    assert opened.read("photo.jpg") is opened.read("photo.jpg")
