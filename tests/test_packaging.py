"""`pip install .` must give a working app: templates, static files, migrations and the
default Gunicorn config are inside the wheel, plus the `recipes` console script."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_wheel_carries_everything_the_app_needs(tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    (wheel,) = tmp_path.glob("recipes-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "recipes/__init__.py",
        "recipes/templates/base.html",
        "recipes/templates/cookbook/detail.html",
        "recipes/static/app.css",
        "recipes/static/search.js",
        "recipes/search/service.py",
        "recipes/demo/generator.py",
        "recipes/demo/catalogue.py",
        "recipes/_migrations/versions/0002_search_index_and_total_minutes.py",
        "recipes/static/vendor/pico-2.1.1/pico.pumpkin.min.css",
        "recipes/static/vendor/pico-2.1.1/LICENSE.md",
        "recipes/_defaults/gunicorn.conf.py",
        "recipes/_migrations/env.py",
        "recipes/_migrations/alembic.ini",
        "recipes/_migrations/script.py.mako",
        "recipes/_migrations/versions/0001_initial_schema.py",
        "recipes/ingredients/data/densities.csv",
        "recipes/ingredients/data/food_aliases.csv",
        "recipes/ingredients/parser.py",
        "recipes/ingredients/model.crfsuite",
        "recipes/shopping/data/aisles.csv",
    ):
        assert required in names, required
    # Every module, template, script and stylesheet of the package: a new sub-package that
    # setup.py does not list would be missing from the container.
    shipped = {
        path.relative_to(REPO).as_posix()
        for path in (REPO / "recipes").rglob("*")
        if path.is_file() and path.suffix in (".py", ".html", ".js", ".css", ".svg") and "__pycache__" not in path.parts
    }
    assert shipped - names == set()
    migrations = {f"recipes/_migrations/versions/{p.name}" for p in (REPO / "migrations" / "versions").glob("*.py")}
    assert migrations - names == set()
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "recipes = recipes.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
    assert not any("__pycache__" in n or n.startswith("tests/") for n in names)
