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


# --- a walk's map of matches ---------------------------------------------------------------------------


@pytest.fixture
def walking(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every page with words walks an index (as with more than RANK_LIMIT matches)."""
    monkeypatch.setattr(service, "RANK_LIMIT", 0)


def map_reads(found: list[tuple[str, Any]]) -> int:
    return sum("json_group_array(rowid)" in statement for statement, _ in found)


@pytest.mark.usefixtures("sqlite_only", "walking")
def test_a_walk_reads_its_matches_as_a_map_once_per_index_generation(app: Flask, alice: Any) -> None:
    add(alice, "Chicken soup", cook_time="30", tags="dinner")
    add(alice, "Chicken salad", cook_time="10", tags="lunch")
    add(alice, "Bean stew", cook_time="5", tags="dinner")
    with statements(app) as first:
        assert titles(alice, "q=chicken&sort=quickest") == ["Chicken salad", "Chicken soup"]
    assert map_reads(first) == 1
    assert not any("recipe_fts MATCH" in s for s, _ in first if "ORDER BY recipe.total_minutes" in s)
    with statements(app) as again:  # another sort, a tag: the same words' map
        assert titles(alice, "q=chicken&sort=title") == ["Chicken salad", "Chicken soup"]
        assert titles(alice, "q=chicken&tag=dinner&sort=quickest") == ["Chicken soup"]
        assert titles(alice, "q=chicken&max_time=20&sort=quickest") == ["Chicken salad"]
    assert map_reads(again) == 0


@pytest.mark.usefixtures("walking")
def test_a_kept_map_follows_every_change_on_the_next_search(app: Flask, alice: Any, bob: Any) -> None:
    """A new recipe, an edit, a deletion and a visibility change each show on the very next
    search (on PostgreSQL, which keeps no map, the same walk must hold too)."""
    soup = add(alice, "Chicken soup", cook_time="30")
    assert titles(alice, "q=chicken&sort=title") == ["Chicken soup"]
    pie = add(alice, "Chicken pie", cook_time="40")
    assert titles(alice, "q=chicken&sort=title") == ["Chicken pie", "Chicken soup"]
    assert alice.post(f"/recipes/{soup}/edit", data={"title": "Leek soup"}).status_code == 302
    assert titles(alice, "q=chicken&sort=title") == ["Chicken pie"]
    assert titles(bob, "q=chicken&sort=title") == []  # alice's, private
    assert alice.post(f"/recipes/{pie}/edit", data={"title": "Chicken pie", "visibility": "public"}).status_code == 302
    assert titles(bob, "q=chicken&sort=title") == ["Chicken pie"]
    assert alice.post(f"/recipes/{pie}/delete").status_code == 302
    assert titles(alice, "q=chicken&sort=title") == []
    assert titles(bob, "q=chicken&sort=title") == []


@pytest.mark.usefixtures("sqlite_only", "walking")
def test_a_transaction_that_wrote_to_the_index_makes_its_own_map(app: Flask, alice: Any) -> None:
    add(alice, "Chicken soup")
    assert titles(alice, "q=chicken&sort=title") == ["Chicken soup"]  # the map kept
    with app.app_context():
        alice_row = db.session.scalar(select(User).where(User.username == "alice"))
        assert alice_row is not None
        db.session.add(Recipe(owner_id=alice_row.id, title="Chicken pie", ingredients=[]))
        db.session.flush()
        found = service.search(alice_row, SearchRequest(q="chicken", sort="title"))
        assert [card.title for card in found.items] == ["Chicken pie", "Chicken soup"]
        db.session.rollback()
        found = service.search(alice_row, SearchRequest(q="chicken", sort="title"))
        assert [card.title for card in found.items] == ["Chicken soup"]
        db.session.rollback()


@pytest.mark.usefixtures("sqlite_only")
def test_a_map_holds_exactly_the_index_matches(app: Flask, alice: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = [add(alice, title) for title in ("Chicken soup", "Leek soup", "Chicken pie", "Bean stew")]
    with app.app_context():
        connection = db.session.connection()
        found = terms.read_match_map(connection, '("chicken")')
        assert found is not None and len(found) == max(ids[0], ids[2]) + 1
        assert {i for i, byte in enumerate(found) if byte} == {ids[0], ids[2]}
        assert terms.read_match_map(connection, '("zeppelin")') == b""
        monkeypatch.setattr(terms, "MAP_LONGEST", ids[2])  # ids past it: no map, the walk keeps its list
        assert terms.read_match_map(connection, '("chicken")') is None
        db.session.rollback()
    assert titles(alice, "q=chicken&sort=title") == ["Chicken pie", "Chicken soup"]


def test_a_worker_keeps_maps_up_to_their_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(terms, "MAPS_KEPT_BYTES", 10)
    maps = terms.IndexTerms().maps
    maps.put(b"stamp", ("a",), b"\x00" * 4)
    maps.put(b"stamp", ("b",), b"\x00" * 4)
    assert maps.get(b"stamp", ("a",)) == b"\x00" * 4  # asked again: the most recently asked
    maps.put(b"stamp", ("c",), b"\x00" * 4)  # "b", the least recently asked, goes
    assert [maps.get(b"stamp", (query,)) is not None for query in "abc"] == [True, False, True]
    maps.put(b"stamp", ("d",), b"\x00" * 11)  # larger than the budget: not kept, nothing let go
    assert [maps.get(b"stamp", (query,)) is not None for query in "acd"] == [True, True, False]
    maps.put(b"later", ("e",), b"\x00")  # another generation of the index: the older maps go
    assert maps.get(b"later", ("a",)) is None and maps.get(b"stamp", ("e",)) is None
    assert maps.get(b"later", ("e",)) == b"\x00"
