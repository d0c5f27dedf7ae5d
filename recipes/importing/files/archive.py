"""Opening an uploaded file safely, as named entries (see parsed.Archive).

A zip (recognised by its first bytes, never by its name) is checked as a whole before
anything is read: no entry may leave its folder (absolute names, drive letters, ".."
segments, also spelled with backslashes), none may be a symlink, encrypted or compressed
in a way we cannot read, and the counts and sizes it declares must be within the caps.
The caps are enforced again while reading, against the bytes actually produced: every
entry is streamed through one byte budget shared with the zips inside it (a zip of zip
bombs runs out of the same budget), so a lying size field buys nothing. An entry is
charged once, however often it is read (detecting the format reads some entries twice).

Anything else is a one-entry archive holding the file itself.

Entry names are what the person saw in their file manager: names without zip's UTF-8 flag
are read as cp437, as zip says, unless they are really UTF-8 (macOS writes them so),
and every name is NFC-normalised ("Ha\u0308hnchen" is "Hähnchen").
"""

from __future__ import annotations

import contextlib
import io
import re
import stat
import struct
import unicodedata
import zipfile
import zlib

from .parsed import FileRejected

# Caps. Module-level so tests can lower them.
MAX_ENTRIES = 50_000  # in one zip
MAX_ENTRIES_TOTAL = 200_000  # in a zip and all the zips opened inside it
MAX_TOTAL_BYTES = 2 * 1024**3  # uncompressed, a zip and everything inside it
MAX_ENTRY_BYTES = 200 * 1024**2  # one entry, uncompressed
MAX_RATIO = 200  # uncompressed / compressed, for entries over RATIO_FLOOR
RATIO_FLOOR = 1024**2
MAX_DEPTH = 2  # zips inside zips inside the file

_CHUNK = 1024**2
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_GZIP_MAGIC = b"\x1f\x8b"
_READABLE_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
_DRIVE = re.compile(r"^[A-Za-z]:")
_LITTER_NAMES = {".ds_store", "thumbs.db", "ehthumbs.db", "desktop.ini", ".localized", "icon\r"}
_UNICODE_PATH_EXTRA = 0x7075  # Info-ZIP's UTF-8 name for zips written without the UTF-8 flag

_NOTHING = "nothing was imported."


def is_zip(data: bytes) -> bool:
    return data[:4] in _ZIP_MAGIC


def is_gzip(data: bytes) -> bool:
    return data[:2] == _GZIP_MAGIC


class _Budget:
    """Bytes and entries left for a file and every zip opened inside it."""

    def __init__(self) -> None:
        self.bytes_left = MAX_TOTAL_BYTES
        self.entries_left = MAX_ENTRIES_TOTAL

    def spend(self, count: int) -> None:
        self.bytes_left -= count
        if self.bytes_left < 0:
            raise FileRejected(f"This archive unpacks to more than {_size(MAX_TOTAL_BYTES)}; {_NOTHING}")

    def open_entries(self, count: int) -> None:
        self.entries_left -= count
        if self.entries_left < 0:
            raise FileRejected(f"This archive holds more than {MAX_ENTRIES_TOTAL:,} files in all; {_NOTHING}")


def _size(count: int) -> str:
    if count >= 1024**3:
        return f"{count / 1024**3:g} GB"
    return f"{count / 1024**2:g} MB"


class SingleFile:
    """A file that is not an archive: one entry, named after the file."""

    def __init__(self, data: bytes, name: str = "") -> None:
        self.data = data
        self.name = _base_name(name) or "file"
        self.budget = _Budget()

    def names(self) -> list[str]:
        return [self.name]

    def read(self, name: str) -> bytes:
        if name != self.name:
            raise KeyError(name)
        return self.data


