"""Invite links (`/join/<token>`): made by a household's admins (on the household page, or
`recipes create-invite`), listed with their uses, revoked; opened by someone who then signs
up into the household, or (signed in) joins it. No request objects in here.

A link is minted by recipes/secret_tokens.py, like share links and API tokens: only its
SHA-256 is kept, and the link itself is shown once (it waits in recipes/shown_once.py for the
page that shows it). Every invite expires (1 day, 1 week or 30 days); a single-use one is
used up by its first use. Using one and failing to open one are counted against the client's
address (RECIPES_INVITE_RATE_LIMIT), as failed logins are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .. import ratelimit, secret_tokens, shown_once
from ..extensions import db
from ..models import MEMBER, HouseholdInvite, User, token_digest, utcnow
from ..secret_tokens import Expiry
from . import services
from .services import Departure, HouseholdError

# What the household page offers, by the stable value its form posts.
EXPIRIES = {
    "1d": Expiry("1 day", 1),
    "1w": Expiry("1 week", 7),
    "30d": Expiry("30 days", 30),
}
DEFAULT_EXPIRY = "1w"
MAX_DAYS = 30
# What an admin sees of a link to tell links apart; the rest stays secret.
HINT_CHARS = 6
# Invites listed per household, live or not: a bound on the page (older dead ones go first).
MAX_LISTED = 50
# What a new link waits for in shown_once: the household page.
SHOWN_ON = "household_invite"
# Where a link leads (the route is auth's `joining.join`); the CLI, which has no request to
# build an address from, prints this path after RECIPES_BASE_URL if it is set.
JOIN_PATH = "/join/"
# What a token can look like; anything else is unknown without a database round trip.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{40,128}")

LIVE, EXPIRED, REVOKED, USED_UP = secret_tokens.LIVE, secret_tokens.EXPIRED, secret_tokens.REVOKED, "used_up"


class InviteNotFound(Exception):
    """No invite with this token (never made, mistyped, or its household is gone)."""


class InviteGone(Exception):
    """The invite existed but no longer works: `reason` is EXPIRED, REVOKED or USED_UP."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def state_of(invite: HouseholdInvite, now: datetime | None = None) -> str:
    """LIVE, EXPIRED, REVOKED or USED_UP. Revoked wins: it is what an admin last did."""
    state = secret_tokens.state_of(invite.expires_at, invite.revoked_at, now)
    if state == LIVE and invite.single_use and invite.uses >= 1:
        return USED_UP
    return state


def invite_link(secret: str, base_url: str | None) -> str:
    """The link to give: an absolute address when the site's base URL is known, else a path."""
    return (base_url or "").rstrip("/") + JOIN_PATH + secret


def address_key(address: str) -> str:
    """The rate-limit key of a client address (as for logins: an IPv6 client by its /64)."""
    return f"invite:ip:{ratelimit.client_place(address)}"


def check_address(address: str, limit: ratelimit.Limit) -> None:
    """RateLimited when this address has used (or failed to open) too many invites lately."""
    ratelimit.check(address_key(address), limit, "invite attempts")


def count_failure(address: str, limit: ratelimit.Limit) -> None:
    """Count an invite that did not open from this address, in its own committed
    transaction; RateLimited when the address had too many already."""
    try:
        ratelimit.count(address_key(address), limit, "invite attempts")
    finally:
        db.session.commit()


def count_use(address: str) -> None:
    """Count a use of an invite from this address, in its own committed transaction."""
    ratelimit.record(address_key(address))
    db.session.commit()


def create_invite(
    user: User,
    days: int,
    single_use: bool,
    *,
    limit: ratelimit.Limit | None = None,
    show_to: str | None = None,
) -> tuple[HouseholdInvite, str]:
    """A new invite to `user`'s household, working for `days` (1 to MAX_DAYS): the row, and
    the token (shown once, never kept). Admins only. With `limit`, counted against the admin's
    invite limit; with `show_to` (a login session's token), the token also waits for that
    login's household page. Commits."""
    if not 1 <= days <= MAX_DAYS:
        raise HouseholdError(f"An invite can work from 1 to {MAX_DAYS} days.", "expiry")
    household = services.household_for_admin(user)
    if limit is not None:
        try:
            ratelimit.count(f"invite:user:{user.id}", limit, "invites made")
        except ratelimit.RateLimited as exc:
            db.session.commit()  # the expired hits it pruned
            raise HouseholdError(exc.message) from None
    _prune(household.id)
    token = secret_tokens.mint()
    now = utcnow()
    invite = HouseholdInvite(
        household_id=household.id,
        token_hash=token.digest,
        hint=token.hint(HINT_CHARS),
        created_by_id=user.id,
        created_at=now,
        expires_at=secret_tokens.expires_at(now, days),
        single_use=single_use,
    )
    db.session.add(invite)
    if show_to is not None:
        shown_once.hold(show_to, SHOWN_ON, token.secret)
    db.session.commit()
    return invite, token.secret


