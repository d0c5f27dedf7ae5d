"""Files that appear whole or not at all: written once (the secret key, the seeded Gunicorn
config, the setup code), or replaced (an unedited Gunicorn config brought up to date)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def _temporary_copy(path: Path, data: bytes, mode: int) -> str:
    """`data` in a new file beside `path`, flushed to disk: its name."""
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    return tmp_name


def replace_atomically(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Put `data` at `path` in place of what is there: readers see the old file or the new one."""
    os.replace(_temporary_copy(path, data, mode), path)


def write_atomically(path: Path, data: bytes, mode: int = 0o600) -> bool:
    """Write `data` to `path` unless it exists; return whether this call created it.

    The file appears whole or not at all (temp file + hard link), and when several
    processes race, the first one wins and the others keep its content.
    """
    tmp_name = _temporary_copy(path, data, mode)
    try:
        try:
            os.link(tmp_name, path)
        except FileExistsError:
            return False
        except OSError:
            # Some network and FUSE file systems have no hard links: rename instead
            # (atomic too, though a writer racing us here could be overwritten).
            if path.exists():
                return False
            os.replace(tmp_name, path)
            return True
        return True
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
