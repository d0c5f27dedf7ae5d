"""CopyMeThat's export: recipes.html (+ images/), zipped or alone."""

from __future__ import annotations

from typing import Any

import pytest

from recipes.importing.files.archive import open_archive
from recipes.importing.files.formats import copymethat
from recipes.importing.files.parsed import FileRejected

from .archives import zip_of
from .growth import growth

HEAD = (
    '<!DOCTYPE html><head><meta http-equiv="Content-Type" content="text/html;charset=UTF-8">'
    '<meta name="escaped characters" content="&lt; &gt; &quot; &amp; &#39;">'
    '<meta name="copymethat_class_id_version" content="2"></head><html><style type="text/css">'
    ".recipe{margin-top:20px;border-top:solid 3px #000}#name{font-weight:700}"
    ".instruction_subheader,.recipeIngredient_subheader{font-weight:700;margin:5px 0}</style><body>"
)
FOOT = "</body></html>"

PIE = (
    '<div class="recipe"><div id="name">The best blueberry pie</div>'
    '<img class="recipeImage" src="images/the_best_blueberry_pie_modjr.jpg" width="120px">'
    '<div id="description">There is nothing like it</div>'
    '<div id="extra_info"><span id="rating">Rated<span id="ratingValue">4</span>/5</span></div>'
    '<div id="servings">Servings:<a id="recipeYield">4</a></div>'
    '<div id="recipeIngredient_header">Ingredients</div><ul id="recipeIngredients">'
    '<li class="recipeIngredient">1 cup of blueberries</li><li class="recipeIngredient">50g of milk</li>'
    '<li class="recipeIngredient">lemon juice</li></ul>'
    '<div id="recipeInstructions_header">Steps</div><ol id="recipeInstructions">'
    '<li class="instruction" value="1">Mix all ingredients together</li>'
    '<li class="instruction" value="2">Preheat oven to 350f</li>'
    '<li class="instruction" value="3">Cook for 1 hour</li></ol>'
    '<div id="recipeNotes_header">Notes</div><ul id="recipeNotes">'
    '<li class="recipeNote">Nothing in paritcular</li></ul></div>'
)

WELLINGTON = """
<div class = "recipe">
<div id = "name">
    Beef  Wellington
</div>
<div id = "link">
    Adapted from <a id = "original_link" href = "https://marketgrow.com/beef-wellington/">marketgrow.com</a>
</div>
<img class= "recipeImage" src = "images\\beef_wellington_4gaej.jpg" width="120px"/>
<div id = "categories">
<span>Tags: </span>
    <span class = "recipeCategory">Dinner</span><span> </span>
    <span class = "recipeCategory">Bread &amp; Pizza</span><span> </span>
</div>
<div id = "extra_info"><span id="made_this"> I made this. </span><span id="starred">Starred</span></div>
<div id="description">The best<br>of the best.</div>
<div id="servings">Servings: <a id="recipeYield">5 slices</a></div>
<div id="times"><span id="prepTime">30 mins</span><span id="cookTime">PT1H</span></div>
<ul id = "recipeIngredients">
    <li class= "recipeIngredient">1 (2-pound) beef tenderloin, trimmed</li>
    <div class= "recipeIngredient recipeIngredient_subheader">Duxelles</div>
    <li class= "recipeIngredient">1 pound mushrooms &frac12; chopped</li>
    <div class="recipeIngredient_spacer"></div>
    <div class= "recipeIngredient recipeIngredient_subheader">Pastry:</div>
    <li class= "recipeIngredient">1 sheet puff pastry</li>
    <li class= "recipeIngredient"> </li>
</ul>
<ol id = "recipeInstructions">
    <div class="instruction instruction_subheader">Sear the beef:</div>
    <li class = "instruction" value = "1">Preheat your oven to 400°F (200°C).</li>
    <li class = "instruction instruction_next">Season the beef.</li>
    <div class="instruction instruction_subheader">Serve:</div>
    <li class = "instruction" value = "1">Slice<br/>and serve <b>warm</b>.</li>
</ol>
<ul id = "recipeNotes">
    <li class = "recipeNote">Rest 10 minutes.</li>
    <li class = "recipeNote">Use a thermometer.</li>
</ul>
</div>
"""


def export(*recipes: str, images: dict[str, bytes] | None = None) -> bytes:
    page = (HEAD + "".join(recipes) + FOOT).encode()
    return zip_of({"recipes.html": page, **{f"images/{n}": d for n, d in (images or {}).items()}})


