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


@click.command("disable-user")
@click.argument("username")
@with_appcontext
def disable_user_command(username: str) -> None:
    """Disable an account: logged out everywhere at once, no login, API tokens stopped (until enabled again)."""
    from .auth.lifecycle import disable
    from .auth.services import AccountError

    try:
        with write_intent():
            user = _user_or_fail(username)
            changed = disable(user)
    except AccountError as exc:
        _fail(exc.message)
    if changed:
        click.echo(f"Disabled {user.username!r}: logged out everywhere; its API tokens stop working.")
    else:
        click.echo(f"{user.username!r} was disabled already.")


@click.command("enable-user")
@click.argument("username")
@with_appcontext
def enable_user_command(username: str) -> None:
    """Enable a disabled account again (it can log in, its API tokens work again)."""
    from .auth.lifecycle import enable

    with write_intent():
        user = _user_or_fail(username)
        changed = enable(user)
    click.echo(f"Enabled {user.username!r}." if changed else f"{user.username!r} was enabled already.")


@click.command("delete-user")
@click.argument("username")
@click.option("--move-to", "move_to", metavar="OTHER", help="Keep the recipes: give them to the account OTHER.")
@click.option("--delete-recipes", is_flag=True, help="Delete the account's recipes too.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def delete_user_command(username: str, move_to: str | None, delete_recipes: bool, yes: bool) -> None:
    """Delete an account with its logins and API tokens. Say what becomes of its recipes:
    --move-to OTHER keeps them under another account, --delete-recipes deletes them."""
    from .auth.lifecycle import count_recipes, delete_account, deletion_done, deletion_plan
    from .auth.services import AccountError
    from .database import release_transaction

    if (move_to is None) == (not delete_recipes):
        raise click.UsageError("Say what becomes of the recipes: --move-to OTHER or --delete-recipes (one of them).")
    if not yes:
        user = _user_or_fail(username)
        keeper = _user_or_fail(move_to) if move_to is not None else None
        plan = deletion_plan(user.username, count_recipes(user), keeper.username if keeper else None)
        release_transaction()  # no transaction held open while waiting for an answer
        click.confirm(plan, abort=True, err=True)
    try:
        with write_intent():
            user = _user_or_fail(username)
            keeper = _user_or_fail(move_to) if move_to is not None else None
            name = user.username
            count = delete_account(user, keeper)
    except AccountError as exc:
        _fail(exc.message)
    click.echo(deletion_done(name, count, keeper.username if keeper else None))


@click.command("reset-password")
@click.argument("username")
@click.option(
    "--hours", type=int, default=None, help="How long the link works, in hours  [default: 24; at most a week]"
)
@with_appcontext
def reset_password_command(username: str, hours: int | None) -> None:
    """Make a one-time link for USERNAME to set a new password; it is the last line printed.

    Using it ends the account's logins and API tokens; a newer link replaces an older one.
    The link starts with RECIPES_BASE_URL when that is set, else it is a path on this site."""
    from flask import current_app

    from .auth.lifecycle import make_reset_link, reset_link
    from .auth.services import AccountError

    try:
        with write_intent():
            user = _user_or_fail(username)
            row, secret = make_reset_link(user, hours)
    except AccountError as exc:
        _fail(exc.message)
    click.echo(
        f"A one-time link for {user.username!r} to set a new password, until {row.expires_at:%Y-%m-%d %H:%M} UTC. "
        "It is shown only now:",
        err=True,
    )
    click.echo(reset_link(secret, current_app.config.get("RECIPES_BASE_URL")))


@click.command("create-invite")
@click.argument("username")
@click.option(
    "--days", type=click.IntRange(1, 30), default=7, show_default=True, help="Days until the link expires (1 to 30)."
)
@click.option("--single-use", is_flag=True, help="The link stops working once someone has used it.")
@with_appcontext
def create_invite_command(username: str, days: int, single_use: bool) -> None:
    """Make an invite link to USERNAME's household (USERNAME must be one of its admins); it is
    the last line printed. Whoever opens it signs up into the household (even while sign-up is
    closed), or joins it with their account.

    The link starts with RECIPES_BASE_URL when that is set, else it is a path on this site."""
    from flask import current_app

    from .households.invites import create_invite, invite_link
    from .households.services import HouseholdError

    try:
        with write_intent():
            user = _user_or_fail(username)
            invite, secret = create_invite(user, days, single_use)
            household = invite.household.name
    except HouseholdError as exc:
        _fail(exc.message)
    base = current_app.config.get("RECIPES_BASE_URL")
    uses = "one person" if single_use else "anyone who has it"
    click.echo(
        f"An invite to {household!r} for {uses}, until {invite.expires_at:%Y-%m-%d %H:%M} UTC. It is shown only now:",
        err=True,
    )
    if not base:
        click.echo("(Set RECIPES_BASE_URL to print the whole address; this is its path on the site.)", err=True)
    click.echo(invite_link(secret, base))


@click.command("move-user")
@click.argument("username")
@click.option("--to", "to", metavar="OTHER", help="Into the household of the account OTHER (as a member).")
@click.option("--alone", is_flag=True, help="Into a household of its own (as its admin).")
@with_appcontext
def move_user_command(username: str, to: str | None, alone: bool) -> None:
    """Move an account into another household: OTHER's (--to OTHER) or one of its own (--alone).

    Its recipes stay its own; those it shares with its household are then seen by the new one."""
    from .households.services import household_of, move_account

    if (to is None) == (not alone):
        raise click.UsageError("Say where to: --to OTHER or --alone (one of them).")
    with write_intent():
        user = _user_or_fail(username)
        target = household_of(_user_or_fail(to)) if to is not None else None
        name = target.name if target else None
        departure = move_account(user, target.id if target else None)
    if departure is None:
        click.echo(f"{user.username!r} is there already.")
        return
    click.echo(f"Moved {user.username!r} to {repr(name) if name else 'a household of its own'}.")
    if departure.new_admin:
        click.echo(f"{departure.new_admin!r} is now the admin of {departure.household_name!r}.")


@click.command("bootstrap")
def bootstrap_command() -> None:
    """Prepare the config directory and migrate the database (run before the server starts)."""
    import logging

    from .bootstrap import BootstrapError, run

    logging.basicConfig(level=logging.INFO, format="recipes: %(message)s")
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # (a line per plugin, every start)
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


@click.group("ingredients")
def ingredients_group() -> None:
    """Reading ingredient lines: amounts, units and foods."""


@ingredients_group.command("backfill")
@click.option(
    "--workers",
    type=click.IntRange(0, 64),
    default=None,
    help="Processes that read the lines (0: only this one). Default: one a CPU (at most 4) for 2,000 recipes or more.",
)
@with_appcontext
def backfill_command(workers: int | None) -> None:
    """Read the lines of every recipe not read by this version yet (start-up does this too)."""
    from .extensions import db
    from .ingredients.backfill import backfill

    def progress(done: int, total: int) -> None:
        click.echo(f"\rRead the ingredients of {done} of {total} recipes", nl=False, err=True)

    count = backfill(db.session, progress, workers=workers)
    if count:
        click.echo("", err=True)
    click.echo(f"Read the ingredients of {count} recipes.")


@click.command("parse-ingredient")
@click.argument("lines", nargs=-1, required=True)
def parse_ingredient_command(lines: tuple[str, ...]) -> None:
    """Print how each LINE reads (amount, unit, food, note, ...): one JSON object a line."""
    import json

    from .ingredients.presenting import as_written
    from .ingredients.recipe_lines import read_line
    from .text_cleaning import clean_text

    for line in lines:
        click.echo(json.dumps(as_written(read_line(clean_text(line))), ensure_ascii=False))


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
            place = f" ({row.detail})" if row.detail else ""
            click.echo(f"{label}: {row.name}{place}: {row.reason}", err=True)
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
    app.cli.add_command(disable_user_command)
    app.cli.add_command(enable_user_command)
    app.cli.add_command(delete_user_command)
    app.cli.add_command(reset_password_command)
    app.cli.add_command(create_invite_command)
    app.cli.add_command(move_user_command)
    app.cli.add_command(search_group)
    app.cli.add_command(ingredients_group)
    app.cli.add_command(parse_ingredient_command)
    app.cli.add_command(demo_data_command)
    app.cli.add_command(import_url_command)
    app.cli.add_command(export_command)
    app.cli.add_command(import_file_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
