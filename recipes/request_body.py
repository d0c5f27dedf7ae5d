"""The whole request body is in before the app sees the request.

A request's body arrives at the client's pace. Anything the app does before the last byte is in
(loading the signed-in user, counting a rate limit) may open a database transaction, and on SQLite
a state-changing request's transaction holds the write lock: one client sending a few bytes a
minute would then stall every writer on the server. So this WSGI middleware, outermost, reads the
body first (into memory, or a temporary file past SPOOL_IN_MEMORY) and hands the app a request whose
body is already here. Nothing in the app ever waits on the client while it holds a transaction,
on any route, whatever the route does first.

A body longer than its route allows (`accepts_body_up_to`, else the app's MAX_CONTENT_LENGTH) is
not read at all: the app is called with an empty body and the declared length, and refuses it with
its usual 413 page or JSON error. A body that stops arriving for BODY_IDLE_SECONDS is given up on
(408) under a cooperative server (gevent), where a waiting read costs nothing else; under a sync
worker Gunicorn's own timeout does that.
"""

from __future__ import annotations

import contextlib
import io
import sys
import tempfile
from collections.abc import Callable, Iterable
from functools import wraps
from typing import IO, TYPE_CHECKING, Any, TypeVar, cast

from flask import Flask, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.routing import MapAdapter

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

F = TypeVar("F", bound=Callable[..., Any])

SPOOL_IN_MEMORY = 1024 * 1024
CHUNK = 64 * 1024
BODY_IDLE_SECONDS = 60
BODY_LIMIT_ATTRIBUTE = "recipes_body_limit"


def accepts_body_up_to(limit: int) -> Callable[[F], F]:
    """This view takes bodies of up to `limit` bytes (instead of MAX_CONTENT_LENGTH): the
    middleware reads that much in, and the request's own cap says the same to Werkzeug."""

    def decorate(view: F) -> F:
        @wraps(view)
        def limited(*args: Any, **kwargs: Any) -> Any:
            request.max_content_length = getattr(limited, BODY_LIMIT_ATTRIBUTE)
            return view(*args, **kwargs)

        setattr(limited, BODY_LIMIT_ATTRIBUTE, limit)
        return cast(F, limited)

    return decorate


class BodyTimeout(Exception):
    """No byte of the body arrived for BODY_IDLE_SECONDS."""


def _idle_timeout() -> Any:
    """A context manager that bounds one read, where the server is cooperative (gevent)."""
    gevent = sys.modules.get("gevent")
    monkey = sys.modules.get("gevent.monkey")
    if gevent is not None and monkey is not None and monkey.is_module_patched("socket"):
        return gevent.Timeout(BODY_IDLE_SECONDS, BodyTimeout)
    return contextlib.nullcontext()


def _declared_length(environ: WSGIEnvironment) -> int | None:
    raw = environ.get("CONTENT_LENGTH") or ""
    try:
        length = int(raw)
    except ValueError:
        return None
    return length if length >= 0 else None


def _is_chunked(environ: WSGIEnvironment) -> bool:
    return "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()


class BufferedBody:
    """WSGI middleware: read the request body in full before calling the app (see the module)."""

    def __init__(self, app: Flask) -> None:
        self.flask_app = app
        self.wrapped: WSGIApplication = app.wsgi_app

    def body_limit(self, environ: WSGIEnvironment) -> int:
        """The route's cap on the body (its view's `accepts_body_up_to`, else the app's)."""
        default = int(self.flask_app.config.get("MAX_CONTENT_LENGTH") or 0) or sys.maxsize
        adapter: MapAdapter = self.flask_app.url_map.bind_to_environ(environ)
        try:
            endpoint, _ = adapter.match(method=environ.get("REQUEST_METHOD", "GET"))
        except HTTPException:  # no such route (or a redirect to one): the app answers it
            return default
        view = self.flask_app.view_functions.get(str(endpoint))
        return int(getattr(view, BODY_LIMIT_ATTRIBUTE, default))

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        length = _declared_length(environ)
        chunked = _is_chunked(environ)
        if not chunked and not length:
            return self.wrapped(environ, start_response)
        limit = self.body_limit(environ)
        if length is not None and length > limit and not chunked:
            # Refused unread: the app's 413 says so in its own words (page or JSON).
            environ["wsgi.input"] = io.BytesIO(b"")
            return self.wrapped(environ, start_response)
        try:
            body, size = self._read(environ["wsgi.input"], None if chunked else length, limit)
        except RequestEntityTooLarge:
            environ["wsgi.input"] = io.BytesIO(b"")
            environ["CONTENT_LENGTH"] = str(limit + 1)
            environ.pop("HTTP_TRANSFER_ENCODING", None)
            return self.wrapped(environ, start_response)
        except BodyTimeout:
            return _plain(start_response, "408 Request Timeout", "The request body stopped arriving.")
        except OSError:
            return _plain(start_response, "400 Bad Request", "The request body was cut off.")
        if length is not None and size < length and not chunked:
            body.close()
            return _plain(start_response, "400 Bad Request", "The request body was cut off.")
        environ["wsgi.input"] = body
        environ["CONTENT_LENGTH"] = str(size)
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        environ["wsgi.input_terminated"] = False
        try:
            return self.wrapped(environ, start_response)
        finally:
            # The app is done with the body (it never streams one back).
            body.close()

    @staticmethod
    def _read(stream: IO[bytes], length: int | None, limit: int) -> tuple[IO[bytes], int]:
        spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115 (closed by the caller)
        size = 0
        try:
            while length is None or size < length:
                want = CHUNK if length is None else min(CHUNK, length - size)
                with _idle_timeout():
                    chunk = stream.read(want)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise RequestEntityTooLarge()
                spool.write(chunk)
        except BaseException:
            spool.close()
            raise
        spool.seek(0)
        return spool, size


def _plain(start_response: StartResponse, status: str, message: str) -> list[bytes]:
    body = (message + "\n").encode()
    start_response(
        status,
        [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body))), ("Connection", "close")],
    )
    return [body]


def init_app(app: Flask) -> None:
    app.wsgi_app = BufferedBody(app)  # type: ignore[method-assign]
