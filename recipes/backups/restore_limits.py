"""How long a restore waits for a lock before giving up, and how much of a dump it loads at once."""

from __future__ import annotations

# How long a restore waits for SQLite's write lock (a request writing) or a PostgreSQL
# table lock before giving up, leaving the database as it was.
LOCK_WAIT_SECONDS = 60
LOAD_BATCH_ROWS = 500
LOAD_BATCH_BYTES = 8 * 1024 * 1024
