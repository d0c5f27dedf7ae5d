"""A hostile page against the real server: Gunicorn's sync worker must answer, not be killed."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from . import database_fixtures as dbf
from .live_server import Browser, GunicornServer, signup_form
from .site_server import serve_site


@pytest.mark.slow
@pytest.mark.skipif(dbf.using_postgres(), reason="the worker's behaviour does not depend on the database")
def test_a_page_built_to_stall_the_parser_is_refused_and_the_worker_lives(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "SECRET_KEY_FILE", "DATABASE_URL")}
    env.update({"RECIPES_CONFIG_DIR": str(tmp_path), "WEB_CONCURRENCY": "1", "RECIPES_IMPORT_ALLOW_PRIVATE": "true"})
    trap = {"@context": "https://schema.org", "@type": "Recipe", "name": "Trap", "recipeIngredient": ["<" * 2_000_000]}
    plain = {"@context": "https://schema.org", "@type": "Recipe", "name": "Plain", "recipeIngredient": ["1 egg"]}
    server = GunicornServer(tmp_path, env)
    base = server.start()
    try:
        with serve_site() as site:
            site.page("/trap", f'<script type="application/ld+json">{json.dumps(trap)}</script>')
            site.page("/plain", f'<script type="application/ld+json">{json.dumps(plain)}</script>')
            browser = Browser()
            assert browser.submit(f"{base}/auth/register", signup_form(tmp_path)) == 302
            started = time.monotonic()
            status, page = browser.post_form(f"{base}/recipes/import", {"url": site.url("/trap")})
            took = time.monotonic() - started
            assert status == 422, page[:2000]
            assert "took too long" in page
            # The extraction deadline (8 s), not the whole import's (40 s) nor minutes: generous
            # for a loaded machine, still short of the next deadline that could end it.
            assert took < 30, took
            # The same (only) worker goes on serving.
            assert browser.submit(f"{base}/recipes/import", {"url": site.url("/plain")}) == 302
    finally:
        server.stop()
    log = server.log()
    assert "WORKER TIMEOUT" not in log and "was sent SIGKILL" not in log, log[-3000:]
