"""Recipes: a self-hosted recipe manager.

`create_app` reads like a table of contents: configuration, extensions, blueprints.
Nothing happens at import time.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from .version import __version__

__all__ = ["__version__", "create_app"]


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    from . import (
        api,
        auth,
        bootstrap,
        cli,
        database,
        errors,
        home,
        public_urls,
        request_body,
        search,
        security,
        session_cookie,
        web,
    )
    from . import config as settings
    from .auth.admin_views import bp as accounts_bp
    from .auth.join_views import bp as joining_bp
    from .backups.views import bp as backups_bp
    from .cookbook.marks_views import bp as marks_bp
    from .cookbook.reading_views import bp as readings_bp
    from .cookbook.views import bp as cookbook_bp
    from .cooking.views import bp as cooking_bp
    from .exporting.views import bp as exporting_bp
    from .extensions import csrf, db, migrate
    from .households.admin_views import bp as household_admin_bp
    from .households.views import bp as households_bp
    from .images.views import bp as images_bp
    from .importing.views import bp as importing_bp
    from .planner.views import bp as planner_bp
    from .schema import migrations_directory
    from .sharing.views import bp as sharing_bp
    from .shopping.views import bp as shopping_bp
    from .shopping.views import poll_bp as shopping_poll_bp
    from .shopping.views import shared_bp as shopping_shared_bp

    app = Flask(__name__)
    app.config.from_mapping(settings.build(test_config))
    app.config["SECRET_KEY"] = bootstrap.load_secret_key(app.config)
    app.config["RECIPES_VERSION"] = __version__

    database.init_app(app)
    migrate.init_app(app, db, directory=migrations_directory(), render_as_batch=True)
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
    api.init_app(app)
    request_body.init_app(app)  # outermost: the body is in before anything else runs
    return app
