"""The `recipes` command (also `python -m recipes` and `flask --app recipes`).

It is a FlaskGroup, so Flask-Migrate's `db upgrade` and every Flask command are here too.
"""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext

from .database import write_intent


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


@click.command("create-user")
@click.argument("username")
@click.option("--admin", is_flag=True, help="Make the account an administrator.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of asking for it.")
@with_appcontext
def create_user_command(username: str, admin: bool, password_stdin: bool) -> None:
    """Create an account. The first account is always an admin."""
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
        return
    role = "admin" if user.is_admin else "user"
    click.echo(f"Created {role} {user.username!r}.")


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
        return
    click.echo(f"recipes: config directory {directory} is ready")


def _create_app() -> Flask:
    from . import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
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
    from .auth.services import find_user
    from .cookbook.bulk import add_recipes
    from .cookbook.services import RecipeInvalid
    from .demo.generator import generate

    user = find_user(username)
    if user is None:
        _fail(f"no user named {username!r} (create one with: recipes create-user {username})")
        return
    with write_intent(), click.progressbar(length=count, label=f"Adding {count} recipes", file=sys.stderr) as bar:
        try:
            added = add_recipes(user, generate(count, seed=seed), on_batch=bar.update)
        except RecipeInvalid as exc:
            _fail(f"a generated recipe was invalid ({exc.field}: {exc.message}); nothing was added")
            return
    click.echo(f"Added {len(added)} recipes for {user.username}.")


def init_app(app: Flask) -> None:
    app.cli.add_command(create_user_command)
    app.cli.add_command(search_group)
    app.cli.add_command(demo_data_command)
