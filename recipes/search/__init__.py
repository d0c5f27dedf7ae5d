"""Full-text search over the recipes: one service, SQLite FTS5 or PostgreSQL tsvector behind it."""

from flask import Flask

from .index import init_app as _init_index
from .terms import init_app as _init_terms


def init_app(app: Flask) -> None:
    _init_index(app)
    _init_terms(app)
