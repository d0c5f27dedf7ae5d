"""Calendar feeds of the plan (`/plan/<token>.ics`): made by any member of the household (on
the planner page, or `POST /api/v1/plan/feed`), listed there for every member, revoked by
any of them. No request objects in here.

A feed's address is minted by recipes/secret_tokens.py, like share links and invites: only its
SHA-256 is kept, and the address is shown once (it waits in recipes/shown_once.py for the page
that shows it). It reads the plan as the member who made it sees it (so a recipe private to
someone else stays "A recipe of bob's" there too), and only while that member is still in the
household and may log in; it goes with their account. Addresses that do not open are counted
against the client's address (RECIPES_FEED_RATE_LIMIT), as failed invites are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Integer, bindparam, func, select, update
from sqlalchemy.orm import joinedload

from .. import ratelimit, secret_tokens, shown_once
from ..access import feeds_of
from ..extensions import db
from ..models import PlanFeed, User, as_utc, token_digest, utcnow
from . import limits

# What the members see of an address to tell feeds apart; the rest stays secret.
HINT_CHARS = 6
# What a new address waits for in shown_once: the planner page.
SHOWN_ON = "plan_feed"
# What a token can look like; anything else is unknown without a database round trip.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{40,128}")
# A fetch is written down at most this often (calendars poll; a read need not be a write).
FETCH_NOTED_EVERY = timedelta(hours=1)
# Revoked feeds listed (and kept, so their address answers "revoked"): the newest ones.
REVOKED_KEPT = 20

LIVE, REVOKED = secret_tokens.LIVE, secret_tokens.REVOKED


class FeedNotFound(Exception):
    """No feed with this token or id for this household (another household's looks the same)."""


class FeedGone(Exception):
    """The feed existed but no longer opens: revoked, or its maker left the household."""


class FeedRefused(Exception):
    """A feed that cannot be made now, in words for the person who asked."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class FeedRow:
    """A feed as the planner page lists it."""

    id: int
    hint: str
    maker: str
    created_at: datetime
    revoked_at: datetime | None
    last_fetched_at: datetime | None

    @property
    def state(self) -> str:
        """LIVE or REVOKED."""
        return secret_tokens.state_of(None, self.revoked_at)


def create_feed(user: User, *, show_to: str | None = None) -> tuple[PlanFeed, str]:
    """A new feed of `user`'s household's plan, read as `user` sees it: the row and its token
    (shown once, never kept). With `show_to` (a login session's token), the token also waits
    for that login's planner page. Commits."""
    live = db.session.scalar(
        select(func.count()).select_from(PlanFeed).where(feeds_of(user), PlanFeed.revoked_at.is_(None))
    )
    if (live or 0) >= limits.FEEDS_MAX:
        raise FeedRefused(limits.TOO_MANY_FEEDS)
    _prune(user)
    token = secret_tokens.mint()
    feed = PlanFeed(
        household_id=user.household_id,
        user_id=user.id,
        token_hash=token.digest,
        hint=token.hint(HINT_CHARS),
        created_at=utcnow(),
    )
    db.session.add(feed)
    if show_to is not None:
        shown_once.hold(show_to, SHOWN_ON, token.secret)
    db.session.commit()
    return feed, token.secret


def _prune(user: User) -> None:
    """Keep the list bounded: only the newest REVOKED_KEPT revoked feeds stay."""
    revoked = db.session.scalars(
        select(PlanFeed)
        .where(feeds_of(user), PlanFeed.revoked_at.is_not(None))
        .order_by(PlanFeed.revoked_at.desc(), PlanFeed.id.desc())
        .offset(REVOKED_KEPT)
    )
    for feed in revoked:
        db.session.delete(feed)


# The planner page's list, built once per worker with its household as a bound parameter (it is
# on every view of the page, and building a statement anew cost more than running it).
_LIST = (
    select(
        PlanFeed.id,
        PlanFeed.hint,
        User.username,
        PlanFeed.created_at,
        PlanFeed.revoked_at,
        PlanFeed.last_fetched_at,
    )
    .join(User, User.id == PlanFeed.user_id)
    .where(PlanFeed.household_id == bindparam("household_id", type_=Integer))
    .order_by(PlanFeed.revoked_at.is_not(None), PlanFeed.created_at.desc(), PlanFeed.id.desc())
)


def feeds_list(user: User) -> list[FeedRow]:
    """Every feed of `user`'s household, live ones first, newest first, with who made each."""
    rows = db.session.connection().execute(_LIST, {"household_id": user.household_id})
    return [FeedRow(*row) for row in rows]


def own_feed(user: User, secret: str) -> PlanFeed | None:
    """The feed of `user`'s household whose token this is, or None."""
    return db.session.scalar(select(PlanFeed).where(PlanFeed.token_hash == token_digest(secret), feeds_of(user)))


def find_feed(user: User, feed_id: int) -> PlanFeed:
    feed: PlanFeed | None = db.session.scalar(select(PlanFeed).where(PlanFeed.id == feed_id, feeds_of(user)))
    if feed is None:
        raise FeedNotFound(feed_id)
    return feed


def revoke_feed(user: User, feed_id: int) -> PlanFeed:
    """Turn a feed off for good, from the next fetch on (revoking twice is harmless). Any member
    may: the plan is everyone's. Commits."""
    feed = find_feed(user, feed_id)
    if feed.revoked_at is None:
        feed.revoked_at = utcnow()
    db.session.commit()
    return feed


def open_feed(token: str) -> PlanFeed:
    """The live feed with this token, its maker loaded; FeedNotFound or FeedGone otherwise. Asked
    on every fetch, so revoking (or leaving the household) takes effect at once."""
    if not _TOKEN.fullmatch(token):
        raise FeedNotFound()
    feed: PlanFeed | None = db.session.scalar(
        select(PlanFeed).options(joinedload(PlanFeed.user)).where(PlanFeed.token_hash == token_digest(token))
    )
    if feed is None:
        raise FeedNotFound()
    maker = feed.user
    if feed.revoked_at is not None or maker.household_id != feed.household_id or not maker.is_active:
        raise FeedGone()
    return feed


def note_fetch(feed_id: int, last: datetime | None) -> None:
    """Write down that the feed was fetched, when the last note is older than FETCH_NOTED_EVERY.
    Its own short write transaction: the caller ends any read transaction first."""
    now = utcnow()
    if last is not None and now - as_utc(last) < FETCH_NOTED_EVERY:
        return
    db.session.execute(update(PlanFeed).where(PlanFeed.id == feed_id).values(last_fetched_at=now))
    db.session.commit()


def address_key(address: str) -> str:
    """The rate-limit key of a client address (an IPv6 client by its /64)."""
    return f"feed:ip:{ratelimit.client_place(address)}"


def count_failure(address: str, limit: ratelimit.Limit) -> None:
    """Count a feed address that did not open from this client, in its own committed
    transaction; RateLimited when the client had too many already."""
    try:
        ratelimit.count(address_key(address), limit, "calendar feed attempts")
    finally:
        db.session.commit()
