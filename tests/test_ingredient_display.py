"""Display (recipes/ingredients/display.py): amounts written as a cook reads them, and the ingredient
line as shown at a scale and in a unit system, verbatim whenever its amount does not change."""

from __future__ import annotations

import re
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from recipes.ingredients import display
from recipes.ingredients.detail import IngredientDetail
from recipes.ingredients.display import (
    ShownIngredient,
    display_line,
    format_amount,
    format_fraction,
    format_metric,
    present,
    servings_text,
)
from recipes.ingredients.scaling import ScaleError
from recipes.ingredients.units import UnitSystemError


def line(text: str, **fields: object) -> IngredientDetail:
    return IngredientDetail(text, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (1 / 3, "⅓"),
        (0.333, "⅓"),
        (0.33, "⅓"),
        (0.5, "½"),
        (0.75, "¾"),
        (2 / 3, "⅔"),
        (0.125, "⅛"),
        (0.25, "¼"),
        (1.5, "1 ½"),
        (1.52, "1 ½"),
        (2, "2"),
        (1.98, "2"),
        (2.99, "3"),
        (12.4, "12 ⅓"),
        (0.3, "0.3"),  # no friendly fraction within 6%
        (0.2, "0.2"),
        (0.42, "0.42"),
        (0.005, "0.005"),
        (1e-9, "0"),
        (0, "0"),
    ],
)
def test_format_fraction(value, shown):
    assert format_fraction(value) == shown


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (176.6, "gram", "175"),
        (453.59, "gram", "455"),
        (102, "gram", "100"),
        (99.6, "gram", "100"),
        (42.56, "gram", "43"),
        (12.375, "gram", "12"),
        (6.08, "gram", "6.1"),
        (3.04, "gram", "3"),
        (0.5, "gram", "0.5"),
        (236.588, "millilitre", "235"),
        (14.8, "millilitre", "15"),
        (1.0, "kilogram", "1"),
        (1.5, "kilogram", "1.5"),
        (1.25, "kilogram", "1.25"),
        (1.36077, "kilogram", "1.36"),
        (2.0004, "litre", "2"),
        (12.34, "kilogram", "12.3"),
        (2.54, "centimetre", "2.5"),
        (2.5, "decilitre", "2.5"),
    ],
)
def test_format_metric(value, unit, shown):
    assert format_metric(value, unit) == shown


def test_format_amount_ranges():
    assert format_amount(2, 3, None) == "2–3"
    assert format_amount(1.5, 2, "cup") == "1 ½–2"
    assert format_amount(100, 101, "gram") == "100"  # the same once rounded
    assert format_amount(0.5, None, "cup") == "½"


FLOUR = line("2 cups all-purpose flour", quantity=2, unit="cup", unit_text="cups", food="all-purpose flour")
SUGAR = line("1 Tbsp. sugar", quantity=1, unit="tablespoon", unit_text="Tbsp.", food="sugar")
BUTTER = line(
    "3 tablespoons butter, melted",
    quantity=3,
    unit="tablespoon",
    unit_text="tablespoons",
    food="butter",
    note="melted",
)
ONION = line("1 large onion, diced", quantity=1, food="onion", size="large", note="diced")
GARLIC = line("2-3 cloves of garlic", quantity=2, quantity_max=3, unit="clove", unit_text="cloves", food="garlic")
TOMATOES = line("1 (28-ounce) can tomatoes", quantity=1, unit="can", unit_text="can", food="tomatoes", size="28-ounce")
PAIRED = line(
    "150g/5oz butter", quantity=150, unit="gram", unit_text="g", alt_quantity=5, alt_unit="ounce", food="butter"
)
MILK = line(
    "1 cup (240 ml) whole milk",
    quantity=1,
    unit="cup",
    unit_text="cup",
    alt_quantity=240,
    alt_unit="millilitre",
    food="whole milk",
)
POTATOES = line("500 g potatoes", quantity=500, unit="gram", unit_text="g", food="potatoes")
SALT = line("1/2 tsp salt", quantity=0.5, unit="teaspoon", unit_text="tsp", food="salt")
CREAM = line("2,5 dl cream", quantity=2.5, unit="decilitre", unit_text="dl", food="cream")
SECTION = line("For the sauce:", section=True)
TO_TASTE = line("salt to taste", food="salt", note="to taste")
BEEF = line("1 lb ground beef", quantity=1, unit="pound", unit_text="lb", food="ground beef")
EGGS = line("2 eggs", quantity=2, food="eggs")
STOCK = line("2–3 cups stock", quantity=2, quantity_max=3, unit="cup", unit_text="cups", food="stock")
SALT_PINCH = line("A pinch of salt", quantity=1, unit="pinch", unit_text="pinch", food="salt")
RECIPE = [FLOUR, SUGAR, BUTTER, ONION, GARLIC, TOMATOES, PAIRED, MILK, POTATOES, SALT, CREAM, SECTION, TO_TASTE]
RECIPE += [BEEF, EGGS, STOCK, SALT_PINCH]


