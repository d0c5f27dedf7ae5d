"""Markdown recipes: Chowdown sites (YAML front matter) and plain Markdown, ours included."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from recipes.importing.files.archive import open_archive
from recipes.importing.files.formats import chowdown
from recipes.importing.files.parsed import FileRejected

from .archives import zip_of
from .conftest import Client, create_recipe
from .growth import growth

# As in Chowdown's own repository (clarklab/chowdown, _recipes/green-chile-stew.md).
GREEN_CHILE_STEW = """---

layout: recipe
title:  "Green Chile Stew"
image: green-chile-stew.jpg
imagecredit: https://flic.kr/p/4CJb65
tags: sides, soups

ingredients:
- 1 jar of [green chile stew mix](http://amzn.to/1KYXSjo)
- 1lb ground chicken
- 1 red onion
- 1 green onion
- 1 can corn

directions:
- Start onions in pan, cook down
- Add chicken, corn
- Add stew mix
- Serve with croutons

---

This is a simple one, consisting of a pre-made soup mix and whatever you've got around the kitchen (or campsite).
Feel free to sub/swap/switch anything in the ingredient list— anything's fair game!
"""

BANOFFEE = """---
layout: recipe
title: "Banoffee Special"
image: banoffee-special/banoffee-1.jpg
tags: [special, sans cuisson, banane]
yield: 1 tarte
preptime: PT30M
cooktime: pt1h
date: 2022-08-07
source: https://example.fr/banoffee

ingredients:
- 150g confiture de lait
- Garniture:
  - 2 bananes
  - 100g de yaourt grec
- [20g de sucre glace, 15g de miel]

components:
- Cocoa Crust
- Glaçage cacao

directions:
- Tapissez un moule.
- Réservez au frigo: 30 minutes.
---

Les <i lang="en">Specials</i> sont des épiques&nbsp;!

![Le fourrage](../images/banoffee-special/banoffee-2.jpg)

Conservation&nbsp;: 5–7 jours.
"""

COCOA_CRUST = """---
layout: recipe
title: Cocoa Crust
ingredients:
  Crust:
    - 200g biscuits
    - 80g butter
directions: Crush the biscuits.
---
"""

POST = """---
layout: post
title: Welcome to the new site
---
Hello!
"""


def site() -> bytes:
    return zip_of(
        {
            "chowdown-master/README.md": b"# Chowdown\n\nA Jekyll theme for recipes.\n",
            "chowdown-master/_posts/2022-08-07-welcome.md": POST.encode(),
            "chowdown-master/_recipes/green-chile-stew.md": GREEN_CHILE_STEW.encode(),
            "chowdown-master/_recipes/banoffee-special.md": BANOFFEE.encode(),
            "chowdown-master/_components/cocoa-crust.md": COCOA_CRUST.encode(),
            "chowdown-master/images/green-chile-stew.jpg": b"stew picture",
            "chowdown-master/images/banoffee-special/banoffee-1.jpg": b"banoffee picture",
            "chowdown-master/_config.yml": b"title: Chowdown\n",
        }
    )


def test_a_chowdown_site() -> None:
    archive = open_archive(site(), "chowdown-master.zip")
    assert chowdown.matches(archive)
    result = chowdown.read(archive)
    assert result.format == "Chowdown / Markdown"
    assert result.skipped == []
    by_title = {r.data.title: r for r in result.recipes}
    assert list(by_title) == ["Green Chile Stew", "Banoffee Special", "Cocoa Crust"]

    stew = by_title["Green Chile Stew"]
    assert stew.where == "chowdown-master/_recipes/green-chile-stew.md"
    assert stew.data.ingredients == [
        "1 jar of green chile stew mix",
        "1lb ground chicken",
        "1 red onion",
        "1 green onion",
        "1 can corn",
    ]
    assert stew.data.instructions == [
        "Start onions in pan, cook down",
        "Add chicken, corn",
        "Add stew mix",
        "Serve with croutons",
    ]
    assert stew.data.tags == ["sides", "soups"]
    assert stew.data.description == (
        "This is a simple one, consisting of a pre-made soup mix and whatever you've got around the kitchen"
        " (or campsite).\nFeel free to sub/swap/switch anything in the ingredient list— anything's fair game!"
    )
    assert stew.data.notes == "" and stew.data.source_url == ""
    assert stew.image == b"stew picture"

    banoffee = by_title["Banoffee Special"]
    assert banoffee.data.ingredients == [
        "150g confiture de lait",
        "Garniture:",
        "2 bananes",
        "100g de yaourt grec",
        "20g de sucre glace",
        "15g de miel",
    ]
    assert banoffee.data.instructions == ["Tapissez un moule.", "Réservez au frigo: 30 minutes."]
    assert banoffee.data.tags == ["special", "sans cuisson", "banane"]
    assert banoffee.data.servings == "1 tarte"
    assert (banoffee.data.prep_time, banoffee.data.cook_time, banoffee.data.total_time) == (30, 60, None)
    assert banoffee.data.source_url == "https://example.fr/banoffee"
    assert banoffee.data.description == "Les Specials sont des épiques !\n\nConservation : 5–7 jours."
    assert banoffee.data.notes == "Components: Cocoa Crust, Glaçage cacao"
    assert banoffee.image == b"banoffee picture"
    assert banoffee.created_at == datetime(2022, 8, 7, tzinfo=UTC)

    crust = by_title["Cocoa Crust"]
    assert crust.data.ingredients == ["Crust:", "200g biscuits", "80g butter"]
    assert crust.data.instructions == ["Crush the biscuits."]
    assert crust.image is None


def test_other_names_apps_use_in_front_matter() -> None:
    text = """---
Name: No
Categories:
  - Dinner
cuisine: Italian
Servings: 4
Prep: 10 min
Cook_Time: 1 hour 5 minutes
Total: PT1H15M
url: <https://example.com/no>
description: |
  Short description.
instructions:
  - Boil.
  - - Drain.
    - Serve.
ingredients: |
  1 lb pasta
  salt
nutrition:
  calories: 400 kcal
  fat: ~
notes:
  - Keep warm.
---
Body text becomes a note when there is a description.
"""
    [recipe] = chowdown.read(open_archive(text.encode(), "no.md")).recipes
    data = recipe.data
    assert data.title == "No"  # YAML 1.1 would have made this False
    assert data.tags == ["dinner", "italian"]
    assert data.servings == "4"
    assert (data.prep_time, data.cook_time, data.total_time) == (10, 65, 75)
    assert data.source_url == "https://example.com/no"
    assert data.description == "Short description."
    assert data.instructions == ["Boil.", "Drain.", "Serve."]
    assert data.ingredients == ["1 lb pasta", "salt"]
    assert data.nutrition == {"calories": "400 kcal"}
    assert data.notes == "Body text becomes a note when there is a description.\n\nKeep warm."


def test_broken_yaml_is_skipped_with_the_reason() -> None:
    broken = "---\ntitle: [unclosed\ningredients:\n- a\n---\nbody\n"
    archive = open_archive(zip_of({"_recipes/a.md": broken.encode(), "_recipes/b.md": COCOA_CRUST.encode()}))
    assert chowdown.matches(archive)
    result = chowdown.read(archive)
    assert [r.data.title for r in result.recipes] == ["Cocoa Crust"]
    [skipped] = result.skipped
    assert skipped.where == "_recipes/a.md"
    assert skipped.reason.startswith("its YAML front matter cannot be read")


def alias_bomb(levels: int) -> bytes:
    """Front matter whose ingredients and directions are 30 ** (levels + 1) lines of "lol"."""
    lines = ["---", "title: Bomb", "a0: &a0 [" + ", ".join(["lol"] * 30) + "]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 30) + "]" for i in range(1, levels + 1)]
    lines += [f"ingredients: *a{levels}", f"directions: *a{levels}", "---"]
    return "\n".join(lines).encode()


def test_yaml_aliases_cannot_blow_up() -> None:
    results: list[Any] = []

    def read(data: bytes) -> None:
        results.append(chowdown.read(open_archive(data, "bomb.md")))

    # 24 million lines against 810,000: 30 times the tree, hardly more time, as only so much
    # of it is ever walked (by how the time grows, see tests/growth.py: 30 if all of it were).
    ratio = growth(read, alias_bomb(3), alias_bomb(4))
    assert ratio < 5, f"30 times the tree took {ratio:.1f} times as long"
    [recipe] = results[-1].recipes
    assert 0 < len(recipe.data.ingredients) <= 2000


@pytest.mark.parametrize(
    "front_matter",
    [
        "title: Deep\ningredients: " + "[" * 100_000 + "]" * 100_000,  # crashes libyaml's loader outright
        "title: Deep\ningredients:\n" + "- " * 20_000 + "x",
        "title: Deep\ningredients:\n" + "".join(" " * (2 * i) + f"k{i}:\n" for i in range(300)),
        "title: Deep\ningredients: " + "[" * 400 + "]" * 400,
    ],
)
def test_deeply_nested_yaml_is_skipped_not_fatal(front_matter: str) -> None:
    result = chowdown.read(open_archive(f"---\n{front_matter}\n---\n".encode(), "deep.md"))
    assert result.recipes == []
    [skipped] = result.skipped
    assert skipped.reason == "its YAML front matter cannot be read (it nests too deeply)"


def hostile_markdown(n: int) -> bytes:
    text = "## Ingredients\n- " + "[a](" * n + "\n- " + "![" * n + "\n## Steps\n- " + "[x" * n
    return (text + "\n\n" + "![" * n).encode()


def test_hostile_markdown_lines_take_linear_time() -> None:
    results: list[Any] = []

    def read(data: bytes) -> None:
        results.append(chowdown.read(open_archive(data, "hostile.md")))

    # By how the time grows (see tests/growth.py): 4 times the text, about 4 times the time.
    ratio = growth(read, hostile_markdown(25_000), hostile_markdown(100_000))
    assert ratio < 10, f"4 times the text took {ratio:.1f} times as long"
    [recipe] = results[-1].recipes
    assert len(recipe.data.ingredients) == 2


PLAIN = """Grandma's Pancakes
==================

Fluffy &amp; quick.

**Serves:** 4
Prep time: 5 minutes
Cook time: 20 min
Tags: breakfast, sweet
Source: [the blog](https://pancakes.example/)

Ingredients
-----------

**Batter**
* 2 cups flour
* 2 eggs
  (large)
+ 1 1/2 cups [milk](https://milk.example)

#### Topping
- maple syrup

Method
------
1) Whisk everything
   until smooth.
2) Rest 10 minutes.

Fry in butter until golden,
then flip.

## Variations

- Add blueberries.
"""


def test_a_plain_markdown_recipe() -> None:
    archive = open_archive(PLAIN.encode(), "pancakes.txt")  # judged by content, not by name
    assert chowdown.matches(archive)
    [recipe] = chowdown.read(archive).recipes
    data = recipe.data
    assert data.title == "Grandma's Pancakes"
    assert data.description == "Fluffy & quick."
    assert data.servings == "4"
    assert (data.prep_time, data.cook_time) == (5, 20)
    assert data.tags == ["breakfast", "sweet"]
    assert data.source_url == "https://pancakes.example/"
    assert data.ingredients == [
        "Batter:",
        "2 cups flour",
        "2 eggs (large)",
        "1 1/2 cups milk",
        "Topping:",
        "maple syrup",
    ]
    assert data.instructions == [
        "Whisk everything\nuntil smooth.",
        "Rest 10 minutes.",
        "Fry in butter until golden,\nthen flip.",
    ]
    assert data.notes == "Variations\n\n- Add blueberries."


def test_bold_lines_as_section_titles() -> None:
    text = "# Salad\n\n**Ingredients:**\n\n- lettuce\n- **Dressing**\n- oil\n\n__Directions__\n\n1. Toss.\n"
    [recipe] = chowdown.read(open_archive(text.encode(), "salad.md")).recipes
    assert recipe.data.ingredients == ["lettuce", "Dressing", "oil"]
    assert recipe.data.instructions == ["Toss."]


def test_our_own_markdown_export_reads_back(alice: Client) -> None:
    recipe_id = create_recipe(
        alice,
        instructions="Chop the onion.\n\nCook the tomatoes\nslowly.\n\nBlend.",
        total_time="75",
    )
    markdown = alice.get(f"/recipes/{recipe_id}/export.md").data
    [recipe] = chowdown.read(open_archive(markdown, "tomato-soup.md")).recipes
    data = recipe.data
    assert data.title == "Tomato soup"
    assert data.description == "A warming soup."
    assert data.ingredients == ["Soup:", "1 kg tomatoes", "1 onion", "To serve:", "basil"]
    assert data.instructions == ["Chop the onion.", "Cook the tomatoes\nslowly.", "Blend."]
    assert data.servings == "4 bowls"
    assert (data.prep_time, data.cook_time, data.total_time) == (10, 30, 75)
    assert data.tags == ["soup", "vegetarian"]
    assert data.source_url == "https://example.org/soup"
    assert data.notes == "Freezes well."


def test_windows_1252_markdown() -> None:
    text = "---\ntitle: Crème brûlée\ningredients:\n- 50 cl crème\ndirections:\n- Cuire – doucement.\n---\n"
    [recipe] = chowdown.read(open_archive(text.encode("cp1252"), "creme.md")).recipes
    assert recipe.data.title == "Crème brûlée"
    assert recipe.data.instructions == ["Cuire – doucement."]


def test_a_title_from_the_file_name_and_a_picture_from_the_body() -> None:
    text = "## Ingredients\n- 1 egg\n\n## Steps\n- Boil it.\n\n![egg](pics/egg.png)\n"
    archive = open_archive(zip_of({"notes/boiled_egg.md": text.encode(), "notes/pics/egg.png": b"egg picture"}))
    [recipe] = chowdown.read(archive).recipes
    assert recipe.data.title == "boiled egg"
    assert recipe.data.ingredients == ["1 egg"]
    assert recipe.data.instructions == ["Boil it."]
    assert recipe.image == b"egg picture"


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"# Shopping list\n\n- milk\n- eggs\n", "list.md"),
        (POST.encode(), "post.md"),
        (b"<html><body><h2>Ingredients</h2><h2>Directions</h2></body></html>", "page.md"),
        (b'{"title": "x", "ingredients": [], "directions": []}', "x.md"),
        (b"## Ingredients\n- a\n", "only-ingredients.md"),
    ],
)
def test_files_that_are_not_markdown_recipes(content: bytes, name: str) -> None:
    assert not chowdown.matches(open_archive(content, name))


def test_a_site_with_many_other_pages_is_still_recognised() -> None:
    pages = {f"_posts/2020-01-{i:03d}-post.md": POST.encode() for i in range(300)}
    archive = open_archive(zip_of({**pages, "_recipes/stew.md": GREEN_CHILE_STEW.encode()}))
    assert chowdown.matches(archive)
    assert [r.data.title for r in chowdown.read(archive).recipes] == ["Green Chile Stew"]


def test_a_source_line_without_an_address_stays_in_the_text() -> None:
    text = "# Stew\n\nSource: my grandmother\nServes: 2\n\n## Ingredients\n- beef\n\n## Directions\n- Stew it.\n"
    [recipe] = chowdown.read(open_archive(text.encode(), "stew.md")).recipes
    assert recipe.data.description == "Source: my grandmother"
    assert recipe.data.source_url == ""
    assert recipe.data.servings == "2"


def test_a_zip_without_recipes_is_refused() -> None:
    archive = open_archive(zip_of({"README.md": b"# Hello\n", "post.md": POST.encode()}))
    assert not chowdown.matches(archive)
    with pytest.raises(FileRejected):
        chowdown.read(archive)
