"""Start-up work shared by the container entrypoint and `make run`."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from recipes import atomic_files, bootstrap
from recipes.schema import migrations_directory

from .database_fixtures import release_database, using_postgres

needs_sqlite = pytest.mark.skipif(using_postgres(), reason="start-up backups are of the SQLite file")


@pytest.fixture
def env(monkeypatch, tmp_path):
    """A clean environment pointing at an empty config directory."""
    for name in ("SECRET_KEY", "SECRET_KEY_FILE", "DATABASE_URL", "RECIPES_ALLOW_SIGNUP", "RECIPES_PROXY_COUNT"):
        monkeypatch.delenv(name, raising=False)
    directory = tmp_path / "config"
    monkeypatch.setenv("RECIPES_CONFIG_DIR", str(directory))
    return directory


def test_secret_key_generated_once_with_mode_600(env):
    config = {"RECIPES_CONFIG_DIR": str(env)}
    key = bootstrap.load_secret_key(config)
    path = env / "secret_key"
    assert len(key) >= 43  # 32+ random bytes, base64
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert bootstrap.load_secret_key(config) == key
    assert [p.name for p in env.iterdir() if p.name.startswith(".")] == []  # no temp files left


def test_secret_key_from_environment_wins(env, tmp_path):
    key_file = tmp_path / "key.txt"
    key_file.write_text("from-a-file-0123456789-0123456789-abcdef\n")
    assert bootstrap.load_secret_key({"SECRET_KEY": "explicit", "SECRET_KEY_FILE": str(key_file)}) == "explicit"
    assert bootstrap.load_secret_key({"SECRET_KEY_FILE": str(key_file)}) == "from-a-file-0123456789-0123456789-abcdef"
    assert not (env / "secret_key").exists()


@pytest.mark.parametrize("content", [None, ""])
def test_unusable_secret_key_file_is_a_clear_error(tmp_path, content):
    key_file = tmp_path / "key.txt"
    if content is not None:
        key_file.write_text(content)
    with pytest.raises(bootstrap.BootstrapError, match="SECRET_KEY_FILE"):
        bootstrap.load_secret_key({"SECRET_KEY_FILE": str(key_file)})


def test_write_atomically_keeps_the_first_writer(tmp_path):
    target = tmp_path / "file"
    assert atomic_files.write_atomically(target, b"first")
    assert not atomic_files.write_atomically(target, b"second")
    assert target.read_bytes() == b"first"


def test_gunicorn_config_seeded_but_never_overwritten(env):
    env.mkdir()
    path = bootstrap.seed_gunicorn_config(env)
    assert 'wsgi_app = "recipes.preload:app"\npreload_app = True' in path.read_text()
    path.write_text("# my own settings\nworkers = 1\n")
    bootstrap.seed_gunicorn_config(env)
    assert path.read_text() == "# my own settings\nworkers = 1\n"


@needs_sqlite
def test_run_prepares_everything_and_is_repeatable(env):
    assert bootstrap.run() == env.resolve()
    assert {p.name for p in env.iterdir()} >= {"secret_key", "gunicorn.conf.py", "recipes.db", "backups"}
    # The unit tables made for the server's start (start_up_caches.prepare): its master never builds pint's registry.
    assert len(list((env / "cache" / "units").glob("tables-*.json"))) == 1
    key = (env / "secret_key").read_text()
    bootstrap.run()
    assert (env / "secret_key").read_text() == key
    assert list((env / "backups").iterdir()) == []  # nothing to back up: no migration was pending


@needs_sqlite
def test_a_restart_with_nothing_to_migrate_loads_no_alembic(env):
    """The usual restart: the database is at the shipped head, asked without Alembic (schema.is_at_head)."""
    bootstrap.run()  # a new database: migrated
    script = textwrap.dedent(
        """
        import logging, sys
        from recipes import bootstrap
        logging.basicConfig(level=logging.INFO)
        bootstrap.run()
        print("loaded:", sorted(name for name in ("alembic", "flask_migrate", "pint") if name in sys.modules))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=os.environ, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "loaded: []" in done.stdout
    assert "database schema is up to date" in done.stderr


