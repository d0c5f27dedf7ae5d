"""Units (recipes/ingredients/units.py): dimensions, conversion, the unit each system shows,
temperatures; and densities (recipes/ingredients/densities.py): volume <-> mass only where known."""

from __future__ import annotations

import csv
import math
import re
import subprocess
import sys

import pytest

from recipes.ingredients import densities, units
from recipes.ingredients.densities import convert_with_density, density_of
from recipes.ingredients.numbers import read_number
from recipes.ingredients.unit_names import CANONICAL_UNITS
from recipes.ingredients.units import (
    CELSIUS,
    FAHRENHEIT,
    DimensionError,
    UnitSystemError,
    UnknownUnitError,
    convert,
    convert_temperature,
    dimension,
    to_system,
)

THE_BRIEFS_UNITS = (
    *("cup", "tablespoon", "teaspoon", "gram", "kilogram", "milligram", "millilitre", "centilitre"),
    *("decilitre", "litre", "ounce", "pound", "fluid ounce", "pint", "quart", "gallon", "inch"),
    *("centimetre", "pinch", "dash", "clove", "sprig", "can", "tin", "jar", "bunch", "handful", "head"),
    *("stalk", "slice", "piece", "package", "stick", "leaf", "drop"),
)


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        ("cup", "volume"),
        ("tablespoon", "volume"),
        ("teaspoon", "volume"),
        ("fluid ounce", "volume"),
        ("pint", "volume"),
        ("quart", "volume"),
        ("gallon", "volume"),
        ("millilitre", "volume"),
        ("centilitre", "volume"),
        ("decilitre", "volume"),
        ("litre", "volume"),
        ("gram", "mass"),
        ("kilogram", "mass"),
        ("milligram", "mass"),
        ("ounce", "mass"),
        ("pound", "mass"),
        ("inch", "length"),
        ("centimetre", "length"),
        ("pinch", "count"),
        ("clove", "count"),
        ("can", "count"),
        ("stick", "count"),
        ("leaf", "count"),
        (None, None),
        ("furlong", None),
        ("", None),
    ],
)
def test_dimension(unit, expected):
    assert dimension(unit) == expected


def test_every_canonical_unit_has_a_dimension():
    for unit in (*THE_BRIEFS_UNITS, *CANONICAL_UNITS):
        assert dimension(unit) in ("mass", "volume", "length", "count"), unit


@pytest.mark.parametrize(
    ("quantity", "unit", "to_unit", "expected"),
    [
        (1, "cup", "tablespoon", 16),
        (1, "tablespoon", "teaspoon", 3),
        (1, "cup", "fluid ounce", 8),
        (2, "cup", "pint", 1),
        (2, "pint", "quart", 1),
        (4, "quart", "gallon", 1),
        (1, "cup", "millilitre", 236.5882365),
        (1, "tablespoon", "millilitre", 14.78676478),
        (1, "litre", "millilitre", 1000),
        (1, "decilitre", "millilitre", 100),
        (1, "centilitre", "millilitre", 10),
        (1, "pound", "ounce", 16),
        (1, "ounce", "gram", 28.34952313),
        (1, "kilogram", "gram", 1000),
        (1, "gram", "milligram", 1000),
        (1, "inch", "centimetre", 2.54),
        (3, "clove", "clove", 3),
    ],
)
def test_convert(quantity, unit, to_unit, expected):
    assert convert(quantity, unit, to_unit) == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize(
    ("unit", "to_unit", "error"),
    [
        ("cup", "gram", DimensionError),
        ("gram", "inch", DimensionError),
        ("clove", "gram", DimensionError),
        ("clove", "can", DimensionError),
        ("furlong", "gram", UnknownUnitError),
        ("gram", "smidge of love", UnknownUnitError),
        ("g" * 10_000, "gram", UnknownUnitError),
    ],
)
def test_convert_refuses(unit, to_unit, error):
    with pytest.raises(error) as raised:
        convert(1, unit, to_unit)
    assert len(str(raised.value)) < 200  # a message for a person, not the 10 kB unit echoed back


