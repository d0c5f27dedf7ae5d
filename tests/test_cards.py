"""The recipe cards written in Python (cookbook/cards.py): escaped, linked, and as the list
and search pages show them."""

from __future__ import annotations

import re

from flask import Flask
from markupsafe import Markup

from recipes.cookbook.cards import recipe_cards
from recipes.images.addresses import picture_url
from recipes.search.service import RecipeCard

from .conftest import Client, create_recipe


def _card(**changes: object) -> RecipeCard:
    fields: dict[str, object] = {
        "id": 7,
        "title": "Soup",
        "prep_time": 10,
        "cook_time": 20,
        "total_minutes": 30,
        "visibility": "private",
        "owner_id": 1,
        "image_digest": None,
        "owner_name": None,
        "rating": None,
        "tags": [],
        "snippet": None,
    }
    fields.update(changes)
    return RecipeCard(**fields)  # type: ignore[arg-type]


def test_what_people_typed_is_escaped(app: Flask) -> None:
    card = _card(
        title='Tom & Jerry\'s <script>"pie"</script>',
        tags=["<b>bold</b>", "quick & easy"],
        owner_name="<alice>",
        visibility="public",
    )
    with app.test_request_context("/recipes/"):
        html = str(recipe_cards([card], "/recipes/", "/recipes/?tag="))
    assert "<script>" not in html and "<b>" not in html and "<alice>" not in html
    assert "Tom &amp; Jerry&#39;s &lt;script&gt;&#34;pie&#34;&lt;/script&gt;" in html
    # A tag's link has its name percent-encoded; its text is escaped.
    assert '<a href="/recipes/?tag=quick%20%26%20easy">quick &amp; easy</a>' in html
    assert '<a href="/recipes/?tag=%3Cb%3Ebold%3C/b%3E">&lt;b&gt;bold&lt;/b&gt;</a>' in html
    assert '<small class="owner">by &lt;alice&gt;</small>' in html
    assert '<small class="badge">public</small>' in html


def test_the_snippet_is_shown_as_the_search_marked_it(app: Flask) -> None:
    card = _card(snippet=Markup("… with <mark>garlic</mark> &amp; oil …"))
    with app.test_request_context("/recipes/"):
        html = str(recipe_cards([card], "/recipes/", "/recipes/?tag="))
    assert '<p class="snippet">… with <mark>garlic</mark> &amp; oil …</p>' in html


def test_pictures_stars_and_times(app: Flask) -> None:
    cards = [
        _card(id=3, image_digest="ab12", rating=4),
        _card(id=4, total_minutes=None, prep_time=None, cook_time=None),
    ]
    with app.test_request_context("/recipes/"):
        html = str(recipe_cards(cards, "/recipes/", "/recipes/?tag="))
        thumb = picture_url(3, "ab12", "thumb")
    assert f'<img src="{thumb}"' in html
    assert html.count('<span class="picture-placeholder"></span>') == 1
    assert "★★★★☆" in html and "Your rating: 4 of 5 stars" in html
    assert "Prep 10 min" in html
    assert re.findall(r'<h3><a href="([^"]+)">', html) == ["/recipes/3", "/recipes/4"]
    assert '<small class="badge">' not in html  # private recipes carry no badge


def test_the_list_page_shows_them(alice: Client) -> None:
    recipe_id = create_recipe(alice, title="Lentil & lemon soup", tags="soup, quick & easy")
    page = alice.get("/recipes/").text
    assert f'<h3><a href="/recipes/{recipe_id}">Lentil &amp; lemon soup</a></h3>' in page
    assert '<a href="/recipes/?tag=quick%20%26%20easy">quick &amp; easy</a>' in page
    found = alice.get("/recipes/?q=warming").text
    assert '<p class="snippet">A <mark>warming</mark> soup.</p>' in found
