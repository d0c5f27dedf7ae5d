"""Backups and restores: `recipes backup` / `recipes restore`, the admin's button, start-up backups.

Every test runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL (a SQLite file there,
a JSON Lines dump here): the services hide which one it is, and so do most tests.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import sqlite3
import stat
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from recipes import bootstrap, create_app
from recipes.backups import dump_format, services
from recipes.extensions import db
from recipes.models import LoginSession, Recipe, RecipeImage, Tag, User
from recipes.schema import current_revision, head_revision

from . import database_fixtures as dbf
from .conftest import AuthActions, Client, create_recipe

POSTGRES = dbf.using_postgres()
SUFFIX = services.DUMP_SUFFIX if POSTGRES else services.SQLITE_SUFFIX
FILLER_RECIPES = 5000


# --- a second instance -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def second_database(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[str]:
    """Another migrated database for "a fresh instance" (PostgreSQL: one per test worker)."""
    config_dir = tmp_path_factory.mktemp("second")
    if POSTGRES:
        name = f"recipes_test_{worker_id}_second"
        url = dbf.create_postgres_database(name)
        dbf.migrate_database(url, config_dir)
        yield url
        dbf.drop_postgres_database(name)
    else:
        path = config_dir / "second.db"
        dbf.migrate_database(f"sqlite:///{path}", config_dir)
        yield str(path)


@pytest.fixture
def fresh_app(second_database: str, tmp_path: Path) -> Iterator[Flask]:
    """A new, empty instance at the newest schema, with its own config directory."""
    config_dir = tmp_path / "fresh-config"
    config_dir.mkdir()
    if POSTGRES:
        url = second_database
    else:
        dbf.copy_sqlite(Path(second_database), config_dir / "recipes.db")
        url = f"sqlite:///{config_dir / 'recipes.db'}"
    app = create_app({**dbf.FAST_TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url, "RECIPES_CONFIG_DIR": str(config_dir)})
    app.test_client_class = Client
    yield app
    with app.app_context():
        db.session.remove()
        if POSTGRES:
            if current_revision() != head_revision():
                _upgrade(app)
            dbf.empty_postgres_tables()
        dbf.release_database()


def _upgrade(app: Flask, revision: str = "head") -> None:
    from recipes.schema import upgrade

    with app.app_context():
        upgrade(revision)
        dbf.release_database()


def _downgrade(app: Flask, revision: str) -> None:
    from alembic import command

    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config(app.extensions["migrate"].directory)
        command.downgrade(config, revision)
        dbf.release_database()


# --- data --------------------------------------------------------------------------------------


def jpeg(color: tuple[int, int, int] = (200, 40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(buffer, "JPEG")
    return buffer.getvalue()


def add_everything(app: Flask) -> dict[str, Any]:
    """Two accounts, recipes with tags and a picture; returns what a restore must give back."""
    from recipes.auth.services import create_user
    from recipes.cookbook.services import RecipeData, create_recipe
    from recipes.images.processing import process_image

    with app.app_context():
        alice = create_user("alice", "correct horse")
        bob = create_user("bob", "battery staple")
        soup = create_recipe(
            alice,
            RecipeData(
                title="Gazpacho",
                ingredients=["1 kg tomatoes", "1 cucumber"],
                instructions=["Blend.", "Chill."],
                tags=["Soup", "summer"],
                nutrition={"calories": "82 kcal"},
                source_url="https://example.org/gazpacho",
            ),
            process_image(jpeg()),
        )
        create_recipe(bob, RecipeData(title="Flatbread", ingredients=["flour", "water"], tags=["bread"]))
        picture = db.session.get(RecipeImage, soup.id)
        assert picture is not None
        expected = {
            "users": {(u.id, u.username, u.is_admin) for u in db.session.scalars(db.select(User))},
            "recipes": {(r.id, r.title, tuple(t.name for t in r.tags)) for r in db.session.scalars(db.select(Recipe))},
            "picture": (soup.id, picture.digest, picture.full, picture.thumb),
            "soup": soup.id,
        }
        dbf.release_database()
    return expected


def recipe_count(app: Flask) -> int:
    with app.app_context():
        count = db.session.scalar(db.select(db.func.count()).select_from(Recipe))
        dbf.release_database()
    return int(count or 0)


def backup_of(app: Flask, kind: str = services.MANUAL) -> Path:
    with app.app_context():
        path = services.create_backup(kind)
        dbf.release_database()
    return path


def restore_into(app: Flask, path: Path) -> services.RestoreReport:
    with app.app_context():
        try:
            return services.restore_backup(path)
        finally:
            dbf.release_database()


def backups_in(app: Flask) -> list[services.BackupInfo]:
    return services.list_backups(Path(app.config["RECIPES_CONFIG_DIR"]) / "backups")


def tag_names_in_backup(path: Path) -> list[str]:
    """The `tag` table's names as the backup file holds them (without restoring it)."""
    if not POSTGRES:
        with sqlite3.connect(path) as connection:
            names = [row[0] for row in connection.execute("SELECT name FROM tag")]
        connection.close()
        return names
    for name, columns, rows in dump_format.read_dump(path):
        if name == "tag":
            index = columns.index("name")
            return [row[index] for _, row in rows]
    return []


