"""How much of a dump a restore loads at once (how long it waits for a lock is `create.LOCK_WAIT_SECONDS`)."""

from __future__ import annotations

LOAD_BATCH_ROWS = 500
LOAD_BATCH_BYTES = 8 * 1024 * 1024
