"""“Did you mean ...?”: corrections of misspelled search words, on the page and in the API,
on SQLite (the FTS5 vocabulary) and PostgreSQL (the word list, with or without pg_trgm)."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text

from recipes.extensions import db
from recipes.search import service, suggest, vocabulary

from .database_fixtures import using_postgres
from .test_api import make_token
from .test_search import PLAIN, add, titles


def suggestion(client, query: str) -> str | None:
    """The suggestion's text as shown ("lentil soup"), or None; checks its link searches it."""
    page = client.get("/recipes/?" + query).text
    found = re.search(r'<p class="suggestion">Did you mean <a href="([^"]*)">(.*?)</a>\?', page, re.S)
    if found is None:
        return None
    shown = html.unescape(re.sub(r"</?strong>", "", found.group(2)))
    link = html.unescape(found.group(1))
    assert link.startswith("/recipes/?")
    assert titles(client, link.split("?", 1)[1]), "the suggested search finds nothing"
    return shown


@pytest.fixture
def pantry(alice):
    add(alice, "Red lentil soup", ingredients="200 g red lentils\n1 onion", tags="soup, dinner")
    add(alice, "Chicken curry", ingredients="4 chicken thighs\n1 tbsp curry paste", tags="dinner")
    add(alice, "Oat cookies", ingredients="200 g oats\n100 g butter", tags="baking")
    add(alice, "Broccoli bake", ingredients="1 head of broccoli\n100 g cheese", tags="dinner")
    add(alice, "Pea soup", ingredients="500 g peas", tags="soup")
    return alice


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("lentl soup", "lentil soup"),  # one letter missing
        ("lentl soop", "lentil soup"),  # two words wrong
        ("chikcen", "chicken"),  # two letters swapped: one edit
        ("brocolli", "broccoli"),  # two edits in a longer word
        ("Chiken CURRY", "chicken CURRY"),  # the other words stay as typed
        ("cookeis", "cookies"),  # SQLite indexes the stem "cooki": the word as written is offered
        ('lentl "red lentils" -cream', 'lentil "red lentils" -cream'),
    ],
)
def test_misspelled_words_get_a_suggestion(pantry, typed, meant):
    assert suggestion(pantry, "q=" + typed) == meant


def test_suggestion_marks_the_corrected_words_and_keeps_filters(pantry):
    page = pantry.get("/recipes/?q=lentl+soup&tag=dinner&sort=title").text
    assert '<p class="suggestion">Did you mean <a href="/recipes/?q=lentil+soup&amp;tag=dinner&amp;sort=title">' in page
    assert "<strong>lentil</strong> soup</a>? <small>(1 recipe)</small>" in page
    assert "No recipe matches." in page


def test_no_suggestion_when_enough_is_found_or_nothing_is_close(pantry, monkeypatch):
    for n in range(4):
        add(pantry, f"Lentil stew {n}")
    assert suggestion(pantry, "q=lentil") is None  # 5 found: nothing is even looked up

    def refuse(*args: Any) -> None:
        raise AssertionError("looked for a correction of a search that found enough")

    monkeypatch.setattr(vocabulary.Lookup, "near", refuse)
    assert len(titles(pantry, "q=lentil")) == 5
    assert titles(pantry, "q=lentil+pea") == []  # none found, but "lentil" alone finds plenty ("pea" is short)
    monkeypatch.undo()
    assert suggestion(pantry, "q=zeppelin") is None  # nothing close
    assert suggestion(pantry, "q=pae") is None  # short words are taken as typed
    assert suggestion(pantry, "q=soup+-lentl") is None  # excluded words are not corrected
    assert suggestion(pantry, "q=2000") is None  # nor numbers


def test_a_rare_spelling_gets_the_common_one(pantry):
    """A word found in one recipe (misspelled there too) still gets the word most recipes use."""
    add(pantry, "Chiken pie")
    for n in range(3):
        add(pantry, f"Chicken dish {n}")
    assert titles(pantry, "q=chiken") == ["Chiken pie"]
    assert suggestion(pantry, "q=chiken") == "chicken"


def test_never_suggests_what_only_others_private_recipes_hold(alice, bob):
    add(bob, "Quinoa bowl")  # private
    add(alice, "Plain rice")
    assert suggestion(alice, "q=quinao") is None
    add(bob, "Quinoa salad", visibility="public")
    assert suggestion(alice, "q=quinao") == "quinoa"
    assert titles(alice, "q=quinoa") == ["Quinoa salad"]


