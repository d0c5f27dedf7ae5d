"""The one module for units: what each canonical unit measures, conversion, and the unit a system shows.

Units are named by their canonical English names, as the parser returns them ("cup", "tablespoon",
"gram", "fluid ounce", "clove"). Measures (mass, volume, length) convert through pint: a table of
factors to a base unit (gram, millilitre, centimetre) is read from it once, so a conversion is a
multiplication. pint's registry takes about 0.15 s and 9 MiB to build, so the tables made from it are
kept in the config directory (`keep_tables_in`, start_up_caches.py, keyed by pint's version and the
units asked of it): a process that finds them there never builds the registry (nor imports pint).
Counted units ("clove", "can", "pinch", and any other unit the parser knows that pint does not)
never convert.

Unit systems, as an account chooses them:
- ``"original"``: the line's own units. A scaled amount may move within its family (3 tsp -> 1 tbsp,
  1500 g -> 1.5 kg, 16 oz -> 1 lb); units outside those families (fl oz, pint, dl, mg) stay as written.
- ``"metric"``: grams and kilograms, millilitres and litres, centimetres.
- ``"us"``: cups, tablespoons and teaspoons; ounces and pounds; inches. Fluid ounces, pints, quarts and
  gallons are US units already and stay as written.

Temperatures (°F <-> °C) convert with pint's offset units (:func:`convert_temperature`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import threading
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from recipes.atomic_files import replace_atomically
from recipes.ingredients.unit_names import CANONICAL_UNITS

if TYPE_CHECKING:
    import pint

System = Literal["original", "metric", "us"]
SYSTEMS: tuple[System, ...] = ("original", "metric", "us")
Dimension = Literal["mass", "volume", "length", "count"]

CELSIUS = "celsius"
FAHRENHEIT = "fahrenheit"


class UnitError(ValueError):
    """A unit that cannot be used the way it was asked (the message says why, for a person)."""


class UnknownUnitError(UnitError):
    pass


class DimensionError(UnitError):
    """Two units that measure different things (grams and cups), with no density to bridge them."""


class UnitSystemError(UnitError):
    pass


class Amount(NamedTuple):
    quantity: float
    unit: str | None


# Each measured canonical unit as pint reads it. The US customary units are pint's defaults
# (cup = 236.588 ml, tablespoon = 14.787 ml, fluid ounce = 29.574 ml, avoirdupois ounce and pound).
_PINT_UNITS: dict[str, str] = {
    "teaspoon": "teaspoon",
    "tablespoon": "tablespoon",
    "dessertspoon": "10 * milliliter",  # the British dessert spoon
    "cup": "cup",
    "fluid ounce": "fluid_ounce",
    "pint": "pint",
    "quart": "quart",
    "gallon": "gallon",
    "millilitre": "milliliter",
    "centilitre": "centiliter",
    "decilitre": "deciliter",
    "litre": "liter",
    "milligram": "milligram",
    "gram": "gram",
    "kilogram": "kilogram",
    "ounce": "ounce",
    "pound": "pound",
    "millimetre": "millimeter",
    "centimetre": "centimeter",
    "inch": "inch",
}
# The unit each dimension converts through.
_BASE: dict[Dimension, str] = {"mass": "gram", "volume": "milliliter", "length": "centimeter"}
_PINT_DIMENSIONS: dict[str, Dimension] = {"[mass]": "mass", "[length] ** 3": "volume", "[length]": "length"}

# Counted things: never converted, only scaled. Any other canonical unit the parser knows counts too.
COUNT_UNITS: frozenset[str] = frozenset(
    {"pinch", "dash", "drop", "handful", "clove", "sprig", "bunch", "head", "stalk", "stick", "slice", "piece"}
    | {"leaf", "can", "tin", "jar", "package"}
    | (set(CANONICAL_UNITS) - set(_PINT_UNITS))
)

METRIC_UNITS = frozenset(
    {"milligram", "gram", "kilogram", "millilitre", "centilitre", "decilitre", "litre", "millimetre", "centimetre"}
)
US_UNITS = frozenset(
    {"teaspoon", "tablespoon", "cup", "fluid ounce", "pint", "quart", "gallon", "ounce", "pound", "inch"}
)
# Units among which a scaled amount may move without leaving its family.
_FAMILIES: dict[str, str] = {
    "teaspoon": "us volume",
    "tablespoon": "us volume",
    "cup": "us volume",
    "ounce": "us mass",
    "pound": "us mass",
    "gram": "metric mass",
    "kilogram": "metric mass",
    "millilitre": "metric volume",
    "litre": "metric volume",
}

_TEMPERATURE_UNITS = {CELSIUS: "degree_Celsius", FAHRENHEIT: "degree_Fahrenheit"}

_lock = threading.Lock()
_tables_lock = threading.Lock()
_registry_instance: pint.UnitRegistry[Any] | None = None
_cache_folder: Path | None = None
_factor_table: dict[str, tuple[Dimension, float]] | None = None
_temperature_table: dict[tuple[str, str], tuple[float, float]] | None = None

Factors = dict[str, tuple[Dimension, float]]
Temperatures = dict[tuple[str, str], tuple[float, float]]


def registry() -> pint.UnitRegistry[Any]:
    """pint's registry, built on first use and then kept for the life of the process."""
    global _registry_instance
    if _registry_instance is None:
        with _lock:
            if _registry_instance is None:
                import pint

                if _cache_folder is not None:
                    try:
                        _registry_instance = pint.UnitRegistry(cache_folder=_cache_folder)
                    except OSError:
                        _registry_instance = None  # an unusable cache: built from the definitions
                if _registry_instance is None:
                    _registry_instance = pint.UnitRegistry()
    return _registry_instance