@pytest.mark.parametrize("system", ["original", "metric", "us"])
@pytest.mark.parametrize("detail", RECIPE, ids=lambda d: d.text)
def test_unchanged_lines_are_shown_verbatim(detail, system):
    shown = display_line(detail, 1, system)
    if system == "original" or detail.unit not in ("cup", "tablespoon", "teaspoon", "pound", "gram", "decilitre"):
        assert shown == detail.text
    if detail.section or detail.quantity is None:
        for factor in (0.5, 2, 3):
            assert display_line(detail, factor, system) == detail.text


@pytest.mark.parametrize(
    ("detail", "factor", "system", "shown"),
    [
        (FLOUR, 2, "original", "4 cups all-purpose flour"),
        (FLOUR, 0.5, "us", "1 cup all-purpose flour"),
        (FLOUR, 1, "metric", "≈ 240 g all-purpose flour"),
        (FLOUR, 2, "metric", "≈ 480 g all-purpose flour"),
        (SUGAR, 2, "original", "2 tbsp sugar"),
        (SUGAR, 0.5, "original", "1 ½ tsp sugar"),
        (SUGAR, 4, "original", "¼ cup sugar"),
        (SUGAR, 1, "metric", "≈ 12 g sugar"),
        (BUTTER, 2, "original", "6 tablespoons butter, melted"),
        (BUTTER, 3, "original", "9 tablespoons butter, melted"),
        (BUTTER, 4, "original", "¾ cup butter, melted"),
        (BUTTER, 2, "metric", "≈ 85 grams butter, melted"),
        (ONION, 2, "original", "2 large onions, diced"),
        (ONION, 1.5, "metric", "1 ½ large onions, diced"),
        (ONION, 0.5, "us", "½ large onion, diced"),
        (GARLIC, 2, "original", "4–6 cloves of garlic"),
        (GARLIC, 0.5, "metric", "1–1 ½ cloves of garlic"),
        (TOMATOES, 2, "original", "2 (28-ounce) cans tomatoes"),
        (TOMATOES, 2, "metric", "2 (795 g) cans tomatoes"),
        (TOMATOES, 0.5, "us", "½ (28-ounce) can tomatoes"),
        (PAIRED, 2, "original", "300 g (10 oz) butter"),
        (PAIRED, 2, "metric", "300 g butter"),
        (PAIRED, 0.5, "us", "2 ½ oz butter"),  # the line's own US measure, not 75 g converted
        (MILK, 2, "original", "2 cups (480 ml) whole milk"),
        (MILK, 2, "metric", "480 ml whole milk"),
        (MILK, 3, "us", "3 cups whole milk"),
        (POTATOES, 3, "original", "1.5 kg potatoes"),
        (POTATOES, 2, "metric", "1 kg potatoes"),
        (POTATOES, 1, "us", "17 ¾ oz potatoes"),
        (POTATOES, 3, "us", "3 ¼ lb potatoes"),
        (SALT, 2, "original", "1 tsp salt"),
        (SALT, 6, "original", "1 tbsp salt"),
        (SALT, 1, "metric", "≈ 3 g salt"),
        (CREAM, 2, "original", "5 dl cream"),
        (CREAM, 1, "us", "1 cup cream"),
        (CREAM, 0.5, "us", "½ cup cream"),
        (BEEF, 1, "metric", "455 g ground beef"),
        (BEEF, 3, "metric", "1.36 kg ground beef"),
        (BEEF, 0.5, "us", "8 oz ground beef"),
        (EGGS, 0.5, "original", "1 egg"),
        (EGGS, 0.75, "original", "1 ½ eggs"),
        (EGGS, 3, "metric", "6 eggs"),
        (STOCK, 2, "original", "4–6 cups stock"),
        (STOCK, 1, "metric", "475–710 ml stock"),
        (SALT_PINCH, 2, "original", "2 pinches of salt"),
        (SALT_PINCH, 3, "metric", "3 pinches of salt"),
    ],
)
def test_display_line(detail, factor, system, shown):
    assert display_line(detail, factor, system) == shown


