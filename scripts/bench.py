"""Benchmark Recipes over HTTP: `make bench` (or `.venv/bin/python scripts/bench.py --help`).

What it does, all on 127.0.0.1 and in a temporary directory that is removed afterwards:

1. Builds two databases with the real CLI (`recipes bootstrap`, `create-user`, `demo-data`): one with
   --list-recipes recipes for the list page, one with --recipes for search. The recipes are spread over
   --spread HxM: H households of M accounts each (`recipes move-user` puts them together; the measured
   account is the admin of the first), every account owning an equal share, so the pages show what a
   household member sees: their own recipes, their household's and the public ones. On code from before
   households (no `move-user`) the same accounts are made, each on its own. Both are cached under
   ~/.cache/recipes-bench, keyed by the size, the seed, the migration head and a hash of the code that
   decides what the database holds (the demo generator, the bulk insert, the search index, the
   migrations), so reruns skip the build (--rebuild forces one).
2. Serves each with Gunicorn exactly as the container does (the seeded gunicorn.conf.py, WEB_CONCURRENCY
   workers) on a free loopback port, logs in over HTTP like a browser, and measures each page with wrk
   (-t2 -c8) after a short warm-up: req/s and latency percentiles.
3. Serves a Flask hello-world with the same Gunicorn settings before and after the others, as the
   baseline that makes the numbers comparable across machines (when its two runs disagree, something
   else was using the machine, and the report says so). Besides req/s and latency it records the
   server's CPU time per request, which another load on the machine disturbs much less.
4. Prints a table and writes docs/benchmarks.md (the machine, the versions, the results, the targets).

`--only search` (or `list`) measures one server besides the baseline; `--postgres` (run under
scripts/with_postgres.py, which names a throwaway server in TEST_DATABASE_URL) builds the databases
there with the same CLI commands, uncached, and writes its own section beside SQLite's.

Servers and wrk are stopped, and the temporary directory removed, on errors and Ctrl-C too.
The script imports nothing from the app except its version number.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import http.cookiejar
import json
import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

from bench_section import write_section  # scripts/ is on the path: run as a script
from system_packages import ensure_command

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
WRK_SCRIPT = SCRIPTS / "bench.lua"
BIN = Path(sys.executable).parent  # the virtualenv's bin/ when run as `.venv/bin/python scripts/bench.py`
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "recipes-bench"
# Files whose content decides what a built database holds; a change to any of them rebuilds the cache.
DATA_CODE = (
    "recipes/demo/generator.py",
    "recipes/demo/catalogue.py",
    "recipes/cookbook/bulk.py",
    "recipes/search/index.py",
    "migrations/versions",
)

USER = "bench"
# What the logging-in browser, and every request measured after it, says it is: the same browser
# throughout, as in life (a session seen from another browser is re-issued on every answer).
USER_AGENT = "recipes-bench"
PASSWORD = "bench-password-for-loopback-only"  # noqa: S105 (a throwaway account on a temporary database)
SEED = 0
# Issue 20's search and API targets are measured with 4 workers; --default-workers measures with the
# count config/gunicorn.conf.py picks on this machine instead (None here: WEB_CONCURRENCY is not set).
WORKERS: int | None = 4
WRK_THREADS = 2
WRK_CONNECTIONS = 8
WARM_UP_SECONDS = 2
SEARCH_P95_TARGET_MS = 25.0
LIST_RATIO_TARGET = 0.5


POSTGRES_SECTION = "load-postgresql"
DEFAULT_WORKERS_SECTION = "load-default-workers"


@dataclass(frozen=True)
class Target:
    label: str
    server: str  # "hello" (before the others), "list", "search" or "hello-again" (after them)
    path: str


TARGETS = (
    Target("Flask hello-world (baseline)", "hello", "/"),
    Target("List page (24 cards)", "list", "/recipes/"),
    Target("Search: common word", "search", "/recipes/?q=chicken"),
    Target("Search: rare word", "search", "/recipes/?q=quince"),
    Target("Search: two words", "search", "/recipes/?q=chicken+garlic"),
    Target("Search: prefix", "search", "/recipes/?q=tom"),
    Target("Search: no hits", "search", "/recipes/?q=zeppelin"),
    # Finds nothing, so the two misspelled words are looked up for "Did you mean chicken curry?".
    Target("Search: misspelled", "search", "/recipes/?q=chiken+currey"),
    Target("Search + tag, time, sort", "search", "/recipes/?q=chicken&tag=dinner&max_time=45&sort=quickest"),
    Target("Ingredients: has / not", "search", "/recipes/?has=garlic&not=nuts"),
    # The JSON API with the signed-in browser's cookie: 24 full recipe objects, the rate-limit
    # bookkeeping (a block of hits reserved with one short write now and then) included.
    Target("API: list (24 recipe objects)", "search", "/api/v1/recipes"),
    Target("API: search common word", "search", "/api/v1/recipes?q=chicken"),
    Target("Flask hello-world (again, at the end)", "hello-again", "/"),
)
NOISE_LIMIT = 0.2  # the two baseline runs differing by more than this share means the machine was busy


@dataclass
class Measurement:
    target: Target
    recipes: int | None
    hits: str
    rps: float
    p50: float
    p95: float
    p99: float
    errors: int
    cpu_ms: float  # the server's CPU time (master and workers) per request: steadier than req/s on a busy machine


@dataclass
class Build:
    recipes: int
    path: Path
    seconds: float  # demo-data's wall time when it was built
    cached: bool
    size: int
    database_url: str = ""  # PostgreSQL: the database the build made (path is then its config directory)


@dataclass
class Report:
    args: argparse.Namespace
    machine: dict[str, str]
    builds: dict[str, Build] = field(default_factory=dict)
    startup: dict[str, float] = field(default_factory=dict)  # "bootstrap 50000" -> seconds, ...
    rss: dict[str, list[int]] = field(default_factory=dict)  # server -> workers' RSS in KiB
    results: list[Measurement] = field(default_factory=list)


class BenchError(Exception):
    """The benchmark cannot go on; the message says why."""


# --- running commands -----------------------------------------------------------------------------


def app_env(config_dir: Path, **extra: str) -> dict[str, str]:
    """The environment for the app's commands: this config directory's SQLite database, nothing inherited
    that could point elsewhere (DATABASE_URL, SECRET_KEY)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY", "SECRET_KEY_FILE")}
    env.update(RECIPES_CONFIG_DIR=str(config_dir))
    if WORKERS is None:
        env.pop("WEB_CONCURRENCY", None)
    else:
        env["WEB_CONCURRENCY"] = str(WORKERS)
    env.update(extra)  # (WEB_CONCURRENCY too: a benchmark of worker counts)
    return env


