"""The installable app: the web app manifest, the service worker (served from the root, so its
scope is the whole site) and what it keeps for reading offline (keeping.py, shell.py)."""

from flask import Flask

from . import keeping
from .views import bp


def init_app(app: Flask) -> None:
    keeping.init_app(app)
    app.register_blueprint(bp)


__all__ = ["init_app"]
