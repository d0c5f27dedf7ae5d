import pytest

from recipes.cookbook import recipe_text as text


def test_ingredients_kept_verbatim_and_in_order():
    raw = "Dough:\r\n  500 g flour \n\n1 tsp salt\n½ cup   water\nFilling:\n"
    assert text.parse_ingredients(raw) == ["Dough:", "500 g flour", "1 tsp salt", "½ cup   water", "Filling:"]


@pytest.mark.parametrize(
    ("raw", "steps"),
    [
        ("Mix.\nBake.\n", ["Mix.", "Bake."]),
        # A step written as a paragraph keeps its own line breaks.
        (
            "Mix the flour\nwith water.\n\nBake for\n20 minutes.",
            ["Mix the flour\nwith water.", "Bake for\n20 minutes."],
        ),
        ("Preheat.\nMix.\n\nBake.\nCool.", ["Preheat.\nMix.", "Bake.\nCool."]),
        ("\n\n  \n", []),
        ("One step only", ["One step only"]),
        ("A.\r\n\r\nB.\r\n", ["A.", "B."]),
    ],
)
def test_instructions_split_into_steps(raw, steps):
    assert text.parse_instructions(raw) == steps


def test_instructions_round_trip_through_the_form():
    steps = ["Mix.", "Bake for 20 minutes,\nthen rest."]
    assert text.parse_instructions(text.instructions_text(steps)) == steps


@pytest.mark.parametrize(
    ("raw", "tags"),
    [
        ("Soup, vegetarian", ["Soup", "vegetarian"]),
        (" soup ,SOUP,, quick   dinner ", ["soup", "quick dinner"]),
        ("", []),
        (",,,", []),
        ("a" * 63 + " b", ["a" * 63]),
    ],
)
def test_tags_parsed_as_typed_without_duplicates(raw, tags):
    assert text.parse_tags(raw) == tags


def test_section_headers():
    assert text.is_section_header("For the sauce:")
    assert not text.is_section_header("2 eggs")
