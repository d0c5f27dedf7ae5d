from __future__ import annotations

from flask_wtf.file import FileField

from ..web import Form


class UploadBackupForm(Form):
    # Checked by the view (a missing file is a message, like any refusal).
    backup = FileField(
        "Backup file",
        description="A backup made by Recipes: a .db file (SQLite) or a .pgdump.json.gz file (PostgreSQL).",
    )


class RestoreForm(Form):
    """Only the CSRF token: restoring is a POST, after the confirmation page."""
