"""Small helpers the page views share."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import current_app, render_template, request
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


# How static/local-time.js shows a time: "3 hours ago" / "in 7 days" (with the local date and
# time as its tooltip), or the local date and time.
TIME_STYLES = ("relative", "datetime")


def utc_time(moment: datetime | str | None, missing: str = "—", style: str = "relative") -> str:
    """A stored time for a page, a template filter: a <time> element (templates/_time.html)
    whose text is the time in UTC, "2026-11-21 21:41 UTC" (what a browser without JavaScript
    shows), which static/local-time.js rewrites in the viewer's own time zone, in the `style`
    of TIME_STYLES. `missing` (plain text) when there is no time. Takes SQLite's naive UTC
    datetimes, and ISO strings (as a session keeps a time)."""
    if style not in TIME_STYLES:
        raise ValueError(f"unknown time style {style!r}: one of {TIME_STYLES}")
    if moment is None:
        return missing
    when = as_utc(datetime.fromisoformat(moment) if isinstance(moment, str) else moment).astimezone(UTC)
    time_tag = current_app.jinja_env.get_template("_time.html").module.time_tag  # type: ignore[attr-defined]
    # The macro's answer is Markup (escaped in the template): it stays so, to be shown as HTML.
    element: str = time_tag(when.strftime("%Y-%m-%dT%H:%M:%SZ"), style, when.strftime("%Y-%m-%d %H:%M UTC"))
    return element


def confirmation_page(*, heading: str, message: str, action: str, button: str, cancel: str) -> str:
    """The page that asks before a change a form with `data-confirm` makes (static/confirm.js
    asks in a dialog instead, where JavaScript runs): `button` posts to `action`, Cancel goes
    back to `cancel` (the place on the page the form was)."""
    return render_template(
        "confirm.html", heading=heading, message=message, action=action, button=button, cancel=cancel
    )


def asks_first() -> bool:
    """Whether a `data-confirm` form was sent without JavaScript: the page must ask first."""
    return bool(request.form.get("ask_first"))
