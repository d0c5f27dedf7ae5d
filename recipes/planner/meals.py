"""A household's meals as its plan sees them: which meal a name given means, the time a meal
line may carry ("dinner 18:30", for the calendar feed), and plan entries that follow a meal
renamed on the household page. No request objects in here."""

from __future__ import annotations

import re

from sqlalchemy import update

from ..extensions import db
from ..models import PlanEntry

# "dinner 18:30", "Lunch at 12.15", "tea 5:00": a meal line may end with a time of day.
_TIMED = re.compile(r"^(?P<name>.*?)\s+(?:at\s+)?(?P<hour>[01]?[0-9]|2[0-3])[:.](?P<minute>[0-5][0-9])$", re.I)


def key(name: str) -> str:
    """What two spellings of one meal have in common: spacing and case do not count."""
    return " ".join(name.split()).casefold()


def find_meal(meal_names: list[str], given: str) -> str | None:
    """The household's meal `given` names (in any case), as the household spells it; None if none."""
    wanted = key(given)
    return next((name for name in meal_names if key(name) == wanted), None)


def split_time(line: str) -> tuple[str, str | None]:
    """A meal line as its name and its time ("HH:MM"), or None when it has none."""
    found = _TIMED.match(line.strip())
    if found is None or not found["name"].strip():
        return line, None
    return found["name"], f"{int(found['hour']):02d}:{found['minute']}"


def renames(old: list[str], new: list[str]) -> dict[str, str]:
    """Which meals of `old` the list `new` renamed: one spelt anew (case, spacing), or, when
    the list kept its length, one whose place a new name took ("dinner" -> "supper")."""
    moved: dict[str, str] = {}
    spelt = {key(name): name for name in new}
    for name in old:
        if name not in new and key(name) in spelt:
            moved[name] = spelt[key(name)]
    if len(old) == len(new):
        for before, after in zip(old, new, strict=True):
            if before in moved or after in moved.values() or before in new or after in old:
                continue
            if key(after) not in {key(name) for name in old}:
                moved[before] = after
    return moved


def follow_renames(household_id: int, old: list[str], new: list[str]) -> None:
    """Move the household's plan entries of renamed meals to their new names (entries of a meal
    removed stay, under its old name: the planner shows them apart, to move or remove). Part of
    the caller's transaction."""
    for before, after in renames(old, new).items():
        db.session.execute(
            update(PlanEntry)
            .where(PlanEntry.household_id == household_id, PlanEntry.meal == before)
            .values(meal=after),
            execution_options={"synchronize_session": False},
        )
