"""Recipes: a self-hosted recipe manager. The app is made by `create_app` (recipes/app.py)."""

from .app import create_app
from .version import __version__

__all__ = ["__version__", "create_app"]
