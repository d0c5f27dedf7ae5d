"""Alembic environment, run by Flask-Migrate inside the app context."""

import logging

from alembic import context
from flask import current_app

from recipes.data_generation import fire_at_each_statement
from recipes.search.index import include_in_autogenerate

# Logging is the app's (or the CLI's) business: no fileConfig here, which would
# replace the handlers and silence the loggers set up before it.
config = context.config
logger = logging.getLogger("alembic.env")

migrate_ext = current_app.extensions["migrate"]
engine = migrate_ext.db.engine
config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
target_metadata = migrate_ext.db.metadata


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    def skip_empty_autogenerate(context, revision, directives):  # type: ignore[no-untyped-def]
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    conf_args = dict(migrate_ext.configure_args)
    conf_args.setdefault("process_revision_directives", skip_empty_autogenerate)
    conf_args.setdefault("compare_type", True)
    conf_args.setdefault("include_name", include_in_autogenerate)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # SQLite rebuilds a table to alter it (batch mode): drop the old, rename the
            # new. With foreign keys on, dropping `user` would cascade-delete every recipe.
            # The pragma only works outside a transaction, so set it on the raw connection.
            connection.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
        try:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                # SQLite can roll DDL back too: a failed upgrade leaves the database as it was.
                transactional_ddl=True,
                **conf_args,
            )
            with context.begin_transaction():
                fire_at_each_statement(connection)
                context.run_migrations()
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"migration left rows with broken foreign keys: {broken[:5]}")
        finally:
            if sqlite:
                connection.connection.driver_connection.execute("PRAGMA foreign_keys = ON")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
