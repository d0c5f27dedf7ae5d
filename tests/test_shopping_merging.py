"""Merging what recipes need into shopping list rows (recipes/shopping/merging.py), the aisles and the
pantry staples: pure functions, checked with real ingredient lines read by the real parser."""

from __future__ import annotations

import math

import pytest

from recipes.ingredients.foods import food_key
from recipes.ingredients.recipe_lines import read_line
from recipes.shopping import aisles, merging, staples
from recipes.shopping.merging import Need, Part, Total, item_text, need_of, package_size, total


def merged(*lines: str, factor: float = 1.0) -> str:
    """The row the lines make together, as the list shows it."""
    details = [read_line(line) for line in lines]
    keys = {detail.food_key for detail in details}
    assert len(keys) == 1, f"not one food: {keys}"
    food = details[0].food
    assert food is not None
    return item_text(total([need_of(detail, factor) for detail in details], food), food)


def summed(*lines: str, factor: float = 1.0) -> Total:
    details = [read_line(line) for line in lines]
    return total([need_of(detail, factor) for detail in details], details[0].food)


# --- the examples ------------------------------------------------------------------------


def test_two_cups_and_250_ml_of_milk_are_one_milk_row() -> None:
    # Mostly cups: shown in cups (473 + 250 = 723 ml, 3.06 cups).
    assert merged("2 cups milk", "250 ml milk") == "3 cups milk"
    row = summed("2 cups milk", "250 ml milk").single
    assert row is not None and row.unit == "cup" and row.quantity == pytest.approx(723.18 / 236.588, rel=1e-3)
    # Mostly millilitres: shown in millilitres.
    assert merged("250 ml milk", "1/4 cup milk") == "310 ml milk"


def test_one_onion_and_two_onions_are_three_onions() -> None:
    assert merged("1 onion", "2 onions") == "3 onions"
    assert merged("1 large onion, chopped", "2 onions, sliced") == "3 onions"


def test_200_g_and_1_kg_of_flour_are_1_2_kg() -> None:
    assert merged("200 g flour", "1 kg flour") == "1.2 kg flour"
    row = summed("200 g flour", "1 kg flour").single
    assert row == Part(1.2, None, "kilogram")


# --- measures --------------------------------------------------------------------------------------


def test_one_unit_stays_in_its_unit_or_moves_up_its_family() -> None:
    assert merged("500 g beef mince", "600 g beef mince") == "1.1 kg beef mince"
    assert merged("1 pint double cream", "1 pint double cream") == "2 pints double cream"
    assert merged("1 tbsp sugar", "1 tbsp sugar") == "2 tbsp sugar"
    assert merged("3 tsp sugar", "1 tbsp sugar") == "2 tbsp sugar"
    assert merged("8 oz cheddar", "8 oz cheddar") == "1 lb cheddar"


def test_volume_and_weight_join_through_a_density_and_say_it_is_approximate() -> None:
    # 2 cups of flour weigh about 240 g; most of it was written in cups, so the row is in US units.
    assert merged("2 cups flour", "100 g flour") == "≈ 12 oz flour"
    row = summed("2 cups flour", "100 g flour").single
    assert row is not None and row.approximate and row.unit == "ounce"
    assert merged("1/2 cup flour", "500 g flour") == "≈ 560 g flour"


def test_volume_and_weight_of_a_food_without_density_stay_on_one_row_side_by_side() -> None:
    assert merged("1 cup spinach", "200 g spinach") == "1 cup + 200 g spinach"
    assert summed("1 cup spinach", "200 g spinach").single is None


def test_counted_units_sum_per_unit() -> None:
    assert merged("2 cloves garlic", "3 garlic cloves") == "5 cloves garlic"
    assert merged("2 cloves garlic", "1 head garlic") == "2 cloves + 1 head garlic"
    assert merged("1 (28-ounce) can tomatoes", "1 (28 oz) can tomatoes") == "2 (28 oz) cans tomatoes"
    # Cans of another size count apart.
    assert merged("1 (14-ounce) can tomatoes", "1 (28-ounce) can tomatoes") == (
        "1 (14 oz) can + 1 (28 oz) can tomatoes"
    )