# --- making backups ----------------------------------------------------------------------------


def test_backup_is_named_by_time_revision_and_kind_and_private(app):
    path = backup_of(app)
    with app.app_context():
        head = head_revision()
    assert re.fullmatch(rf"recipes-\d{{8}}-\d{{6}}-{head}{re.escape(SUFFIX)}", path.name), path.name
    assert path.parent == Path(app.config["RECIPES_CONFIG_DIR"]) / "backups"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # it holds password hashes
    (info,) = backups_in(app)
    assert (info.path, info.kind, info.revision) == (path, "manual", head)
    assert info.engine == ("postgresql" if POSTGRES else "sqlite")
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary files left


def test_backup_is_one_snapshot_while_another_connection_writes(app, make_user):
    """A writer commits batches of 5 tags in one transaction each, all through the backup:
    the backup holds a prefix of the batches, each one whole."""
    owner = make_user("alice")
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"], poolclass=NullPool)
    filler = [
        {"owner_id": owner, "title": f"Filler {i}", "description": "x" * 2000, "ingredients": [], "instructions": []}
        for i in range(FILLER_RECIPES)
    ]
    with engine.begin() as connection:  # some bulk, so the backup takes a moment
        connection.execute(Recipe.__table__.insert(), filler)
    committed = 0
    stop = threading.Event()
    errors: list[BaseException] = []

    def write() -> None:
        nonlocal committed
        try:
            while not stop.is_set():
                with engine.begin() as connection:
                    connection.execute(
                        text("INSERT INTO tag (owner_id, name) VALUES (:owner, :name)"),
                        [{"owner": owner, "name": f"b{committed}-{i}"} for i in range(5)],
                    )
                committed += 1
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        while committed < 3:
            time.sleep(0.001)
        before = committed
        path = backup_of(app)
        during = committed - before
    finally:
        stop.set()
        writer.join()
        engine.dispose()
    assert not errors, errors
    assert during > 0, "the writer was blocked while the backup ran"
    batches: dict[int, int] = {}
    for name in tag_names_in_backup(path):
        batch = int(name[1:].split("-")[0])
        batches[batch] = batches.get(batch, 0) + 1
    assert batches, "the backup has none of the batches committed before it"
    assert set(batches.values()) == {5}, "a batch was caught half written"
    assert sorted(batches) == list(range(len(batches))), "the backup is not one point in time"


def test_each_kind_of_backup_is_pruned_on_its_own(app, tmp_path):
    app.config["RECIPES_BACKUP_KEEP"] = 3
    folder = Path(app.config["RECIPES_CONFIG_DIR"]) / "backups"
    folder.mkdir()
    (folder / "my-notes.txt").write_text("not a backup")
    (folder / "recipes-20200101T000000000000Z-0002.db").write_bytes(b"")  # a start-up backup of old
    before_upgrade = [backup_of(app, services.PRE_MIGRATION) for _ in range(2)]
    manual = [backup_of(app) for _ in range(5)]  # several in one second: .1, .2 ... keep the order
    left = {p.name for p in folder.iterdir()}
    assert left == {
        "my-notes.txt",
        "recipes-20200101T000000000000Z-0002.db",
        *(p.name for p in before_upgrade),
        *(p.name for p in manual[-3:]),
    }
    # The newest first, whatever the names' sequence numbers.
    assert [b.path for b in backups_in(app) if b.kind == "manual"] == manual[:-4:-1]
    # The start-up kind is pruned to its own newest three: the old one goes, not the manual ones.
    with app.app_context():
        services.create_backup(services.PRE_MIGRATION)
        dbf.release_database()
    kinds = [b.kind for b in backups_in(app)]
    assert kinds.count("pre-migration") == 3 and kinds.count("manual") == 3
    assert not (folder / "recipes-20200101T000000000000Z-0002.db").exists()


