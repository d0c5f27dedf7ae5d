"""How long reading the ingredient lines of a whole library takes: `recipes ingredients backfill` on
50,000 recipes (about half a million lines), end to end, and the start-up path (`recipes bootstrap`).

    python scripts/bench_ingredient_backfill.py [--recipes N] [--markdown docs/benchmarks.md]
    python3 scripts/with_postgres.py -- .venv/bin/python scripts/bench_ingredient_backfill.py ...

Each run starts from a library as migration 0011 leaves one: every recipe with its lines and no
readings. The library is the demo generator's (recipes/demo/generator.py: bootstrap, create-user,
demo-data) with its ingredient lines set to one of three mixes:

  - demo: the generator's own lines, which repeat a lot ("1 tsp salt");
  - corpus: every line drawn at random from the labelled corpus lines (../shared/corpus/ingredients,
    lines written by people on two recipe sites), section headers kept: a library with a long tail;
  - distinct: every line different (corpus lines with their first number changed): the worst case,
    nothing to remember.

The report gives each mix's lines and distinct lines, the wall time and the CPU time of the command
(its processes together), on SQLite and, with TEST_DATABASE_URL set (scripts/with_postgres.py), on
PostgreSQL. After each run it checks that every recipe was read, one reading a line.
Target (issue 16): <= 60 s for 50,000 recipes.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_section import write_section  # noqa: E402
from ingredient_corpus import corpus_files, read_rows  # noqa: E402

from recipes.ingredients.batch_reading import default_workers  # noqa: E402

BIN = Path(sys.executable).parent
USER = "bench"
PASSWORD = "bench-password-for-loopback-only"  # noqa: S105 (a throwaway account on a temporary database)
TARGET_SECONDS = 60.0
MIXES = ("demo", "corpus", "distinct")
SAMPLE = ROOT / "tests" / "data" / "ingredients"


@dataclass
class Run:
    database: str
    mix: str
    command: str
    lines: int
    distinct: int
    wall: float
    cpu: float
    workers: int
    load: float  # the 1-minute load average when the run started


def default_corpus() -> Path:
    for candidate in (ROOT.parent / "shared" / "corpus" / "ingredients", Path("/work/shared/corpus/ingredients")):
        if corpus_files(candidate):
            return candidate
    return SAMPLE


def app_env(config_dir: Path, url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY", "SECRET_KEY_FILE")}
    env.update(RECIPES_CONFIG_DIR=str(config_dir), PYTHONPATH=str(ROOT), LOG_LEVEL="warning")
    if url:
        env["DATABASE_URL"] = url
    return env


def run(command: list[str], env: dict[str, str], stdin: str = "") -> tuple[float, float]:
    """Run to completion; (wall seconds, CPU seconds of it and its children), or fail with its output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, env=env, input=stdin, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def build(config_dir: Path, url: str | None, recipes: int) -> None:
    env = app_env(config_dir, url)
    config_dir.mkdir(parents=True, exist_ok=True)
    print(f"building {recipes} demo recipes ({'PostgreSQL' if url else 'SQLite'}) ...", flush=True)
    run([str(BIN / "recipes"), "bootstrap"], env)
    run([str(BIN / "recipes"), "create-user", USER, "--admin"], env, stdin=PASSWORD + "\n")
    wall, _ = run([str(BIN / "recipes"), "demo-data", "--user", USER, "--recipes", str(recipes)], env)
    print(f"  demo-data took {wall:.1f} s", flush=True)


def distinct_lines(corpus: list[str]) -> Iterator[str]:
    """Corpus lines, then the same lines with their first number raised by 1, 2, ... (or a number
    put in front): never the same line twice."""
    seen: set[str] = set()
    step = 0
    while True:
        for line in corpus:
            if step == 0:
                variant = line
            elif re.search(r"\d+", line):
                variant = re.sub(r"\d+", lambda m, step=step: str(int(m.group()) + step), line, count=1)
            else:
                variant = f"{step + 1} {line}"
            if variant not in seen:
                seen.add(variant)
                yield variant
        step += 1


