"""The app as Gunicorn's master loads it, once, for the workers it forks (`preload_app`, and
`wsgi_app = "recipes.preload:app"` in config/gunicorn.conf.py).

Loaded in each worker, the app cost every worker its own copy of Python's modules, the
templates, the ingredient parser and pint's units: about 74 MiB PSS a worker. Loaded once in
the master and shared by the workers through fork's copy-on-write, most of it is held once.

Three things make the sharing hold:

- gevent patches the standard library (`socket`, `ssl`, `select`, `time`, ...) here, before
  Flask and the app are imported, when the workers are gevent's: what the app's libraries set
  up at import (psycopg picks its way of waiting for the server then) must see gevent's.
  `os` and `signal` are left to each worker (the master must keep hearing SIGCHLD when a
  worker dies: gevent's handling would take it, and the worker would not be replaced), and so
  is `threading`: patched twice, gevent's fork hooks would run twice in every process a worker
  forks (the sandbox's). The locks made here are held only for moments without I/O; the ones a
  request may wait on (the database pools, SQLite's write gate) are made anew in each worker
  once it has patched `threading` (`_after_the_worker_patches`).
- What a worker would otherwise build on its first requests (every template compiled, the
  parser's model, pint's registry and the unit tables) is built here (`warm`), so it is shared
  too. The compiled templates and pint's parsed definitions are kept in the config directory
  between starts (start_up_caches.py), so a restart reads them rather than building them.
- `gc.freeze()` moves everything made so far out of the garbage collector's reach: a
  collection in a worker would otherwise write to every object's header and so copy every
  page the master shares.

A worker lets go of the master's database connections as it starts (database.fresh_after_fork).
"""

from __future__ import annotations

import gc
import sys
import warnings
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def _after_the_worker_patches(event: object) -> None:
    """A gevent worker has patched the rest (threading among it): its database pools and write
    gates are made anew now, so their locks are gevent's."""
    from gevent.events import GeventDidPatchAllEvent

    if isinstance(event, GeventDidPatchAllEvent):
        from .database import fresh_after_fork

        fresh_after_fork()


if "gunicorn.workers.ggevent" in sys.modules:  # Gunicorn loads the worker class before the app
    import zope.event
    from gevent import monkey

    monkey.patch_all(thread=False, os=False, signal=False, subprocess=False)
    # Each worker patches everything as it starts (threading, os and signal too): expected.
    warnings.filterwarnings("ignore", message="Patching more than once", category=monkey.MonkeyPatchWarning)
    zope.event.subscribers.append(_after_the_worker_patches)


def warm(app: Flask) -> None:
    """Build now what the workers would each build on their first requests: the ORM's mappers,
    the URL map's matcher, every template, the parser and pint's units, and what a request
    through the whole app builds (a few anonymous pages). Then the master lets go of its
    database connections: it serves nothing."""
    from sqlalchemy.orm import configure_mappers

    from . import start_up_caches
    from .extensions import db
    from .ingredients import units
    from .ingredients.parser import parse_line

    start_up_caches.use(app)
    configure_mappers()
    for name in app.jinja_env.list_templates(extensions=["html"]):
        app.jinja_env.get_template(name)
    parse_line("2 cups flour, sifted")
    units.warm()
    client = app.test_client()
    for path in ("/healthz", "/", "/auth/login"):
        client.get(path, headers={"Accept": "text/html"})
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def load() -> Flask:
    """The app, built and warmed, its objects frozen out of the collector's reach. (Flask and
    the app are imported here, after gevent's patches.)"""
    from .app import create_app

    made = create_app(serving=True)
    warm(made)
    gc.collect()
    gc.freeze()
    return made


app = load()
