"""The admin's backups: "Back up now" and the list (on the account page), and downloads.

Every route here is for admins only; anyone else gets a 404, as if it did not exist.
Restoring is not offered in the browser: it replaces everyone's data, so it stays a
command on the server (`recipes restore PATH`).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, send_file, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..database import release_transaction
from . import services

bp = Blueprint("backups", __name__, url_prefix="/admin/backups")


@bp.before_request
def admins_only() -> None:
    if not (current_user.is_authenticated and current_user.is_admin):
        abort(404)


@bp.post("/")
def create() -> Response:
    release_transaction()  # hold no write lock while copying
    try:
        path = services.create_backup(services.MANUAL)
    except services.BackupError as exc:
        flash(f"The backup failed: {exc}", "error")
    else:
        flash(f"Backed up to {path.name} ({services.size_label(path.stat().st_size)}).", "success")
    return redirect(url_for("auth.account", _anchor="backups"))


@bp.get("/<name>")
def download(name: str) -> Response:
    # Only a file the listing shows: a name, never a path.
    backup = services.find_backup(name)
    if backup is None:
        abort(404)
    mimetype = "application/vnd.sqlite3" if backup.engine == "sqlite" else "application/gzip"
    response = send_file(backup.path, mimetype=mimetype, as_attachment=True, download_name=backup.name, max_age=0)
    response.headers["Cache-Control"] = "no-store"  # it holds every account's password hash
    return response


@bp.app_context_processor
def backup_listing() -> dict[str, object]:
    """`admin_backups()` for the account page; called only when an admin's page shows it."""

    def admin_backups() -> list[services.BackupInfo]:
        try:
            return services.list_backups()
        except OSError:
            return []

    return {"admin_backups": admin_backups}