BAKING_SODA = line("1 1/2 tsp baking soda", quantity=1.5, unit="teaspoon", unit_text="tsp", food="baking soda")
VANILLA = line("2 tsp vanilla extract", quantity=2, unit="teaspoon", unit_text="tsp", food="vanilla extract")
OIL = line("3 tbsp olive oil", quantity=3, unit="tablespoon", unit_text="tbsp", food="olive oil")
PINCH_OF_CAYENNE = line("1/8 tsp cayenne", quantity=0.125, unit="teaspoon", unit_text="tsp", food="cayenne")


@pytest.mark.parametrize(
    ("detail", "factor", "system", "shown"),
    [
        (BAKING_SODA, 1.25, "original", "1 ⅞ tsp baking soda"),  # 1.875 tsp: was "1.9 tsp"
        (BAKING_SODA, 1.25, "us", "1 ⅞ tsp baking soda"),
        (VANILLA, 0.4, "original", "¾ tsp vanilla extract"),  # 0.8 tsp: was "0.8 tsp"
        (VANILLA, 0.15, "original", "⅓ tsp vanilla extract"),  # 0.3 tsp: was "0.3 tsp"
        (OIL, 0.1, "original", "⅞ tsp olive oil"),  # 0.9 tsp: was "0.9 tsp"
        (PINCH_OF_CAYENNE, 0.5, "original", "⅛ tsp cayenne"),  # 1/16 tsp: the smallest spoon, not "0.062 tsp"
        (SALT, 1.25, "original", "⅝ tsp salt"),  # 0.625 tsp
    ],
)
def test_cups_and_spoons_take_the_nearest_eighth(detail, factor, system, shown):
    """Cups and spoons are measured with cups and spoons: an amount no friendly fraction is close to
    is written as the nearest eighth, never as a decimal nobody can measure."""
    assert display_line(detail, factor, system) == shown


@settings(max_examples=300, deadline=None)
@given(
    quantity=st.sampled_from([1 / 8, 1 / 4, 1 / 3, 1 / 2, 2 / 3, 3 / 4, 1, 1.5, 2, 3]),
    unit=st.sampled_from([("cup", "cups"), ("tablespoon", "tbsp"), ("teaspoon", "tsp")]),
    factor=st.floats(min_value=0.5, max_value=12),
    system=st.sampled_from(["original", "us"]),
)
def test_cups_and_spoons_are_never_written_as_decimals(quantity, unit, factor, system):
    written = str(Fraction(quantity).limit_denominator(8))
    detail = line(f"{written} {unit[1]} milk", quantity=quantity, unit=unit[0], unit_text=unit[1], food="milk")
    shown = display_line(detail, factor, system)
    assert not re.search(r"\d\.\d", shown), (detail.text, factor, shown)


def test_approximate_only_through_a_density():
    shown = {s.detail.text: s for s in present(RECIPE, 2, "metric")}
    assert shown[FLOUR.text].approximate
    assert shown[FLOUR.text].display.startswith("≈ ")
    assert shown[FLOUR.text].unit == "gram"
    assert shown[FLOUR.text].quantity == pytest.approx(480)
    assert not shown[MILK.text].approximate  # milk is shown by volume in metric
    assert not shown[BEEF.text].approximate
    assert not shown[EGGS.text].approximate