def run(command: list[str], env: Mapping[str, str] | None = None, stdin: str = "", timeout: float = 3600) -> float:
    """Run a command to completion; return its wall time in seconds, or fail with its output."""
    started = time.perf_counter()
    done = subprocess.run(command, env=env, input=stdin, capture_output=True, text=True, timeout=timeout)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        output = (done.stdout + done.stderr).strip()
        raise BenchError(f"{' '.join(command)} failed ({done.returncode}):\n{output}")
    return elapsed


def ensure_wrk() -> str:
    found = ensure_command("wrk")
    if not found:
        raise BenchError("wrk is not installed: `apt-get install wrk` (Debian/Ubuntu) or `brew install wrk`")
    return found


# --- building the databases -----------------------------------------------------------------------


def migration_head() -> str:
    """The newest migration: the revision no other revision names as its down_revision."""
    revisions, parents = set(), set()
    for path in (ROOT / "migrations" / "versions").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        if found := re.search(r'^revision\s*=\s*["\']([^"\']+)', text, re.MULTILINE):
            revisions.add(found.group(1))
        parents.update(re.findall(r'^down_revision\s*=\s*["\']([^"\']+)', text, re.MULTILINE))
    heads = sorted(revisions - parents)
    return "+".join(heads) or "none"


def code_hash() -> str:
    digest = hashlib.sha256()
    for name in DATA_CODE:
        path = ROOT / name
        for file in sorted(path.glob("*.py")) if path.is_dir() else [path]:
            content = file.read_bytes() if file.exists() else b"missing"
            digest.update(str(file.relative_to(ROOT)).encode() + b"\0" + content + b"\0")
    return digest.hexdigest()[:12]


@dataclass(frozen=True)
class Spread:
    """How the recipes are spread: `households` households of `members` accounts each."""

    households: int
    members: int

    @property
    def accounts(self) -> list[str]:
        """USER (the measured account, the first household's admin) and the others."""
        return [USER] + [f"{USER}{n}" for n in range(1, self.households * self.members)]

    def __str__(self) -> str:
        return f"{self.households}x{self.members}"


def parse_spread(text: str) -> Spread:
    found = re.fullmatch(r"\s*(\d+)\s*x\s*(\d+)\s*", text)
    if not found or int(found[1]) < 1 or int(found[2]) < 1 or int(found[1]) * int(found[2]) > 1000:
        raise argparse.ArgumentTypeError(f"say HOUSEHOLDSxACCOUNTS, e.g. 5x4 (at most 1000 accounts), not {text!r}")
    return Spread(int(found[1]), int(found[2]))


def cache_key(recipes: int, spread: Spread) -> str:
    return f"n{recipes}-spread{spread}-seed{SEED}-rev{migration_head()}-code{code_hash()}"


def has_households(env: Mapping[str, str]) -> bool:
    """Whether the app being measured has households (`recipes move-user`)."""
    done = subprocess.run([str(BIN / "recipes"), "move-user", "--help"], env=env, capture_output=True, timeout=120)
    return done.returncode == 0


