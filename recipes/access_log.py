"""Gunicorn's access log without secrets: a share link's token is cut to the few characters
its owner sees on the recipe page, and so is a password reset link's. The token is stored
only as a hash; a log that kept it whole (and every log shipper and backup after it) would
undo that.

Named by `logger_class` in config/gunicorn.conf.py.
"""

from __future__ import annotations

import re
from typing import Any

from gunicorn.glogging import Logger

# /s/ and a share token (/l/ a list's), or /auth/reset/ and a reset token (43 URL-safe characters), in a
# path, a request line or a Referer.
SECRET_TOKEN = re.compile(r"(/(?:s|l|auth/reset)/[A-Za-z0-9_-]{6})[A-Za-z0-9_-]{30,}")


def redact(text: str) -> str:
    return SECRET_TOKEN.sub(r"\1...", text)


class AccessLogWithoutSecrets(Logger):
    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict[str, Any]:
        # Every atom a log format could use (the request line, path, Referer, other headers
        # and environ values), so a custom access_log_format cannot bring a token back.
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        return {key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()}
