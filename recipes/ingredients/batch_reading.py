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
from concurrent.futures import Future, ProcessPoolExecutor
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
        return self.submit(recipes).result()

    def submit(self, recipes: Sequence[tuple[Sequence[str], Known]]) -> Batch:
        """Start reading a batch (the workers go on while this process does other work, such as
        writing the batch before); its `result()` is what `read` gives. Lines a batch submitted
        earlier reads too are read again unless that batch's result was taken first."""
        kept = [corrections(known) for _, known in recipes]
        remembered: dict[str, Stored] = {}
        new: dict[str, None] = {}  # in order, once each
        for (lines, _), corrected in zip(recipes, kept, strict=True):
            for line in lines:
                if line in corrected or line in remembered or line in new:
                    continue
                if line in self.remembered:
                    remembered[line] = self.remembered[line]
                else:
                    new[line] = None
        batch = Batch(self, [lines for lines, _ in recipes], kept, remembered, list(new))
        batch.start()
        return batch

    def _pool_for(self, lines: list[str]) -> ProcessPoolExecutor | None:
        """The workers, when there are some and `lines` are worth sharing among them."""
        if self.workers < 1 or len(lines) < 2:
            return None
        return self._started()

    def _stop_workers(self, error: BaseException) -> None:
        log.warning("a process reading ingredient lines ended (%s); reading them in this one", error)
        self.close()
        self.workers = 0

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


class Batch:
    """A batch being read: its new lines in the workers' hands (or read already)."""

    def __init__(
        self,
        reader: BatchReader,
        lines: list[Sequence[str]],
        kept: list[dict[str, IngredientDetail]],
        remembered: dict[str, Stored],
        new: list[str],
    ) -> None:
        self._reader = reader
        self._lines = lines
        self._kept = kept
        self._remembered = remembered  # the readings of its lines read before, taken when it started
        self._new = new
        self._parts: list[Future[list[Stored]]] = []
        self._read: list[Stored] | None = None

    def start(self) -> None:
        """Hand the new lines to the workers, if any (without them they are read by `result`, so an
        error comes from the batch's result, not before the batch ahead of it is written)."""
        try:
            pool = self._reader._pool_for(self._new)
            if pool is not None:
                size = min(CHUNK, -(-len(self._new) // self._reader.workers))
                chunks = [self._new[i : i + size] for i in range(0, len(self._new), size)]
                self._parts = [pool.submit(read_stored, chunk) for chunk in chunks]
        except BrokenProcessPool as exc:
            self._reader._stop_workers(exc)
            self._parts = []

    def _new_readings(self) -> list[Stored]:
        if self._read is None:
            try:
                if self._parts:
                    self._read = [reading for part in self._parts for reading in part.result()]
            except BrokenProcessPool as exc:
                self._reader._stop_workers(exc)
            if self._read is None:
                self._read = read_stored(self._new)
        return self._read

    def result(self) -> list[list[Stored]]:
        """Each recipe's stored readings (waits for the workers; raises what one raised)."""
        fresh = dict(zip(self._new, self._new_readings(), strict=True))
        known = {**self._remembered, **fresh}
        results = []
        for lines, corrected in zip(self._lines, self._kept, strict=True):
            results.append([corrected[line].to_json() if line in corrected else known[line] for line in lines])
        for line, reading in fresh.items():
            self._reader.remembered.put(line, reading)
        return results
