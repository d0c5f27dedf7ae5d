from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, redirect, request, url_for
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> Response:
    # Programs and curl get JSON; a browser (which prefers HTML) goes to the recipes.
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    if best == "text/html":
        return redirect(url_for("cookbook.index"))  # type: ignore[return-value]
    return jsonify(message="Recipes is running", version=current_app.config["RECIPES_VERSION"])


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    try:
        db.session.execute(text("SELECT 1")).scalar_one()
    except SQLAlchemyError as exc:
        db.session.rollback()
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:200]
        current_app.logger.warning("health check failed: %s", reason)
        return jsonify(status="error", reason=f"database unavailable: {reason}"), 503
    return jsonify(status="ok"), 200
