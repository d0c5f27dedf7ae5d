"""Error pages in the site's style, and JSON errors for clients that asked for JSON."""

from __future__ import annotations

from flask import Flask, Response, current_app, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .extensions import db


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True  # the API answers in JSON whatever the client accepts
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def render_error(status: int, title: str, message: str) -> tuple[Response | str, int]:
    if wants_json():
        return jsonify(error={"code": title.lower().replace(" ", "_"), "message": message}), status
    return render_template("errors/error.html", status=status, title=title, message=message), status


def describe(error: HTTPException) -> str:
    if error.code == 413:
        # The request's own cap: some forms (an export file) allow more than the app's default.
        limit = request.max_content_length or current_app.config.get("MAX_CONTENT_LENGTH") or 0
        return f"That upload is too large: send at most {limit // (1024 * 1024)} MB at a time."
    return error.description or error.name


def handle_http_error(error: HTTPException) -> Response | HTTPException:
    if error.code is None or error.code < 400:
        return error
    body, status = render_error(error.code, error.name, describe(error))
    response = make_response(body, status)
    # Keep what the error itself says (Allow on a 405, Retry-After, ...).
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def handle_csrf_error(error: CSRFError) -> tuple[Response | str, int]:
    return render_error(400, "Form expired", "The form was out of date. Go back, reload the page and try again.")


def handle_server_error(error: Exception) -> tuple[Response | str, int]:
    db.session.rollback()
    return render_error(500, "Something went wrong", "The server could not finish this request. Nothing was saved.")


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(500, handle_server_error)
