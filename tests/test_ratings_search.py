"""The list page and the API find by one's own marks (issue 19): favourites only, at least N
stars, not cooked in N days; sorted by one's rating or by when one last cooked; the cards show
one's stars. Bad values: the page falls back (as for any filter), the API says 422."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from recipes.cookbook.bulk import add_recipes
from recipes.cookbook.services import RecipeData
from recipes.extensions import db
from recipes.models import User
from recipes.ratings import services
from recipes.search.service import SearchRequest, search

from .conftest import Client, create_recipe
from .test_api import Api, make_token

TODAY = date.today()


def titles(page: str) -> list[str]:
    """The cards' titles, in order."""
    return re.findall(r'<h3><a href="/recipes/\d+">([^<]+)</a></h3>', page)


@pytest.fixture
def library(app: Flask, alice: Client) -> dict[str, int]:
    """alice's six recipes (made in this order, so newest first is the reverse) and her marks:
    Soup 5 stars and a favourite, Pie 3 stars cooked 40 days ago, Stew 1 star cooked today,
    Salad cooked 10 days ago, Bread a favourite, Curry nothing."""
    ids = {
        title: create_recipe(alice, title=title, tags="dinner")
        for title in ("Soup", "Pie", "Stew", "Salad", "Bread", "Curry")
    }
    for title, stars in (("Soup", 5), ("Pie", 3), ("Stew", 1)):
        alice.post(f"/recipes/{ids[title]}/rating", data={"stars": str(stars)})
    for title in ("Soup", "Bread"):
        alice.post(f"/recipes/{ids[title]}/favourite", data={"favourite": "1"})
    for title, days in (("Pie", 40), ("Stew", 0), ("Salad", 10)):
        alice.post(f"/recipes/{ids[title]}/cooked", data={"date": (TODAY - timedelta(days=days)).isoformat()})
    return ids


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("favourite=1", ["Bread", "Soup"]),
        ("favourite=true", ["Bread", "Soup"]),
        ("min_rating=3", ["Pie", "Soup"]),
        ("min_rating=5", ["Soup"]),
        ("min_rating=1", ["Stew", "Pie", "Soup"]),
        ("not_cooked_days=30", ["Curry", "Bread", "Pie", "Soup"]),
        ("not_cooked_days=11", ["Curry", "Bread", "Pie", "Soup"]),
        ("not_cooked_days=10", ["Curry", "Bread", "Salad", "Pie", "Soup"]),  # 10 days ago: not in the last 10
        ("not_cooked_days=1", ["Curry", "Bread", "Salad", "Pie", "Soup"]),
        ("not_cooked_days=3650", ["Curry", "Bread", "Soup"]),
        ("favourite=1&min_rating=4", ["Soup"]),
        ("sort=rating", ["Soup", "Pie", "Stew", "Curry", "Bread", "Salad"]),
        ("sort=last_cooked", ["Stew", "Salad", "Pie", "Curry", "Bread", "Soup"]),
        ("sort=rating&favourite=1", ["Soup", "Bread"]),
        ("sort=rating&min_rating=2", ["Soup", "Pie"]),
        ("sort=last_cooked&not_cooked_days=30", ["Pie", "Curry", "Bread", "Soup"]),
        ("q=tomatoes&sort=rating", ["Soup", "Pie", "Stew", "Curry", "Bread", "Salad"]),
        ("q=tomatoes&sort=last_cooked&min_rating=1", ["Stew", "Pie", "Soup"]),
        ("tag=dinner&sort=rating&max_time=40", ["Soup", "Pie", "Stew", "Curry", "Bread", "Salad"]),
    ],
)
def test_the_list_finds_and_sorts_by_ones_marks(
    alice: Client, library: dict[str, int], query: str, expected: list[str]
) -> None:
    assert titles(alice.get(f"/recipes/?{query}").text) == expected


@pytest.mark.parametrize("sort", ["rating", "last_cooked"])
def test_pages_of_an_order_by_marks_follow_on(alice: Client, library: dict[str, int], sort: str) -> None:
    whole = titles(alice.get(f"/recipes/?sort={sort}").text)
    paged = [
        title
        for page in (1, 2, 3, 4)
        for title in titles(alice.get(f"/recipes/?sort={sort}&per_page=2&page={page}").text)
    ]
    assert paged == whole
    assert titles(alice.get(f"/recipes/?sort={sort}&per_page=4&page=2").text) == whole[4:]


