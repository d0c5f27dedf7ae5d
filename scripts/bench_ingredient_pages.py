"""The ingredient parser and scaling in the served app: what the parser adds to each Gunicorn
worker's memory (PSS, 4 workers), and what a recipe page at ?servings=8&units=metric costs next to
the plain page (CPU per request).

    python scripts/bench_ingredient_pages.py [--duration S] [--rounds N] [--markdown docs/benchmarks.md]

The app runs as `make bench` runs it (scripts/bench.py's Server: the seeded gunicorn.conf.py,
WEB_CONCURRENCY=4, a loopback port) on a small SQLite library: 400 demo recipes and one 12-line
recipe whose steps carry amounts and a temperature.

Memory: PSS (/proc/PID/smaps_rollup) of the master and each worker, (1) after every worker has
served recipe pages as written and the list (nothing parsed yet: no worker has pycrfsuite mapped,
which is checked), (2) after every worker has read ingredient lines (POST /api/v1/ingredients/parse
with the labelled corpus lines, twice over among them, so the parser's bounded memories of lines,
words and food names are full: the most it ever holds), (3) after recipe pages at
?servings=8&units=metric (pint's registry). Then the same with the parser loaded in the master
before it forks the workers (a copy of gunicorn.conf.py with a `when_ready` hook), to see whether
sharing it through the master helps.

CPU: wrk (-t2 -c8) on the plain page and on ?servings=8&units=metric, the server's CPU seconds per
request (master and workers, /proc/PID/stat), for one recipe over and over (a worker's caches
hold it) and for 400 recipes in turn (mostly not in a worker's caches). The two pages are measured
in turn, --rounds times each, and the ratio is that of the medians: a machine shared with other
work drifts, and this keeps the drift out of the ratio.
Targets (issue 16): <= 10 MiB PSS added per worker; the scaled page <= 1.2x the plain page.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
sys.path.insert(0, str(SCRIPTS))
os.environ["PYTHONPATH"] = str(ROOT)  # Gunicorn and the CLI load this checkout's code

import bench  # noqa: E402
from bench import BIN, PASSWORD, USER, Server, app_env, children, ensure_wrk, get, log_in, run, wrk  # noqa: E402
from bench_section import write_section  # noqa: E402
from ingredient_corpus import corpus_files, read_rows  # noqa: E402

MEMORY_TARGET_MIB = 10.0
RATIO_TARGET = 1.2
ROTATING_RECIPES = 400
WARM_UP_SECONDS = 2
SCALED = "servings=8&units=metric"
ROTATE_SCRIPT = SCRIPTS / "bench_rotate.lua"

RECIPE = {
    "title": "Pizza for the bench",
    "servings": "Serves 4",
    "ingredients": [
        "2 1/2 cups all-purpose flour",
        "1 Tbsp. sugar",
        "2 1/4 tsp instant yeast",
        "1 tsp salt",
        "1 cup (240 ml) warm water",
        "3 tablespoons olive oil",
        "1 (28-ounce) can tomatoes, drained",
        "2-3 cloves garlic, minced",
        "1 large onion, diced",
        "8 oz mozzarella, grated",
        "150g/5oz butter",
        "salt and pepper to taste",
    ],
    "instructions": [
        "Preheat the oven to 475°F.",
        "Mix 2 1/2 cups flour with the sugar, 2 1/4 tsp yeast and 1 tsp salt.",
        "Add 1 cup warm water and 3 tablespoons olive oil; knead for 10 minutes.",
        "Let rise for 1 hour, then roll out to a 12-inch round.",
        "Top with the tomatoes, garlic, onion, 8 oz mozzarella and the butter.",
        "Bake for 12 to 15 minutes at 475°F, until golden.",
    ],
}


@dataclass
class Memory:
    master: int  # PSS in KiB
    workers: dict[int, int]  # pid -> PSS in KiB

    @property
    def total(self) -> int:
        return self.master + sum(self.workers.values())


def pss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/smaps_rollup") as rollup:
        for line in rollup:
            if line.startswith("Pss:"):
                return int(line.split()[1])
    return 0


def memory(server: Server) -> Memory:
    assert server.process is not None
    master = server.process.pid
    return Memory(pss_kib(master), {pid: pss_kib(pid) for pid in sorted(children(master))})


def has_parser(pid: int) -> bool:
    """Whether the process has the parser's tagger (pycrfsuite's extension) loaded."""
    return "pycrfsuite" in Path(f"/proc/{pid}/maps").read_text()


def api(base: str, token: str, method: str, path: str, body: object) -> object:
    request = urllib.request.Request(  # noqa: S310 (loopback http only)
        base + "/api/v1" + path,
        data=json.dumps(body).encode(),
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=120) as response:
        return json.loads(response.read())


def many(calls: list[object], work: object, threads: int = 8) -> None:
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(work, calls))  # type: ignore[arg-type]


def prepare(config_dir: Path) -> str:
    """A library: the bench account, its API token, demo recipes. Returns the token."""
    env = app_env(config_dir)
    run([str(BIN / "recipes"), "bootstrap"], env)
    run([str(BIN / "recipes"), "create-user", USER, "--admin"], env, stdin=PASSWORD + "\n")
    run([str(BIN / "recipes"), "demo-data", "--user", USER, "--recipes", str(ROTATING_RECIPES)], env)
    done = subprocess.run(
        [str(BIN / "recipes"), "create-token", USER], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip().splitlines()[-1]


def preload_config(config_dir: Path) -> None:
    """The seeded gunicorn.conf.py, with the parser loaded in the master."""
    seeded = (config_dir / "gunicorn.conf.py").read_text()
    (config_dir / "gunicorn-preload.conf.py").write_text(
        seeded
        + "\n\ndef when_ready(server):\n"
        + "    from recipes.ingredients.parser import parse_line\n"
        + "    parse_line('1 cup flour')\n"
    )


@dataclass
class MemoryRun:
    how: str
    before: Memory
    parsed: Memory
    scaled: Memory


def memory_run(
    how: str, config_dir: Path, work: Path, token: str, corpus: list[str], recipe_ids: list[int]
) -> MemoryRun:
    config_file = "gunicorn-preload.conf.py" if how == "master" else "gunicorn.conf.py"
    server = Server(f"memory-{how}", config_dir, work, config_file=config_file)
    try:
        server.start("/healthz")
        cookie = log_in(server.base)
        pages = [f"{server.base}/recipes/{rid}" for rid in recipe_ids] + [f"{server.base}/recipes/"]
        many(pages * 2, lambda url: get(url, cookie))
        time.sleep(1)
        before = memory(server)
        if how == "lazy" and any(has_parser(pid) for pid in before.workers):
            raise bench.BenchError("a worker loaded the parser while showing pages as written")
        chunks = [corpus[i : i + 500] for i in range(0, len(corpus), 500)]
        rounds = 0
        while rounds < 2 or not all(has_parser(pid) for pid in memory(server).workers):
            many(chunks, lambda lines: api(server.base, token, "POST", "/ingredients/parse", {"lines": lines}))
            rounds += 1
            if rounds > 10:
                raise bench.BenchError("not every worker read ingredient lines")
        time.sleep(1)
        parsed = memory(server)
        many([f"{page}?{SCALED}" for page in pages[:-1]] * 2, lambda url: get(url, cookie))
        time.sleep(1)
        scaled = memory(server)
        if sorted(scaled.workers) != sorted(before.workers):
            raise bench.BenchError("a worker was replaced during the memory run")
        return MemoryRun(how, before, parsed, scaled)
    finally:
        server.stop()


@dataclass
class CpuRun:
    label: str
    plain: list[float]  # CPU ms per request, one a round
    scaled: list[float]

    @property
    def ratio(self) -> float:
        return statistics.median(self.scaled) / statistics.median(self.plain)


class Pages:
    """wrk on one URL over and over, or on the paths in a file in turn."""

    def __init__(self, server: Server, cookie: str, url: str, paths: Path | None = None) -> None:
        status, page = get(url, cookie)
        if status != 200 or 'name="password"' in page:
            raise bench.BenchError(f"{url} answered {status} or asked to log in")
        self.server, self.cookie, self.url = server, cookie, url
        self.script, self.env = (ROTATE_SCRIPT, {"BENCH_PATHS": str(paths)}) if paths else (bench.WRK_SCRIPT, {})

    def cpu_ms(self, seconds: int, warm_up: bool = False) -> float:
        """The server's CPU milliseconds (master and workers) per request over a wrk run. (In a
        warm-up a worker's first scaled page builds pint's registry, which on a busy machine can
        take longer than wrk waits: that is not an error there.)"""
        before = self.server.cpu_seconds()
        # A long timeout: on a machine busy with other work a response can take seconds, and one
        # given up on would cost CPU without being counted.
        numbers = wrk(self.url, self.cookie, seconds, self.script, self.env, timeout=60)
        if not warm_up and any(numbers[k] for k in numbers if k.endswith("errors") or k == "timeouts"):
            raise bench.BenchError(f"wrk saw errors on {self.url}: {numbers}")
        return (self.server.cpu_seconds() - before) * 1000 / max(numbers["requests"], 1)


def compare(label: str, plain: Pages, scaled: Pages, seconds: int, rounds: int) -> CpuRun:
    """Plain and scaled in turn, `rounds` times each (a machine shared with other work drifts;
    taking them in turn and the medians keeps the drift out of the ratio), after a warm-up of both."""
    plain.cpu_ms(WARM_UP_SECONDS, warm_up=True)
    scaled.cpu_ms(WARM_UP_SECONDS, warm_up=True)
    run_ = CpuRun(label, [], [])
    for _ in range(rounds):
        run_.plain.append(plain.cpu_ms(seconds))
        run_.scaled.append(scaled.cpu_ms(seconds))
    print(f"  {label}: plain {run_.plain}, scaled {run_.scaled}", flush=True)
    return run_


def cpu_runs(
    config_dir: Path, work: Path, recipe_id: int, recipe_ids: list[int], seconds: int, rounds: int
) -> list[CpuRun]:
    server = Server("pages", config_dir, work)
    try:
        server.start("/healthz")
        cookie = log_in(server.base)
        one = f"{server.base}/recipes/{recipe_id}"
        plain_paths, scaled_paths = work / "plain.txt", work / "scaled.txt"
        plain_paths.write_text("".join(f"/recipes/{rid}\n" for rid in recipe_ids))
        scaled_paths.write_text("".join(f"/recipes/{rid}?{SCALED}\n" for rid in recipe_ids))
        return [
            compare(
                "one 12-line recipe, again and again",
                Pages(server, cookie, one),
                Pages(server, cookie, f"{one}?{SCALED}"),
                seconds,
                rounds,
            ),
            compare(
                f"{len(recipe_ids)} demo recipes in turn",
                Pages(server, cookie, one, plain_paths),
                Pages(server, cookie, f"{one}?{SCALED}", scaled_paths),
                seconds,
                rounds,
            ),
        ]
    finally:
        server.stop()


def mib(kib: float) -> str:
    return f"{kib / 1024:.1f}"


def memory_row(run_: MemoryRun, unloaded: Memory) -> str:
    """One way of loading the parser: PSS sums (master + workers) and what the parser added. `unloaded`:
    the sum with the parser loaded nowhere (the lazy run's, before parsing), which the master's way is
    measured against too, since its master holds the parser from the start."""
    workers = sorted(run_.before.workers)
    each = [run_.parsed.workers[pid] - run_.before.workers[pid] for pid in workers]
    pint = [run_.scaled.workers[pid] - run_.parsed.workers[pid] for pid in workers]
    per_worker = (run_.parsed.total - unloaded.total) / len(workers)
    how = "lazily, in each worker (as shipped)" if run_.how == "lazy" else "in the master, before it forks"
    met = "yes" if max(per_worker, *each) / 1024 <= MEMORY_TARGET_MIB else "**no**"
    return (
        f"| {how} | {mib(run_.before.total)} | {mib(run_.parsed.total)} | **{mib(per_worker)}** "
        f"| {', '.join(mib(a) for a in each)} | {', '.join(mib(a) for a in pint)} | {met} |"
    )


def markdown(memory_results: list[MemoryRun], cpu: list[CpuRun], corpus_lines: int) -> str:
    unloaded = memory_results[0].before
    workers = len(unloaded.workers)
    lines = [
        "## Ingredient parser and scaling in the served app",
        "",
        f"`scripts/bench_ingredient_pages.py`: Gunicorn with the seeded gunicorn.conf.py and {workers} workers on",
        "loopback, a library of 400 demo recipes and one 12-line recipe with amounts and a temperature in",
        "its steps.",
        "",
        "Memory: PSS in MiB (/proc/PID/smaps_rollup), the master and the workers summed. “Nothing parsed”:",
        "every worker has served recipe pages as written and the list. “Parsed”: every worker has read",
        f"ingredient lines ({corpus_lines:,} corpus lines sent twice over among them: the parser's bounded",
        "memories of lines, words and food names are full, the most it ever holds). “Per worker”: the",
        "parsed sum less the sum with the parser loaded nowhere (the first row's “nothing parsed”),",
        f"divided by {workers}. “Pint”: what recipe pages at ?servings=8&units=metric added afterwards.",
        "",
        "| The parser loaded | Nothing parsed | Parsed | Per worker | In each worker | Pint, each worker | ≤ 10 MiB |",
        "|---|--:|--:|--:|---|---|---|",
        *(memory_row(run_, unloaded) for run_ in memory_results),
    ]
    lines += [
        "",
        "CPU per request (ms, the server's master and workers; wrk -t2 -c8, the plain and the scaled pages",
        "in turn, each run the given seconds, after a warm-up of both; the ratio of the medians):",
        "",
        "| Pages | Plain | ?servings=8&units=metric | Ratio | ≤ 1.2× |",
        "|---|--:|--:|--:|---|",
    ]
    for c in cpu:
        met = "yes" if c.ratio <= RATIO_TARGET else "**no**"
        plain, scaled = (", ".join(f"{ms:.2f}" for ms in values) for values in (c.plain, c.scaled))
        lines.append(f"| {c.label} | {plain} | {scaled} | {c.ratio:.2f}× | {met} |")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--duration", type=int, default=5, help="seconds per measured wrk run (default 5)")
    ap.add_argument("--rounds", type=int, default=3, help="measured runs of each page (default 3)")
    ap.add_argument("--markdown", type=Path, help="write the numbers into this file's ingredient-pages section")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = ap.parse_args()
    ensure_wrk()
    from bench_ingredient_parser import default_corpus

    corpus = [row["input"] for row in read_rows(corpus_files(default_corpus()))]
    work = Path(tempfile.mkdtemp(prefix="recipes-pages-bench-"))
    try:
        config_dir = work / "config"
        token = prepare(config_dir)
        preload_config(config_dir)
        server = Server("setup", config_dir, work)
        try:
            server.start("/healthz")
            created = api(server.base, token, "POST", "/recipes", RECIPE)
            recipe_id = int(created["id"])  # type: ignore[index]
        finally:
            server.stop()
        with sqlite3.connect(config_dir / "recipes.db") as db:
            recipe_ids = [rid for (rid,) in db.execute("SELECT id FROM recipe WHERE id != ? ORDER BY id", (recipe_id,))]
        memory_results = [
            memory_run(how, config_dir, work, token, corpus, [recipe_id, *recipe_ids[:40]])
            for how in ("lazy", "master")
        ]
        cpu = cpu_runs(config_dir, work, recipe_id, recipe_ids, args.duration, args.rounds)
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    text = markdown(memory_results, cpu, len(corpus))
    print(text)
    lazy = memory_results[0]
    per_worker = max(lazy.parsed.workers[p] - lazy.before.workers[p] for p in lazy.before.workers) / 1024
    ok = per_worker <= MEMORY_TARGET_MIB and all(c.ratio <= RATIO_TARGET for c in cpu)
    print("targets met" if ok else "TARGETS MISSED")
    if args.markdown:
        write_section(args.markdown, "ingredient-pages", text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
