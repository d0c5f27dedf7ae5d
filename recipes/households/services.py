"""Households and their members: the rules, shared by the household page, the instance
admin's page, the API, the CLI and account sign-up. No request objects in here.

Every account belongs to exactly one household, and every household with members has at
least one admin. An account that leaves its household (or is removed from it, or moved by
the instance admin) lands in a household of its own, of which it is the admin; a household
nobody is left in is deleted, with its invites. An account's recipes stay its own wherever it
goes: those it marked `household` are then seen by the members of its new household (the
access rule follows the owner), and nobody else.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select

from ..extensions import db
from ..models import (
    ADMIN,
    HOUSEHOLD_NAME_MAX,
    MEAL_NAME_MAX,
    MEALS_MAX,
    MEMBER,
    ROLES,
    WEEK_DAYS,
    Household,
    User,
)
from ..planner import meals as meals_of_plan
from ..text_cleaning import clean_text


class HouseholdError(Exception):
    """A change that cannot be made, in words for the person who asked; `field` names the
    form field at fault, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotAnAdmin(HouseholdError):
    """Only the household's admins may do this (the member sees the household: no secret)."""

    def __init__(self) -> None:
        super().__init__("Only the household's admins can do that.")


class MemberNotFound(Exception):
    """No such account in this household (an outsider's id looks the same as a missing one)."""


class HouseholdNotFound(Exception):
    """No such household."""


@dataclass(frozen=True)
class Departure:
    """What an account leaving a household changed there: who became its admin (so it keeps
    one), or that the household was deleted (nobody was left)."""

    household_name: str
    new_admin: str | None = None
    deleted: bool = False


def default_name(username: str) -> str:
    return f"{username}'s household"[:HOUSEHOLD_NAME_MAX]


def is_admin(user: User) -> bool:
    return user.household_role == ADMIN


def new_household_for(user: User) -> Household:
    """Give `user` (new, or leaving its household) a household of its own, as its admin.
    Part of the caller's transaction."""
    household = Household(name=default_name(user.username))
    db.session.add(household)
    user.household = household
    user.household_role = ADMIN
    return household


def household_of(user: User) -> Household:
    household: Household | None = db.session.get(Household, user.household_id)
    if household is None:  # the foreign key makes this impossible
        raise HouseholdNotFound(user.household_id)
    return household


def members_of(household_id: int) -> list[User]:
    """The household's members: admins first, then by name."""
    admins_first = (User.household_role != ADMIN, User.username)
    return list(db.session.scalars(select(User).where(User.household_id == household_id).order_by(*admins_first)))


def member_count(household_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(User).where(User.household_id == household_id)) or 0


def _lock(household_id: int) -> Household:
    """The household's row, locked for the rest of the transaction on PostgreSQL (two admins
    changing its members at once queue here); SQLite's write lock already serialises writers."""
    household: Household | None = db.session.scalar(
        select(Household).where(Household.id == household_id).with_for_update()
    )
    if household is None:
        raise HouseholdNotFound(household_id)
    return household


def household_for_admin(user: User) -> Household:
    """`user`'s household, locked for this transaction, if `user` is one of its admins (asked
    again under the lock); NotAnAdmin otherwise."""
    household = _lock(user.household_id)
    db.session.refresh(user)  # the role as it is now, under the lock
    if not is_admin(user):
        raise NotAnAdmin
    return household


def find_member(household: Household, user_id: int) -> User:
    member: User | None = db.session.scalar(select(User).where(User.id == user_id, User.household_id == household.id))
    if member is None:
        raise MemberNotFound(user_id)
    return member


def departed(household_id: int) -> Departure:
    """What an account leaving household `household_id` (moved out or deleted, flushed)
    leaves behind: an empty household is deleted; one left without an admin gets its
    longest-standing member as admin. Part of the caller's transaction."""
    household = _lock(household_id)
    name = household.name
    left = members_of(household_id)
    if not left:
        # Its invites go with it (a foreign key with ON DELETE CASCADE).
        db.session.execute(delete(Household).where(Household.id == household_id))
        return Departure(name, deleted=True)
    if any(is_admin(member) for member in left):
        return Departure(name)
    heir = min(left, key=lambda member: (member.created_at, member.id))
    heir.household_role = ADMIN
    return Departure(name, new_admin=heir.username)


def place(user: User, household: Household, role: str = MEMBER) -> Departure | None:
    """Move `user` into `household` with `role` (for a new account: none to leave). What the
    household left behind became, or None. Part of the caller's transaction."""
    old = user.household_id
    user.household = household
    user.household_role = role
    db.session.add(user)
    db.session.flush()
    if old is None or old == household.id:
        return None
    return departed(old)


def _to_own_household(user: User) -> Departure:
    old = user.household_id
    new_household_for(user)
    db.session.flush()
    return departed(old)


# --- what members and admins do -------------------------------------------------------------


def rename(user: User, name: str) -> Household:
    """Give the household a new name. Admins only. Commits."""
    cleaned = " ".join(clean_text(name).split())
    if not cleaned:
        raise HouseholdError("Give the household a name.", "name")
    if len(cleaned) > HOUSEHOLD_NAME_MAX:
        raise HouseholdError(f"A household's name can have at most {HOUSEHOLD_NAME_MAX} characters.", "name")
    household = household_for_admin(user)
    household.name = cleaned
    db.session.commit()
    return household


