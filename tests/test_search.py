"""Search, filters and sorting on /recipes/: the same tests on SQLite (FTS5) and PostgreSQL."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest

from recipes.extensions import db
from recipes.models import Recipe

from .conftest import create_recipe

PLAIN = {
    "description": "",
    "ingredients": "",
    "instructions": "",
    "notes": "",
    "tags": "",
    "source_url": "",
    "prep_time": "",
    "cook_time": "",
}


def add(client, title: str, **fields: str) -> int:
    return create_recipe(client, **{**PLAIN, "title": title, **fields})


def titles(client, query: str) -> list[str]:
    response = client.get("/recipes/?" + query)
    assert response.status_code == 200, response.text[:500]
    return [html.unescape(t) for t in re.findall(r'<h3><a href="/recipes/\d+">([^<]*)</a></h3>', response.text)]


@pytest.fixture(autouse=True, params=["ranked", "index-walk"])
def plan(request, monkeypatch):
    """Run every search test both ways the service reads a page: ranking every match
    (a few matches) and walking an index (many matches, forced here with a limit of 0)."""
    if request.param == "index-walk":
        from recipes.search import service

        monkeypatch.setattr(service, "RANK_LIMIT", 0)
    return request.param


@pytest.fixture
def kitchen(alice):
    """A small library with the cases the search must tell apart."""
    add(alice, "Tomato soup", ingredients="1 kg tomatoes\n1 onion", tags="soup, quick", prep_time="10", cook_time="20")
    add(alice, "Crème brûlée", ingredients="500 ml cream\n5 egg yolks", tags="dessert", cook_time="50")
    add(alice, "Pasta with olive oil", ingredients="olive oil\n200 g spaghetti", tags="quick", cook_time="12")
    add(alice, "Oil-roasted olives", ingredients="green olives\nsunflower oil", tags="snack", cook_time="30")
    add(alice, "Nut cake", ingredients="200 g walnuts\n100 g nuts", tags="dessert, baking", cook_time="45")
    add(alice, "Plain rice", description="Tomato on the side is nice.", ingredients="rice\nwater", cook_time="15")
    return alice


def test_word_prefixes_match(kitchen):
    assert titles(kitchen, "q=tom") == ["Tomato soup", "Plain rice"]


def test_title_matches_come_first(kitchen):
    assert titles(kitchen, "q=tomato")[0] == "Tomato soup"


@pytest.mark.parametrize("query", ["creme", "CRÈME", "brulee", "crème brûlée", "Creme Brulee"])
def test_accents_and_case_fold(kitchen, query):
    assert titles(kitchen, f"q={query}") == ["Crème brûlée"]


def test_every_word_must_match(kitchen):
    assert titles(kitchen, "q=olive spaghetti") == ["Pasta with olive oil"]
    assert titles(kitchen, "q=olive cream") == []


def test_quoted_phrases(kitchen):
    assert titles(kitchen, 'q="olive oil"') == ["Pasta with olive oil"]
    assert set(titles(kitchen, "q=olive oil")) == {"Pasta with olive oil", "Oil-roasted olives"}


def test_minus_excludes(kitchen):
    assert titles(kitchen, "q=quick -tomato") == ["Pasta with olive oil"]
    assert "Nut cake" not in titles(kitchen, "q=-nut")  # the plural "nuts" is excluded too
    assert len(titles(kitchen, "q=-nut")) == 5


@pytest.mark.parametrize(
    ("field", "value", "query"),
    [
        ("description", "Grandma's favourite for winter", "favourite"),
        ("ingredients", "3 quinces", "quince"),
        ("instructions", "Braise slowly in cider.", "cider"),
        ("notes", "Freezes beautifully", "beautifully"),
        ("tags", "Sunday roast", "sunday"),
    ],
)
def test_every_field_is_searched(alice, field, value, query):
    add(alice, "Something", **{field: value})
    add(alice, "Other")
    assert titles(alice, f"q={query}") == ["Something"]


def test_snippets_highlight_matches_and_stay_escaped(alice):
    add(alice, "Dish", description="Serve <b>hot</b> with Tomatoes & basil.")
    page = alice.get("/recipes/?q=tomato").text
    assert '<p class="snippet">Serve &lt;b&gt;hot&lt;/b&gt; with <mark>Tomatoes</mark> &amp; basil.</p>' in page


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '"unbalanced quote',
        "NEAR(tomato onion",
        "*",
        "tom*",
        "a OR b",
        "NOT tomato",
        "title:tomato",
        "{title}: x",
        "^tomato",
        "'; DROP TABLE recipe; --",
        "\\",
        "%_%",
        "(((",
        "-",
        "--",
        "- -tomato",
        "\u200b\u202e",
        "🍅 soup",
        "x" * 5000,
        " ".join(["tomato"] * 300),
        "ｔｏｍａｔｏ",
        "\x00tomato",
    ],
)
def test_whatever_is_typed_is_safe(kitchen, query):
    response = kitchen.get("/recipes/", query_string={"q": query, "has": query, "not": query, "tag": query})
    assert response.status_code == 200


def test_fullwidth_letters_fold_to_plain(kitchen):
    assert titles(kitchen, "q=ｔｏｍａｔｏ") == ["Tomato soup", "Plain rice"]


def test_others_private_recipes_never_show_up(alice, bob):
    add(alice, "Secret tomato stew")
    add(alice, "Public tomato pie", visibility="public")
    add(bob, "Bob's tomato salad")
    assert set(titles(bob, "q=tomato")) == {"Bob's tomato salad", "Public tomato pie"}
    assert titles(bob, "q=tomato&scope=mine") == ["Bob's tomato salad"]
    assert titles(bob, "q=tomato&scope=public") == ["Public tomato pie"]
    assert titles(bob, "q=secret") == []


def test_tags_any_and_all(kitchen):
    assert set(titles(kitchen, "tag=quick&tag=dessert")) == {
        "Tomato soup",
        "Pasta with olive oil",
        "Crème brûlée",
        "Nut cake",
    }
    assert titles(kitchen, "tag=dessert,baking&match=all") == ["Nut cake"]
    assert titles(kitchen, "tag=Dessert&tag=baking&match=all") == ["Nut cake"]


def test_ingredient_filter_has_and_not(kitchen):
    assert titles(kitchen, "has=olive") == ["Oil-roasted olives", "Pasta with olive oil"]
    assert titles(kitchen, "has=oil&not=olive") == []
    assert titles(kitchen, "has=oil&not=spaghetti") == ["Oil-roasted olives"]
    assert "Nut cake" not in titles(kitchen, "not=nuts")
    assert titles(kitchen, "q=cake&has=walnut") == ["Nut cake"]
    # "has" looks at ingredients only: "Tomato" in the rice's description does not count.
    assert titles(kitchen, "has=tomato") == ["Tomato soup"]


def test_ingredient_filter_knows_a_food_by_any_of_its_names(alice):
    """ "has" and "not" look for the food, not the letters: plural or singular, and its aliases,
    by the rule a shopping list merges foods on (ingredients/foods.py)."""
    add(alice, "Spring salad", ingredients="3 green onions, sliced\n1 lettuce")
    add(alice, "Tomato toast", ingredients="1 ripe tomato\n2 slices bread")
    add(alice, "Onion tart", ingredients="2 Onions\n1 sheet puff pastry")
    add(alice, "Berry bowl", ingredients="1 cup berries")
    assert titles(alice, "has=scallions") == ["Spring salad"]
    assert titles(alice, "has=spring onion") == ["Spring salad"]
    assert titles(alice, "has=tomatoes") == ["Tomato toast"]  # a plural finds the singular
    assert titles(alice, "has=berry") == ["Berry bowl"]
    assert set(titles(alice, "has=onion")) == {"Onion tart", "Spring salad"}  # a word of the line, as before
    assert "Spring salad" not in titles(alice, "not=scallion")
    assert set(titles(alice, "not=tomatoes")) == {"Spring salad", "Onion tart", "Berry bowl"}
    assert titles(alice, "has=chick") == []  # a word being typed is still a prefix, and finds nothing here


def test_maximum_total_time(kitchen):
    assert titles(kitchen, "max_time=15&sort=quickest") == ["Pasta with olive oil", "Plain rice"]
    assert titles(kitchen, "max_time=0") == []


def test_sorting(kitchen):
    everything = ["Tomato soup", "Crème brûlée", "Pasta with olive oil", "Oil-roasted olives", "Nut cake", "Plain rice"]
    assert titles(kitchen, "") == list(reversed(everything))  # newest first
    assert titles(kitchen, "sort=title") == sorted(everything)
    assert titles(kitchen, "sort=quickest") == [
        "Pasta with olive oil",
        "Plain rice",
        "Tomato soup",  # 30 minutes, like the olives: the older one first
        "Oil-roasted olives",
        "Nut cake",
        "Crème brûlée",
    ]
    assert titles(kitchen, "q=tomato&sort=newest") == ["Plain rice", "Tomato soup"]
    assert titles(kitchen, "sort=no_such_field") == list(reversed(everything))  # allow-listed


def test_recipes_without_times_sort_last_when_quickest(alice):
    add(alice, "No time given")
    add(alice, "Five minutes", cook_time="5")
    assert titles(alice, "sort=quickest") == ["Five minutes", "No time given"]


def test_page_and_per_page_are_bounded(alice):
    for n in range(3):
        add(alice, f"Dish {n}")
    assert len(titles(alice, "per_page=1")) == 1
    assert len(titles(alice, "per_page=100000")) == 3
    for page in ("0", "-5", "abc", str(10**30)):
        assert alice.get(f"/recipes/?page={page}&per_page={page}").status_code == 200


def test_pagination_keeps_the_filters(alice):
    for n in range(4):
        add(alice, f"Soup {n}", tags="soup")
    add(alice, "Cake", tags="dessert")
    page = alice.get("/recipes/?q=soup&tag=soup&per_page=2&sort=title").text
    assert titles(alice, "q=soup&tag=soup&per_page=2&sort=title") == ["Soup 0", "Soup 1"]
    next_link = re.search(r'href="([^"]+)" rel="next"', page).group(1).replace("&amp;", "&")
    assert "q=soup" in next_link and "tag=soup" in next_link and "sort=title" in next_link and "page=2" in next_link
    assert titles(alice, next_link.split("?", 1)[1]) == ["Soup 2", "Soup 3"]


def test_index_follows_edits_and_deletes(app, alice):
    from .conftest import RECIPE_FORM

    recipe_id = add(alice, "Lentil stew")
    assert titles(alice, "q=lentil") == ["Lentil stew"]
    alice.post(f"/recipes/{recipe_id}/edit", data={**RECIPE_FORM, **PLAIN, "title": "Bean stew", "tags": "hearty"})
    assert titles(alice, "q=lentil") == []
    assert titles(alice, "q=bean") == ["Bean stew"]
    assert titles(alice, "q=hearty") == ["Bean stew"]
    alice.post(f"/recipes/{recipe_id}/delete")
    assert titles(alice, "q=bean") == []


def test_reindex_rebuilds_a_lost_index(app, alice, runner):
    add(alice, "Quince jelly")
    with app.app_context():
        table = "recipe_fts" if db.engine.dialect.name == "sqlite" else "recipe_search"
        db.session.execute(db.text(f"DELETE FROM {table}"))  # noqa: S608 (a fixed name)
        db.session.commit()
    assert titles(alice, "q=quince") == []
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "Indexed 1 recipes." in result.output
    assert titles(alice, "q=quince") == ["Quince jelly"]


def test_count_is_capped_for_huge_results(app, alice, make_user, monkeypatch):
    from recipes.search import service

    monkeypatch.setattr(service, "COUNT_CAP", 3)
    for n in range(5):
        add(alice, f"Soup {n}")
    page = alice.get("/recipes/?q=soup&per_page=2").text
    assert "More than 3 recipes found" in page
    assert 'rel="next"' in page


def test_tag_cloud_counts_visible_recipes(alice, bob):
    add(alice, "A", tags="dinner, secret")
    add(alice, "B", tags="dinner", visibility="public")
    add(bob, "C", tags="dinner")
    page = bob.get("/recipes/tags").text
    assert re.search(r">dinner</a> <small>2</small>", page)
    assert "secret" not in page
    assert 'href="/recipes/?tag=dinner"' in page


def test_live_search_script_is_served_and_optional(alice):
    page = alice.get("/recipes/").text
    assert '<script src="/static/search.js" defer></script>' in page
    assert 'action="/recipes/"' in page and 'method="get"' in page  # works without JavaScript
    script = alice.get("/static/search.js")
    assert script.status_code == 200 and b"replaceState" in script.data
    script.close()


def test_list_page_query_count_is_constant(app, alice):
    """No N+1: the list page does the same number of queries for 2 cards or 24."""
    from sqlalchemy import event

    def count_queries() -> int:
        statements: list[str] = []
        with app.app_context():
            engine = db.engine
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert alice.get("/recipes/").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len([s for s in statements if s.lstrip().upper().startswith("SELECT")])

    for n in range(2):
        add(alice, f"Dish {n}", tags=f"t{n}, shared")
    few = count_queries()
    for n in range(2, 30):
        add(alice, f"Dish {n}", tags=f"t{n}, shared")
    assert count_queries() == few <= 5


def test_total_minutes_kept_for_sorting(app, alice):
    recipe_id = add(alice, "Timed", prep_time="10", cook_time="5")
    with app.app_context():
        assert db.session.get(Recipe, recipe_id).total_minutes == 15


def test_text_search_with_tag_filters_is_exact_about_tags(alice):
    add(alice, "Soup A", tags="quick dinner")
    add(alice, "Soup B", tags="quick, dinner")
    add(alice, "Soup C", tags="dinners")
    add(alice, "Soup D", tags="dinner, vegan")
    assert titles(alice, "q=soup&tag=dinner&sort=title") == ["Soup B", "Soup D"]
    assert titles(alice, "q=soup&tag=quick dinner&sort=title") == ["Soup A"]
    assert titles(alice, "q=soup&tag=dinner,vegan&match=all&sort=title") == ["Soup D"]
    assert titles(alice, "q=soup&tag=vegan&tag=quick dinner&sort=title") == ["Soup A", "Soup D"]


@pytest.mark.parametrize(("query", "kept"), [("q=soup&sort=newest", "sort=newest"), ("sort=title", "sort=title")])
def test_pagination_keeps_a_chosen_sort(alice, query, kept):
    for n in range(3):
        add(alice, f"Soup {n}")
    page = alice.get(f"/recipes/?{query}&per_page=1").text
    next_link = re.search(r'href="([^"]+)" rel="next"', page).group(1).replace("&amp;", "&")
    assert kept in next_link


class _FormReader(HTMLParser):
    """What a browser sends when the list page's search form is submitted as it stands."""

    def __init__(self) -> None:
        super().__init__()
        self.in_form = False
        self.fields: list[tuple[str, str]] = []
        self.select: str | None = None
        self.options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and "data-live-search" in a:
            self.in_form = True
        if not self.in_form:
            return
        if tag == "input" and a.get("name"):
            if a.get("type") not in ("radio", "checkbox") or "checked" in a:
                self.fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self.select, self.options = a["name"], []
        elif tag == "option" and self.select:
            self.options.append((a.get("value", ""), "selected" in a))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self.select:
            chosen = [value for value, selected in self.options if selected] or [self.options[0][0]]
            self.fields.append((self.select, chosen[0]))
            self.select = None
        elif tag == "form":
            self.in_form = False


