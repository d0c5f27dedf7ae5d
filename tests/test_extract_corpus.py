"""The extractor measured on real saved pages (tests/data/recipe-pages, see its README).

Each page is fed as if served from 127.0.0.1, so the extractor has to find the page's site
from the page itself; scripts/corpus_score.py does the comparing (and explains it) and can
be run on its own for the full report.
"""

from __future__ import annotations

import gzip
import json

import pytest

from recipes.importing.pages.extract import extract_recipe

from .corpus import CORPUS, scorer


def load(host: str, name: str) -> tuple[str, dict[str, object]]:
    html = gzip.decompress((CORPUS / host / f"{name}.html.gz").read_bytes()).decode("utf-8")
    expected = json.loads((CORPUS / host / f"{name}.expected.json").read_text(encoding="utf-8"))
    return html, expected


def test_ingredient_groups_become_section_headers() -> None:
    html, expected = load("blessthismessplease.com", "blessthismessplease_2")
    grouped = scorer.grouped_lines(expected)
    assert grouped is not None and sum(line.endswith(":") for line in grouped) >= 2
    stored = extract_recipe(html, "http://127.0.0.1:8000/blessthismessplease_2.html").data.ingredients
    assert stored == grouped
    assert scorer.without_headers(stored) == expected["ingredients"]


@pytest.mark.parametrize(
    "final_url",
    [
        "http://127.0.0.1:8000/copies/vegan-pancakes.html",  # a saved copy served locally
        "https://mirror.example.net/vegansociety.com/pancakes",  # a mirror elsewhere
    ],
)
def test_a_copy_is_read_by_its_sites_scraper(final_url: str) -> None:
    """The Vegan Society's scraper reads this page differently from its schema.org data,
    so only choosing the site named by the page's canonical link gives the right lines."""
    html, expected = load("vegansociety.com", "vegansociety_1")
    extracted = extract_recipe(html, final_url)
    assert extracted.scraper_host == "vegansociety.com"
    assert extracted.data.source_url == expected["canonical_url"]
    assert extracted.data.title == expected["title"]
    assert extracted.data.ingredients == expected["ingredients"]
    assert extracted.data.instructions == expected["instructions_list"]


def test_a_page_whose_canonical_host_has_no_scraper_is_recognised_by_its_site_name() -> None:
    """alltommat.se's pages name alltommat.expressen.se as canonical; og:site_name
    ("Allt om Mat") still names the site, so its scraper (and its groups) are used."""
    html, expected = load("alltommat.se", "alltommat_1")
    extracted = extract_recipe(html, "http://127.0.0.1:8000/alltommat_1.html")
    assert extracted.scraper_host == "alltommat.se"
    assert extracted.data.ingredients == scorer.grouped_lines(expected)