def add_accounts(recipes: int, spread: Spread, env: Mapping[str, str]) -> float:
    """Make the spread's accounts, each with its share of the recipes (its own seed), and put them
    into their households; returns the seconds demo-data took in all."""
    accounts = spread.accounts
    seconds = 0.0
    for index, name in enumerate(accounts):
        run(
            [str(BIN / "recipes"), "create-user", name, *(["--admin"] if index == 0 else [])],
            env,
            stdin=PASSWORD + "\n",
        )
        share = recipes // len(accounts) + (1 if index < recipes % len(accounts) else 0)
        if share:
            command = ["demo-data", "--user", name, "--recipes", str(share), "--seed", str(SEED + index)]
            seconds += run([str(BIN / "recipes"), *command], env)
    if len(accounts) > 1:
        if not has_households(env):
            print("  (this code has no households: each account stays on its own)", flush=True)
            return seconds
        for household in range(spread.households):
            head = accounts[household * spread.members]
            for member in accounts[household * spread.members + 1 : (household + 1) * spread.members]:
                run([str(BIN / "recipes"), "move-user", member, "--to", head], env)
    return seconds


def database(recipes: int, work: Path, rebuild: bool, spread: Spread = Spread(1, 1)) -> Build:
    """A database with `recipes` demo recipes spread over `spread`'s accounts (USER's share and the
    others'): from the cache, or built with the CLI."""
    entry = CACHE / cache_key(recipes, spread)
    cached, meta = entry / "recipes.db", entry / "build.json"
    if cached.exists() and meta.exists() and not rebuild:
        info = json.loads(meta.read_text())
        print(f"Using the cached {recipes}-recipe database ({cached})", flush=True)
        return Build(recipes, cached, float(info["seconds"]), True, cached.stat().st_size)

    config_dir = work / f"build-{recipes}"
    env = app_env(config_dir)
    print(f"Building a database with {recipes} recipes over {spread} accounts ...", flush=True)
    run([str(BIN / "recipes"), "bootstrap"], env)
    seconds = add_accounts(recipes, spread, env)
    print(f"  demo-data took {seconds:.1f} s", flush=True)
    built = config_dir / "recipes.db"
    try:
        entry.mkdir(parents=True, exist_ok=True)
        partial = entry / "recipes.db.partial"
        copy_database(built, partial)
        partial.replace(cached)
        meta.write_text(
            json.dumps({"recipes": recipes, "spread": str(spread), "seed": SEED, "seconds": seconds, "built": now()})
        )
        prune_cache(keep=entry)
        return Build(recipes, cached, seconds, False, cached.stat().st_size)
    except OSError as exc:
        print(f"  (not cached: {exc})", flush=True)
        return Build(recipes, built, seconds, False, built.stat().st_size)


def postgres_database(recipes: int, work: Path, spread: Spread, name: str) -> Build:
    """A fresh database on TEST_DATABASE_URL's server with `recipes` demo recipes, built with the CLI
    in the config directory `work / name` that then serves it (never cached: the server is throwaway)."""
    from sqlalchemy import create_engine, text  # only here: the SQLite runs need nothing of it
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    server_url = os.environ.get("TEST_DATABASE_URL", "")
    if not server_url:
        raise BenchError("--postgres needs TEST_DATABASE_URL (run it under scripts/with_postgres.py)")
    database_name = f"recipes_bench_{name}"
    admin = create_engine(make_url(server_url), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database_name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{database_name}"'))
        url = make_url(server_url).set(database=database_name).render_as_string(hide_password=False)
        config_dir = work / name
        env = app_env(config_dir, DATABASE_URL=url)
        print(f"Building a PostgreSQL database with {recipes} recipes over {spread} accounts ...", flush=True)
        run([str(BIN / "recipes"), "bootstrap"], env)
        seconds = add_accounts(recipes, spread, env)
        print(f"  demo-data took {seconds:.1f} s", flush=True)
        database_admin = create_engine(make_url(url), isolation_level="AUTOCOMMIT", poolclass=NullPool)
        with database_admin.connect() as connection:
            connection.execute(text("VACUUM ANALYZE"))  # as autovacuum would soon after a bulk load
            size = int(connection.execute(text("SELECT pg_database_size(current_database())")).scalar_one())
        database_admin.dispose()
    finally:
        admin.dispose()
    return Build(recipes, config_dir, seconds, False, size, database_url=url)


def postgres_version(url: str) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    engine = create_engine(make_url(url), poolclass=NullPool)
    try:
        with engine.connect() as connection:
            version = str(connection.execute(text("SHOW server_version")).scalar_one())
    finally:
        engine.dispose()
    return f"PostgreSQL {version.split()[0]}"


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy (the write-ahead log folded in), with SQLite's backup API."""
    target.unlink(missing_ok=True)
    source_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    with contextlib.closing(source_db) as src, contextlib.closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")


def prune_cache(keep: Path) -> None:
    """Drop databases built for the same size by other versions of the code: they will not be used again."""
    size = "-".join(keep.name.split("-", 2)[:2])  # the size and the spread
    for entry in CACHE.glob(f"{size}-*"):
        if entry != keep and entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)


