"""Cross-cutting protections: safe redirects, security headers, what may be cached, trusted hosts
and proxies."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import ParamSpec
from urllib.parse import urlsplit

from flask import Flask, Response, make_response, request, session
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix

P = ParamSpec("P")

# What browsers (and any cache between) may keep. The rule is here, once: every answer to a
# signed-in browser or an API caller is PRIVATE unless its view said otherwise (`no_store`
# where it shows a secret; pictures and share links say their own), and is never for a shared
# cache unless it says `public`. Answers to anyone else (the login page, static files, the
# health check, share links) keep what they send.
# PRIVATE: never in a shared cache; a browser may keep it, but asks again before every use
# (a recipe made private, a revoked token: the next look sees it, not a copy).
PRIVATE = "private, no-cache"
# Kept nowhere, not even in the browser's history cache: pages that show a secret.
NO_STORE = "no-store"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def is_safe_redirect(target: str | None) -> bool:
    """True only for a path on this site: `/recipes/1`, never `//evil`, `/\\evil` or `https://evil`."""
    if not target or not target.startswith("/"):
        return False
    if target.startswith("//") or "\\" in target:
        return False
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def set_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    return response


def host_is_trusted(host: str, trusted: Sequence[str]) -> bool:
    """Whether `host` (a request's `name[:port]`) is one of the `trusted` names (lower case,
    see config.trusted_hosts), ignoring case and port. A name with a leading dot takes itself
    and every name under it; an IPv6 address is written in brackets, "[::1]"."""
    name = host.lower()
    name = name.partition("]")[0] + "]" if name.startswith("[") else name.partition(":")[0]
    return any(name == ref or (ref.startswith(".") and (name == ref[1:] or name.endswith(ref))) for ref in trusted)


def _refuse_untrusted_hosts(trusted: Sequence[str]) -> Callable[[], None]:
    def refuse_untrusted_host() -> None:
        if not host_is_trusted(request.host, trusted):
            raise SecurityError(f"This server does not answer to the name {request.host!r}.")

    return refuse_untrusted_host


def no_store(view: Callable[P, ResponseReturnValue]) -> Callable[P, Response]:
    """For a view whose answer may show a secret (a new API token, a new share link): `no-store`."""

    @functools.wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> Response:
        response = make_response(view(*args, **kwargs))
        response.headers["Cache-Control"] = NO_STORE
        return response

    return wrapped


def _answers_someone() -> bool:
    """Whether the request came with credentials, so its answer may hold someone's own data:
    a login in the session cookie, or an Authorization header (an API token). Read from the
    request alone: no database round trip, and right even when the login has ended. The
    app's static files are the same for everyone, whoever asks."""
    if request.endpoint == "static":
        return False
    return "_user_id" in session or "Authorization" in request.headers


# Cache-Control values that already keep an answer out of shared caches.
_NOT_SHARED = frozenset({PRIVATE, NO_STORE})


def set_cache_policy(response: Response) -> Response:
    """An answer to someone is PRIVATE unless its view chose; whatever it chose, it is never
    for a shared cache unless it says `public` (a download sent as plain `no-cache` gets `private`)."""
    if not _answers_someone():
        return response
    value = response.headers.get("Cache-Control")
    if value is None:
        response.headers["Cache-Control"] = PRIVATE
        return response
    if value in _NOT_SHARED:
        return response  # (the pages' own choices, known without parsing the header)
    chosen = response.cache_control  # (parsed from the header at each access: read once)
    if not (chosen.public or chosen.private or chosen.no_store):
        chosen.private = True
    return response


def init_app(app: Flask) -> None:
    app.after_request(set_security_headers)
    trusted = app.config["RECIPES_TRUSTED_HOSTS"]
    if trusted:
        # First of all the request's work (before the CSRF check, the session's user...).
        app.before_request_funcs.setdefault(None, []).insert(0, _refuse_untrusted_hosts(trusted))
    app.after_request(set_cache_policy)
    proxies = app.config["RECIPES_PROXY_COUNT"]
    if proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies, x_prefix=proxies
        )
