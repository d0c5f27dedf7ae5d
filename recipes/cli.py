"""The `recipes` command (also `python -m recipes` and `flask --app recipes`).

It is a FlaskGroup, so Flask-Migrate's `db upgrade` and every Flask command are here too.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click
from flask import Flask
from flask.cli import FlaskGroup, ScriptInfo, with_appcontext

from .config import APP_IMPORT_PATH
from .database import write_intent

if TYPE_CHECKING:
    from .importing.pages.service import Outcome
    from .models import User


def _fail(message: str) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


@click.command("create-user")
@click.argument("username")
@click.option("--admin", is_flag=True, help="Make the account an administrator.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of asking for it.")
@with_appcontext
def create_user_command(username: str, admin: bool, password_stdin: bool) -> None:
    """Create an account. The first account is always an admin (no setup code needed here)."""
    from flask import current_app

    from .auth import setup_code
    from .auth.services import AccountError, create_user

    if password_stdin or not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        with write_intent():
            user = create_user(username, password, admin=admin or None)
    except AccountError as exc:
        _fail(exc.message)
    setup_code.discard(Path(current_app.config["RECIPES_CONFIG_DIR"]))  # there is an account now
    role = "admin" if user.is_admin else "user"
    click.echo(f"Created {role} {user.username!r}.")


@click.command("create-token")
@click.argument("username")
@click.option("--name", default="command line", show_default=True, help="What the token is for.")
@click.option(
    "--expires-days", type=click.IntRange(1, 3650), default=None, help="Days until it expires (default: never)."
)
@with_appcontext
def create_token_command(username: str, name: str, expires_days: int | None) -> None:
    """Make an API token for USERNAME. The token is the last line printed; only its hash is kept."""
    from .auth.tokens import TokenError, create_token

    try:
        with write_intent():
            user = _user_or_fail(username)
            row, secret = create_token(user, name, expires_days)
    except TokenError as exc:
        _fail(exc.message)
    expiry = f"expires {row.expires_at:%Y-%m-%d}" if row.expires_at else "never expires"
    click.echo(f"Created API token {row.name!r} for {user.username!r} ({expiry}). It is shown only now:", err=True)
    click.echo(secret)


@click.command("bootstrap")
def bootstrap_command() -> None:
    """Prepare the config directory and migrate the database (run before the server starts)."""
    import logging

    from .bootstrap import BootstrapError, run

    logging.basicConfig(level=logging.INFO, format="recipes: %(message)s")
    try:
        with write_intent():
            directory = run()
    except BootstrapError as exc:
        _fail(str(exc))
    click.echo(f"recipes: config directory {directory} is ready")


class _RecipesGroup(FlaskGroup):
    """`flask --app recipes`, under its own name: the app is found by its import path (as
    Gunicorn finds it), since the CLI stands below the package's top, which imports it."""

    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any
    ) -> click.Context:
        extra.setdefault("obj", ScriptInfo(app_import_path=APP_IMPORT_PATH, set_debug_flag=self.set_debug_flag))
        return super().make_context(info_name, args, parent, **extra)


@click.group(cls=_RecipesGroup, add_version_option=False)
def main() -> None:
    """Recipes: a self-hosted recipe manager."""


main.add_command(bootstrap_command)


@click.group("search")
def search_group() -> None:
    """The full-text search index."""


@search_group.command("reindex")
@with_appcontext
def reindex_command() -> None:
    """Rebuild the search index from the recipes."""
    from .extensions import db
    from .search.index import reindex

    with write_intent():
        count = reindex(db.session)
        db.session.commit()
    click.echo(f"Indexed {count} recipes.")


