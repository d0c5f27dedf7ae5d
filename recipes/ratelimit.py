"""Rate limits kept in the database, so they hold across Gunicorn workers and app containers.

A limit is "N actions per window" under a key (e.g. "import:user:7"). Each counted action
is a row; rows older than the window are deleted as the key is used again. `count` checks
and counts in one go; `check` and `record` apart count only some outcomes (failed logins).
"""

from __future__ import annotations

import ipaddress
import math

from sqlalchemy import delete, func, select, text

from .config import RateLimit as Limit
from .extensions import db
from .models import RateLimitHit, as_utc, utcnow

__all__ = ["Limit", "RateLimited", "check", "client_place", "count", "forget", "record"]


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
    if db.session.get_bind().dialect.name == "postgresql":
        # Two workers counting the same key queue here (SQLite's write lock already does this).
        db.session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key})
    now = utcnow()
    since = now - limit.window
    db.session.execute(delete(RateLimitHit).where(RateLimitHit.key == key, RateLimitHit.at < since))
    used, oldest = db.session.execute(
        select(func.count(), func.min(RateLimitHit.at)).where(RateLimitHit.key == key, RateLimitHit.at >= since)
    ).one()
    if used >= limit.count:
        free_at = as_utc(oldest) + limit.window
        raise RateLimited(max(1, math.ceil((free_at - now).total_seconds())), what)


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