def keep_tables_in(folder: Path | None) -> None:
    """Where the unit tables made from pint, and pint's parsed definitions, are kept between
    starts (start_up_caches.py), for the tables read after this; None: made from pint each time."""
    global _cache_folder
    _cache_folder = folder


def _factors() -> Factors:
    """Each measured unit's dimension and its size in the dimension's base unit."""
    if _factor_table is None:
        _read_tables()
    assert _factor_table is not None
    return _factor_table


def _temperatures() -> Temperatures:
    """°F <-> °C as ``to = a * from + b``."""
    if _temperature_table is None:
        _read_tables()
    assert _temperature_table is not None
    return _temperature_table


def _read_tables() -> Path | None:
    """The tables, from the kept file when it holds them, else from pint (and then kept); the
    file's path (None: none is kept), as this call named it."""
    global _factor_table, _temperature_table
    path = _tables_path()
    with _tables_lock:
        if _factor_table is not None and _temperature_table is not None:
            return path
        tables = _kept_tables(path) if path is not None else None
        if tables is None:
            tables = _tables_from_pint()
            if path is not None:
                _keep_tables(path, tables)
        _factor_table, _temperature_table = tables
    return path


def _tables_path() -> Path | None:
    """The kept tables' file: named by pint's version and every unit asked of it."""
    if _cache_folder is None:
        return None
    try:
        pint_version = metadata.version("pint")
    except metadata.PackageNotFoundError:
        return None
    asked = repr((pint_version, _PINT_UNITS, _BASE, _PINT_DIMENSIONS, _TEMPERATURE_UNITS))
    return _cache_folder / f"tables-{hashlib.sha256(asked.encode()).hexdigest()[:20]}.json"


def _tables_from_pint() -> tuple[Factors, Temperatures]:
    ureg = registry()
    factors: Factors = {}
    for name, expression in _PINT_UNITS.items():
        quantity = ureg.parse_expression(expression)
        dimension = _PINT_DIMENSIONS[str(quantity.dimensionality)]
        factors[name] = (dimension, float(quantity.to(_BASE[dimension]).magnitude))
    temperatures: Temperatures = {}
    for source, source_name in _TEMPERATURE_UNITS.items():
        for target, target_name in _TEMPERATURE_UNITS.items():
            zero = float(ureg.Quantity(0.0, source_name).to(target_name).magnitude)
            hundred = float(ureg.Quantity(100.0, source_name).to(target_name).magnitude)
            temperatures[(source, target)] = ((hundred - zero) / 100, zero)
    return factors, temperatures


def _keep_tables(path: Path, tables: tuple[Factors, Temperatures]) -> None:
    factors, temperatures = tables
    data = {
        "factors": {name: [dimension, size] for name, (dimension, size) in factors.items()},
        "temperatures": [[source, target, a, b] for (source, target), (a, b) in temperatures.items()],
    }
    with contextlib.suppress(OSError):  # not kept: the next start makes them again
        replace_atomically(path, json.dumps(data, sort_keys=True).encode(), mode=0o644)


def _number(value: object) -> float | None:
    return (
        float(value)
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        else None
    )


