"""Which ingredients a step uses (recipes/cooking/matching.py): matched by food name, with plurals
and the food names' aliases, the longest name first, and a shorter word only where it names one
food of the recipe."""

from __future__ import annotations

import pytest

from recipes.cooking.matching import StepIngredients, ingredients_used, words
from recipes.ingredients.detail import IngredientDetail
from recipes.ingredients.recipe_lines import read_lines

LINES = [
    "Soup:",
    "200 g red lentils",
    "1 onion, chopped",
    "2 carrots",
    "1 l vegetable stock",
    "2 tbsp olive oil",
    "1 tsp brown sugar",
    "1 tsp sugar",
    "1 cup heavy cream",
    "4 oz cream cheese",
    "2 chicken breasts",
    "2 cups chicken stock",
    "3 scallions",
    "1 tsp vanilla extract",
    "2 cups all-purpose flour",
    "salt and pepper to taste",
    "2 tomatoes",
    "1 tbsp tomato paste",
    "1 courgette",
]


@pytest.fixture(scope="module")
def matcher() -> StepIngredients:
    return StepIngredients(read_lines(LINES))


@pytest.mark.parametrize(
    ("step", "used"),
    [
        ("Fry the onion.", ["1 onion, chopped"]),
        ("Fry the onions.", ["1 onion, chopped"]),  # plural
        ("Add the lentils and the carrot.", ["200 g red lentils", "2 carrots"]),  # a word of the name; singular
        ("Stir in the brown sugar.", ["1 tsp brown sugar"]),  # the longest name, not the sugar too
        ("Add the sugar.", ["1 tsp sugar"]),
        ("Add the brown sugar, then the sugar.", ["1 tsp brown sugar", "1 tsp sugar"]),
        ("Whip the cream.", ["1 cup heavy cream"]),  # the food whose last word it is
        ("Beat the cream cheese with the vanilla.", ["4 oz cream cheese", "1 tsp vanilla extract"]),
        ("Pour in the chicken stock.", ["2 cups chicken stock"]),
        ("Add the chicken.", ["2 chicken breasts"]),  # the stock is made from chicken: not "the chicken"
        ("Add the stock.", []),  # vegetable or chicken stock
        ("Heat the oil.", ["2 tbsp olive oil"]),
        ("Sprinkle with green onions.", ["3 scallions"]),  # an alias
        ("Sprinkle with spring onion.", ["3 scallions"]),
        ("Add the zucchini.", ["1 courgette"]),  # the alias the other way
        ("Whisk in the flour; season with salt.", ["2 cups all-purpose flour", "salt and pepper to taste"]),
        ("Add the tomatoes and the tomato paste.", ["1 tbsp tomato paste", "2 tomatoes"]),
        ("Add the tomato paste.", ["1 tbsp tomato paste"]),
        ("Roast the vegetables.", []),  # "vegetable" describes the stock
        ("Preheat the oven to 200°C.", []),
        ("", []),
        ("Soup:", []),  # a section header is no ingredient
    ],
)
def test_the_ingredients_a_step_names(matcher: StepIngredients, step: str, used: list[str]) -> None:
    assert sorted(LINES[i] for i in matcher.used_in(step)) == sorted(used)


def test_case_punctuation_and_accents_do_not_matter() -> None:
    readings = read_lines(["1 jalapeño", "2 Cloves Garlic", "crème fraîche"])
    assert ingredients_used("SEED THE JALAPEÑOS; crush the garlic!", readings) == {0, 1}
    assert ingredients_used("Stir in the crème fraîche.", readings) == {2}


def test_the_same_food_on_two_lines_is_marked_on_both() -> None:
    readings = read_lines(["For the cake:", "100 g butter", "For the icing:", "50 g butter"])
    assert ingredients_used("Cream the butter.", readings) == {1, 3}


def test_a_line_without_a_food_is_never_used() -> None:
    readings = [IngredientDetail(text="a pinch"), IngredientDetail(text="Sauce:", section=True, food="Sauce")]
    assert ingredients_used("Add a pinch of sauce.", readings) == frozenset()
    assert StepIngredients([]).used_in("Add everything.") == frozenset()


def test_a_corrected_reading_is_matched_by_its_corrected_food() -> None:
    (reading,) = read_lines(["1 bunch fresh thing"])
    corrected = reading.with_changes(food="basil", food_key="basil")
    assert ingredients_used("Tear the basil leaves.", [corrected]) == {0}


def test_words_are_compared_singular_and_plain() -> None:
    assert words("Add the Cherry-Tomatoes, berries & leaves!") == ["add", "the", "cherry", "tomato", "berry", "leaf"]
    assert words("stir " * 100 + "the onions")[-1] == "onion"  # a long step is read to its end


def test_a_food_made_from_another_is_not_named_by_what_it_is_made_from() -> None:
    readings = read_lines(["1 l chicken stock", "400 ml coconut milk", "1 tbsp sesame oil"])
    assert ingredients_used("Add the chicken, the coconut and the sesame seeds.", readings) == frozenset()
    assert ingredients_used("Add the stock, the milk and the oil.", readings) == {0, 1, 2}


def test_a_word_two_foods_share_names_neither_unless_it_is_one_of_their_last_words() -> None:
    readings = read_lines(["2 chicken breasts", "2 chicken thighs", "1 tbsp olive oil", "1 tbsp vegetable oil"])
    assert ingredients_used("Brown the chicken in the oil.", readings) == frozenset()
    assert ingredients_used("Brown the thighs in the olive oil.", readings) == {1, 2}