@click.command("demo-data")
@click.option("--user", "username", required=True, help="The account that will own the recipes.")
@click.option("--recipes", "count", type=click.IntRange(1, 1_000_000), default=100, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same recipes.")
@with_appcontext
def demo_data_command(username: str, count: int, seed: int) -> None:
    """Add realistic, varied demo recipes (for trying the app out and for benchmarks)."""
    from .cookbook.bulk import add_recipes
    from .cookbook.services import RecipeInvalid
    from .demo.generator import generate

    user = _user_or_fail(username)
    with write_intent(), click.progressbar(length=count, label=f"Adding {count} recipes", file=sys.stderr) as bar:
        try:
            added = add_recipes(user, generate(count, seed=seed), on_batch=bar.update)
        except RecipeInvalid as exc:
            _fail(f"a generated recipe was invalid ({exc.field}: {exc.message}); nothing was added")
    click.echo(f"Added {len(added)} recipes for {user.username}.")


@click.command("import-url")
@click.option("--user", "username", required=True, help="The account that will own the recipes.")
@click.option("--again", is_flag=True, help="Import even when the user already has a recipe from that page.")
@click.argument("urls", nargs=-1, required=True)
@with_appcontext
def import_url_command(username: str, again: bool, urls: tuple[str, ...]) -> None:
    """Import recipes from web pages (the same importer as the import page; not rate limited).

    Exits 1 if any address failed; "already imported" is not a failure."""
    from flask import current_app

    from .importing.pages.service import ImportPolicy, import_urls

    user = _user_or_fail(username)
    policy = ImportPolicy.from_config(current_app.config, limited=False)
    failed = 0
    with write_intent():
        for outcome in import_urls(user, dict.fromkeys(urls), policy, again=again):
            failed += outcome.status == "failed"
            _report(outcome)
    if failed:
        sys.exit(1)


@click.command("export")
@click.option("--user", "username", required=True, help="Whose recipes to export.")
@click.argument("path", type=click.Path(dir_okay=False, writable=True, allow_dash=False))
@with_appcontext
def export_command(username: str, path: str) -> None:
    """Write a user's recipes with their pictures to PATH (a zip: recipes.json + images/).

    The file imports back with `recipes import-file` or the import page, here or elsewhere."""
    import os
    import tempfile
    from pathlib import Path

    from .exporting.services import export_library

    user = _user_or_fail(username)
    target = Path(path)
    # Written next to the target and renamed at the end: a failed export never leaves half a file.
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(prefix=".export-", suffix=".zip", dir=target.parent)
        with os.fdopen(handle, "wb") as out:
            count = export_library(user, out)
        os.replace(temporary, target)
        temporary = None
    except OSError as exc:
        _fail(f"could not write {target}: {exc.strerror or exc}")
    finally:
        if temporary:
            Path(temporary).unlink(missing_ok=True)
    click.echo(f"Exported {count} recipes for {user.username} to {target}")


@click.command("import-file")
@click.option("--user", "username", required=True, help="The account that will own the recipes.")
@click.argument("path", type=click.Path(dir_okay=False, allow_dash=False))
@with_appcontext
def import_file_command(username: str, path: str) -> None:
    """Import an export file of another app (Mealie, Tandoor, Nextcloud Cookbook, Paprika,
    CopyMeThat, Chowdown, schema.org JSON) or of Recipes. All of it or nothing.

    Exits 1 if the file cannot be imported; recipes skipped or already there are listed."""
    from pathlib import Path

    from .importing.files.parsed import FileRejected
    from .importing.files.service import import_file

    user = _user_or_fail(username)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        _fail(f"could not read {path}: {exc.strerror or exc}")
    try:
        with write_intent():
            summary = import_file(user, data, Path(path).name)
    except FileRejected as exc:
        _fail(exc.message)
    for label, rows in (
        ("Skipped", summary.skipped),
        ("Already there", summary.duplicates),
        ("Without picture", summary.picture_problems),
    ):
        for row in rows:
            click.echo(f"{label}: {row.where}: {row.reason}", err=True)
    click.echo(
        f"Imported {len(summary.imported)} recipes from a {summary.format} file for {user.username} "
        f"({len(summary.duplicates)} already there, {len(summary.skipped)} skipped)."
    )


@click.command("backup")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@with_appcontext
def backup_command(path: Path | None) -> None:
    """Back up the whole database, consistently, even while the app is serving.

    Into the config directory's backups/ folder (older backups made by hand are then
    pruned to RECIPES_BACKUP_KEEP), or into the folder PATH, or as the new file PATH.
    SQLite: a copy of the database; PostgreSQL: a dump (.pgdump.json.gz)."""
    from .backups.services import BackupError, create_backup, size_label

    try:
        made = create_backup(target=path)
    except BackupError as exc:
        _fail(str(exc))
    click.echo(f"Backed up to {made} ({size_label(made.stat().st_size)}).")


@click.command("restore")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(path: Path, yes: bool) -> None:
    """Replace everything in the database with the backup PATH (then migrate it up to date).

    The file is checked first; a safety copy of the current database goes into backups/."""
    from .backups.services import BackupError, restore_backup

    if not yes:
        click.confirm(f"Replace all accounts, recipes and pictures with the contents of {path}?", abort=True, err=True)
    try:
        report = restore_backup(path)
    except BackupError as exc:
        _fail(str(exc))
    click.echo(report.summary())


def _report(outcome: Outcome) -> None:
    recipe = outcome.recipe
    if outcome.status == "imported" and recipe is not None:
        click.echo(f"Imported {recipe.title!r} as recipe {recipe.id} from {outcome.url}")
        if outcome.message:
            click.echo(f"Warning: {outcome.message}", err=True)
    elif outcome.status == "exists" and recipe is not None:
        click.echo(f"Already imported: {outcome.url} is recipe {recipe.id} (use --again for a copy)")
    else:
        click.echo(f"Error: {outcome.url}: {outcome.message}", err=True)


def _user_or_fail(username: str) -> User:
    from .auth.services import find_user

    user = find_user(username)
    if user is None:
        _fail(f"no user named {username!r} (create one with: recipes create-user {username})")
    return user


def init_app(app: Flask) -> None:
    app.cli.add_command(create_user_command)
    app.cli.add_command(create_token_command)
    app.cli.add_command(search_group)
    app.cli.add_command(demo_data_command)
    app.cli.add_command(import_url_command)
    app.cli.add_command(export_command)
    app.cli.add_command(import_file_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
