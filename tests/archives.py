"""Building archives for import tests, and counting what reading them inflates."""

from __future__ import annotations

import io
import zipfile
import zlib
from typing import Any

import pytest


def zip_of(files: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip holding these files (name -> bytes), in this order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


class _Counting:
    """A zlib decompressor that notes the size of everything it produces."""

    def __init__(self, inner: Any, produced: list[int]) -> None:
        self._inner = inner
        self._produced = produced

    def decompress(self, *args: Any, **kwargs: Any) -> bytes:
        out: bytes = self._inner.decompress(*args, **kwargs)
        self._produced.append(len(out))
        return out

    def flush(self, *args: Any, **kwargs: Any) -> bytes:
        out: bytes = self._inner.flush(*args, **kwargs)
        self._produced.append(len(out))
        return out

    def __getattr__(self, name: str) -> Any:  # eof, unconsumed_tail, unused_data
        return getattr(self._inner, name)


def count_inflated(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """From now on (for the test), the size of every piece zlib inflates, in this process.

    zipfile and the archive reader inflate deflate and gzip data only through
    `zlib.decompressobj` and `zlib.decompress`, so `sum()` of the list is how many bytes
    reading an archive has produced: the measure of whether a bomb went off."""
    produced: list[int] = []
    decompressobj, decompress = zlib.decompressobj, zlib.decompress

    def counting_decompressobj(*args: Any, **kwargs: Any) -> _Counting:
        return _Counting(decompressobj(*args, **kwargs), produced)

    def counting_decompress(*args: Any, **kwargs: Any) -> bytes:
        out = decompress(*args, **kwargs)
        produced.append(len(out))
        return out

    monkeypatch.setattr(zlib, "decompressobj", counting_decompressobj)
    monkeypatch.setattr(zlib, "decompress", counting_decompress)
    return produced