def test_the_marks_are_each_accounts_own(alice: Client, bob: Client, library: dict[str, int]) -> None:
    pie = library["Pie"]
    assert alice.post(f"/recipes/{pie}/edit", data={"title": "Pie", "visibility": "public"}).status_code == 302
    bob.post(f"/recipes/{pie}/favourite", data={"favourite": "1"})
    assert titles(bob.get("/recipes/?favourite=1").text) == ["Pie"]
    assert titles(bob.get("/recipes/?min_rating=1").text) == []  # alice's stars are not his
    assert titles(alice.get("/recipes/?favourite=1").text) == ["Bread", "Soup"]


def test_the_cards_show_ones_stars_in_words_too(alice: Client, bob: Client, library: dict[str, int]) -> None:
    page = alice.get("/recipes/").text
    assert page.count('class="card-stars"') == 3
    assert '<span aria-hidden="true">★★★★★</span><span class="visually-hidden">Your rating: 5 of 5 stars</span>' in page
    assert "★☆☆☆☆" in page and "Your rating: 1 of 5 stars" in page
    pie = library["Pie"]
    alice.post(f"/recipes/{pie}/edit", data={"title": "Pie", "visibility": "public"})
    assert 'class="card-stars"' not in bob.get("/recipes/").text


@pytest.mark.parametrize(
    "bad",
    ["min_rating=9", "min_rating=0", "min_rating=x", "not_cooked_days=-1", "not_cooked_days=0", "not_cooked_days=99999",
     "not_cooked_days=x", "favourite=maybe", "sort=bogus", "sort=rating%00"],
)  # fmt: skip
def test_the_page_falls_back_from_values_it_cannot_use(alice: Client, library: dict[str, int], bad: str) -> None:
    page = alice.get(f"/recipes/?{bad}")
    assert page.status_code == 200
    assert titles(page.text) == ["Curry", "Bread", "Salad", "Stew", "Pie", "Soup"]  # everything, newest first
    assert 'class="filter-count">' in page.text and "active</span>" not in page.text


@pytest.mark.parametrize(
    "bad",
    ["min_rating=9", "min_rating=0", "min_rating=x", "not_cooked_days=-1", "not_cooked_days=0", "not_cooked_days=3651",
     "favourite=maybe", "favourite=2", "sort=bogus"],
)  # fmt: skip
def test_the_api_says_which_value_it_cannot_use(app: Flask, alice: Client, bad: str) -> None:
    api = Api(alice, make_token(app, "alice"))
    answer = api.get(f"/recipes?{bad}")
    assert answer.status_code == 422
    assert answer.json["error"]["code"] == "invalid" and answer.json["error"]["field"] == bad.split("=")[0]


def test_the_api_finds_and_sorts_the_same(app: Flask, alice: Client, library: dict[str, int]) -> None:
    api = Api(alice, make_token(app, "alice"))
    found = api.get("/recipes?favourite=1&sort=rating").json
    assert [(i["title"], i["rating"], i["favourite"]) for i in found["items"]] == [
        ("Soup", 5, True),
        ("Bread", None, True),
    ]
    assert found["total"] == 2
    cooked = api.get("/recipes?sort=last_cooked&per_page=3").json["items"]
    assert [(i["title"], i["last_cooked"], i["times_cooked"]) for i in cooked] == [
        ("Stew", TODAY.isoformat(), 1),
        ("Salad", (TODAY - timedelta(days=10)).isoformat(), 1),
        ("Pie", (TODAY - timedelta(days=40)).isoformat(), 1),
    ]
    assert [i["title"] for i in api.get("/recipes?min_rating=3&not_cooked_days=30").json["items"]] == ["Pie", "Soup"]