def test_backup_keep_setting_is_checked(monkeypatch):
    from recipes import config

    assert config.from_environment({})["RECIPES_BACKUP_KEEP"] == 10
    assert config.from_environment({"RECIPES_BACKUP_KEEP": "3"})["RECIPES_BACKUP_KEEP"] == 3
    with pytest.raises(config.ConfigError, match="RECIPES_BACKUP_KEEP must be at least 1"):
        config.from_environment({"RECIPES_BACKUP_KEEP": "0"})


def test_start_up_backup_before_migrating_uses_the_same_code(app):
    """The entrypoint's backup before a migration: kind pre-migration, at the old revision."""
    backup_of(app)  # one by hand, which the start-up backup must not prune
    _downgrade(app, "0002")
    result = bootstrap.migrate(app)
    assert result is not None
    assert re.fullmatch(rf"recipes-\d{{8}}-\d{{6}}(\.\d+)?-0002-pre-migration{re.escape(SUFFIX)}", Path(result).name)
    assert sorted(b.kind for b in backups_in(app)) == ["manual", "pre-migration"]
    with app.app_context():
        assert current_revision() == head_revision()
        dbf.release_database()


# --- restoring ---------------------------------------------------------------------------------


def test_restore_into_a_fresh_instance_gives_everything_back(app, fresh_app, auth):
    expected = add_everything(app)
    assert auth.login("alice").status_code == 302  # a login session, restored with the rest
    with app.app_context():
        sessions = db.session.scalar(db.select(db.func.count()).select_from(LoginSession))
        dbf.release_database()
    path = backup_of(app)
    from recipes.auth.services import create_user

    with fresh_app.app_context():
        create_user("carol", "correct horse")  # what the fresh instance had: kept in the safety copy
        dbf.release_database()

    report = restore_into(fresh_app, path)

    with fresh_app.app_context():
        head = head_revision()
        assert current_revision() == head
        assert {(u.id, u.username, u.is_admin) for u in db.session.scalars(db.select(User))} == expected["users"]
        recipes = {(r.id, r.title, tuple(t.name for t in r.tags)) for r in db.session.scalars(db.select(Recipe))}
        assert recipes == expected["recipes"]
        picture = db.session.get(RecipeImage, expected["soup"])
        assert picture is not None
        assert (picture.recipe_id, picture.digest, picture.full, picture.thumb) == expected["picture"]
        assert db.session.get(Recipe, expected["soup"]).nutrition == {"calories": "82 kcal"}
        assert db.session.scalar(db.select(db.func.count()).select_from(LoginSession)) == sessions
        assert db.session.scalar(db.select(db.func.count()).select_from(Tag)) == 3
        dbf.release_database()
    assert report.rows["user"] == 2 and report.rows["recipe"] == 2 and report.rows["recipe_image"] == 1
    assert report.backup_revision == report.revision == head
    assert report.summary().startswith(f"Restored {path.name} (schema {head}): 2 accounts, 2 recipes, 3 tags")

    client: Client = fresh_app.test_client()  # type: ignore[assignment]
    assert AuthActions(client).login("alice").status_code == 302  # password hashes came back
    page = client.get("/recipes/?q=tomatoes")  # the search index works (an ingredient)
    assert page.status_code == 200 and "Gazpacho" in page.text
    assert client.get(f"/recipes/{expected['soup']}").status_code == 200
    # New rows get new ids (PostgreSQL: the sequences were moved past the restored ids).
    assert create_recipe(client, title="After the restore") > expected["soup"]

    (safety,) = [b for b in backups_in(fresh_app) if b.kind == "before-restore"]
    assert safety.path == report.safety_copy
    restore_into(fresh_app, safety.path)  # and back: carol's instance as it was
    with fresh_app.app_context():
        assert [u.username for u in db.session.scalars(db.select(User))] == ["carol"]
        dbf.release_database()
    assert recipe_count(fresh_app) == 0


