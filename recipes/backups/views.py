"""The admin's backups: "Back up now" and the list (on the account page), downloads, and
restoring one from the browser.

Every route here is for admins only; anyone else gets a 404, as if it did not exist.

Restoring: pick a listed backup, or upload a file (kept in the list as "uploaded" once it
passes the checks); a confirmation page says what the backup holds, what it replaces and that
a safety copy is made first; posting it runs the very restore `recipes restore PATH` runs.
"""

from __future__ import annotations

import os

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response

from ..auth.services import load_user_by_session_token
from ..database import release_transaction
from ..extensions import csrf, db
from ..request_body import accepts_body_up_to
from ..schema import head_revision
from ..web import form_status
from . import services
from .forms import RestoreForm, UploadBackupForm

bp = Blueprint("backups", __name__, url_prefix="/admin/backups")

# An uploaded backup holds every account, recipe and picture, so it is far larger than a form
# (the app's cap is 16 MB). 1 GB holds a library of many thousands of recipes with their
# pictures. The body is spooled to a temporary file as it arrives (request_body.py), never
# held in memory; checking it copies it twice more on disk. A larger backup is restored on
# the server with `recipes restore PATH`, which has no cap.
MAX_UPLOAD_BYTES = 1024 * 1024 * 1024

# How the list names why a backup was made.
WHY = {
    services.MANUAL: "by hand",
    services.PRE_MIGRATION: "before an upgrade",
    services.BEFORE_RESTORE: "before a restore",
    services.UPLOADED: "uploaded",
}


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


@bp.route("/restore", methods=["GET", "POST"])
@csrf.exempt  # checked below, once the larger size cap is in place
@accepts_body_up_to(MAX_UPLOAD_BYTES)  # CSRFProtect would read the body under the app's 16 MB cap
def restore_page() -> Response | tuple[str, int]:
    """Choose a backup to restore: one of the list, or a file uploaded here."""
    form = UploadBackupForm(formdata=None)
    if request.method == "POST":
        release_transaction()  # no write lock held while the file is copied and checked
        csrf.protect()
        form = UploadBackupForm()
        upload = form.backup.data
        if upload is None or not getattr(upload, "filename", ""):
            form.backup.errors = ["Choose a backup file to upload."]
        else:
            label = os.path.basename(upload.filename.replace("\\", "/"))[:100]
            try:
                info = services.keep_upload(upload.stream, label)
            except services.BackupError as exc:
                form.backup.errors = [_for_the_page(str(exc))]
            else:
                return redirect(url_for("backups.restore", name=info.name), 303)
    page = render_template(
        "backups/restore_page.html",
        form=form,
        backups=services.list_backups(),
        max_upload=f"{MAX_UPLOAD_BYTES // 1024**3} GB",
    )
    return page, form_status(form)


@bp.route("/<name>/restore", methods=["GET", "POST"])
def restore(name: str) -> Response | tuple[str, int]:
    """The confirmation page of restoring a listed backup; posting it restores."""
    backup = services.find_backup(name)
    if backup is None:
        abort(404)
    form = RestoreForm()
    if form.validate_on_submit():  # (CSRFProtect has refused a POST without its token)
        release_transaction()
        try:
            report = services.restore_backup(backup.path)
        except services.BackupError as exc:
            # Nothing was replaced: the signed-in admin is as they were, back in a session.
            db.session.add(current_user._get_current_object())
            if isinstance(exc, services.RestoreRefused):
                return _confirmation(backup, form, refused=_for_the_page(str(exc))), 400
            return _confirmation(backup, form, failed=_for_the_page(str(exc))), 503
        return _after_restore(report)
    try:
        contents = services.inspect_backup(backup.path)
    except services.BackupError as exc:
        return _confirmation(backup, form, refused=_for_the_page(str(exc))), 200
    return _confirmation(backup, form, contents=contents), 200


def _confirmation(
    backup: services.BackupInfo,
    form: RestoreForm,
    contents: services.BackupContents | None = None,
    refused: str | None = None,
    failed: str | None = None,
) -> str:
    return render_template(
        "backups/confirm.html",
        backup=backup,
        form=form,
        contents=contents,
        refused=refused,
        failed=failed,
        now=services.describe_rows(services.live_rows()),
        head=head_revision(),
    )


def _after_restore(report: services.RestoreReport) -> Response:
    """Say what was restored, then go on: to the account page, or to the login page when this
    browser's login is not among those the backup brought back (or is no admin's any more)."""
    done = (
        f"Restored {report.source.name}: {services.describe_rows(report.rows)}. What it replaced is in "
        f"the backup {report.safety_copy.name} (listed as “before a restore”)."
    )
    user = load_user_by_session_token(current_user.get_id(), current_app.config["RECIPES_SESSION_DAYS"])
    if user is None:
        logout_user()
        flash(f"{done} This browser's login is not in the backup: log in again, with an account from it.", "success")
        return redirect(url_for("auth.login"))
    flash(done, "success")
    if not user.is_admin:
        return redirect(url_for("cookbook.index"))
    return redirect(url_for("auth.account", _anchor="backups"))


def _for_the_page(message: str) -> str:
    """A restore's message with the backups folder's path left out: files named as listed."""
    folder = str(services.backups_directory()) + os.sep
    return message.replace(folder, "")


@bp.app_context_processor
def backup_listing() -> dict[str, object]:
    """`admin_backups()` for the account page; called only when an admin's page shows it."""

    def admin_backups() -> list[services.BackupInfo]:
        try:
            return services.list_backups()
        except OSError:
            return []

    return {"admin_backups": admin_backups, "backup_why": WHY}
