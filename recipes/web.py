"""Small helpers the page views share."""

from __future__ import annotations

from flask_wtf import FlaskForm


def form_status(form: FlaskForm) -> int:
    """400 when a submitted form has errors (so scripts notice), else 200."""
    return 400 if any(field.errors for field in form) else 200
