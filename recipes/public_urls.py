"""Absolute URLs handed out to be used elsewhere: share links, JSON-LD's `url` and `image`,
the API's address on its docs page (and, with the planner, calendar feeds).

They are built on RECIPES_BASE_URL when it is set, so a request's `Host` header (which
a page on another site can choose, with DNS rebinding) never reaches them; otherwise on
the address the request came to (restrict it with RECIPES_TRUSTED_HOSTS). Links used by
this app's own pages and by the API are relative and need neither.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context, request, url_for


def public_url(endpoint: str, **values: Any) -> str:
    base: str | None = current_app.config["RECIPES_BASE_URL"]
    if not base:
        return url_for(endpoint, _external=True, **values)
    path = url_for(endpoint, **values)
    # A proxy's path prefix (SCRIPT_NAME) is part of the base URL already.
    root = request.script_root if has_request_context() else ""
    if root and path.startswith(root + "/"):
        path = path[len(root) :]
    return base + path
