"""First-start and every-start work, shared by the container entrypoint and `make run`.

`run()` makes the config directory usable (layout, secret key, Gunicorn config),
then backs up and migrates the database, once, before any Gunicorn worker starts.
Every failure becomes a `BootstrapError` whose message is one line a person can act on.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import tempfile
from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from . import config as settings
from . import schema, start_up_caches
from .atomic_files import replace_atomically, write_atomically
from .backups.services import PRE_MIGRATION, BackupError, copy_sqlite, create_backup, prune
from .extensions import db

log = logging.getLogger(__name__)

GUNICORN_CONFIG_NAME = "gunicorn.conf.py"
SECRET_KEY_BYTES = 48


class BootstrapError(Exception):
    """Start-up cannot go on; the message is shown as is."""


def _uid() -> str:
    return str(os.getuid()) if hasattr(os, "getuid") else "the app user"


def ensure_layout(directory: Path) -> None:
    """Create the config directory and its `backups/`, and prove we can write there."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / settings.BACKUP_DIR_NAME).mkdir(exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".write-test-"):
            pass
    except PermissionError:
        raise BootstrapError(
            f"config directory {directory} is not writable: give uid {_uid()} write access to {directory}"
        ) from None
    except OSError as exc:
        raise BootstrapError(f"config directory {directory} is unusable: {exc.strerror or exc}") from None


def load_secret_key(config: Mapping[str, Any]) -> str:
    """SECRET_KEY, else SECRET_KEY_FILE, else the key kept in the config directory (made once)."""
    if config.get("SECRET_KEY"):
        return str(config["SECRET_KEY"])
    if config.get("SECRET_KEY_FILE"):
        key_file = Path(config["SECRET_KEY_FILE"])
        try:
            key = key_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise BootstrapError(f"SECRET_KEY_FILE {key_file} cannot be read: {exc.strerror or exc}") from None
        if not key:
            raise BootstrapError(f"SECRET_KEY_FILE {key_file} is empty")
        return key
    key_path = Path(config["RECIPES_CONFIG_DIR"]) / settings.SECRET_KEY_FILENAME
    if not key_path.exists():
        ensure_layout(key_path.parent)
        if write_atomically(key_path, secrets.token_urlsafe(SECRET_KEY_BYTES).encode("ascii")):
            log.info("generated a new secret key in %s", key_path)
    try:
        key = key_path.read_text(encoding="utf-8").strip()
    except PermissionError:
        raise BootstrapError(f"secret key {key_path} is not readable: give uid {_uid()} read access to it") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BootstrapError(f"secret key {key_path} cannot be read ({exc}); delete it to make a new one") from None
    if len(key) < 32:
        raise BootstrapError(f"secret key in {key_path} is too short; delete the file to make a new one")
    return key


def default_gunicorn_config() -> bytes:
    return resources.files("recipes._defaults").joinpath(GUNICORN_CONFIG_NAME).read_bytes()


# SHA-256 of every gunicorn.conf.py an earlier Recipes shipped. A copy still byte for byte one of
# these was never edited, so it is brought up to date (it would otherwise keep, say, the sync
# workers that one slow client can stall); a copy someone edited is never touched.
EARLIER_GUNICORN_CONFIGS = frozenset(
    {
        "5c9f0968926f4a847b2cd56168a54afc680c042b59bd4ff015093541e21b996c",
        "53ff7558d9689825d0ad2168e4f90dd0b573d3a8e891d86c6a4d9de0512dbea8",
        "8c6483a8aa311cc7901b0272a1742aff5f495c3baaa843a94660d4a7b43dd647",
        "4d724c4c72de481b67d95ed039365d19b83e4d6c8d5844688a89eee3b64e5f0a",
        "ad6252dfc5e3fd78964a0239c3704f1c8aa2933328c241c0b11ab33d0dadd708",
        "34a32dc087c395a7d9abb5fa1c85e1c47448f4c3c3f98840cfbc5da11c5f9c4a",
        "91112d21134e006cea0ba4d4360ae20fd443d7493b8a76dfad60489b0920477b",
        "9fb72c1420ab94f81ddf1eb208c7ec2b05e20b3d70abb32d494c7e6c18259b47",
        "b63bafa0782ef9f7044a7442c4fcf4d1ee3d3d7487082b4b467f3bac9e6f8ea3",
    }
)


def seed_gunicorn_config(directory: Path) -> Path:
    """Copy the default Gunicorn config into the config directory, never over the user's own
    copy; an untouched copy of an earlier default is replaced by today's."""
    target = directory / GUNICORN_CONFIG_NAME
    default = default_gunicorn_config()
    if write_atomically(target, default, mode=0o644):
        log.info("wrote the default Gunicorn config to %s", target)
        return target
    try:
        current = target.read_bytes()
    except OSError:
        return target  # unreadable: Gunicorn will say so
    if current != default and hashlib.sha256(current).hexdigest() in EARLIER_GUNICORN_CONFIGS:
        replace_atomically(target, default, mode=0o644)
        log.info("updated %s to this version's defaults (it was an unedited earlier default)", target)
    elif current != default and b"worker_class" not in current:
        log.warning(
            "%s (edited by you) uses Gunicorn's sync workers, which slow clients can stall; "
            'see the README (Security) for worker_class = "gevent"',
            target,
        )
    return target


