"""Cross-cutting protections: safe redirects, security headers, trusted hosts and proxies."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

from flask import Flask, Response, request
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix

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


def init_app(app: Flask) -> None:
    app.after_request(set_security_headers)
    trusted = app.config["RECIPES_TRUSTED_HOSTS"]
    if trusted:
        # First of all the request's work (before the CSRF check, the session's user...).
        app.before_request_funcs.setdefault(None, []).insert(0, _refuse_untrusted_hosts(trusted))
    proxies = app.config["RECIPES_PROXY_COUNT"]
    if proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies, x_prefix=proxies
        )
