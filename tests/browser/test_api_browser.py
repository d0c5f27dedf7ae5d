"""API tokens and the API docs page, in a real browser against a real Gunicorn."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from .conftest import ARTIFACTS, served_app
from .test_browser import register_first_user


def test_make_use_and_revoke_a_token_then_read_the_docs(page: Page, tmp_path: Path, worker_id: str) -> None:
    with served_app(tmp_path, f"recipes_api_browser_{worker_id}") as base:
        register_first_user(page, base, tmp_path)
        page.get_by_role("link", name="alice").click()
        page.get_by_label("Token name").fill("Home Assistant")
        page.get_by_label("Expires").select_option("never")
        page.get_by_role("button", name="Create token").click()

        secret_field = page.get_by_label(re.compile("Your new token"))
        expect(secret_field).to_have_value(re.compile(r"^rcp_"))
        secret = secret_field.input_value()
        page.get_by_role("button", name="Copy").click()
        expect(page.get_by_role("button", name="Copied")).to_be_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "api-token-created.png"), full_page=True)

        bearer = {"Authorization": f"Bearer {secret}"}
        me = page.request.get(f"{base}/api/v1/me", headers=bearer)
        assert me.status == 200 and me.json()["username"] == "alice"

        page.reload()  # shown once: a reload lists it without the secret
        expect(page.locator("table.tokens")).to_contain_text("Home Assistant")
        assert secret not in page.content()
        expect(page.locator("table.tokens tbody td").nth(4)).to_have_text("just now")  # last used, local time
        page.once("dialog", lambda dialog: dialog.accept())  # revoking asks first
        page.get_by_role("button", name="Revoke the token Home Assistant").click()
        expect(page.get_by_text("Token revoked")).to_be_visible()
        expect(page).to_have_url(re.compile(r"/auth/account#api-tokens$"))
        assert page.request.get(f"{base}/api/v1/me", headers=bearer).status == 401

        page.get_by_role("contentinfo").get_by_role("link", name="API").click()  # the footer link
        expect(page.get_by_role("heading", level=1, name="API")).to_be_visible()
        # Swagger UI (vendored, started by api-docs.js under the CSP) lists every operation.
        expect(page.locator(".opblock")).to_have_count(37)
        expect(page.locator(".opblock-summary-path").first).to_contain_text("/api/v1/")
        page.screenshot(path=str(ARTIFACTS / "api-docs.png"), full_page=True)