# --- serving --------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Server:
    """Gunicorn with a config directory's gunicorn.conf.py on a free loopback port, in its own process
    group, so stopping it stops its workers and nothing else."""

    def __init__(
        self,
        name: str,
        config_dir: Path,
        log_dir: Path,
        app: str | None = None,
        config_file: str = "gunicorn.conf.py",
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.name = name
        self.env = dict(env or {})  # more environment for the server (a DATABASE_URL)
        self.config_dir = config_dir
        self.config_file = config_file
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_dir / f"gunicorn-{name}.log"
        self.app = app
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, ready_path: str) -> float:
        """Start and wait until `ready_path` answers 200; returns the seconds that took."""
        command = [str(BIN / "gunicorn"), "-c", str(self.config_dir / self.config_file)]
        command += ["--bind", f"127.0.0.1:{self.port}"]
        if self.app:
            command += ["--pythonpath", str(SCRIPTS), self.app]
        started = time.perf_counter()
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                # wrk sends thousands of API requests a second: the limit's window is made short
                # rather than the limit switched off, so its bookkeeping is measured too.
                env=app_env(self.config_dir, PORT=str(self.port), RECIPES_API_RATE_LIMIT="1000000/1s", **self.env),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = started + 60
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"Gunicorn ({self.name}) exited early; see its log:\n{self.tail_log()}")
            with contextlib.suppress(OSError):
                if get(self.base + ready_path)[0] == 200:
                    return time.perf_counter() - started
            time.sleep(0.05)
        raise BenchError(f"Gunicorn ({self.name}) did not answer within 60 s:\n{self.tail_log()}")

    def tail_log(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def cpu_seconds(self) -> float:
        """CPU time used so far by the master and its workers."""
        if self.process is None:
            return 0.0
        return sum(cpu_seconds(pid) for pid in [self.process.pid, *children(self.process.pid)])

    def worker_rss(self) -> list[int]:
        """Each worker's resident memory in KiB."""
        if self.process is None:
            return []
        return [rss for pid in children(self.process.pid) if (rss := rss_kib(pid))]

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)  # graceful: the master stops its workers
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:  # the field after the name is the state, then ppid
            found.append(int(entry.name))
    return found


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def rss_kib(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    found = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
    return int(found.group(1)) if found else 0


# --- HTTP -----------------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


# No proxies (loopback only), and redirects are answers to look at, not to follow.
_plain = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


def get(url: str, cookie: str = "") -> tuple[int, str]:
    if not url.startswith("http://127.0.0.1:"):
        raise BenchError(f"not a loopback URL: {url}")
    headers = {"Cookie": cookie, "Accept": "text/html", "User-Agent": USER_AGENT} if cookie else {}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (loopback http only, checked above)
    try:
        with _plain.open(request, timeout=30) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


class _CsrfFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.token = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "input" and values.get("name") == "csrf_token":
            self.token = values.get("value") or ""


def log_in(base: str) -> str:
    """Log in as USER like a browser does; returns the Cookie header value for the session."""
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(jar))
    browser.addheaders = [("User-Agent", USER_AGENT)]
    with browser.open(base + "/auth/login", timeout=30) as response:
        finder = _CsrfFinder()
        finder.feed(response.read().decode("utf-8", "replace"))
    if not finder.token:
        raise BenchError("the login page has no csrf_token field")
    form = urllib.parse.urlencode({"username": USER, "password": PASSWORD, "csrf_token": finder.token})
    with browser.open(base + "/auth/login", data=form.encode(), timeout=60) as response:
        landed = urllib.parse.urlsplit(response.url).path
    session = next((c for c in jar if c.name == "recipes_session"), None)
    if session is None or landed.startswith("/auth/"):
        raise BenchError(f"logging in as {USER!r} failed (ended on {landed})")
    return f"{session.name}={session.value}"


def result_count(page: str) -> str:
    found = re.search(r'class="result-count"[^>]*>\s*([^<]*?)\s*<', page)
    return found.group(1) if found else ""


# --- measuring ------------------------------------------------------------------------------------


