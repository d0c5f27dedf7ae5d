"""Error pages in the site's style, and JSON errors for clients that asked for JSON."""

from __future__ import annotations

import errno
import sqlite3

from flask import Flask, Response, current_app, jsonify, make_response, render_template, request
from flask.globals import request_ctx
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, NotFound

from .database import reads_only
from .extensions import db


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True  # the API answers in JSON whatever the client accepts
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def _not_a_page(status: int, title: str, message: str) -> tuple[Response | str, int] | None:
    """The answer when the site's page is not: JSON for a client that asked for it, bare HTML
    when no URL can be built. None when the site's page it is."""
    if wants_json():
        return jsonify(error={"code": title.lower().replace(" ", "_"), "message": message}), status
    if request_ctx.url_adapter is None:
        # The Host header was refused (TRUSTED_HOSTS): no URL can be built, so no site page.
        return f"<!doctype html><title>{escape(title)}</title><h1>{escape(title)}</h1><p>{escape(message)}</p>", status
    return None


def render_error(status: int, title: str, message: str) -> tuple[Response | str, int]:
    plain = _not_a_page(status, title, message)
    if plain is not None:
        return plain
    return render_template("errors/error.html", status=status, title=title, message=message), status


# A 404 in our words (Werkzeug's speaks of "the requested URL" and "the server"). The same
# for a page that never was and for a recipe someone else keeps private: no hint which.
NOT_FOUND_MESSAGE = "There is no page at this address."


def render_not_found() -> tuple[Response | str, int]:
    plain = _not_a_page(404, "Not Found", NOT_FOUND_MESSAGE)
    if plain is not None:
        return plain
    return render_template("errors/not_found.html", message=NOT_FOUND_MESSAGE), 404


def describe(error: HTTPException) -> str:
    if error.code == 413:
        # The request's own cap: some forms (an export file) allow more than the app's default.
        limit = request.max_content_length or current_app.config.get("MAX_CONTENT_LENGTH") or 0
        return f"That upload is too large: send at most {limit // (1024 * 1024)} MB at a time."
    return error.description or error.name


def handle_http_error(error: HTTPException) -> Response | HTTPException:
    if error.code is None or error.code < 400:
        return error
    if error.code == 404 and error.description == NotFound.description:
        body, status = render_not_found()  # a 404 that says no more than "not found"
    else:
        body, status = render_error(error.code, error.name, describe(error))
    response = make_response(body, status)
    # Keep what the error itself says (Allow on a 405, Retry-After, ...).
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def handle_csrf_error(error: CSRFError) -> tuple[Response | str, int]:
    return render_error(400, "Form expired", "The form was out of date. Go back, reload the page and try again.")


# PostgreSQL's SQLSTATE for "disk_full" (psycopg raises errors.DiskFull with it).
POSTGRES_DISK_FULL = "53100"


def disk_full_cause(error: BaseException) -> BaseException | None:
    """The exception in `error`'s chain that says the disk is full, if any: SQLite's
    SQLITE_FULL ("database or disk is full"), PostgreSQL's disk_full, or ENOSPC/EDQUOT
    from writing a file."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in (errno.ENOSPC, errno.EDQUOT):
            return current
        if isinstance(current, sqlite3.Error) and (
            getattr(current, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
            or "database or disk is full" in str(current)
        ):
            return current
        if getattr(current, "sqlstate", None) == POSTGRES_DISK_FULL:
            return current
        # SQLAlchemy keeps the driver's exception in `orig`; otherwise follow the chain.
        current = getattr(current, "orig", None) or current.__cause__ or current.__context__
    return None


def is_disk_full(error: BaseException) -> bool:
    return disk_full_cause(error) is not None


def disk_full_page() -> tuple[Response | str, int]:
    db.session.rollback()  # the failed write is undone; reads go on as before
    return render_error(
        507,
        "Disk full",
        "The server's disk is full, so nothing was saved. "
        "Whoever runs this server needs to free some space; then try again.",
    )


def is_database_busy(error: BaseException) -> bool:
    """SQLite's write lock stayed taken for the whole busy timeout (another process's long write)."""
    original = getattr(error, "orig", None)
    return isinstance(original, sqlite3.OperationalError) and "database is locked" in str(original)


BUSY_RETRY_SECONDS = 5


def busy_page() -> Response:
    db.session.rollback()
    with reads_only():  # the page itself must not wait for the lock again
        body, status = render_error(
            503, "Busy", "The server is busy saving something else; nothing was saved. Try again."
        )
    response = make_response(body, status)
    response.headers["Retry-After"] = str(BUSY_RETRY_SECONDS)
    return response


def handle_storage_error(error: Exception) -> tuple[Response | str, int] | Response:
    """A full disk is an operator's problem, not a bug: a clear 507 and one log line
    (no traceback). A database that stayed busy is a 503 to retry. Any other database or
    file error goes on to the 500 handler."""
    if is_database_busy(error):
        current_app.logger.warning("Database busy: %s %s saved nothing", request.method, request.path)
        return busy_page()
    cause = disk_full_cause(error)
    if cause is None:
        raise error
    # The driver's own words only: SQLAlchemy's message would add the statement's parameters.
    current_app.logger.error(
        "Disk full: %s %s saved nothing (%s: %s)", request.method, request.path, type(cause).__name__, cause
    )
    return disk_full_page()


def handle_server_error(error: Exception) -> tuple[Response | str, int]:
    original = getattr(error, "original_exception", None)
    if original is not None and is_disk_full(original):
        return disk_full_page()
    db.session.rollback()
    return render_error(500, "Something went wrong", "The server could not finish this request. Nothing was saved.")


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(500, handle_server_error)
    app.register_error_handler(OperationalError, handle_storage_error)
    app.register_error_handler(OSError, handle_storage_error)