def test_a_counted_amount_without_unit_comes_last_and_names_the_food() -> None:
    assert merged("200 g tomatoes", "2 tomatoes") == "200 g + 2 tomatoes"
    assert merged("1 tomato", "200 g tomatoes") == "200 g + 1 tomato"


def test_ranges_sum_both_ends() -> None:
    assert merged("2-3 cloves garlic", "1 clove garlic") == "3–4 cloves garlic"
    row = summed("2-3 cloves garlic", "1 clove garlic").single
    assert row == Part(3.0, 4.0, "clove")
    assert merged("100-150 g butter", "50 g butter") == "150–200 g butter"


def test_counted_things_are_bought_whole() -> None:
    assert merged("1 egg", factor=0.5) == "1 egg"
    assert merged("1/2 lemon", "1/2 lemon") == "1 lemon"
    assert merged("3 eggs", factor=1.5) == "5 eggs"  # 4.5 rounded up
    # ... but not measures.
    assert merged("1 cup milk", factor=0.5) == "½ cup milk"


def test_scaling_then_merging() -> None:
    assert merged("1 onion", factor=2) == "2 onions"
    assert merged("200 g red lentils", "100 g red lentils", factor=2) == "600 g red lentils"


def test_amounts_without_a_number_merge_by_food() -> None:
    assert merged("salt to taste", "salt") == "salt"
    assert summed("salt to taste", "a pinch of salt").unmeasured
    # An amount and none: the amount, the row knows some asked for more.
    result = summed("salt to taste", "1 tsp salt")
    assert item_text(result, "salt") == "1 tsp salt" and result.unmeasured


def test_no_need_no_parts_and_bad_numbers_read_as_no_amount() -> None:
    assert total([]) == Total()
    for bad in (0.0, -1.0, math.inf, math.nan):
        assert total([Need(bad, None, "gram")]).parts == ()
    assert Need.from_json({"quantity": "2", "unit": 5}) == Need(None, None, None)
    assert Need.from_json({"quantity": 2, "quantity_max": 1, "unit": "gram"}) == Need(2.0, None, "gram")
    assert Need.from_json({"quantity": True}) == Need()


def test_a_need_round_trips_through_json() -> None:
    need = need_of(read_line("2 x 400g tins chopped tomatoes"))
    assert need == Need(2.0, None, "tin", "400 g")
    assert Need.from_json(need.to_json()) == need


def test_an_unknown_unit_still_sums() -> None:
    assert total([Need(1, None, "thingamajig"), Need(2, None, "thingamajig")]).parts == (
        Part(3.0, None, "thingamajig"),
    )


@pytest.mark.parametrize(
    ("size", "expected"),
    [("28-ounce", "28 oz"), ("(400g)", "400 g"), ("14 oz", "14 oz"), ("1.5 kg", "1.5 kg"), ("large", None), ("", None)],
)
def test_package_sizes_are_normalised(size: str, expected: str | None) -> None:
    assert package_size(size) == expected


def test_the_text_is_never_in_scientific_notation_nor_long() -> None:
    text = merged("0.1 g saffron", "0.2 g saffron")
    assert text == "0.3 g saffron"
    assert merging.part_text(Part(1e-9, None, "gram")) == "0 g"


# --- aisles ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("food", "aisle"),
    [
        ("red onion", "produce"),
        ("Scallions", "produce"),
        ("unsalted butter", "dairy"),
        ("eggs", "dairy"),
        ("boneless skinless chicken breasts", "meat-fish"),
        ("cheddar cheese", "dairy"),
        ("frozen peas", "frozen"),
        ("peanut butter", "pantry"),
        ("extra virgin olive oil", "pantry"),
        ("cayenne pepper", "spices"),
        ("red bell pepper", "produce"),
        ("sourdough bread", "bakery"),
        ("dry white wine", "drinks"),
        ("paper towels", "household"),
        ("zeppelin", "other"),
    ],
)
def test_each_food_has_an_aisle(food: str, aisle: str) -> None:
    assert aisles.aisle_for(food_key(food)) == aisle