def test_the_corrected_search_must_find_more(pantry):
    """Corrections are counted with the person's filters: one that finds nothing more is not offered."""
    assert suggestion(pantry, "q=lentl&tag=baking") is None
    assert suggestion(pantry, "q=lentl&tag=soup") == "lentil"


def test_first_letter_typos_need_trigrams(pantry, monkeypatch):
    """PostgreSQL with pg_trgm finds a correction of the first letter too; SQLite, and
    PostgreSQL without the extension, look only at words with the same first letter."""
    if using_postgres():
        assert suggestion(pantry, "q=kentil") == "lentil"
        monkeypatch.setattr(vocabulary, "has_trigrams", lambda connection: False)
        assert suggestion(pantry, "q=lentl") == "lentil"  # the fallback still corrects the rest
    assert suggestion(pantry, "q=kentil") is None


def test_api_lists_the_suggestion(app: Flask, pantry) -> None:
    headers = {"Authorization": f"Bearer {make_token(app, 'alice')}"}
    client = app.test_client()
    found = client.get("/api/v1/recipes?q=lentl+soup&tag=soup", headers=headers).json
    assert found["items"] == [] and found["total"] == 0
    assert found["suggestion"] == {"q": "lentil soup", "total": 1, "total_is_capped": False}
    assert client.get("/api/v1/recipes?q=lentil", headers=headers).json["suggestion"] is None
    assert client.get("/api/v1/recipes", headers=headers).json["suggestion"] is None


def test_live_search_shows_it_inside_the_results(pantry):
    """search.js swaps #results: the suggestion is inside it, so it follows the typing."""
    page = pantry.get("/recipes/?q=lentl").text
    results = page.split('<section id="results"', 1)[1].split("</section>", 1)[0]
    assert 'class="suggestion"' in results


def test_reindex_starts_the_word_list_afresh(app: Flask, pantry, runner) -> None:
    add(pantry, "Quince paste")
    with app.app_context():
        recipe_id = db.session.execute(text("SELECT id FROM recipe WHERE title = 'Quince paste'")).scalar()
    assert pantry.post(f"/recipes/{recipe_id}/delete").status_code == 302
    assert suggestion(pantry, "q=quinse") is None  # deleted: never suggested, stale word or not
    if using_postgres():
        with app.app_context():
            words = "SELECT count(*) FROM recipe_search_word WHERE word = 'quince'"
            assert db.session.execute(text(words)).scalar() == 1  # only ever added to ...
            assert runner.invoke(args=["search", "reindex"]).exit_code == 0
            assert db.session.execute(text(words)).scalar() == 0  # ... until a reindex
            assert db.session.execute(text("SELECT count(*) FROM recipe_search_word WHERE word = 'lentil'")).scalar()
    assert suggestion(pantry, "q=lentl") == "lentil"


def test_words_are_checked_once_and_bounded(pantry):
    assert suggest.max_distance("soop") == 1 and suggest.max_distance("brocolli") == 2
    assert suggest.FEW == service.FEW == 3
    long_query = " ".join(["lentl"] * 3 + ["zzzzq", "qqqqz", "soop", "brocolli", "chikcen"])
    assert pantry.get("/recipes/", query_string={"q": long_query}).status_code == 200


_NEAR_WORDS = {"chiken": ["chicken", "chicory"], "currey": ["curry", "curd"]}


class _Near:
    """A vocabulary that knows a few words (suggest.correct asks only `near`)."""

    def near(self, word: str, max_distance: int) -> list[vocabulary.Candidate]:
        return [vocabulary.Candidate(w, 1, 10) for w in _NEAR_WORDS.get(word, [])]


def test_searches_that_keep_a_word_found_nowhere_are_not_counted() -> None:
    counted: list[str] = []
    finds = {"chicken curry": 5, "chicory curry": 1, "chicken curd": 2}

    def count_typed(q: str) -> int:
        counted.append(q)
        return finds.get(q, 0)

    found = suggest.correct("chiken currey", 0, _Near(), count_typed, lambda word: 0)  # type: ignore[arg-type]
    assert found is not None and found.q == "chicken curry" and found.found == 5
    # "chicken currey" and "chiken curry" keep a word no recipe holds: they would find none.
    assert counted and all("chiken" not in q and "currey" not in q for q in counted)