def test_present_carries_the_converted_detail():
    shown = present(RECIPE, 2, "metric")
    assert len(shown) == len(RECIPE)
    assert all(isinstance(s, ShownIngredient) for s in shown)
    by_text = {s.detail.text: s for s in shown}
    stock = by_text[STOCK.text]
    assert (stock.unit, stock.quantity, stock.quantity_max) == ("millilitre", pytest.approx(946.353), 1419.53)
    assert by_text[MILK.text].detail.alt_quantity is None  # the second measure is not shown in metric
    assert by_text[SECTION.text].display == "For the sauce:"
    assert by_text[TO_TASTE.text].display == "salt to taste"
    assert by_text[TO_TASTE.text].quantity is None
    assert by_text[GARLIC.text].detail.food_key == GARLIC.food_key
    assert [s.display for s in present(RECIPE, 1, "original")] == [d.text for d in RECIPE]


def test_present_refuses_bad_scales_and_systems():
    for factor in (0, -1, 1000, float("nan"), float("inf")):
        with pytest.raises(ScaleError):
            present(RECIPE, factor, "original")
    with pytest.raises(UnitSystemError):
        present(RECIPE, 2, "imperial")


@pytest.mark.parametrize(
    "detail",
    [
        line("x" * 10_000, quantity=1, unit="cup", unit_text="cup", food="x" * 9_990),
        line("1 furlong of love", quantity=1, unit="furlong", unit_text="furlong", food="love"),
        line("1 splash \u202erum\x00", quantity=1, unit="splash", unit_text="splash", food="\u202erum\x00"),
        line("99999999999 kg flour", quantity=99999999999, unit="kilogram", unit_text="kg", food="flour"),
        line("1e-300 cup sugar", quantity=1e-300, unit="cup", unit_text="cup", food="sugar"),
        line("2 ﷽ dates", quantity=2, food="﷽ dates"),
        line("1 (weird) can beans", quantity=1, unit="can", unit_text="can", size="weird", food="beans"),
        line("1 (5-furlong) can beans", quantity=1, unit="can", size="5-furlong", food="beans"),
        line("1e308 cups milk", quantity=1e308, unit="cup", food="milk"),
    ],
)
@pytest.mark.parametrize("system", ["original", "metric", "us"])
def test_odd_lines_never_fail(detail, system):
    for factor in (0.5, 1, 2, 100):
        shown = display_line(detail, factor, system)
        assert isinstance(shown, str) and shown
        if shown != detail.text:
            assert not re.search(r"\de[+-]?\d", shown), shown  # never scientific notation


def test_unknown_units_scale_in_their_own_unit():
    splash = line("1 splash rum", quantity=1, unit="splash", unit_text="splash", food="rum")
    assert display_line(splash, 2, "metric") == "2 splashes rum"
    knob = line("1 knob butter", quantity=1, unit="knob", unit_text="knob", food="butter")
    assert display_line(knob, 3, "us") == "3 knobs butter"


def test_present_remembers_but_hands_out_its_own_list():
    first = present(RECIPE, 2, "us")
    first.clear()
    again = present(RECIPE, 2, "us")
    assert [s.display for s in again] == [display_line(d, 2, "us") for d in RECIPE]


def test_present_without_its_memory(monkeypatch):
    def unhashable(*args: object) -> None:
        raise TypeError("unhashable type: 'list'")  # as a future detail field holding a list would

    monkeypatch.setattr(display, "_present_cached", unhashable)
    assert [s.display for s in present(RECIPE, 2, "metric")] == [display_line(d, 2, "metric") for d in RECIPE]


@pytest.mark.parametrize(
    ("quantity", "quantity_max"),
    [(0, None), (-1, None), (float("nan"), None), (float("inf"), None), (2, 1), (2, float("nan")), (1, float("inf"))],
)
@pytest.mark.parametrize("system", ["original", "metric", "us"])
def test_unusable_amounts_are_shown_as_written(quantity, quantity_max, system):
    detail = line("0 cups milk", quantity=quantity, quantity_max=quantity_max, unit="cup", food="milk")
    assert display_line(detail, 2, system) == "0 cups milk"
    assert present([detail], 2, system)[0].detail == detail