def clean_meal_names(names: list[str]) -> list[str]:
    """The meal names as given, in their order: each cleaned, blank ones dropped; refused
    (HouseholdError) when none is left, one is too long, two are the same, or too many."""
    cleaned = [" ".join(clean_text(name).split()) for name in names]
    meals = [name for name in cleaned if name]
    if not meals:
        raise HouseholdError("A household needs at least one meal.", "meal_names")
    if len(meals) > MEALS_MAX:
        raise HouseholdError(f"A household can have at most {MEALS_MAX} meals.", "meal_names")
    for meal in meals:
        if len(meal) > MEAL_NAME_MAX:
            raise HouseholdError(f"A meal's name can have at most {MEAL_NAME_MAX} characters: “{meal}”.", "meal_names")
    seen: set[str] = set()
    for meal in meals:
        key = meal.casefold()
        if key in seen:
            raise HouseholdError(f"“{meal}” is there twice: each meal needs a name of its own.", "meal_names")
        seen.add(key)
    return meals


def set_meal_names(user: User, names: list[str]) -> Household:
    """The household's meals, renamed, added, removed or reordered at once (the list is the
    new order). A line may end with the meal's time of day ("dinner 18:30"), which the plan's
    calendar feed starts its events at. The plan's entries follow a meal renamed (see
    planner.meals.renames). Admins only. Commits."""
    lines = [meals_of_plan.split_time(line) for line in names]
    meals = clean_meal_names([name for name, _ in lines])
    times = {" ".join(clean_text(name).split()): clock for name, clock in lines if clock}
    household = household_for_admin(user)
    meals_of_plan.follow_renames(household.id, list(household.meal_names), meals)
    household.meal_names = meals
    household.meal_times = {meal: times[meal] for meal in meals if meal in times}
    db.session.commit()
    return household


def meal_lines(household: Household) -> list[str]:
    """The household's meals as its admins write them: one a line, with its time if it has one."""
    times = household.meal_times or {}
    return [f"{meal} {times[meal]}" if meal in times else meal for meal in household.meal_names]


def set_week_start(user: User, day: str) -> Household:
    """The first day of the household's week (the planner starts its weeks there). Admins only. Commits."""
    if day not in WEEK_DAYS:
        raise HouseholdError("Choose a day of the week.", "week_start")
    household = household_for_admin(user)
    household.week_start = day
    db.session.commit()
    return household


def set_role(user: User, member_id: int, role: str) -> User:
    """Make a member an admin, or an admin a member; the household keeps at least one admin.
    Admins only. Commits."""
    if role not in ROLES:
        raise HouseholdError("Choose admin or member.", "role")
    household = household_for_admin(user)
    member = find_member(household, member_id)
    if role == MEMBER and is_admin(member):
        admins = sum(is_admin(m) for m in members_of(household.id))
        if admins <= 1:
            raise HouseholdError(f"{member.username} is the household's only admin: make someone else admin first.")
    member.household_role = role
    db.session.commit()
    return member


def leave(user: User) -> Departure:
    """Leave the household for one of one's own (one's recipes stay one's own). Refused to
    someone alone in theirs: there is nothing to leave. Commits."""
    _lock(user.household_id)
    if member_count(user.household_id) <= 1:
        raise HouseholdError("You are the only member of your household: there is nobody to leave.")
    departure = _to_own_household(user)
    db.session.commit()
    return departure


def remove_member(user: User, member_id: int) -> User:
    """Take a member out of the household: they land in a household of their own (their
    recipes stay theirs). Admins only, and not oneself (that is `leave`). Commits."""
    household = household_for_admin(user)
    member = find_member(household, member_id)
    if member.id == user.id:
        raise HouseholdError("To leave the household yourself, use Leave the household.")
    _to_own_household(member)
    db.session.commit()
    return member


# --- the instance admin ---------------------------------------------------------------------


@dataclass(frozen=True)
class HouseholdSummary:
    household: Household
    members: list[User]


def all_households() -> list[HouseholdSummary]:
    """Every household with its members (admins first), by name: the instance admin's view."""
    households = list(db.session.scalars(select(Household).order_by(Household.name, Household.id)))
    users = db.session.scalars(select(User).order_by(User.household_role != ADMIN, User.username))
    by_household: dict[int, list[User]] = {}
    for user in users:
        by_household.setdefault(user.household_id, []).append(user)
    return [HouseholdSummary(h, by_household.get(h.id, [])) for h in households]


def move_account(user: User, household_id: int | None) -> Departure | None:
    """The instance admin's move: `user` into household `household_id` as a member, or with
    None into a household of its own (as its admin). Nothing happens (None) when it is there
    already. Commits."""
    if household_id is None:
        if member_count(user.household_id) <= 1:
            return None  # alone in its household already
        departure: Departure | None = _to_own_household(user)
    else:
        household = _lock(household_id)
        if user.household_id == household.id:
            return None
        departure = place(user, household, MEMBER)
    db.session.commit()
    return departure
