"""Secret tokens that open something: API tokens, share links, login sessions and password
reset links (household invite links next). The one place that mints them, says what is
stored of them, and says how long one lasts and whether it still works. No request objects,
no queries here: each feature keeps its own rows, rules and messages.

A token is shown once, when it is made; only its SHA-256 is kept (`models.token_digest`,
next to the columns that hold it), and a token is checked by looking its hash up, never by
comparing tokens. A fast hash is enough here (unlike passwords): a token is 256 random bits,
nothing anyone could guess or look up.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from .models import as_utc, token_digest, utcnow

# 32 random bytes: 43 URL-safe characters, far beyond guessing (and beyond enumerating).
TOKEN_BYTES = 32

LIVE, EXPIRED, REVOKED = "live", "expired", "revoked"
# What a minted link token (no prefix) can look like: anything else is unknown at once,
# without a database round trip.
_LINK_TOKEN = re.compile(r"[A-Za-z0-9_-]{40,128}")


@dataclass(frozen=True)
class MintedToken:
    secret: str  # for its owner, once: never stored
    digest: str  # what the database keeps

    def hint(self, chars: int) -> str:
        """What the owner sees of the token to tell tokens apart; the rest stays secret."""
        return self.secret[:chars]


def mint(prefix: str = "") -> MintedToken:
    """A new token: `prefix` (say, what kind of token it is) and TOKEN_BYTES random bytes."""
    secret = prefix + secrets.token_urlsafe(TOKEN_BYTES)
    return MintedToken(secret=secret, digest=token_digest(secret))


def well_formed(token: str) -> bool:
    """Whether `token` could be a link token minted here (share links of recipes and lists)."""
    return _LINK_TOKEN.fullmatch(token) is not None


@dataclass(frozen=True)
class Expiry:
    """One choice of how long a token works, as a form offers it."""

    label: str
    days: int | None  # None: it never expires (until revoked)


def expires_at(now: datetime, days: int | None) -> datetime | None:
    """When a token made at `now`, working for `days` (None: for ever), stops working."""
    return now + timedelta(days=days) if days is not None else None


def is_expired(expires: datetime | None, now: datetime | None = None) -> bool:
    return expires is not None and as_utc(expires) <= (now or utcnow())


def idle_cutoff(now: datetime, idle_days: int) -> datetime:
    """For a token that ends when unused for `idle_days` (a login): it still works at `now`
    only if it was last used after this moment."""
    return now - timedelta(days=idle_days)


def state_of(expires: datetime | None, revoked: datetime | None, now: datetime | None = None) -> str:
    """LIVE, EXPIRED or REVOKED. Revoked wins: it is what the owner last did."""
    if revoked is not None:
        return REVOKED
    if is_expired(expires, now):
        return EXPIRED
    return LIVE
