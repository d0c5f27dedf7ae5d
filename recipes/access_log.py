"""Gunicorn's access log without secrets. A capability URL, an address whose token *is* the
permission, is cut to the few characters its owner sees of it on the page that lists it: a
recipe's share link (`/s/`), a list's (`/l/`), a password reset link (`/auth/reset/`), a
household invite (`/join/`) and a calendar feed (`/plan/<token>.ics`). Each token is stored only
as a hash; a log that kept it whole (and every log shipper and backup after it) would undo that.

Named by `logger_class` in config/gunicorn.conf.py.
"""

from __future__ import annotations

import re
from typing import Any

from gunicorn.glogging import Logger

# The paths a capability token follows (tests/test_access_log.py checks them against the routes).
CAPABILITY_PATHS = ("s", "l", "auth/reset", "join", "plan")
# A slash as written, or percent-encoded (an address sent on in a `next` parameter).
_SLASH = r"(?:/|%2[Ff])"
# One of those paths and a token (43 URL-safe characters; cut after its first 6), in a path, a
# request line, a Referer or a query string.
SECRET_TOKEN = re.compile(
    rf"({_SLASH}(?:{'|'.join(path.replace('/', _SLASH) for path in CAPABILITY_PATHS)}){_SLASH}[A-Za-z0-9_-]{{6}})"
    r"[A-Za-z0-9_-]{30,}"
)


def redact(text: str) -> str:
    return SECRET_TOKEN.sub(r"\1...", text)


class AccessLogWithoutSecrets(Logger):
    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict[str, Any]:
        # Every atom a log format could use (the request line, path, Referer, other headers
        # and environ values), so a custom access_log_format cannot bring a token back.
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        return {key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()}
