"""Database models (SQLAlchemy 2 typed declarative)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from .cookbook import limits
from .extensions import db


def utcnow() -> datetime:
    # A callable, so each row gets its own time (not the import time).
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A stored time as an aware UTC datetime: SQLite gives back naive ones (stored in UTC)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def token_digest(token: str) -> str:
    """What is stored of a secret token (login sessions, API tokens, share links): its
    SHA-256. A fast hash is enough for 256 random bits, which no one can guess or look up."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def effective_total_minutes(total: int | None, prep: int | None, cook: int | None) -> int | None:
    """The total time as given, or prep + cook when only those are known."""
    if total is not None:
        return total
    parts = [t for t in (prep, cook) if t is not None]
    return sum(parts) if parts else None


class Renditions:
    """A processed picture's columns (images/store.picture_columns fills them): the full size and
    the thumbnail, re-encoded, with their sizes. Shared by recipe pictures and kept form pictures."""

    digest: Mapped[str] = mapped_column(String(64))
    mime: Mapped[str] = mapped_column(String(40))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    thumb_width: Mapped[int] = mapped_column(Integer)
    thumb_height: Mapped[int] = mapped_column(Integer)
    # Deferred: loading a row never drags the picture's bytes along.
    full: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    thumb: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)


# Who may see a recipe besides its owner (access.visible_to is the rule that applies it):
# nobody, the members of the owner's household, or every account of this instance.
PRIVATE, HOUSEHOLD, PUBLIC = "private", "household", "public"
VISIBILITIES = (PRIVATE, HOUSEHOLD, PUBLIC)

# A household member's role: an admin invites and removes members and names the household.
ADMIN, MEMBER = "admin", "member"
ROLES = (ADMIN, MEMBER)
# What a new household calls its meals (the planner's rows), in order; and its week's first day.
DEFAULT_MEAL_NAMES = ("breakfast", "lunch", "dinner", "snack")
WEEK_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
HOUSEHOLD_NAME_MAX = 60
MEAL_NAME_MAX = 30
MEALS_MAX = 12


def default_meal_names() -> list[str]:
    return list(DEFAULT_MEAL_NAMES)