@pytest.mark.parametrize(
    ("quantity", "unit", "system", "expected_quantity", "expected_unit"),
    [
        # US: the friendliest of cups, tablespoons, teaspoons; ounces and pounds
        (3, "teaspoon", "us", 1, "tablespoon"),
        (4, "tablespoon", "us", 0.25, "cup"),
        (0.5, "teaspoon", "us", 0.5, "teaspoon"),
        (16, "ounce", "us", 1, "pound"),
        (24, "ounce", "us", 1.5, "pound"),
        (18, "ounce", "us", 18, "ounce"),
        (5, "tablespoon", "us", 5, "tablespoon"),
        (9, "tablespoon", "us", 9, "tablespoon"),
        (16, "teaspoon", "us", 1 / 3, "cup"),
        (2, "teaspoon", "us", 2, "teaspoon"),
        (250, "millilitre", "us", 1.0566882094, "cup"),
        (125, "millilitre", "us", 0.5283441047, "cup"),
        (100, "millilitre", "us", 6.7628045404, "tablespoon"),
        (5, "millilitre", "us", 1.0144206811, "teaspoon"),
        (200, "gram", "us", 7.0547923899, "ounce"),
        (1, "kilogram", "us", 2.2046226218, "pound"),
        (8, "fluid ounce", "us", 8, "fluid ounce"),  # a US unit: stays
        (2, "quart", "us", 2, "quart"),
        (5, "centimetre", "us", 1.968503937, "inch"),
        # metric: g/kg, ml/l
        (1, "cup", "metric", 236.5882365, "millilitre"),
        (1, "pound", "metric", 453.59237, "gram"),
        (3, "pound", "metric", 1.36077711, "kilogram"),
        (5, "quart", "metric", 4.73176473, "litre"),
        (2, "inch", "metric", 5.08, "centimetre"),
        (2.5, "decilitre", "metric", 2.5, "decilitre"),  # a metric unit with no family: stays
        (1500, "gram", "metric", 1.5, "kilogram"),
        (998, "gram", "metric", 0.998, "kilogram"),  # would show as "1000 g"
        (995, "gram", "metric", 995, "gram"),
        (1, "dessertspoon", "metric", 10, "millilitre"),
        # original: moves within the family only
        (1500, "gram", "original", 1.5, "kilogram"),
        (6, "teaspoon", "original", 2, "tablespoon"),
        (32, "ounce", "original", 2, "pound"),
        (3, "decilitre", "original", 3, "decilitre"),
        (4, "fluid ounce", "original", 4, "fluid ounce"),
        (500, "milligram", "original", 500, "milligram"),
        # counted things and no unit: never converted
        (2, "clove", "metric", 2, "clove"),
        (1, "can", "us", 1, "can"),
        (1, "pinch", "metric", 1, "pinch"),
        (3, None, "metric", 3, None),
        (3, "furlong", "metric", 3, "furlong"),
    ],
)
def test_to_system(quantity, unit, system, expected_quantity, expected_unit):
    shown = to_system(quantity, unit, system)
    assert shown.unit == expected_unit
    assert shown.quantity == pytest.approx(expected_quantity, rel=1e-8)


@pytest.mark.parametrize("system", ["imperial", "", "METRIC", "us\x00", "x" * 10_000])
def test_unknown_system_is_refused(system):
    with pytest.raises(UnitSystemError) as raised:
        to_system(1, "cup", system)
    assert len(str(raised.value)) < 200


@pytest.mark.parametrize(
    ("value", "unit", "to_unit", "expected"),
    [
        (350, FAHRENHEIT, CELSIUS, 176.6666667),
        (212, FAHRENHEIT, CELSIUS, 100),
        (32, FAHRENHEIT, CELSIUS, 0),
        (-40, CELSIUS, FAHRENHEIT, -40),
        (180, CELSIUS, FAHRENHEIT, 356),
        (100, CELSIUS, CELSIUS, 100),
    ],
)
def test_temperatures_convert_with_offsets(value, unit, to_unit, expected):
    assert convert_temperature(value, unit, to_unit) == pytest.approx(expected)


def test_unknown_temperature_unit():
    with pytest.raises(UnknownUnitError):
        convert_temperature(100, "kelvin", CELSIUS)


def test_the_registry_is_built_once_and_only_when_needed():
    code = (
        "import sys\n"
        "import recipes.ingredients.units as u, recipes.ingredients.display, recipes.ingredients.steps\n"
        "assert 'pint' not in sys.modules, 'pint imported at import time'\n"
        "first = u.registry()\n"
        "u.convert(1, 'cup', 'millilitre')\n"
        "assert u.registry() is first\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.stdout.strip() == "ok", result.stderr


# --- Densities ------------------------------------------------------------------------------------


def test_the_density_table_has_its_sources_and_sane_values():
    with (densities.DATA / "densities.csv").open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) >= 30
    for row in rows:
        assert row["source"].strip(), row
        if row["grams_per_us_cup"]:
            assert 50 <= float(row["grams_per_us_cup"]) <= 400, row
            assert row["metric_measure"] in ("mass", "volume"), row
            assert "http" in row["source"] or "1 g per ml" in row["source"], row
    names = {row["food"] for row in rows}
    for needed in ("all-purpose flour", "bread flour", "whole wheat flour", "granulated sugar", "brown sugar"):
        assert needed in names
    for needed in ("powdered sugar", "butter", "water", "milk", "heavy cream", "rice", "rolled oats", "honey"):
        assert needed in names
    for needed in ("vegetable oil", "salt", "cocoa powder"):
        assert needed in names