def mixed_library(mix: str, demo: dict[int, list[str]], corpus: list[str], seed: int = 0) -> dict[int, list[str]]:
    """Each recipe's lines for `mix` (same number of lines as the demo recipe)."""
    if mix == "demo":
        return demo
    rng = random.Random(seed)  # noqa: S311 (a repeatable sample, not a secret)
    if mix == "corpus":
        return {
            rid: [line if line.rstrip().endswith(":") else rng.choice(corpus) for line in lines]
            for rid, lines in demo.items()
        }
    fresh = distinct_lines(corpus)
    return {rid: [next(fresh) for _ in lines] for rid, lines in demo.items()}


def engine_url(config_dir: Path, url: str | None) -> str:
    return url or f"sqlite:///{config_dir / 'recipes.db'}"


def demo_lines(url: str) -> dict[int, list[str]]:
    from sqlalchemy import create_engine, select

    from recipes.models import Recipe

    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(select(Recipe.id, Recipe.ingredients).order_by(Recipe.id)).all()
    engine.dispose()
    return {rid: list(lines) for rid, lines in rows}


def set_library(url: str, library: dict[int, list[str]]) -> None:
    """The lines of every recipe set, and no readings: what migration 0011 leaves."""
    from sqlalchemy import bindparam, create_engine, text, update

    from recipes.models import Recipe

    engine = create_engine(url)
    statement = (
        update(Recipe.__table__)  # type: ignore[arg-type]
        .where(Recipe.__table__.c.id == bindparam("rid"))
        .values(ingredients=bindparam("lines"), ingredient_details=None, ingredients_read_by=None)
    )
    items = [{"rid": rid, "lines": lines} for rid, lines in library.items()]
    with engine.begin() as connection:
        for start in range(0, len(items), 5000):
            connection.execute(statement, items[start : start + 5000])
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM" if url.startswith("sqlite") else "VACUUM ANALYZE recipe"))
    engine.dispose()


def check_read(url: str, library: dict[int, list[str]]) -> None:
    """Every recipe read, one reading a line, each reading naming its line."""
    from sqlalchemy import create_engine, select

    from recipes.ingredients.recipe_lines import READER_VERSION
    from recipes.models import Recipe

    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(select(Recipe.id, Recipe.ingredient_details, Recipe.ingredients_read_by)).all()
    engine.dispose()
    for rid, details, version in rows:
        lines = library[rid]
        if version != READER_VERSION or details is None or [d["text"] for d in details] != lines:
            raise SystemExit(f"recipe {rid} was not read right: version {version}, {details!r:.200}")


def wait_for_load(below: float | None, minutes: float) -> None:
    """On a machine shared with other work: wait (at most `minutes`) until its 1-minute load average
    is below `below` before a measured run."""
    if below is None:
        return
    deadline = time.monotonic() + 60 * minutes
    while os.getloadavg()[0] >= below and time.monotonic() < deadline:
        time.sleep(10)


def measure(
    database: str,
    config_dir: Path,
    url: str | None,
    mixes: list[str],
    corpus: list[str],
    startup: bool,
    quiet: tuple[float | None, float] = (None, 0),
) -> list[Run]:
    runs: list[Run] = []
    sql_url = engine_url(config_dir, url)
    demo = demo_lines(sql_url)
    env = app_env(config_dir, url)
    for mix in mixes:
        library = mixed_library(mix, demo, corpus)
        lines = sum(len(v) for v in library.values())
        distinct = len({line for v in library.values() for line in v})
        commands = [("recipes ingredients backfill", ["ingredients", "backfill"])]
        if startup and mix == mixes[-1]:
            commands.append(("recipes bootstrap", ["bootstrap"]))
        for label, args in commands:
            set_library(sql_url, library)
            print(f"{database} {mix}: {len(library)} recipes, {lines} lines ({distinct} distinct): {label}", flush=True)
            wait_for_load(*quiet)
            load = os.getloadavg()[0]
            wall, cpu = run([str(BIN / "recipes"), *args], env)
            check_read(sql_url, library)
            runs.append(Run(database, mix, label, lines, distinct, wall, cpu, default_workers(len(library)), load))
            print(f"  {wall:.1f} s wall, {cpu:.1f} s CPU (load {load:.1f} at the start)", flush=True)
    return runs


