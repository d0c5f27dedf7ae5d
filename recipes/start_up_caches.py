"""What every start of the server builds the same way from files that do not change between
starts, kept on disk in the config directory's `cache/` folder, so the next start reads it back
instead of building it again (about a third of a second of Gunicorn's start at 50,000 recipes:
the master builds both before it forks the workers, recipes/preload.py):

- Jinja's compiled templates (`cache/templates/`): each is keyed by the template's name and a
  checksum of its source, and Jinja checks its own and Python's version, so an upgrade never reads
  a stale one.
- the unit tables made from pint (`cache/units/`, ingredients/units.py): keyed by pint's version and
  the units asked of it; a start that finds them neither imports pint nor builds its registry
  (0.15 s, 9 MiB). pint's own parsed definitions are kept beside them, for a start that must.

A cache that cannot be made or written (a read-only config directory) is left out: the start is
slower, and nothing else changes. Deleting the folder is always safe.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import Flask
from jinja2.bccache import Bucket, BytecodeCache, FileSystemBytecodeCache

from .ingredients import units

CACHE_DIR_NAME = "cache"
log = logging.getLogger(__name__)


class TemplateCache(FileSystemBytecodeCache):
    """Jinja's file cache of compiled templates, which never fails a page: a file it cannot read
    or write is compiled from the source instead."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError):
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError as exc:
            log.debug("compiled template not kept: %s", exc)


def folder(config_dir: Path, name: str) -> Path | None:
    """`config_dir/cache/name`, made if need be; None when it cannot be made or written to."""
    path = config_dir / CACHE_DIR_NAME / name
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return path if os.access(path, os.W_OK | os.X_OK) else None


def template_cache(config_dir: Path) -> BytecodeCache | None:
    found = folder(config_dir, "templates")
    return None if found is None else TemplateCache(str(found))


def use(app: Flask) -> None:
    """Read and keep the compiled templates and the unit tables in the app's config directory
    (before any template is loaded or a unit converted)."""
    config_dir = Path(app.config["RECIPES_CONFIG_DIR"])
    app.jinja_env.bytecode_cache = template_cache(config_dir)
    units.keep_tables_in(folder(config_dir, "units"))


def prepare(config_dir: Path) -> None:
    """Make the unit tables now, if they are not kept yet (`recipes bootstrap`, before the server
    starts): so the server's first start, too, never builds pint's registry in the master that its
    workers share."""
    units.keep_tables_in(folder(config_dir, "units"))
    units.warm()