# A row's source gives the portion it was read from, as published: "1/2 cup = 42 g".
_PORTION = re.compile(r"(?P<amount>\d+(?: \d+/\d+)?|\d+/\d+) (?P<unit>cups?|tbsp|tsp) = (?P<grams>\d+(?:\.\d+)?) g")
_PER_CUP = {"cup": 1, "cups": 1, "tbsp": 16, "tsp": 48}
USDA_FDC = "https://fdc.nal.usda.gov/"
KING_ARTHUR = "https://www.kingarthurbaking.com/learn/ingredient-weight-chart"


def _density_rows() -> list[dict[str, str]]:
    with (densities.DATA / "densities.csv").open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


@pytest.mark.parametrize("row", _density_rows(), ids=lambda row: row["food"])
def test_every_density_names_where_it_comes_from(row):
    """Each row says where its value comes from so that anyone can check it: a USDA FoodData Central
    (SR Legacy) food by its NDB number, or a line of King Arthur Baking's chart, with the portion as
    published; the row's grams per cup are that portion's (within 1%, the chart's rounding)."""
    source = row["source"]
    if not row["grams_per_us_cup"]:
        assert len(source) > 20, row  # why there is none
        return
    if "1 g per ml" in source:
        assert float(row["grams_per_us_cup"]) == pytest.approx(densities.US_CUP_ML, rel=1e-3)
        return
    if USDA_FDC in source:
        assert re.search(r"SR Legacy, NDB \d{5} \(", source), source
    else:
        assert KING_ARTHUR in source and "King Arthur Baking" in source, source
    portion = _PORTION.search(source)
    assert portion, source
    amount = read_number(portion.group("amount"))
    assert amount is not None
    per_cup = float(portion.group("grams")) / amount * _PER_CUP[portion.group("unit")]
    assert float(row["grams_per_us_cup"]) == pytest.approx(per_cup, rel=0.01), (row, per_cup)


def test_the_density_table_is_documented_row_by_row():
    """recipes/ingredients/data/DENSITIES.md lists every row of the table with the same value (and a
    second reference to check it against)."""
    document = (densities.DATA / "DENSITIES.md").read_text(encoding="utf-8")
    listed = {
        cells[0].strip("` "): cells[1].strip()
        for line in document.splitlines()
        if line.startswith("| `") and len(cells := line.strip("|").split("|")) > 2
    }
    rows = {row["food"]: row["grams_per_us_cup"] or "—" for row in _density_rows()}
    assert listed == rows


@pytest.mark.parametrize(
    ("food", "grams_per_cup"),
    [
        ("all-purpose flour", 120),
        ("raisins", 145),  # a cup as a recipe means it, not packed (was 165, USDA's packed cup)
        ("packed raisins", 165),
        ("corn syrup", 341),  # USDA's light corn syrup (was 328, the figure of dark corn syrup)
        ("light corn syrup", 341),
        ("dark corn syrup", 328),
        ("All-Purpose Flour", 120),
        ("plain flour", 120),
        ("flour", 120),
        ("sifted flour", 120),
        ("bread flour", 120),
        ("whole wheat flour", 113),
        ("almond flour", 96),  # not "flour"
        ("sugar", 198),
        ("packed light brown sugar", 213),
        ("icing sugar", 113),
        ("confectioners' sugar", 113),
        ("unsalted butter", 227),
        ("water", 236.6),
        ("whole milk", 244),
        ("extra-virgin olive oil", 216),
        ("rolled oats", 89),
        ("oats", 89),
        ("honey", 339),
    ],
)
def test_density_of(food, grams_per_cup):
    density = density_of(food)
    assert density is not None
    assert density.grams_per_ml * densities.US_CUP_ML == pytest.approx(grams_per_cup)


@pytest.mark.parametrize(
    "food", ["chicken", "kosher salt", "Diamond Crystal kosher salt", None, "", "🍕", "x" * 10_000]
)
def test_no_density(food):
    assert density_of(food) is None


def test_convert_with_density_is_marked_approximate():
    grams, approximate = convert_with_density(1, "cup", "gram", "all-purpose flour")
    assert (grams, approximate) == (pytest.approx(120), True)
    cups, approximate = convert_with_density(200, "gram", "cup", "granulated sugar")
    assert cups == pytest.approx(200 / 198)
    assert approximate
    millilitres, approximate = convert_with_density(1, "cup", "millilitre", "flour")
    assert (millilitres, approximate) == (pytest.approx(236.5882365), False)


def test_convert_with_density_refuses_unknown_foods():
    with pytest.raises(DimensionError, match="density is not known"):
        convert_with_density(1, "cup", "gram", "chicken")
    with pytest.raises(DimensionError):
        convert_with_density(1, "clove", "gram", "garlic")


def test_no_float_noise():
    assert to_system(3, "teaspoon", "us").quantity == 1.0
    assert math.isclose(units.convert(4, "tablespoon", "cup"), 0.25, abs_tol=0)
