"""A real server for browser tests: `recipes bootstrap` + Gunicorn on a free loopback port,
driven by Debian's headless Chromium through Playwright."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .. import database_fixtures as dbf
from ..live_server import GunicornServer

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")


def chromium_path() -> str | None:
    configured = os.environ.get("RECIPES_CHROMIUM")
    if configured:
        return configured
    return next((c for c in CHROMIUM_CANDIDATES if os.path.exists(c)), None)


@contextlib.contextmanager
def served_app(config_dir: Path, database: str, **settings: str) -> Iterator[str]:
    """`recipes bootstrap` + Gunicorn on a fresh config directory (and its own PostgreSQL
    database when the suite runs on PostgreSQL), with extra environment `settings`; yields
    the base URL. Fails the test if the server logged a traceback."""
    with serving(config_dir, database, **settings) as (base, _):
        yield base


@contextlib.contextmanager
def serving(config_dir: Path, database: str, **settings: str) -> Iterator[tuple[str, dict[str, str]]]:
    """`served_app`, yielding the server's environment too (for the `recipes` CLI on its data)."""
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "SECRET_KEY_FILE", "DATABASE_URL")}
    env.update({"RECIPES_CONFIG_DIR": str(config_dir), "WEB_CONCURRENCY": "2", **settings})
    if dbf.using_postgres():
        env["DATABASE_URL"] = dbf.create_postgres_database(database)
    server = GunicornServer(config_dir, env)
    try:
        yield server.start(), env
    finally:
        server.stop()
        if dbf.using_postgres():
            dbf.drop_postgres_database(database)
    assert "Traceback" not in server.log(), server.log()


@pytest.fixture(scope="session")
def live_config_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The config directory of `live_server` (where its setup code is)."""
    return tmp_path_factory.mktemp("live-config")


@pytest.fixture(scope="session")
def live_server(live_config_dir: Path, worker_id: str) -> Iterator[str]:
    with served_app(live_config_dir, f"recipes_live_{worker_id}") as base:
        yield base


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    executable = chromium_path()
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing under CI: install Debian's chromium package")
        pytest.skip("Chromium not installed (apt-get install chromium); CI installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: object, request: pytest.FixtureRequest) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    errors: list[str] = []

    def on_console(message: Any) -> None:
        # A form answered with 400 logs "Failed to load resource" for the page itself;
        # failed assets are caught by on_response below instead.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    marker = request.node.get_closest_marker("expected_statuses")
    expected = set(marker.args) if marker else set()

    def on_response(response: Any) -> None:
        if response.request.resource_type == "fetch" and response.status in expected:
            return  # a script asked, and handles this answer (e.g. a failed import's 422)
        if response.status >= 400 and response.request.resource_type != "document":
            errors.append(f"{response.status} for {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    if failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    # Console errors include CSP violations and failed asset loads.
    assert errors == [], errors


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