def test_a_word_found_a_few_times_is_still_tried_as_typed() -> None:
    counted: list[str] = []

    def count_typed(q: str) -> int:
        counted.append(q)
        return {"chicken currey": 2}.get(q, 0)

    found = suggest.correct("chiken currey", 0, _Near(), count_typed, lambda word: 1)  # type: ignore[arg-type]
    assert "chicken currey" in counted
    assert found is not None and found.q == "chicken currey"


def test_counting_stops_at_a_search_that_finds_as_many_as_a_count_says() -> None:
    counted: list[str] = []

    def count_typed(q: str) -> int:
        counted.append(q)
        return 201 if q == "chicken curry" else 3

    found = suggest.correct("chiken currey", 0, _Near(), count_typed, lambda word: 0, most=201)  # type: ignore[arg-type]
    assert found is not None and found.q == "chicken curry"
    assert counted == ["chicken curry"]
    # Without a limit every search with as few edits is counted, to find the one finding most.
    counted.clear()
    suggest.correct("chiken currey", 0, _Near(), count_typed, lambda word: 0)  # type: ignore[arg-type]
    assert len(counted) == 4


def test_near_words_are_read_once_while_the_recipes_are_unchanged(pantry, bob, monkeypatch):
    """Each worker keeps what it found near a misspelled word, per person, under the recipes'
    data generation: live search asks again at every key typed."""
    read: list[tuple[int, str]] = []
    near = vocabulary.Lookup._near

    def counted(lookup, word, max_distance):
        read.append((lookup.viewer["viewer"], word))
        return near(lookup, word, max_distance)

    monkeypatch.setattr(vocabulary.Lookup, "_near", counted)
    assert suggestion(pantry, "q=lentl") == "lentil"  # (and the suggested "lentil" is searched)
    first = len(read)
    assert first and len(set(read)) == first
    assert suggestion(pantry, "q=lentl") == "lentil"
    assert suggestion(pantry, "q=lentl&tag=soup") == "lentil"
    assert len(read) == first
    assert suggestion(bob, "q=lentl") is None  # bob sees none of alice's private recipes
    assert read[first][1] == "lentl" and read[first][0] != read[0][0]
    again = len(read)
    add(pantry, "Green lentil salad")  # a write to the recipes: nothing kept is used any more
    assert suggestion(pantry, "q=lentl") == "lentil"
    assert len(read) > again


def test_a_change_of_who_sees_what_is_seen_at_once(alice, bob):
    recipe_id = add(bob, "Quinoa salad", visibility="public")
    assert suggestion(alice, "q=quinao") == "quinoa"
    form = {**PLAIN, "title": "Quinoa salad", "visibility": "private"}
    assert bob.post(f"/recipes/{recipe_id}/edit", data=form).status_code == 302
    assert suggestion(alice, "q=quinao") is None


def test_nothing_is_kept_in_a_transaction_that_wrote_to_the_index_or_without_a_generation(app: Flask) -> None:
    from recipes.search import kept_near, terms

    with app.app_context():
        connection = db.session.connection()
        found = kept_near.kept_near(connection)
        assert found is not None
        terms.mark_index_written(connection)
        assert kept_near.kept_near(connection) is None
        db.session.rollback()
        db.session.execute(text("DELETE FROM data_generation"))
        assert kept_near.kept_near(db.session.connection()) is None
        db.session.rollback()
    made: list[int] = []
    assert kept_near.remembered(None, ("k",), lambda: made.append(1) or 5) == 5
    assert kept_near.remembered(None, ("k",), lambda: made.append(1) or 5) == 5
    assert len(made) == 2  # nothing to keep it under: made every time


def test_the_kept_answers_are_bounded_and_of_one_generation(monkeypatch) -> None:
    from recipes.search import kept_near

    monkeypatch.setattr(kept_near, "MOST_KEPT", 3)
    store = kept_near.new_store()
    for n in range(5):
        store.put(1, n, f"answer {n}")
    assert [store.get(1, n) for n in range(5)] == [None, None, "answer 2", "answer 3", "answer 4"]
    assert store.get(2, 4) is None  # another generation: not this one's answers
    store.put(2, "x", "new")
    assert store.get(1, 4) is None and store.get(2, "x") == "new"
