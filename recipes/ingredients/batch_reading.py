"""Reading the lines of many recipes at once (the backfill): each distinct line once.

A library repeats its lines a lot ("1 tsp salt", "2 large eggs"), so a batch of recipes is read by
distinct line: a line read before comes from a bounded memory of stored readings (`Remembered`),
and only lines not seen yet are read, in this process or, for a large library, shared out among a
few worker processes (`BatchReader(workers=N)`). The result is exactly what
`stored(read_lines(lines, known))` gives each recipe: a person's correction kept for its line.

The workers only read text: they never touch the database, so the process that asked writes each
batch itself, in its own transaction, and a batch whose reading failed is not written at all. They
are forked, so they start in milliseconds with the parser the parent has loaded; they never use
the parent's database connections and leave with os._exit (as every multiprocessing worker does),
so they neither close nor roll back anything of the parent's. When a worker dies (killed for its
memory, say), the lines are read in this process instead; an error raised in one is raised here.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import warnings
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from .detail import IngredientDetail
from .recipe_lines import corrections, read_line

log = logging.getLogger(__name__)

# The distinct lines a backfill remembers: about 0.6 kB each, so some 30 MB at most.
REMEMBERED = 50_000
# Worker processes: at most this many (one a CPU), and only for at least this many recipes.
MAX_WORKERS = 4
WORKERS_FROM = 2_000
# A batch's new lines go to the workers in pieces of at most this many.
CHUNK = 1_000

Stored = dict[str, Any]
Known = Iterable[Mapping[str, Any] | IngredientDetail] | None


class Remembered:
    """The stored readings of the lines read last, at most `limit` of them (the least recently used
    go first). A reading is shared by every recipe with that line: treat it as read-only."""

    def __init__(self, limit: int = REMEMBERED) -> None:
        if limit < 0:
            raise ValueError("the limit must not be negative")
        self.limit = limit
        self._readings: OrderedDict[str, Stored] = OrderedDict()

    def __len__(self) -> int:
        return len(self._readings)

    def __contains__(self, line: object) -> bool:
        return line in self._readings

    def __getitem__(self, line: str) -> Stored:
        found = self._readings[line]
        self._readings.move_to_end(line)
        return found

    def put(self, line: str, reading: Stored) -> None:
        self._readings[line] = reading
        self._readings.move_to_end(line)
        while len(self._readings) > self.limit:
            self._readings.popitem(last=False)


def read_stored(lines: Sequence[str]) -> list[Stored]:
    """Each line's stored reading (a worker's share of a batch)."""
    return [read_line(line).to_json() for line in lines]


def cpu_count() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def default_workers(recipes: int) -> int:
    """Worker processes for reading `recipes` recipes: none for a few, or on one CPU; else one a CPU."""
    cpus = cpu_count()
    if recipes < WORKERS_FROM or cpus < 2:
        return 0
    return min(cpus, MAX_WORKERS)


class BatchReader:
    """Reads batches of recipes' lines, in `workers` forked processes (0: in this one). A context
    manager: the workers stop at its end."""

    def __init__(self, workers: int = 0, remembered: int = REMEMBERED) -> None:
        if workers < 0:
            raise ValueError("workers must not be negative")
        self.workers = workers
        self.remembered = Remembered(remembered)
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> BatchReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def read(self, recipes: Sequence[tuple[Sequence[str], Known]]) -> list[list[Stored]]:
        """The stored readings of each recipe, given as (its lines, the readings it has): as
        `stored(read_lines(lines, known))`, each distinct line read once."""
        kept = [corrections(known) for _, known in recipes]
        new: dict[str, None] = {}  # in order, once each
        for (lines, _), corrected in zip(recipes, kept, strict=True):
            for line in lines:
                if line not in corrected and line not in self.remembered:
                    new[line] = None
        fresh = dict(zip(new, self._read_new(list(new)), strict=True))
        results = []
        for (lines, _), corrected in zip(recipes, kept, strict=True):
            stored = []
            for line in lines:
                if line in corrected:
                    stored.append(corrected[line].to_json())
                else:
                    stored.append(fresh[line] if line in fresh else self.remembered[line])
            results.append(stored)
        for line, reading in fresh.items():
            self.remembered.put(line, reading)
        return results

    def _read_new(self, lines: list[str]) -> list[Stored]:
        if self.workers < 1 or len(lines) < 2:
            return read_stored(lines)
        size = min(CHUNK, -(-len(lines) // self.workers))
        chunks = [lines[i : i + size] for i in range(0, len(lines), size)]
        try:
            return [reading for part in self._started().map(read_stored, chunks) for reading in part]
        except BrokenProcessPool as exc:
            log.warning("a process reading ingredient lines ended (%s); reading them in this one", exc)
            self.close()
            self.workers = 0
            return read_stored(lines)

    def _started(self) -> ProcessPoolExecutor:
        if self._pool is None:
            from .tagger import tagger

            tagger()  # loaded before the fork, so the workers share it
            pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("fork"))
            with warnings.catch_warnings():
                # Python 3.12 warns when forking a process that has threads (a test's server): the
                # workers only read text, with locks of their own (tagger.py makes them anew).
                warnings.simplefilter("ignore", DeprecationWarning)
                pool.submit(int).result()  # forks all the workers now
            self._pool = pool
        return self._pool
