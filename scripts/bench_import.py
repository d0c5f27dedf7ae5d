"""Import every corpus page end to end and report the share stored exactly right, and the time.

    .venv/bin/python scripts/bench_import.py [DIR] [--markdown docs/benchmarks.md]

Serves DIR (default tests/data/recipe-pages) from a web server on loopback, imports each page
through the app's own import service (the real fetcher, extractor and database: a fresh SQLite
database in a temporary directory), and compares the stored recipe with the page's expected
title, ingredients and steps (see scripts/corpus_score.py). Pictures are not fetched: they live
on the real sites, and this machine may be offline; `scripts/bench_images.py` times pictures.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_section import write_section  # noqa: E402 (scripts/ is on the path: run as a script)
from corpus_score import DEFAULT_DIR, compare, pages, serve_corpus, served_url, share  # noqa: E402

from recipes import create_app, net  # noqa: E402
from recipes.auth.services import create_user  # noqa: E402
from recipes.database import write_intent  # noqa: E402
from recipes.importing.pages.service import ImportPolicy, import_url  # noqa: E402
from recipes.schema import upgrade  # noqa: E402


def _offline_resolver(real: object) -> object:
    def resolve(host: str, port: int) -> list[object]:
        if host != "127.0.0.1":
            raise OSError("pictures are not fetched in this benchmark")
        return real(host, port)  # type: ignore[operator, no-any-return]

    return resolve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--markdown", type=Path, help="also write the results into this file's 'import' section")
    args = parser.parse_args(argv)
    net.resolve = _offline_resolver(net.resolve)  # type: ignore[assignment]
    logging.getLogger("recipes.net").setLevel(logging.ERROR)  # one "picture not fetched" per page

    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/recipes.db",
                "RECIPES_CONFIG_DIR": tmp,
                "SECRET_KEY": "x" * 40,
            }
        )
        results, times = [], []
        with app.app_context(), serve_corpus(args.directory) as base:
            upgrade()
            with write_intent():
                user = create_user("bench", "a long enough password")
            policy = ImportPolicy(allow_private=True)
            for page, expected in pages(args.directory):
                name = f"{page.parent.name}/{page.name.removesuffix('.html.gz')}"
                started = time.perf_counter()
                with write_intent():
                    recipe = import_url(user, served_url(base, page), policy, again=True).recipe
                seconds = time.perf_counter() - started
                times.append(seconds * 1000)
                results.append(compare(name, json.loads(expected.read_text(encoding="utf-8")), recipe, seconds))

    exact = sum(r.ok for r in results)
    grouped = [r for r in results if r.groups_match is not None]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines = [
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "",
        "| pages | exact match (title, ingredients, steps) | groups as headers | mean | p95 | max | peak RSS |",
        "|---|---|---|---|---|---|---|",
        f"| {len(results)} | {share(exact, len(results))} "
        f"| {share(sum(bool(r.groups_match) for r in grouped), len(grouped))} "
        f"| {statistics.mean(times):.0f} ms | {sorted(times)[int(0.95 * (len(times) - 1))]:.0f} ms "
        f"| {max(times):.0f} ms | {peak_mb:.0f} MB |",
    ]
    failures = [r.name for r in results if not r.ok]
    if failures:
        lines += ["", "Not exact: " + ", ".join(failures)]
    print("\n".join(lines))
    if args.markdown:
        intro = (
            "## URL import\n\n`scripts/bench_import.py`: each corpus page served on loopback and imported through "
            "the app's import service into SQLite (fetch, extract, save; pictures not fetched).\n"
        )
        write_section(args.markdown, "import", intro + "\n" + "\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
