"""Lighthouse (npm lighthouse@12.2.3, its mobile defaults) on the recipe list, a recipe, cook mode,
the account page, the household page and the meal plan of a live server, signed in (the login
cookie sent as a header): performance, accessibility and best practices at least 95 each.
Reports (JSON and HTML) and the scores go to test-artifacts/lighthouse/.

Lighthouse lives in tests/lighthouse/ (package.json and its lock file); `npm ci` there puts it
in place: scripts/ensure-test-packages.sh runs it before the suite, and this test does when it
is missing. Only outside CI, on a machine without npm, is the test skipped (saying so).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from .conftest import ARTIFACTS, REPO, chromium_path, serving
from .world import World, build_world

LIGHTHOUSE = REPO / "tests" / "lighthouse"
CLI = LIGHTHOUSE / "node_modules" / "lighthouse" / "cli" / "index.js"
REPORTS = ARTIFACTS / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices")
MINIMUM = 95
PAGES = {
    "list": "/recipes/",
    "recipe": "/recipes/{recipe_id}",
    "cook": "/recipes/{recipe_id}/cook?step=3",
    "account": "/auth/account",
    "household": "/household",
    "plan": "/plan",
}


def lighthouse() -> Path:
    """The Lighthouse CLI, installed with `npm ci` if it is not yet (one worker at a time)."""
    if CLI.exists():
        return CLI
    npm = shutil.which("npm")
    if npm is None:
        if os.environ.get("CI"):
            pytest.fail("npm is missing under CI: scripts/ensure-test-packages.sh installs Node.js and npm")
        pytest.skip("Lighthouse needs Node.js and npm (apt-get install nodejs npm); CI always runs it")
    with (LIGHTHOUSE / ".install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not CLI.exists():
            subprocess.run(
                [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
                cwd=LIGHTHOUSE,
                check=True,
                capture_output=True,
                timeout=600,
            )
    return CLI


@pytest.fixture(scope="module")
def world(browser: Browser, tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[World]:
    config_dir = tmp_path_factory.mktemp("lighthouse")
    with serving(config_dir, f"recipes_lighthouse_{worker_id}") as (base, env):
        yield build_world(browser, base, config_dir, env)


def run_lighthouse(url: str, cookie: str, report: Path, home: Path) -> dict[str, object]:
    """Lighthouse's result (its JSON) for `url`; the JSON and HTML reports are kept beside `report`."""
    cli = lighthouse()
    chromium = chromium_path()
    assert chromium, "Chromium is needed (the browser fixture said so already)"
    report.parent.mkdir(parents=True, exist_ok=True)
    command = [
        "node",
        str(cli),
        url,
        "--quiet",
        "--no-enable-error-reporting",
        f"--only-categories={','.join(CATEGORIES)}",
        "--output=json",
        "--output=html",
        f"--output-path={report}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        f"--extra-headers={json.dumps({'Cookie': cookie})}",
    ]
    # Its own home: nothing of Lighthouse's or Chromium's is kept, or read, elsewhere.
    env = {**os.environ, "CHROME_PATH": chromium, "HOME": str(home)}
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, object] = json.loads(report.with_name(report.name + ".report.json").read_text())
    return result


def scores(result: dict[str, object]) -> dict[str, int]:
    categories = result["categories"]
    assert isinstance(categories, dict)
    return {name: round(100 * (categories[name]["score"] or 0)) for name in CATEGORIES}


def shortfalls(result: dict[str, object]) -> list[str]:
    """The audits that cost points, for the failure message."""
    audits = result["audits"]
    assert isinstance(audits, dict)
    return [
        f"{key}: {audit.get('title')} ({audit.get('displayValue', audit['score'])})"
        for key, audit in audits.items()
        if isinstance(audit.get("score"), (int, float))
        and audit["score"] < 0.9
        and audit.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")
    ]


@pytest.mark.parametrize("name", list(PAGES))
def test_lighthouse_mobile_scores(world: World, name: str, tmp_path: Path) -> None:
    path = PAGES[name].format(recipe_id=world.recipe_id)
    result = run_lighthouse(world.base + path, world.session_cookie, REPORTS / name, tmp_path)
    final = str(result.get("finalDisplayedUrl", ""))
    assert final == world.base + path, f"Lighthouse was sent to {final}: not signed in?"
    got = scores(result)
    with contextlib.suppress(OSError), (REPORTS / "scores.txt").open("a") as log:
        log.write(f"{name} {path}: {json.dumps(got)}\n")
    low = {category: score for category, score in got.items() if score < MINIMUM}
    assert not low, f"{path}: {got}, below {MINIMUM}: {low}\n" + "\n".join(shortfalls(result))
