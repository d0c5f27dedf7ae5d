"""Reading the ingredient lines of recipes that have no readings yet, or older ones.

Run at start-up right after the migrations (bootstrap), and by `recipes ingredients backfill`.
Migration 0011 adds the columns; this fills them, because reading needs the parser, which is live
code a migration must not import. Each batch is its own short write transaction, so a large
library never holds the write lock for long and a stopped backfill goes on where it stopped.
A person's corrections stay (recipe_lines.read_lines keeps them); the lines themselves are never
written. Each distinct line is read once, and for a large library in a few worker processes
(batch_reading.py); this process does all the database work.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.orm import Session, scoped_session

from ..database import write_intent
from ..models import Recipe
from .batch_reading import BatchReader, default_workers
from .recipe_lines import READER_VERSION

log = logging.getLogger(__name__)

BATCH = 500
_UNREAD = or_(Recipe.ingredients_read_by.is_(None), Recipe.ingredients_read_by < READER_VERSION)


def unread_count(session: Session | scoped_session[Any]) -> int:
    return session.scalar(select(func.count()).select_from(Recipe).where(_UNREAD)) or 0


def backfill(
    session: Session | scoped_session[Any],
    progress: Callable[[int, int], None] | None = None,
    batch: int = BATCH,
    total: int | None = None,
    workers: int | None = None,
) -> int:
    """Read every recipe not read by this version; returns how many. `progress(done, total)`
    is called after each batch (`total`: the unread count, when the caller has it already).
    `workers`: processes that read the lines (0: this one; None: chosen from `total` and the CPUs).
    A batch whose reading fails is not written; the error is raised after the batches before it."""
    if total is None:
        total = unread_count(session)
        session.rollback()
    if workers is None:
        workers = default_workers(total)
    with BatchReader(workers) as reader:
        return _backfill(session, reader, progress, batch, total)


def _backfill(
    session: Session | scoped_session[Any],
    reader: BatchReader,
    progress: Callable[[int, int], None] | None,
    batch: int,
    total: int,
) -> int:
    statement = (
        update(Recipe)
        .where(Recipe.id == bindparam("recipe_id"), _UNREAD)
        .values(ingredient_details=bindparam("details"), ingredients_read_by=READER_VERSION)
        .execution_options(synchronize_session=False)
    )

    def unread_after(last_id: int) -> list[Any]:
        rows = session.execute(
            select(Recipe.id, Recipe.ingredients, Recipe.ingredient_details)
            .where(_UNREAD, Recipe.id > last_id)
            .order_by(Recipe.id)
            .limit(batch)
        ).all()
        session.rollback()  # reading is done outside the write transaction
        return list(rows)

    done = 0
    rows = unread_after(0)
    reading = reader.submit([(lines or [], known) for _, lines, known in rows])
    while rows:
        readings = reading.result()
        # The next batch is read while this one is written (its readings are taken first, so the
        # next one reads none of its lines again).
        after = unread_after(rows[-1][0])
        next_reading = reader.submit([(lines or [], known) for _, lines, known in after])
        values = [{"recipe_id": row[0], "details": details} for row, details in zip(rows, readings, strict=True)]
        with write_intent():
            # Only recipes still unread: one edited in between was read by its edit, from its new lines.
            session.connection().execute(statement, values)
            session.commit()
        done += len(rows)
        if progress is not None:
            progress(done, total)
        rows, reading = after, next_reading
    return done


def backfill_logged(session: Session | scoped_session[Any]) -> int:
    """The start-up's backfill: says what it does in the log, and nothing when there is nothing to do."""
    total = unread_count(session)
    session.rollback()
    if not total:
        return 0
    log.info("reading the ingredient lines of %d recipes", total)
    step = max(BATCH, total // 10)
    reported = [0]

    def progress(done: int, total: int) -> None:
        if done - reported[0] >= step or done == total:
            reported[0] = done
            log.info("read the ingredients of %d of %d recipes", done, total)

    return backfill(session, progress, total=total)
