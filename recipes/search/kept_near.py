"""The near words a worker found for a misspelled word, kept while the recipes are unchanged.

"Did you mean" reads, for each misspelled word, the index's terms near it and how they are
written in a few recipes the person can see (vocabulary.py): about 0.6 ms a word, on every
request that finds few recipes. The same words come back request after request: live search asks
again at each key typed ("chiken c", "chiken cu", ...), and paging, sorting and filtering ask again.

What a word's near words are depends on the index (every recipe's words), on which recipes the
person can see, and on nothing else. Both change only with a write to what the recipes data
generation counts (data_generation.BUMPED_BY: recipes, tags, accounts and their households), so a
worker keeps the answer per person and word under that generation, read before the answer is
made (see data_generation for why that order is safe). A new generation drops everything kept.

A transaction that wrote to the search index itself (terms.INDEX_WRITTEN) keeps and uses nothing:
PostgreSQL's generation changes only when it commits.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import current_app, has_app_context
from sqlalchemy import select
from sqlalchemy.engine import Connection

from .. import data_generation
from .terms import INDEX_WRITTEN

T = TypeVar("T")

MOST_KEPT = 2048  # answers kept per worker (a few kB each)
_EXTENSION = "recipes_kept_near_words"
_GENERATION = select(data_generation.current(data_generation.RECIPES))


class KeptNear:
    """One worker's kept answers, all of one generation."""

    def __init__(self) -> None:
        self._generation: int | None = None
        self._found: dict[Hashable, object] = {}
        self._lock = threading.Lock()

    def get(self, generation: int, key: Hashable) -> object | None:
        with self._lock:
            if generation != self._generation:
                return None
            return self._found.get(key)

    def put(self, generation: int, key: Hashable, answer: object) -> None:
        with self._lock:
            if generation != self._generation:
                self._generation, self._found = generation, {}
            if len(self._found) >= MOST_KEPT:
                del self._found[next(iter(self._found))]  # the oldest
            self._found[key] = answer


def kept_near(connection: Connection) -> tuple[KeptNear, int] | None:
    """This worker's kept answers and the generation this transaction sees, when it may use them."""
    if not has_app_context() or connection.info.get(INDEX_WRITTEN):
        return None
    value = connection.execute(_GENERATION).scalar()
    if value is None:  # no generation yet (a restored database before its first write)
        return None
    store = current_app.extensions.get(_EXTENSION)
    if store is None:
        store = current_app.extensions[_EXTENSION] = KeptNear()
    return store, int(value)


def remembered(kept: tuple[KeptNear, int] | None, key: Hashable, make: Callable[[], T]) -> T:
    """`make()`'s answer for `key`, kept under the generation (made every time without one)."""
    if kept is None:
        return make()
    store, generation = kept
    found = store.get(generation, key)
    if found is None:
        found = make()
        store.put(generation, key, found)
    return found  # type: ignore[return-value]