def test_restore_a_backup_of_the_previous_schema_migrates_it(app, fresh_app):
    """A backup made by an older Recipes (schema 0002) comes back at the newest schema."""
    _downgrade(fresh_app, "0002")
    with fresh_app.app_context():
        assert current_revision() == "0002"
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    'INSERT INTO "user" (id, username, password_hash, is_admin, created_at) '
                    "VALUES (7, 'olga', 'not-a-hash', true, '2025-03-01 10:00:00')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO recipe (id, owner_id, title, description, ingredients, instructions, servings, "
                    "prep_time, cook_time, total_time, total_minutes, source_url, notes, is_public, created_at, "
                    "updated_at) VALUES (40, 7, 'Old soup', '', '[\"water\"]', '[\"Boil.\"]', '', 5, 10, NULL, 15, "
                    "'https://example.org/old-soup?utm_source=x', '', false, '2025-03-01 10:00:00', "
                    "'2025-03-01 10:00:00')"
                )
            )
            connection.execute(text("INSERT INTO tag (id, owner_id, name) VALUES (3, 7, 'old')"))
            connection.execute(text("INSERT INTO recipe_tag (recipe_id, tag_id) VALUES (40, 3)"))
        dbf.release_database()
    old = backup_of(fresh_app)
    assert "-0002" in old.name
    _upgrade(fresh_app)

    add_everything(app)  # what is there now goes
    report = restore_into(app, old)

    with app.app_context():
        assert current_revision() == head_revision() == report.revision
        assert report.backup_revision == "0002"
        assert [u.username for u in db.session.scalars(db.select(User))] == ["olga"]
        recipe = db.session.get(Recipe, 40)
        assert recipe is not None and recipe.title == "Old soup" and [t.name for t in recipe.tags] == ["old"]
        assert recipe.nutrition == {} and recipe.source_key  # filled in by migration 0003
        assert recipe.ingredients == ["water"] and recipe.total_minutes == 15
        dbf.release_database()
    assert "migrated to" in report.summary()


def test_sqlite_restore_reaches_connections_already_open(app, make_user):
    """Workers keep their connections through a restore: they see the restored data at once
    (the backup API writes into the live file, in WAL mode, as one transaction)."""
    if POSTGRES:
        pytest.skip("SQLite only")
    make_user("alice")
    path = backup_of(app)
    make_user("bob")
    live = Path(app.config["RECIPES_CONFIG_DIR"]) / "recipes.db"
    worker = sqlite3.connect(live)
    try:
        assert worker.execute("SELECT count(*) FROM user").fetchone() == (2,)
        restore_into(app, path)
        assert worker.execute("SELECT username FROM user").fetchall() == [("alice",)]
        assert worker.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        worker.execute("INSERT INTO tag (owner_id, name) VALUES (1, 'still writable')")
        worker.commit()
    finally:
        worker.close()


def _corrupt_sqlite(good: Path, target: Path) -> None:
    data = bytearray(good.read_bytes())
    page = 4096
    data[page * 2 : page * 6] = os.urandom(page * 4)  # table pages, not the header
    target.write_bytes(bytes(data))


def _rewrite_dump(good: Path, target: Path, change: Any) -> None:
    lines = gzip.decompress(good.read_bytes()).decode().splitlines()
    target.write_bytes(gzip.compress("\n".join(change(lines)).encode() + b"\n"))


def _with_revision(revision: str) -> Any:
    def change(lines: list[str]) -> list[str]:
        header = json.loads(lines[0])
        header["revision"] = revision
        return [json.dumps(header), *lines[1:]]

    return change


