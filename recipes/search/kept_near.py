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

from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import current_app, has_app_context
from sqlalchemy import select
from sqlalchemy.engine import Connection

from .. import data_generation
from ..kept_pages import KeptPages
from .terms import INDEX_WRITTEN

T = TypeVar("T")

MOST_KEPT = 2048  # answers kept per worker (a few kB each)
_EXTENSION = "recipes_kept_near_words"
_GENERATION = select(data_generation.current(data_generation.RECIPES))

# One worker's kept answers, all of one generation: the kept pages' store, counting answers
# instead of bytes (kept_pages.KeptPages: the least recently asked dropped first).
KeptNear = KeptPages[object]


def _one(answer: object) -> int:
    return 1


def new_store() -> KeptNear:
    """A worker's store of kept answers, at most MOST_KEPT of them."""
    return KeptPages(MOST_KEPT, _one)


def kept_near(connection: Connection) -> tuple[KeptNear, int] | None:
    """This worker's kept answers and the generation this transaction sees, when it may use them."""
    if not has_app_context() or connection.info.get(INDEX_WRITTEN):
        return None
    value = connection.execute(_GENERATION).scalar()
    if value is None:  # no generation yet (a restored database before its first write)
        return None
    store = current_app.extensions.get(_EXTENSION)
    if store is None:
        store = current_app.extensions[_EXTENSION] = new_store()
    return store, int(value)


def remembered(kept: tuple[KeptNear, int] | None, key: tuple[Hashable, ...], make: Callable[[], T]) -> T:
    """`make()`'s answer for `key`, kept under the generation (made every time without one)."""
    if kept is None:
        return make()
    store, generation = kept
    found = store.get(generation, key)
    if found is None:
        found = make()
        store.put(generation, key, found)
    return found  # type: ignore[return-value]
