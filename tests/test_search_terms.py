"""What a worker keeps between searches, and that keeping it never changes what a search finds:
the SQLite index's terms (search/terms.py) and the statements built once per shape (service.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, select, text

from recipes.extensions import db
from recipes.models import Recipe, User
from recipes.search import service, terms
from recipes.search.service import SearchRequest

from .database_fixtures import using_postgres
from .test_search import add, titles


@pytest.fixture
def sqlite_only() -> None:
    if using_postgres():
        pytest.skip("SQLite's FTS5 index only (PostgreSQL has no prefix merge and no fts5vocab)")


@contextmanager
def statements(app: Flask) -> Iterator[list[tuple[str, Any]]]:
    """The SQL `app` runs meanwhile, with its parameters."""
    found: list[tuple[str, Any]] = []
    with app.app_context():
        engine = db.engine

    def record(_connection: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        found.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield found
    finally:
        event.remove(engine, "before_cursor_execute", record)


def matches(found: list[tuple[str, Any]]) -> list[str]:
    """The FTS5 queries among `found`'s parameters."""
    return [p for _, params in found for p in params if isinstance(p, str) and p.startswith("(")]


def vocabulary_reads(found: list[tuple[str, Any]]) -> int:
    return sum("recipe_fts_vocab" in statement for statement, _ in found)


# --- the generation of the index --------------------------------------------------------------------


def generation(app: Flask) -> bytes:
    with app.app_context():
        stamp = db.session.execute(text("SELECT block FROM recipe_fts_data WHERE id = 10")).scalar()
        db.session.rollback()
    assert isinstance(stamp, bytes)
    return stamp


@pytest.mark.usefixtures("sqlite_only")
def test_every_committed_change_to_the_index_is_a_new_generation(app: Flask, alice: Any, runner: Any) -> None:
    """What the kept terms are keyed by: FTS5's structure record, rewritten with each change."""
    seen = [generation(app)]
    recipe_id = add(alice, "Chicken soup")
    seen.append(generation(app))
    assert alice.post(f"/recipes/{recipe_id}/edit", data={"title": "Chicken stew"}).status_code == 302
    seen.append(generation(app))
    alice.get("/recipes/?q=chicken")  # reading changes nothing
    assert generation(app) == seen[-1]
    with app.app_context():  # nor does a change rolled back
        db.session.add(Recipe(owner_id=db.session.scalar(select(User.id)), title="Never", ingredients=[]))
        db.session.flush()
        db.session.rollback()
    assert generation(app) == seen[-1]
    assert runner.invoke(args=["search", "reindex"]).exit_code == 0
    seen.append(generation(app))
    assert alice.post(f"/recipes/{recipe_id}/delete").status_code == 302
    seen.append(generation(app))
    assert len(set(seen)) == len(seen), [s.hex() for s in seen]


def test_a_request_keeps_the_generation_it_began_with() -> None:
    kept = terms.IndexTerms()
    first = kept.at(b"one")
    first.ranges["c"] = [("chicken", 3)]
    assert kept.at(b"one") is first  # the same generation: what was read is kept
    later = kept.at(b"two")
    assert later is not first and later.ranges == {}  # a new one starts empty
    assert first.ranges == {"c": [("chicken", 3)]}  # and the older request's view is untouched


@pytest.mark.usefixtures("sqlite_only")
def test_the_stemmer_is_the_index_own_tokenizer(app: Flask) -> None:
    with app.app_context():
        connection = db.session.connection()
        stemmer = terms.kept_terms(app).stemmer(connection)
        assert stemmer is not None
        assert stemmer.tokens("tomatoes") == ("tomato",)
        assert stemmer.tokens("Crème") == ("creme",)
        assert stemmer.tokens("chicken") == ("chicken",)
        assert stemmer.tokens("olive-oil") == ("oliv", "oil")
        db.session.rollback()