def make_bad_file(kind: str, good: Path, folder: Path) -> Path:
    target = folder / f"bad-{kind}{SUFFIX}"
    if kind == "missing":
        return folder / "no-such-backup.db"
    if kind == "folder":
        return folder
    if kind == "text":
        target.write_text("these are not the rows you are looking for\n")
    elif kind == "future":
        if POSTGRES:
            _rewrite_dump(good, target, _with_revision("9999"))
        else:
            target.write_bytes(good.read_bytes())
            with sqlite3.connect(target) as connection:
                connection.execute("UPDATE alembic_version SET version_num = '9999'")
            connection.close()
    elif kind == "damaged":
        if POSTGRES:
            target.write_bytes(good.read_bytes()[: good.stat().st_size // 2])  # cut short
        else:
            _corrupt_sqlite(good, target)
    elif kind == "foreign":  # the other engine's kind of file
        if POSTGRES:
            with sqlite3.connect(target) as connection:
                connection.execute("CREATE TABLE alembic_version (version_num TEXT)")
            connection.close()
        else:
            header = {"format": "recipes-pgdump", "version": 1, "engine": "postgresql", "revision": "0003"}
            target.write_bytes(gzip.compress(json.dumps(header).encode() + b"\n"))
    elif kind == "not-ours":
        if POSTGRES:
            target.write_bytes(gzip.compress(b'{"some": "other json"}\n'))
        else:
            with sqlite3.connect(target) as connection:
                connection.execute("CREATE TABLE notes (body TEXT)")
            connection.close()
    return target


REFUSALS = {
    "missing": r": no such file$",
    "folder": r" is a folder, not a backup file$",
    "text": r" is not a Recipes backup \(a backup is a SQLite \.db file or a PostgreSQL \.pgdump\.json\.gz dump\)$",
    "future": r" is from a newer Recipes \(schema revision 9999; this Recipes knows up to \w+\): upgrade Recipes",
    "damaged": r" is (a damaged SQLite file|damaged) \(",
    "foreign": r" is a (SQLite backup|PostgreSQL dump), but this Recipes keeps its data in \w+: restoring across "
    r"database engines is not supported$",
    "not-ours": r" is (a SQLite database but )?not a Recipes backup",
}


@pytest.mark.parametrize("kind", list(REFUSALS))
def test_unusable_files_are_refused_and_nothing_changes(app, kind, tmp_path):
    add_everything(app)
    good = backup_of(app)
    bad = make_bad_file(kind, good, tmp_path)
    with app.app_context(), pytest.raises(services.RestoreRefused) as refused:
        services.restore_backup(bad)
    message = str(refused.value)
    assert re.search(REFUSALS[kind], message), message
    assert "\n" not in message and message.startswith(str(bad))
    assert recipe_count(app) == 2
    assert [b.kind for b in backups_in(app)] == ["manual"]  # no safety copy for a refused file
    assert not [p for p in good.parent.iterdir() if p.name.startswith(".")]  # no temporary files left


def test_a_dump_with_its_end_cut_off_is_incomplete(app, tmp_path):
    if not POSTGRES:
        pytest.skip("PostgreSQL dumps only")
    good = backup_of(app)
    bad = tmp_path / "cut.pgdump.json.gz"
    _rewrite_dump(good, bad, lambda lines: lines[:-1])
    with app.app_context(), pytest.raises(services.RestoreRefused, match="is incomplete"):
        services.restore_backup(bad)


def test_dump_values_of_every_common_type_come_back_as_they_were(app):
    """The dump is generic over the models' tables: a later table with other column types
    (dates, decimals, intervals, UUIDs, nullable JSON, bytes) must survive it too."""
    if not POSTGRES:
        pytest.skip("PostgreSQL dumps only (a SQLite backup is the database file)")
    import datetime as dt
    import decimal
    import uuid

    import sqlalchemy as sa

    metadata = sa.MetaData()
    table = sa.Table(
        "backup_types_probe",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True)),
        sa.Column("day", sa.Date),
        sa.Column("clock", sa.Time),
        sa.Column("price", sa.Numeric(10, 2)),
        sa.Column("ratio", sa.Float),
        sa.Column("wait", sa.Interval),
        sa.Column("ref", sa.Uuid),
        sa.Column("doc", sa.JSON, nullable=True),
        sa.Column("blob", sa.LargeBinary),
        sa.Column("flag", sa.Boolean),
    )
    row = {
        "id": 1,
        "at": dt.datetime(2026, 11, 21, 19, 30, 5, 123456, tzinfo=dt.UTC),
        "day": dt.date(2026, 2, 28),
        "clock": dt.time(7, 45, 30),
        "price": decimal.Decimal("12.34"),
        "ratio": 0.125,
        "wait": dt.timedelta(minutes=90, seconds=1),
        "ref": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "doc": {"a": [1, "two", None]},
        "blob": bytes(range(256)),
        "flag": True,
    }
    empty = {**dict.fromkeys(row), "id": 2}
    with app.app_context():
        with db.engine.begin() as connection:
            metadata.create_all(connection)
            try:
                connection.execute(table.insert(), [row, empty])
                stored = [r._asdict() for r in connection.execute(sa.select(table).order_by(table.c.id))]
                line = json.dumps([list(r.values()) for r in stored], default=dump_format.encode_value)
                reflected = sa.Table("backup_types_probe", sa.MetaData(), autoload_with=connection)
                decoders = [(c, dump_format.column_decoder(reflected, c)) for c in stored[0]]
                connection.execute(table.delete())
                loaded = [
                    {c: decode(v) if decode else v for (c, decode), v in zip(decoders, values, strict=True)}
                    for values in json.loads(line)
                ]
                connection.execute(reflected.insert(), loaded)
                again = [r._asdict() for r in connection.execute(sa.select(table).order_by(table.c.id))]
                nulls = connection.execute(sa.select(sa.func.count()).where(table.c.doc.is_(None))).scalar()
            finally:
                metadata.drop_all(connection)
        # After the connection is back in the pool: disposing it first would orphan it.
        dbf.release_database()
    assert again == stored
    assert stored[0]["blob"] == row["blob"] and stored[0]["ref"] == row["ref"]
    assert nulls == 1  # SQL NULL stays SQL NULL, not JSON null