class Household(db.Model):  # type: ignore[name-defined]
    """The people who share recipes (those marked `household`), a meal plan and shopping
    lists. Every account belongs to exactly one (households/services.py keeps it so)."""

    __tablename__ = "household"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(HOUSEHOLD_NAME_MAX))
    # The meals a day of the plan has, in order: what the planner shows and its API accepts.
    meal_names: Mapped[list[str]] = mapped_column(
        JSON, default=default_meal_names, server_default=text(f"'{json.dumps(list(DEFAULT_MEAL_NAMES))}'")
    )
    week_start: Mapped[str] = mapped_column(String(9), default="monday", server_default="monday")
    # The time of day of some meals ({"dinner": "18:30"}): the calendar feed's events for them
    # start then; a meal without one is an all-day event.
    meal_times: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default=text("'{}'"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    members: Mapped[list[User]] = relationship(back_populates="household", order_by="User.username")

    def __repr__(self) -> str:
        return f"<Household {self.id} {self.name!r}>"


class User(UserMixin, db.Model):  # type: ignore[name-defined]
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # When the admin disabled the account, or None: enabled. A disabled account cannot log
    # in, and its logins and API tokens stop working (see auth/lifecycle.py).
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # How the recipe list shows recipes to this account: "grid" (pictures in columns) or
    # "list" (compact rows); see cookbook/preferences.py.
    recipe_layout: Mapped[str] = mapped_column(String(10), default="grid", server_default="grid")
    # How amounts are shown to the account: "original" (as written), "metric" or "us".
    unit_system: Mapped[str] = mapped_column(String(10), default="original", server_default="original")
    # The household the account belongs to (always one), and its role there: ADMIN or MEMBER.
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id"), index=True)
    household_role: Mapped[str] = mapped_column(String(10), default=MEMBER, server_default=MEMBER)

    household: Mapped[Household] = relationship(back_populates="members")
    recipes: Mapped[list[Recipe]] = relationship(
        back_populates="owner", cascade="all, delete-orphan", passive_deletes=True
    )
    login_sessions: Mapped[list[LoginSession]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def is_active(self) -> bool:
        # Flask-Login's name for "may log in".
        return self.disabled_at is None

    def attach_login(self, token: str, last_seen: datetime | None = None) -> None:
        """Bind this object to one login session (see LoginSession), and when that login
        was last seen (None: just now)."""
        self._login_token = token
        self._login_last_seen = last_seen

    @property
    def login_last_seen(self) -> datetime | None:
        """When the login this object was loaded for was last seen (None: just now, or no login)."""
        return getattr(self, "_login_last_seen", None)

    def get_id(self) -> str | None:
        # Flask-Login keeps get_id() in the cookie: it names a login session row, not the
        # user, so deleting that row (logout, password change) makes copies of the cookie useless.
        return getattr(self, "_login_token", None)

    def __repr__(self) -> str:
        return f"<User {self.username!r}>"


class LoginSession(db.Model):  # type: ignore[name-defined]
    """One signed-in browser. Deleting the row ends that login everywhere its cookie went."""

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user_agent: Mapped[str] = mapped_column(String(255), default="")
    # When the login was last used, to within a day (writing it on every request would make
    # every page view a write): one idle for RECIPES_SESSION_DAYS has ended.
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)

    user: Mapped[User] = relationship(back_populates="login_sessions")


class PasswordReset(db.Model):  # type: ignore[name-defined]
    """A one-time link to set a new password, made by the admin. Only its SHA-256 is kept;
    using it deletes it, and so does making a newer one for the same account."""

    __tablename__ = "password_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()


class PendingSecret(db.Model):  # type: ignore[name-defined]
    """A secret just made (a new API token, a new share link), waiting for the page that
    shows it to the login that made it: taken (deleted) by that page, gone with the login,
    ignored and cleared after a few minutes (recipes/shown_once.py). Never in the session
    cookie, which is signed, not encrypted; and left out of backups (`info`)."""

    __tablename__ = "pending_secret"
    __table_args__ = ({"info": {"backed_up": False}},)

    id: Mapped[int] = mapped_column(primary_key=True)
    login_session_id: Mapped[int] = mapped_column(ForeignKey("login_session.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # which page shows it: "api_token", "share_link"
    secret: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PendingPicture(Renditions, db.Model):  # type: ignore[name-defined]
    """A picture chosen on a recipe form that came back with an error (no title, a bad time):
    already checked and re-encoded, kept for that form's next submit by the same login so it
    need not be chosen again (images/pending.py). Found by the SHA-256 of a random key the form
    carries, and only for its login; gone once used, with its login, or after a day. Left out
    of backups (`info`)."""

    __tablename__ = "pending_picture"
    __table_args__ = ({"info": {"backed_up": False}},)

    id: Mapped[int] = mapped_column(primary_key=True)
    login_session_id: Mapped[int] = mapped_column(ForeignKey("login_session.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ImportResult(db.Model):  # type: ignore[name-defined]
    """What one import did (an export file's summary, a list of addresses' outcomes), kept a
    short while for the results page the import leads to, so reloading it shows the same
    (importing/results.py). Found by the SHA-256 of a random key in that page's address, and
    only for the login that imported; gone with its login or after a day. Left out of backups."""

    __tablename__ = "import_result"
    __table_args__ = ({"info": {"backed_up": False}},)

    id: Mapped[int] = mapped_column(primary_key=True)
    login_session_id: Mapped[int] = mapped_column(ForeignKey("login_session.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # "file" or "addresses"
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


recipe_tag = Table(
    "recipe_tag",
    db.metadata,
    Column("recipe_id", ForeignKey("recipe.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True),
    # Covering: "recipes with this tag" is read from the index alone.
    Index("ix_recipe_tag_tag_recipe", "tag_id", "recipe_id"),
)


class Tag(db.Model):  # type: ignore[name-defined]
    __tablename__ = "tag"
    __table_args__ = (UniqueConstraint("owner_id", "name", name="uq_tag_owner_id_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    # The key every match compares (recipe_text.normalize_tag: lower case), one per owner ...
    name: Mapped[str] = mapped_column(String(limits.TAG_MAX), index=True)
    # ... and the tag as its owner last typed it ("BBQ"); NULL for a row written without one.
    label: Mapped[str | None] = mapped_column(String(limits.TAG_MAX))
    # What pages, the API and exports show: the label, or else the name.
    display_name: Mapped[str] = column_property(func.coalesce(label, name))

    def __repr__(self) -> str:
        return f"<Tag {self.name!r}>"


class Recipe(db.Model):  # type: ignore[name-defined]
    __tablename__ = "recipe"
    __table_args__ = (
        # The sort orders, each with the id as tie-break, so a page is a walk down an index.
        # (No index starting with visibility: SQLite would then answer "mine or public"
        # with two index lookups and sort everything, instead of walking created_at.)
        Index("ix_recipe_created", "created_at", "id"),
        Index("ix_recipe_title", "title", "id"),
        Index("ix_recipe_total_minutes", "total_minutes", "id"),
        Index("ix_recipe_owner_created", "owner_id", "created_at"),
        Index("ix_recipe_owner_source", "owner_id", "source_key"),
        # What a search's count checks of each recipe the text index finds, without reading its
        # row (search/backends.py: SQLite is told to use it). It starts with the id, so it is
        # never a way into "mine or public" (see above).
        Index("ix_recipe_visible_to", "id", "visibility", "owner_id", "total_minutes"),
        # Whether any recipe's ingredients are left to read, asked at every start-up (migration 0019).
        Index("ix_recipe_ingredients_read_by", "ingredients_read_by"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(limits.TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    # Lists of strings, kept verbatim and in order. An ingredient ending in ":" is a section header.
    ingredients: Mapped[list[str]] = mapped_column(JSON, default=list)
    instructions: Mapped[list[str]] = mapped_column(JSON, default=list)
    # One reading per ingredient line, same order (recipes/ingredients/detail.py, as JSON); kept in
    # step by the cookbook's column values on every path that writes a recipe. NULL: not read yet
    # (a library from before migration 0011, until the backfill reaches it).
    ingredient_details: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    # The READER_VERSION the readings came from: an older one is read again by the backfill.
    ingredients_read_by: Mapped[int | None] = mapped_column(Integer)
    servings: Mapped[str] = mapped_column(String(limits.SERVINGS_MAX), default="")
    prep_time: Mapped[int | None] = mapped_column(Integer)
    cook_time: Mapped[int | None] = mapped_column(Integer)
    total_time: Mapped[int | None] = mapped_column(Integer)
    # The total time as given, or prep + cook when only those are known: what cards show,
    # what "quickest" sorts by and "at most N minutes" filters on (kept by the services).
    total_minutes: Mapped[int | None] = mapped_column(Integer)
    source_url: Mapped[str] = mapped_column(String(limits.SOURCE_URL_MAX), default="")
    # The source URL normalised and hashed (see cookbook.sources.source_key): finds "already
    # imported" with a short index, whatever the spelling or tracking parameters of the URL.
    source_key: Mapped[str | None] = mapped_column(String(64))
    # Per serving, as the source gave it: {"calories": "82 kcal", ...}
    nutrition: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default=text("'{}'"))
    # The picture's content address (RecipeImage.digest), or None: cards need only this.
    image_digest: Mapped[str | None] = mapped_column(String(64))
    notes: Mapped[str] = mapped_column(Text, default="")
    # PRIVATE, HOUSEHOLD or PUBLIC (see access.visible_to). Any other value shows it to nobody
    # but its owner: the rule only ever widens for the two values it names.
    visibility: Mapped[str] = mapped_column(String(10), default=PRIVATE, server_default=PRIVATE)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    owner: Mapped[User] = relationship(back_populates="recipes")
    tags: Mapped[list[Tag]] = relationship(secondary=recipe_tag, order_by=Tag.name)
    image: Mapped[RecipeImage | None] = relationship(
        back_populates="recipe", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def is_public(self) -> bool:
        return self.visibility == PUBLIC

    def __repr__(self) -> str:
        return f"<Recipe {self.id} {self.title!r}>"


class RecipeImage(Renditions, db.Model):  # type: ignore[name-defined]
    """A recipe's picture, in the database so one backup (or one shared PostgreSQL) holds
    everything. Stored as re-encoded renditions only: the upload itself is never kept."""

    __tablename__ = "recipe_image"

    recipe_id: Mapped[int] = mapped_column(ForeignKey("recipe.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    recipe: Mapped[Recipe] = relationship(back_populates="image")


class PendingRecipe(db.Model):  # type: ignore[name-defined]
    """A recipe of a file import still arriving: hidden from everyone (its owner too) until the
    import's last slice is in, when these rows are deleted in one short transaction. Rows left
    by an import that died are swept with their recipes (cookbook/bulk.py)."""

    __tablename__ = "pending_recipe"

    recipe_id: Mapped[int] = mapped_column(ForeignKey("recipe.id", ondelete="CASCADE"), primary_key=True)
    import_key: Mapped[str] = mapped_column(String(32), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RateLimitHit(db.Model):  # type: ignore[name-defined]
    """Counted actions (an import, a failed login, `hits` API requests a worker reserved at
    once) under a key such as "import:user:7", at one moment. In the database, so the limit
    holds across workers and containers."""

    __tablename__ = "rate_limit_hit"
    __table_args__ = (Index("ix_rate_limit_hit_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    hits: Mapped[int] = mapped_column(default=1, server_default=text("1"))


class ApiToken(db.Model):  # type: ignore[name-defined]
    """A personal API token. Only its SHA-256 is kept: the token itself is shown once."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The token's first characters, so its owner can tell tokens apart ("rcp_Ab3d…").
    hint: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()


class HouseholdInvite(db.Model):  # type: ignore[name-defined]
    """A link that brings an account into a household (`/join/<token>`). Only the token's
    SHA-256 is kept, as for share links; a revoked or used-up invite stays listed (with its
    uses) until its household deletes it or it has long expired."""

    __tablename__ = "household_invite"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(16))
    # Who made it (None once that account is deleted).
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    single_use: Mapped[bool] = mapped_column(Boolean, default=False)
    uses: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    household: Mapped[Household] = relationship()
    created_by: Mapped[User | None] = relationship()


class ShareLink(db.Model):  # type: ignore[name-defined]
    """A read-only link to one recipe for people without an account. Only the token's
    SHA-256 is kept; a revoked link stays (so its page can say "revoked", not "unknown")."""

    __tablename__ = "share_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipe_id: Mapped[int] = mapped_column(ForeignKey("recipe.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    views: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    last_viewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    recipe: Mapped[Recipe] = relationship()


# A plan entry's own texts: a note's words ("Leftovers"), and a remark on any entry.
PLAN_TITLE_MAX = 200
PLAN_NOTE_MAX = 500
# What a plan entry is: a recipe (at some servings) or a note ("Eat out").
PLAN_RECIPE, PLAN_NOTE = "recipe", "note"


class PlanEntry(db.Model):  # type: ignore[name-defined]
    """One thing planned for one meal of one day, in a household's meal plan: a recipe (at some
    servings) or a note ("Leftovers", "Eat out"). Every member of the household reads and
    changes it; nobody else sees it (access.in_plan_of).

    A recipe deleted later leaves its entries as notes (`recipe_id` is set NULL by the
    database): `title` keeps the recipe's title when the whole household could read it, so the
    plan still says what was meant (recipes/planner/services.py keeps it)."""

    __tablename__ = "plan_entry"
    __table_args__ = (
        # The week view and the feed read a household's days in order, slot by slot.
        Index("ix_plan_entry_household_day", "household_id", "day", "meal", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    meal: Mapped[str] = mapped_column(String(MEAL_NAME_MAX))
    # Its place among the entries of the same day and meal (from 0).
    position: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    # PLAN_RECIPE or PLAN_NOTE. A recipe's entry stays one when the recipe is deleted (then
    # `recipe_id` is NULL): the plan says a recipe was meant, and which, as far as it may.
    kind: Mapped[str] = mapped_column(String(10), default=PLAN_NOTE, server_default=PLAN_NOTE)
    recipe_id: Mapped[int | None] = mapped_column(ForeignKey("recipe.id", ondelete="SET NULL"), index=True)
    # A note's words; for a recipe, its title when planned, kept only when every member could
    # read it (a private recipe's title never outlives it in the household's plan).
    title: Mapped[str] = mapped_column(String(PLAN_TITLE_MAX), default="", server_default="")
    # For a recipe: how many it is cooked for (None: as the recipe says).
    servings: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(PLAN_NOTE_MAX), default="", server_default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<PlanEntry {self.id} {self.day} {self.meal!r}>"


class PlanFeed(db.Model):  # type: ignore[name-defined]
    """A secret calendar address of a household's plan (`/plan/<token>.ics`), made by one of its
    members and read as that member sees the plan. Only the token's SHA-256 is kept, as for
    share links; it works until revoked, and only while its maker is still a member of the
    household (and the account enabled); it goes with the account."""

    __tablename__ = "plan_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When a calendar last read it (to within an hour: a read is not a write each time).
    last_fetched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()


# --- Shopping lists (recipes/shopping/) -----------------------------------------------------------
# Sizes of their text columns (recipes/shopping/limits.py says what is refused, in words).
FOOD_KEY_MAX = 120
SHOPPING_TEXT_MAX = 500


class ShoppingList(db.Model):  # type: ignore[name-defined]
    """A household's shopping list. `version` grows by one with every change to the list or its
    rows (in the change's own transaction): the pages poll it, and the API's ETag is made from it."""

    __tablename__ = "shopping_list"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ShoppingListRecipe(db.Model):  # type: ignore[name-defined]
    """A recipe added to a list at some servings: what its share of the rows came from. Adding a
    recipe twice (two days of the plan) makes two; taking it out removes both and their shares.
    The title is kept, so a recipe deleted since (recipe_id NULL) still says what the rows are for."""

    __tablename__ = "shopping_list_recipe"

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("shopping_list.id", ondelete="CASCADE"), index=True)
    recipe_id: Mapped[int | None] = mapped_column(ForeignKey("recipe.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(String(limits.TITLE_MAX))
    # The servings asked for, or None: as written (the recipe does not say how many it serves).
    servings: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ShoppingItem(db.Model):  # type: ignore[name-defined]
    """One row of a list: one food (every unchecked need of it merged, see shopping/merging.py),
    or a row written by hand. What it shows (`text`, and the amount when it is in one unit) is
    worked out from its sources whenever they change, so showing a list reads rows and nothing more."""

    __tablename__ = "shopping_item"
    __table_args__ = (Index("ix_shopping_item_list_food", "list_id", "food_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("shopping_list.id", ondelete="CASCADE"))
    # The food (as first written) and the key rows merge on (ingredients/foods.py); None for a
    # row whose text names no food.
    food: Mapped[str | None] = mapped_column(String(SHOPPING_TEXT_MAX))
    food_key: Mapped[str | None] = mapped_column(String(FOOD_KEY_MAX))
    text: Mapped[str] = mapped_column(String(SHOPPING_TEXT_MAX))
    # The total when it is in one unit (else None: "1 cup + 200 g spinach" is only text).
    quantity: Mapped[float | None] = mapped_column(Float)
    quantity_max: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(30))
    approximate: Mapped[bool] = mapped_column(Boolean, default=False)
    # Written by hand (added as text, or its text edited): it shows what was written.
    by_hand: Mapped[bool] = mapped_column(Boolean, default=False)
    aisle: Mapped[str] = mapped_column(String(20))
    checked: Mapped[bool] = mapped_column(Boolean, default=False)
    checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ShoppingItemSource(db.Model):  # type: ignore[name-defined]
    """What one recipe on the list (`entry_id`), or a person (NULL), asks of a row: the amounts
    (merging.Need, as JSON), so taking the recipe out takes exactly this back out."""

    __tablename__ = "shopping_item_source"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("shopping_item.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("shopping_list_recipe.id", ondelete="CASCADE"), index=True)
    needs: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # A hand-written row's text as written.
    text: Mapped[str | None] = mapped_column(String(SHOPPING_TEXT_MAX))


class ShoppingOp(db.Model):  # type: ignore[name-defined]
    """A change a client named with an `op_id` (a UUID), kept a while so the same change sent
    again (an offline queue replayed) changes nothing; `item_id` is the row it made or changed."""

    __tablename__ = "shopping_op"
    __table_args__ = (UniqueConstraint("list_id", "op_id", name="uq_shopping_op_list_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("shopping_list.id", ondelete="CASCADE"))
    op_id: Mapped[str] = mapped_column(String(36))
    item_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ShoppingPreferences(db.Model):  # type: ignore[name-defined]
    """A household's way of shopping: the order it walks the aisles in and its pantry staples.
    No row: the defaults."""

    __tablename__ = "shopping_preferences"

    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"), primary_key=True)
    # Aisle ids in the household's order, and staples as written (None: the defaults, see
    # shopping/aisles.py and shopping/staples.py).
    aisle_order: Mapped[list[str] | None] = mapped_column(JSON)
    staples: Mapped[list[str] | None] = mapped_column(JSON)


class AisleChoice(db.Model):  # type: ignore[name-defined]
    """A household moved a food to another aisle: the next row of that food goes there too."""

    __tablename__ = "aisle_choice"
    __table_args__ = (UniqueConstraint("household_id", "food_key", name="uq_aisle_choice_household_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"))
    food_key: Mapped[str] = mapped_column(String(FOOD_KEY_MAX))
    aisle: Mapped[str] = mapped_column(String(20))


class ShoppingListShare(db.Model):  # type: ignore[name-defined]
    """A read-only link to one list for people without an account (`/l/<token>`), made and kept
    as recipe share links are (secret_tokens.py): only the token's SHA-256 is stored."""

    __tablename__ = "shopping_list_share"

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("shopping_list.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    views: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    last_viewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# --- What each account keeps about a recipe: its rating, favourites, when it cooked it -----------
# (recipes/ratings/ reads and writes them; a recipe's and an account's rows go with it.)

STARS_MIN, STARS_MAX = 1, 5
COOKED_NOTE_MAX = 500


class Rating(db.Model):  # type: ignore[name-defined]
    """One account's stars for one recipe (one rating each)."""

    __tablename__ = "recipe_rating"
    __table_args__ = (
        CheckConstraint(f"stars BETWEEN {STARS_MIN} AND {STARS_MAX}", name="stars_range"),
        # "At least N stars" and "best rated first" read one account's ratings in order.
        Index("ix_recipe_rating_user_stars", "user_id", "stars", "recipe_id"),
        # The household's average of a recipe (and a recipe's rows going with it).
        Index("ix_recipe_rating_recipe_user", "recipe_id", "user_id", "stars"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    recipe_id: Mapped[int] = mapped_column(ForeignKey("recipe.id", ondelete="CASCADE"), primary_key=True)
    stars: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class Favourite(db.Model):  # type: ignore[name-defined]
    """A recipe an account marked as a favourite."""

    __tablename__ = "recipe_favourite"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    recipe_id: Mapped[int] = mapped_column(ForeignKey("recipe.id", ondelete="CASCADE"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CookingLogEntry(db.Model):  # type: ignore[name-defined]
    """One "cooked it": an account cooked a recipe on a day (with a note, if it wrote one)."""

    __tablename__ = "cooking_log"
    __table_args__ = (
        # One account's log of a recipe, newest day last: "last cooked", "times cooked", and
        # "not cooked in N days" as one index probe per recipe.
        Index("ix_cooking_log_user_recipe_day", "user_id", "recipe_id", "cooked_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    recipe_id: Mapped[int] = mapped_column(ForeignKey("recipe.id", ondelete="CASCADE"), index=True)
    cooked_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(COOKED_NOTE_MAX), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# --- The data generation: a number every write to what a recipe list shows changes ---------------


class DataGeneration(db.Model):  # type: ignore[name-defined]
    """A row per realm (id 1: what a recipe list is made of; id 2: the kitchen, the household's
    plan, lists and invites): a number that changes, in the same transaction, with every write to
    the realm's tables (triggers from migrations 0016 and 0018 keep them; see
    recipes/data_generation.py). No backup keeps them: a restored database starts new ones."""

    __tablename__ = "data_generation"
    __table_args__ = ({"info": {"backed_up": False}},)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(BigInteger)
