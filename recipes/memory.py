"""Giving memory back to the system after a large piece of work (a file import).

Python frees the objects of a large import when it ends, but glibc's allocator keeps the freed
heap pages for later, so a worker that once imported a 150 MB file stayed that large for good.
`malloc_trim` hands the free pages back. Elsewhere than glibc (musl, macOS) this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import os
from functools import cache
from typing import Any


@cache
def _libc() -> Any:
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        libc = ctypes.CDLL(name)
    except OSError:
        return None
    return libc if hasattr(libc, "malloc_trim") else None


def give_back() -> bool:
    """Collect garbage and return free heap memory to the system; whether that was possible."""
    gc.collect()
    libc = _libc()
    if libc is None:
        return False
    libc.malloc_trim(0)
    return True


def resident_bytes() -> int:
    """This process's resident memory now (Linux), or 0 where that cannot be read."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            pages = int(statm.read().split()[1])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")