# --- the command line --------------------------------------------------------------------------


def test_cli_backup_and_restore(app, runner, tmp_path):
    add_everything(app)
    result = runner.invoke(args=["backup"])
    assert result.exit_code == 0, result.output
    assert re.fullmatch(r"Backed up to (\S+) \([\d.]+ (kB|MB)\)\.\n", result.output), result.output
    made = Path(result.output.split()[3])
    assert made.exists()

    target = tmp_path / "elsewhere.backup"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0 and target.exists(), result.output
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 1
    assert result.output == f"Error: {target} already exists: give a new file name (a backup never overwrites a file)\n"
    result = runner.invoke(args=["backup", str(tmp_path)])  # a folder: a named file in it
    assert result.exit_code == 0 and str(tmp_path) in result.output

    with app.app_context():
        db.session.execute(db.delete(Recipe))
        db.session.commit()
        dbf.release_database()
    result = runner.invoke(args=["restore", str(target)], input="n\n")  # asks first
    assert result.exit_code == 1 and "Aborted" in result.output
    assert recipe_count(app) == 0
    result = runner.invoke(args=["restore", "--yes", str(target)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Restored {target.name} (schema ")
    assert "2 accounts, 2 recipes" in result.output and "before-restore" in result.output
    assert recipe_count(app) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["restore", "-y", "/no/such/file.db"], "Error: /no/such/file.db: no such file\n"),
        (["restore", "-y", "/"], "Error: / is a folder, not a backup file\n"),
        (["backup", "/no/such/folder/x.db"], "Error: cannot write the backup to /no/such/folder/x.db: "),
    ],
)
def test_cli_errors_are_one_line_and_exit_1(app, runner, args, message):
    result = runner.invoke(args=args)
    assert result.exit_code == 1
    assert result.output.startswith(message) and result.output.count("\n") == 1, result.output
    assert "Traceback" not in result.output


