"""A household's way of shopping: its aisle order, its pantry staples, and the aisles it chose for
foods (moving a row to another aisle teaches the household). No request objects here."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import AisleChoice, ShoppingList, ShoppingPreferences, User
from . import aisles, staples


@dataclass(frozen=True)
class Preferences:
    aisle_order: list[str]  # every aisle id, in the household's order
    staples: list[str]  # as written
    custom_staples: bool  # False: the defaults

    @property
    def staple_keys(self) -> frozenset[str]:
        return staples.staple_keys(self.staples)


_OF_HOUSEHOLD = select(ShoppingPreferences.aisle_order, ShoppingPreferences.staples).where(
    ShoppingPreferences.household_id == bindparam("household_id")
)


def preferences_of(household_id: int) -> Preferences:
    """The household's preferences (a plain read: every list page asks)."""
    row = db.session.connection().execute(_OF_HOUSEHOLD, {"household_id": household_id}).first()
    order = aisles.ordered(row.aisle_order if row is not None else None)
    chosen = row.staples if row is not None and isinstance(row.staples, list) else None
    return Preferences(order, list(chosen if chosen is not None else staples.DEFAULT_STAPLES), chosen is not None)


def aisle_choices(household_id: int) -> dict[str, str]:
    """The aisles the household chose, by food key."""
    rows = db.session.execute(
        select(AisleChoice.food_key, AisleChoice.aisle).where(AisleChoice.household_id == household_id)
    )
    return {key: aisle for key, aisle in rows if aisle in aisles.AISLES}


def _row(household_id: int) -> ShoppingPreferences:
    row = db.session.get(ShoppingPreferences, household_id, with_for_update=True)
    if row is None:
        row = ShoppingPreferences(household_id=household_id)
        db.session.add(row)
    return row


def _lists_changed(household_id: int) -> None:
    """Every list of the household shows differently now (its aisles): each one's version grows,
    so phones showing one fetch it again."""
    db.session.execute(
        update(ShoppingList).where(ShoppingList.household_id == household_id).values(version=ShoppingList.version + 1)
    )


def set_staples(user: User, names: list[str]) -> Preferences:
    """The household's pantry staples, as given one a line (StapleError when refused). Commits."""
    cleaned = staples.clean_staples(names)
    _row(user.household_id).staples = cleaned
    db.session.commit()
    return preferences_of(user.household_id)


def reset_staples(user: User) -> Preferences:
    _row(user.household_id).staples = None
    db.session.commit()
    return preferences_of(user.household_id)


def move_aisle(user: User, aisle: str, step: int) -> Preferences:
    """Move an aisle up (-1) or down (1) in the household's order (AisleError for no aisle). Commits."""
    row = _row(user.household_id)
    row.aisle_order = aisles.moved(row.aisle_order, aisle, step)
    _lists_changed(user.household_id)
    db.session.commit()
    return preferences_of(user.household_id)


def teach(household_id: int, key: str, aisle: str) -> None:
    """Remember that the household keeps this food in `aisle`. Part of the caller's transaction;
    two members teaching the same food at once both succeed (the later one wins)."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(AisleChoice).values(household_id=household_id, food_key=key, aisle=aisle)
    db.session.execute(
        statement.on_conflict_do_update(index_elements=["household_id", "food_key"], set_={"aisle": aisle})
    )