_UNITS = st.sampled_from([None, "cup", "tablespoon", "teaspoon", "gram", "kilogram", "ounce", "pound", "millilitre"])
_AMOUNTS = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True), st.integers(-5, 10**12))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.text(max_size=80),
    quantity=_AMOUNTS,
    quantity_max=_AMOUNTS,
    unit=st.one_of(_UNITS, st.text(max_size=12)),
    alt_quantity=_AMOUNTS,
    alt_unit=st.one_of(_UNITS, st.text(max_size=12)),
    food=st.one_of(st.none(), st.text(max_size=40), st.sampled_from(["flour", "milk", "eggs", "Brown Sugar"])),
    size=st.one_of(st.none(), st.text(max_size=12), st.sampled_from(["28-ounce", "(400 g)", "large"])),
    note=st.one_of(st.none(), st.text(max_size=20)),
    factor=st.floats(min_value=0.01, max_value=100),
    system=st.sampled_from(["original", "metric", "us"]),
)
@example(  # a unit written "0e0" is shown as written: not an amount in scientific notation
    text="",
    quantity=1,
    quantity_max=None,
    unit="0e0",
    alt_quantity=None,
    alt_unit=None,
    food=None,
    size=None,
    note=None,
    factor=2.0,
    system="original",
)
def test_any_reading_is_shown_without_failing(
    text, quantity, quantity_max, unit, alt_quantity, alt_unit, food, size, note, factor, system
):
    detail = IngredientDetail(
        text,
        quantity=quantity,
        quantity_max=quantity_max,
        unit=unit,
        alt_quantity=alt_quantity,
        alt_unit=alt_unit,
        food=food,
        size=size,
        note=note,
    )
    (shown,) = present([detail], factor, system)
    assert isinstance(shown.display, str)
    if shown.display != text:
        # No amount is written in scientific notation ("1e+12"); what the reading holds as text
        # (a unit, a food, a note: "0e0" is a unit too) is shown as written, so it is left out.
        amounts = shown.display
        for written in (text, unit, alt_unit, food, size, note):
            if written:
                amounts = amounts.replace(written, " ")
        assert not re.search(r"\de[+-]?\d", amounts)


@pytest.mark.parametrize(
    ("servings", "factor", "shown"),
    [
        ("4", 1, "Serves 4"),
        ("4 bowls", 1, "Serves 4 bowls"),
        ("Serves 4", 1, "Serves 4"),  # was "Serves Serves 4"
        ("serves 4 people", 1, "serves 4 people"),
        ("Makes 24 cookies", 1, "Makes 24 cookies"),  # was "Serves Makes 24 cookies"
        ("4 servings", 1, "4 servings"),  # was "Serves 4 servings"
        ("Yield: 1 loaf", 1, "Yield: 1 loaf"),
        ("Feeds 6", 1, "Feeds 6"),
        ("a crowd", 1, "Serves a crowd"),
        ("  4  ", 1, "Serves 4"),
        ("4", 2, "Serves 8"),
        ("Serves 4", 2, "Serves 8"),
        ("Serves 4", 1.25, "Serves 5"),
        ("Serves 4", 0.375, "Serves 1 ½"),
        ("serves 4 people", 0.5, "serves 2 people"),
        ("4-6", 0.5, "Serves 2-3"),
        ("4–6 servings", 2, "8–12 servings"),
        ("Serves four to six", 2, "Serves 8 to 12"),
        ("Makes 2 dozen cookies", 2, "Makes 48 cookies"),
        ("Makes half a dozen", 2, "Makes 12"),
        ("Makes a dozen rolls", 0.5, "Makes 6 rolls"),
        ("Yield: 1 loaf", 3, "Yield: 3 loaves"),
        ("Makes 1 large loaf", 2, "Makes 2 large loaves"),
        ("Makes 2 loaves", 0.5, "Makes 1 loaf"),
        ("Makes 1 loaf or 12 rolls", 2, "Makes 2 loaves or 24 rolls"),
        ("1 cake (10 slices)", 2, "Serves 2 cakes (20 slices)"),
        ("Makes one 9-inch pie (8 slices)", 2, "Makes 2 9-inch pies (16 slices)"),
        ("9x13 pan, 12 squares", 0.5, "Serves 9x13 pan, 6 squares"),
        ("a crowd", 2, "Serves a crowd (×2)"),
        ("Serves 0", 1.5, "Serves 0 (×1.5)"),
    ],
)
def test_servings_text(servings, factor, shown):
    """The servings as the recipe's facts line writes them, at the scale it is shown at: "Serves" only
    where the text does not say what it makes, and every count it gives scaled."""
    assert servings_text(servings, factor) == shown
