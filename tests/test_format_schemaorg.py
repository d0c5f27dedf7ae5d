"""schema.org Recipe files: JSON-LD (one recipe, lists, @graph) and saved web pages."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from recipes.importing.files.archive import open_archive
from recipes.importing.files.formats import schemaorg
from recipes.importing.files.parsed import FileRejected, ReadResult

from .archives import zip_of
from .conftest import Client, create_recipe
from .growth import growth


def read_json(document: Any, filename: str = "recipe.json") -> ReadResult:
    archive = open_archive(json.dumps(document).encode(), filename)
    assert schemaorg.matches(archive)
    return schemaorg.read(archive)


FULL_RECIPE = {
    "@context": "https://schema.org",
    "@type": "Recipe",
    "name": "Crème Brûlée &amp; Friends",
    "description": "<p>Rich and <b>creamy</b>.</p><p>Second paragraph.</p>",
    "image": {"@type": "ImageObject", "url": "https://example.com/creme.jpg", "width": 800},
    "recipeYield": ["4", "4 servings"],
    "prepTime": "PT20M",
    "cookTime": "PT1H",
    "totalTime": "PT1H20M",
    "recipeCategory": ["Dessert", "French"],
    "recipeCuisine": "French",
    "keywords": "custard, baked,  Easy ",
    "recipeIngredient": ["  2 cups heavy cream ", "5 egg yolks", "", "1/2 cup sugar &frac12;"],
    "recipeInstructions": [
        {"@type": "HowToStep", "text": "Heat the cream."},
        {"@type": "HowToStep", "name": "Whisk", "text": "Whisk the yolks &amp; sugar."},
        {"@type": "HowToStep", "name": "Bake in a water bath."},
    ],
    "url": "https://example.com/creme-brulee",
    "nutrition": {"@type": "NutritionInformation", "calories": "300 kcal", "fatContent": 22, "sugarContent": None},
    "dateCreated": "2021-03-04T05:06:07Z",
}


def test_a_full_recipe_is_mapped_field_by_field() -> None:
    result = read_json(FULL_RECIPE)
    assert result.format == schemaorg.NAME
    assert result.skipped == []
    [recipe] = result.recipes
    data = recipe.data
    assert data.title == "Crème Brûlée & Friends"
    assert data.description == "Rich and creamy.\n\nSecond paragraph."
    assert data.ingredients == ["2 cups heavy cream", "5 egg yolks", "1/2 cup sugar ½"]
    assert data.instructions == ["Heat the cream.", "Whisk the yolks & sugar.", "Bake in a water bath."]
    assert data.servings == "4 servings"
    assert (data.prep_time, data.cook_time, data.total_time) == (20, 60, 80)
    assert data.tags == ["dessert", "french", "custard", "baked", "easy"]
    assert data.source_url == "https://example.com/creme-brulee"
    assert data.nutrition == {"calories": "300 kcal", "fatContent": "22"}
    assert data.notes == ""
    assert data.is_public is False
    assert recipe.created_at == datetime(2021, 3, 4, 5, 6, 7, tzinfo=UTC)
    assert recipe.image is None  # a URL: a file import never fetches
    assert recipe.where == "recipe.json"


def test_graph_with_a_type_list_and_nesting() -> None:
    document = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "Example", "url": "https://example.com/"},
            {
                "@type": "WebPage",
                "@graph": [
                    {
                        "@type": ["Recipe", "NewsArticle"],
                        "name": "Nested Soup",
                        "recipeIngredient": "1 l water\n1 onion",
                        "recipeInstructions": "Boil the water.\nAdd the onion.",
                        "mainEntityOfPage": {"@id": "https://example.com/soup"},
                        "recipeYield": 2,
                        "totalTime": "PT1H",
                    }
                ],
            },
        ],
    }
    [recipe] = read_json(document).recipes
    assert recipe.data.title == "Nested Soup"
    assert recipe.data.ingredients == ["1 l water", "1 onion"]
    assert recipe.data.instructions == ["Boil the water.", "Add the onion."]
    assert recipe.data.source_url == "https://example.com/soup"
    assert recipe.data.servings == "2"
    assert (recipe.data.prep_time, recipe.data.cook_time, recipe.data.total_time) == (None, None, 60)


def test_sections_are_flattened_in_order() -> None:
    document = {
        "@type": "Recipe",
        "name": "Layered",
        "recipeInstructions": [
            {
                "@type": "HowToSection",
                "name": "Dough",
                "itemListElement": [
                    {"@type": "HowToStep", "text": "Mix flour."},
                    {"@type": "HowToStep", "text": "Knead."},
                ],
            },
            {
                "@type": "HowToSection",
                "name": "Filling",
                "itemListElement": {"@type": "HowToStep", "text": "Stir the filling."},
            },
            {
                "@type": "HowToStep",
                "itemListElement": [
                    {"@type": "HowToDirection", "text": "Bake."},
                    {"@type": "HowToTip", "text": "Watch it."},
                ],
            },
            "Cool down.",
        ],
    }
    [recipe] = read_json(document).recipes
    assert recipe.data.instructions == ["Mix flour.", "Knead.", "Stir the filling.", "Bake.", "Watch it.", "Cool down."]


@pytest.mark.parametrize(
    ("instructions", "steps"),
    [
        ("<ol><li>One.</li><li>Two &amp; three.</li></ol>", ["One.", "Two & three."]),
        ("First paragraph\nstill first.\n\nSecond.", ["First paragraph\nstill first.", "Second."]),
        ("Only one step", ["Only one step"]),
        (["  a  ", None, 3, ["b"]], ["a", "3", "b"]),
        (["Line one\nline two.", "<p>Para one.</p><p>Para two.</p>"], ["Line one line two.", "Para one.", "Para two."]),
        ([{"@type": "HowToStep", "text": "Stir<br>well.\r\n"}], ["Stir well."]),
        (None, []),
        ({"@type": "ItemList", "itemListElement": [{"@type": "ListItem", "text": "x"}]}, ["x"]),
    ],
)
def test_instruction_shapes(instructions: Any, steps: list[str]) -> None:
    data = schemaorg.recipe_from_schema({"@type": "Recipe", "name": "R", "recipeInstructions": instructions})
    assert data.instructions == steps


@pytest.mark.parametrize(
    ("value", "servings"),
    [(4, "4"), ("6 pieces", "6 pieces"), (["4", "4 servings"], "4 servings"), (None, ""), ([], ""), (2.5, "2.5")],
)
def test_yield_shapes(value: Any, servings: str) -> None:
    assert schemaorg.recipe_from_schema({"name": "R", "recipeYield": value}).servings == servings


@pytest.mark.parametrize(
    ("value", "expected"),
    [("PT1H", 60), ("PT0H15M", 15), ("P0DT1H30M", 90), ("45 minutes", 45), (30, 30), ("", None), (None, None)],
)
def test_time_shapes(value: Any, expected: int | None) -> None:
    assert schemaorg.recipe_from_schema({"name": "R", "cookTime": value}).cook_time == expected


def test_tags_from_every_shape() -> None:
    data = schemaorg.recipe_from_schema(
        {
            "name": "R",
            "recipeCategory": "Main Course",
            "recipeCuisine": ["Thai", "thai"],
            "keywords": [{"@type": "DefinedTerm", "name": "Quick"}, "spicy, weeknight"],
        }
    )
    assert data.tags == ["main course", "thai", "quick", "spicy", "weeknight"]


@pytest.mark.parametrize(
    ("fields", "url"),
    [
        ({"url": "https://a.example/r"}, "https://a.example/r"),
        ({"url": "/relative/path", "mainEntityOfPage": "https://b.example/p"}, "https://b.example/p"),
        ({"mainEntityOfPage": {"@type": "WebPage", "@id": "http://c.example/"}}, "http://c.example/"),
        ({"isBasedOn": "https://original.example/", "url": "https://ours.example/1"}, "https://original.example/"),
        ({"url": "ftp://x.example/r", "mainEntityOfPage": True}, ""),
        ({"url": "javascript:alert(1)"}, ""),
    ],
)
def test_source_is_http_only(fields: dict[str, Any], url: str) -> None:
    assert schemaorg.recipe_from_schema({"name": "R", **fields}).source_url == url


@pytest.mark.parametrize(
    ("image", "ref"),
    [
        ("https://x.example/a.jpg", "https://x.example/a.jpg"),
        (["", "images/b.png", "c.png"], "images/b.png"),
        ([{"@type": "ImageObject", "url": "https://x.example/d.jpg"}], "https://x.example/d.jpg"),
        ({"@type": "ImageObject", "contentUrl": " e.webp "}, "e.webp"),
        (None, ""),
        ({"@type": "ImageObject"}, ""),
        ({"@id": "https://x.example/#primaryimage"}, "https://x.example/#primaryimage"),
        ({"@id": "#primaryimage"}, ""),
    ],
)
def test_image_ref(image: Any, ref: str) -> None:
    assert schemaorg.image_ref({"image": image}) == ref


def test_a_list_of_recipes_and_missing_fields() -> None:
    result = read_json(
        [
            {"@type": "Recipe", "name": "Toast", "recipeIngredient": ["bread"]},
            {"@type": "Recipe", "name": "Tea"},
            {"@type": "Recipe", "description": "nothing here"},
        ],
        "many.jsonld",
    )
    assert [r.data.title for r in result.recipes] == ["Toast", "Tea"]
    toast, tea = result.recipes
    assert toast.where == "many.jsonld (recipe 1)"
    assert toast.data.ingredients == ["bread"]
    assert (tea.data.ingredients, tea.data.instructions, tea.data.servings, tea.data.tags) == ([], [], "", [])
    assert tea.data.prep_time is None and tea.created_at is None
    assert [(s.where, s.reason) for s in result.skipped] == [
        ("many.jsonld (recipe 3)", "it has no title, ingredients or steps")
    ]


def test_a_recipe_without_a_name_takes_the_file_name() -> None:
    [recipe] = read_json({"@type": "Recipe", "recipeIngredient": ["1 egg"]}, "Boiled egg.json").recipes
    assert recipe.data.title == "Boiled egg"


PAGE = """<!DOCTYPE html><html><head><title>Pancakes | Blog</title>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"WebSite","name":"Blog"}</script>
<script type='application/ld+json'>{not json at all</script>
<script type="application/ld+json" class="yoast-schema-graph">
//<![CDATA[
{"@context":"https://schema.org","@graph":[{"@type":"Article","headline":"Pancakes"},
 {"@type":"Recipe","name":"Fluffy Pancakes","recipeIngredient":["1 cup flour","1 egg"],
  "recipeInstructions":[{"@type":"HowToStep","text":"Mix.\tThen\n fry."}],
  "keywords":"breakfast","url":"https://blog.example/pancakes"}]}
//]]>
</script>
<script type="application/ld+json">{"@type": "Recipe", "name": "Second", "recipeIngredient": ["x"]}</script>
</head><body><h1>Pancakes</h1></body></html>"""


def test_a_saved_web_page_with_several_scripts() -> None:
    archive = open_archive(PAGE.encode(), "pancakes.html")
    assert schemaorg.matches(archive)
    result = schemaorg.read(archive)
    assert [r.data.title for r in result.recipes] == ["Fluffy Pancakes", "Second"]
    pancakes = result.recipes[0].data
    assert pancakes.ingredients == ["1 cup flour", "1 egg"]
    assert pancakes.instructions == ["Mix. Then fry."]  # one step object is one step
    assert pancakes.tags == ["breakfast"]
    assert pancakes.source_url == "https://blog.example/pancakes"
    assert result.skipped == []  # the broken block did not matter: recipes were found


def test_a_page_whose_only_recipe_block_is_broken_is_skipped_with_the_reason() -> None:
    page = '<html><script type="application/ld+json">{"@type": "Recipe", "name": </script></html>'
    archive = open_archive(zip_of({"a.html": page.encode(), "b.json": b'{"@type": "Recipe", "name": "B"}'}))
    assert schemaorg.matches(archive)
    result = schemaorg.read(archive)
    assert [r.data.title for r in result.recipes] == ["B"]
    [skipped] = result.skipped
    assert skipped.where == "a.html"
    assert skipped.reason.startswith("a JSON-LD block is not valid JSON")


def test_a_broken_json_file_in_a_zip_is_skipped_and_the_rest_read() -> None:
    archive = open_archive(
        zip_of(
            {
                "recipes/good.json": json.dumps(
                    {"@type": "Recipe", "name": "Good", "image": "../pics/good.jpg"}
                ).encode(),
                "recipes/broken.json": b'{"@type": "Recipe", "name": "Broken",',
                "recipes/other.json": b'{"@type": "Person", "name": "Not a recipe"}',
                "pics/good.jpg": b"JPEG bytes",
                "notes.txt": b"ignored",
            }
        ),
        "export.zip",
    )
    assert schemaorg.matches(archive)
    result = schemaorg.read(archive)
    [good] = result.recipes
    assert good.data.title == "Good"
    assert good.image == b"JPEG bytes"
    assert good.where == "recipes/good.json"
    [skipped] = result.skipped
    assert skipped.where == "recipes/broken.json"
    assert skipped.reason.startswith("not valid JSON")


def test_windows_1252_bytes_are_decoded() -> None:
    raw = '{"@type": "Recipe", "name": "Crème brûlée", "recipeIngredient": ["½ l crème fraîche – 30 %"]}'
    archive = open_archive(raw.encode("cp1252"), "dessert.json")
    [recipe] = schemaorg.read(archive).recipes
    assert recipe.data.title == "Crème brûlée"
    assert recipe.data.ingredients == ["½ l crème fraîche – 30 %"]


def test_utf8_bom_and_raw_control_characters_in_strings() -> None:
    raw = '\ufeff{"@type": "schema:Recipe", "name": "Tab\tbed", "recipeInstructions": "a\nb"}'.encode()
    archive = open_archive(raw, "x.json")
    assert schemaorg.matches(archive)
    [recipe] = schemaorg.read(archive).recipes
    assert recipe.data.title == "Tab bed"
    assert recipe.data.instructions == ["a", "b"]


def test_untyped_schema_objects_are_recipes_when_they_look_like_one() -> None:
    assert schemaorg.is_recipe({"name": "x", "recipeIngredient": []})
    assert schemaorg.is_recipe({"@type": "http://schema.org/Recipe"})
    assert not schemaorg.is_recipe({"name": "x"})
    assert not schemaorg.is_recipe({"@type": "HowToStep", "name": "x", "recipeIngredient": []})


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b'{"@type": "WebSite", "name": "x"}', "site.json"),
        (b"<html><body><h1>Cake</h1><p>No data here</p></body></html>", "page.html"),
        (b"just some text", "notes.txt"),
        (b"[1, 2, 3]", "list.json"),
    ],
)
def test_files_without_a_recipe_are_not_this_format(content: bytes, name: str) -> None:
    archive = open_archive(content, name)
    assert not schemaorg.matches(archive)
    with pytest.raises(FileRejected):
        schemaorg.read(archive)


def test_a_deeply_nested_document_does_not_break_the_reader() -> None:
    deep = '{"@graph": ' + "[" * 100_000 + '{"@type": "Recipe", "name": "Deep"}' + "]" * 100_000 + "}"
    archive = open_archive(deep.encode(), "deep.json")
    assert not schemaorg.matches(archive)  # too deep for JSON: not read, and no RecursionError escapes
    assert [s.reason[:14] for s in schemaorg.read(archive).skipped] == ["not valid JSON"]
    nested = '{"@graph": ' + "[" * 60 + '{"@type": "Recipe", "name": "Deep"}' + "]" * 60 + "}"
    assert not schemaorg.matches(open_archive(nested.encode(), "nested.json"))  # beyond the search depth
    steps: Any = "step"
    for _ in range(100):
        steps = {"@type": "HowToSection", "itemListElement": [steps]}
    assert schemaorg.recipe_from_schema({"name": "R", "recipeInstructions": steps}).instructions == []


def test_created_at_accepts_the_forms_apps_write() -> None:
    assert schemaorg.created_at("2020-01-02") == datetime(2020, 1, 2, tzinfo=UTC)
    assert schemaorg.created_at("1607461134") == datetime(2020, 12, 8, 20, 58, 54, tzinfo=UTC)
    assert schemaorg.created_at("0") is None
    assert schemaorg.created_at(0) is None
    assert schemaorg.created_at("yesterday") is None
    assert schemaorg.created_at(None) is None


def test_our_own_json_ld_export_reads_back(alice: Client) -> None:
    recipe_id = create_recipe(alice, instructions="Chop the onion.\n\nCook the tomatoes\nslowly.\n\nBlend.")
    document = alice.get(f"/recipes/{recipe_id}/export.jsonld").data
    archive = open_archive(document, "tomato-soup.json")
    assert schemaorg.matches(archive)
    [recipe] = schemaorg.read(archive).recipes
    data = recipe.data
    assert data.title == "Tomato soup"
    assert data.description == "A warming soup."
    assert data.ingredients == ["1 kg tomatoes", "1 onion", "basil"]  # the export leaves section headers out
    assert data.instructions == ["Chop the onion.", "Cook the tomatoes slowly.", "Blend."]
    assert data.servings == "4 bowls"
    assert (data.prep_time, data.cook_time, data.total_time) == (10, 30, 40)
    assert data.tags == ["soup", "vegetarian"]
    assert data.source_url == "https://example.org/soup"  # isBasedOn, not our own page's url
    assert recipe.created_at is not None


@pytest.mark.parametrize(
    ("make", "n"),
    [
        pytest.param(lambda n: '<script type="application/ld+json">{"@type": "Recipe"' * n, 200_000, id="unclosed"),
        pytest.param(lambda n: "<script " * n, 200_000, id="script-tags"),
        pytest.param(lambda n: "<script type=" + "x" * n, 8_000_000, id="endless-tag"),
    ],
)
def test_hostile_pages_are_read_in_linear_time(make: Any, n: int) -> None:
    # By how the time grows (see tests/growth.py): 4 times the page, about 4 times the time.
    ratio = growth(lambda page: schemaorg.documents("page.html", page), make(n // 4), make(n))
    assert ratio < 10, f"4 times the page took {ratio:.1f} times as long"