def submitted_form(client, path: str, **typed: str) -> str:
    """The query string a browser sends from `path`'s search form after `typed` is filled in."""
    reader = _FormReader()
    reader.feed(client.get(path).text)
    fields = [(name, typed.get(name, value)) for name, value in reader.fields]
    return urlencode(fields)


def test_without_a_chosen_sort_a_query_ranks_by_relevance(alice):
    """Typing "pie" on the list (sorted newest first) ranks by relevance, not by date: with
    the form submitted as it stands (no JavaScript), and through the API."""
    add(alice, "Pecan pie", ingredients="200 g pecans")
    add(alice, "Rhubarb cobbler", description="Like a pie, without the pastry lid.")
    assert titles(alice, "") == ["Rhubarb cobbler", "Pecan pie"]  # newest first with no query
    assert titles(alice, submitted_form(alice, "/recipes/", q="pie")) == ["Pecan pie", "Rhubarb cobbler"]
    # The same from a page of a search already sorted by the default: still the default.
    assert titles(alice, submitted_form(alice, "/recipes/?q=cobbler", q="pie")) == ["Pecan pie", "Rhubarb cobbler"]
    # A sort the person picked stays picked.
    assert titles(alice, submitted_form(alice, "/recipes/?sort=newest", q="pie")) == ["Rhubarb cobbler", "Pecan pie"]
    assert titles(alice, submitted_form(alice, "/recipes/?q=x&sort=title", q="pie")) == ["Pecan pie", "Rhubarb cobbler"]
    assert titles(alice, submitted_form(alice, "/recipes/?sort=title", q="")) == ["Pecan pie", "Rhubarb cobbler"]


def test_the_sort_menu_shows_what_was_chosen(alice):
    def selected(query: str) -> list[str]:
        reader = _FormReader()
        reader.feed(alice.get("/recipes/?" + query).text)
        return [value for name, value in reader.fields if name == "sort"]

    assert selected("") == [""]  # best match: relevance with a query, else newest
    assert selected("q=pie") == [""]
    assert selected("sort=relevance") == [""]
    assert selected("sort=newest") == ["newest"]
    assert selected("q=pie&sort=quickest") == ["quickest"]
    assert selected("sort=bogus") == [""]


@pytest.mark.parametrize(
    ("query", "kept", "left_out"),
    [("q=soup", None, "sort="), ("sort=newest", "sort=newest", None), ("q=soup&sort=relevance", None, "sort=")],
)
def test_pagination_keeps_only_a_sort_that_was_chosen(alice, query, kept, left_out):
    for n in range(3):
        add(alice, f"Soup {n}")
    page = alice.get(f"/recipes/?{query}&per_page=1").text
    next_link = re.search(r'href="([^"]+)" rel="next"', page).group(1).replace("&amp;", "&")
    assert kept is None or kept in next_link
    assert left_out is None or left_out not in next_link
