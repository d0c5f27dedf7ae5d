"""Rate limits kept in the database, so they hold across Gunicorn workers and app containers.

A limit is "N actions per window" under a key (e.g. "import:user:7"). Counted actions are rows
(a row counts `hits` actions, one unless reserved as a block); rows older than the window are
deleted as the key is used again. `count` checks and counts in one go; `check` and `record`
apart count only some outcomes (failed logins).

Blocks, for limits counted on every request (the API's): a write transaction per request would
make every read a write, queued behind every other one. Instead a process reserves a block of
hits with one row (`reserve`, which checks the limit first) and hands them out from memory
(`Blocks.take`) until they are used up or the row leaves the window; then it reserves again.
What that costs in exactness, for a limit of N per window over P processes (every worker of
every container on the database) with blocks of B (`block_size`: at most N/100, and at most
BLOCK_MAX):
- Over any window at most N + P*(B-1) actions get through: every hit handed out belongs to a
  row that was inside the limit when it was written, and hit while that row still counts; what
  may spill over is what each process had left of a block reserved before the window began.
- A caller may be refused up to P*(B-1) actions early: hits reserved by processes the caller's
  requests no longer reach count until their rows leave the window.
With the default API limit (600 a minute, blocks of 6) and 4 workers, that is 20 requests
(3%) either way; a limit under 200 a window is counted exactly (blocks of 1).
"""

from __future__ import annotations

import ipaddress
import math
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import delete, func, select, text

from .config import RateLimit as Limit
from .extensions import db
from .models import RateLimitHit, as_utc, utcnow

__all__ = [
    "Blocks",
    "Limit",
    "RateLimited",
    "Reservation",
    "block_size",
    "blocks_of",
    "check",
    "client_place",
    "count",
    "forget",
    "record",
    "reserve",
]

BLOCK_SHARE = 100  # a block is at most 1/BLOCK_SHARE of its limit ...
BLOCK_MAX = 50  # ... and never more than this many hits
BLOCKED_KEYS_MAX = 10_000  # keys a process keeps blocks for (the stale ones go first)


def client_place(address: str) -> str:
    """What a client address is counted as: an IPv4 address itself, an IPv6 one by its /64,
    which one household or one attacker usually has whole."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:60] or "unknown"
    return str(ipaddress.ip_network(f"{ip}/64", strict=False)) if ip.version == 6 else str(ip)


class RateLimited(Exception):
    def __init__(self, retry_after: int, what: str) -> None:
        self.retry_after = retry_after
        wait = f"{retry_after} seconds" if retry_after < 120 else f"{math.ceil(retry_after / 60)} minutes"
        self.message = f"Too many {what} for now. Try again in {wait}."
        super().__init__(self.message)


def check(key: str, limit: Limit, what: str) -> None:
    """Raise RateLimited (naming `what`, e.g. "imports") when `key`'s window is full;
    count nothing. Part of the caller's transaction."""
    _room(key, limit, what)


def _room(key: str, limit: Limit, what: str) -> int:
    """How many more actions `key`'s window has room for (at least one), or RateLimited."""
    if db.session.get_bind().dialect.name == "postgresql":
        # Two workers counting the same key queue here (SQLite's write lock already does this).
        db.session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key})
    now = utcnow()
    since = now - limit.window
    db.session.execute(delete(RateLimitHit).where(RateLimitHit.key == key, RateLimitHit.at < since))
    used, oldest = db.session.execute(
        select(func.coalesce(func.sum(RateLimitHit.hits), 0), func.min(RateLimitHit.at)).where(
            RateLimitHit.key == key, RateLimitHit.at >= since
        )
    ).one()
    if used >= limit.count:
        free_at = as_utc(oldest) + limit.window
        raise RateLimited(max(1, math.ceil((free_at - now).total_seconds())), what)
    return int(limit.count - used)


def record(key: str) -> None:
    """Count one action under `key` (part of the caller's transaction)."""
    db.session.add(RateLimitHit(key=key, at=utcnow()))


