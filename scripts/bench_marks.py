"""The CPU time a request takes, in-process, on code from before and after a change: the list page,
searches, a recipe page and the API, and the filters and orders by one's marks (issue 19).

    .venv/bin/python scripts/bench_marks.py --before /tmp/recipes-before [--after .] [--rounds 3]

A quicker, steadier check than `make bench` on a busy machine: no Gunicorn and no wrk, only the
app's own work, timed with the process's CPU clock (what other load on the machine disturbs
least). It builds, once, a SQLite database with the AFTER tree's `recipes` CLI: --recipes demo
recipes spread over 5 households of 4 accounts (as scripts/bench.py does), and gives the measured
account ratings, favourites and a cooking log. The BEFORE tree (a checkout of the earlier commit,
e.g. `git archive <commit> | tar -x -C DIR`) reads a copy of it with the marks' tables dropped and
the schema at --before-revision. Each tree is measured in a process of its own, in turns, and the
median of the rounds is printed as a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

USER = "bench"
PASSWORD = "bench-password-for-loopback-only"  # noqa: S105 (a throwaway account on a temporary database)
MARK_TABLES = ("recipe_rating", "recipe_favourite", "cooking_log")
# (label, address): measured on both trees; the second list only on the one with marks.
SHARED = [
    ("List page (24 cards)", "/recipes/"),
    ("Search: common word", "/recipes/?q=chicken"),
    ("Search: rare word", "/recipes/?q=quince"),
    ("Search + tag, time, sort", "/recipes/?q=chicken&tag=dinner&max_time=45&sort=quickest"),
    ("Ingredients: has / not", "/recipes/?has=garlic&not=nuts"),
    ("Recipe page", "/recipes/{recipe}"),
    ("API: list (24 recipe objects)", "/api/v1/recipes"),
    ("API: one recipe", "/api/v1/recipes/{recipe}"),
]
MARKED = [
    ("List: favourites only", "/recipes/?favourite=1"),
    ("List: at least 4 stars", "/recipes/?min_rating=4"),
    ("List: not cooked in 30 days", "/recipes/?not_cooked_days=30"),
    ("List: by my rating", "/recipes/?sort=rating"),
    ("List: by my rating, page 3", "/recipes/?sort=rating&page=3"),
    ("List: by last cooked", "/recipes/?sort=last_cooked"),
    ("Search: common word, by my rating", "/recipes/?q=chicken&sort=rating"),
    ("API: list by my rating", "/api/v1/recipes?sort=rating"),
]


def cli(tree: Path, env: dict[str, str], *args: str, stdin: str = "") -> None:
    done = subprocess.run(
        [sys.executable, "-m", "recipes", *args], cwd=tree, env=env, input=stdin, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"recipes {' '.join(args)} failed:\n{done.stdout}{done.stderr}")


def build(tree: Path, work: Path, recipes: int) -> Path:
    """The database (cached in `work`): the accounts, their recipes, the bench account's marks."""
    config = work / "build"
    database = config / "recipes.db"
    if database.exists():
        return database
    config.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY", "SECRET_KEY_FILE")}
    env.update(RECIPES_CONFIG_DIR=str(config), PYTHONPATH=str(tree))
    cli(tree, env, "bootstrap")
    accounts = [USER] + [f"{USER}{n}" for n in range(1, 20)]
    for index, name in enumerate(accounts):
        cli(tree, env, "create-user", name, *(["--admin"] if index == 0 else []), stdin=PASSWORD + "\n")
        cli(tree, env, "demo-data", "--user", name, "--recipes", str(recipes // len(accounts)), "--seed", str(index))
    for household in range(5):
        for member in accounts[household * 4 + 1 : household * 4 + 4]:
            cli(tree, env, "move-user", member, "--to", accounts[household * 4])
    add_marks(database)
    return database


def add_marks(database: Path) -> None:
    """The bench account rates 400 of the recipes it sees, has 80 favourites, cooked 300 of them
    (1 to 4 times each over two years), and its household's members rate some of the same."""
    rng = random.Random(19)  # noqa: S311 (made-up marks, the same each time)
    with sqlite3.connect(database) as db:
        me = db.execute("SELECT id, household_id FROM user WHERE username = ?", (USER,)).fetchone()
        members = [row[0] for row in db.execute("SELECT id FROM user WHERE household_id = ?", (me[1],))]
        visible = [
            row[0]
            for row in db.execute(
                "SELECT id FROM recipe WHERE owner_id = ? OR visibility = 'public' "
                "OR (visibility = 'household' AND owner_id IN (SELECT id FROM user WHERE household_id = ?))",
                (me[0], me[1]),
            )
        ]
        now = "2026-12-01 12:00:00"
        for member in members:
            chosen = rng.sample(visible, 400 if member == me[0] else 150)
            db.executemany(
                "INSERT INTO recipe_rating (user_id, recipe_id, stars, updated_at) VALUES (?, ?, ?, ?)",
                [(member, rid, rng.randint(1, 5), now) for rid in chosen],
            )
        db.executemany(
            "INSERT INTO recipe_favourite (user_id, recipe_id, created_at) VALUES (?, ?, ?)",
            [(me[0], rid, now) for rid in rng.sample(visible, 80)],
        )
        today = date.today()
        log = [
            (me[0], rid, (today - timedelta(days=rng.randint(0, 730))).isoformat(), "", now)
            for rid in rng.sample(visible, 300)
            for _ in range(rng.randint(1, 4))
        ]
        db.executemany(
            "INSERT INTO cooking_log (user_id, recipe_id, cooked_on, note, created_at) VALUES (?, ?, ?, ?, ?)", log
        )
        db.execute("ANALYZE")
    db.close()


def without_marks(database: Path, target: Path, revision: str) -> Path:
    """A copy at the earlier schema: the marks' tables gone, the revision set back."""
    if target.exists():
        return target
    with sqlite3.connect(database) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
        for table in MARK_TABLES:
            copy.execute(f"DROP TABLE {table}")
        copy.execute("UPDATE alembic_version SET version_num = ?", (revision,))
        copy.execute("ANALYZE")
    source.close()
    copy.close()
    return target


def measure_here(database: Path, addresses: list[str], requests: int) -> dict[str, list[float]]:
    """(In the child.) Per address, with the tree on sys.path: the median CPU milliseconds, and
    (the same on any machine) the Python function calls and SQL statements a request makes."""
    import cProfile
    import pstats
    import shutil

    from sqlalchemy import event

    from recipes import create_app
    from recipes.extensions import db

    work = Path(tempfile.mkdtemp(prefix="bench-marks-"))
    try:
        shutil.copyfile(database, work / "recipes.db")
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{work / 'recipes.db'}",
                "RECIPES_CONFIG_DIR": str(work),
                "RECIPES_API_RATE_LIMIT": "1000000/1m",
                "RECIPES_LOGIN_RATE_LIMIT": "1000/1m",
            }
        )
        client = app.test_client()
        page = client.get("/auth/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        assert token, page[:500]
        form = {"username": USER, "password": PASSWORD, "csrf_token": token[1]}
        assert client.post("/auth/login", data=form).status_code == 302
        with app.app_context():
            engine = db.engine
        statements = [0]

        def count(*_: object) -> None:
            statements[0] += 1

        results = {}
        for address in addresses:
            for _ in range(10):  # warm-up
                assert client.get(address).status_code == 200, address
            times = []
            for _ in range(requests):
                started = time.process_time()
                response = client.get(address)
                response.get_data()
                times.append((time.process_time() - started) * 1000)
            statements[0] = 0
            event.listen(engine, "before_cursor_execute", count)
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(10):
                client.get(address).get_data()
            profile.disable()
            event.remove(engine, "before_cursor_execute", count)
            calls = pstats.Stats(profile).total_calls / 10  # type: ignore[attr-defined]
            results[address] = [statistics.median(times), calls, statements[0] / 10]
        return results
    finally:
        shutil.rmtree(work, ignore_errors=True)


def measure(tree: Path, database: Path, addresses: list[str], requests: int) -> dict[str, list[float]]:
    code = (
        "import json, sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); "
        "sys.path.insert(0, sys.argv[2]); import bench_marks, recipes; "
        "assert Path(recipes.__file__).resolve().is_relative_to(Path(sys.argv[1]).resolve()), recipes.__file__; "
        "print(json.dumps(bench_marks.measure_here(Path(sys.argv[3]), json.loads(sys.argv[4]), int(sys.argv[5]))))"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            str(tree),
            str(Path(__file__).parent),
            str(database),
            json.dumps(addresses),
            str(requests),
        ],
        cwd=tree,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"measuring {tree} failed:\n{done.stdout}{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--before", type=Path, required=True, help="a checkout of the code before")
    parser.add_argument("--after", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--before-revision", default="0012", help="the migration head of the code before")
    parser.add_argument("--recipes", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=60, help="timed requests per address and round")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "bench-marks")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    after_db = build(args.after.resolve(), args.work, args.recipes)
    before_db = without_marks(after_db, args.work / "before.db", args.before_revision)
    with sqlite3.connect(after_db) as db:
        recipe = db.execute("SELECT min(recipe_id) FROM recipe_rating").fetchone()[0]
    db.close()
    shared = [(label, path.format(recipe=recipe)) for label, path in SHARED]
    marked = [(label, path.format(recipe=recipe)) for label, path in MARKED]
    rounds: dict[str, list[dict[str, list[float]]]] = {"before": [], "after": []}
    for number in range(args.rounds):
        print(f"round {number + 1} of {args.rounds} ...", file=sys.stderr, flush=True)
        rounds["before"].append(measure(args.before.resolve(), before_db, [p for _, p in shared], args.requests))
        rounds["after"].append(measure(args.after.resolve(), after_db, [p for _, p in shared + marked], args.requests))

    def median(side: str, path: str, what: int = 0) -> float:
        return statistics.median(r[path][what] for r in rounds[side])

    print(f"\n{args.recipes} recipes, CPU ms per request (median of {args.rounds} rounds of {args.requests});")
    print("function calls and SQL statements per request (the same on any machine)\n")
    print("| Page | before, ms | after, ms | change | calls before | calls after | statements |")
    print("|---|--:|--:|--:|--:|--:|--:|")
    for label, path in shared:
        before, after = median("before", path), median("after", path)
        calls = f"{median('before', path, 1):.0f} | {median('after', path, 1):.0f}"
        queries = f"{median('before', path, 2):.0f} → {median('after', path, 2):.0f}"
        change = (after - before) / before * 100
        print(f"| {label} | {before:.2f} | {after:.2f} | {change:+.0f}% | {calls} | {queries} |")
    for label, path in marked:
        cpu, made, asked = (median("after", path, what) for what in range(3))
        print(f"| {label} | | {cpu:.2f} | | | {made:.0f} | {asked:.0f} |")


if __name__ == "__main__":
    main()
