"""A week of the plan as the planner page shows it: seven days from the household's first day
of the week, each with a slot per meal (the household's meals, in its order) holding that
meal's entries. Entries of a meal the household no longer has are kept in one more slot of
their day, "Other meals", to move or remove: nothing planned is ever hidden."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import quote

from ..models import Household, User
from .services import ShownEntry, entries_between, week_start_of

DAYS = 7
OTHER = "Other meals"


@dataclass(slots=True)
class Slot:
    day: date
    meal: str  # a meal of the household, or OTHER
    entries: list[ShownEntry] = field(default_factory=list)
    known: bool = True  # a meal of the household (not OTHER)
    query: str = ""  # the address's query that names it: "?date=2027-01-04&meal=dinner"


@dataclass
class Day:
    day: date
    is_today: bool
    slots: list[Slot]


@dataclass
class Week:
    start: date
    days: list[Day]
    meals: list[str]
    has_other: bool
    is_current: bool

    @property
    def previous(self) -> date:
        return self.start - timedelta(days=DAYS)

    @property
    def next(self) -> date:
        return self.start + timedelta(days=DAYS)

    @property
    def end(self) -> date:
        """The week's last day."""
        return self.start + timedelta(days=DAYS - 1)

    @property
    def rows(self) -> int:
        """Slots a day has (the desk's rows, lined up across the days)."""
        return len(self.meals) + (1 if self.has_other else 0)

    @property
    def entry_count(self) -> int:
        return sum(len(slot.entries) for day in self.days for slot in day.slots)


def build_week(user: User, household: Household, start: date, now: date) -> Week:
    """The week that holds `start`, as `user` may read it (`now`: today)."""
    first = week_start_of(start, household.week_start)
    meals = list(household.meal_names)
    known = set(meals)
    entries = entries_between(user, first, first + timedelta(days=DAYS))
    has_other = any(entry.meal not in known for entry in entries)
    by_slot: dict[tuple[date, str], list[ShownEntry]] = {}
    for entry in entries:
        by_slot.setdefault((entry.day, entry.meal if entry.meal in known else OTHER), []).append(entry)
    days = []
    quoted = {meal: quote(meal) for meal in meals}
    for offset in range(DAYS):
        day = first + timedelta(days=offset)
        iso = day.isoformat()
        slots = [
            Slot(day, meal, by_slot.get((day, meal), []), True, f"?date={iso}&meal={quoted[meal]}") for meal in meals
        ]
        if has_other:
            slots.append(Slot(day, OTHER, by_slot.get((day, OTHER), []), False))
        days.append(Day(day, day == now, slots))
    current = week_start_of(now, household.week_start) == first
    return Week(start=first, days=days, meals=meals, has_other=has_other, is_current=current)