def count(key: str, limit: Limit, what: str) -> None:
    """Count one action under `key`, or raise RateLimited when the window is full.

    Part of the caller's transaction: commit it so the action counts for everyone."""
    check(key, limit, what)
    record(key)


def forget(key: str) -> None:
    """Drop every counted action under `key` (part of the caller's transaction)."""
    db.session.execute(delete(RateLimitHit).where(RateLimitHit.key == key))


# --- blocks of hits (see the module's docstring) ---------------------------------------------


def block_size(limit: Limit) -> int:
    """How many hits a process reserves at once under `limit`: a hundredth of it, 1 to BLOCK_MAX."""
    return max(1, min(BLOCK_MAX, limit.count // BLOCK_SHARE))


@dataclass(frozen=True)
class Reservation:
    hits: int  # reserved with one row; the request that reserved them uses the first
    started: float  # the process's monotonic clock just before the row's time was taken
    window: float  # seconds the row counts for


def reserve(key: str, limit: Limit, what: str, clock: Callable[[], float] = time.monotonic) -> Reservation:
    """Count one action under `key` and reserve up to `block_size(limit) - 1` more with it, in
    one row, or raise RateLimited when the window is full. Fewer when the window has less room.

    Part of the caller's transaction: hand the reservation to `Blocks.keep` once it is committed."""
    started = clock()
    hits = min(block_size(limit), _room(key, limit, what))
    db.session.add(RateLimitHit(key=key, at=utcnow(), hits=hits))
    return Reservation(hits, started, limit.window.total_seconds())


@dataclass
class _Block:
    left: int
    until: float  # on the monotonic clock: the row leaves the window then, and its hits with it


class Blocks:
    """The hits this process has reserved and not yet handed out, by key. One per app (see
    `blocks_of`); forgotten in a forked child, which must reserve its own."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()  # never held across anything that could wait
        self._blocks: dict[str, _Block] = {}
        self._pid = os.getpid()

    def take(self, key: str) -> bool:
        """Hand out one of `key`'s reserved hits; False when none is left (reserve a block)."""
        with self._lock:
            self._after_fork()
            block = self._blocks.get(key)
            if block is None:
                return False
            if block.left <= 0 or self._clock() >= block.until:
                del self._blocks[key]
                return False
            block.left -= 1
            return True

    def keep(self, key: str, reservation: Reservation) -> None:
        """After `reservation` was committed: its hits but the first (its own request's) are
        `key`'s block, replacing what was left of an older one (a race of two requests of one
        process: the older hits are dropped, which only makes the limit stricter)."""
        with self._lock:
            self._after_fork()
            self._blocks.pop(key, None)
            if reservation.hits <= 1:
                return
            if len(self._blocks) >= BLOCKED_KEYS_MAX:
                self._drop_stale()
            self._blocks[key] = _Block(reservation.hits - 1, reservation.started + reservation.window)

    def left(self, key: str) -> int:
        """Hits still reserved under `key` in this process (for tests and diagnostics)."""
        with self._lock:
            self._after_fork()
            block = self._blocks.get(key)
            return block.left if block is not None and self._clock() < block.until else 0

    def _after_fork(self) -> None:
        if self._pid != os.getpid():
            self._blocks.clear()
            self._pid = os.getpid()

    def _drop_stale(self) -> None:
        now = self._clock()
        self._blocks = {key: block for key, block in self._blocks.items() if block.left > 0 and now < block.until}
        while len(self._blocks) >= BLOCKED_KEYS_MAX:  # all of them live: the oldest go
            del self._blocks[next(iter(self._blocks))]


_BLOCKS = "recipes_rate_blocks"


def blocks_of(app: Flask) -> Blocks:
    """`app`'s blocks: each app (each container) reserves its own."""
    found = app.extensions.get(_BLOCKS)
    if found is None:
        found = app.extensions[_BLOCKS] = Blocks()
    return found
