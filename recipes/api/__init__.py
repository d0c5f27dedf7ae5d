"""The JSON API (`/api/v1`), its OpenAPI document (`/api/openapi.json`) and docs page (`/api/docs`)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, render_template
from flask_smorest import Api

from ..version import __version__
from . import lists, plan_views, schemas
from .views import bp as api_bp

__all__ = ["init_app", "lists", "plan_views"]  # lists, plan_views: their routes join api_bp as they are imported

docs_bp = Blueprint("api_docs", __name__, url_prefix="/api")


@docs_bp.get("/docs")
def docs() -> str:
    """A readable page for the document (Swagger UI, vendored; started by static/api-docs.js)."""
    return render_template("api/docs.html")


class RecipesApi(Api):
    """flask-smorest, with our error shape documented and the site's own error pages kept:
    its handler would answer every error on every page in JSON."""

    ERROR_SCHEMA = schemas.Error

    def _register_error_handlers(self) -> None:
        """The API blueprint handles its own errors (api.errors); the rest of the site keeps errors.py."""


SPEC_OPTIONS: dict[str, Any] = {
    "info": {
        "description": (
            "Your recipes, for scripts and other apps. Make a token on your account page (or with "
            "`recipes create-token USER`) and send it as `Authorization: Bearer <token>`. "
            'Errors are `{"error": {"code": ..., "message": ...}}`.'
        )
    },
    "components": {"securitySchemes": {"token": {"type": "http", "scheme": "bearer"}}},
    "security": [{"token": []}],
}


def init_app(app: Flask) -> None:
    app.config.update(
        API_TITLE="Recipes",
        API_VERSION=__version__,
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS=SPEC_OPTIONS,
    )
    api = RecipesApi(app)
    api.register_blueprint(api_bp)
    app.register_blueprint(docs_bp)
