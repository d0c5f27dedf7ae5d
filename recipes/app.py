"""The app factory: `create_app` reads like a table of contents: configuration, extensions,
blueprints. Nothing happens at import time, and nothing heavy is imported: Gunicorn's master
imports this (through recipes/preload.py) only after gevent has patched the standard library."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .version import __version__

if TYPE_CHECKING:
    from flask import Flask


def create_app(test_config: Mapping[str, Any] | None = None, *, serving: bool = False) -> Flask:
    """The app. `serving`: made for Gunicorn (recipes/preload.py), which never migrates: the
    migrations' tools (Flask-Migrate, Alembic) are then loaded only if something needs them."""

    from . import (
        api,
        auth,
        cli,
        database,
        errors,
        home,
        public_urls,
        request_body,
        search,
        security,
        session_cookie,
        template_urls,
        web,
    )
    from .auth.admin_views import bp as accounts_bp
    from .auth.join_views import bp as joining_bp
    from .backups.views import bp as backups_bp
    from .cookbook.marks_views import bp as marks_bp
    from .cookbook.reading_views import bp as readings_bp
    from .cookbook.views import bp as cookbook_bp
    from .cooking.views import bp as cooking_bp
    from .exporting.views import bp as exporting_bp
    from .extensions import csrf
    from .households.admin_views import bp as household_admin_bp
    from .households.views import bp as households_bp
    from .images.views import bp as images_bp
    from .importing.views import bp as importing_bp
    from .offline import init_app as init_offline
    from .planner.views import bp as planner_bp
    from .schema import register_migrations
    from .sharing.views import bp as sharing_bp
    from .shopping.views import bp as shopping_bp
    from .shopping.views import poll_bp as shopping_poll_bp
    from .shopping.views import shared_bp as shopping_shared_bp

    app = _configured(test_config)
    database.init_app(app)
    if not serving:
        register_migrations(app)
    csrf.init_app(app)
    security.init_app(app)
    session_cookie.init_app(app)
    auth.init_app(app)
    search.init_app(app)
    errors.init_app(app)
    cli.init_app(app)

    app.add_template_filter(web.utc_time)
    app.add_template_global(public_urls.public_url)
    app.register_blueprint(home.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(cookbook_bp)
    app.register_blueprint(readings_bp)
    app.register_blueprint(cooking_bp)
    app.register_blueprint(marks_bp)
    app.register_blueprint(importing_bp)
    app.register_blueprint(images_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(backups_bp)
    app.register_blueprint(exporting_bp)
    app.register_blueprint(sharing_bp)
    app.register_blueprint(households_bp)
    app.register_blueprint(household_admin_bp)
    app.register_blueprint(joining_bp)
    app.register_blueprint(planner_bp)
    app.register_blueprint(shopping_bp)
    app.register_blueprint(shopping_poll_bp)
    app.register_blueprint(shopping_shared_bp)
    init_offline(app)  # the manifest, the service worker, what it may keep offline
    api.init_app(app)
    template_urls.init_app(app)  # once every URL rule is in
    request_body.init_app(app)  # outermost: the body is in before anything else runs
    return app


def create_start_up_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """The app `recipes bootstrap` migrates with: the configuration and the database (the
    migrations' tools are loaded when there is something to migrate), and no pages. Start-up
    reads what it has to do (migrate, read ingredient lines, a setup code) from the database
    only; loading every page's code for that would double the time a restart takes to be
    served (Gunicorn's master loads them anyway)."""
    from . import database

    app = _configured(test_config)
    database.init_app(app)
    return app  # Flask-Migrate is registered when a migration runs (schema.register_migrations)


def _configured(test_config: Mapping[str, Any] | None) -> Flask:
    """A Flask app with the configuration read (the environment, then `test_config`) and the secret key."""
    from flask import Flask

    from . import bootstrap
    from . import config as settings
    from .json_codec import FastJSONProvider

    app = Flask(__name__)
    app.json = FastJSONProvider(app)
    app.config.from_mapping(settings.build(test_config))
    app.config["SECRET_KEY"] = bootstrap.load_secret_key(app.config)
    app.config["RECIPES_VERSION"] = __version__
    return app
