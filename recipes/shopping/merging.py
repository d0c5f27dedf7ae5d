"""What a shopping list shows for one food: the amounts several recipes need, merged. Pure functions.

A recipe line asks for a :class:`Need` (its amount scaled to the servings asked: "2 cups", "1 kg",
"1 (28-ounce) can", or no amount at all: "salt to taste"). Every need of one food on a list is kept
(each recipe's share, so taking a recipe out takes exactly its share back out); what the list shows is
their :func:`total`:

- Needs that measure the same thing (mass, volume, length) are summed through the base unit of
  units.py and shown in one unit (display.py writes it): 200 g + 1 kg flour is "1.2 kg flour";
  250 ml + 2 cups milk is one milk row. Needs all written in one unit stay in it (moving within its
  family: 500 g + 600 g is 1.1 kg); needs in several units are shown in the system (metric or US)
  that most of the amount was written in.
- Counted needs sum per unit: 1 onion + 2 onions is "3 onions", 2 cloves + 1 clove garlic is
  "3 cloves garlic"; cans of a size ("28-ounce") count apart from cans of another size.
- Different measures of one food stay on one row ("1 cup + 200 g spinach") unless the food's
  density (densities.py) joins volume to mass: 2 cups + 100 g flour is "≈ 340 g flour" (approximate,
  shown in the system most of it was written in).
- Ranges sum both ends: 2-3 cloves + 1 clove garlic is "3 to 4 cloves garlic" (an en dash between).
- Counted things are bought whole: half a recipe's 1 egg is 1 egg, ½ lemon + ½ lemon is 1 lemon
  (the sum is rounded up, never each need).
- A need without an amount adds nothing to the sum: "salt to taste" twice is one "salt" row, and
  "salt to taste" + "1 tsp salt" is "1 tsp salt".
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..ingredients.densities import density_of
from ..ingredients.detail import IngredientDetail
from ..ingredients.display import APPROXIMATE, format_amount, format_quantity, takes_plural, unit_label
from ..ingredients.foods import plural_phrase, singular_phrase
from ..ingredients.scaling import has_amount
from ..ingredients.unit_names import canonical_unit
from ..ingredients.units import Dimension, UnitError, dimension, system_of, tidy, to_base, to_system

# The base unit of each measured dimension (units.py converts through the same ones).
_BASE_UNIT: dict[Dimension, str] = {"mass": "gram", "volume": "millilitre", "length": "centimetre"}
_MEASURED: tuple[Dimension, ...] = ("mass", "volume", "length")
# A package size as written: "28-ounce", "(400g)", "14 oz".
_SIZE = re.compile(r"^\(?\s*(?P<number>\d+(?:[.,]\d+)?)\s*-?\s*(?P<unit>[^\W\d_][\w. ]*?)\s*\)?$")


@dataclass(frozen=True, slots=True)
class Need:
    """What one line (or a hand-written item) asks for: an amount, or none (`quantity` None)."""

    quantity: float | None = None
    quantity_max: float | None = None  # a range's high end
    unit: str | None = None  # canonical unit name, or None (a count: "2 onions")
    size: str | None = None  # a counted package's size, normalised ("400 g"), for "2 (400 g) cans"

    def to_json(self) -> dict[str, Any]:
        return {"quantity": self.quantity, "quantity_max": self.quantity_max, "unit": self.unit, "size": self.size}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Need:
        """A stored need; anything of the wrong type reads as no amount."""

        def number(value: Any) -> float | None:
            ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value) and value > 0
            return float(value) if ok else None

        def text(value: Any) -> str | None:
            return value[:60] if isinstance(value, str) and value else None

        quantity = number(data.get("quantity"))
        high = number(data.get("quantity_max"))
        if quantity is None or (high is not None and high < quantity):
            high = None
        return cls(quantity, high, text(data.get("unit")), text(data.get("size")))


def package_size(size: str | None) -> str | None:
    """A package's size, normalised ("28-ounce" -> "28 oz", "(400g)" -> "400 g"), when it is a
    measure; None for "large", "small" and the like (which do not tell packages apart)."""
    if not size:
        return None
    match = _SIZE.match(size.strip())
    if match is None:
        return None
    unit = canonical_unit(match.group("unit"))
    if unit is None or dimension(unit) not in _MEASURED:
        return None
    number = float(match.group("number").replace(",", "."))
    amount = format_quantity(number, unit)
    return f"{amount} {unit_label(unit, takes_plural(amount))}"


def need_of(detail: IngredientDetail, factor: float = 1.0) -> Need:
    """What a recipe line asks for at `factor` (see scaling.py): its amount scaled, or no amount."""
    if not has_amount(detail) or detail.quantity is None:
        return Need(unit=detail.unit)
    low = tidy(detail.quantity * factor)
    high = None if detail.quantity_max is None else tidy(detail.quantity_max * factor)
    counted = detail.unit is not None and dimension(detail.unit) == "count"
    size = package_size(detail.size) if counted else None
    return Need(low, high if high is not None and high > low else None, detail.unit, size)


@dataclass(frozen=True, slots=True)
class Part:
    """One amount of a total, in one unit (a total may have several: "1 cup + 200 g")."""

    quantity: float
    quantity_max: float | None
    unit: str | None
    size: str | None = None
    approximate: bool = False  # joined through a density


@dataclass(frozen=True, slots=True)
class Total:
    parts: tuple[Part, ...] = ()
    unmeasured: bool = False  # some need had no amount ("to taste")

    @property
    def single(self) -> Part | None:
        """The one part of a total in one unit (what the API gives as quantity and unit)."""
        return self.parts[0] if len(self.parts) == 1 else None


@dataclass(slots=True)
class _Sum:
    dimension: Dimension | None  # measured dimensions sum in their base unit
    unit: str | None = None  # counted (or unknown) units sum as they are
    size: str | None = None
    low: float = 0.0
    high: float = 0.0
    ranged: bool = False
    approximate: bool = False
    units: dict[str, None] = field(default_factory=dict)  # the units written, in order
    shares: dict[str, float] = field(default_factory=dict)  # base amount written in each system

    def add(self, low: float, high: float, ranged: bool) -> None:
        self.low += low
        self.high += high
        self.ranged = self.ranged or ranged


def _key(need: Need) -> tuple[str, str | None, str | None]:
    dim = dimension(need.unit)
    if dim in _MEASURED:
        return (str(dim), None, None)
    return ("count" if dim == "count" or need.unit is None else "other", need.unit, need.size)


def _sums(needs: Iterable[Need]) -> tuple[dict[tuple[str, str | None, str | None], _Sum], bool]:
    sums: dict[tuple[str, str | None, str | None], _Sum] = {}
    unmeasured = False
    for need in needs:
        if need.quantity is None or not 0 < need.quantity < math.inf:
            unmeasured = True
            continue
        high = need.quantity_max if need.quantity_max is not None and need.quantity_max >= need.quantity else None
        key = _key(need)
        if key[0] in _MEASURED and need.unit is not None:
            try:
                low_base, dim = to_base(need.quantity, need.unit)
                high_base = to_base(high, need.unit)[0] if high is not None else low_base
            except UnitError:  # a unit this version no longer measures: counted as written
                key = ("other", need.unit, None)
            else:
                found = sums.setdefault(key, _Sum(dim))
                found.add(low_base, high_base, high is not None)
                found.units[need.unit] = None
                system = system_of(need.unit) or "none"
                found.shares[system] = found.shares.get(system, 0.0) + low_base
                continue
        found = sums.setdefault(key, _Sum(None, need.unit, need.size))
        found.add(need.quantity, high if high is not None else need.quantity, high is not None)
    return sums, unmeasured


def _join_by_density(sums: dict[tuple[str, str | None, str | None], _Sum], food: str | None) -> None:
    """Volume joins mass when the food's density is known (2 cups + 100 g flour)."""
    volume, mass = sums.get(("volume", None, None)), sums.get(("mass", None, None))
    density = density_of(food) if volume is not None and mass is not None else None
    if volume is None or mass is None or density is None:
        return
    grams = density.grams_per_ml
    mass.add(volume.low * grams, volume.high * grams, volume.ranged)
    mass.units.update(volume.units)
    for system, share in volume.shares.items():
        mass.shares[system] = mass.shares.get(system, 0.0) + share * grams
    mass.approximate = True
    # The joined amount takes the place of whichever of the two came first.
    order = list(sums)
    del sums[("volume", None, None)]
    if order.index(("volume", None, None)) < order.index(("mass", None, None)):
        rest = {key: value for key, value in sums.items() if key != ("mass", None, None)}
        sums.clear()
        sums[("mass", None, None)] = mass
        sums.update(rest)


