"""Spellings near a misspelled search word, from the search index's own vocabulary.

SQLite: `recipe_fts_vocab` (fts5vocab over the FTS5 index, migration 0008) lists the index's
terms as its porter tokenizer keeps them, stemmed ("berries" -> "berri"), with how many recipes
hold each. Terms are read by first letter (a range of the vocabulary, so never all of it; a
worker keeps what it read while the index is unchanged: terms.py), and the spellings offered
are read back from recipes the person can see (FTS5's highlight()), so a suggestion is a word as
written, never a stem.

PostgreSQL: `recipe_search_word` holds the index's words as written (kept by triggers,
migration 0008). With pg_trgm, its trigram index finds words that differ anywhere, the first
letter too; words with the same first letter are read as well (trigrams compare short words
poorly), and are all there is without the extension.

Either way the distance is the optimal string alignment distance (Levenshtein, plus a swap of
two neighbouring letters as one edit: "chikcen"), computed by RapidFuzz.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import OSA
from sqlalchemy import (
    ColumnElement,
    Integer,
    bindparam,
    column,
    func,
    literal,
    literal_column,
    select,
    table,
    text,
    union_all,
)
from sqlalchemy.engine import Connection

from ..access import visible_to_viewer
from ..models import Recipe
from .kept_near import KeptNear, kept_near, remembered
from .terms import Terms, terms_for

STEMS_CHECKED = 6  # SQLite: the closest stems whose spellings are read back
SPELLING_SOURCES = 3  # ... from this many recipes each
TRIGRAM_CANDIDATES = 50  # PostgreSQL: the most similar words by trigrams


@dataclass(frozen=True)
class Candidate:
    word: str  # folded, as a person would type it
    distance: int
    recipes: int  # how many recipes hold it, where the vocabulary says (SQLite); else 0


class Lookup:
    """Near words for the misspelled words of one search: each range of the vocabulary is
    read once, however many words start with the same letter."""

    def __init__(self, connection: Connection, viewer_id: int, household_id: int, terms: Terms | None = None) -> None:
        self.connection = connection
        self.viewer = {"viewer": viewer_id, "household": household_id}
        self._terms = terms
        self._trigrams: bool | None = None
        self._kept: tuple[KeptNear, int] | None = None
        self._kept_read = False

    def near(self, word: str, max_distance: int) -> list[Candidate]:
        """Words of the index within `max_distance` edits of `word` (folded), closest first (the
        worker's kept answer while the recipes are unchanged: kept_near.py)."""
        if not self._kept_read:
            self._kept, self._kept_read = kept_near(self.connection), True
        # PostgreSQL's answer also depends on whether pg_trgm is there (an extension installed later).
        trigrams = self.connection.dialect.name != "sqlite" and self.has_trigrams()
        key = (self.viewer["viewer"], self.viewer["household"], word, max_distance, trigrams)
        return list(remembered(self._kept, key, lambda: tuple(self._near(word, max_distance))))

    def _near(self, word: str, max_distance: int) -> list[Candidate]:
        if self.connection.dialect.name == "sqlite":
            return _sqlite_near(self, word, max_distance)
        return _postgres_near(self, word, max_distance)

    def starting_like(self, word: str) -> list[tuple[str, int]]:
        """(term, recipes) for the SQLite vocabulary's terms with `word`'s first letter."""
        if self._terms is None:
            self._terms = terms_for(self.connection)
        return self._terms.starting_with_letter(word)

    def has_trigrams(self) -> bool:
        """PostgreSQL: whether pg_trgm is there (migration 0008 creates it when it may)."""
        if self._trigrams is None:
            self._trigrams = has_trigrams(self.connection)
        return self._trigrams


def _ranked(found: dict[str, Candidate]) -> list[Candidate]:
    return sorted(found.values(), key=lambda c: (c.distance, -c.recipes, c.word))


def _letter_range(word: str) -> dict[str, str]:
    first = word[0]
    return {"low": first, "high": chr(ord(first) + 1)}


# --- SQLite ----------------------------------------------------------------------------------

_fts = table("recipe_fts", column("rowid"))
_MARK = re.compile("\x01([^\x02]*)\x02")


def _sqlite_near(lookup: Lookup, word: str, max_distance: int) -> list[Candidate]:
    # Stems lose endings ("cooki", "berri"), so they are first compared with one edit to spare.
    loose = max_distance + 1
    terms = {
        term: recipes
        for term, recipes in lookup.starting_like(word)
        if term != word and term.isalpha() and abs(len(term) - len(word)) <= loose
    }
    close = process.extract(word, list(terms), scorer=OSA.distance, score_cutoff=loose, limit=None)
    stems = sorted(close, key=lambda match: (match[1], -terms[match[0]]))[:STEMS_CHECKED]
    found: dict[str, Candidate] = {}
    spellings = _spellings(lookup, [stem for stem, _, _ in stems])
    for stem, _, _ in stems:
        for spelling in spellings[stem]:
            distance = OSA.distance(word, spelling, score_cutoff=max_distance)
            if spelling != word and distance <= max_distance:
                candidate = Candidate(spelling, distance, terms[stem])
                if spelling not in found or (candidate.distance, -candidate.recipes) < (
                    found[spelling].distance,
                    -found[spelling].recipes,
                ):
                    found[spelling] = candidate
    return _ranked(found)


_INDEX: ColumnElement[Any] = literal_column("recipe_fts")
_VISIBLE = visible_to_viewer(bindparam("viewer", type_=Integer), bindparam("household", type_=Integer))


@functools.lru_cache(maxsize=STEMS_CHECKED)
def _spellings_statement(stems: int) -> Any:
    """For `stems` stems at once (bound as term_0, term_1, ...): a few recipes each that the
    viewer can see, their fields with the stem marked, each row numbered by its stem. One
    statement for all of a word's stems, built once per number of stems."""
    arms = []
    for number in range(stems):
        marked = (
            select(*(func.highlight(_INDEX, field, "\x01", "\x02").label(f"field_{field}") for field in range(4)))
            .select_from(_fts)
            .join(Recipe, Recipe.id == _fts.c.rowid)
            .where(text(f"recipe_fts MATCH :term_{number}"), _VISIBLE)
            .limit(SPELLING_SOURCES)
            .subquery(f"stem_{number}")
        )
        arms.append(select(literal(number, Integer).label("stem"), *marked.c))
    return union_all(*arms) if len(arms) > 1 else arms[0]


def _spellings(lookup: Lookup, stems: list[str]) -> dict[str, set[str]]:
    """How each of `stems` is written in a few recipes the viewer can see (the index holds
    folded text)."""
    found: dict[str, set[str]] = {stem: set() for stem in stems}
    if not stems:
        return found
    terms = {f"term_{number}": f'"{stem}"' for number, stem in enumerate(stems)}
    for number, *fields in lookup.connection.execute(_spellings_statement(len(stems)), {**lookup.viewer, **terms}):
        found[stems[number]].update(spelling for field in fields for spelling in _MARK.findall(field or ""))
    return found


# --- PostgreSQL --------------------------------------------------------------------------------

_HAS_TRIGRAMS = text("SELECT to_regprocedure('similarity(text, text)') IS NOT NULL")
_BY_TRIGRAMS = text("SELECT word FROM recipe_search_word WHERE word % :word ORDER BY word <-> :word LIMIT :limit")
_BY_FIRST_LETTER = text(
    "SELECT word FROM recipe_search_word WHERE word >= :low AND word < :high "
    "AND length(word) BETWEEN :shortest AND :longest"
)


def has_trigrams(connection: Connection) -> bool:
    """Whether pg_trgm's functions can be called here (the extension is installed, and on the
    search path)."""
    return bool(connection.execute(_HAS_TRIGRAMS).scalar())


def _postgres_near(lookup: Lookup, word: str, max_distance: int) -> list[Candidate]:
    connection = lookup.connection
    words = {
        row[0]
        for row in connection.execute(
            _BY_FIRST_LETTER,
            {**_letter_range(word), "shortest": len(word) - max_distance, "longest": len(word) + max_distance},
        )
    }
    if lookup.has_trigrams():
        words.update(row[0] for row in connection.execute(_BY_TRIGRAMS, {"word": word, "limit": TRIGRAM_CANDIDATES}))
    words.discard(word)
    close = process.extract(word, list(words), scorer=OSA.distance, score_cutoff=max_distance, limit=None)
    return _ranked({match: Candidate(match, distance, 0) for match, distance, _ in close})
