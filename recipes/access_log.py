"""Gunicorn's access log without secrets. A capability URL, an address whose token *is* the
permission, is cut to the few characters its owner sees of it on the page that lists it: a
recipe's share link (`/s/`), a list's (`/l/`), a password reset link (`/auth/reset/`), a
household invite (`/join/`) and a calendar feed (`/plan/<token>.ics`). Each token is stored only
as a hash; a log that kept it whole (and every log shipper and backup after it) would undo that.

Named by `logger_class` in config/gunicorn.conf.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
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


class _AtomsView(Mapping[str, Any]):
    """A read-through view of one request's atoms: a log line reads the few its format names (9
    in the default format) of the many there are (every header, every environ value), so each
    is worked on only when read (working on them all took 90 µs a request)."""

    def __init__(self, atoms: Mapping[str, Any]) -> None:
        self._atoms = atoms

    def __getitem__(self, key: str) -> Any:
        return self._atoms[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._atoms)

    def __len__(self) -> int:
        return len(self._atoms)


class RedactedAtoms(_AtomsView):
    """Gunicorn's atoms, each cut as `redact` cuts it when it is read."""

    def __getitem__(self, key: str) -> Any:
        value = self._atoms[key]
        return redact(value) if isinstance(value, str) else value

    def __repr__(self) -> str:
        return repr(dict(self.items()))


class LogAtoms(_AtomsView):
    """What a log format reads its atoms from: gunicorn's SafeAtoms rules (a header atom such as
    `%({user-agent}i)s` in any case, "-" for one the request has not, double quotes escaped),
    without copying every atom first."""

    def __getitem__(self, key: str) -> Any:
        try:
            value = self._atoms[key.lower() if key.startswith("{") else key]
        except KeyError:
            return "-"
        return value.replace('"', '\\"') if isinstance(value, str) else value


class AccessLogWithoutSecrets(Logger):
    atoms_wrapper_class = LogAtoms

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> Mapping[str, Any]:
        # Every atom a log format could use (the request line, path, Referer, other headers
        # and environ values), so a custom access_log_format cannot bring a token back.
        return RedactedAtoms(super().atoms(resp, req, environ, request_time))