def _measured_part(found: _Sum) -> Part:
    assert found.dimension is not None
    base_unit = _BASE_UNIT[found.dimension]
    units = list(found.units)
    if len(units) == 1 and not found.approximate:
        # Written in one unit: shown in it, or a bigger one of its family (500 g + 600 g = 1.1 kg).
        written = units[0]
        shown = to_system(found.low / to_base(1.0, written)[0], written, "original")
    else:
        systems = {system: share for system, share in found.shares.items() if system != "none"}
        system = max(systems, key=lambda name: (systems[name], name == "metric")) if systems else "metric"
        shown = to_system(found.low, base_unit, system)
    quantity = tidy(shown.quantity)
    high = tidy(found.high * quantity / found.low) if found.ranged and found.low > 0 else None
    return Part(quantity, high if high is not None and high > quantity else None, shown.unit, None, found.approximate)


def _whole(amount: float) -> float:
    """A counted amount rounded up to what can be bought (2.0000001, a sum's rounding error, is 2)."""
    return float(math.ceil(tidy(amount) - 1e-9))


def total(needs: Iterable[Need], food: str | None = None) -> Total:
    """The needs of one food summed (see the module's rules), in the order they were first written,
    a counted amount without a unit last (it names the food: "200 g + 2 onions")."""
    sums, unmeasured = _sums(needs)
    _join_by_density(sums, food)
    parts: list[Part] = []
    for key, found in sums.items():
        if key[0] in _MEASURED:
            parts.append(_measured_part(found))
        else:
            whole = _whole if key[0] == "count" else tidy
            low, high = whole(found.low), whole(found.high)
            parts.append(Part(low, high if found.ranged and high > low else None, found.unit, found.size))
    parts.sort(key=lambda part: part.unit is None and part.size is None)  # stable: the rest keep their order
    return Total(tuple(parts), unmeasured)


