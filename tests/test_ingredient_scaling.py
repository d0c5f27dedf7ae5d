"""Scaling (recipes/ingredients/scaling.py and steps.py): servings read from text, the factor and its
limits, scaled details, and amounts and temperatures inside steps."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recipes.ingredients import steps as steps_module
from recipes.ingredients.detail import IngredientDetail
from recipes.ingredients.scaling import (
    Have,
    ScaleError,
    check_factor,
    scale_detail,
    scale_factor,
    servings_count,
    servings_numbers,
    servings_range,
)
from recipes.ingredients.steps import scale_step_text, scale_steps
from recipes.ingredients.units import UnitSystemError

FLOUR = IngredientDetail("2 cups all-purpose flour", quantity=2, unit="cup", unit_text="cups", food="all-purpose flour")
MILK = IngredientDetail("1 cup whole milk", quantity=1, unit="cup", unit_text="cup", food="whole milk")
SUGAR = IngredientDetail("200 g sugar", quantity=200, unit="gram", unit_text="g", food="sugar")
EGGS = IngredientDetail("3 eggs", quantity=3, food="eggs")
YOLK = IngredientDetail("1 egg yolk", quantity=1, food="egg yolk")
GARLIC = IngredientDetail("2 cloves garlic", quantity=2, unit="clove", unit_text="cloves", food="garlic")
CHICKEN = IngredientDetail("500 g chicken thighs", quantity=500, unit="gram", unit_text="g", food="chicken thighs")
RECIPE = [FLOUR, MILK, SUGAR, EGGS, YOLK, GARLIC, CHICKEN]


# --- Servings ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "count", "high"),
    [
        ("4", 4, None),
        ("Serves 4", 4, None),
        ("serves 4 people", 4, None),
        ("Makes 24 cookies", 24, None),
        ("4-6", 4, 6),
        ("4 - 6", 4, 6),
        ("4–6 servings", 4, 6),
        ("4 to 6 servings", 4, 6),
        ("6 or 8", 6, 8),
        ("Serves four to six", 4, 6),
        ("one dozen", 12, None),
        ("a dozen", 12, None),
        ("2 dozen cookies", 24, None),
        ("Makes half a dozen", 6, None),
        ("Makes 2.5 cups", 2.5, None),
        ("1,5 l", 1.5, None),
        ("Yield: 1 loaf", 1, None),
        ("One 9-inch pie (8 slices)", 1, None),
        ("9x13 pan, 12 squares", 12, None),
        ("6-4", 6, None),  # not a range: the low end alone
    ],
)
def test_servings(text, count, high):
    assert servings_count(text) == count
    assert servings_range(text) == (count, high)


@pytest.mark.parametrize(
    "text",
    [None, "", "   ", "a few", "Serves 0", "Makes an 8-inch cake", "Serves ٤", "99999999999", "x" * 10_000, "\x00\x1f"],
)
def test_no_servings(text):
    assert servings_count(text) is None
    assert servings_range(text) is None


@pytest.mark.parametrize(
    ("text", "counts"),
    [
        ("Serves 4-6", [("4", 4), ("6", 6)]),
        ("Serves four to six", [("four", 4), ("six", 6)]),
        ("Makes 2 dozen cookies", [("2 dozen", 24)]),
        ("Makes half a dozen", [("half a dozen", 6)]),
        ("One 9-inch pie (8 slices)", [("One", 1), ("8", 8)]),
        ("9x13 pan, 12 squares", [("12", 12)]),
        ("a few", []),
        ("Serves 0", []),
        (None, []),
    ],
)
def test_servings_numbers_say_where_each_count_is_written(text, counts):
    found = servings_numbers(text)
    assert [(text[c.start : c.end], c.value) for c in found] == counts


# --- The factor -------------------------------------------------------------------------------------


@pytest.mark.parametrize("factor", [0.01, 0.5, 1, 1.5, 2, 3, 100])
def test_usable_factors(factor):
    assert check_factor(factor) == factor
    assert scale_factor(factor=factor) == factor


@pytest.mark.parametrize(
    ("factor", "message"),
    [
        (0, "more than 0"),
        (-1, "more than 0"),
        (-0.0, "more than 0"),
        (100.0001, "at most 100"),
        (1000, "at most 100"),
        (math.nan, "a number"),
        (math.inf, "a number"),
        (-math.inf, "a number"),
        (True, "a number"),
    ],
)
def test_refused_factors(factor, message):
    with pytest.raises(ScaleError, match=message):
        check_factor(factor)
    with pytest.raises(ScaleError):
        scale_factor(factor=factor)


def test_factor_from_servings():
    assert scale_factor(servings=8, base_servings=4) == 2
    assert scale_factor(servings=2, base_servings=servings_count("Serves 4-6")) == 0.5
    with pytest.raises(ScaleError, match="does not say how many servings"):
        scale_factor(servings=8, base_servings=None)
    with pytest.raises(ScaleError, match="more than 0"):
        scale_factor(servings=0, base_servings=4)
    with pytest.raises(ScaleError, match="at most 100"):
        scale_factor(servings=1000, base_servings=4)


def test_exactly_one_way_to_scale():
    with pytest.raises(ScaleError, match="one of"):
        scale_factor()
    with pytest.raises(ScaleError, match="one of"):
        scale_factor(factor=2, servings=4, base_servings=2)


@pytest.mark.parametrize(
    ("have", "factor"),
    [
        (Have(300, "gram", SUGAR), 1.5),
        (Have(1, "kilogram", SUGAR), 5),
        (Have(4, "cup", FLOUR), 2),
        (Have(1, "pint", MILK), 2),
        (Have(360, "gram", FLOUR), 1.5),  # through flour's density (120 g a cup)
        (Have(6, None, EGGS), 2),
        (Have(1, None, EGGS), 1 / 3),
        (Have(3, "clove", GARLIC), 1.5),
        (Have(3, None, GARLIC), 1.5),
        (Have(1, "pound", CHICKEN), 0.90718474),
    ],
)
def test_factor_from_what_i_have(have, factor):
    assert scale_factor(have=have) == pytest.approx(factor)


@pytest.mark.parametrize(
    ("have", "message"),
    [
        (Have(2, "cup", CHICKEN), "density is not known"),  # volume vs mass, no density
        (Have(2, "gram", GARLIC), "counted"),
        (Have(2, "can", GARLIC), "counted"),
        (Have(2, "furlong", SUGAR), "Unknown unit"),
        (Have(2, "gram", EGGS), "Cannot compare"),
        (Have(0, "gram", SUGAR), "more than 0"),
        (Have(-5, "gram", SUGAR), "more than 0"),
        (Have(math.nan, "gram", SUGAR), "more than 0"),
        (Have(100, "kilogram", SUGAR), "at most 100"),
        (Have(1, "gram", IngredientDetail("salt to taste", food="salt", note="to taste")), "no amount"),
        (Have(1, "gram", IngredientDetail("For the sauce:", section=True)), "no amount"),
        (Have(1, "cup", IngredientDetail("0 cups milk", quantity=0, unit="cup")), "no amount"),
        (Have(1, "cup", IngredientDetail("nan cups milk", quantity=math.nan, unit="cup")), "no amount"),
    ],
)
def test_factor_from_what_i_have_refused(have, message):
    with pytest.raises(ScaleError, match=message):
        scale_factor(have=have)


def test_scale_detail():
    ranged = IngredientDetail("2-3 cups stock", quantity=2, quantity_max=3, unit="cup", food="stock")
    assert scale_detail(ranged, 2).quantity == 4
    assert scale_detail(ranged, 2).quantity_max == 6
    paired = IngredientDetail("150g/5oz butter", quantity=150, unit="gram", alt_quantity=5, alt_unit="ounce")
    assert (scale_detail(paired, 0.5).quantity, scale_detail(paired, 0.5).alt_quantity) == (75, 2.5)
    assert scale_detail(paired, 0.5).text == "150g/5oz butter"  # the verbatim line stays the truth
    no_amount = IngredientDetail("salt to taste", food="salt")
    section = IngredientDetail("For the sauce:", section=True)
    assert scale_detail(no_amount, 3) is no_amount
    assert scale_detail(section, 3) is section
    assert scale_detail(FLOUR, 1) is FLOUR
    with pytest.raises(ScaleError):
        scale_detail(FLOUR, 0)


# --- Steps ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "factor", "system", "shown"),
    [
        ("Add 1 cup of the milk.", 2, "original", "Add 2 cups of the milk."),
        ("Add 1 cup of the milk.", 2, "metric", "Add 475 ml of the milk."),
        ("Stir in 1 1/2 cups flour.", 2, "original", "Stir in 3 cups flour."),
        ("Stir in 1 1/2 cups flour.", 1, "metric", "Stir in ≈ 180 g flour."),
        ("Stir in 200 g flour.", 0.5, "original", "Stir in 100 g flour."),
        ("Stir in 100 g sugar.", 1, "us", "Stir in ≈ ½ cup sugar."),
        ("Stir in ½ cup of the remaining sugar.", 2, "original", "Stir in 1 cup of the remaining sugar."),
        ("Beat in 2 eggs, one at a time.", 2, "original", "Beat in 4 eggs, one at a time."),
        ("Beat in 2 eggs, one at a time.", 0.5, "original", "Beat in 1 egg, one at a time."),
        ("Whisk 1 egg yolk with ½ cup milk.", 2, "metric", "Whisk 2 egg yolks with 235 ml milk."),
        ("Add 2 cloves garlic.", 1.5, "original", "Add 3 cloves garlic."),
        ("Crush 2 garlic cloves.", 1.5, "original", "Crush 3 garlic cloves."),
        # what is not an ingredient's amount stays
        ("Cook for 5 minutes in a 9-inch pan.", 2, "metric", "Cook for 5 minutes in a 9-inch pan."),
        ("Add 2 cups water.", 2, "metric", "Add 2 cups water."),  # water is not in the recipe
        ("Cut into 2 pieces.", 2, "original", "Cut into 2 pieces."),
        ("Add the 2 flour tortillas.", 2, "original", "Add the 2 flour tortillas."),
        ("Use 1/0 cup flour.", 2, "original", "Use 1/0 cup flour."),
        ("Use 0 cups flour.", 2, "metric", "Use 0 cups flour."),
    ],
)
def test_amounts_in_steps(step, factor, system, shown):
    assert scale_step_text(step, RECIPE, factor, system) == shown


@pytest.mark.parametrize(
    ("step", "system", "shown"),
    [
        ("Preheat the oven to 350°F.", "metric", "Preheat the oven to 175°C."),
        ("Preheat the oven to 350 °F.", "metric", "Preheat the oven to 175 °C."),
        ("Bake at 425F for 20 minutes.", "metric", "Bake at 220C for 20 minutes."),
        ("Bake at 400 degrees Fahrenheit.", "metric", "Bake at 205 degrees Celsius."),
        ("Bake at 375-400°F.", "metric", "Bake at 190–205°C."),
        ("Preheat the oven to 180 °C.", "us", "Preheat the oven to 350 °F."),
        ("Preheat the oven to 180°C.", "us", "Preheat the oven to 350°F."),
        ("Roast at 200C.", "us", "Roast at 400F."),
        ("Roast at 220 ℃.", "us", "Roast at 425 ℉."),
        ("Preheat oven to 180C/160C fan/gas 4.", "us", "Preheat oven to 350F/325F fan/gas 4."),
        # outside an oven, to the degree
        ("Heat the oil to 350 degrees F.", "metric", "Heat the oil to 177 degrees C."),
        ("Boil to 115 °C (soft ball).", "us", "Boil to 239 °F (soft ball)."),
        ("Freeze at -18°C.", "us", "Freeze at 0°F."),
        # already given in both, or already in the system, or "as written"
        ("Bake at 180 °C (350°F) for 30 minutes.", "metric", "Bake at 180 °C (350°F) for 30 minutes."),
        ("Bake at 180 °C (350°F) for 30 minutes.", "us", "Bake at 180 °C (350°F) for 30 minutes."),
        ("Bake at 350°F / 175°C.", "metric", "Bake at 350°F / 175°C."),
        ("Preheat the oven to 350°F.", "us", "Preheat the oven to 350°F."),
        ("Preheat the oven to 350°F.", "original", "Preheat the oven to 350°F."),
        ("Bake at 350°.", "metric", "Bake at 350°."),  # no scale named: left alone
        ("Add 2 C of stock.", "metric", "Add 2 C of stock."),
    ],
)
def test_temperatures_in_steps(step, system, shown):
    assert scale_step_text(step, RECIPE, 1, system) == shown


def test_step_edge_cases():
    assert scale_step_text("", RECIPE, 2, "metric") == ""
    long_step = "Add 1 cup of the milk. " * 1000  # 23 kB: left as it is
    assert scale_step_text(long_step, RECIPE, 2, "metric") == long_step
    assert scale_step_text("Add 1 cup of the milk.", [], 2, "original") == "Add 1 cup of the milk."
    weird = "Add 1 cup of the milk\u202e\x00 and ﷽ 🥛."
    assert scale_step_text(weird, RECIPE, 2, "original") == "Add 2 cups of the milk\u202e\x00 and ﷽ 🥛."
    with pytest.raises(ScaleError):
        scale_step_text("Add 1 cup of the milk.", RECIPE, 0, "original")
    with pytest.raises(UnitSystemError):
        scale_step_text("Add 1 cup of the milk.", RECIPE, 2, "imperial")


def test_scale_steps_reads_the_foods_once_and_matches_scale_step_text():
    steps = ["Preheat the oven to 350°F.", "Add 1 cup of the milk.", "Beat in 2 eggs."]
    for factor, system in ((1, "original"), (2, "metric"), (0.5, "us")):
        expected = [scale_step_text(step, RECIPE, factor, system) for step in steps]
        assert scale_steps(steps, RECIPE, factor, system) == expected
        assert scale_steps(steps, RECIPE, factor, system) == expected  # remembered
    with pytest.raises(ScaleError):
        scale_steps(steps, RECIPE, 1000, "metric")


def test_scale_steps_without_its_memory(monkeypatch):
    def unhashable(*args: object) -> None:
        raise TypeError("unhashable type: 'list'")

    monkeypatch.setattr(steps_module, "_scale_steps_cached", unhashable)
    assert scale_steps(["Add 1 cup of the milk."], RECIPE, 2, "original") == ["Add 2 cups of the milk."]


@settings(max_examples=300, deadline=None)
@given(
    step=st.text(alphabet=st.sampled_from(list("0123456789 /.,-–½¼°FfCc℃℉ cupsgmltbspoflurmikeg()")), max_size=60),
    factor=st.floats(min_value=0.01, max_value=100),
    system=st.sampled_from(["original", "metric", "us"]),
)
def test_any_step_is_shown_without_failing(step, factor, system):
    assert isinstance(scale_step_text(step, RECIPE, factor, system), str)
