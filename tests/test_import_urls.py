"""Checking pasted addresses and recognising the same page under another spelling."""

from __future__ import annotations

import pytest

from recipes.cookbook.sources import normalize, source_key
from recipes.importing.pages.addresses import BadUrl, check_url


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  https://example.org/soup  ", "https://example.org/soup"),
        ("http://example.org", "http://example.org"),
        ("example.org/soup", "https://example.org/soup"),
        ("www.example.org/a?b=c", "https://www.example.org/a?b=c"),
    ],
)
def test_check_url_accepts_web_addresses(raw: str, expected: str) -> None:
    assert check_url(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "file:///etc/passwd",
        "gopher://x",
        "javascript:alert(1)",
        "http://",
        "https://:80/",
        "http://example.org:notaport/",
        "soup",
        "//example.org/x",
        "data:text/html,hi",
        "http://" + "a" * 2050,
    ],
)
def test_check_url_refuses_other_things(raw: str) -> None:
    with pytest.raises(BadUrl) as caught:
        check_url(raw)
    assert caught.value.message


@pytest.mark.parametrize(
    "variant",
    [
        "https://www.example.org/soup/",
        "http://example.org/soup",
        "HTTPS://EXAMPLE.ORG/soup#comments",
        "https://example.org:443/soup?utm_source=x&utm_medium=y",
        "https://example.org/soup?fbclid=abc",
    ],
)
def test_spellings_of_one_page_share_a_key(variant: str) -> None:
    assert source_key(variant) == source_key("https://example.org/soup")


@pytest.mark.parametrize(
    "other",
    [
        "https://example.org/soup?id=2",
        "https://example.org/soup/2",
        "https://example.com/soup",
        "https://example.org:8080/soup",
    ],
)
def test_different_pages_have_different_keys(other: str) -> None:
    assert source_key(other) != source_key("https://example.org/soup?id=1")


def test_recipes_without_a_web_source_have_no_key() -> None:
    assert source_key("") is None
    assert source_key("Grandma's notebook") is None


def test_normalize_keeps_meaningful_query_parameters_in_order() -> None:
    assert normalize("https://Example.org/r?id=5&utm_campaign=z&page=2") == "https://example.org/r?id=5&page=2"


def test_a_malformed_port_still_gets_a_key() -> None:
    assert source_key("http://example.org:99999999/") is not None
