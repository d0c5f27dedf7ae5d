"""Time importing a 10,000-recipe export file (the issue's target: under a minute).

    .venv/bin/python scripts/bench_file_import.py [--recipes 10000] [--markdown docs/benchmarks.md]

Builds the file with the demo generator in our own export format and in schema.org JSON-LD
(a list of Recipe objects), then imports each into a fresh SQLite database through the same
service the import page and `recipes import-file` use (reading, duplicate check, saving,
search index), and prints the time and peak memory.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import resource
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_section import write_section  # noqa: E402 (scripts/ is on the path: run as a script)

from recipes import create_app  # noqa: E402
from recipes.auth.services import create_user  # noqa: E402
from recipes.database import write_intent  # noqa: E402
from recipes.demo.generator import generate  # noqa: E402
from recipes.importing.files.service import import_file  # noqa: E402
from recipes.schema import upgrade  # noqa: E402


def native_file(count: int) -> bytes:
    objects = [
        {
            "id": number,
            "title": data.title,
            "description": data.description,
            "ingredients": data.ingredients,
            "instructions": data.instructions,
            "servings": data.servings,
            "prep_time": data.prep_time,
            "cook_time": data.cook_time,
            "total_time": data.total_time,
            "source_url": data.source_url,
            "tags": data.tags,
            "notes": data.notes,
            "nutrition": {},
            "image_url": None,
            "visibility": "private",
            "created_at": "2026-01-01T00:00:00+00:00",
            "updated_at": "2026-01-01T00:00:00+00:00",
        }
        for number, data in enumerate(generate(count, seed=7), start=1)
    ]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("recipes.json", json.dumps(objects))
    return buffer.getvalue()


def schema_org_file(count: int) -> bytes:
    return json.dumps(
        [
            {
                "@context": "https://schema.org",
                "@type": "Recipe",
                "name": data.title,
                "recipeIngredient": data.ingredients,
                "recipeInstructions": [{"@type": "HowToStep", "text": step} for step in data.instructions],
                "keywords": ", ".join(data.tags),
                "prepTime": f"PT{data.prep_time or 0}M",
            }
            for data in generate(count, seed=8)
        ]
    ).encode()


class LockWatch:
    """The longest time a write transaction (SQLite's write lock) stayed open."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._since: float | None = None

    def begin(self, _connection: object) -> None:
        self._since = time.perf_counter()

    def end(self, _connection: object) -> None:
        if self._since is not None:
            self.longest = max(self.longest, time.perf_counter() - self._since)
            self._since = None


def measure(name: str, data: bytes) -> tuple[str, float, int, float, int, int]:
    """(format, seconds, recipes imported, longest write transaction, RSS during, RSS after)."""
    from sqlalchemy import event

    from recipes.extensions import db
    from recipes.memory import resident_bytes

    watch = LockWatch()
    with tempfile.TemporaryDirectory(prefix="bench-file-import-") as tmp:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/recipes.db",
                "RECIPES_CONFIG_DIR": tmp,
                "SECRET_KEY": "x" * 40,
            }
        )
        with app.app_context():
            upgrade()
            event.listen(db.engine, "begin", watch.begin)
            event.listen(db.engine, "commit", watch.end)
            event.listen(db.engine, "rollback", watch.end)
            with write_intent():
                user = create_user("bench", "a long enough password")
                watch.longest = 0.0
                started = time.perf_counter()
                summary = import_file(user, data, name)
                seconds = time.perf_counter() - started
                during = resident_bytes()
            db.session.remove()
    del data
    after = resident_bytes()
    return summary.format, seconds, len(summary.imported), watch.longest, during, after


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipes", type=int, default=10_000)
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args(argv)
    from recipes.memory import give_back, resident_bytes

    rows = []
    mb = 1024 * 1024
    before = resident_bytes()
    for name, build in (("export.zip", native_file), ("recipes.json", schema_org_file)):
        data = build(args.recipes)
        size = len(data)
        file_format, seconds, imported, longest, during, _ = measure(name, data)
        del data  # what the import page lets go of when it answers
        give_back()
        after = resident_bytes()
        rows.append(
            f"| {file_format} | {size / 1e6:.1f} MB | {imported} | {seconds:.1f} s | {longest * 1000:.0f} ms "
            f"| {before / mb:.0f} / {during / mb:.0f} / {after / mb:.0f} MB |"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines = [
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
        f"peak RSS of the whole run {peak:.0f} MB",
        "",
        "| file | size | recipes imported | time | longest write transaction "
        "| RSS before / at the end / after (file let go) |",
        "|---|---|---|---|---|---|",
        *rows,
    ]
    print("\n".join(lines))
    if args.markdown:
        intro = (
            f"## File import\n\n`scripts/bench_file_import.py`: a {args.recipes}-recipe file (demo recipes, no "
            "pictures) imported into an empty SQLite library through the import service. Target: under a minute.\n"
        )
        write_section(args.markdown, "file-import", intro + "\n" + "\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