# --- how a total reads ----------------------------------------------------------------------------


def part_text(part: Part) -> str:
    """One part as written on the list: "1.2 kg", "3 cups", "2 (28 oz) cans", "≈ 12 oz", "3"."""
    amount = format_amount(part.quantity, part.quantity_max, part.unit)
    words = [APPROXIMATE + amount if part.approximate else amount]
    if part.size:
        words.append(f"({part.size})")
    if part.unit is not None:
        words.append(unit_label(part.unit, takes_plural(amount)))
    return " ".join(words)


def food_form(food: str, total_: Total) -> str:
    """The food as the amount reads it: "onion" after "1", "onions" after "3" or a range; a food
    after a unit stays as it was written ("2 kg potatoes", "1 cup milk")."""
    counted = [part for part in total_.parts if part.unit is None and part.size is None]
    if not counted:
        return food
    amount = format_amount(counted[-1].quantity, counted[-1].quantity_max, None)
    return plural_phrase(food) if takes_plural(amount) else singular_phrase(food)


def item_text(total_: Total, food: str) -> str:
    """The row as the list shows it: "3 onions", "1.2 kg flour", "1 cup + 200 g spinach", "salt"."""
    if not total_.parts:
        return food
    amounts = " + ".join(part_text(part) for part in total_.parts)
    return f"{amounts} {food_form(food, total_)}".strip()
