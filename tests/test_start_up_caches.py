"""The compiled templates and pint's unit definitions kept between starts (recipes/start_up_caches.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from recipes import start_up_caches
from recipes.ingredients import units


@pytest.fixture
def start(more_apps: Callable[..., Flask]) -> Callable[[], Flask]:
    """A start of the app on this test's config directory, its caches in use."""

    def started() -> Flask:
        made = more_apps()
        start_up_caches.use(made)
        return made

    return started


def _refuse_compiling(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("compiled from the source, not read from the cache")

    monkeypatch.setattr(app.jinja_env, "compile", refuse)


def test_a_template_compiled_once_is_read_back_by_the_next_start(
    app_config: dict[str, Any], start: Callable[[], Flask], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = start()
    first.jinja_env.get_template("auth/login.html")
    kept = list((Path(app_config["RECIPES_CONFIG_DIR"]) / "cache" / "templates").iterdir())
    assert kept
    second = start()
    _refuse_compiling(second, monkeypatch)
    assert second.jinja_env.get_template("auth/login.html") is not None


def test_a_changed_template_is_compiled_again(start: Callable[[], Flask], monkeypatch: pytest.MonkeyPatch) -> None:
    """The key holds a checksum of the source: an upgrade's templates never read an old copy."""
    first = start()
    first.jinja_env.get_template("auth/login.html")
    second = start()
    loader = second.jinja_env.loader
    assert loader is not None
    original = loader.get_source

    def changed(environment: Any, name: str) -> tuple[str, str | None, Any]:
        source, filename, uptodate = original(environment, name)
        return source + "\n{# changed #}", filename, uptodate

    monkeypatch.setattr(loader, "get_source", changed)
    compiled: list[str] = []
    compile_for_real = second.jinja_env.compile

    def counting(source: str, name: str | None = None, filename: str | None = None, raw: bool = False) -> Any:
        compiled.append(name or "")
        return compile_for_real(source, name, filename, raw)

    monkeypatch.setattr(second.jinja_env, "compile", counting)
    second.jinja_env.get_template("auth/login.html")
    assert "auth/login.html" in compiled


def test_a_broken_or_unwritable_cache_never_fails_a_page(
    app_config: dict[str, Any], start: Callable[[], Flask]
) -> None:
    first = start()
    first.jinja_env.get_template("auth/login.html")
    folder = Path(app_config["RECIPES_CONFIG_DIR"]) / "cache" / "templates"
    for kept in folder.iterdir():
        kept.write_bytes(b"not a compiled template")
    second = start()
    assert second.test_client().get("/auth/login", follow_redirects=True).status_code == 200
    assert second.jinja_env.get_template("auth/login.html") is not None
    if os.geteuid() != 0:  # (root writes anywhere: the unwritable case needs another user)
        folder.chmod(0o500)
        try:
            assert start_up_caches.folder(Path(app_config["RECIPES_CONFIG_DIR"]), "templates") is None
        finally:
            folder.chmod(0o700)


def test_no_cache_where_the_folder_cannot_be_made(tmp_path: Path) -> None:
    blocker = tmp_path / "config"
    blocker.mkdir()
    (blocker / "cache").write_text("a file where the folder would be")
    assert start_up_caches.folder(blocker, "templates") is None
    assert start_up_caches.template_cache(blocker) is None


def test_units_read_their_definitions_back(tmp_path: Path) -> None:
    """pint's parsed definitions are kept in the folder and give the same conversions (a fresh
    process each time: the registry is built once per process)."""
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from recipes.ingredients import units
        units.keep_tables_in(Path({str(tmp_path)!r}))
        units.warm()
        print(units.to_base(1, "cup"))
        """
    )
    runs = [subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120) for _ in "ab"]
    assert all(run.returncode == 0 for run in runs), [run.stderr for run in runs]
    assert runs[0].stdout == runs[1].stdout and "volume" in runs[0].stdout
    assert any(tmp_path.rglob("*")), "pint kept nothing"


def _fresh_units(monkeypatch: pytest.MonkeyPatch, folder: Path | None) -> None:
    """As a new process: nothing read yet, the tables kept in `folder`."""
    monkeypatch.setattr(units, "_factor_table", None)
    monkeypatch.setattr(units, "_temperature_table", None)
    monkeypatch.setattr(units, "_registry_instance", None)
    monkeypatch.setattr(units, "_cache_folder", folder)


def _no_pint() -> None:
    raise AssertionError("pint's registry was built")


def test_a_start_that_finds_the_unit_tables_builds_no_registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fresh_units(monkeypatch, tmp_path)
    made = (units.to_base(1, "cup"), units.convert_temperature(350, "fahrenheit", "celsius"))
    assert len(list(tmp_path.glob("tables-*.json"))) == 1
    _fresh_units(monkeypatch, tmp_path)
    monkeypatch.setattr(units, "registry", _no_pint)
    assert (units.to_base(1, "cup"), units.convert_temperature(350, "fahrenheit", "celsius")) == made
    assert made[0] == (pytest.approx(236.588, rel=1e-4), "volume") and made[1] == pytest.approx(176.67, abs=0.01)


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: "not json",
        lambda data: json.dumps({**data, "factors": {k: v for k, v in data["factors"].items() if k != "tablespoon"}}),
        lambda data: json.dumps({**data, "factors": {**data["factors"], "tablespoon": ["volume", -1]}}),
        lambda data: json.dumps({**data, "factors": {**data["factors"], "tablespoon": ["weight", 14.8]}}),
        lambda data: json.dumps({**data, "factors": {**data["factors"], "tablespoon": ["volume", "14.8"]}}),
        lambda data: json.dumps({**data, "temperatures": data["temperatures"][1:]}),
        lambda data: json.dumps({**data, "temperatures": [[s, t, a, None] for s, t, a, _ in data["temperatures"]]}),
        lambda data: json.dumps([]),
    ],
)
def test_damaged_unit_tables_are_made_again_from_pint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: Callable[[dict[str, Any]], str]
) -> None:
    _fresh_units(monkeypatch, tmp_path)
    expected = units.to_base(2, "tablespoon")
    (kept,) = tmp_path.glob("tables-*.json")
    kept.write_text(damage(json.loads(kept.read_text())))
    _fresh_units(monkeypatch, tmp_path)
    assert units.to_base(2, "tablespoon") == expected
    _fresh_units(monkeypatch, tmp_path)  # and kept whole again
    monkeypatch.setattr(units, "registry", _no_pint)
    assert units.to_base(2, "tablespoon") == expected


def test_unit_tables_are_named_by_pint_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fresh_units(monkeypatch, tmp_path)
    first = units._tables_path()
    monkeypatch.setattr(units.metadata, "version", lambda name: "0.0-another")
    assert units._tables_path() != first


def test_without_a_folder_the_tables_come_from_pint(monkeypatch: pytest.MonkeyPatch) -> None:
    _fresh_units(monkeypatch, None)
    assert units.to_base(1, "pound")[1] == "mass"
    assert units._registry_instance is not None
