"""What the admin does to accounts: disable and enable one, end all its logins and API tokens,
delete it (its recipes kept under another account, or deleted), and make a one-time link to
set a new password. Shared by the admin's pages and the CLI; no request objects in here.

One rule holds throughout: there is always an enabled admin left to do these things.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import ColumnElement, delete, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, joinedload

from ..cookbook import ownership
from ..database import release_transaction
from ..extensions import db
from ..households import services as households
from ..models import ApiToken, LoginSession, PasswordReset, Recipe, User, token_digest, utcnow
from ..secret_tokens import idle_cutoff, is_expired, mint
from .passwords import hash_password
from .services import AccountError, _lock_accounts, validate_password

DEFAULT_RESET_HOURS = 24
MAX_RESET_HOURS = 7 * 24
# Where a reset link leads (the route is auth.views.reset_password); the CLI, which has no
# request to build an address from, prints this path after RECIPES_BASE_URL if it is set.
RESET_PATH = "/auth/reset/"


class ResetInvalid(Exception):
    """Not a reset link of this instance, used, replaced by a newer one, expired, or its
    account disabled (callers need not know which)."""


@dataclass(frozen=True)
class AccountSummary:
    """One line of the admin's list of accounts."""

    user: User
    recipes: int
    logins: int  # live ones
    tokens: int


@dataclass(frozen=True)
class Ended:
    logins: int
    tokens: int


def accounts(idle_days: int) -> list[AccountSummary]:
    """Every account, by name, with what it has."""

    def per_user(column: InstrumentedAttribute[int], *where: ColumnElement[bool]) -> dict[int, int]:
        rows = db.session.execute(select(column, func.count()).where(*where).group_by(column))
        return dict(rows.all())

    recipes = per_user(Recipe.owner_id)
    logins = per_user(LoginSession.user_id, LoginSession.last_seen_at > idle_cutoff(utcnow(), idle_days))
    tokens = per_user(ApiToken.user_id)
    users = db.session.scalars(select(User).order_by(User.username))
    return [AccountSummary(u, recipes.get(u.id, 0), logins.get(u.id, 0), tokens.get(u.id, 0)) for u in users]


def other_accounts(user: User) -> list[User]:
    """Every account but `user`, by name (those that could keep its recipes)."""
    return list(db.session.scalars(select(User).where(User.id != user.id).order_by(User.username)))


def count_recipes(user: User) -> int:
    return ownership.count_recipes(user.id)


def counted(n: int, thing: str) -> str:
    return f"{n} {thing}" + ("" if n == 1 else "s")


def deletion_plan(name: str, recipes: int, keeper: str | None) -> str:
    """What deleting the account `name` will do, as a question."""
    if not recipes:
        return f"Delete the account {name} (it has no recipes)?"
    if keeper is None:
        return f"Delete the account {name} and its {counted(recipes, 'recipe')}?"
    return f"Delete the account {name} and move its {counted(recipes, 'recipe')} to {keeper}?"


def deletion_done(name: str, recipes: int, keeper: str | None) -> str:
    """What deleting the account `name` did."""
    if not recipes:
        return f"Deleted the account {name} (it had no recipes)."
    if keeper is None:
        return f"Deleted the account {name} and its {counted(recipes, 'recipe')}."
    verb = "belongs" if recipes == 1 else "belong"
    return f"Deleted the account {name}; its {counted(recipes, 'recipe')} now {verb} to {keeper}."


def admin_needed(user: User, doing: str) -> str | None:
    """Why `doing` ("disabling", "deleting") to `user` is refused: they are the last enabled
    admin, and nobody could then manage accounts. None when it is allowed."""
    if not user.is_admin or not user.is_active:
        return None
    others = db.session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.is_admin.is_(True), User.disabled_at.is_(None), User.id != user.id)
    )
    if others:
        return None
    return (
        f"{user.username} is the only enabled admin: {doing} them would leave nobody to manage accounts. "
        "Make another admin first (recipes create-user NAME --admin)."
    )


def _keep_an_admin(user: User, doing: str) -> None:
    _lock_accounts()  # two admins disabling each other at once must not both succeed
    reason = admin_needed(user, doing)
    if reason:
        raise AccountError(reason)


def _end_access(user: User, keep_login: str | None = None) -> Ended:
    logins = delete(LoginSession).where(LoginSession.user_id == user.id)
    if keep_login:
        logins = logins.where(LoginSession.token_hash != token_digest(keep_login))
    ended_logins = db.session.execute(logins)
    ended_tokens = db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    return Ended(int(ended_logins.rowcount), int(ended_tokens.rowcount))  # type: ignore[attr-defined]


