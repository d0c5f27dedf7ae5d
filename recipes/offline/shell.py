"""The app shell the service worker (service-worker.js, beside this file) keeps: the stylesheets,
scripts and icons of static/, the offline page and the manifest, under a version that changes
whenever any of them, the worker or the app's version does. A new version is a new worker (its bytes differ), which
the browser installs and activates on its own: nobody has to clear anything.

Made once per process, from the files as they are at start (a deployment restarts the server)."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

from flask import Flask

# What of static/ the shell holds: every stylesheet, script and picture...
SUFFIXES = frozenset({".css", ".js", ".svg", ".png"})
# ... but the API documentation's viewer (1.9 MB), which is for reading online.
LEFT_OUT = ("vendor/swagger-ui-",)
# The worker's own source, beside this file.
WORKER = Path(__file__).with_name("service-worker.js")
# The templates of the offline page (kept in the shell) and of what every page says about the app.
TEMPLATES = (
    "offline/offline.html",
    "offline/_head.html",
    "offline/_banner.html",
    "base.html",
    "_site_header.html",
)
_EXTENSION = "recipes.offline.shell"


@dataclass(frozen=True)
class Shell:
    version: str  # 16 hex digits
    files: tuple[str, ...]  # paths under static/, sorted


@functools.cache
def worker_source() -> str:
    """The worker's source as it was at start (as the version was made from)."""
    return WORKER.read_text(encoding="utf-8")


def build(static: Path, app_version: str, sources: str) -> Shell:
    """The shell of the files under `static`, for this app version and these `sources` (the
    worker's and the templates')."""
    files = sorted(
        path.relative_to(static).as_posix() for path in static.rglob("*") if path.is_file() and path.suffix in SUFFIXES
    )
    files = [name for name in files if not name.startswith(LEFT_OUT)]
    digest = hashlib.sha256()
    for part in (app_version, sources):
        digest.update(part.encode())
        digest.update(b"\0")
    for name in files:
        digest.update(name.encode() + b"\0")
        digest.update(hashlib.sha256((static / name).read_bytes()).digest())
    return Shell(version=digest.hexdigest()[:16], files=tuple(files))


def shell_of(app: Flask) -> Shell:
    """This app's shell, made on first use."""
    found: Shell | None = app.extensions.get(_EXTENSION)
    if found is None:
        loader = app.jinja_env.loader
        assert loader is not None
        templates = [loader.get_source(app.jinja_env, name)[0] for name in TEMPLATES]
        sources = "\0".join([worker_source(), *templates])
        assert app.static_folder is not None
        found = build(Path(app.static_folder), app.config["RECIPES_VERSION"], sources)
        app.extensions[_EXTENSION] = found
    return found
