"""Food names (recipes/ingredients/foods.py): the key two recipes' lines merge on."""

from __future__ import annotations

import csv

import pytest

from recipes.ingredients.foods import DATA, food_key, plural, plural_phrase, singular, singular_phrase, spellings


@pytest.mark.parametrize(
    ("food", "key"),
    [
        ("onion", "onion"),
        ("Onions", "onion"),
        ("ONIONS", "onion"),
        ("  onions  ", "onion"),
        ("tomatoes", "tomato"),
        ("cherry tomatoes", "cherry tomato"),
        ("potatoes", "potato"),
        ("leaves", "leaf"),
        ("bay leaves", "bay leaf"),
        ("berries", "berry"),
        ("raspberries", "raspberry"),
        ("anchovies", "anchovy"),
        ("cookies", "cookie"),
        ("peaches", "peach"),
        ("radishes", "radish"),
        ("cloves", "clove"),
        ("olives", "olive"),
        ("chives", "chive"),
        ("eggs", "egg"),
        ("asparagus", "asparagus"),
        ("couscous", "couscous"),
        ("hummus", "hummus"),
        ("molasses", "molasses"),
        ("Swiss chard", "swiss chard"),
        ("brown sugar", "brown sugar"),
        ("sugar", "sugar"),
        ("glass noodles", "glass noodle"),
        ("All-Purpose Flour", "all purpose flour"),
        ("all purpose flour", "all purpose flour"),
        ("jalapeño", "jalapeño"),
        ("JALAPEÑOS", "jalapeño"),
        ("jalapen\u0303o", "jalapeño"),  # a decomposed accent composes to the same key
        ("crème fraîche", "crème fraîche"),
    ],
)
def test_food_key(food, key):
    assert food_key(food) == key


@pytest.mark.parametrize(
    "names",
    [
        ("scallions", "spring onions", "green onions", "Green Onion", "Scallion"),
        ("coriander", "cilantro", "fresh coriander"),
        ("courgettes", "zucchini"),
        ("aubergine", "eggplant", "Aubergines", "eggplants"),
        ("icing sugar", "powdered sugar", "confectioners' sugar", "confectioner's sugar", "Confectioners’ sugar"),
        ("bicarbonate of soda", "baking soda"),
        ("double cream", "heavy cream"),
        ("plain flour", "all-purpose flour", "All Purpose Flour"),
        ("rocket", "arugula"),
        ("prawns", "shrimp"),
        ("chickpeas", "garbanzo beans", "chick peas"),
    ],
)
def test_aliases_give_one_key(names):
    keys = {food_key(name) for name in names}
    assert len(keys) == 1, keys


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("brown sugar", "sugar"),
        ("ground coriander", "coriander"),
        ("sweet potato", "potato"),
        ("fresh yeast", "yeast"),
        ("almond flour", "flour"),
    ],
)
def test_different_foods_stay_different(one, other):
    assert food_key(one) != food_key(other)


@pytest.mark.parametrize("food", [None, "", "   ", "!!!", "—", "\x00\x01"])
def test_no_food(food):
    assert food_key(food) is None


def test_hostile_input_gives_a_short_key():
    assert len(food_key("onion " * 2000) or "") <= 120
    assert food_key("\u202eonion\u202c") == "onion"
    assert food_key("🧅 onions") == "onion"  # symbols are not words


def test_the_alias_table_is_well_formed():
    with (DATA / "food_aliases.csv").open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert rows
    targets = {food_key(row["same_as"]) for row in rows}
    for row in rows:
        assert row["name"] and row["same_as"]
        assert food_key(row["name"]) == food_key(row["same_as"])
    # no chains: what a name stands for is not itself an alias of something else
    assert all(food_key(target) == target for target in targets)


@pytest.mark.parametrize(
    ("word", "many"),
    [
        ("onion", "onions"),
        ("potato", "potatoes"),
        ("tomato", "tomatoes"),
        ("berry", "berries"),
        ("leaf", "leaves"),
        ("peach", "peaches"),
        ("radish", "radishes"),
        ("box", "boxes"),
        ("glass", "glasses"),
        ("pinch", "pinches"),
        ("day", "days"),
        ("asparagus", "asparagus"),
        ("eggs", "eggs"),
    ],
)
def test_plural_and_back(word, many):
    assert plural(word) == many
    assert singular(many) == (word if word != "eggs" else "egg")


def test_phrases_keep_what_was_written():
    assert plural_phrase("large Egg") == "large Eggs"
    assert plural_phrase("EGG") == "EGGS"
    assert singular_phrase("red Onions") == "red Onion"
    assert plural_phrase("egg (room temperature)") == "egg (room temperature)"  # the last word is not the food
    assert plural_phrase("") == ""
    assert plural_phrase("123") == "123"


def test_spellings_are_every_name_of_the_food_singular_and_plural() -> None:
    """What an ingredient search looks for: every way of writing the food the key merges."""
    found = spellings("Scallions")
    assert {"green onion", "green onions", "scallion", "scallions", "spring onion", "spring onions"} <= set(found)
    assert found[0] == "green onion"  # the key first
    assert spellings("tomatoes") == ("tomato", "tomatoes")
    assert spellings("berry") == ("berry", "berries")
    assert spellings("rice") == ("rice",)  # no plural
    assert all(food_key(form) == food_key("scallions") for form in found)
    assert spellings("") == spellings("  ,; ") == ()