def test_a_households_choice_wins_and_covers_the_food_described() -> None:
    chosen = {"flour": "bakery"}
    assert aisles.aisle_for("flour", chosen) == "bakery"
    assert aisles.aisle_for("rye flour", chosen) == "pantry"  # the table knows "rye flour" itself
    assert aisles.aisle_for("spelt flour", chosen) == "bakery"


def test_canned_food_is_on_the_pantry_shelves() -> None:
    assert aisles.aisle_for("tomato") == "produce"
    assert aisles.aisle_for("tomato", packaged=True) == "pantry"
    assert aisles.aisle_for("salt", packaged=True) == "spices"


def test_the_built_in_table_names_only_known_aisles_and_covers_common_foods() -> None:
    table = aisles.table()
    assert set(table.values()) <= set(aisles.AISLES)
    assert set(aisles.AISLES) - {"other"} <= set(table.values())  # every aisle has foods
    assert len(table) >= 500
    for food in ("milk", "egg", "onion", "garlic", "flour", "sugar", "butter", "chicken", "rice", "pasta"):
        assert aisles.aisle_for(food) != "other", food


def test_aisle_order_is_made_whole_and_moves_stop_at_the_ends() -> None:
    assert aisles.ordered(None) == list(aisles.DEFAULT_ORDER)
    assert aisles.ordered(["other", "bogus", "other", 3]) == [
        "other",
        *[a for a in aisles.DEFAULT_ORDER if a != "other"],
    ]
    order = aisles.moved(None, "dairy", -1)
    assert order.index("dairy") == aisles.DEFAULT_ORDER.index("dairy") - 1
    assert aisles.moved(None, "produce", -1)[0] == "produce"
    assert aisles.moved(None, "other", 1)[-1] == "other"
    with pytest.raises(aisles.AisleError, match="Unknown aisle 'shoes'"):
        aisles.moved(None, "shoes", 1)
    with pytest.raises(aisles.AisleError):
        aisles.check_aisle(None)


# --- staples ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("food", "left_out"),
    [
        ("salt", True),
        ("Sea salt", True),
        ("kosher salt", True),
        ("freshly ground black pepper", True),
        ("salt and pepper", True),
        ("extra virgin olive oil", True),
        ("cold water", True),
        ("red bell pepper", False),
        ("sesame oil", False),
        ("coconut water", False),
        ("celery salt", False),
        ("onion", False),
    ],
)
def test_default_staples(food: str, left_out: bool) -> None:
    assert staples.is_staple(food_key(food), staples.staple_keys(staples.DEFAULT_STAPLES)) is left_out


def test_staples_are_cleaned_and_limited() -> None:
    assert staples.clean_staples(["  Salt ", "", "salt", "Olive\x00 oil", "butter"]) == ["Salt", "Olive oil", "butter"]
    with pytest.raises(staples.StapleError, match="at most 60"):
        staples.clean_staples(["x" * 61])
    with pytest.raises(staples.StapleError, match="At most 100"):
        staples.clean_staples([f"food {n}" for n in range(101)])
    assert not staples.is_staple(None, frozenset({"salt"}))


# --- the rows' HTML ---------------------------------------------------------------------------------


def test_rows_are_written_with_every_value_escaped() -> None:
    from recipes.shopping.rows import rows_html
    from recipes.shopping.services import ItemRow

    def row(id_: int, text: str, aisle: str, checked: bool) -> ItemRow:
        return ItemRow(id_, text, None, None, None, False, None, aisle, checked, True)

    html = str(rows_html([row(7, '<img src=x onerror="alert(1)">', '"><script>', True)], '/lists/1"><b>'))
    assert "<img" not in html and "<script>" not in html and "<b>" not in html
    assert 'data-aisle="&#34;&gt;&lt;script&gt;"' in html
    assert 'href="/lists/1&#34;&gt;&lt;b&gt;/items/7"' in html
    assert 'name="uncheck" value="7" aria-pressed="true"' in html
    assert str(rows_html([], "/lists/1")) == ""