def test_an_export_with_every_field() -> None:
    data = export(PIE, WELLINGTON, images={"beef_wellington_4gaej.jpg": b"beef picture"})
    archive = open_archive(data, "copymethat.zip")
    assert copymethat.matches(archive)
    result = copymethat.read(archive)
    assert result.format == "CopyMeThat"
    assert result.skipped == []
    pie, beef = result.recipes

    assert pie.where == "recipes.html, recipe 1 (The best blueberry pie)"
    assert pie.data.title == "The best blueberry pie"
    assert pie.data.description == "There is nothing like it"
    assert pie.data.servings == "4"
    assert pie.data.ingredients == ["1 cup of blueberries", "50g of milk", "lemon juice"]
    assert pie.data.instructions == ["Mix all ingredients together", "Preheat oven to 350f", "Cook for 1 hour"]
    assert pie.data.notes == "Nothing in paritcular"
    assert pie.data.tags == [] and pie.data.source_url == ""
    assert pie.image is None  # named, but not in the zip

    assert beef.data.title == "Beef Wellington"
    assert beef.data.source_url == "https://marketgrow.com/beef-wellington/"
    assert beef.data.tags == ["dinner", "bread & pizza"]
    assert beef.data.description == "The best\nof the best."
    assert beef.data.servings == "5 slices"
    assert (beef.data.prep_time, beef.data.cook_time, beef.data.total_time) == (30, 60, None)
    assert beef.data.ingredients == [
        "1 (2-pound) beef tenderloin, trimmed",
        "Duxelles:",
        "1 pound mushrooms ½ chopped",
        "Pastry:",
        "1 sheet puff pastry",
    ]
    assert beef.data.instructions == [
        "Preheat your oven to 400°F (200°C).\nSeason the beef.",
        "Slice\nand serve warm.",
    ]
    assert beef.data.notes == "Rest 10 minutes.\nUse a thermometer."
    assert beef.image == b"beef picture"  # a Windows path in src


def test_the_html_alone_and_odd_encodings() -> None:
    page = HEAD + '<div class="recipe extra"><div class="name">Gâteau</div><ul class="recipeIngredients">'
    page += '<li class="recipeIngredient">250 g crème</li></ul></div>' + FOOT
    archive = open_archive(page.encode("cp1252"), "recipes.html")
    assert copymethat.matches(archive)
    [recipe] = copymethat.read(archive).recipes
    assert recipe.data.title == "Gâteau"  # by class as well as by id
    assert recipe.data.ingredients == ["250 g crème"]
    assert recipe.image is None


def test_images_with_spaces_in_their_names() -> None:
    recipe = '<div class="recipe"><div id="name">Soup</div><img class="recipeImage" src="images/my%20soup.jpg"></div>'
    archive = open_archive(export(recipe, images={"my soup.jpg": b"soup picture"}))
    [soup] = copymethat.read(archive).recipes
    assert soup.image == b"soup picture"


def test_recipes_without_a_name() -> None:
    nameless = '<div class="recipe"><ol id="recipeInstructions"><li class="instruction">Stir.</li></ol></div>'
    empty = '<div class="recipe"><div id="name">  </div></div>'
    result = copymethat.read(open_archive(export(nameless, empty)))
    assert [r.data.title for r in result.recipes] == ["Untitled recipe"]
    assert result.recipes[0].data.instructions == ["Stir."]
    assert [(s.where, s.reason) for s in result.skipped] == [
        ("recipes.html, recipe 2", "it has no name, ingredients or steps")
    ]


def test_unclosed_list_items_and_stray_end_tags() -> None:
    recipe = (
        '<div class="recipe"><div id="name">Sloppy</div></span>'
        '<ul id="recipeIngredients"><li class="recipeIngredient">one<li class="recipeIngredient">two</ul>'
        '<ol id="recipeInstructions"><li class="instruction"><p>Do it.</p><p>Then this.</p></ol></div>'
    )
    [sloppy] = copymethat.read(open_archive(export(recipe))).recipes
    assert sloppy.data.ingredients == ["one", "two"]
    assert sloppy.data.instructions == ["Do it.\nThen this."]


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b'<html><body><div class="recipe"><h1>Cake</h1></div></body></html>', "page.html"),
        (b'<html><body><ul id="recipeIngredients"></ul></body></html>', "page.html"),
        (b"# Markdown\n", "recipes.html"),
        (
            b'<html><script type="application/ld+json">{}</script><div class="recipe">'
            b'<ul id="recipeIngredients"><li>x</li></ul></div></html>',
            "blog.html",
        ),
    ],
)
def test_other_html_is_not_copymethat(content: bytes, name: str) -> None:
    archive = open_archive(content, name)
    assert not copymethat.matches(archive)


def test_a_page_without_recipes_is_refused() -> None:
    with pytest.raises(FileRejected):
        copymethat.read(open_archive(HEAD.encode() + FOOT.encode(), "recipes.html"))


def export_of(count: int) -> Any:
    return open_archive((HEAD + WELLINGTON * count + FOOT).encode(), "recipes.html")


def test_a_big_export_reads_fast() -> None:
    """10,000 recipes must import in under a minute, so reading takes time in step with the
    number of recipes: 4 times the recipes, about 4 times the time (16 if it were quadratic;
    a reader copying the rest of the page at every tag, 11: a bound of 8 catches it)."""
    results: list[Any] = []
    ratio = growth(lambda archive: results.append(copymethat.read(archive)), export_of(250), export_of(1000))
    result = results[-1]
    assert len(result.recipes) == 1000
    assert result.recipes[-1].data == result.recipes[0].data
    assert ratio < 8, f"4 times the recipes took {ratio:.1f} times as long"


def hostile_page(n: int) -> Any:
    page = HEAD + "class=" * n + "<div" + " x" * n + "<!--" * (n // 4) + FOOT
    return open_archive(page.encode(), "recipes.html")


def sniff_and_read(archive: Any) -> None:
    assert not copymethat.matches(archive)
    with pytest.raises(FileRejected):
        copymethat.read(archive)


def test_hostile_markup_is_read_in_linear_time() -> None:
    ratio = growth(sniff_and_read, hostile_page(50_000), hostile_page(200_000))
    assert ratio < 10, f"4 times the markup took {ratio:.1f} times as long"
