"""The import page: one address opens the imported recipe; a list is imported in turn.

With JavaScript (static/import.js) a list is sent one address per request, so the page
shows progress; each such request asks for JSON, and its outcome is written to the list's
results page (importing/results.py). Without it the server imports the list for up to
BULK_BUDGET seconds and redirects to its results page, which hands back what it did not
get to. An export file's import redirects to its results page too: a reload shows them
again, it does not import again.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from ..database import release_transaction
from ..errors import render_error, wants_json
from ..extensions import csrf
from ..request_body import accepts_body_up_to
from ..web import form_status
from . import results
from .files.parsed import FileRejected
from .files.service import import_file
from .forms import FileImportForm, ImportForm
from .pages.service import ImportPolicy, Outcome, import_urls, outcome_of

bp = Blueprint("importing", __name__, url_prefix="/recipes")

# Seconds a list may run in one request without JavaScript before it stops starting new
# imports; one more (at most IMPORT_DEADLINE, 40 s) still ends inside Gunicorn's 60 s timeout.
BULK_BUDGET = 12.0


@bp.before_request
@login_required
def require_login() -> None:
    """Importing is for signed-in users."""


def _outcome_json(outcome: Outcome) -> tuple[Response, int]:
    """The outcome in the page's own JSON (static/import.js reads it)."""
    body: dict[str, object] = {"status": outcome.status, "url": outcome.url, "message": outcome.message}
    if outcome.recipe is not None:
        body["recipe"] = {
            "id": outcome.recipe.id,
            "title": outcome.recipe.title,
            "url": url_for("cookbook.detail", recipe_id=outcome.recipe.id),
        }
    if outcome.code:
        body["code"] = outcome.code
    response = jsonify(body)
    response.headers.update(outcome.headers)
    return response, outcome.http_status


def _form_error_json(form: ImportForm) -> tuple[Response, int]:
    message = next((error for field in form for error in field.errors), "The form was not valid; reload the page.")
    return jsonify({"error": {"code": "invalid", "message": message}}), 400


def _import_page(form: ImportForm, file_form: FileImportForm | None = None) -> str:
    return render_template("importing/import.html", form=form, file_form=file_form or FileImportForm())


def _results_redirect(kind: str, summary: dict[str, object]) -> Response | None:
    """Keep an import's results and send the browser to their page (post/redirect/get: a
    reload shows them again). None if they cannot be kept (the login ended meanwhile)."""
    key = results.keep(current_user.get_id(), kind, summary)
    if key is None:
        return None
    return redirect(url_for("importing.results_page", results_key=key), code=303)


@bp.route("/import", methods=["GET", "POST"])
def import_page() -> Response | tuple[str, int] | tuple[str, int, dict[str, str]] | tuple[Response, int]:
    form = ImportForm()
    if request.method == "GET":
        form.url.data = request.args.get("url", "")  # a bookmarklet or share target can fill it in
        return _import_page(form), 200
    if not form.validate_on_submit():
        if wants_json():
            return _form_error_json(form)
        return _import_page(form), form_status(form)

    policy = ImportPolicy.from_config(current_app.config)
    urls = form.urls
    if len(urls) > 1:
        outcomes = list(import_urls(current_user, urls, policy, budget=BULK_BUDGET, again=form.again.data))
        entries = [results.outcome_entry(outcome) for outcome in outcomes]
        summary = results.addresses_summary(entries, again=bool(form.again.data))
        redirected = _results_redirect(results.ADDRESSES, summary)
        if redirected is not None:
            return redirected
        return _addresses_page(summary), 200

    outcome = outcome_of(current_user, urls[0], policy, again=form.again.data)
    if wants_json():
        answer = _outcome_json(outcome)
        if form.run.data:  # one address of a list the page's script imports: its results page hears of it
            results.record(current_user.get_id(), form.run.data, results.outcome_entry(outcome))
        return answer
    if outcome.status == "imported" and outcome.recipe is not None:
        flash(f"Imported “{outcome.recipe.title}”. Check it over and edit anything you like.", "success")
        if outcome.message:
            flash(outcome.message, "warning")
        return redirect(url_for("cookbook.detail", recipe_id=outcome.recipe.id))
    if outcome.status == "exists":
        return render_template("importing/exists.html", outcome=outcome, form=form), 200
    form.url.errors.append(outcome.message)
    return _import_page(form), outcome.http_status, outcome.headers


@bp.post("/import/runs")
def start_run() -> tuple[Response, int]:
    """The page's script asks before importing a list: which addresses the text holds (the
    server's reading of it, the only one) and, for two or more, a results page to record
    their outcomes in, which a reload of the page then shows."""
    form = ImportForm()
    if not form.validate_on_submit():
        return _form_error_json(form)
    urls = form.urls
    body: dict[str, object] = {"urls": urls, "run": None, "results_url": None}
    if len(urls) > 1:
        summary = results.addresses_summary([results.not_tried(url) for url in urls], again=bool(form.again.data))
        key = results.keep(current_user.get_id(), results.ADDRESSES, summary)
        if key is not None:
            body.update(run=key, results_url=url_for("importing.results_page", results_key=key))
    return jsonify(body), 200


def _addresses_page(summary: dict[str, Any]) -> str:
    """What became of a list of addresses; those not tried yet can be sent again."""
    outcomes = summary["outcomes"]
    left = [entry["url"] for entry in outcomes if entry["status"] == "skipped"]
    form = ImportForm(formdata=None, url="\n".join(left), again=summary.get("again", False))
    return render_template("importing/results.html", outcomes=outcomes, form=form, left=left)


@bp.get("/import/results/<results_key>")
def results_page(results_key: str) -> tuple[str, int] | tuple[Response | str, int]:
    found = results.find(current_user.get_id(), results_key)
    if found is None:
        return render_error(
            404,
            "Results not kept",
            "These import results are not kept any more: an import's results wait a day, for the login "
            "that imported. The recipes it imported are in your recipes.",
        )
    kind, summary = found
    if kind == results.FILE:
        return render_template("importing/file_summary.html", summary=summary), 200
    return _addresses_page(summary), 200


# Export files with pictures are big; this one form may send more than the app's usual cap.
MAX_FILE_MB = 512
# Seconds of picture decoding one request may spend (Gunicorn stops a worker at 60 s); the
# recipes whose pictures are not done by then are imported without them, and the summary says so.
PICTURE_BUDGET = 30.0


@bp.post("/import/file")
@csrf.exempt  # checked below, once the larger size cap is in place
@accepts_body_up_to(MAX_FILE_MB * 1024 * 1024)  # CSRFProtect would read it under the app's 16 MB cap
def import_file_page() -> Response | tuple[str, int]:
    # The body is already in (request_body.py); the file is read and its pictures decoded
    # without SQLite's write lock, which this POST took when it loaded the user.
    release_transaction()
    csrf.protect()  # token and, over HTTPS, same-origin Referer: as on every other form
    file_form = FileImportForm()
    form = ImportForm(formdata=None)
    upload = file_form.file.data
    if upload is None or not getattr(upload, "filename", ""):
        file_form.file.errors = ["Choose the export file to import."]
        return render_template("importing/import.html", form=form, file_form=file_form), 400
    try:
        summary = import_file(current_user, upload.read(), upload.filename or "", picture_budget=PICTURE_BUDGET)
    except FileRejected as exc:
        file_form.file.errors = [exc.message]
        return render_template("importing/import.html", form=form, file_form=file_form), 422
    shown = results.file_summary(summary)
    redirected = _results_redirect(results.FILE, shown)
    if redirected is not None:
        return redirected
    return render_template("importing/file_summary.html", summary=shown), 200
