"""The SQLite search index's own terms, kept by each worker while the index is unchanged.

FTS5's vocabulary table (`recipe_fts_vocab`) answers "which terms, in how many recipes" by
reading every doclist in the range asked for: 30 ms for the terms starting with "c" at 50,000
recipes, 300 ms for all of them. Two things need it on a search's hot path:

- "Did you mean" reads the terms starting with a misspelled word's first letter (vocabulary.py).
- A prefix query longer than the prefix indexes (6 letters: `"chicken"*`) merges the doclists of
  every term it starts before it returns a row: 1.4 ms at 50,000 recipes against 0.06 ms for the
  word `"chicken"`, which FTS5 reads lazily. When the index holds no other term starting with
  that one, both find the same recipes and rank them the same, so the word is asked instead.

A third is the matches of a search that walks an index in another order than relevance (quickest
first, by title, newest): which recipes match its words, as a map of one byte per recipe id
(`match_map`) that the walk reads at each recipe it passes. Made from the index's own answer in
C-speed JSON, it costs less than the list SQLite would otherwise build and hash for the same
walk (1.4 against 2.2 ms for "chicken" at 50,000 recipes), and nothing when the same words are
searched again (another page, sort or filter).

All three depend on the index alone (never on who asks: what a person may see is checked by
the queries that use them), so a worker keeps them for as long as the index is unchanged. The
index's generation is its structure record (`recipe_fts_data`, id 10): FTS5 rewrites it, with a
new write counter, whenever a committed change reaches the index, and it is one row to read.
Read in the search's own transaction, it names the index that transaction sees. Changes this
connection made and has not committed yet are not in it: a transaction that wrote to the index
(index.py marks it) uses no kept answer until it ends.
"""

from __future__ import annotations

import os
import re
import sqlite3
import threading
from dataclasses import dataclass, field
from typing import Any

import orjson
from flask import Flask, current_app, has_app_context
from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from ..kept_pages import KeptPages
from .backends import MATCHED

PREFIX_INDEX_LONGEST = 6  # migration 0002: prefix = '2 3 4 5 6'
INDEX_WRITTEN = "recipes_search_index_written"  # in a connection's info while its transaction wrote
_KEPT = "recipes_search_terms"

_GENERATION = text("SELECT block FROM recipe_fts_data WHERE id = 10")
_MATCHES = text("SELECT json_group_array(rowid), max(rowid) FROM recipe_fts WHERE recipe_fts MATCH :query")
# A map is as long as the highest matching recipe id: past this, a walk keeps its list instead.
MAP_LONGEST = 16 * 1024 * 1024
# The maps a worker keeps for one generation, in bytes (at 50,000 recipes: 40 searches' maps).
MAPS_KEPT_BYTES = 2 * 1024 * 1024
_RANGE = text("SELECT term, doc FROM recipe_fts_vocab WHERE term >= :low AND term < :high")
_TOKENIZER = text("SELECT sql FROM sqlite_master WHERE name = 'recipe_fts'")
_TOKENIZE_OPTION = re.compile(r"tokenize\s*=\s*'([^']*)'", re.IGNORECASE)


def after(word: str) -> str:
    """The first string past every one that starts with `word` (a range's upper bound)."""
    return word[:-1] + chr(ord(word[-1]) + 1)


@dataclass
class Generation:
    """What the index held at one generation: read as needed, never changed after."""

    stamp: bytes
    ranges: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # first letter -> (term, recipes)
    alone: dict[str, bool] = field(default_factory=dict)  # prefix -> no other term starts with it


def read_match_map(connection: Connection, query: str) -> bytes | None:
    """The recipes matching the FTS5 `query` as a map (MATCHED at each matching id, 0 elsewhere),
    or None if the highest id is past MAP_LONGEST."""
    listed, highest = connection.execute(_MATCHES, {"query": query}).one()
    if highest is None:
        return b""
    if highest >= MAP_LONGEST:
        return None
    found = bytearray(highest + 1)
    for recipe_id in orjson.loads(listed):
        found[recipe_id] = MATCHED[0]
    return bytes(found)


class IndexTerms:
    """One app's (one worker's) kept terms: the latest generation it has seen."""

    def __init__(self) -> None:
        self._latest: Generation | None = None
        # The walks' maps, by FTS5 query, of the latest generation: the least recently asked let
        # go of first past MAPS_KEPT_BYTES (the kept pages' store, counting a map's bytes).
        self.maps: KeptPages[bytes] = KeptPages(MAPS_KEPT_BYTES, len)
        self._lock = threading.Lock()
        self._stemmer: _Stemmer | None = None
        self._stemmer_failed = False
        self._stemmer_pid = 0  # a connection is not to be used across a fork: a child makes its own

    def at(self, stamp: bytes) -> Generation:
        """The kept terms of generation `stamp` (a fresh, empty one when it is new). A request
        holds on to what it got: another one may move the app on to a later generation."""
        with self._lock:
            if self._latest is None or self._latest.stamp != stamp:
                self._latest = Generation(stamp)
            return self._latest

    def stemmer(self, connection: Connection) -> _Stemmer | None:
        """The index's own tokenizer (its options read from the schema), on a private in-memory
        database; None if it cannot be made."""
        with self._lock:
            if self._stemmer_pid != os.getpid():
                self._stemmer, self._stemmer_pid = None, os.getpid()
            if self._stemmer is None and not self._stemmer_failed:
                try:
                    self._stemmer = _Stemmer(_tokenize_option(connection))
                except (sqlite3.Error, ValueError):
                    self._stemmer_failed = True
            return self._stemmer


