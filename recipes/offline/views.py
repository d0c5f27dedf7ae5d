"""The manifest at /manifest.webmanifest, the service worker at /sw.js and the offline page at
/offline. None of them holds anything of anyone: the same bytes for every visitor."""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, render_template, request, url_for

from . import keeping
from .shell import shell_of, worker_source

bp = Blueprint("offline", __name__)

# The page's background in Pico's light and dark schemes: the phone's status bar matches it.
THEME_LIGHT = "#ffffff"
THEME_DARK = "#13171f"
ICON_SIZES = (192, 512)


def _scope() -> str:
    """The site's root, under any path prefix a proxy gives it (SCRIPT_NAME)."""
    return f"{request.script_root}/"


def _icon(filename: str, size: str, purpose: str, mime: str = "image/png") -> dict[str, str]:
    return {"src": url_for("static", filename=filename), "sizes": size, "type": mime, "purpose": purpose}


@bp.get("/manifest.webmanifest")
def manifest() -> Response:
    icons = [_icon(f"icons/icon-{n}.png", f"{n}x{n}", "any") for n in ICON_SIZES]
    icons += [_icon(f"icons/maskable-{n}.png", f"{n}x{n}", "maskable") for n in ICON_SIZES]
    icons.append(_icon("favicon.svg", "any", "any", "image/svg+xml"))
    start = url_for("cookbook.index")
    body = {
        "id": start,
        "name": "Recipes",
        "short_name": "Recipes",
        "description": "Your recipes, meal plan and shopping lists, on your own server.",
        "lang": "en",
        "dir": "ltr",
        "start_url": start,
        "scope": _scope(),
        "display": "standalone",
        "orientation": "any",
        "background_color": THEME_LIGHT,
        "theme_color": THEME_LIGHT,
        "categories": ["food", "lifestyle"],
        "icons": icons,
    }
    response = Response(json.dumps(body, indent=1), mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/sw.js")
def service_worker() -> Response:
    """The worker, with this version's shell in it. `no-cache`: the browser asks before every use
    whether it changed (it does so for a worker's script anyway, at least once a day)."""
    shell = shell_of(current_app)
    urls = [url_for("static", filename=name) for name in shell.files]
    urls += [url_for("offline.page"), url_for("offline.manifest")]
    settings = {
        "version": shell.version,
        "shell": urls,
        "scope": _scope(),
        "offlinePage": url_for("offline.page"),
        "keepHeader": keeping.KEEP_HEADER,
        "accountHeader": keeping.ACCOUNT_HEADER,
        "shellHeader": keeping.SHELL_HEADER,
        "looseKinds": sorted(name for name, kind in keeping.KINDS.items() if kind.loose),
        "mostKept": keeping.MOST_KEPT,
    }
    body = f"self.OFFLINE = {json.dumps(settings, indent=1)};\n{worker_source()}"
    response = Response(body, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/offline")
def page() -> str:
    """What the worker shows for a page it does not have: what it has (static/offline-page.js lists it).
    The worker fetches it without credentials; asked by anyone, it shows nobody's things."""
    kinds = [(name, kind.label) for name, kind in keeping.KINDS.items() if kind.label]
    return render_template("offline/offline.html", kinds=kinds)
