"""Soak test Recipes the way it runs in production: `make soak` (or `.venv/bin/python scripts/soak.py --help`).

Everything happens on 127.0.0.1, in a temporary directory that is removed afterwards:

1. Load. A fresh config directory; `tini -s -- entrypoint.sh --bind 127.0.0.1:PORT`, so `recipes
   bootstrap` runs and Gunicorn starts from the seeded gunicorn.conf.py with --workers workers on
   SQLite, exactly as in the container. Users sign up through /auth/register, `recipes demo-data` adds
   a library, and --clients client threads (each its own signed-in session, through /auth/login) run a
   mixed load for --seconds: list pages, searches, tag filters, recipe pages and their pictures, new
   recipes, edits and picture uploads (real JPEGs and PNGs made with Pillow), all through the HTML
   forms with their CSRF tokens. Every request is counted by status, with latency percentiles.
2. A killed worker. Part-way through (--kill-at), one worker, found among the Gunicorn master's
   children, gets SIGKILL. Only a request that worker was serving may fail; the master must start a
   replacement.
3. A graceful stop. The load stops; one request per worker is left half-sent (its body held back);
   tini gets SIGTERM; the bodies are then completed. Every one of those requests must get its normal
   answer and be saved, and tini must exit 0.
4. The data. Every recipe a client saw saved (and its last edit) is in the database, and
   `PRAGMA integrity_check` says ok. The Gunicorn log has no "database is locked" and no traceback.
5. A full disk (root only; skipped with a message where mounting is not allowed). A small tmpfs is the
   config directory of a second server; it is filled until writes fail. Saving must give the clear
   "disk is full" page (507, no traceback anywhere), reads must go on, `PRAGMA integrity_check` must
   say ok, and once the space is back saving works again.

Prints a summary, writes it as Markdown with --markdown PATH, and exits 1 when a target is missed
(2 when the soak could not run at all). Servers are stopped and the tmpfs unmounted on errors and Ctrl-C.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import html
import http.client
import http.cookies
import io
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter
from system_packages import ensure_command  # scripts/ is on the path: run as a script

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # the virtualenv's bin/ when run as `.venv/bin/python scripts/soak.py`
PASSWORD = "soak-password-for-loopback-only"  # noqa: S105 (throwaway accounts on a temporary database)
REQUEST_TIMEOUT = 60.0
START_TIMEOUT = 90.0
STOP_TIMEOUT = 30.0
DISK_FULL_MESSAGE = "disk is full"

WORDS = (
    *("chicken", "garlic", "tomato", "lemon", "lentil", "basil", "ginger", "coconut", "chickpea", "mushroom"),
    *("spinach", "potato", "onion", "pepper", "rice", "noodle", "salmon", "pork", "beef", "carrot", "leek"),
    *("apple", "pear", "quince", "almond"),
)
DISHES = ("soup", "stew", "curry", "salad", "bake", "roast", "pie", "tart", "risotto", "pasta", "bowl")
TAGS = ("dinner", "lunch", "soup", "quick", "vegetarian", "baking", "weekend", "soak")
VERBS = ("Chop", "Fry", "Simmer", "Stir", "Bake", "Season")
SEARCHES = ("chicken", "garlic", "tomato soup", "lemon", "lentil", "quince", "soak", "zeppelin", "tom", "rice bowl")

# What each kind of request should answer; anything else is counted as unexpected.
EXPECTED = {
    "list": {200},
    "search": {200},
    "tag": {200},
    "detail": {200},
    "picture": {200},
    "form": {200},
    "create": {302},
    "edit": {302},
    "upload": {302},
}
MIX = {"list": 22, "search": 24, "tag": 6, "detail": 24, "create": 9, "edit": 9, "upload": 6}


class SoakError(Exception):
    """The soak cannot run; the message says why."""


# --- processes ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (from /proc)."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def ensure_tini() -> str:
    """tini, as the container has it; installed with apt-get when missing and we are root (as CI is)."""
    found = ensure_command("tini")
    if not found:
        raise SoakError(
            "tini is not installed (`apt-get install tini`): the soak runs the app under it, as the image does"
        )
    return found


def app_env(config_dir: Path, workers: int) -> dict[str, str]:
    """The environment of the app's commands: this config directory and its SQLite database; nothing
    inherited that could point elsewhere."""
    drop = ("DATABASE_URL", "SECRET_KEY", "SECRET_KEY_FILE", "PORT", "WEB_CONCURRENCY", "RECIPES_MIGRATIONS_DIR")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        RECIPES_CONFIG_DIR=str(config_dir),
        WEB_CONCURRENCY=str(workers),
        RECIPES_ALLOW_SIGNUP="true",
        PYTHONDONTWRITEBYTECODE="1",  # no __pycache__ next to gunicorn.conf.py in the config directory
    )
    return env


class Server:
    """tini -> entrypoint.sh (recipes bootstrap) -> Gunicorn, as in the container."""

    def __init__(self, config_dir: Path, log_path: Path, workers: int) -> None:
        self.config_dir = config_dir
        self.log_path = log_path
        self.workers = workers
        self.env = app_env(config_dir, workers)
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> float:
        tini = ensure_tini()
        started = time.monotonic()
        with self.log_path.open("ab") as log:
            # -s: tini is not PID 1 here, so it registers as a subreaper to adopt orphans as PID 1 would.
            self.process = subprocess.Popen(
                [tini, "-s", "--", str(ROOT / "entrypoint.sh"), "--bind", f"127.0.0.1:{self.port}"],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, so cleanup reaches every worker
            )
        deadline = started + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SoakError(f"the server exited with {self.process.returncode}:\n{self.log()[-3000:]}")
            reply = Session(self.port).request("GET", "/healthz")
            if reply.status == 200 and len(self.worker_pids()) == self.workers:
                return time.monotonic() - started
            time.sleep(0.1)
        raise SoakError(f"the server did not answer within {START_TIMEOUT:.0f} s:\n{self.log()[-3000:]}")

    @property
    def tini_pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def master_pid(self) -> int:
        found = children(self.tini_pid)
        if len(found) != 1:
            raise SoakError(f"expected one Gunicorn master under tini, found {found}")
        return found[0]

    def worker_pids(self) -> list[int]:
        masters = children(self.tini_pid)
        return children(masters[0]) if len(masters) == 1 else []

    def sigterm(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)

    def wait(self, timeout: float) -> int | None:
        assert self.process is not None
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self) -> int | None:
        """SIGTERM and wait; the exit code, or None if it had to be killed."""
        if self.process is None or self.process.poll() is not None:
            return None if self.process is None else self.process.returncode
        self.sigterm()
        code = self.wait(STOP_TIMEOUT)
        if code is None:
            self.kill()
        return code

    def kill(self) -> None:
        """The last resort on errors: SIGKILL this server's own process group."""
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def cli(self, *args: str, stdin: str = "") -> None:
        done = subprocess.run(
            [str(BIN / "recipes"), *args], env=self.env, input=stdin, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise SoakError(f"recipes {' '.join(args)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")


# --- HTTP -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    kind: str
    client: int
    start: float
    end: float
    status: int  # 0: no HTTP answer (refused, reset, timed out)
    error: str = ""

    @property
    def ms(self) -> float:
        return (self.end - self.start) * 1000


@dataclass
class Reply:
    status: int
    location: str = ""
    body: str = ""
    error: str = ""


class Recorder:
    def __init__(self) -> None:
        self.records: list[Record] = []
        self._lock = threading.Lock()

    def add(self, record: Record) -> None:
        with self._lock:
            self.records.append(record)


class Session:
    """A browser's part of HTTP: cookies, one connection per request, no redirects followed."""

    def __init__(self, port: int, recorder: Recorder | None = None, client: int = -1) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.recorder = recorder
        self.client = client

    def request(
        self, method: str, path: str, body: bytes | None = None, content_type: str = "", kind: str = ""
    ) -> Reply:
        headers = {"Accept": "text/html", "Connection": "close", "User-Agent": "recipes-soak"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if content_type:
            headers["Content-Type"] = content_type
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        start = time.monotonic()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            self.remember(response.headers.get_all("Set-Cookie") or [])
            reply = Reply(response.status, response.getheader("Location") or "", data.decode("utf-8", "replace"))
        except (OSError, http.client.HTTPException) as exc:
            reply = Reply(0, error=type(exc).__name__)
        finally:
            connection.close()
        if self.recorder is not None and kind:
            self.recorder.add(Record(kind, self.client, start, time.monotonic(), reply.status, reply.error))
        return reply

    def remember(self, set_cookies: Sequence[str]) -> None:
        for header in set_cookies:
            jar: http.cookies.SimpleCookie = http.cookies.SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or (morsel["expires"] and "1970" in morsel["expires"]):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def form_token(self, path: str, kind: str = "form") -> str | None:
        """GET the page with the form and take its CSRF token, as a browser's form would."""
        reply = self.request("GET", path, kind=kind)
        found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', reply.body)
        return found.group(1) if reply.status == 200 and found else None

    def post_form(self, path: str, fields: dict[str, str], kind: str = "", form_path: str = "") -> Reply:
        token = self.form_token(form_path or path, kind="form" if kind else "")
        if token is None:
            return Reply(0, error="no form")
        body = urllib.parse.urlencode({**fields, "csrf_token": token}).encode()
        return self.request("POST", path, body, "application/x-www-form-urlencoded", kind=kind)

    def post_multipart(self, path: str, fields: dict[str, str], picture: Picture, kind: str = "") -> Reply:
        token = self.form_token(path, kind="form" if kind else "")
        if token is None:
            return Reply(0, error="no form")
        body, content_type = multipart({**fields, "csrf_token": token}, picture)
        return self.request("POST", path, body, content_type, kind=kind)


@dataclass(frozen=True)
class Picture:
    filename: str
    mime: str
    data: bytes


def multipart(fields: dict[str, str], picture: Picture) -> tuple[bytes, str]:
    boundary = f"----recipes-soak-{secrets.token_hex(12)}"
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
        out.write(value.encode() + b"\r\n")
    out.write(
        f'--{boundary}\r\nContent-Disposition: form-data; name="picture"; filename="{picture.filename}"\r\n'
        f"Content-Type: {picture.mime}\r\n\r\n".encode()
    )
    out.write(picture.data + f"\r\n--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def make_pictures(count: int, seed: int) -> list[Picture]:
    """Photo-like pictures: smooth colour fields, shapes and grain (JPEG 1600x1200, PNG 800x600)."""
    rng = random.Random(seed)  # noqa: S311 (seeded on purpose: the same pictures every run)
    pictures = []
    for index in range(count):
        png = index % 3 == 2
        size = (800, 600) if png else (1600, 1200)
        base = Image.merge(
            "RGB",
            (
                Image.linear_gradient("L").resize(size).rotate(rng.randrange(360), expand=False),
                Image.radial_gradient("L").resize(size),
                Image.effect_noise(size, 60).filter(ImageFilter.GaussianBlur(8)),
            ),
        )
        draw = ImageDraw.Draw(base)
        for _ in range(12):
            x, y = rng.randrange(size[0]), rng.randrange(size[1])
            r = rng.randrange(20, size[0] // 5)
            draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rng.randrange(256) for _ in range(3)))
        grain = Image.effect_noise(size, 18).convert("RGB")
        photo = Image.blend(base, grain, 0.12)
        buffer = io.BytesIO()
        if png:
            photo.save(buffer, "PNG")
            pictures.append(Picture(f"photo{index}.png", "image/png", buffer.getvalue()))
        else:
            photo.save(buffer, "JPEG", quality=88)
            pictures.append(Picture(f"photo{index}.jpg", "image/jpeg", buffer.getvalue()))
    return pictures


# --- the load -------------------------------------------------------------------------------------


def recipe_fields(rng: random.Random, title: str) -> dict[str, str]:
    main, second = rng.sample(WORDS, 2)
    ingredients = [f"{rng.randint(1, 500)} g {word}" for word in rng.sample(WORDS, rng.randint(4, 10))]
    steps = [
        f"{rng.choice(VERBS)} the {word} for {rng.randint(2, 40)} minutes."
        for word in rng.sample(WORDS, rng.randint(3, 7))
    ]
    return {
        "title": title,
        "description": f"A {main} {rng.choice(DISHES)} with {second}, made during a soak test.",
        "ingredients": "\n".join(ingredients),
        "instructions": "\n".join(steps),
        "servings": str(rng.randint(1, 8)),
        "prep_time": str(rng.randint(5, 30)),
        "cook_time": str(rng.randint(0, 90)),
        "total_time": "",
        "source_url": "",
        "tags": ", ".join(rng.sample(TAGS, rng.randint(1, 3))),
        "notes": "",
        "visibility": rng.choice(["private", "public"]),
    }


def recipe_id(location: str) -> int | None:
    found = re.search(r"/recipes/(\d+)$", urllib.parse.urlsplit(location).path)
    return int(found.group(1)) if found else None


@dataclass
class Saved:
    """What a client last saw saved for one of its recipes."""

    title: str
    fields: dict[str, str]
    picture: bool = False


class LoadClient(threading.Thread):
    def __init__(self, number: int, session: Session, pictures: list[Picture], stop: threading.Event, seed: int):
        super().__init__(name=f"client-{number}", daemon=True)
        self.number = number
        self.session = session
        self.pictures = pictures
        self.stop_event = stop
        self.rng = random.Random(seed * 1000 + number)  # noqa: S311 (a repeatable load)
        self.visible: list[int] = []
        self.own: dict[int, Saved] = {}
        self.created = 0
        self.edits = 0
        self.crash: BaseException | None = None

    def run(self) -> None:
        kinds, weights = list(MIX), list(MIX.values())
        try:
            while not self.stop_event.is_set():
                getattr(self, f"do_{self.rng.choices(kinds, weights)[0]}")()
        except BaseException as exc:  # a bug in the client, not the server: reported, not hidden
            self.crash = exc

    def get(self, path: str, kind: str) -> Reply:
        reply = self.session.request("GET", path, kind=kind)
        ids = [int(i) for i in re.findall(r'href="/recipes/(\d+)"', reply.body)]
        self.visible = (self.visible + ids)[-400:]
        return reply

    def do_list(self) -> None:
        page = self.rng.choice([1, 1, 1, 2, 3, 5])
        self.get("/recipes/" if page == 1 else f"/recipes/?page={page}", "list")

    def do_search(self) -> None:
        self.get(f"/recipes/?{urllib.parse.urlencode({'q': self.rng.choice(SEARCHES)})}", "search")

    def do_tag(self) -> None:
        self.get(f"/recipes/?tag={self.rng.choice(TAGS)}", "tag")

    def do_detail(self) -> None:
        pool = self.visible + list(self.own)
        if not pool:
            self.do_list()
            return
        reply = self.get(f"/recipes/{self.rng.choice(pool)}", "detail")
        found = re.search(r'src="(/recipes/\d+/picture/[0-9a-f]{64}/[a-z]+\.[a-z0-9]+)"', reply.body)
        if found:
            self.session.request("GET", found.group(1), kind="picture")

    def new_title(self) -> str:
        self.created += 1
        return f"Soak {self.number}-{self.created} {self.rng.choice(WORDS)} {self.rng.choice(DISHES)}"

    def do_create(self, with_picture: bool = False) -> None:
        title = self.new_title()
        fields = recipe_fields(self.rng, title)
        if with_picture:
            reply = self.session.post_multipart("/recipes/new", fields, self.rng.choice(self.pictures), kind="upload")
        else:
            reply = self.session.post_form("/recipes/new", fields, kind="create")
        new_id = recipe_id(reply.location) if reply.status == 302 else None
        if new_id is not None:
            self.own[new_id] = Saved(title, fields, picture=with_picture)

    def do_edit(self, with_picture: bool = False) -> None:
        if not self.own:
            self.do_create(with_picture)
            return
        target = self.rng.choice(list(self.own))
        saved = self.own[target]
        self.edits += 1
        title = f"{saved.title.split(' (edit')[0]} (edit {self.edits})"
        fields = {**saved.fields, "title": title, "notes": f"Edited {self.edits} times by client {self.number}."}
        path = f"/recipes/{target}/edit"
        if with_picture:
            reply = self.session.post_multipart(path, fields, self.rng.choice(self.pictures), kind="upload")
        else:
            reply = self.session.post_form(path, fields, kind="edit")
        if reply.status == 302:
            self.own[target] = Saved(title, fields, picture=saved.picture or with_picture)

    def do_upload(self) -> None:
        if self.own and self.rng.random() < 0.5:
            self.do_edit(with_picture=True)
        else:
            self.do_create(with_picture=True)


def sign_up(port: int, username: str, config_dir: Path) -> Session:
    """Sign up through the page; the first account gives the setup code that start-up printed
    and left in the config directory, as the operator would."""
    session = Session(port)
    fields = {"username": username, "password": PASSWORD, "confirm": PASSWORD}
    code_file = config_dir / "setup_code"
    if code_file.exists():
        fields["setup_code"] = code_file.read_text(encoding="ascii").strip()
    reply = session.post_form("/auth/register", fields)
    if reply.status != 302:
        raise SoakError(f"signing up {username} through /auth/register answered {reply.status}: {reply.body[:500]}")
    return session


def log_in(port: int, username: str, recorder: Recorder | None = None, client: int = -1) -> Session:
    session = Session(port, recorder, client)
    reply = session.post_form("/auth/login", {"username": username, "password": PASSWORD, "next": ""})
    if reply.status != 302:
        raise SoakError(f"logging in {username} through /auth/login answered {reply.status}: {reply.body[:500]}")
    return session


# --- a graceful stop with requests in flight ------------------------------------------------------


class HeldRequest:
    """A POST whose body is sent in two parts: a Gunicorn worker takes it and waits for the rest."""

    def __init__(self, port: int, session: Session, path: str, body: bytes, content_type: str) -> None:
        self.path = path
        self.body = body
        self.status = 0
        self.location = ""
        self.error = ""
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
        try:
            self.connection.putrequest("POST", path)
            self.connection.putheader("Cookie", "; ".join(f"{k}={v}" for k, v in session.cookies.items()))
            self.connection.putheader("Content-Type", content_type)
            self.connection.putheader("Content-Length", str(len(body)))
            self.connection.putheader("Connection", "close")
            self.connection.endheaders()
            self.connection.send(body[: len(body) // 2])
        except OSError as exc:
            self.error = type(exc).__name__

    def finish(self) -> None:
        if self.error:
            return
        try:
            self.connection.send(self.body[len(self.body) // 2 :])
            response = self.connection.getresponse()
            response.read()
            self.status, self.location = response.status, response.getheader("Location") or ""
        except (OSError, http.client.HTTPException) as exc:
            self.error = type(exc).__name__
        finally:
            self.connection.close()


# --- results --------------------------------------------------------------------------------------


def status_counts(counts: Counter[int]) -> str:
    return ", ".join(f"{status or 'no answer'}: {n:,}" for status, n in sorted(counts.items()))


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@dataclass
class Check:
    target: str
    result: str
    met: bool | None  # None: not run (skipped)


@dataclass
class Report:
    args: argparse.Namespace
    machine: dict[str, str]
    lines: list[str] = field(default_factory=list)  # the Markdown body, section by section
    checks: list[Check] = field(default_factory=list)

    def check(self, target: str, result: str, met: bool | None) -> None:
        self.checks.append(Check(target, result, met))
        mark = {True: "ok  ", False: "MISS", None: "skip"}[met]
        print(f"  [{mark}] {target}: {result}", flush=True)

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    @property
    def missed(self) -> list[Check]:
        return [c for c in self.checks if c.met is False]


def log_findings(log: str) -> tuple[int, int, list[str]]:
    """("database is locked" count, traceback count, error lines other than the expected SIGKILL notice)."""
    errors = [
        line
        for line in log.splitlines()
        # Gunicorn's "[ERROR]" lines and the app's "ERROR in module:" ones.
        if ("[ERROR]" in line or "] ERROR in " in line) and "was sent SIGKILL" not in line and "Disk full:" not in line
    ]
    return log.count("database is locked"), log.count("Traceback (most recent call last)"), errors


def machine() -> dict[str, str]:
    def version(module: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", f"import importlib.metadata as m; print(m.version({module!r}))"],
            capture_output=True,
            text=True,
            check=False,
        )
        return done.stdout.strip() or "?"

    revision = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return {
        "Date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "CPUs (nproc)": str(len(os.sched_getaffinity(0))),
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
        "Gunicorn": version("gunicorn"),
        "Recipes": f"{version('recipes')}, commit {revision or '?'}",
        "Load average at the start (1 min)": f"{os.getloadavg()[0]:.2f}",
    }


# --- phase 1-4: load, a killed worker, a graceful stop, the data ----------------------------------


def soak(args: argparse.Namespace, work: Path, report: Report) -> None:
    config_dir = work / "config"
    server = Server(config_dir, work / "gunicorn.log", args.workers)
    print(f"Starting tini -> entrypoint.sh -> Gunicorn ({args.workers} workers) on 127.0.0.1:{server.port}", flush=True)
    try:
        ready = server.start()
        print(f"  ready in {ready:.1f} s; master {server.master_pid()}, workers {server.worker_pids()}", flush=True)
        usernames = [f"soak{n}" for n in range(1, args.users + 1)]
        for username in usernames:
            sign_up(server.port, username, config_dir)
        if args.library:
            started = time.monotonic()
            per_user = max(1, args.library // len(usernames))
            for n, username in enumerate(usernames):
                server.cli("demo-data", "--user", username, "--recipes", str(per_user), "--seed", str(n))
            print(f"  {per_user * len(usernames)} demo recipes in {time.monotonic() - started:.1f} s", flush=True)
        library = per_user * len(usernames) if args.library else 0
        pictures = make_pictures(8, args.seed)

        recorder = Recorder()
        stop = threading.Event()
        clients = [
            LoadClient(n, log_in(server.port, usernames[n % len(usernames)], recorder, n), pictures, stop, args.seed)
            for n in range(args.clients)
        ]
        print(f"Load: {args.clients} clients for {args.seconds:.0f} s", flush=True)
        began = time.monotonic()
        for client in clients:
            client.start()

        # A worker killed part-way through.
        time.sleep(args.seconds * args.kill_at)
        before = server.worker_pids()
        victim = random.Random(args.seed).choice(before)  # noqa: S311
        killed_at = time.monotonic()
        os.kill(victim, signal.SIGKILL)
        replacement, replaced_in = None, None
        while time.monotonic() - killed_at < 30:
            now = server.worker_pids()
            new = sorted(set(now) - set(before))
            if new and len(now) == args.workers and victim not in now:
                replacement, replaced_in = new[0], time.monotonic() - killed_at
                break
            time.sleep(0.02)
        print(f"  killed worker {victim} at {killed_at - began:.1f} s; replacement {replacement}", flush=True)

        time.sleep(max(0.0, began + args.seconds - time.monotonic()))
        stop.set()
        for client in clients:
            client.join(REQUEST_TIMEOUT + 5)
        duration = time.monotonic() - began
        crashed = [c for c in clients if c.crash is not None]
        if crashed:
            raise SoakError(f"client {crashed[0].number} failed: {crashed[0].crash!r}")

        # Graceful stop: one half-sent request per worker, then SIGTERM to tini, then the rest of each body.
        held: list[HeldRequest] = []
        expected_titles: dict[int, str] = {}
        held_creates: list[tuple[HeldRequest, str]] = []
        for n in range(args.workers):
            client = clients[n % len(clients)]
            session = Session(server.port)
            session.cookies = dict(client.session.cookies)
            if n % 2 == 0 or not client.own:
                title = f"Held {n} {client.new_title()}"
                token = session.form_token("/recipes/new")
                fields = {**recipe_fields(client.rng, title), "csrf_token": token or ""}
                body, content_type = multipart(fields, pictures[n % len(pictures)])
                request = HeldRequest(server.port, session, "/recipes/new", body, content_type)
                held_creates.append((request, title))
            else:
                target = next(iter(client.own))
                title = f"Held edit {n} of {target}"
                token = session.form_token(f"/recipes/{target}/edit")
                fields = {**client.own[target].fields, "title": title, "csrf_token": token or ""}
                body = urllib.parse.urlencode(fields).encode()
                request = HeldRequest(
                    server.port, session, f"/recipes/{target}/edit", body, "application/x-www-form-urlencoded"
                )
                client.own[target] = Saved(title, fields, client.own[target].picture)
            held.append(request)
        time.sleep(1.0)  # every worker has taken one and is waiting for its body
        busy_workers = server.worker_pids()
        term_at = time.monotonic()
        server.sigterm()
        time.sleep(1.0)
        still_running = server.process is not None and server.process.poll() is None
        for request in held:
            request.finish()
        exit_code = server.wait(STOP_TIMEOUT)
        stopped_in = time.monotonic() - term_at
        if exit_code is None:
            server.kill()
        for request, title in held_creates:
            new_id = recipe_id(request.location) if request.status == 302 else None
            if new_id is not None:
                expected_titles[new_id] = title

        # --- the numbers
        records = recorder.records
        print_and_check_load(
            report, args, records, duration, library, victim, killed_at, replacement, replaced_in, clients
        )
        exit_text = str(exit_code) if exit_code is not None else f"none: killed after {STOP_TIMEOUT:.0f} s"
        held_statuses = Counter(r.status if r.status else r.error for r in held)
        report.add(
            "## Stopping with requests in flight",
            "",
            f"The load stopped; then {len(held)} POSTs (recipe creates with a picture, and edits) were "
            f"sent up to half their body, one for each of the {len(busy_workers)} workers, and held there. "
            "tini got SIGTERM, and one second later the rest of each body was sent.",
            "",
            "| | |",
            "|---|---|",
            f"| Held requests' answers | {', '.join(f'{k}: {v}' for k, v in sorted(held_statuses.items(), key=str))} |",
            f"| Server still running 1 s after SIGTERM (waiting for them) | {'yes' if still_running else 'no'} |",
            f"| tini's exit code | {exit_text} |",
            f"| SIGTERM to exit | {stopped_in:.1f} s |",
            "",
        )
        all_answered = all(r.status == 302 for r in held)
        report.check(
            "SIGTERM through tini: in-flight requests complete",
            f"{sum(r.status == 302 for r in held)} of {len(held)} held requests answered 302 after the SIGTERM",
            all_answered and still_running,
        )
        report.check(
            "SIGTERM through tini: exit code 0",
            f"exit code {exit_code}, {stopped_in:.1f} s after the signal",
            exit_code == 0,
        )

        # --- the data, read straight from the file
        expected_pictures = set(expected_titles)  # so far the held creates, each sent with a picture
        for client in clients:
            for rid, saved in client.own.items():
                expected_titles[rid] = saved.title
                if saved.picture:
                    expected_pictures.add(rid)
        database = config_dir / "recipes.db"
        with contextlib.closing(sqlite3.connect(database)) as connection:
            titles = dict(connection.execute("SELECT id, title FROM recipe").fetchall())
            integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
            pictured = {row[0] for row in connection.execute("SELECT recipe_id FROM recipe_image")}
        missing = [rid for rid, title in expected_titles.items() if titles.get(rid) != title]
        missing += [rid for rid in expected_pictures - pictured if rid not in missing]
        report.add(
            "## The data afterwards",
            "",
            "| | |",
            "|---|---|",
            f"| Recipes in the database | {len(titles):,} ({library:,} demo recipes, the rest made by the clients) |",
            f"| Recipes the clients saw saved, checked by id and last saved title | {len(expected_titles):,} |",
            f"| Of those, with a picture uploaded (checked to have one) | {len(expected_pictures):,} |",
            f"| Missing, with a different title, or without their picture | {len(missing)} |",
            f"| Recipes with a picture in all | {len(pictured):,} |",
            f"| `PRAGMA integrity_check` | {integrity} |",
            "",
        )
        report.check(
            "Nothing lost",
            f"{len(expected_titles) - len(missing)} of {len(expected_titles)} saved recipes found as last saved"
            f" ({len(expected_pictures)} with their picture)",
            not missing,
        )
        report.check("PRAGMA integrity_check after the soak", integrity, integrity == "ok")

        locked, tracebacks, errors = log_findings(server.log())
        report.add(
            "## The Gunicorn log",
            "",
            f"- “database is locked”: {locked}",
            f"- tracebacks: {tracebacks}",
            f"- other [ERROR] lines (besides the killed worker's notice): {len(errors)}",
            *[f"  - `{line.strip()[:200]}`" for line in errors[:5]],
            "",
        )
        report.check("No 'database is locked'", f"{locked} in the Gunicorn log", locked == 0)
        report.check(
            "No tracebacks in the Gunicorn log",
            f"{tracebacks} tracebacks, {len(errors)} other errors",
            tracebacks == 0 and not errors,
        )
        if args.keep:
            shutil.copyfile(server.log_path, Path(args.keep) / "soak-gunicorn.log")
    finally:
        server.kill()  # only if something went wrong: by now it has normally exited


def print_and_check_load(
    report: Report,
    args: argparse.Namespace,
    records: list[Record],
    duration: float,
    library: int,
    victim: int,
    killed_at: float,
    replacement: int | None,
    replaced_in: float | None,
    clients: Sequence[LoadClient],
) -> None:
    # The killed worker's request: one that was under way when the SIGKILL landed and got no answer.
    in_flight = [r for r in records if r.status == 0 and r.start <= killed_at + 0.05 and r.end >= killed_at]
    other_failures = [r for r in records if r.status == 0 and r not in in_flight]
    server_errors = [r for r in records if r.status >= 500]
    unexpected = [r for r in records if r.status and r.status not in EXPECTED[r.kind]]
    all_ms = [r.ms for r in records if r.status]
    statuses = Counter(r.status for r in records)

    report.add(
        "## Load",
        "",
        f"{args.clients} client threads, each its own signed-in session ({args.users} accounts made through "
        f"/auth/register), against {args.workers} Gunicorn workers on SQLite for {duration:.0f} s, "
        f"with {library:,} demo recipes to start from. Each POST first GETs its form for the CSRF token "
        "(counted as “form”). Pictures are 1600×1200 JPEGs and 800×600 PNGs made with Pillow.",
        "",
        f"**{len(records):,} requests, {len(records) / duration:.1f} req/s; "
        f"statuses: {status_counts(statuses)}; "
        f"p50 {percentile(all_ms, 0.5):.0f} ms, p95 {percentile(all_ms, 0.95):.0f} ms, "
        f"p99 {percentile(all_ms, 0.99):.0f} ms.**",
        "",
        "| Kind | Requests | Statuses | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|--:|---|--:|--:|--:|--:|",
    )
    for kind in EXPECTED:
        group = [r for r in records if r.kind == kind]
        if not group:
            continue
        ms = [r.ms for r in group if r.status]
        shown = status_counts(Counter(r.status for r in group))
        report.add(
            f"| {kind} | {len(group):,} | {shown} | {percentile(ms, 0.5):.0f} | {percentile(ms, 0.95):.0f} "
            f"| {percentile(ms, 0.99):.0f} | {max(ms, default=float('nan')):.0f} |"
        )
    saved = sum(len(c.own) for c in clients)
    replaced = (
        f"pid {replacement}, there {replaced_in * 1000:.0f} ms after the kill"
        if replacement is not None and replaced_in is not None
        else "none within 30 s"
    )
    report.add(
        "",
        f"The clients made or edited {saved:,} recipes of their own "
        f"({sum(r.kind == 'upload' and r.status == 302 for r in records):,} picture uploads saved).",
        "",
        "## A worker killed with SIGKILL",
        "",
        f"At {args.kill_at:.0%} of the run one of the master's children (pid {victim}) got `kill -9`.",
        "",
        "| | |",
        "|---|---|",
        f"| Requests that got no answer while it died (its in-flight request) | {len(in_flight)} |",
        f"| Other requests without an answer | {len(other_failures)} |",
        f"| Replacement worker | {replaced} |",
        "",
    )
    report.check(
        f"Mixed load, {args.clients} clients, {args.workers} workers, {duration:.0f} s: zero 5xx",
        f"{len(records):,} requests, {len(server_errors)} 5xx",
        not server_errors,
    )
    report.check(
        "Every request answered as expected",
        f"{len(unexpected)} unexpected statuses"
        + (f" (e.g. {unexpected[0].kind} {unexpected[0].status})" if unexpected else ""),
        not unexpected,
    )
    report.check(
        "kill -9 a worker: at most its in-flight request fails",
        f"{len(in_flight)} in-flight failure(s), {len(other_failures)} other failures",
        len(in_flight) <= 1 and not other_failures,
    )
    report.check(
        "kill -9 a worker: it is replaced",
        replaced,
        replacement is not None,
    )


# --- phase 5: a full disk -------------------------------------------------------------------------


@contextlib.contextmanager
def tmpfs(path: Path, size: str) -> Iterator[str]:
    """Mount a tmpfs at `path` for the block; yields "" when mounted, else why it could not be."""
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        yield "mounting a tmpfs needs root"
        return
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        yield f"mount -t tmpfs was refused: {(done.stderr or done.stdout).strip()}"
        return
    try:
        yield ""
    finally:
        if subprocess.run(["umount", str(path)], capture_output=True, check=False).returncode != 0:
            subprocess.run(["umount", "-l", str(path)], capture_output=True, check=False)


def fill(directory: Path) -> int:
    """Write a file until the file system says ENOSPC; return how many bytes it took."""
    written = 0
    with (directory / "filler").open("wb", buffering=0) as filler:
        for size in (1 << 20, 1 << 16, 4096, 512, 1):
            chunk = b"\xa5" * size
            while True:
                try:
                    written += filler.write(chunk) or 0
                except OSError as exc:
                    if exc.errno != errno.ENOSPC:
                        raise
                    break
    return written


def big_recipe(rng: random.Random, title: str) -> dict[str, str]:
    fields = recipe_fields(rng, title)
    fields["notes"] = " ".join(rng.choice(WORDS) for _ in range(6000))  # ~40 KB: more than a page or two
    return fields


def disk_full(args: argparse.Namespace, work: Path, report: Report) -> None:
    mount_point = work / "small-disk"
    report.add("## A full disk", "")
    with tmpfs(mount_point, args.disk_size) as refused:
        if refused:
            message = f"skipped: {refused}"
            print(f"Disk full: {message}", flush=True)
            report.add(f"Skipped: {refused}.", "")
            report.check("Disk full on the config directory", message, None)
            return
        print(f"Disk full: a {args.disk_size} tmpfs as the config directory", flush=True)
        config_dir = mount_point / "config"
        server = Server(config_dir, work / "gunicorn-disk.log", args.workers)
        rng = random.Random(args.seed + 7)  # noqa: S311
        try:
            server.start()
            sign_up(server.port, "owner", config_dir)
            user = log_in(server.port, "owner")
            before: dict[int, str] = {}
            for n in range(3):
                title = f"Before the disk filled {n}"
                fields = recipe_fields(rng, title)
                if n == 0:
                    reply = user.post_multipart("/recipes/new", fields, make_pictures(1, args.seed)[0])
                else:
                    reply = user.post_form("/recipes/new", fields)
                new_id = recipe_id(reply.location)
                if reply.status != 302 or new_id is None:
                    raise SoakError(f"saving a recipe before the disk filled answered {reply.status}")
                before[new_id] = title
            filled = fill(mount_point)
            free = shutil.disk_usage(mount_point).free
            print(f"  filled with {filled / 2**20:.1f} MiB; {free} bytes free", flush=True)

            # Writes: new recipes (with a picture), an edit, a new login (it records a session).
            attempts: list[tuple[str, Reply]] = []
            picture = make_pictures(1, args.seed + 1)[0]
            for n in range(args.disk_attempts):
                fields = big_recipe(rng, f"While the disk is full {n}")
                attempts.append(("create with a picture", user.post_multipart("/recipes/new", fields, picture)))
            first = next(iter(before))
            attempts.append(
                ("edit", user.post_form(f"/recipes/{first}/edit", big_recipe(rng, "Edited while the disk is full")))
            )
            newcomer = Session(server.port)
            attempts.append(
                ("log in", newcomer.post_form("/auth/login", {"username": "owner", "password": PASSWORD, "next": ""}))
            )
            failed = [(what, r) for what, r in attempts if r.status != 302]
            clear = [
                (what, r)
                for what, r in failed
                if r.status == 507 and DISK_FULL_MESSAGE in r.body and "Traceback" not in r.body
            ]
            saved_anyway = [what for what, r in attempts if r.status == 302]

            # Reads go on.
            reads = [user.request("GET", "/recipes/"), user.request("GET", "/recipes/?q=soak")]
            reads += [user.request("GET", f"/recipes/{rid}") for rid in before]
            picture_link = re.search(r'src="(/recipes/\d+/picture/[0-9a-f]{64}/[a-z]+\.[a-z0-9]+)"', reads[2].body)
            if picture_link:
                reads.append(user.request("GET", picture_link.group(1)))
            reads.append(Session(server.port).request("GET", "/healthz"))
            reads_ok = all(r.status == 200 for r in reads) and all(t in reads[0].body for t in before.values())

            database = config_dir / "recipes.db"
            with contextlib.closing(sqlite3.connect(database)) as connection:
                integrity_full = connection.execute("PRAGMA integrity_check").fetchone()[0]

            # Space again.
            (mount_point / "filler").unlink()
            after_title = "Saved once there was room again"
            after = user.post_multipart("/recipes/new", big_recipe(rng, after_title), picture)
            login_after = Session(server.port).post_form(
                "/auth/login", {"username": "owner", "password": PASSWORD, "next": ""}
            )
            listing = user.request("GET", "/recipes/")
            recovered = (
                after.status == 302
                and login_after.status == 302
                and listing.status == 200
                and after_title in listing.body
                and all(t in listing.body for t in before.values())
            )
            exit_code = server.stop()
            with contextlib.closing(sqlite3.connect(database)) as connection:
                integrity_after = connection.execute("PRAGMA integrity_check").fetchone()[0]
                kept = dict(connection.execute("SELECT id, title FROM recipe").fetchall())
            locked, tracebacks, errors = log_findings(server.log())
            disk_full_lines = server.log().count("Disk full:")
            if args.keep:
                shutil.copyfile(server.log_path, Path(args.keep) / "soak-disk-full-gunicorn.log")
            page_title = re.search(r"<h1>(.*?)</h1>", clear[0][1].body, re.DOTALL) if clear else None
            page_text = re.search(r"<p>(.*?)</p>", clear[0][1].body, re.DOTALL) if clear else None
        finally:
            server.kill()

    report.add(
        f"A {args.disk_size} tmpfs mounted as a second server's config directory (the database, its WAL, the "
        f"secret key, gunicorn.conf.py), {len(before)} recipes saved, then a file written until the tmpfs "
        f"said ENOSPC ({filled / 2**20:.1f} MiB).",
        "",
        "| | |",
        "|---|---|",
        *[f"| While full: {what} | {r.status or r.error} |" for what, r in attempts],
        f"| The page | {html.unescape(page_title.group(1).strip()) if page_title else '–'}: "
        f"“{html.unescape(page_text.group(1).strip()) if page_text else '–'}” |",
        f"| While full: list, search, {len(before)} recipe pages, a picture, /healthz | "
        f"{', '.join(str(r.status) for r in reads)} |",
        f"| `PRAGMA integrity_check` while full | {integrity_full} |",
        f"| After deleting the filler: save a recipe with a picture, log in | {after.status}, {login_after.status} |",
        f"| `PRAGMA integrity_check` after the server stopped | {integrity_after} |",
        f"| Gunicorn log | {disk_full_lines} “Disk full” lines, {tracebacks} tracebacks, "
        f"{locked} “database is locked” |",
        f"| Server exit code | {exit_code} |",
        "",
    )
    report.check(
        "Disk full: clear error pages",
        f"{len(failed)} of {len(attempts)} writes refused, {len(clear)} with the 507 “disk is full” page"
        + (f"; saved anyway: {', '.join(saved_anyway)}" if saved_anyway else ""),
        bool(failed) and len(clear) == len(failed) and tracebacks == 0 and not errors,
    )
    report.check("Disk full: reads go on", ", ".join(str(r.status) for r in reads), reads_ok)
    report.check(
        "Disk full: PRAGMA integrity_check",
        f"{integrity_full} while full, {integrity_after} after",
        integrity_full == "ok" and integrity_after == "ok",
    )
    report.check(
        "Disk full: normal service once space returns",
        f"save {after.status}, log in {login_after.status}, {len(kept)} recipes kept, exit code {exit_code}",
        recovered and all(kept.get(rid) == title for rid, title in before.items()) and exit_code == 0,
    )


# --- main -----------------------------------------------------------------------------------------


def markdown(report: Report) -> str:
    args = report.args
    lines = [
        "# Soak test",
        "",
        "Written by `make soak` (`scripts/soak.py`): the app started as in the container (tini, "
        "`entrypoint.sh`, `recipes bootstrap`, Gunicorn from the seeded `gunicorn.conf.py`) on a loopback port "
        f"with `WEB_CONCURRENCY={args.workers}` on SQLite, driven through its HTML forms. "
        f"Run: `scripts/soak.py --seconds {args.seconds:g} --clients {args.clients}`.",
        "",
        "## Targets",
        "",
        "| Target | Result | Met |",
        "|---|---|---|",
        *[
            f"| {c.target} | {c.result} | {({True: 'yes', False: '**no**', None: 'skipped'})[c.met]} |"
            for c in report.checks
        ],
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in report.machine.items()],
        "",
        *report.lines,
        "Run it again with `make soak` (options: `.venv/bin/python scripts/soak.py --help`).",
    ]
    return "\n".join(lines).rstrip() + "\n"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60, help="how long the mixed load runs (default 60)")
    parser.add_argument("--clients", type=int, default=6, help="concurrent client threads (default 6)")
    parser.add_argument("--workers", type=int, default=4, help="Gunicorn workers, WEB_CONCURRENCY (default 4)")
    parser.add_argument("--users", type=int, default=3, help="accounts the clients share (default 3)")
    parser.add_argument("--library", type=int, default=1500, help="demo recipes to start with (default 1500)")
    parser.add_argument("--kill-at", type=float, default=0.4, help="when to kill a worker, share of the run")
    parser.add_argument("--disk-size", default="16m", help="size of the tmpfs for the disk-full phase")
    parser.add_argument("--disk-attempts", type=int, default=3, help="recipes to try saving while the disk is full")
    parser.add_argument("--no-disk-full", action="store_true", help="skip the disk-full phase")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--markdown", type=Path, help="write the report here (make soak: docs/soak.md)")
    parser.add_argument("--keep", metavar="DIR", help="copy the Gunicorn logs into DIR")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.workers < 1 or args.users < 1 or args.seconds <= 0 or not 0 < args.kill_at < 1:
        parser.error("--clients, --workers and --users must be at least 1, --seconds positive, --kill-at in (0, 1)")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    report = Report(args, machine())
    work = Path(tempfile.mkdtemp(prefix="recipes-soak-"))
    # Ctrl-C and SIGTERM both unwind through the finally blocks: servers stopped, tmpfs unmounted.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        soak(args, work, report)
        if args.no_disk_full:
            report.check("Disk full on the config directory", "skipped: --no-disk-full", None)
        else:
            disk_full(args, work, report)
    except SoakError as exc:
        print(f"soak: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("soak: interrupted", file=sys.stderr)
        return 130
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(markdown(report), encoding="utf-8")
        print(f"Wrote {args.markdown}")
    if report.missed:
        print(f"soak: {len(report.missed)} target(s) missed: {', '.join(c.target for c in report.missed)}")
        return 1
    print("soak: every target met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
