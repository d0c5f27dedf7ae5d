"""Schemathesis against the real server: the API, as Gunicorn serves it, checked against
its own OpenAPI document. Every check is on (tests/schemathesis.toml says where 4xx answers
are by design): no server errors, no response outside the document, invalid requests
refused and valid ones accepted, resources that outlive their deletion, and more."""

from __future__ import annotations

import re
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest

from .browser.conftest import served_app
from .live_server import Browser, signup_form

BIN = Path(sys.executable).parent
CONFIG = Path(__file__).with_name("schemathesis.toml")
# Fixed, so a failure can be replayed; the examples per operation keep the run near 30 s.
SEED = "20261121"
MAX_EXAMPLES = "50"


def token_from_the_account_page(base: str, config_dir: Path) -> str:
    """Sign up (the first account) and make a token, as a person would."""
    browser = Browser()
    assert browser.submit(f"{base}/auth/register", signup_form(config_dir)) == 302
    _, account = browser.get(f"{base}/auth/account")
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', account)
    assert csrf, account[:500]
    form = urllib.parse.urlencode({"name": "schemathesis", "expires": "30d", "csrf_token": csrf[1]}).encode()
    status, _ = browser.get_with_data(f"{base}/auth/account/tokens", form)
    assert status == 302
    _, page = browser.get(f"{base}/auth/account")
    token = re.search(r'id="new-token" type="text" value="([^"]+)"', page)
    assert token, page[:2000]
    return token[1]


@pytest.mark.slow
def test_schemathesis_finds_nothing(tmp_path: Path, worker_id: str) -> None:
    limits = {"RECIPES_API_RATE_LIMIT": "100000/1m", "RECIPES_IMPORT_RATE_LIMIT": "100000/1m"}
    with served_app(tmp_path, f"recipes_schemathesis_{worker_id}", **limits) as base:
        token = token_from_the_account_page(base, tmp_path)
        run = subprocess.run(
            [
                str(BIN / "st"),
                "--config-file",
                str(CONFIG),
                "run",
                f"{base}/api/openapi.json",
                "--header",
                f"Authorization: Bearer {token}",
                "--checks",
                "all",
                "--max-examples",
                MAX_EXAMPLES,
                "--seed",
                SEED,
                "--generation-database",
                "none",
                "--workers",
                "2",
            ],
            capture_output=True,
            text=True,
            timeout=600,
            cwd=tmp_path,  # its cache and reports stay out of the repository
        )
    assert run.returncode == 0, run.stdout[-20_000:] + run.stderr[-5_000:]
    assert "Tested: 37" in run.stdout, run.stdout[-5_000:]  # every operation was reached