def report(runs: list[Run], recipes: int) -> list[str]:
    cpus = len(os.sched_getaffinity(0))
    rows = [
        "## Ingredient backfill",
        "",
        f"`scripts/bench_ingredient_backfill.py`: reading the lines of {recipes:,} recipes that have none yet (as",
        "migration 0011 leaves a library), end to end: the command's start, every batch read and written,",
        "its end. The library is the demo generator's with its ingredient lines set to one of three mixes:",
        "*demo* (the generator's own lines, which repeat a lot), *corpus* (each line drawn at random from",
        "the labelled corpus, lines people wrote on two recipe sites: a long tail) and *distinct* (no line",
        "twice: corpus lines with their first number changed; the worst case). CPU: the command's processes",
        "together (the reading workers included; not the PostgreSQL server's). Load: the machine's 1-minute",
        f"load average as the run started ({cpus} CPUs here; other work on the machine slows the wall time).",
        "",
        "| Database | Mix | Lines (distinct) | Command | Workers | Wall | CPU | Load | ≤ 60 s |",
        "|---|---|--:|---|--:|--:|--:|--:|---|",
    ]
    for r in runs:
        rows.append(
            f"| {r.database} | {r.mix} | {r.lines:,} ({r.distinct:,}) | `{r.command}` | {r.workers} | {r.wall:.1f} s "
            f"| {r.cpu:.1f} s | {r.load:.1f} | {'yes' if r.wall <= TARGET_SECONDS else '**no**'} |"
        )
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--recipes", type=int, default=50_000)
    ap.add_argument("--mix", action="append", choices=MIXES, help="the line mixes to run (default: all)")
    ap.add_argument("--corpus", type=Path, default=None, help="folder of labelled CSV files")
    ap.add_argument("--no-startup", action="store_true", help="skip the start-up path (recipes bootstrap)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    ap.add_argument(
        "--wait-for-load",
        type=float,
        metavar="LOAD",
        help="before each measured run, wait until the 1-minute load average is below LOAD (a shared machine)",
    )
    ap.add_argument("--wait-minutes", type=float, default=30, help="wait at most this long each time (default 30)")
    ap.add_argument("--markdown", type=Path, help="write the numbers into this file's ingredient-backfill section")
    args = ap.parse_args()
    mixes = args.mix or list(MIXES)
    corpus = [row["input"] for row in read_rows(corpus_files(args.corpus or default_corpus()))]
    work = Path(tempfile.mkdtemp(prefix="recipes-backfill-bench-"))
    runs: list[Run] = []
    try:
        sqlite_dir = work / "sqlite"
        build(sqlite_dir, None, args.recipes)
        quiet = (args.wait_for_load, args.wait_minutes)
        runs += measure("SQLite", sqlite_dir, None, mixes, corpus, not args.no_startup, quiet)
        if url := os.environ.get("TEST_DATABASE_URL"):
            pg_dir = work / "postgresql"
            build(pg_dir, url, args.recipes)
            runs += measure("PostgreSQL", pg_dir, url, mixes, corpus, not args.no_startup, quiet)
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    table = report(runs, args.recipes)
    print("\n".join(table))
    ok = all(r.wall <= TARGET_SECONDS for r in runs)
    print("target met" if ok else "TARGET MISSED")
    if args.markdown:
        write_section(args.markdown, "ingredient-backfill", "\n".join(table))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