def sqlite_path(database_url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other databases and in-memory SQLite."""
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def prune_backups(backups: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` start-up backups; return what was deleted."""
    return prune(keep, [PRE_MIGRATION], directory=backups)


def migrate(app: Any) -> str | None:
    """Apply pending migrations, after backing up an existing database (SQLite or PostgreSQL).

    Returns the backup's path (or None when nothing needed backing up). If a migration
    fails, the database is put back as it was and the error names the backup.
    """
    with app.app_context(), schema.migration_lock(db.engine):
        at_head = schema.is_at_head()  # a restart's usual case, answered without importing Alembic
        if at_head is not None:
            log.info("database schema is up to date (%s)", at_head)
            return None
        current = schema.current_revision()
        head = schema.head_revision()
        if current == head:
            log.info("database schema is up to date (%s)", head)
            return None
        database = sqlite_path(app.config["SQLALCHEMY_DATABASE_URI"])
        backups = Path(app.config["RECIPES_CONFIG_DIR"]) / settings.BACKUP_DIR_NAME
        backup: Path | None = None
        sqlite_file = database is not None and database.exists()
        if current is not None and (sqlite_file or db.engine.dialect.name == "postgresql"):
            # The backups service, as for a backup made by hand: kind "pre-migration", into
            # backups/, pruned to RECIPES_BACKUP_KEEP apart from the other kinds.
            try:
                backup = create_backup(PRE_MIGRATION)
            except BackupError as exc:
                # A SQLite backup fails mostly for want of write access to backups/.
                hint = f". Give uid {_uid()} write access to {backups}" if sqlite_file else ""
                raise BootstrapError(f"{exc}; nothing was changed{hint}") from None
            log.info("backed up the database to %s", backup)
        elif current is not None and database is None:
            log.warning(
                "migrating the database from %s to %s: take your own backup first; "
                "automatic start-up backups are made for SQLite and PostgreSQL only",
                current,
                head,
            )
        try:
            schema.upgrade()
        except Exception as exc:
            if backup is not None and database is not None:
                copy_sqlite(backup, database)  # put it back as it was
            # (PostgreSQL rolls the whole upgrade back: its backup is only for a bad upgrade found later.)
            where = f"; backup at {backup}" if backup is not None else ""
            raise BootstrapError(
                f"database migration failed ({exc.__class__.__name__}: {exc}); the database was left as it was{where}"
            ) from exc
        log.info("database migrated from %s to %s", current or "empty", head)
        return str(backup) if backup else None


def read_ingredients(app: Any) -> None:
    """Read the ingredient lines migration 0011 left unread (or an older parser read), after the
    migrations and their backup: the columns are the migration's, the reading is live code's."""
    from .ingredients.backfill import backfill_logged

    with app.app_context():
        try:
            backfill_logged(db.session)
        finally:
            db.session.remove()


def settle_setup_code(app: Any) -> None:
    """While there is no account, make sure the setup code for the first one exists and
    print it with the address to open (see auth/setup_code.py); once there is an account,
    remove any code left behind."""
    from .auth import setup_code
    from .auth.services import user_count

    directory = Path(app.config["RECIPES_CONFIG_DIR"])
    with app.app_context():
        accounts = user_count()
        db.session.remove()
    if accounts:
        setup_code.discard(directory)
        return
    code, _ = setup_code.ensure(directory)
    address = app.config["RECIPES_BASE_URL"] or f"http://<this server>:{os.environ.get('PORT') or 8288}"
    log.warning("%s", setup_code.announcement(code, directory, address))


def run(create_app: Callable[[], Any] | None = None) -> Path:
    """Everything start-up needs, configured from the environment; returns the config directory.
    `create_app` makes the app to migrate; by default the start-up app (the configuration and
    the database, no pages), found by its import path as `flask --app` finds an app: bootstrap
    stands below the package's top, which imports it."""
    from flask.cli import ScriptInfo
    from sqlalchemy.exc import ArgumentError, OperationalError

    if create_app is None:
        create_app = ScriptInfo(app_import_path=settings.START_UP_APP_IMPORT_PATH).load_app

    try:
        config = settings.from_environment()
    except settings.ConfigError as exc:
        raise BootstrapError(str(exc)) from None
    directory = Path(config["RECIPES_CONFIG_DIR"])
    ensure_layout(directory)
    load_secret_key(config)
    seed_gunicorn_config(directory)
    try:
        app = create_app()
        migrate(app)
        read_ingredients(app)
        settle_setup_code(app)
        start_up_caches.prepare(directory)
    except ArgumentError as exc:
        raise BootstrapError(f"DATABASE_URL is not a usable database URL: {exc}") from None
    except OperationalError as exc:
        raise BootstrapError(f"cannot reach the database: {str(exc.orig).strip().splitlines()[0]}") from None
    return directory