@needs_sqlite
def test_start_up_loads_no_page_code(env):
    """`recipes bootstrap` migrates with the start-up app: the configuration and the database. The
    pages' code (which Gunicorn's master loads anyway) would double what a restart takes."""
    script = textwrap.dedent(
        """
        import sys
        from recipes import bootstrap
        bootstrap.run()
        loaded = sorted(name for name in sys.modules if name.startswith(("recipes.api", "recipes.cookbook.views")))
        print("loaded:", loaded)
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=os.environ, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "loaded: []" in done.stdout
    assert (env / "recipes.db").exists()


def test_unwritable_config_dir_names_the_uid(tmp_path):
    directory = tmp_path / "locked"
    directory.mkdir()
    if os.geteuid() == 0:
        # Root can write anywhere; check for real as an unprivileged user in a subprocess.
        os.chmod(tmp_path, 0o755)
        os.chown(directory, 0, 0)
        os.chmod(directory, 0o755)
        script = (
            "import sys; from recipes import bootstrap; from pathlib import Path\n"
            "try:\n    bootstrap.ensure_layout(Path(sys.argv[1]))\nexcept bootstrap.BootstrapError as e:\n"
            "    print(e); sys.exit(1)\n"
        )
        result = subprocess.run(
            [
                "setpriv",
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                sys.executable,
                "-c",
                script,
                str(directory),
            ],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])},
        )
        assert result.returncode == 1, result.stderr
        assert result.stdout.strip() == (
            f"config directory {directory} is not writable: give uid 65534 write access to {directory}"
        )
    else:
        os.chmod(directory, 0o500)
        with pytest.raises(bootstrap.BootstrapError, match=f"give uid {os.getuid()} write access to {directory}"):
            bootstrap.ensure_layout(directory)


def test_backups_are_pruned_to_the_newest(tmp_path):
    for n in range(8):
        (tmp_path / f"recipes-2026010{n}T000000Z-x.db").write_bytes(b"")
    (tmp_path / "my-own-file.db").write_bytes(b"")
    deleted = bootstrap.prune_backups(tmp_path, keep=5)
    assert len(deleted) == 3
    assert sorted(p.name for p in tmp_path.iterdir())[:2] == ["my-own-file.db", "recipes-20260103T000000Z-x.db"]


FAILING_MIGRATION = textwrap.dedent('''
    """a migration that breaks halfway"""
    from alembic import op
    import sqlalchemy as sa

    revision = "9999"
    down_revision = "{head}"
    branch_labels = None
    depends_on = None


    def upgrade():
        op.create_table("half_done", sa.Column("id", sa.Integer(), primary_key=True))
        op.execute("UPDATE recipe SET title = 'damaged'")
        if {commit_midway}:
            # Like a migration that must commit part of its work: rollback cannot undo it.
            op.get_bind().commit()
        raise RuntimeError("simulated failure")


    def downgrade():
        pass
''')


@needs_sqlite
@pytest.mark.parametrize("commit_midway", [False, True], ids=["rolled-back", "restored-from-backup"])
def test_failed_migration_leaves_the_database_as_it_was(env, tmp_path, commit_midway):
    from recipes import create_app
    from recipes.extensions import db
    from recipes.models import Recipe

    bootstrap.run()
    app = create_app()
    with app.app_context():
        from recipes.auth.services import create_user

        user = create_user("alice", "correct horse")
        db.session.add(Recipe(owner_id=user.id, title="Keep me", ingredients=[], instructions=[]))
        db.session.commit()
        head = db.session.execute(db.text("SELECT version_num FROM alembic_version")).scalar()
        release_database()

    broken = tmp_path / "migrations"
    shutil.copytree(migrations_directory(), broken)
    (broken / "versions" / "9999_broken.py").write_text(
        FAILING_MIGRATION.format(head=head, commit_midway=commit_midway)
    )
    app = create_app({"RECIPES_MIGRATIONS_DIR": str(broken)})
    with pytest.raises(bootstrap.BootstrapError) as failure:
        bootstrap.migrate(app)
    message = str(failure.value)
    assert "simulated failure" in message and "left as it was" in message
    backups = list((env / "backups").glob("recipes-*.db"))
    assert len(backups) == 1 and str(backups[0]) in message

    with sqlite3.connect(env / "recipes.db") as connection:
        assert connection.execute("SELECT title FROM recipe").fetchall() == [("Keep me",)]
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [(head,)]
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "half_done" not in tables
    with sqlite3.connect(backups[0]) as connection:
        assert connection.execute("SELECT title FROM recipe").fetchall() == [("Keep me",)]


def test_bad_database_url_is_one_clear_line(env, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "nosuchdb://x")
    with pytest.raises(bootstrap.BootstrapError, match="DATABASE_URL is not a usable database URL"):
        bootstrap.run()


def test_unreachable_database_is_one_clear_line(env, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/recipes")
    with pytest.raises(bootstrap.BootstrapError, match="cannot reach the database"):
        bootstrap.run()


def _migrate_in_a_new_process(config: dict) -> str | None:
    from recipes import bootstrap, create_app
    from recipes.database import write_intent

    with write_intent():
        return bootstrap.migrate(create_app(config))


def test_several_processes_starting_together_migrate_once(app_config, tmp_path):
    """Two app containers on one database start at the same moment."""
    import multiprocessing

    from recipes import create_app
    from recipes.schema import current_revision, head_revision

    from . import database_fixtures as dbf

    if dbf.using_postgres():
        url = dbf.create_postgres_database(f"recipes_race_{os.getpid()}")
    else:
        url = f"sqlite:///{tmp_path / 'race.db'}"
    config = {**app_config, "SQLALCHEMY_DATABASE_URI": url}
    context = multiprocessing.get_context("spawn")
    with context.Pool(3) as pool:
        results = pool.map(_migrate_in_a_new_process, [config] * 3)
    assert results == [None, None, None]  # an empty database needs no backup
    app = create_app(config)
    with app.app_context():
        assert current_revision() == head_revision()
        release_database()
    if dbf.using_postgres():
        dbf.drop_postgres_database(f"recipes_race_{os.getpid()}")


def test_unreadable_secret_key_is_one_clear_line(env):
    env.mkdir()
    (env / "secret_key").write_bytes(b"\xff\xfe not text")
    with pytest.raises(bootstrap.BootstrapError, match=r"cannot be read .*delete it to make a new one"):
        bootstrap.load_secret_key({"RECIPES_CONFIG_DIR": str(env)})


def test_write_atomically_without_hard_links(tmp_path, monkeypatch):
    def no_links(*args):
        raise PermissionError("hard links not supported")

    monkeypatch.setattr(os, "link", no_links)
    target = tmp_path / "file"
    assert atomic_files.write_atomically(target, b"first")
    assert not atomic_files.write_atomically(target, b"second")
    assert target.read_bytes() == b"first"
    assert [p.name for p in tmp_path.iterdir()] == ["file"]


@needs_sqlite
def test_backup_failure_stops_before_migrating(env, monkeypatch):
    bootstrap.run()
    from recipes import create_app

    def refuse(*args, **kwargs):
        raise sqlite3.OperationalError("unable to open database file")

    monkeypatch.setattr("recipes.backups.create.copy_sqlite", refuse)
    monkeypatch.setattr("recipes.schema.current_revision", lambda: "0000")
    monkeypatch.setattr("recipes.schema.stored_revision", lambda: "0000")  # (what a restart reads first)
    with pytest.raises(bootstrap.BootstrapError, match=r"cannot back up the database into .*nothing was changed"):
        bootstrap.migrate(create_app())


def test_an_unedited_earlier_gunicorn_config_is_brought_up_to_date(env, caplog):
    """A copy still byte for byte an earlier default (here: the sync-worker one of 0.1.0's first
    releases) gets today's; an edited one is kept and named in a warning."""
    import hashlib

    env.mkdir()
    path = env / "gunicorn.conf.py"
    earlier = subprocess.run(
        ["git", "show", "5d6bda5:config/gunicorn.conf.py"], capture_output=True, check=False, cwd=Path(__file__).parent
    )
    if earlier.returncode != 0:
        pytest.skip("not a git checkout with the history")
    assert hashlib.sha256(earlier.stdout).hexdigest() in bootstrap.EARLIER_GUNICORN_CONFIGS
    path.write_bytes(earlier.stdout)
    bootstrap.seed_gunicorn_config(env)
    assert path.read_bytes() == bootstrap.default_gunicorn_config()
    assert 'worker_class = "gevent"' in path.read_text()

    edited = earlier.stdout + b"\nloglevel = 'debug'\n"
    path.write_bytes(edited)
    with caplog.at_level("WARNING"):
        bootstrap.seed_gunicorn_config(env)
    assert path.read_bytes() == edited
    assert "sync workers" in caplog.text


@pytest.mark.parametrize(("cpus", "workers"), [(1, 2), (2, 2), (3, 3), (4, 4), (16, 4)])
def test_default_worker_count_is_one_per_cpu_from_2_to_4(monkeypatch, cpus, workers):
    """Measured on 2 CPUs, more workers than CPUs served no faster and held more memory
    (docs/performance.md, "The worker count"); WEB_CONCURRENCY still decides when set."""
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cpus)), raising=False)
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    settings: dict[str, object] = {}
    exec(bootstrap.default_gunicorn_config(), settings)  # noqa: S102 (our own shipped config file)
    assert settings["workers"] == workers
    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    exec(bootstrap.default_gunicorn_config(), settings)  # noqa: S102
    assert settings["workers"] == 5
