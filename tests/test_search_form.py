"""The list page's search form: its Filters panel, the count of active filters on the
panel's summary, and a way back to no filters. (Layout is checked in a real browser:
tests/browser/test_search_browser.py.)"""

from __future__ import annotations

import html
import re

import pytest
from werkzeug.datastructures import MultiDict

from recipes.search.service import SORT_MENU, SORTS, SearchRequest


def summary(client, query: str) -> str:
    page = client.get("/recipes/?" + query).text
    found = re.search(r'<details class="filters"[^>]*>\s*<summary>(.*?)</summary>', page, re.S)
    assert found, "no Filters panel"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("", "Filters"),
        ("q=soup&sort=title&page=2", "Filters"),  # words, order and page are not filters
        ("tag=dinner", "Filters 1 active"),
        ("tag=dinner,quick&match=all", "Filters 1 active"),  # one field, however many tags
        ("tag=dinner&has=chicken&not=nuts&max_time=30&scope=mine", "Filters 5 active"),
        ("max_time=0", "Filters 1 active"),
        ("scope=all&match=any&max_time=&has=", "Filters"),  # the defaults, as a form sends them
    ],
)
def test_summary_counts_active_filters(alice, query, text):
    assert summary(alice, query) == text


def test_active_filters_is_one_rule():
    assert SearchRequest.from_args(MultiDict()).active_filters == 0
    args = MultiDict({"tag": "a, b", "has": "x", "not": "y", "max_time": "5", "scope": "public", "q": "z"})
    assert SearchRequest.from_args(args).active_filters == 5


def test_panel_starts_closed(alice):
    """The panel starts closed, its summary saying how many filters are on, so on a phone
    the results come first; the fields keep their values for when it is opened."""
    page = alice.get("/recipes/?tag=dinner").text
    assert re.search(r'<details class="filters">', page)
    assert 'value="dinner"' in page


def test_clear_filters_keeps_the_words_and_order(alice):
    page = alice.get("/recipes/?q=soup&sort=title&tag=dinner&has=leek&max_time=20&scope=mine&page=2").text
    link = html.unescape(re.search(r'<a href="([^"]*)"[^>]*>Clear filters</a>', page).group(1))
    assert link == "/recipes/?q=soup&sort=title"
    assert "Clear filters" not in alice.get("/recipes/?q=soup").text


def test_search_landmark_is_not_a_one_row_group(alice):
    """Pico lays out form[role=search] as one rounded row of inputs (which squeezed the
    filters into slivers); the landmark is the <search> element around the form instead."""
    page = alice.get("/recipes/").text
    assert '<search class="recipe-search">' in page
    assert 'role="search"' not in page


def test_every_field_has_a_visible_label(alice):
    page = alice.get("/recipes/?tag=dinner").text
    form = page.split("data-live-search", 1)[1].split("</form>", 1)[0]
    ids = re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', form)
    assert {"q", "sort", "tag", "match-any", "match-all", "has", "not", "max_time", "scope"} <= set(ids)
    for field_id in ids:
        assert f'for="{field_id}"' in form, field_id


def test_sort_menu_offers_known_orders_only():
    assert SORT_MENU[0][0] == ""
    assert {value for value, _ in SORT_MENU[1:]} <= set(SORTS)