def _prune(household_id: int) -> None:
    """Keep the household's list bounded: past MAX_LISTED - 1, its oldest invites that no
    longer work go (a live one is never deleted behind its admins' backs)."""
    rows = list(
        db.session.scalars(
            select(HouseholdInvite)
            .where(HouseholdInvite.household_id == household_id)
            .order_by(HouseholdInvite.created_at.desc(), HouseholdInvite.id.desc())
        )
    )
    for invite in rows[MAX_LISTED - 1 :]:
        if state_of(invite) != LIVE:
            db.session.delete(invite)


def invites_of(user: User) -> list[HouseholdInvite]:
    """Every invite of `user`'s household, newest first, whatever its state (for its admins)."""
    return list(
        db.session.scalars(
            select(HouseholdInvite)
            .options(joinedload(HouseholdInvite.created_by))
            .where(HouseholdInvite.household_id == user.household_id)
            .order_by(HouseholdInvite.created_at.desc(), HouseholdInvite.id.desc())
        )
    )


def own_invite(user: User, secret: str) -> HouseholdInvite | None:
    """The invite of `user`'s household whose token this is, or None."""
    return db.session.scalar(
        select(HouseholdInvite).where(
            HouseholdInvite.token_hash == token_digest(secret), HouseholdInvite.household_id == user.household_id
        )
    )


def find_invite(user: User, invite_id: int) -> HouseholdInvite:
    """Invite `invite_id` of `user`'s household; InviteNotFound for any other."""
    invite: HouseholdInvite | None = db.session.scalar(
        select(HouseholdInvite).where(
            HouseholdInvite.id == invite_id, HouseholdInvite.household_id == user.household_id
        )
    )
    if invite is None:
        raise InviteNotFound(invite_id)
    return invite


def revoke_invite(user: User, invite_id: int) -> HouseholdInvite:
    """Turn an invite off for good, from the next request on (revoking twice is harmless).
    Admins only; InviteNotFound for an invite of another household. Commits."""
    find_invite(user, invite_id)  # someone else's invite: not found, before "not an admin"
    services.household_for_admin(user)
    invite = find_invite(user, invite_id)
    if invite.revoked_at is None:
        invite.revoked_at = utcnow()
    db.session.commit()
    return invite


def _live(token: str, *, for_update: bool = False) -> HouseholdInvite:
    if not _TOKEN.fullmatch(token):
        raise InviteNotFound()
    query = select(HouseholdInvite).options(joinedload(HouseholdInvite.household, innerjoin=True))
    if for_update:
        query = query.with_for_update(of=HouseholdInvite)
    invite: HouseholdInvite | None = db.session.scalar(query.where(HouseholdInvite.token_hash == token_digest(token)))
    if invite is None:
        raise InviteNotFound()
    state = state_of(invite)
    if state != LIVE:
        raise InviteGone(state)
    return invite


def open_invite(token: str) -> HouseholdInvite:
    """The live invite with this token, its household loaded; InviteNotFound or InviteGone."""
    return _live(token)


@dataclass(frozen=True)
class Joined:
    household_name: str
    left: Departure | None  # what the household the account came from became (None: a new account)


def use_invite(token: str, user: User) -> Joined:
    """Put `user` into the invite's household as a member, counting the use (a single-use
    invite is then used up). For a new account (being signed up) and an existing one
    (leaving its household) alike. Checked again under a lock, so a single-use invite opened
    twice at once lets in one. Part of the caller's transaction."""
    invite = _live(token, for_update=True)
    if user.household_id == invite.household_id:
        raise HouseholdError("You are a member of this household already.")
    invite.uses += 1
    invite.last_used_at = utcnow()
    left = services.place(user, invite.household, MEMBER)
    return Joined(invite.household.name, left)


def join(user: User, token: str) -> Joined:
    """An existing account joins the invite's household, leaving its own (its recipes stay
    its own; those it shares with its household are seen by the new one instead). Commits."""
    joined = use_invite(token, user)
    db.session.commit()
    return joined
