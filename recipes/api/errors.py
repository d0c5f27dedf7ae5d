"""API errors: always `{"error": {"code": ..., "message": ...}}` with the right 4xx, and
for invalid input the field at fault (`field`) and every message by field (`fields`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Response, jsonify
from werkzeug.exceptions import HTTPException

from ..database import release_transaction
from ..errors import describe


class ApiError(Exception):
    def __init__(
        self, status: int, code: str, message: str, *, headers: Mapping[str, str] | None = None, **extra: Any
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})
        self.extra = extra


def invalid(field: str, message: str) -> ApiError:
    return ApiError(422, "invalid", f"{field}: {message}", field=field, fields={field: [message]})


def error_response(error: ApiError) -> Response:
    release_transaction()  # nothing half-done is kept
    body = {"code": error.code, "message": error.message, **error.extra}
    response = jsonify(error=body)
    response.status_code = error.status
    response.headers.update(error.headers)
    return response


def _flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """webargs' nested messages ({"json": {"ingredients": {0: ["..."]}}}) as
    {"ingredients.0": ["..."]}; the location level is dropped."""
    if isinstance(messages, Mapping):
        flat: dict[str, list[str]] = {}
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            flat.update(_flatten(value, name))
        return flat
    if isinstance(messages, list | tuple) and all(isinstance(m, str) for m in messages):
        return {prefix or "body": [str(m) for m in messages]}
    return {prefix or "body": [str(messages)]}


def from_http_exception(error: HTTPException) -> ApiError:
    """Our error for a Werkzeug one; webargs' validation failures carry their messages."""
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    if messages:
        by_location = messages if isinstance(messages, Mapping) else {"body": messages}
        fields: dict[str, list[str]] = {}
        for location_messages in by_location.values():
            fields.update(_flatten(location_messages))
        name, texts = next(iter(fields.items()))
        if name == "_schema":
            name = "body"
        status = error.code or 422
        return ApiError(status, "invalid", f"{name}: {texts[0]}", field=name, fields=fields)
    code = (error.name or "error").lower().replace(" ", "_")
    api_error = ApiError(error.code or 500, code, describe(error))
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            api_error.headers[name] = value
    return api_error
