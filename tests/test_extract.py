"""The recipe extractor: cleaning text, choosing the site's scraper, mapping its answers,
and never failing with anything but NoRecipeFound (the corpus is in test_extract_corpus)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from recipe_scrapers import scrape_html
from recipe_scrapers._warnings import FieldNotProvidedByWebsiteWarning

from recipes.importing.pages.extract import (
    MAX_TAGS,
    ExtractedRecipe,
    NoRecipeFound,
    _minutes,  # a private helper, tested directly
    clean_line,
    extract_recipe,
    scraper_url,
)

LOCAL = "http://127.0.0.1:8000/saved/recipe.html"
CORPUS = Path(__file__).parent / "data" / "recipe-pages"


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").removeprefix("www.")


def page(head: str = "", body: str = "") -> str:
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"


def json_ld(data: Any) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def recipe_ld(**fields: Any) -> dict[str, Any]:
    return {
        "@context": "https://schema.org",
        "@type": "Recipe",
        "name": "Tomato soup",
        "recipeIngredient": ["1 kg tomatoes", "2 tbsp olive oil"],
        "recipeInstructions": [{"@type": "HowToStep", "text": "Chop."}, {"@type": "HowToStep", "text": "Simmer."}],
        **fields,
    }


def extract(html: str, url: str = LOCAL) -> ExtractedRecipe:
    return extract_recipe(html, url)


# --- clean_line ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Salt &amp; pepper", "Salt & pepper"),
        ("Salt &amp;amp; pepper", "Salt & pepper"),  # escaped twice
        ("Rock &#8217;n&#x2019; roll", "Rock ’n’ roll"),
        ("&lt;b&gt;Bold&lt;/b&gt; move", "Bold move"),  # escaped markup is markup too
        ("<p>Mix <strong>well</strong>.</p>", "Mix well."),
        ('<a href="/x">Bake</a> <EM>gently</EM>', "Bake gently"),
        ("Stir<br/>then bake", "Stir then bake"),
        ("<li>Eggs</li><li>Milk</li>", "Eggs Milk"),
        ("Mix<!-- a comment --> well", "Mix well"),
        ("1\xa0cup\u200b flour\ufeff", "1 cup flour"),
        ("  Mix\n\n the\tflour  \r\n", "Mix the flour"),
        ("\xa0 \u200b ", ""),
        ("", ""),
    ],
)
def test_clean_line(raw: str, clean: str) -> None:
    assert clean_line(raw) == clean


@pytest.mark.parametrize(
    "line",
    [
        "½ cup sugar (100 g)",
        "Bake at 180°C – 20 min.",
        "Salt & pepper, to taste",
        "<2 cups stock, or more",  # "<" before a digit is not a tag
        "if a < b and c > d",
        "AT&T; the phone company",  # not an entity name we know: kept
        "1–2 EL Weizen\xadmehl",  # a soft hyphen is the source's hyphenation, kept
        "Käse, gerieben (z. B. Gruyère)",
        "鸡蛋 2个",
    ],
)
def test_clean_line_leaves_clean_text_alone(line: str) -> None:
    assert clean_line(line) == line


# --- scraper_url -----------------------------------------------------------------------------


def test_canonical_link_names_the_site() -> None:
    html = page('<link rel="canonical" href="https://www.allrecipes.com/recipe/1/soup/">')
    assert scraper_url(html, LOCAL) == "https://www.allrecipes.com/recipe/1/soup/"


def test_og_url_when_there_is_no_canonical_link() -> None:
    html = page('<meta property="og:url" content="https://www.budgetbytes.com/soup/">')
    assert scraper_url(html, LOCAL) == "https://www.budgetbytes.com/soup/"


def test_canonical_link_wins_over_og_url() -> None:
    html = page(
        '<meta property="og:url" content="https://www.budgetbytes.com/soup/">'
        '<link href="https://www.allrecipes.com/recipe/1/" rel="alternate canonical">'
    )
    assert host_of(scraper_url(html, LOCAL)) == "allrecipes.com"


def test_relative_canonical_is_resolved_against_the_final_url() -> None:
    html = page('<link rel="canonical" href="/recipes/soup">')
    assert scraper_url(html, LOCAL) == "http://127.0.0.1:8000/recipes/soup"


def test_canonical_naming_the_same_host() -> None:
    final = "https://www.allrecipes.com/recipe/1/soup/?utm_source=feed"
    html = page('<link rel="canonical" href="https://www.allrecipes.com/recipe/1/soup/">')
    assert host_of(scraper_url(html, final)) == "allrecipes.com"


@pytest.mark.parametrize(
    "href", ["android-app://com.example/https/soup", "javascript:alert(1)", "ftp://allrecipes.com/x", "http://[::1"]
)
def test_non_http_canonical_is_ignored(href: str) -> None:
    html = page(
        f'<link rel="canonical" href="{href}"><meta property="og:url" content="https://www.budgetbytes.com/x/">'
    )
    assert host_of(scraper_url(html, LOCAL)) == "budgetbytes.com"


def test_canonical_on_a_private_address_is_kept() -> None:
    # Only used to pick a scraper (none fits) and as the source: harmless.
    html = page('<link rel="canonical" href="http://192.168.1.20/recipes/soup">')
    assert scraper_url(html, LOCAL) == "http://192.168.1.20/recipes/soup"


def test_no_hint_keeps_the_final_url() -> None:
    assert scraper_url(page(), "https://blog.example.org/soup") == "https://blog.example.org/soup"


def test_final_url_of_a_site_with_a_scraper_wins() -> None:
    """Recipe community sites republish recipes with the original's canonical address;
    the page is still theirs and is read by their scraper."""
    html = page('<link rel="canonical" href="https://www.thepioneerwoman.com/recipes/salsa/">')
    assert host_of(scraper_url(html, "https://tastykitchen.com/recipes/salsa/")) == "tastykitchen.com"


def test_a_copy_of_a_republished_page_is_read_as_the_site_it_was_on() -> None:
    links = "".join(f'<a href="https://tastykitchen.com/recipes/{n}/">{n}</a>' for n in range(20))
    html = page(
        '<link rel="canonical" href="https://www.thepioneerwoman.com/recipes/salsa/">'
        '<link rel="shortlink" href="https://tastykitchen.com/recipes/?p=1">',
        f'<a href="https://thepioneerwoman.com">The Pioneer Woman</a>{links}',
    )
    assert host_of(scraper_url(html, LOCAL)) == "tastykitchen.com"


def test_mobile_and_amp_hosts_use_the_sites_scraper() -> None:
    html = page('<link rel="canonical" href="https://amp.allrecipes.com/recipe/1/">')
    url = scraper_url(html, LOCAL)
    assert host_of(url) == "allrecipes.com"
    assert urlsplit(url).path == "/recipe/1/"


def test_an_archived_copy_is_read_as_the_original_site() -> None:
    final = "https://web.archive.org/web/20240101000000/https://www.budgetbytes.com/soup/"
    html = page(f'<link rel="canonical" href="{final}">')
    assert host_of(scraper_url(html, final)) == "budgetbytes.com"


def test_site_name_names_the_site_when_its_address_spells_it() -> None:
    html = page(
        '<link rel="canonical" href="https://pinchofyum.media-group.example/soup/">'
        '<meta property="og:site_name" content="Pinch of Yum">'
    )
    assert host_of(scraper_url(html, LOCAL)) == "pinchofyum.com"


def test_site_name_names_the_site_of_a_page_without_an_address() -> None:
    html = page('<meta property="og:site_name" content="Well Plated by Erin">')
    assert host_of(scraper_url(html, LOCAL)) == "wellplated.com"


def test_a_site_of_its_own_sharing_a_name_keeps_its_address() -> None:
    html = page(
        '<link rel="canonical" href="https://myblog.example.org/soup">'
        '<meta property="og:site_name" content="Pinch of Yum">'
    )
    assert scraper_url(html, LOCAL) == "https://myblog.example.org/soup"


def test_a_local_copy_without_hints_is_read_as_the_site_its_links_name() -> None:
    links = "".join(f'<a href="https://www.budgetbytes.com/{n}/">x</a>' for n in range(5))
    html = page("", f'{links}<a href="https://www.allrecipes.com/">elsewhere</a>')
    assert host_of(scraper_url(html, LOCAL)) == "budgetbytes.com"


def test_links_do_not_override_the_canonical_site_of_a_page_on_its_own_host() -> None:
    links = "".join(f'<a href="https://tastykitchen.com/recipes/{n}/">{n}</a>' for n in range(20))
    html = page('<link rel="canonical" href="https://www.thepioneerwoman.com/recipes/salsa/">', links)
    final = "https://food-magazine.example.org/salsa"
    assert host_of(scraper_url(html, final)) == "thepioneerwoman.com"


def test_links_do_not_override_a_public_pages_own_address() -> None:
    links = "".join(f'<a href="https://www.budgetbytes.com/{n}/">x</a>' for n in range(5))
    html = page('<link rel="canonical" href="https://myblog.example.org/soup">', links)
    assert scraper_url(html, "https://myblog.example.org/soup") == "https://myblog.example.org/soup"


@pytest.mark.parametrize("final", ["", "not a url", "http://[::1", "ftp://example.org/x", "http://"])
def test_scraper_url_copes_with_any_final_url(final: str) -> None:
    assert isinstance(scraper_url(page(), final), str)


# --- Mapping ---------------------------------------------------------------------------------


def test_schema_org_recipe_is_mapped() -> None:
    data = recipe_ld(
        name="Tomato &amp; Basil Soup",
        description="<p>A&nbsp;quick   soup.</p>",
        image="/img/soup.jpg",
        recipeYield="4 servings",
        prepTime="PT10M",
        cookTime="PT1H5M",
        totalTime="PT1H15M",
        recipeIngredient=["1 kg tomatoes", "2 tbsp olive oil", "a handful of basil"],
        recipeInstructions=[
            {"@type": "HowToStep", "text": "Chop the tomatoes."},
            {"@type": "HowToStep", "text": "Simmer &amp; blend."},
        ],
        nutrition={"@type": "NutritionInformation", "calories": "120 kcal", "fatContent": "5 g"},
    )
    extracted = extract(page(json_ld(data)))
    recipe = extracted.data
    assert recipe.title == "Tomato & Basil Soup"
    assert recipe.description == "A quick soup."
    assert recipe.ingredients == ["1 kg tomatoes", "2 tbsp olive oil", "a handful of basil"]
    assert recipe.instructions == ["Chop the tomatoes.", "Simmer & blend."]
    assert recipe.servings == "4 servings"
    assert (recipe.prep_time, recipe.cook_time, recipe.total_time) == (10, 65, 75)
    assert recipe.nutrition == {"calories": "120 kcal", "fatContent": "5 g"}
    assert recipe.source_url == LOCAL
    assert recipe.is_public is False
    assert extracted.image_url == "http://127.0.0.1:8000/img/soup.jpg"
    assert extracted.scraper_host == "127.0.0.1"


def test_absent_times_are_none_and_absent_texts_empty() -> None:
    recipe = extract(page(json_ld(recipe_ld()))).data
    assert (recipe.prep_time, recipe.cook_time, recipe.total_time) == (None, None, None)
    assert (recipe.description, recipe.servings, recipe.tags, recipe.nutrition) == ("", "", [], {})


@pytest.mark.parametrize(
    ("value", "minutes"),
    [
        (25, 25),
        (7.6, 8),
        ("27 minutes", 27),
        ("1 hr 10 mins", 70),
        ("PT1H10M", 70),
        ("12", 12),
        (0, None),
        ("0", None),
        ("", None),
        ("soon", None),
        (None, None),
        (True, None),
        (float("nan"), None),
        (10**9, None),
        ([5], None),
    ],
)
def test_times_in_minutes(value: Any, minutes: int | None) -> None:
    """Site scrapers give numbers, some give texts; anything unreadable is "not given"."""
    assert _minutes(value) == minutes


def test_tags_come_from_category_cuisine_and_keywords() -> None:
    long_keyword = "the very best easy quick tomato soup recipe for busy weeknights"
    data = recipe_ld(
        recipeCategory=["Soup", "Starter"],
        recipeCuisine="Italian",
        keywords=f"tomato, Basil,  soup , Tomato soup, {long_keyword}, vegan",
    )
    assert extract(page(json_ld(data))).data.tags == ["soup", "starter", "italian", "tomato", "basil", "vegan"]


def test_tags_are_capped() -> None:
    data = recipe_ld(keywords=", ".join(f"tag {n}" for n in range(40)))
    tags = extract(page(json_ld(data))).data.tags
    assert len(tags) == MAX_TAGS
    assert tags[0] == "tag 0"


def test_source_url_is_the_canonical_address() -> None:
    html = page('<link rel="canonical" href="https://blog.example.org/soup/">' + json_ld(recipe_ld()))
    assert extract(html).data.source_url == "https://blog.example.org/soup/"


def test_source_url_is_the_final_url_when_the_canonical_is_not_http() -> None:
    html = page('<link rel="canonical" href="ftp://example.org/soup">' + json_ld(recipe_ld()))
    assert extract(html).data.source_url == LOCAL


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        ("https://cdn.example.org/soup.jpg", "https://cdn.example.org/soup.jpg"),
        ({"@type": "ImageObject", "url": "https://cdn.example.org/a.jpg"}, "https://cdn.example.org/a.jpg"),
        ("data:image/png;base64,AAAA", ""),
        ("ftp://example.org/soup.jpg", ""),
    ],
)
def test_image_url(image: Any, expected: str) -> None:
    assert extract(page(json_ld(recipe_ld(image=image)))).image_url == expected


def test_long_title_is_cut() -> None:
    recipe = extract(page(json_ld(recipe_ld(name="Soup " * 100)))).data
    assert len(recipe.title) <= 200
    assert recipe.title.startswith("Soup Soup")


def test_recipe_without_a_name_takes_the_pages_title() -> None:
    data = recipe_ld()
    del data["name"]
    html = page('<meta property="og:title" content="Grandma&#39;s soup">' + json_ld(data))
    assert extract(html).data.title == "Grandma's soup"


def _wprm_page(groups: list[tuple[str, list[str]]], listed: list[str]) -> str:
    """A WP Recipe Maker card (the plugin most food blogs use) with ingredient groups."""
    cards = "".join(
        '<div class="wprm-recipe-ingredient-group">'
        f'<h4 class="wprm-recipe-group-name">{name}</h4><ul class="wprm-recipe-ingredients">'
        + "".join(f'<li class="wprm-recipe-ingredient">{line}</li>' for line in lines)
        + "</ul></div>"
        for name, lines in groups
    )
    return page(json_ld(recipe_ld(recipeIngredient=listed)), cards)


def test_ingredient_groups_become_section_headers() -> None:
    groups = [("For the dough", ["2 cups flour", "1 egg"]), ("For the filling:", ["200 g ricotta", "1 lemon"])]
    html = _wprm_page(groups, ["2 cups flour", "1 egg", "200 g ricotta", "1 lemon"])
    assert extract(html).data.ingredients == [
        "For the dough:",
        "2 cups flour",
        "1 egg",
        "For the filling:",  # not "For the filling::"
        "200 g ricotta",
        "1 lemon",
    ]


def test_groups_that_do_not_cover_the_lines_give_the_flat_list() -> None:
    groups = [("Dough", ["2 cups flour", "1 egg"]), ("Filling", ["200 g ricotta"])]
    listed = ["2 cups flour", "1 egg", "200 g ricotta", "1 lemon"]
    assert extract(_wprm_page(groups, listed)).data.ingredients == listed


def test_groups_in_another_order_give_the_flat_list() -> None:
    groups = [("Filling", ["200 g ricotta", "1 lemon"]), ("Dough", ["2 cups flour", "1 egg"])]
    listed = ["2 cups flour", "1 egg", "200 g ricotta", "1 lemon"]
    assert extract(_wprm_page(groups, listed)).data.ingredients == listed


def test_a_single_group_has_no_header() -> None:
    listed = ["2 cups flour", "1 egg"]
    assert extract(_wprm_page([("Ingredients", listed)], listed)).data.ingredients == listed


def test_markup_and_entities_in_lines_are_cleaned_and_empty_lines_dropped() -> None:
    data = recipe_ld(
        recipeIngredient=["1 &amp;amp; 2 <b>cups</b>", "   ", "&nbsp;", "Salt &amp; pepper"],
        recipeInstructions=["<p>Mix\n  well.</p>", "", "Bake."],
    )
    recipe = extract(page(json_ld(data))).data
    assert recipe.ingredients == ["1 & 2 cups", "Salt & pepper"]
    assert recipe.instructions == ["Mix well.", "Bake."]


def test_how_to_sections_keep_their_names_as_steps() -> None:
    data = recipe_ld(
        recipeInstructions=[
            {
                "@type": "HowToSection",
                "name": "Sauce",
                "itemListElement": [{"@type": "HowToStep", "text": "Stir."}, {"@type": "HowToStep", "text": "Taste."}],
            }
        ]
    )
    assert extract(page(json_ld(data))).data.instructions == ["Sauce", "Stir.", "Taste."]


def test_graph_nesting() -> None:
    graph = {
        "@context": "https://schema.org",
        "@graph": [{"@type": "WebPage", "name": "A page"}, {**recipe_ld(name="Graph soup"), "@context": None}],
    }
    assert extract(page(json_ld(graph))).data.title == "Graph soup"


def test_a_list_of_recipes_gives_the_first() -> None:
    html = page(json_ld([recipe_ld(name="First"), recipe_ld(name="Second")]))
    assert extract(html).data.title == "First"


def test_microdata_only_page() -> None:
    body = (
        '<div itemscope itemtype="https://schema.org/Recipe"><h1 itemprop="name">Boiled egg</h1>'
        '<span itemprop="recipeIngredient">1 egg</span>'
        '<div itemprop="recipeInstructions">Boil it for 7 minutes.</div></div>'
    )
    recipe = extract(page("", body)).data
    assert (recipe.title, recipe.ingredients, recipe.instructions) == (
        "Boiled egg",
        ["1 egg"],
        ["Boil it for 7 minutes."],
    )


def test_xhtml_page_with_an_xml_declaration() -> None:
    html = '<?xml version="1.0" encoding="utf-8"?>\n' + page(json_ld(recipe_ld()))
    assert extract(html).data.title == "Tomato soup"


def test_site_scraper_warnings_are_silenced() -> None:
    """chefnini.com's scraper warns that the site gives no total time; the suite runs with
    warnings as errors, so this also shows the warning does not escape extraction."""
    html = gzip.decompress((CORPUS / "chefnini.com" / "chefnini_1.html.gz").read_bytes()).decode()
    with pytest.warns(FieldNotProvidedByWebsiteWarning):
        scrape_html(html, "https://chefnini.com/x", supported_only=False).total_time()  # type: ignore[no-untyped-call]
    extracted = extract(html)
    assert extracted.scraper_host == "chefnini.com"
    assert extracted.data.total_time is None
    assert extracted.data.ingredients


# --- No recipe -------------------------------------------------------------------------------

NOT_RECIPES = {
    "empty": "",
    "blank": " \n\t ",
    "garbage": bytes(range(256)).decode("latin-1") * 20,
    "a URL": "https://example.org/soup",
    "plain text": "Just some words about soup.",
    "blog index": page(
        '<title>My blog</title><link rel="canonical" href="https://blog.example.org/">'
        + json_ld({"@context": "https://schema.org", "@type": "Blog", "name": "My blog"}),
        "<h1>Latest posts</h1><ul><li>Soup</li></ul>",
    ),
    "404 page on a site with a scraper": page(
        '<title>Page not found</title><link rel="canonical" href="https://www.allrecipes.com/404">',
        "<h1>Sorry, that page is gone</h1>",
    ),
    "a recipe with only a title": page(json_ld(recipe_ld(recipeIngredient=[], recipeInstructions=[]))),
    "no title anywhere": page(json_ld({**recipe_ld(), "name": None})),
    "broken JSON-LD": page('<script type="application/ld+json">{"@type": "Recipe", "name": </script>'),
    "wrong types": page(
        json_ld(
            recipe_ld(
                name=["a", "list"], recipeIngredient=5, recipeInstructions=None, recipeYield={"x": 1}, totalTime=5
            )
        )
    ),
}


@pytest.mark.parametrize("html", NOT_RECIPES.values(), ids=NOT_RECIPES.keys())
def test_no_recipe(html: str) -> None:
    with pytest.raises(NoRecipeFound) as raised:
        extract(html)
    assert raised.value.message == "No recipe found on that page."


def test_wrong_types_in_optional_fields_do_not_lose_the_recipe() -> None:
    data = recipe_ld(
        recipeYield={"x": 1},
        totalTime=5,
        prepTime=["PT5M"],
        image=5,
        keywords=7,
        recipeCategory={"a": 1},
        recipeCuisine=None,
        nutrition="lots",
        description=["first", "second"],
    )
    recipe = extract(page(json_ld(data))).data
    assert recipe.title == "Tomato soup"
    assert recipe.ingredients == ["1 kg tomatoes", "2 tbsp olive oil"]


def test_huge_page_of_nested_divs() -> None:
    html = page(json_ld(recipe_ld()), "<div>" * 30_000 + "deep" + "</div>" * 30_000)
    assert extract(html).data.title == "Tomato soup"
    with pytest.raises(NoRecipeFound):
        extract(page("", "<div>" * 30_000))


@pytest.mark.parametrize("final", ["", "not a url", "http://[::1", "javascript:alert(1)"])
def test_any_final_url(final: str) -> None:
    extracted = extract(page(json_ld(recipe_ld())), final)
    assert extracted.data.title == "Tomato soup"
    assert extracted.data.source_url == ""


def test_the_warm_up_page_is_a_recipe_and_warm_up_runs_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from recipes.importing.pages import extract

    assert extract.extract_recipe(extract._WARM_UP_PAGE, "http://localhost/warm-up").data.title == "Boiled egg"
    calls: list[str] = []
    monkeypatch.setattr(extract, "_warmed_up", False)
    monkeypatch.setattr(extract, "extract_recipe", lambda html, url: calls.append(url))
    extract.warm_up()
    extract.warm_up()
    assert calls == ["http://localhost/warm-up"]