def end_access(user: User, keep_login: str | None = None) -> Ended:
    """End every login of the account and revoke all its API tokens; an admin doing this to
    their own account keeps the login they are using (`keep_login`). Commits."""
    ended = _end_access(user, keep_login)
    db.session.commit()
    return ended


def disable(user: User) -> bool:
    """Disable the account: it can no longer log in, its logins end and its API tokens stop
    working at once (they work again if it is enabled again), and its reset links are
    deleted. False if it was disabled already. Commits."""
    if not user.is_active:
        return False
    _keep_an_admin(user, "disabling")
    user.disabled_at = utcnow()
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    db.session.execute(delete(PasswordReset).where(PasswordReset.user_id == user.id))
    db.session.commit()
    return True


def enable(user: User) -> bool:
    """Let a disabled account log in again (its API tokens work again). False if it was
    enabled already. Commits."""
    if user.is_active:
        return False
    user.disabled_at = None
    db.session.commit()
    return True


def delete_account(user: User, move_recipes_to: User | None) -> int:
    """Delete the account, with its logins, API tokens and reset links. Its recipes (with
    their pictures, tags and share links) go to `move_recipes_to`, or with None are deleted
    too. Returns how many recipes were moved or deleted. Commits."""
    if move_recipes_to is not None and move_recipes_to.id == user.id:
        raise AccountError("Choose another account to keep the recipes.", "move_to")
    _keep_an_admin(user, "deleting")
    if move_recipes_to is not None:
        count = ownership.move_recipes(user.id, move_recipes_to.id)
    else:
        count = ownership.delete_recipes(user.id)
    # A bulk DELETE: the account's logins, tokens and reset links go by the database's cascade;
    # its recipes are no longer its own (moved or deleted above).
    household_id = user.household_id
    db.session.execute(delete(User).where(User.id == user.id))
    households.departed(household_id)  # deleted if it was the last member, else it keeps an admin
    db.session.commit()
    return count


# --- one-time links to set a new password -------------------------------------------------------


def reset_link(secret: str, base_url: str | None) -> str:
    """The link to give: an absolute address when the site's base URL is known, else a path."""
    return (base_url or "").rstrip("/") + RESET_PATH + secret


def make_reset_link(user: User, hours: int | None = None) -> tuple[PasswordReset, str]:
    """A new one-time link for `user` to set a new password, working for `hours` (default
    DEFAULT_RESET_HOURS): the row, and the token (shown once, never stored). It replaces any
    older link of theirs. Commits."""
    hours = DEFAULT_RESET_HOURS if hours is None else hours
    if not 1 <= hours <= MAX_RESET_HOURS:
        raise AccountError(f"A reset link can work from 1 to {MAX_RESET_HOURS} hours.", "hours")
    if not user.is_active:
        raise AccountError(f"{user.username} is disabled: enable the account first.")
    now = utcnow()
    token = mint()
    # The newest link is the only one; expired ones of anyone's go too.
    db.session.execute(
        delete(PasswordReset).where(or_(PasswordReset.user_id == user.id, PasswordReset.expires_at <= now))
    )
    row = PasswordReset(
        user_id=user.id, token_hash=token.digest, created_at=now, expires_at=now + timedelta(hours=hours)
    )
    db.session.add(row)
    db.session.commit()
    return row, token.secret


def _live_reset(secret: str, *, for_update: bool = False) -> PasswordReset:
    if not secret or len(secret) > 200:
        raise ResetInvalid
    query = select(PasswordReset).options(joinedload(PasswordReset.user, innerjoin=True))
    if for_update:
        query = query.with_for_update(of=PasswordReset)
    row: PasswordReset | None = db.session.scalar(query.where(PasswordReset.token_hash == token_digest(secret)))
    if row is None or is_expired(row.expires_at) or not row.user.is_active:
        raise ResetInvalid
    return row


def find_reset(secret: str) -> PasswordReset:
    """The live reset link with this token, or ResetInvalid."""
    return _live_reset(secret)


def use_reset(secret: str, new_password: str) -> User:
    """Set a new password with a reset link, once: the link is deleted, every login of the
    account ends and its API tokens are revoked. Returns the account. Commits."""
    validate_password(new_password, "new_password")
    _live_reset(secret)  # a dead link is refused before the slow hashing
    release_transaction()  # before ~50 ms of argon2
    new_hash = hash_password(new_password)
    row = _live_reset(secret, for_update=True)  # and again: used meanwhile by another request?
    user = row.user
    user.password_hash = new_hash
    db.session.execute(delete(PasswordReset).where(PasswordReset.user_id == user.id))
    _end_access(user)
    db.session.commit()
    return user
