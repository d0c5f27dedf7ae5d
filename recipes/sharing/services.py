"""Share links: creating, listing, revoking and opening them, and saving a shared recipe
as one's own. Shared by the pages (and later the API and the CLI); no request objects here.

A link is a long random token, shown to its owner once. Only the token's SHA-256 is stored,
so the database (or a backup of it) holds nothing that opens a page (a new link's token waits
there only for the moment until its page shows it: recipes/shown_once.py); a token is checked by
looking its hash up, never by comparing tokens (recipes/secret_tokens.py mints them and
says whether one still works, as it does for API tokens). A revoked link is kept, so its
page can say "revoked" rather than "unknown", and its owner still sees how often it was opened.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from .. import secret_tokens, shown_once
from ..cookbook.services import copy_recipe, get_own_recipe
from ..extensions import db
from ..models import Recipe, ShareLink, User, token_digest, utcnow
from ..models import as_utc as as_utc  # the tests read it from here
from ..secret_tokens import Expiry

# What the owner sees of a link to tell links apart; the rest stays secret.
HINT_CHARS = 6

# The choices on the recipe page, by the stable value its form posts.
EXPIRIES = {
    "1d": Expiry("1 day", 1),
    "1w": Expiry("1 week", 7),
    "1m": Expiry("1 month", 30),
    "never": Expiry("Until I revoke it", None),
}
DEFAULT_EXPIRY = "1w"
# What a new link waits for in shown_once: the page that shows it ("created").
SHOWN_ON = "share_link"


class ShareNotFound(Exception):
    """No link with this token (never made, mistyped, or its recipe was deleted)."""


class ShareGone(Exception):
    """The link existed but no longer opens the recipe: `reason` is EXPIRED or REVOKED."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ShareInvalid(Exception):
    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class AlreadyYours(Exception):
    """The recipe behind the link is the user's own: there is nothing to save."""

    def __init__(self, recipe_id: int) -> None:
        super().__init__(recipe_id)
        self.recipe_id = recipe_id


def state_of(share: ShareLink, now: datetime | None = None) -> str:
    """LIVE, EXPIRED or REVOKED. Revoked wins: it is what the owner last did."""
    return secret_tokens.state_of(share.expires_at, share.revoked_at, now)


def new_link(expiry: str) -> tuple[secret_tokens.MintedToken, dict[str, Any]]:
    """A fresh token and the columns every share link keeps of it (its hash, hint, when it was
    made and when it stops working) for `expiry`, a key of EXPIRIES the caller has checked:
    recipe and list links alike."""
    token = secret_tokens.mint()
    now = utcnow()
    columns = {
        "token_hash": token.digest,
        "hint": token.hint(HINT_CHARS),
        "created_at": now,
        "expires_at": secret_tokens.expires_at(now, EXPIRIES[expiry].days),
    }
    return token, columns


def create_share(user: User, recipe_id: int, expiry: str, *, show_to: str | None = None) -> tuple[ShareLink, str]:
    """A new link to the user's own recipe, working for `expiry` (a key of EXPIRIES).
    Returns the link and its token: the token is not kept, so this is the only time anyone
    can see it. With `show_to` (a login session's token), the token also waits for that
    login's "created" page. RecipeNotFound for a recipe that is not the user's."""
    if expiry not in EXPIRIES:
        raise ShareInvalid("Choose how long the link should work.", "expiry")
    recipe = get_own_recipe(user, recipe_id)
    token, columns = new_link(expiry)
    share = ShareLink(recipe_id=recipe.id, **columns)
    db.session.add(share)
    if show_to is not None:
        shown_once.hold(show_to, SHOWN_ON, token.secret)
    db.session.commit()
    return share, token.secret


def own_share(user: User, recipe_id: int, token: str) -> ShareLink | None:
    """The link with this token to the user's own recipe `recipe_id`, whatever its state;
    None for a link to another recipe. RecipeNotFound for a recipe that is not the user's."""
    recipe = get_own_recipe(user, recipe_id)
    return db.session.scalar(
        select(ShareLink).where(ShareLink.token_hash == token_digest(token), ShareLink.recipe_id == recipe.id)
    )


def shares_of(user: User, recipe_id: int) -> list[ShareLink]:
    """Every link to the user's own recipe, newest first, whatever its state."""
    recipe = get_own_recipe(user, recipe_id)
    return list(
        db.session.scalars(
            select(ShareLink)
            .where(ShareLink.recipe_id == recipe.id)
            .order_by(ShareLink.created_at.desc(), ShareLink.id.desc())
        )
    )


def find_own_share(user: User, recipe_id: int, share_id: int) -> ShareLink:
    """The link `share_id` to the user's own recipe `recipe_id`; RecipeNotFound or
    ShareNotFound when it is not one."""
    recipe = get_own_recipe(user, recipe_id)
    share: ShareLink | None = db.session.scalar(
        select(ShareLink).where(ShareLink.id == share_id, ShareLink.recipe_id == recipe.id)
    )
    if share is None:
        raise ShareNotFound(share_id)
    return share


def revoke_share(user: User, recipe_id: int, share_id: int) -> ShareLink:
    """Turn the link off for good, from the next request on. Revoking twice is harmless.
    RecipeNotFound or ShareNotFound when it is not a link to the user's own recipe."""
    share = find_own_share(user, recipe_id, share_id)
    if share.revoked_at is None:
        share.revoked_at = utcnow()
    db.session.commit()
    return share


def open_share(token: str) -> ShareLink:
    """The live link with this token, its recipe (tags, picture) loaded; ShareNotFound or
    ShareGone otherwise. Asked on every request, so revoking takes effect at once."""
    if not secret_tokens.well_formed(token):
        raise ShareNotFound()
    share: ShareLink | None = db.session.scalar(
        select(ShareLink)
        .options(selectinload(ShareLink.recipe).selectinload(Recipe.tags))
        .options(selectinload(ShareLink.recipe).selectinload(Recipe.owner))
        .where(ShareLink.token_hash == token_digest(token))
    )
    if share is None:
        raise ShareNotFound()
    state = state_of(share)
    if state != secret_tokens.LIVE:
        raise ShareGone(state)
    return share


def record_view(share_id: int) -> None:
    """Count one view of the link. Its own short write transaction: the caller ends any
    read transaction first (and, on SQLite, asks for the write lock up front)."""
    db.session.execute(
        update(ShareLink)
        .where(ShareLink.id == share_id)
        # Counted in the database, so two views at once both count.
        .values(views=ShareLink.views + 1, last_viewed_at=utcnow())
    )
    db.session.commit()


def save_copy(user: User, share: ShareLink) -> Recipe:
    """A copy of the shared recipe (fields, tags, picture) as the user's own, made in one
    transaction by the same service that saves any new recipe (cookbook.services.copy_recipe).
    AlreadyYours when the user owns the original."""
    recipe = share.recipe
    if recipe.owner_id == user.id:
        raise AlreadyYours(recipe.id)
    return copy_recipe(user, recipe)
