"""`url_for` in templates, remembered: every page's shell builds the same thirty-odd links (the
stylesheets, the scripts, the menu, the manifest), and Werkzeug builds each one again on every
request (10 µs each, a third of a millisecond for a page).

A link is the same for the same endpoint, arguments and path prefix (`request.script_root`,
which a proxy may set per request), so it is kept under those. Not kept: links to a page
relative to the current blueprint (".index": the key would need the blueprint), external
links (they hold the host a request came in on), arguments that cannot be a key, and anything
built outside a request. The app registers no `url_defaults` callbacks (they could make a link
depend on more than its arguments); init_app refuses to cache if one appears.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, has_request_context, request, url_for

# Links kept per worker: the shells' links and a few hundred pages' worth of others (links
# with ids, on lists and planners). When full, the oldest half goes.
MAX_KEPT = 4096


def remembering_url_for() -> Callable[..., str]:
    """Flask's url_for, remembering the links it builds again and again (one memory per app)."""
    kept: dict[tuple[Any, ...], str] = {}

    def template_url_for(endpoint: str, **values: Any) -> str:
        if endpoint.startswith(".") or values.get("_external") or not has_request_context():
            return url_for(endpoint, **values)
        key = (endpoint, request.script_root, *sorted(values.items()))
        try:
            return kept[key]
        except KeyError:
            pass
        except TypeError:  # an argument that cannot be a key (a list): built every time
            return url_for(endpoint, **values)
        url = url_for(endpoint, **values)
        if len(kept) >= MAX_KEPT:
            for old in list(kept)[: MAX_KEPT // 2]:
                del kept[old]
        kept[key] = url
        return url

    return template_url_for


def init_app(app: Flask) -> None:
    """Templates build their links through a remembering url_for. Call after every blueprint is
    registered."""
    if any(app.url_default_functions.values()):
        return  # a callback could add arguments from the request: build every link
    app.jinja_env.globals["url_for"] = remembering_url_for()
