"""What a search page does once rather than again and again (issue 20: search CPU): its request's
words are parsed once, the offline rule reads the list's search once, the card markup comes from
one macro call for the page, and what is made once stays right when the request changes."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from flask import Flask

from recipes.ingredients import scaling
from recipes.search import highlight, query_text, service
from recipes.search.service import SearchRequest

from .conftest import Client, create_recipe

SEARCH = "/recipes/?q=soup"


@pytest.fixture
def soups(alice: Client) -> Client:
    """Enough soups that the search offers no spelling suggestion (which parses its own searches)."""
    for n in range(5):
        create_recipe(alice, title=f"Soup {n}", tags="Soup, Winter")
    return alice


def counting(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> list[int]:
    calls: list[int] = []
    real = getattr(owner, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def test_a_search_page_parses_its_words_once(soups: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    parsed = counting(monkeypatch, service, "build_query")
    page = soups.get(SEARCH)
    assert page.status_code == 200 and "5 recipes found" in page.text
    assert len(parsed) == 1


def test_a_search_page_reads_its_search_from_the_address_twice_only(
    soups: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page reads it, and the offline rule (is it the list as it opens?) once more: not once
    for the page and again after it, each against the unfiltered list read anew."""
    read = counting(monkeypatch, SearchRequest, "from_args")
    assert soups.get(SEARCH).status_code == 200
    assert len(read) == 2


def test_the_parsed_words_follow_the_request() -> None:
    asked = SearchRequest(q="chicken", has="garlic")
    assert asked.terms.include == (("chicken",),)
    changed = replace(asked, q="beef")
    assert changed.terms.include == (("beef",),) and changed.terms.ingredients == asked.terms.ingredients
    assert asked.terms.include == (("chicken",),)
    # Kept beside the fields, not one of them: equality and hashing are the fields'.
    assert asked == SearchRequest(q="chicken", has="garlic")
    assert hash(asked) == hash(SearchRequest(q="chicken", has="garlic"))


def test_the_card_markup_is_one_piece_per_recipe(soups: Client) -> None:
    page = soups.get(SEARCH).text
    grid = page.split('<div class="recipe-grid', 1)[1].split("</div>\n    \n", 1)[0]
    assert grid.count('<article class="recipe-card">') == 5
    assert grid.count("</article>\n      \n      <article") == 4  # each card where the loop left it


def test_snippets_with_other_words_get_their_own_pattern() -> None:
    fields = ["Tomato and basil soup", "1 onion"]
    assert str(highlight.snippet(fields, ["soup"])) == "Tomato and basil <mark>soup</mark>"
    assert str(highlight.snippet(fields, ["basil"])) == "Tomato and <mark>basil</mark> soup"
    assert str(highlight.snippet(iter(fields), ["onion"])) == "1 <mark>onion</mark>"
    assert highlight.snippet(fields, ["leek"]) is None


def test_a_snippet_reads_its_fields_no_further_than_the_first_match() -> None:
    read: list[str] = []

    def fields() -> Any:
        for field in ("A soup", "never read"):
            read.append(field)
            yield field

    assert str(highlight.snippet(fields(), ["soup"])) == "A <mark>soup</mark>"
    assert read == ["A soup"]


def test_a_word_that_folds_to_a_match_is_found_past_the_first_plain_occurrence() -> None:
    """The substring search only says where the pattern may start: a prefix inside a longer word
    ("stomato") is not a match, and the pattern goes on to the real one."""
    assert str(highlight.snippet(["stomato, then Tomato"], ["tomato"])) == "stomato, then <mark>Tomato</mark>"
    assert str(highlight.snippet(["½ Crème fraîche"], ["creme"])) == "½ <mark>Crème</mark> fraîche"


def test_servings_are_read_the_same_every_time() -> None:
    assert scaling.servings_range("Serves 4-6") == (4.0, 6.0)
    assert scaling.servings_range("Serves 4-6") == (4.0, 6.0)
    assert scaling.servings_range("Makes 2 dozen") == (24.0, None)
    assert scaling.servings_range(None) is None


def test_tag_suggestions_are_the_accounts_own_and_include_pending_ones(app: Flask, soups: Client, bob: Client) -> None:
    from recipes.cookbook import services
    from recipes.extensions import db
    from recipes.models import Tag, User

    with app.app_context():
        alice = db.session.scalars(db.select(User).where(User.username == "alice")).one()
        bob_user = db.session.scalars(db.select(User).where(User.username == "bob")).one()
        assert services.tag_suggestions(alice) == ["Soup", "Winter"]
        assert services.tag_suggestions(bob_user) == []
        db.session.add(Tag(owner_id=bob_user.id, name="stew", label="Stew"))  # not yet written
        assert services.tag_suggestions(bob_user) == ["Stew"]
        db.session.rollback()


def test_words_are_folded_as_before() -> None:
    assert query_text.build_query("Crème brûlée").include == (("creme",), ("brulee",))


def test_the_offline_rule_is_read_for_each_request_even_in_one_app_context(app: Flask, soups: Client) -> None:
    from recipes.offline.keeping import KEEP_HEADER

    with app.app_context():  # a test's context, shared by the requests inside it
        assert soups.get("/recipes/").headers.get(KEEP_HEADER) == "recipes"
        assert soups.get(SEARCH).headers.get(KEEP_HEADER) is None
        assert soups.get("/recipes/").headers.get(KEEP_HEADER) == "recipes"