def _kept_tables(path: Path) -> tuple[Factors, Temperatures] | None:
    """The tables in `path`, or None when it is missing, unreadable or not exactly the tables
    (every unit, a dimension and a positive size each; every pair of temperature units)."""
    try:
        data = json.loads(path.read_bytes())
        factors: Factors = {}
        for name, (dimension, size) in data["factors"].items():
            number = _number(size)
            if dimension not in _BASE or number is None or number <= 0:
                return None
            factors[name] = (dimension, number)
        temperatures: Temperatures = {}
        for source, target, a, b in data["temperatures"]:
            scale, offset = _number(a), _number(b)
            if scale is None or offset is None:
                return None
            temperatures[(str(source), str(target))] = (scale, offset)
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None
    if set(factors) != set(_PINT_UNITS) or set(temperatures) != {
        (s, t) for s in _TEMPERATURE_UNITS for t in _TEMPERATURE_UNITS
    }:
        return None
    return factors, temperatures


def warm() -> None:
    """Read (or make) the tables now (a server may call this before it forks its workers), and
    keep them in the folder if they are not there yet (made earlier in this process)."""
    path = _read_tables()
    if path is not None and not path.exists():
        _keep_tables(path, (_factors(), _temperatures()))


def is_known(unit: str) -> bool:
    return unit in _PINT_UNITS or unit in COUNT_UNITS


def dimension(unit: str | None) -> Dimension | None:
    """What the unit measures: "mass", "volume", "length", "count", or None for no or an unknown unit."""
    if unit is None:
        return None
    if unit in _PINT_UNITS:
        return _factors()[unit][0]
    if unit in COUNT_UNITS:
        return "count"
    return None


def system_of(unit: str | None) -> Literal["metric", "us"] | None:
    """The system a unit belongs to, or None (counted things, the dessert spoon, no unit)."""
    if unit in METRIC_UNITS:
        return "metric"
    if unit in US_UNITS:
        return "us"
    return None


def check_system(system: str) -> System:
    """The unit system named, or UnitSystemError."""
    for known in SYSTEMS:
        if system == known:
            return known
    raise UnitSystemError(f"Unknown unit system {system[:40]!r}: use one of {', '.join(SYSTEMS)}.")


def _measured(unit: str) -> tuple[Dimension, float]:
    if unit in _PINT_UNITS:
        return _factors()[unit]
    if unit in COUNT_UNITS:
        raise DimensionError(f"A {unit} is counted, not measured: it does not convert to other units.")
    raise UnknownUnitError(f"Unknown unit {unit[:40]!r}.")


def to_base(quantity: float, unit: str) -> tuple[float, Dimension]:
    """The amount in its dimension's base unit (grams, millilitres, centimetres)."""
    dim, size = _measured(unit)
    return quantity * size, dim


def tidy(value: float) -> float:
    """Ten significant digits: 3 tsp is 1 tbsp, not 1.0000000000033813."""
    return float(f"{value:.10g}")


def from_base(amount: float, unit: str) -> float:
    return tidy(amount / _measured(unit)[1])


def convert(quantity: float, unit: str, to_unit: str) -> float:
    """``quantity`` ``unit`` in ``to_unit``; both must measure the same thing (or be the same unit)."""
    if unit == to_unit and is_known(unit):
        return quantity
    from_dim, from_size = _measured(unit)
    to_dim, to_size = _measured(to_unit)
    if from_dim != to_dim:
        raise DimensionError(f"Cannot convert {unit} ({from_dim}) to {to_unit} ({to_dim}).")
    return tidy(quantity * from_size / to_size)


# --- Choosing the unit a system shows -------------------------------------------------------------


def near_nice(value: float, fractions: tuple[float, ...], tolerance: float) -> bool:
    """True if ``value`` is within ``tolerance`` (relative) of a whole number plus one of ``fractions``."""
    if value <= 0 or not math.isfinite(value):
        return False
    whole = math.floor(value)
    return any(abs(whole + f - value) <= tolerance * value for f in (0.0, *fractions, 1.0) if whole + f > 0)


# A unit is taken when the amount is this close (relative) to a friendly amount in it.
_EXACT = 0.02
# ... and this close to one of the amounts a cook writes in it, from half a cup up.
_LOOSE = 0.06
_CUP_FRACTIONS = (1 / 4, 1 / 3, 1 / 2, 2 / 3, 3 / 4)
_CUP_EIGHTHS = (1 / 8, 1 / 4, 1 / 3, 3 / 8, 1 / 2, 5 / 8, 2 / 3, 3 / 4, 7 / 8)
_POUND_FRACTIONS = (1 / 4, 1 / 2, 3 / 4)


