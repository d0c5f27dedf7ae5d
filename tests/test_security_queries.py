"""Query abuse: search syntax of SQLite FTS5 and PostgreSQL tsquery, unknown sort fields,
huge, negative and non-numeric page numbers and sizes, repeated parameters. The list page
answers 200 whatever it is given (odd values fall back or are clamped); the API answers 200
or a 422 naming the parameter. Never a 5xx, and never anyone else's private recipe.

test_search.py::test_whatever_is_typed_is_safe covers many search strings on the list page,
test_api.py a few on the API and its range checks; this adds tsquery syntax, the API with
every search parameter, sort fields, extreme and repeated values, and the leak check.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask

from .conftest import Client, create_recipe
from .test_api import Api, make_token

SEARCH_SYNTAX = [
    # FTS5
    '"',
    '"unbalanced',
    '""',
    "*",
    "tom*",
    "^tomato",
    "NEAR(tomato onion",
    "NEAR(tomato onion, 2)",
    "tomato OR secret",
    "tomato AND secret",
    "NOT tomato",
    "title:secret",
    "{title ingredients}: secret",
    "- secret",
    "-",
    "(",
    ")",
    "(((tomato",
    "tomato)))",
    ":",
    "::",
    "+tomato",
    # PostgreSQL tsquery and LIKE
    "tomato & secret",
    "tomato | secret",
    "!tomato",
    "!!",
    "tomato <-> soup",
    "tomato <2> soup",
    "tom:*",
    "tomato:A",
    "'",
    "''",
    "\\",
    "%",
    "_",
    "%_%",
    # SQL and control characters
    "'; DROP TABLE recipe; --",
    "1' OR '1'='1",
    "\x00",
    "tomato\x00secret",
    "\x1b[31m",
    "\u202e\u200b",
    "\ufeff",
    "x" * 600,
    " ".join(["secret"] * 400),
    "🍅" * 100,
]
BAD_SORTS = ["owner_id", "id", "title desc", "title; DROP TABLE recipe", "-created_at", "is_public", "", "RELEVANCE"]
BAD_NUMBERS = ["0", "-1", "-99999999999999999999", "99999999999999999999", "1e3", "1.5", "abc", " ", "\x00", "٣"]
REPEATED = [
    "q=tomato&q=secret",
    "page=1&page=2",
    "per_page=5&per_page=500",
    "sort=title&sort=owner_id",
    "scope=mine&scope=everyone",
    "match=any&match=all",
    "max_time=5&max_time=-5",
    "&".join(["tag=x"] * 200),
    "&".join(f"tag=t{n}" for n in range(200)),
    "&".join(["q=secret"] * 200),
]


@pytest.fixture
def kitchen(app: Flask, alice: Client, bob: Client) -> Client:
    """Alice's recipes, and Bob's private one whose words every query aims at."""
    create_recipe(alice, title="Tomato soup", tags="soup, quick")
    create_recipe(alice, title="Plain rice", ingredients="rice\nwater", tags="rice")
    create_recipe(bob, title="Bob's secret tomato", description="secret", tags="secret, soup, quick")
    return alice


def assert_no_leak(text: str) -> None:
    assert "Bob&#39;s secret" not in text and "Bob's secret" not in text


@pytest.mark.parametrize("value", SEARCH_SYNTAX)
def test_search_syntax_on_the_list_page_is_text_and_leaks_nothing(kitchen: Client, value: str) -> None:
    response = kitchen.get("/recipes/", query_string={"q": value, "has": value, "not": value, "tag": value})
    assert response.status_code == 200
    assert_no_leak(response.text)
    alone = kitchen.get("/recipes/", query_string={"q": value})
    assert alone.status_code == 200
    assert_no_leak(alone.text)


@pytest.fixture
def api(app: Flask, kitchen: Client) -> Api:
    return Api(app.test_client(), make_token(app, "alice"))  # type: ignore[arg-type]


def _api_ok(response: Any, *fields: str) -> None:
    """200, or a 422 naming one of `fields`; never a 5xx; never Bob's private recipe."""
    assert response.status_code in (200, 422), (response.status_code, response.json)
    if response.status_code == 422:
        assert response.json["error"]["code"] == "invalid"
        assert response.json["error"]["field"].split(".")[0] in fields, response.json
    else:
        assert all("Bob's secret" not in item["title"] for item in response.json["items"])