class _Stemmer:
    """What FTS5 makes of a query word (porter: "tomatoes" -> "tomato"), asked of a table with
    the same tokenizer: the exact rule, not a copy of it."""

    CACHED = 4096

    def __init__(self, tokenize: str) -> None:
        self._database = sqlite3.connect(":memory:", check_same_thread=False)
        quoted = tokenize.replace("'", "''")
        self._database.execute(f"CREATE VIRTUAL TABLE words USING fts5(word, tokenize = '{quoted}')")
        self._database.execute("CREATE VIRTUAL TABLE tokens USING fts5vocab(words, instance)")
        self._lock = threading.Lock()
        self._known: dict[str, tuple[str, ...]] = {}

    def tokens(self, word: str) -> tuple[str, ...]:
        found = self._known.get(word)
        if found is not None:
            return found
        with self._lock:
            self._database.execute("INSERT INTO words (rowid, word) VALUES (1, ?)", (word,))
            found = tuple(row[0] for row in self._database.execute("SELECT term FROM tokens ORDER BY offset"))
            self._database.execute("DELETE FROM words")
            if len(self._known) >= self.CACHED:
                self._known.clear()
            self._known[word] = found
        return found


def _tokenize_option(connection: Connection) -> str:
    schema = connection.execute(_TOKENIZER).scalar()
    found = _TOKENIZE_OPTION.search(schema or "")
    if found is None:
        raise ValueError("recipe_fts has no tokenize option")
    return found.group(1)


def kept_terms(app: Flask) -> IndexTerms:
    found = app.extensions.get(_KEPT)
    if found is None:
        found = app.extensions[_KEPT] = IndexTerms()
    return found


class Terms:
    """The index's terms as one search's transaction sees them: those the worker kept, when
    this transaction may use them, else read for this search alone. The generation is read
    when first needed, so a search that needs none of this asks nothing."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._read = False
        self._generation: Generation | None = None  # None: nothing kept may be used here
        self._kept: IndexTerms | None = None
        self._own = Generation(b"")  # this search's own reads, when nothing kept may be used

    def _kept_generation(self) -> Generation | None:
        if not self._read:
            self._read = True
            if has_app_context() and not self.connection.info.get(INDEX_WRITTEN):
                try:
                    stamp = self.connection.execute(_GENERATION).scalar()
                except DBAPIError:  # no such table: nothing is kept
                    stamp = None
                if isinstance(stamp, bytes):
                    self._kept = kept_terms(current_app)
                    self._generation = self._kept.at(stamp)
        return self._generation

    def starting_with_letter(self, word: str) -> list[tuple[str, int]]:
        """(term, recipes) for the vocabulary's terms with `word`'s first letter."""
        first = word[0]
        ranges = (self._kept_generation() or self._own).ranges
        found = ranges.get(first)
        if found is None:
            rows = self.connection.execute(_RANGE, {"low": first, "high": after(first)})
            found = ranges[first] = [(term, recipes) for term, recipes in rows]
        return found

    def exact(self, word: str) -> bool:
        """Whether the prefix query `"word"*` may be asked as `"word"`: it is longer than the
        prefix indexes, and no term of the index but its own starts with it. (Only with kept
        terms: reading the vocabulary for one search costs what the prefix query would.)"""
        if len(word.encode()) <= PREFIX_INDEX_LONGEST:
            return False
        generation = self._kept_generation()
        if generation is None or self._kept is None:
            return False
        stemmer = self._kept.stemmer(self.connection)
        if stemmer is None:
            return False
        tokens = stemmer.tokens(word)
        if len(tokens) != 1 or len(tokens[0].encode()) <= PREFIX_INDEX_LONGEST:
            return False
        stem = tokens[0]
        alone = generation.alone.get(stem)
        if alone is None:
            rows = self.connection.execute(_RANGE, {"low": stem, "high": after(stem)})
            alone = generation.alone[stem] = all(term == stem for term, _ in rows)
        return alone

    def match_map(self, query: str) -> bytes | None:
        """The map of the recipes matching the FTS5 `query` (read_match_map): kept by the worker
        for the index's generation, or read for this search alone."""
        generation = self._kept_generation()
        if generation is None or self._kept is None:
            return read_match_map(self.connection, query)
        maps, key = self._kept.maps, (query,)
        found = maps.get(generation.stamp, key)
        if found is None:
            found = read_match_map(self.connection, query)
            if found is not None:
                maps.put(generation.stamp, key, found)
        return found


def terms_for(connection: Connection) -> Terms:
    """The index's terms for a search on `connection` (SQLite): kept across searches, in the
    app's worker, while the index does not change."""
    return Terms(connection)


def mark_index_written(connection: Connection) -> None:
    """index.py, after writing to the index: until this transaction ends, nothing kept is used."""
    connection.info[INDEX_WRITTEN] = True


def _forget_index_written(connection: Any) -> None:
    connection.info.pop(INDEX_WRITTEN, None)


def init_app(_app: Flask) -> None:
    # Every transaction starts without the mark, however the one before it ended.
    for name in ("begin", "commit", "rollback"):
        if not event.contains(Engine, name, _forget_index_written):
            event.listen(Engine, name, _forget_index_written)