_TABLESPOON_FRACTIONS = (1 / 2,)
_TEASPOON_FRACTIONS = (1 / 8, 1 / 4, 1 / 2, 3 / 4)


def _us_volume(millilitres: float) -> str:
    """Cups when the amount is a friendly number of cups (4 tbsp -> 1/4 cup, 16 tsp -> 1/3 cup, and from
    half a cup within 6% of one: 125 ml -> 1/2 cup), else
    tablespoons when it is a friendly number of them below a cup (3 tsp -> 1 tbsp, 9 tbsp stays), else
    teaspoons below a tablespoon (1/2 tsp stays); failing all, by size: cups from 1/2 cup, tablespoons
    from 1 tablespoon, teaspoons below."""
    factors = _factors()
    teaspoons = millilitres / factors["teaspoon"][1]
    tablespoons = millilitres / factors["tablespoon"][1]
    cups = millilitres / factors["cup"][1]
    if cups >= 0.25 * (1 - _EXACT) and near_nice(cups, _CUP_FRACTIONS, _EXACT):
        return "cup"
    if cups >= 0.5 * (1 - _LOOSE) and near_nice(cups, _CUP_EIGHTHS, _LOOSE):
        return "cup"  # 125 ml -> 1/2 cup rather than 8 1/2 tbsp
    if 1 - _EXACT <= tablespoons < 16 and near_nice(tablespoons, _TABLESPOON_FRACTIONS, _EXACT):
        return "tablespoon"
    if teaspoons < 3 and near_nice(teaspoons, _TEASPOON_FRACTIONS, _EXACT):
        return "teaspoon"
    if cups >= 0.5:
        return "cup"
    if tablespoons >= 1:
        return "tablespoon"
    return "teaspoon"


def _us_mass(grams: float) -> str:
    ounces = grams / _factors()["ounce"][1]
    pounds = ounces / 16
    if pounds >= 2 or (pounds >= 1 - 1e-9 and near_nice(pounds, _POUND_FRACTIONS, _EXACT)):
        return "pound"  # 16 oz -> 1 lb, 24 oz -> 1 1/2 lb; 18 oz stays 18 oz
    return "ounce"


def _choose(amount: float, dim: Dimension, system: Literal["metric", "us"]) -> str:
    """The unit ``system`` shows ``amount`` (in the base unit of ``dim``) in."""
    if system == "metric":
        if dim == "mass":
            return "kilogram" if amount >= 997.5 else "gram"  # 997.5 g would show as "1000 g"
        if dim == "volume":
            return "litre" if amount >= 997.5 else "millilitre"
        return "centimetre"
    if dim == "mass":
        return _us_mass(amount)
    if dim == "volume":
        return _us_volume(amount)
    return "inch"


def to_system(quantity: float, unit: str | None, system: str) -> Amount:
    """The amount as ``system`` shows it: the friendliest unit of that system, same dimension.

    Counted and unknown units, and no unit, come back unchanged; so do measures for which the system
    has no preference (a US system keeps fluid ounces; "original" keeps decilitres).
    """
    chosen_system = check_system(system)
    dim = dimension(unit)
    if unit is None or dim is None or dim == "count":
        return Amount(quantity, unit)
    own = system_of(unit)
    target = own if chosen_system == "original" else chosen_system
    if target is None:
        return Amount(quantity, unit)
    if target == own and unit not in _FAMILIES:
        return Amount(quantity, unit)  # a unit of this system with no family to move in: as written
    base, _ = to_base(quantity, unit)
    chosen = _choose(base, dim, target)
    if chosen == unit:
        return Amount(quantity, unit)
    return Amount(from_base(base, chosen), chosen)


# --- Temperatures ---------------------------------------------------------------------------------


def convert_temperature(value: float, unit: str, to_unit: str) -> float:
    """A temperature in ``to_unit`` ("celsius" or "fahrenheit"): 350 °F -> 176.67 °C."""
    try:
        scale, offset = _temperatures()[(unit, to_unit)]
    except KeyError:
        raise UnknownUnitError(f"Unknown temperature unit {unit[:20]!r} or {to_unit[:20]!r}.") from None
    return tidy(value * scale + offset)