def test_the_filters_are_kept_in_the_address_and_counted(alice: Client, library: dict[str, int]) -> None:
    page = alice.get("/recipes/?favourite=1&min_rating=2&not_cooked_days=30&sort=rating&per_page=1").text
    assert '<span id="filter-count" class="filter-count">3 active</span>' in page
    assert 'id="favourite" name="favourite" value="1" checked' in page
    assert '<option value="2" selected>2 stars or more</option>' in page
    assert 'name="not_cooked_days" min="1" max="3650"' in page and 'value="30"' in page
    assert '<option value="rating" selected>My rating</option>' in page
    # The next page keeps them; "Clear filters" keeps the order and drops them.
    page = alice.get("/recipes/?favourite=1&not_cooked_days=30&sort=rating&per_page=1").text
    assert 'href="/recipes/?favourite=1&amp;not_cooked_days=30&amp;sort=rating&amp;per_page=1&amp;page=2"' in page
    assert '<a href="/recipes/?sort=rating&amp;per_page=1">Clear filters</a>' in page
    request = SearchRequest.from_args(MultiDict({"favourite": "1", "min_rating": "2", "not_cooked_days": "30"}))
    assert request.active_filters == 3 and request.is_filtered
    assert SearchRequest.from_args(MultiDict({})).is_filtered is False


def test_nothing_found_by_marks_says_so(alice: Client, library: dict[str, int]) -> None:
    alice.post(f"/recipes/{library['Soup']}/rating", data={"clear": "1"})
    page = alice.get("/recipes/?min_rating=5").text
    assert "No recipe matches." in page and "0 recipes found" in page


def test_an_order_by_marks_past_the_ranked_matches(app: Flask, alice: Client) -> None:
    """Over 200 matches a search walks an index rather than ranking them all: an order by
    marks still puts the marked ones first, on every page, also with words."""
    with app.app_context():
        owner = db.session.scalar(select(User).where(User.username == "alice"))
        assert owner is not None
        ids = add_recipes(owner, [RecipeData(title=f"Chicken dish {n}", ingredients=["chicken"]) for n in range(230)])
        for n, stars in ((5, 2), (100, 5), (200, 4)):
            services.rate(owner, ids[n], stars)
        services.log_cooked(owner, ids[7], TODAY - timedelta(days=1))
        services.log_cooked(owner, ids[9], TODAY)
        rated = search(owner, SearchRequest.from_args(MultiDict({"q": "chicken", "sort": "rating", "per_page": "2"})))
        assert [card.title for card in rated.items] == ["Chicken dish 100", "Chicken dish 200"]
        assert [card.rating for card in rated.items] == [5, 4]
        second = search(
            owner, SearchRequest.from_args(MultiDict({"q": "chicken", "sort": "rating", "per_page": "2", "page": "2"}))
        )
        assert [card.title for card in second.items] == ["Chicken dish 5", "Chicken dish 229"]  # then newest first
        cooked = search(
            owner, SearchRequest.from_args(MultiDict({"q": "chicken", "sort": "last_cooked", "per_page": "3"}))
        )
        assert [card.title for card in cooked.items] == ["Chicken dish 9", "Chicken dish 7", "Chicken dish 229"]
        assert rated.total == 200 and rated.total_is_capped
        favourites = search(owner, SearchRequest.from_args(MultiDict({"q": "chicken", "min_rating": "4"})))
        assert sorted(card.title for card in favourites.items) == ["Chicken dish 100", "Chicken dish 200"]


def test_the_list_page_asks_no_more_of_the_database_with_marks(app: Flask, alice: Client) -> None:
    """The stars come with the cards' own row: the same queries for 2 cards or 24, marked or not."""
    from sqlalchemy import event

    def count_queries(query: str) -> int:
        statements: list[str] = []
        with app.app_context():
            engine = db.engine
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert alice.get(f"/recipes/{query}").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len([s for s in statements if s.lstrip().upper().startswith("SELECT")])

    first = [create_recipe(alice, title=f"Dish {n}") for n in range(2)]
    few = count_queries("")
    for n in range(2, 30):
        recipe_id = create_recipe(alice, title=f"Dish {n}")
        alice.post(f"/recipes/{recipe_id}/rating", data={"stars": str(n % 5 + 1)})
    alice.post(f"/recipes/{first[0]}/rating", data={"stars": "2"})
    assert count_queries("") == few
    assert count_queries("?favourite=1&min_rating=2&not_cooked_days=7") <= few
    assert count_queries("?sort=rating") <= few + 1  # the rated ones fill the page: no second part
