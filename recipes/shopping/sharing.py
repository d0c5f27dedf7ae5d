"""Read-only links to a shopping list, for someone without an account (the one who shops for you).

They work as recipe share links do (recipes/sharing/): the token is minted, shown once and checked
by secret_tokens.py, only its SHA-256 is stored, the choices of how long one works are the same
(sharing.services.EXPIRIES), a revoked or expired link says so. Any member of the household makes,
sees and revokes the links of its lists. No request objects here.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from .. import secret_tokens, shown_once
from ..extensions import db
from ..models import ShoppingList, ShoppingListShare, User, token_digest, utcnow
from ..sharing.services import DEFAULT_EXPIRY, EXPIRIES, ShareGone, ShareInvalid, ShareNotFound, new_link
from .services import get_list

__all__ = [
    "DEFAULT_EXPIRY",
    "EXPIRIES",
    "SHOWN_ON",
    "ShareGone",
    "ShareInvalid",
    "ShareNotFound",
    "create_share",
    "open_share",
    "own_share",
    "record_view",
    "revoke_share",
    "shares_of",
    "state_of",
]

# What a new link waits for in shown_once: the list page, which shows it once.
SHOWN_ON = "list_share"


def state_of(share: ShoppingListShare, now: datetime | None = None) -> str:
    return secret_tokens.state_of(share.expires_at, share.revoked_at, now)


def create_share(user: User, list_id: int, expiry: str, *, show_to: str | None = None) -> ShoppingListShare:
    """A new read-only link to one of the household's lists, working for `expiry` (a key of
    EXPIRIES); with `show_to` (a login's token) its token waits for that login's list page."""
    if expiry not in EXPIRIES:
        raise ShareInvalid("Choose how long the link should work.", "expiry")
    shopping_list = get_list(user, list_id)
    token, columns = new_link(expiry)
    share = ShoppingListShare(list_id=shopping_list.id, **columns)
    db.session.add(share)
    if show_to is not None:
        shown_once.hold(show_to, SHOWN_ON, token.secret)
    db.session.commit()
    return share


def shares_of(shopping_list: ShoppingList) -> list[ShoppingListShare]:
    """Every link to the list (found with get_list), newest first, whatever its state."""
    return list(
        db.session.scalars(
            select(ShoppingListShare)
            .where(ShoppingListShare.list_id == shopping_list.id)
            .order_by(ShoppingListShare.created_at.desc(), ShoppingListShare.id.desc())
        )
    )


def own_share(shopping_list: ShoppingList, token: str) -> ShoppingListShare | None:
    """The link with this token to the list (found with get_list), if it is one."""
    return db.session.scalar(
        select(ShoppingListShare).where(
            ShoppingListShare.token_hash == token_digest(token), ShoppingListShare.list_id == shopping_list.id
        )
    )


def revoke_share(user: User, list_id: int, share_id: int) -> ShoppingListShare:
    """Turn the link off for good (twice is harmless). ShareNotFound for no link of this list."""
    shopping_list = get_list(user, list_id)
    share: ShoppingListShare | None = db.session.scalar(
        select(ShoppingListShare).where(ShoppingListShare.id == share_id, ShoppingListShare.list_id == shopping_list.id)
    )
    if share is None:
        raise ShareNotFound(share_id)
    if share.revoked_at is None:
        share.revoked_at = utcnow()
    db.session.commit()
    return share


def open_share(token: str) -> tuple[ShoppingListShare, ShoppingList]:
    """The live link with this token and its list; ShareNotFound or ShareGone otherwise."""
    if not secret_tokens.well_formed(token):
        raise ShareNotFound()
    share: ShoppingListShare | None = db.session.scalar(
        select(ShoppingListShare).where(ShoppingListShare.token_hash == token_digest(token))
    )
    if share is None:
        raise ShareNotFound()
    state = state_of(share)
    if state != secret_tokens.LIVE:
        raise ShareGone(state)
    shopping_list = db.session.get(ShoppingList, share.list_id)
    if shopping_list is None:  # the foreign key makes this impossible
        raise ShareNotFound()
    return share, shopping_list


def record_view(share_id: int) -> None:
    """Count one view, in its own short write transaction (the caller ends its read first)."""
    db.session.execute(
        update(ShoppingListShare)
        .where(ShoppingListShare.id == share_id)
        .values(views=ShoppingListShare.views + 1, last_viewed_at=utcnow())
    )
    db.session.commit()
