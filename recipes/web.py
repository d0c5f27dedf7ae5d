"""Small helpers the page views share."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.datastructures import CombinedMultiDict, MultiDict

from .models import as_utc

# Werkzeug's int converter would pass 2**70 to the database (an overflow on SQLite).
MAX_ID = 2**31 - 1


class Form(FlaskForm):
    """Base of every page form."""

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            # Flask-WTF merges uploaded files into the form data. Files may only reach
            # the form's file fields: a file posted into a text field must not.
            wrapped = super().wrap_formdata(form, formdata)
            if isinstance(wrapped, CombinedMultiDict):
                file_fields = {f.name for f in form if isinstance(f, FileField)}
                files = MultiDict([(k, v) for k, v in request.files.items(multi=True) if k in file_fields])
                return CombinedMultiDict([request.form, files]) if files else request.form
            return wrapped


def form_status(form: FlaskForm) -> int:
    """400 when a submitted form has errors (so scripts notice), else 200."""
    return 400 if any(field.errors for field in form) else 200


def utc_time(moment: datetime | None, missing: str = "—") -> str:
    """A stored time for a page: "2026-11-21 21:41 UTC" (SQLite gives back naive UTC
    datetimes), or `missing` when there is none. A template filter."""
    return as_utc(moment).strftime("%Y-%m-%d %H:%M UTC") if moment is not None else missing
