"""Extraction in a forked child with a deadline: a hostile page cannot hold a worker."""

from __future__ import annotations

import json
import multiprocessing
import multiprocessing.context
import os
import time

import pytest

from recipes import sandbox
from recipes.importing.pages.extract import NoRecipeFound, extract_recipe


def _pid() -> int:
    return os.getpid()


def _sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "done"


def _fail() -> None:
    raise NoRecipeFound("nothing here")


def _allocate() -> int:
    return len(bytearray(4 * 1024 * 1024 * 1024))  # beyond the child's memory headroom


def _die() -> None:
    os._exit(3)


def _unpicklable() -> object:
    return lambda: None


def test_the_work_runs_in_another_process_and_returns_its_result() -> None:
    assert sandbox.call(_pid, seconds=5) != os.getpid()
    assert sandbox.call(_sleep, 0, seconds=5) == "done"


def test_its_exception_is_raised_here() -> None:
    with pytest.raises(NoRecipeFound, match="nothing here"):
        sandbox.call(_fail, seconds=5)


def test_work_past_the_deadline_is_stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    # The child's pid is taken as it starts, not written by the child: on a loaded machine the
    # deadline may come before the child has run a line of its own.
    started_children: list[int] = []
    start = multiprocessing.context.ForkProcess.start

    def start_and_note(process: multiprocessing.context.ForkProcess) -> None:
        start(process)
        assert process.pid is not None
        started_children.append(process.pid)

    monkeypatch.setattr(multiprocessing.context.ForkProcess, "start", start_and_note)
    started = time.monotonic()
    with pytest.raises(sandbox.TooSlow):
        sandbox.call(_sleep, 30, seconds=0.5)
    # Answered at the deadline, not when the work would have ended: a generous bound for a
    # loaded machine, still far from the work's 30 s.
    assert time.monotonic() - started < 15
    assert len(started_children) == 1
    with pytest.raises(ProcessLookupError):  # and the child is gone, not left sleeping
        os.kill(started_children[0], 0)


def test_a_child_that_runs_out_of_memory_or_dies_is_an_error_not_a_crash() -> None:
    with pytest.raises((MemoryError, sandbox.SandboxError)):
        sandbox.call(_allocate, seconds=10)
    with pytest.raises(sandbox.TooSlow, match="exit code 3"):
        sandbox.call(_die, seconds=5)
    with pytest.raises(sandbox.SandboxError, match="could not send"):
        sandbox.call(_unpicklable, seconds=5)


def test_a_page_that_would_take_minutes_to_read_is_stopped() -> None:
    """recipe-scrapers strips tags with a regex that is quadratic on runs of "<": this page
    takes minutes in the library; in the sandbox it ends at the deadline."""
    hostile = "<" * 300_000
    data = {"@context": "https://schema.org", "@type": "Recipe", "name": "Trap", "recipeIngredient": [hostile]}
    html = f'<script type="application/ld+json">{json.dumps(data)}</script>'
    started = time.monotonic()
    with pytest.raises(sandbox.TooSlow):
        sandbox.call(extract_recipe, html, "http://127.0.0.1/trap", seconds=1.0)
    assert time.monotonic() - started < 30  # generous for a loaded machine, still far from minutes