@pytest.mark.usefixtures("sqlite_only")
def test_a_forked_worker_makes_its_own_stemmer(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    with app.app_context():
        connection = db.session.connection()
        kept = terms.kept_terms(app)
        first = kept.stemmer(connection)
        assert first is not None and kept.stemmer(connection) is first
        monkeypatch.setattr(os, "getpid", lambda: -1)
        again = kept.stemmer(connection)
        assert again is not None and again is not first and again.tokens("tomatoes") == ("tomato",)
        db.session.rollback()


# --- a long last word asked as the word ------------------------------------------------------------


@pytest.mark.usefixtures("sqlite_only")
def test_a_long_last_word_is_asked_as_the_word_when_no_other_term_starts_so(app: Flask, alice: Any) -> None:
    add(alice, "Chicken soup")
    add(alice, "Roast chicken")
    with statements(app) as found:
        assert titles(alice, "q=chicken") == ["Roast chicken", "Chicken soup"]
    assert '("chicken")' in matches(found)  # not "chicken"*: the same recipes, read lazily
    with statements(app) as found:
        assert sorted(titles(alice, "q=soup")) == ["Chicken soup"]
    assert '("soup"*)' in matches(found)  # short words keep the prefix index


@pytest.mark.usefixtures("sqlite_only")
def test_a_new_word_starting_with_it_is_found_on_the_next_search(app: Flask, alice: Any) -> None:
    """The kept answer follows the index: another recipe's "chickenwing" makes it a prefix query again."""
    add(alice, "Chicken soup")
    assert titles(alice, "q=chicken") == ["Chicken soup"]
    add(alice, "Chickenwing platter")
    with statements(app) as found:
        assert sorted(titles(alice, "q=chicken")) == ["Chicken soup", "Chickenwing platter"]
    assert '("chicken"*)' in matches(found)


@pytest.mark.usefixtures("sqlite_only")
def test_a_transaction_that_wrote_to_the_index_uses_nothing_kept(app: Flask, alice: Any) -> None:
    """FTS5 sees its own unsaved changes, but they are not in the generation: searching after
    writing, before the commit, reads the index as it is."""
    add(alice, "Chicken soup")
    assert titles(alice, "q=chicken") == ["Chicken soup"]  # "chicken" alone, kept
    with app.app_context():
        alice_row = db.session.scalar(select(User).where(User.username == "alice"))
        assert alice_row is not None
        db.session.add(Recipe(owner_id=alice_row.id, title="Chickenwing platter", ingredients=[]))
        db.session.flush()
        found = service.search(alice_row, SearchRequest(q="chicken"))
        assert sorted(card.title for card in found.items) == ["Chicken soup", "Chickenwing platter"]
        db.session.rollback()
        found = service.search(alice_row, SearchRequest(q="chicken"))  # a new transaction: kept again
        assert [card.title for card in found.items] == ["Chicken soup"]
        db.session.rollback()


@pytest.mark.usefixtures("sqlite_only")
def test_each_app_keeps_its_own_terms(app: Flask, app_config: dict[str, Any], alice: Any) -> None:
    """Two apps in one process (as the tests make them) never share what they kept."""
    from recipes import create_app

    from .database_fixtures import release_database

    add(alice, "Chicken soup")
    titles(alice, "q=chicken")
    other = create_app(app_config)
    try:
        assert terms.kept_terms(other) is not terms.kept_terms(app)
    finally:
        with other.app_context():
            release_database()


# --- "Did you mean": the vocabulary read once per generation --------------------------------------


@pytest.mark.usefixtures("sqlite_only")
def test_a_misspelling_reads_the_vocabulary_once_per_index_generation(app: Flask, alice: Any) -> None:
    add(alice, "Chicken curry", ingredients="4 chicken thighs\n1 tbsp curry paste")
    with statements(app) as first:
        assert "Did you mean" in alice.get("/recipes/?q=chiken+currey").text
    assert vocabulary_reads(first) >= 1
    with statements(app) as again:
        assert "Did you mean" in alice.get("/recipes/?q=chiken+currey").text
    assert vocabulary_reads(again) == 0
    add(alice, "Chicken pie")  # a new generation: read afresh
    with statements(app) as after_change:
        assert "Did you mean" in alice.get("/recipes/?q=chiken+currey").text
    assert vocabulary_reads(after_change) >= 1


# --- statements built once -------------------------------------------------------------------------


def test_a_search_of_the_same_shape_builds_no_statement(app: Flask, alice: Any, bob: Any) -> None:
    """Built for the first search of a shape, then run with each viewer's own values: bob's
    search with alice's statement still finds only what bob may see."""
    add(alice, "Alice's chicken")
    add(bob, "Bob's chicken")
    assert titles(alice, "q=chicken&tag=x&sort=title") == []
    built = service._capped_count_statement.cache_info().misses, service._sorted_statement.cache_info().misses
    assert titles(alice, "q=chicken&sort=title") == ["Alice's chicken"]
    assert titles(bob, "q=chicken&sort=title") == ["Bob's chicken"]
    assert titles(bob, "q=garlic&sort=title") == []
    after = service._capped_count_statement.cache_info().misses, service._sorted_statement.cache_info().misses
    assert after[0] - built[0] <= 1 and after[1] - built[1] <= 1  # the shape without a tag, once


# --- the count reads who may see a recipe from an index ----------------------------------------------


@pytest.mark.usefixtures("sqlite_only")
def test_a_search_count_checks_visibility_from_the_index_not_the_rows(app: Flask, alice: Any, bob: Any) -> None:
    """Each match the text index finds is checked (visible? quick enough?) from ix_recipe_visible_to:
    the recipe's row, its long text before its visibility, is not read. The counts stay right."""
    add(alice, "Alice's chicken", cook_time="20")
    add(bob, "Bob's chicken", cook_time="20")
    add(bob, "Bob's public chicken", cook_time="90", visibility="public")
    with statements(app) as found:
        page = alice.get("/recipes/?q=chicken&max_time=30").text
    assert "1 recipe found" in page
    counts = [(s, p) for s, p in found if s.startswith("SELECT count(*)")]
    assert counts and all("recipe INDEXED BY ix_recipe_visible_to JOIN recipe_fts" in s for s, _ in counts)
    with app.app_context():
        plan = db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + counts[0][0], tuple(counts[0][1]))
        details = " | ".join(str(row[3]) for row in plan)
        db.session.rollback()
    assert "SEARCH recipe USING COVERING INDEX ix_recipe_visible_to (id=?)" in details, details
    assert "2 recipes found" in alice.get("/recipes/?q=chicken").text  # hers, and Bob's public one


@pytest.mark.usefixtures("sqlite_only")
def test_the_spellings_of_a_word_s_near_stems_are_read_in_one_statement(app: Flask, alice: Any) -> None:
    for title in ("Chicken curry", "Chickpea curry", "Chive butter", "Chili con carne", "Currant buns"):
        add(alice, title)
    alice.get("/recipes/?q=chiken+currey")  # the vocabulary kept
    app.extensions.pop("recipes_kept_near_words")  # and the near words found, forgotten
    with statements(app) as found:
        assert "Did you mean" in alice.get("/recipes/?q=chiken+currey").text
    assert sum("highlight(recipe_fts" in statement for statement, _ in found) == 2  # one per misspelled word
    with statements(app) as found:  # now kept (search/kept_near.py): read no more
        assert "Did you mean" in alice.get("/recipes/?q=chiken+currey").text
    assert sum("highlight(recipe_fts" in statement for statement, _ in found) == 0
