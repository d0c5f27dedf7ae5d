"""The importer end to end on real saved pages (tests/data/recipe-pages): each page is
served by a web server on loopback, imported through the real fetcher and import service
into the database, and the stored recipe is compared with the page's expected title,
ingredients and instruction steps (scripts/corpus_score.py explains the comparison;
`make bench` reports the share of exact matches)."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from recipes import net
from recipes.auth.services import find_user
from recipes.importing.pages.service import ImportPolicy, import_url

from .corpus import CORPUS, scorer

PAGES = scorer.pages(CORPUS)


@pytest.fixture(scope="module")
def corpus_site() -> Iterator[str]:
    with scorer.serve_corpus(CORPUS) as base:
        yield base


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pages' pictures live on the real sites: answer "no such site" at once, offline
    or not, instead of waiting on DNS (the recipes are then saved without a picture)."""
    real_resolve = net.resolve

    def resolve(host: str, port: int) -> list[Any]:
        try:
            ipaddress.ip_address(host)
        except ValueError:
            raise OSError(f"{host}: not resolved in tests") from None
        return real_resolve(host, port)

    monkeypatch.setattr(net, "resolve", resolve)


@pytest.mark.parametrize(("page", "expected"), PAGES, ids=[f"{p.parent.name}/{p.name[:-8]}" for p, _ in PAGES])
def test_a_served_page_is_stored_as_expected(
    app: Flask, make_user: Any, corpus_site: str, page: Path, expected: Path
) -> None:
    make_user("cook")
    with app.app_context():
        imported = import_url(find_user("cook"), scorer.served_url(corpus_site, page), ImportPolicy(allow_private=True))
        recipe = imported.recipe
        result = scorer.compare(page.name, json.loads(expected.read_text(encoding="utf-8")), recipe, 0.0)
        failures = {name: result.diffs[name] for name in scorer.FIELDS if not result.matches[name]}
        if result.groups_match is False:
            failures["groups"] = result.diffs["groups"]
        assert not failures, "\n".join(f"{field}:\n{diff}" for field, diff in failures.items())
        assert recipe.source_url.startswith("http")


def test_the_corpus_is_all_there() -> None:
    assert len(PAGES) == 179