def wrk(
    url: str,
    cookie: str,
    seconds: int,
    script: Path = WRK_SCRIPT,
    env: Mapping[str, str] | None = None,
    timeout: int | None = None,
) -> dict[str, float]:
    """One wrk run; the numbers from the summary line of bench.lua (or another `script` that prints it).
    `timeout`: seconds a response may take before wrk counts it as timed out (wrk's default: 2)."""
    command = ["wrk", f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{seconds}s", "-s", str(script), url]
    if timeout is not None:
        command[1:1] = ["--timeout", f"{timeout}s"]
    env = {**os.environ, **(env or {}), "BENCH_COOKIE": cookie, "BENCH_USER_AGENT": USER_AGENT}
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=seconds + 60)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("BENCH ")), None)
    if done.returncode != 0 or line is None:
        raise BenchError(f"wrk failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return {key: float(value) for key, value in (pair.split("=") for pair in line.split()[1:])}


def measure(target: Target, server: Server, cookie: str, seconds: int, recipes: int | None) -> Measurement:
    url = server.base + target.path
    status, page = get(url, cookie)
    if status != 200:
        raise BenchError(f"{target.label}: {url} answered {status}, not 200")
    if not target.server.startswith("hello") and 'name="password"' in page:
        raise BenchError(f"{target.label}: {url} showed a login form, not recipes (the session did not hold)")
    print(f"  {target.label:<30} {target.path}", flush=True)
    wrk(url, cookie, min(WARM_UP_SECONDS, seconds))
    cpu_before = server.cpu_seconds()
    numbers = wrk(url, cookie, seconds)
    cpu_ms = (server.cpu_seconds() - cpu_before) * 1000 / max(numbers["requests"], 1)
    errors = sum(int(numbers[k]) for k in numbers if k.endswith("errors") or k == "timeouts")
    return Measurement(
        target,
        recipes,
        result_count(page),
        numbers["rps"],
        numbers["p50_ms"],
        numbers["p95_ms"],
        numbers["p99_ms"],
        errors,
        cpu_ms,
    )


def serve_and_measure(
    report: Report,
    name: str,
    config_dir: Path,
    work: Path,
    recipes: int | None,
    app: str | None = None,
    database_url: str = "",
) -> None:
    server = Server(name, config_dir, work, app, env={"DATABASE_URL": database_url} if database_url else None)
    try:
        ready = server.start("/" if app else "/healthz")
        report.machine.setdefault("Gunicorn workers", str(len(children(server.process.pid))))
        again = name.endswith("-again")
        if not again:
            report.startup[f"Gunicorn ready ({name})"] = ready
        cookie = "" if app else log_in(server.base)
        print(f"{name}: serving at {server.base} (ready after {ready:.1f} s)", flush=True)
        for target in (t for t in TARGETS if t.server == name):
            report.results.append(measure(target, server, cookie, report.args.duration, recipes))
        if not again:
            report.rss[name] = server.worker_rss()
    except (OSError, urllib.error.URLError) as exc:  # HTTPError is one of these
        raise BenchError(f"{name} server: {exc}; the end of its log:\n{server.tail_log()}") from exc
    finally:
        server.stop()
    if not app and not name.endswith("-again") and recipes:
        report.startup[restart_label(recipes)] = measure_restart(server, config_dir, database_url)


# Issue 20: a restart is served within this many seconds at 50,000 recipes.
RESTART_TARGET_SECONDS = 2.0


def restart_label(recipes: int) -> str:
    target = f"target ≤ {RESTART_TARGET_SECONDS:g} s"
    return f"Restart to healthy at {recipes:,} recipes (`recipes bootstrap` + Gunicorn; {target})"


def measure_restart(server: Server, config_dir: Path, database_url: str) -> float:
    """What the container's restart takes to be served: its entrypoint's `recipes bootstrap` (with
    nothing to migrate), then Gunicorn until /healthz answers."""
    env = app_env(config_dir, DATABASE_URL=database_url) if database_url else app_env(config_dir)
    seconds = run([str(BIN / "recipes"), "bootstrap"], env)
    try:
        seconds += server.start("/healthz")
    finally:
        server.stop()
    return seconds


def prepare_config_dir(build: Build, config_dir: Path, report: Report) -> None:
    """A fresh config directory with a copy of the built database, started the way the container starts it
    (PostgreSQL: the build's own config directory and database)."""
    if build.database_url:
        seconds = run([str(BIN / "recipes"), "bootstrap"], app_env(config_dir, DATABASE_URL=build.database_url))
        report.startup[f"`recipes bootstrap` on {build.recipes:,} recipes"] = seconds
        return
    config_dir.mkdir(parents=True)
    shutil.copyfile(build.path, config_dir / "recipes.db")
    seconds = run([str(BIN / "recipes"), "bootstrap"], app_env(config_dir))
    report.startup[f"`recipes bootstrap` on {build.recipes:,} recipes"] = seconds


# --- reporting ------------------------------------------------------------------------------------


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def command_output(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    except OSError:
        return "unknown"
    return (done.stdout or done.stderr).strip().splitlines()[0] if (done.stdout or done.stderr) else "unknown"


def machine() -> dict[str, str]:
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    memory = re.search(r"^MemTotal:\s+(\d+) kB", meminfo, re.MULTILINE)
    try:
        from recipes import __version__ as version  # the one thing taken from the app
    except ImportError:
        version = "unknown"
    revision = command_output(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    changes = subprocess.run(
        ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"], capture_output=True, check=False
    )
    if changes.returncode == 0 and changes.stdout.strip():
        revision += " (with uncommitted changes)"
    gunicorn = command_output([str(BIN / "gunicorn"), "--version"])
    return {
        "Date": now(),
        "CPUs (nproc)": str(len(os.sched_getaffinity(0))),
        "CPU model": model.group(1).strip() if model else platform.processor() or "unknown",
        "Memory": f"{int(memory.group(1)) / 1024 / 1024:.1f} GiB" if memory else "unknown",
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
        "Gunicorn": gunicorn.replace("gunicorn (version ", "").rstrip(")"),
        "wrk": command_output(["wrk", "--version"]).split(" [")[0].replace("wrk ", ""),
        "Recipes": f"{version}, commit {revision}",
        "Load average at the start (1 min)": f"{os.getloadavg()[0]:.2f}",
        "Database": "SQLite",
    }


def baseline(report: Report) -> tuple[float, float, float]:
    """The hello-world's req/s (the mean of its runs before and after the others), how far apart those
    runs were (a share of the mean: the machine's speed changed when it is large), and its CPU ms/req."""
    runs = [m for m in report.results if m.target.server.startswith("hello")]
    if not runs:
        return 0.0, 0.0, 0.0
    mean = sum(m.rps for m in runs) / len(runs)
    spread = (max(m.rps for m in runs) - min(m.rps for m in runs)) / mean if mean else 0.0
    return mean, spread, sum(m.cpu_ms for m in runs) / len(runs)


def is_api(m: Measurement) -> bool:
    return m.target.path.startswith("/api/")


def verdicts(report: Report) -> list[tuple[Measurement, str, bool | None]]:
    """Each result with its target in words and whether it was met (None: the baseline)."""
    hello_rps = baseline(report)[0]
    rows: list[tuple[Measurement, str, bool | None]] = []
    for m in report.results:
        if m.target.server.startswith("hello"):
            rows.append((m, "baseline", None))
        elif m.target.server == "list":
            ratio = m.rps / hello_rps if hello_rps else 0.0
            rows.append((m, f"≥ {LIST_RATIO_TARGET}× hello: {ratio:.2f}×", ratio >= LIST_RATIO_TARGET))
        else:
            rows.append((m, f"p95 ≤ {SEARCH_P95_TARGET_MS:g} ms", m.p95 <= SEARCH_P95_TARGET_MS))
    return rows


def results_table(report: Report) -> list[str]:
    lines = [
        "| Page | URL | Recipes | Shown | req/s | p50 ms | p95 ms | p99 ms | Errors | CPU ms/req | Target | Met |",
        "|---|---|--:|---|--:|--:|--:|--:|--:|--:|---|---|",
    ]
    for m, target, met in verdicts(report):
        lines.append(
            f"| {m.target.label} | `{m.target.path}` | {f'{m.recipes:,}' if m.recipes else '–'} | {m.hits or '–'} "
            f"| {m.rps:,.0f} "
            f"| {m.p50:.1f} | {m.p95:.1f} | {m.p99:.1f} | {m.errors} | {m.cpu_ms:.2f} | {target} "
            f"| {'–' if met is None else 'yes' if met else '**no**'} |"
        )
    return lines


def markdown(report: Report) -> str:
    args = report.args
    rows = verdicts(report)
    search = [m for m, _, _ in rows if m.target.server == "search" and not is_api(m)]
    api = [m for m, _, _ in rows if is_api(m)]
    database = report.machine.get("Database", "SQLite")
    postgres = database.startswith("PostgreSQL")
    listing = next((r for r in rows if r[0].target.server == "list"), None)
    workers = report.machine.get("Gunicorn workers", "?")
    if postgres:
        heading = f"## The same on {database}"
        command = "`scripts/with_postgres.py -- .venv/bin/python scripts/bench.py --only search --postgres`"
    elif WORKERS is None:
        heading = f"## The same with the default worker count ({workers} on this machine)"
        command = "`.venv/bin/python scripts/bench.py --only search --default-workers`"
    else:
        heading, command = "# Benchmarks", "`scripts/bench.py`"
    sub = "##" if heading.startswith("# ") else "###"  # the other sections sit under the first
    concurrency = (
        f"no `WEB_CONCURRENCY` (its config's own choice: {workers} workers)"
        if WORKERS is None
        else f"`WEB_CONCURRENCY={WORKERS}`"
    )
    lines = [
        heading,
        "",
        f"Written by `make bench` ({command}): the app served by Gunicorn with its own",
        f"`gunicorn.conf.py` and {concurrency} on a loopback port, signed in, measured with",
        f"`wrk -t{WRK_THREADS} -c{WRK_CONNECTIONS} -d{args.duration}s` after a {WARM_UP_SECONDS} s warm-up per URL.",
        "A Flask hello-world served with the same settings in the same run is the baseline, so the",
        "ratios compare across machines; the absolute numbers do not. wrk runs on the same machine",
        "and takes CPU from the server.",
        "",
        f"{sub} Machine",
        "",
        "| | |",
        "|---|---|",
        *(f"| {key} | {value} |" for key, value in report.machine.items()),
        "",
        f"{sub} Results",
        "",
        *results_table(report),
        "",
        "“Shown” is the page's own result count. “CPU ms/req” is the CPU time the Gunicorn master and",
        "workers used per request during the measured run: steadier than req/s when something else",
        f"shares the machine. At {WRK_CONNECTIONS} connections on {report.machine['CPUs (nproc)']} CPUs a request",
        "waits behind the others, so latency is several times its CPU time.",
        *(
            ["The PostgreSQL server's own CPU time is not in it (the server runs on the same machine)."]
            if postgres
            else []
        ),
        "",
        f"{sub} Targets",
        "",
    ]
    hello_rps, spread, hello_cpu = baseline(report)
    if listing:
        m, _, met = listing
        ratio = m.rps / hello_rps if hello_rps else 0.0
        by_cpu = f"; by CPU time per request it is {hello_cpu / m.cpu_ms:.2f}×" if m.cpu_ms else ""
        lines.append(
            f"- List page at {m.recipes:,} recipes: {ratio:.2f}× the hello-world's {hello_rps:,.0f} req/s (the mean "
            f"of its two runs), target ≥ {LIST_RATIO_TARGET}×: {'met' if met else 'missed'}{by_cpu}."
        )
    if search:
        worst = max(search, key=lambda m: m.p95)
        met = all(m.p95 <= SEARCH_P95_TARGET_MS for m in search)
        lines.append(
            f"- Search at {worst.recipes:,} recipes: p95 ≤ {SEARCH_P95_TARGET_MS:g} ms for every class "
            f"({'met' if met else 'missed'}; the slowest is “{worst.target.label}” at {worst.p95:.1f} ms)."
        )
    if api:
        measured = ", ".join(f"{m.target.label.removeprefix('API: ')} p95 {m.p95:.1f} ms" for m in api)
        met = all(m.p95 <= SEARCH_P95_TARGET_MS for m in api)
        lines.append(
            f"- The JSON API at {api[0].recipes:,} recipes: p95 ≤ {SEARCH_P95_TARGET_MS:g} ms "
            f"({'met' if met else 'missed'}): {measured}. Each API request also counts against its caller's "
            "rate limit in the database; a worker reserves a block of hits with one short write and counts "
            "the rest of the block in memory."
        )
    if spread > NOISE_LIMIT:
        lines.append(
            f"- The two baseline runs differ by {spread:.0%}: something else used the machine during this run, "
            "so take req/s and latencies with care (CPU ms/req is less affected)."
        )
    spread = args.spread
    lines += [
        "",
        f"{sub} Data and start-up",
        "",
        f"The recipes are spread over {spread.households} household{'s' if spread.households != 1 else ''} of "
        f"{spread.members} account{'s' if spread.members != 1 else ''} (`--spread {spread}`), each account owning an "
        "equal share (three in ten public, three in ten shared with the household, the rest private); the pages are "
        "those the first household's admin sees.",
        "",
        "| | |",
        "|---|---|",
    ]
    for name, build in report.builds.items():
        how = "cached build" if build.cached else "built in this run"
        what = f"Build {build.recipes:,} recipes (`recipes demo-data`, {name})"
        lines.append(f"| {what} | {build.seconds:.1f} s ({how}) |")
        lines.append(f"| Database size at {build.recipes:,} recipes | {build.size / 1024 / 1024:.1f} MiB |")
    for name, seconds in report.startup.items():
        lines.append(f"| {name} | {seconds:.2f} s |")
    for name, rss in report.rss.items():
        if rss:
            low, high = f"{min(rss) / 1024:.0f}", f"{max(rss) / 1024:.0f}"
            span = low if low == high else f"{low}–{high}"
            lines.append(f"| RSS per worker, {name} server after its runs | {span} MiB ({len(rss)} workers) |")
    lines += [
        "",
        "Run it again with `make bench` (options: `.venv/bin/python scripts/bench.py --help`).",
        "",
    ]
    return "\n".join(lines)


def print_summary(report: Report) -> None:
    print()
    print(f"Load average at the start (1 min): {report.machine['Load average at the start (1 min)']}")
    width = max(len(t.label) for t in TARGETS)
    columns = ("req/s", "p50 ms", "p95 ms", "p99 ms", "err", "cpu/req")
    print(f"{'page':<{width}}  {'  '.join(f'{c:>7}' for c in columns)}  target")
    for m, target, met in verdicts(report):
        mark = "" if met is None else "  ok" if met else "  MISSED"
        print(
            f"{m.target.label:<{width}}  {m.rps:>7,.0f}  {m.p50:>7.1f}  {m.p95:>7.1f}  {m.p99:>7.1f}  {m.errors:>7}  "
            f"{m.cpu_ms:>7.2f}  {target}{mark}"
        )
    spread = baseline(report)[1]
    if spread > NOISE_LIMIT:
        print(f"Warning: the two baseline runs differ by {spread:.0%}: the machine was busy with something else.")
    print()
    for name, build in report.builds.items():
        print(f"{name} database: {build.recipes} recipes, {build.size / 1024 / 1024:.1f} MiB, ", end="")
        print(f"demo-data {build.seconds:.1f} s{' (cached)' if build.cached else ''}")
    for name, seconds in report.startup.items():
        verdict = ("  ok" if seconds <= RESTART_TARGET_SECONDS else "  MISSED") if name.startswith("Restart") else ""
        print(f"{name}: {seconds:.2f} s{verdict}")
    for name, rss in report.rss.items():
        if rss:
            print(f"RSS per worker ({name}): {', '.join(f'{r / 1024:.0f} MiB' for r in sorted(rss))}")


# --- main -----------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--recipes", type=int, default=50_000, help="recipes for the search runs (default 50000)")
    parser.add_argument("--list-recipes", type=int, default=10_000, help="recipes for the list page (default 10000)")
    parser.add_argument(
        "--spread",
        type=parse_spread,
        default=Spread(5, 4),
        help="the recipes over HOUSEHOLDSxACCOUNTS accounts, e.g. 5x4 (the default) or 1x1 (one account owns all)",
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per measured wrk run (default 10)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (logs, databases)")
    parser.add_argument("--rebuild", action="store_true", help="build the databases even if they are cached")
    parser.add_argument(
        "--only",
        choices=("list", "search"),
        help="measure only the list page or only the searches and the API (besides the baseline); the report "
        "is then written only where --markdown says",
    )
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="build and serve on TEST_DATABASE_URL's PostgreSQL server (run under scripts/with_postgres.py); "
        "its report is a section of its own",
    )
    parser.add_argument(
        "--default-workers",
        action="store_true",
        help=f"serve with the worker count the app's gunicorn.conf.py picks here, not {WORKERS} (the targets'); "
        "its report is a section of its own",
    )
    parser.add_argument(
        "--markdown", type=Path, help="where to write the report (default: docs/benchmarks.md, unless --only)"
    )
    args = parser.parse_args(argv)
    if args.markdown is None and args.only is None:
        args.markdown = ROOT / "docs" / "benchmarks.md"
    if args.recipes < 1 or args.list_recipes < 1 or args.duration < 1:
        parser.error("--recipes, --list-recipes and --duration must be at least 1")
    return args


def _stop_on_signal(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds through the finally blocks that stop the servers


@contextlib.contextmanager
def work_directory(keep: bool) -> Iterator[Path]:
    work = Path(tempfile.mkdtemp(prefix="recipes-bench-"))
    try:
        yield work
    finally:
        if keep:
            print(f"Kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    global WORKERS
    args = parse_args(argv)
    if args.default_workers:
        WORKERS = None
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _stop_on_signal)
    for tool in ("recipes", "gunicorn"):
        if not (BIN / tool).exists():
            print(f"bench: {BIN / tool} is missing: run it with the project's venv (make bench)", file=sys.stderr)
            return 2
    try:
        ensure_wrk()
        report = Report(args, machine())
        if args.postgres:
            report.machine["Database"] = "PostgreSQL"
        load = os.getloadavg()[0]
        if load > 0.5 * len(os.sched_getaffinity(0)):
            print(f"bench: warning: the machine is busy (load {load:.1f}); the numbers will be low", flush=True)
        servers = [name for name in ("list", "search") if args.only in (None, name)]
        sizes = {"list": args.list_recipes, "search": args.recipes}
        with work_directory(args.keep) as work:
            for name in servers:
                if args.postgres:
                    report.builds[name] = postgres_database(sizes[name], work, args.spread, name)
                    report.machine["Database"] = postgres_version(report.builds[name].database_url)
                else:
                    report.builds[name] = database(sizes[name], work, args.rebuild, args.spread)
            for name in servers:
                prepare_config_dir(report.builds[name], work / name, report)
            # The baseline uses the first server's config file: the same Gunicorn settings.
            first = work / servers[0]
            serve_and_measure(report, "hello", first, work, None, app="bench_hello:app")
            for name in servers:
                url = report.builds[name].database_url
                serve_and_measure(report, name, work / name, work, sizes[name], database_url=url)
            serve_and_measure(report, "hello-again", first, work, None, app="bench_hello:app")
    except (BenchError, subprocess.SubprocessError) as exc:  # SubprocessError: a timeout, a failed apt-get
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench: interrupted; servers stopped", file=sys.stderr)
        return 130
    print_summary(report)
    if args.markdown is None:
        print("\nNot written anywhere (--only without --markdown)")
        return 0
    section = POSTGRES_SECTION if args.postgres else DEFAULT_WORKERS_SECTION if args.default_workers else "load"
    write_section(args.markdown, section, markdown(report))
    print(f"\nWrote {args.markdown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