class ZipArchive:
    """A zip's files, checked when opened (see the module's notes)."""

    def __init__(self, data: bytes, *, budget: _Budget | None = None, depth: int = 0, label: str = "") -> None:
        self.budget = budget or _Budget()
        self.depth = depth
        self.label = label  # the inner zip's name, for messages
        _precheck_entry_count(data)
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
            raise FileRejected(f"{self._which()} is damaged or incomplete; {_NOTHING}") from exc
        if len(infos) > MAX_ENTRIES:
            raise FileRejected(f"{self._which()} holds more than {MAX_ENTRIES:,} files; {_NOTHING}")
        self.budget.open_entries(len(infos))
        declared = 0
        self._entries: dict[str, zipfile.ZipInfo] = {}
        # Entries already read: handed out again as the same bytes, so a file named by many
        # recipes (or read by several format checks) costs its memory and budget once.
        self._read: dict[str, bytes] = {}
        for info in infos:
            name = self._check(info)
            declared += info.file_size
            if declared > MAX_TOTAL_BYTES:
                raise FileRejected(f"{self._which()} unpacks to more than {_size(MAX_TOTAL_BYTES)}; {_NOTHING}")
            if name is not None and name not in self._entries:
                self._entries[name] = info

    def _which(self) -> str:
        return f"The archive inside it ({self.label})" if self.label else "This archive"

    def _check(self, info: zipfile.ZipInfo) -> str | None:
        """The entry's name as listed, None for directories and litter; FileRejected when
        the entry is not one we will read."""
        shown = _display_name(info)
        name = _safe_name(info, shown, self._which())
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise FileRejected(f"{self._which()} contains a symbolic link ({shown}); {_NOTHING}")
        if info.is_dir() or not name or _is_litter(name):
            return None
        if info.flag_bits & 0x1:
            raise FileRejected(f"{self._which()} is password-protected ({shown}); {_NOTHING}")
        if info.compress_type not in _READABLE_METHODS:
            raise FileRejected(f"{self._which()} uses a compression method we cannot read ({shown}); {_NOTHING}")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise FileRejected(f"{self._which()} is a zip bomb (a file compressed too far: {shown}); {_NOTHING}")
        if info.file_size > MAX_ENTRY_BYTES:
            raise FileRejected(f"A file in this archive is larger than {_size(MAX_ENTRY_BYTES)} ({shown}); {_NOTHING}")
        return name

    def names(self) -> list[str]:
        return list(self._entries)

    def read(self, name: str) -> bytes:
        if name in self._read:
            return self._read[name]
        info = self._entries[name]
        chunks: list[bytes] = []
        total = 0
        compressed = max(info.compress_size, 1)
        try:
            with self._zip.open(info) as stream:
                while chunk := stream.read(_CHUNK):
                    total += len(chunk)
                    if total > MAX_ENTRY_BYTES:
                        raise FileRejected(
                            f"A file in this archive is larger than {_size(MAX_ENTRY_BYTES)} ({name}); {_NOTHING}"
                        )
                    if total > RATIO_FLOOR and total > MAX_RATIO * compressed:
                        raise FileRejected(
                            f"{self._which()} is a zip bomb (a file compressed too far: {name}); {_NOTHING}"
                        )
                    self.budget.spend(len(chunk))
                    chunks.append(chunk)
        except (zipfile.BadZipFile, EOFError, OSError, zlib.error, ValueError, NotImplementedError) as exc:
            raise FileRejected(f"{self._which()} is damaged ({name} cannot be read); {_NOTHING}") from exc
        data = self._read[name] = b"".join(chunks)
        return data


def open_archive(data: bytes, filename: str = "") -> ZipArchive | SingleFile:
    """The uploaded file as entries: a zip's files, or the file itself as one entry."""
    if is_zip(data):
        return ZipArchive(data)
    return SingleFile(data, filename)


def open_nested(archive: object, name: str, data: bytes | None = None) -> ZipArchive:
    """The zip stored as entry `name` of `archive` (whose bytes, when already read, are
    `data`), opened under the same caps and the same byte budget. FileRejected when it is
    not a zip, is damaged, or is nested too deeply."""
    if not isinstance(archive, ZipArchive | SingleFile):
        raise TypeError("open_nested needs an archive from open_archive")
    depth = archive.depth + 1 if isinstance(archive, ZipArchive) else 1
    label = f"{archive.label}/{name}" if isinstance(archive, ZipArchive) and archive.label else name
    if depth > MAX_DEPTH:
        raise FileRejected(f"This archive nests zip files too deeply ({label}); {_NOTHING}")
    if data is None:
        data = archive.read(name)
    if not is_zip(data):
        raise FileRejected(f"{label} is not a zip archive; {_NOTHING}")
    return ZipArchive(data, budget=archive.budget, depth=depth, label=label)


