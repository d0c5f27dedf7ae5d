"""How much memory the whole app holds, and how many workers are worth it (issue 20).

    python scripts/bench_memory.py [--recipes 10000] [--workers 3] [--sweep 1,2,3,4] [--markdown docs/benchmarks.md]

1. Serves the --recipes demo library (scripts/bench.py builds and caches it) with Gunicorn as the
   container does (the seeded gunicorn.conf.py) and --workers workers, and reads the PSS
   (proportional set size: a page shared by n processes counts 1/n in each) of the master and
   of each worker from /proc/PID/smaps_rollup, once idle after start and once after a mixed
   load: the list page, searches, cook mode, the planner, a shopping list, the JSON API and a
   file import (the Mealie backup of ../shared/corpus/exports, when it is there). The targets:
   the whole app idles at <= 150 MiB PSS and stays <= 200 MiB after the load.
2. For each worker count of --sweep, serves the same library and measures the list page and a
   search with wrk (-t2 -c8): req/s, p95 and CPU per request, with the idle PSS. That is the
   evidence behind the default worker count (config/gunicorn.conf.py).

Everything runs on 127.0.0.1 in a temporary directory. Imports from scripts/bench.py only.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import io
import os
import re
import sys
import time
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

from bench import (
    BIN,
    PASSWORD,
    USER,
    BenchError,
    Report,
    Server,
    children,
    database,
    ensure_wrk,
    machine,
    now,
    prepare_config_dir,
    work_directory,
    wrk,
)
from bench_section import write_section

ROOT = Path(__file__).resolve().parent.parent
# A file import of the mixed load (BENCH_IMPORT_FILE: another file, or a missing one for none).
CORPUS_EXPORT = ROOT.parent / "shared" / "corpus" / "exports" / "mealie-backup.zip"
IMPORT_FILE = Path(os.environ.get("BENCH_IMPORT_FILE") or CORPUS_EXPORT)
IDLE_TARGET_MIB = 150.0
LOADED_TARGET_MIB = 200.0
SETTLE_SECONDS = 3.0
MIXED_PAGES = (
    "/recipes/",
    "/recipes/?q=chicken",
    "/recipes/?q=chiken+currey",
    "/recipes/?q=chicken&tag=dinner&max_time=45&sort=quickest",
    "/recipes/?has=garlic&not=nuts",
    "/recipes/?favourite=1",
    "/api/v1/recipes",
    "/api/v1/recipes?q=chicken",
)


@dataclass
class Snapshot:
    master: float  # MiB
    workers: list[float]

    @property
    def total(self) -> float:
        return self.master + sum(self.workers)


def pss_mib(pid: int) -> float:
    text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    found = re.search(r"^Pss:\s+(\d+) kB", text, re.MULTILINE)
    return int(found.group(1)) / 1024 if found else 0.0


def snapshot(server: Server) -> Snapshot:
    assert server.process is not None
    master = server.process.pid
    return Snapshot(pss_mib(master), sorted((pss_mib(pid) for pid in children(master)), reverse=True))


def wait_for_workers(server: Server, count: int) -> None:
    """Until the master has `count` workers and each has answered (a worker boots after the master)."""
    assert server.process is not None
    deadline = time.monotonic() + 60
    while len(children(server.process.pid)) < count:
        if time.monotonic() > deadline:
            raise BenchError(f"only {len(children(server.process.pid))} of {count} workers started")
        time.sleep(0.1)
    time.sleep(SETTLE_SECONDS)


class Browser:
    """A signed-in browser over urllib: cookies kept, forms posted with their CSRF token."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(self.jar)
        )

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=120) as response:
            return str(response.read().decode("utf-8", "replace"))

    def csrf(self, path: str) -> str:
        found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', self.get(path))
        if not found:
            found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', self.get(path))
        if not found:
            raise BenchError(f"{path} has no csrf_token")
        return found.group(1)

    def post(self, path: str, form: dict[str, str], page: str | None = None) -> str:
        """Post `form` to `path` with the CSRF token of `page` (the form's page; default `path`)."""
        data = urllib.parse.urlencode({**form, "csrf_token": self.csrf(page or path)}).encode()
        with self.opener.open(self.base + path, data=data, timeout=120) as response:
            return str(response.geturl())

    def upload(self, page: str, action: str, name: str, content: bytes) -> int:
        boundary = uuid.uuid4().hex
        body = io.BytesIO()
        token = self.csrf(page)
        body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'.encode())
        body.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/zip\r\n\r\n".encode()
        )
        body.write(content + f"\r\n--{boundary}--\r\n".encode())
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        request = urllib.request.Request(self.base + action, data=body.getvalue(), headers=headers)  # noqa: S310
        with self.opener.open(request, timeout=600) as response:
            return int(response.status)

    def cookie(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


def log_in(base: str) -> Browser:
    browser = Browser(base)
    landed = browser.post("/auth/login", {"username": USER, "password": PASSWORD})
    if "/auth/" in urllib.parse.urlsplit(landed).path:
        raise BenchError(f"logging in as {USER!r} failed")
    return browser


def mixed_load(server: Server, seconds: int) -> list[str]:
    """Pages, searches, the API and an import, as a household would use the app; what was done."""
    browser = log_in(server.base)
    done = []
    recipe_path = re.search(r'href="(/recipes/\d+)"', browser.get("/recipes/"))
    pages = list(MIXED_PAGES)
    if recipe_path:
        recipe = recipe_path.group(1)
        pages += [recipe, recipe + "/cook", recipe + "?servings=8&units=metric"]
        recipe_id = recipe_path.group(1).rsplit("/", 1)[1]
        list_url = browser.post("/lists", {"name": "Groceries"})
        list_path = urllib.parse.urlsplit(list_url).path
        browser.post(f"{list_path}/recipes", {"recipe_id": recipe_id}, page=list_path)
        pages += [list_path, "/plan", "/household", "/lists"]
    cookie = browser.cookie()
    for path in pages:
        wrk(server.base + path, cookie, seconds)
        done.append(path)
    if IMPORT_FILE.exists():
        status = browser.upload("/recipes/import", "/recipes/import/file", IMPORT_FILE.name, IMPORT_FILE.read_bytes())
        done.append(f"file import of {IMPORT_FILE.name} ({status})")
    return done


def serve(name: str, config_dir: Path, work: Path, workers: int) -> Server:
    server = Server(name, config_dir, work, env={"WEB_CONCURRENCY": str(workers)})
    server.start("/healthz")
    wait_for_workers(server, workers)
    return server


def measure_memory(config_dir: Path, work: Path, workers: int, seconds: int) -> tuple[Snapshot, Snapshot, list[str]]:
    server = serve(f"memory-{workers}", config_dir, work, workers)
    try:
        idle = snapshot(server)
        print(f"idle, {workers} workers: {idle.total:.1f} MiB PSS", flush=True)
        done = mixed_load(server, seconds)
        time.sleep(SETTLE_SECONDS)
        loaded = snapshot(server)
        print(f"after the mixed load: {loaded.total:.1f} MiB PSS", flush=True)
        return idle, loaded, done
    finally:
        server.stop()


@dataclass
class Throughput:
    workers: int
    idle: float
    list_rps: float
    list_p95: float
    list_cpu: float
    search_rps: float
    search_p95: float
    search_cpu: float


def measure_throughput(config_dir: Path, work: Path, workers: int, seconds: int) -> Throughput:
    server = serve(f"sweep-{workers}", config_dir, work, workers)
    try:
        idle = snapshot(server).total
        cookie = log_in(server.base).cookie()
        numbers = []
        for path in ("/recipes/", "/recipes/?q=chicken+garlic"):
            wrk(server.base + path, cookie, 2)  # warm-up
            before = server.cpu_seconds()
            result = wrk(server.base + path, cookie, seconds)
            cpu = (server.cpu_seconds() - before) * 1000 / max(result["requests"], 1)
            numbers.append((result["rps"], result["p95_ms"], cpu))
        print(f"{workers} workers: list {numbers[0][0]:.0f} req/s, search {numbers[1][0]:.0f} req/s", flush=True)
        return Throughput(workers, idle, *numbers[0], *numbers[1])
    finally:
        server.stop()


def markdown(
    args: argparse.Namespace,
    load: float,
    idle: Snapshot,
    loaded: Snapshot,
    done: list[str],
    sweep: list[Throughput],
    info: dict[str, str],
) -> str:
    def mib(snap: Snapshot) -> str:
        return f"{snap.master:.1f} | {', '.join(f'{w:.1f}' for w in snap.workers)} | **{snap.total:.1f}**"

    lines = [
        "## Memory and the worker count",
        "",
        f"`scripts/bench_memory.py` ({now()}, {info.get('CPU model', 'unknown CPU')}, load {load:.1f} at the start):",
        f"Gunicorn as the container runs it, {args.workers} workers, {args.recipes:,} demo recipes. PSS from",
        "`/proc/PID/smaps_rollup` (a page shared by n processes counts 1/n in each), in MiB.",
        "",
        "| When | Master | Workers | Whole app | Target | Met |",
        "|---|--:|---|--:|---|---|",
        f"| Idle, after start | {mib(idle)} | ≤ {IDLE_TARGET_MIB:.0f} | "
        f"{'yes' if idle.total <= IDLE_TARGET_MIB else '**no**'} |",
        f"| After the mixed load | {mib(loaded)} | ≤ {LOADED_TARGET_MIB:.0f} | "
        f"{'yes' if loaded.total <= LOADED_TARGET_MIB else '**no**'} |",
        "",
        f"The mixed load: {args.seconds} s of wrk (-t2 -c8) on each of " + ", ".join(f"`{d}`" for d in done) + ".",
    ]
    if sweep:
        lines += [
            "",
            f"Worker counts ({args.sweep_seconds} s of wrk -t2 -c8 each, after a 2 s warm-up; {os.cpu_count()} CPUs):",
            "",
            "| Workers | Idle PSS MiB | List req/s | List p95 ms | List CPU ms/req "
            "| Search req/s | Search p95 ms | Search CPU ms/req |",
            "|--:|--:|--:|--:|--:|--:|--:|--:|",
        ]
        lines += [
            f"| {t.workers} | {t.idle:.1f} | {t.list_rps:,.0f} | {t.list_p95:.1f} | {t.list_cpu:.2f} "
            f"| {t.search_rps:,.0f} | {t.search_p95:.1f} | {t.search_cpu:.2f} |"
            for t in sweep
        ]
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recipes", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=3, help="workers for the memory runs (default 3)")
    parser.add_argument("--seconds", type=int, default=3, help="seconds of wrk per page of the mixed load")
    parser.add_argument("--sweep", default="1,2,3,4", help="worker counts to compare ('' for none)")
    parser.add_argument("--sweep-seconds", type=int, default=8)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--markdown", type=Path)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not (BIN / "gunicorn").exists():
        print("bench_memory: run it with the project's venv (make bench)", file=sys.stderr)
        return 2
    try:
        ensure_wrk()
        load = os.getloadavg()[0]
        info = machine()
        with work_directory(args.keep) as work:
            build = database(args.recipes, work, args.rebuild)
            config_dir = work / "memory"
            report = Report(argparse.Namespace(), info)
            prepare_config_dir(build, config_dir, report)
            idle, loaded, done = measure_memory(config_dir, work, args.workers, args.seconds)
            counts = [int(n) for n in args.sweep.split(",") if n.strip()]
            sweep = [measure_throughput(config_dir, work, n, args.sweep_seconds) for n in counts]
    except BenchError as exc:
        print(f"bench_memory: {exc}", file=sys.stderr)
        return 1
    text = markdown(args, load, idle, loaded, done, sweep, info)
    print("\n" + text)
    if args.markdown:
        write_section(args.markdown, "memory", text)
    met = idle.total <= IDLE_TARGET_MIB and loaded.total <= LOADED_TARGET_MIB
    print("\ntargets met" if met else "\ntarget missed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