def test_cli_full_disk_is_one_line(app, runner, monkeypatch):
    def full(*args: Any, **kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    result = runner.invoke(args=["backup"])
    assert result.exit_code == 1
    assert re.fullmatch(r"Error: cannot write the backup into \S+/backups: No space left on device\n", result.output)
    assert not list((Path(app.config["RECIPES_CONFIG_DIR"]) / "backups").iterdir())  # nothing half-written


def test_cli_unreachable_database_is_one_line(app_config, tmp_path):
    app = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/recipes"})
    runner = app.test_cli_runner()
    with app.app_context():
        head = head_revision()
    dump = tmp_path / "empty.pgdump.json.gz"  # a whole dump, with no tables
    header = {"format": "recipes-pgdump", "version": 1, "engine": "postgresql", "revision": head, "tables": []}
    dump.write_bytes(gzip.compress(json.dumps(header).encode() + b'\n{"end": {}}\n'))
    for args in (["backup"], ["restore", "-y", str(dump)]):
        result = runner.invoke(args=args)
        assert result.exit_code == 1
        assert result.output.startswith("Error: cannot reach the database: "), result.output
        assert result.output.count("\n") == 1 and "Traceback" not in result.output
    with app.app_context():
        dbf.release_database()


# --- the admin's button ------------------------------------------------------------------------


def test_admin_backs_up_from_the_account_page(app, alice):
    page = alice.get("/auth/account")
    assert "Back up now" in page.text and "No backups yet." in page.text
    response = alice.post("/admin/backups/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/auth/account#backups")
    page = alice.get("/auth/account")
    (info,) = backups_in(app)
    assert f"Backed up to {info.name} ({info.size_label})." in page.text
    assert info.name in page.text and "by hand" in page.text
    with alice.get(f"/admin/backups/{info.name}") as download:
        assert download.status_code == 200
        assert download.data == info.path.read_bytes()
        assert download.headers["Cache-Control"] == "no-store"
        assert f"filename={info.name}" in download.headers["Content-Disposition"]
    assert alice.get("/admin/backups/..%2Fsecret_key").status_code == 404
    assert alice.get("/admin/backups/recipes-20260101-000000-0003.db").status_code == 404  # not there
    assert alice.post("/admin/backups/", csrf=False).status_code == 400


def test_backups_are_hidden_from_everyone_else(app, alice, bob, client):
    alice.post("/admin/backups/")
    (info,) = backups_in(app)
    assert "Back up now" not in bob.get("/auth/account").text
    for visitor in (bob, client):
        assert visitor.post("/admin/backups/").status_code == 404
        assert visitor.get(f"/admin/backups/{info.name}").status_code == 404
    assert len(backups_in(app)) == 1


# --- names -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind", "revision", "engine"),
    [
        ("recipes-20261121-193000-0003.db", "manual", "0003", "sqlite"),
        ("recipes-20261121-193000.2-0003-before-restore.pgdump.json.gz", "before-restore", "0003", "postgresql"),
        ("recipes-20261121-193000-0002-pre-migration.db", "pre-migration", "0002", "sqlite"),
        ("recipes-20261121T193000123456Z-0002.db", "pre-migration", "0002", "sqlite"),  # start-up, before
    ],
)
def test_backup_names_are_understood(tmp_path, name, kind, revision, engine):
    (tmp_path / name).write_bytes(b"x")
    info = services.describe(tmp_path / name)
    assert info is not None
    assert (info.kind, info.revision, info.engine, info.size) == (kind, revision, engine, 1)
    assert info.created.strftime("%Y%m%d%H%M%S") == "20261121193000"


@pytest.mark.parametrize("name", ["recipes.db", "recipes-2026-0003.db", "notes.txt", ".recipes-ab12.tmp.db"])
def test_other_files_are_not_backups(tmp_path, name):
    (tmp_path / name).write_bytes(b"x")
    assert services.describe(tmp_path / name) is None


@pytest.mark.parametrize(
    ("size", "label"), [(0, "0 bytes"), (999, "999 bytes"), (1500, "1.5 kB"), (2_345_678, "2.3 MB")]
)
def test_size_labels(size, label):
    assert services.size_label(size) == label


def test_abandoned_temporary_files_are_removed_fresh_ones_kept(app):
    first = backup_of(app)
    folder = first.parent
    old = folder / ".recipes-0123456789ab.tmp.db"
    fresh = folder / ".recipes-ba9876543210.tmp.db"
    for path in (old, fresh):
        path.write_bytes(b"half a backup")
    os.utime(old, (1, 1))
    backup_of(app)
    assert not old.exists()
    assert fresh.exists()  # perhaps another backup being written right now