def gunzip(archive: object, data: bytes, where: str = "") -> bytes:
    """A gzip-compressed entry's contents, under the archive's caps (a gzip bomb inside a
    zip is refused like a zip bomb). ValueError when the data is not gzip or is damaged."""
    budget = archive.budget if isinstance(archive, ZipArchive | SingleFile) else _Budget()
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    chunks: list[bytes] = []
    total = 0
    pending = data
    try:
        while not decompressor.eof:
            chunk = decompressor.decompress(pending, _CHUNK)
            if not chunk and len(decompressor.unconsumed_tail) >= len(pending):
                break  # no progress: the data ends early
            pending = decompressor.unconsumed_tail
            total += len(chunk)
            if total > MAX_ENTRY_BYTES:
                raise FileRejected(
                    f"A file in this archive unpacks to more than {_size(MAX_ENTRY_BYTES)} ({where}); {_NOTHING}"
                )
            if total > RATIO_FLOOR and total > MAX_RATIO * max(len(data), 1):
                raise FileRejected(f"This file is a zip bomb (a file compressed too far: {where}); {_NOTHING}")
            budget.spend(len(chunk))
            chunks.append(chunk)
    except zlib.error as exc:
        raise ValueError("damaged gzip data") from exc
    if not decompressor.eof:
        raise ValueError("incomplete gzip data")
    return b"".join(chunks)


# --- Names -----------------------------------------------------------------------------------


def _base_name(name: str) -> str:
    return unicodedata.normalize("NFC", name.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1].replace("\x00", ""))


def _unicode_path_extra(info: zipfile.ZipInfo, raw: bytes) -> str | None:
    """Info-ZIP's UTF-8 copy of the name, when it is there and belongs to this name."""
    extra = info.extra
    offset = 0
    while offset + 4 <= len(extra):
        header_id, size = struct.unpack_from("<HH", extra, offset)
        body = extra[offset + 4 : offset + 4 + size]
        offset += 4 + size
        if header_id == _UNICODE_PATH_EXTRA and len(body) > 5 and body[0] == 1:
            (crc,) = struct.unpack_from("<I", body, 1)
            if crc == zlib.crc32(raw):
                try:
                    return body[5:].decode("utf-8")
                except UnicodeDecodeError:
                    return None
    return None


def _display_name(info: zipfile.ZipInfo) -> str:
    """The name as its writer meant it (see the module's notes)."""
    name = info.orig_filename
    if not info.flag_bits & 0x800:
        try:
            raw = name.encode("cp437")
        except UnicodeEncodeError:
            raw = b""
        if raw:
            better = _unicode_path_extra(info, raw)
            if better is not None:
                name = better
            else:
                with contextlib.suppress(UnicodeDecodeError):
                    name = raw.decode("utf-8")
    return unicodedata.normalize("NFC", name)


def _safe_name(info: zipfile.ZipInfo, shown: str, which: str) -> str:
    """The entry's name with "/" separators and no empty or "." parts; FileRejected when it
    would leave the archive's folder."""
    if "\x00" in info.orig_filename or "\x00" in shown:
        raise FileRejected(f"{which} contains a file with an invalid name; {_NOTHING}")
    for candidate in (shown, info.orig_filename):
        path = candidate.replace("\\", "/")
        parts = path.split("/")
        if path.startswith("/") or _DRIVE.match(path) or ".." in parts:
            raise FileRejected(f"{which} contains a file outside its folder ({shown}); {_NOTHING}")
    parts = [part for part in shown.replace("\\", "/").split("/") if part not in ("", ".")]
    return "/".join(parts)


def _is_litter(name: str) -> bool:
    """macOS, Windows and version-control leftovers nobody means to import."""
    parts = name.split("/")
    base = parts[-1]
    return (
        "__MACOSX" in parts[:-1]
        or base.lower() in _LITTER_NAMES
        or base.startswith("._")
        or any(part in (".git", ".svn") for part in parts[:-1])
    )


def _precheck_entry_count(data: bytes) -> None:
    """Refuse a zip that says it holds far too many entries before Python builds an object
    for each one (the end record is in the last 64 kB)."""
    tail = data[-(65_535 + 22) :]
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return
    (total,) = struct.unpack_from("<H", tail, at + 10)
    if total != 0xFFFF and total > MAX_ENTRIES:
        raise FileRejected(f"This archive holds more than {MAX_ENTRIES:,} files; {_NOTHING}")