@pytest.mark.parametrize("value", SEARCH_SYNTAX)
def test_search_syntax_in_the_api_is_text_and_leaks_nothing(api: Api, value: str) -> None:
    _api_ok(api.get("/recipes", query_string={"q": value, "has": value, "not": value}), "q", "has", "not")
    _api_ok(api.get("/recipes", query_string={"tag": value}), "tag")
    assert api.get("/recipes", query_string={"q": value[:500]}).status_code == 200


@pytest.mark.parametrize("sort", BAD_SORTS)
def test_unknown_sort_fields_are_ignored_by_the_page_and_refused_by_the_api(
    kitchen: Client, api: Api, sort: str
) -> None:
    page = kitchen.get("/recipes/", query_string={"sort": sort})
    assert page.status_code == 200
    # The default order (newest first) for anything not on the list.
    text = page.text
    assert text.index(">Plain rice</a>") < text.index(">Tomato soup</a>")
    response = api.get("/recipes", query_string={"sort": sort})
    assert response.status_code == 422 and response.json["error"]["field"] == "sort"


@pytest.mark.parametrize("value", BAD_NUMBERS)
@pytest.mark.parametrize("name", ["page", "per_page", "max_time"])
def test_odd_numbers_are_clamped_by_the_page_and_refused_or_read_by_the_api(
    kitchen: Client, api: Api, name: str, value: str
) -> None:
    assert kitchen.get("/recipes/", query_string={name: value}).status_code == 200
    _api_ok(api.get("/recipes", query_string={name: value}), name)


def test_the_last_page_and_the_biggest_page_size_are_fast_and_empty(kitchen: Client, api: Api) -> None:
    assert "Tomato soup" in kitchen.get("/recipes/?page=99999999999&per_page=99999999999").text  # clamped
    response = api.get("/recipes?page=10000&per_page=100")
    assert response.status_code == 200 and response.json["items"] == [] and response.json["page"] == 10000
    assert api.get("/recipes?page=10000&per_page=100&q=tomato&sort=relevance").json["items"] == []


@pytest.mark.parametrize("query", REPEATED)
def test_repeated_parameters(kitchen: Client, api: Api, query: str) -> None:
    page = kitchen.get(f"/recipes/?{query}")
    assert page.status_code == 200
    assert_no_leak(page.text)
    _api_ok(api.get(f"/recipes?{query}"), *{pair.split("=")[0] for pair in query.split("&")})


def test_unknown_and_oddly_named_parameters_are_harmless(kitchen: Client, api: Api) -> None:
    odd = {"q[]": "x", "sort[$ne]": "title", "__proto__": "1", "owner_id": "2", "scope\x00": "all", "": "x"}
    assert kitchen.get("/recipes/?" + urlencode(odd)).status_code == 200
    response = api.get("/recipes?" + urlencode(odd))
    assert response.status_code == 200 and response.json["total"] == 2  # Alice's two, nothing of Bob's


def test_the_api_applies_every_search_parameter_as_the_page_does(kitchen: Client, api: Api) -> None:
    """The same words mean the same search on both (the API once dropped `not`)."""
    for query in ("has=rice", "not=rice", "has=water&not=rice", "q=soup&not=tomato", "tag=rice", "scope=mine"):
        page = kitchen.get(f"/recipes/?{query}").text
        on_page = sorted(title for title in ("Tomato soup", "Plain rice") if f">{title}</a>" in page)
        in_api = sorted(item["title"] for item in api.get(f"/recipes?{query}").json["items"])
        assert in_api == on_page, query
