"""The container image, built from the Dockerfile with podman and run for real.

There is no Docker engine on our machines, so podman (rootful, with its state in a
temporary folder and a private containers.conf) builds and runs the image, on a
stand-in `python:3.12-slim` made by base-image.sh. See ../shared/CONTAINER-TESTING.md.

Opt in with RECIPES_CONTAINER_TESTS=1; it needs root and the tools that
tests/container/install-deps.sh installs. Under CI=true a missing tool is a failure,
not a skip. The image is built once per run (module-scoped fixtures); the tests
then run in file order against one container and one named volume, which the later
tests stop, restart and replace. Everything is removed at the end, on failure too.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

pytestmark = pytest.mark.container

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
APP_UID = 10001
WORKERS = 2
TOOLS = ("podman", "buildah", "runc", "slirp4netns", "debootstrap")


def _require_environment() -> None:
    """Skip unless asked for; in CI, fail rather than skip when the machine cannot run them."""
    if os.environ.get("RECIPES_CONTAINER_TESTS") != "1":
        pytest.skip("container tests are opt-in: set RECIPES_CONTAINER_TESTS=1 (needs root and podman)")
    path = os.environ.get("PATH", "") + ":/usr/sbin:/sbin"
    problems = [f"{tool} not found" for tool in TOOLS if shutil.which(tool, path=path) is None]
    if os.geteuid() != 0:
        problems.append("not running as root")
    if problems:
        message = "cannot run the container tests: " + ", ".join(problems) + " (run tests/container/install-deps.sh)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# ---- podman with private state ------------------------------------------------------------


class Podman:
    """podman with its storage, run state and configuration under one temporary folder."""

    def __init__(self, base: Path) -> None:
        self.base = base
        for name in ("storage", "run", "tmp", "volumes"):
            (base / name).mkdir()
        hard = subprocess.run(["sh", "-c", "ulimit -Hn"], capture_output=True, text=True, check=True).stdout.strip()
        nofile = hard if hard.isdigit() else "65536"
        # runc: crun refuses this kernel's hybrid cgroups. The default nofile limit (1048576)
        # is above what this machine allows. No systemd: cgroupfs and a file for events.
        (base / "containers.conf").write_text(
            "[containers]\n"
            f'default_ulimits = ["nofile={nofile}:{nofile}", "nproc=32768:32768"]\n'
            "[engine]\n"
            'runtime = "runc"\n'
            'cgroup_manager = "cgroupfs"\n'
            'events_logger = "file"\n'
            f'events_logfile_path = "{base}/events.log"\n'
            f'volume_path = "{base}/volumes"\n'
        )
        self.env = {**os.environ, "CONTAINERS_CONF": str(base / "containers.conf")}

    @property
    def argv(self) -> list[str]:
        return [
            "podman",
            "--root", str(self.base / "storage"),
            "--runroot", str(self.base / "run"),
            "--tmpdir", str(self.base / "tmp"),
            "--storage-driver", "overlay",
        ]  # fmt: skip

    def run(self, *args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [*self.argv, *args], env=self.env, capture_output=True, text=True, timeout=timeout, check=False
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"podman {' '.join(args)} exited {result.returncode}\n"
                f"--- stdout\n{result.stdout[-4000:]}\n--- stderr\n{result.stderr[-4000:]}"
            )
        return result

    def destroy(self) -> None:
        """Remove every container, volume and image, then the folder, whatever state it is in."""
        for args in (
            ("rm", "--all", "--force", "--time", "0"),
            ("volume", "rm", "--all", "--force"),
            ("system", "reset", "--force"),
        ):
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.run(*args, check=False, timeout=300)
        # Anything podman left mounted under the folder (overlay layers, shm) must go first.
        prefix = str(self.base) + "/"
        with open("/proc/self/mounts", encoding="utf-8") as mounts:
            targets = [line.split()[1].replace("\\040", " ") for line in mounts]
        for target in sorted((t for t in targets if t.startswith(prefix)), reverse=True):
            subprocess.run(["umount", "-l", target], capture_output=True, check=False)
        shutil.rmtree(self.base, ignore_errors=True)


# ---- a small browser: cookies, forms with CSRF tokens, no proxies, no automatic redirects ----


@dataclass
class Page:
    status: int
    headers: Mapping[str, str]
    body: str

    @property
    def location(self) -> str:
        parts = urlsplit(self.headers.get("Location", ""))
        return parts.path + (f"?{parts.query}" if parts.query else "")


class _FormFields(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "input":
            attributes = dict(attrs)
            if attributes.get("name"):
                self.values.setdefault(str(attributes["name"]), attributes.get("value") or "")


def csrf_token(html: str) -> str:
    parser = _FormFields()
    parser.feed(html)
    token = parser.values.get("csrf_token")
    assert token, f"no csrf_token field in the page:\n{html[:2000]}"
    return token


@dataclass
class Browser:
    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, form: Mapping[str, str] | None = None, accept: str = "text/html") -> Page:
        headers = {"Accept": accept, "Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            page = Page(response.status, dict(response.getheaders()), response.read().decode("utf-8", "replace"))
            for header in response.msg.get_all("Set-Cookie") or []:
                jar: SimpleCookie = SimpleCookie()
                jar.load(header)
                for name, morsel in jar.items():
                    if morsel.value == "" or morsel["max-age"] == "0":
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
        finally:
            conn.close()
        return page

    def get(self, path: str, accept: str = "text/html") -> Page:
        return self.request("GET", path, accept=accept)

    def post(self, path: str, form: Mapping[str, str]) -> Page:
        return self.request("POST", path, form=form)

    def submit(self, path: str, fields: Mapping[str, str]) -> Page:
        """GET the form at `path`, then POST `fields` with its CSRF token."""
        page = self.get(path)
        assert page.status == 200, f"GET {path}: {page.status} {page.location}"
        return self.post(path, {**fields, "csrf_token": csrf_token(page.body)})


# ---- the app in a container ----------------------------------------------------------------


@dataclass
class Process:
    pid: int
    ppid: int
    uid: int
    state: str
    argv: list[str]


PS_SCRIPT = """
import json, os
out = []
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:
        status = dict(line.split(":", 1) for line in open(f"/proc/{pid}/status") if ":" in line)
        argv = open(f"/proc/{pid}/cmdline", "rb").read().decode().split("\\0")[:-1]
    except OSError:
        continue
    out.append({"pid": int(pid), "ppid": int(status["PPid"]), "uid": int(status["Uid"].split()[0]),
                "state": status["State"].split()[0], "argv": argv})
print(json.dumps(out))
"""


class App:
    """One container of the image, with /config on a named volume, published on a free loopback port."""

    def __init__(self, podman: Podman, image: str, volume: str) -> None:
        self.podman = podman
        self.image = image
        self.volume = volume
        self.name = ""
        self.port = 0

    def start(self) -> None:
        """Create and start a new container on the volume (any old one is removed)."""
        if self.name:
            self.podman.run("rm", "--force", "--time", "0", self.name)
        self.name = f"recipes-test-{uuid.uuid4().hex[:8]}"
        self.port = _free_port()
        self.podman.run(
            "run", "--detach", "--name", self.name,
            "--network", "slirp4netns:port_handler=slirp4netns",
            "--publish", f"127.0.0.1:{self.port}:8288",
            "--volume", f"{self.volume}:/config",
            "--env", f"WEB_CONCURRENCY={WORKERS}",
            self.image,
        )  # fmt: skip
        self.wait_ready()

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            try:
                page = Browser(self.port).get("/healthz", accept="application/json")
                if page.status == 200:
                    return
                last = f"{page.status} {page.body[:200]}"
            except OSError as exc:
                last = repr(exc)
            state = self.podman.run("inspect", "--format", "{{.State.Status}}", self.name).stdout.strip()
            if state not in ("running", "created", "configured"):
                break
            time.sleep(0.3)
        raise AssertionError(f"the app did not become ready ({last}); logs:\n{self.logs()}")

    def logs(self) -> str:
        result = self.podman.run("logs", self.name, check=False)
        return (result.stdout + result.stderr)[-6000:]

    def setup_code(self) -> str:
        """The first account's setup code, from the container's log, where its operator reads it."""
        result = self.podman.run("logs", self.name, check=False)
        found = re.findall(r"with the setup code ([A-Z0-9-]+) ", result.stdout + result.stderr)
        assert found, f"no setup code in the log:\n{self.logs()}"
        return found[-1]

    def exec(self, *argv: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.podman.run("exec", self.name, *argv, check=check)

    def processes(self) -> dict[int, Process]:
        rows = json.loads(self.exec("python", "-c", PS_SCRIPT).stdout)
        return {row["pid"]: Process(**row) for row in rows}

    def gunicorn(self) -> tuple[Process, list[Process]]:
        """The Gunicorn master (tini's child) and its workers."""
        procs = self.processes()
        masters = [p for p in procs.values() if p.ppid == 1 and any("gunicorn" in a for a in p.argv)]
        assert len(masters) == 1, f"expected one Gunicorn master under PID 1, found: {procs}"
        workers = [p for p in procs.values() if p.ppid == masters[0].pid]
        return masters[0], workers

    def inspect(self, template: str) -> str:
        return self.podman.run("inspect", "--format", template, self.name).stdout.strip()

    def key_digest(self) -> str:
        return self.exec("sha256sum", "/config/secret_key").stdout.split()[0]


@pytest.fixture(scope="module")
def podman() -> Iterator[Podman]:
    _require_environment()
    pm = Podman(Path(tempfile.mkdtemp(prefix="recipes-podman-")))
    try:
        yield pm
    finally:
        pm.destroy()


@pytest.fixture(scope="module")
def image(podman: Podman) -> str:
    """The stand-in base image, then the app's image built from the Dockerfile."""
    started = time.monotonic()
    base = subprocess.run(
        ["sh", str(HERE / "base-image.sh"), "--import", *podman.argv],
        env=podman.env, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    assert base.returncode == 0, f"base-image.sh failed:\n{base.stderr[-4000:]}"
    built = time.monotonic()
    tag = f"localhost/recipes-test:{uuid.uuid4().hex[:8]}"
    podman.run(
        "build", "--format", "docker", "--pull=never", "--network", "host",
        "--tag", tag, "--file", str(ROOT / "Dockerfile"), str(ROOT),
        timeout=900,
    )  # fmt: skip
    print(f"base image: {built - started:.1f} s, app image: {time.monotonic() - built:.1f} s")
    return tag


@pytest.fixture(scope="module")
def app(podman: Podman, image: str) -> Iterator[App]:
    volume = f"recipes-config-{uuid.uuid4().hex[:8]}"
    podman.run("volume", "create", volume)
    application = App(podman, image, volume)
    application.start()
    yield application
    # podman.destroy() removes the container and the volume.


@dataclass
class Account:
    username: str
    password: str
    title: str
    cookies: dict[str, str]
    key_digest: str


@pytest.fixture(scope="module")
def account(app: App) -> Account:
    """An account with one recipe, made through the pages (forms and CSRF tokens) as a browser would."""
    username = f"cook{uuid.uuid4().hex[:6]}"
    password = "correct horse battery staple"
    title = f"Container soup {uuid.uuid4().hex[:6]}"
    browser = Browser(app.port)
    signup = {"username": username, "password": password, "confirm": password, "setup_code": app.setup_code()}
    page = browser.submit("/auth/register", signup)
    assert page.status in (302, 303), f"register: {page.status}\n{page.body[:2000]}"
    if browser.get("/auth/login").status == 200:  # not signed in by the registration: sign in
        page = browser.submit("/auth/login", {"username": username, "password": password, "next": ""})
        assert page.status in (302, 303), f"login: {page.status}\n{page.body[:2000]}"
    recipe = {
        "title": title,
        "description": "Made in a container test.",
        "ingredients": "1 l water\n2 carrots",
        "instructions": "Boil the water.\nAdd the carrots.",
        "servings": "2",
        "prep_time": "5",
        "cook_time": "20",
        "total_time": "",
        "source_url": "",
        "tags": "soup, test",
        "notes": "",
        "visibility": "private",
    }
    page = browser.submit("/recipes/new", recipe)
    assert page.status in (302, 303) and re.fullmatch(r"/recipes/\d+", page.location), (
        f"new recipe: {page.status} {page.location}\n{page.body[:2000]}"
    )
    assert title in browser.get("/recipes/").body
    return Account(username, password, title, dict(browser.cookies), app.key_digest())


def assert_account_still_works(app: App, account: Account) -> None:
    assert app.key_digest() == account.key_digest, "the secret key changed"
    # The session cookie from before still signs us in, and the recipe is still there.
    old_session = Browser(app.port, dict(account.cookies)).get("/recipes/")
    assert old_session.status == 200, f"old session rejected: {old_session.status} -> {old_session.location}"
    assert account.title in old_session.body
    # A browser without it is sent to the login page (so the check above means something) ...
    anonymous = Browser(app.port).get("/recipes/")
    assert anonymous.status in (302, 303) and anonymous.location.startswith("/auth/login")
    # ... where the password still works.
    browser = Browser(app.port)
    page = browser.submit("/auth/login", {"username": account.username, "password": account.password, "next": ""})
    assert page.status in (302, 303), f"login: {page.status}\n{page.body[:2000]}"
    assert account.title in browser.get("/recipes/").body


# ---- the checks, in the order a user meets them ------------------------------------------


def test_pid1_is_tini_and_not_root(app: App) -> None:
    init = app.processes()[1]
    assert Path(init.argv[0]).name == "tini", init.argv
    assert init.uid == APP_UID


def test_gunicorn_master_is_tinis_child_and_nothing_in_between(app: App) -> None:
    master, workers = app.gunicorn()
    assert master.uid == APP_UID
    assert len(workers) == WORKERS, workers
    # entrypoint.sh exec'd Gunicorn: no shell is left between tini and the master.
    others = [p for p in app.processes().values() if p.pid not in {1, master.pid} | {w.pid for w in workers}]
    assert not [p for p in others if p.argv and Path(p.argv[0]).name in ("sh", "dash", "bash")], others


def test_app_answers_on_the_published_port(app: App) -> None:
    home = Browser(app.port).get("/", accept="application/json")
    assert home.status == 200
    assert "message" in json.loads(home.body)
    health = Browser(app.port).get("/healthz", accept="application/json")
    assert health.status == 200
    assert json.loads(health.body) == {"status": "ok"}


def test_fresh_named_volume_gets_the_config_owned_by_the_app_user(app: App) -> None:
    files = ["/config", "/config/secret_key", "/config/recipes.db", "/config/gunicorn.conf.py"]
    stats = {}
    for line in app.exec("stat", "-c", "%n %a %u %g %s", *files).stdout.splitlines():
        name, mode, uid, gid, size = line.split()
        stats[name] = (mode, int(uid), int(gid), int(size))
    assert all(stats[f][1:3] == (APP_UID, APP_UID) for f in files), stats
    assert stats["/config/secret_key"][0] == "600"
    assert stats["/config/secret_key"][3] >= 32
    # PYTHONDONTWRITEBYTECODE: importing the Gunicorn config leaves no __pycache__ behind.
    assert app.exec("test", "-e", "/config/__pycache__", check=False).returncode != 0
    # The volume on the host: the same owner (a new named volume is initialised from the image).
    mountpoint = Path(app.podman.run("volume", "inspect", "--format", "{{.Mountpoint}}", app.volume).stdout.strip())
    assert mountpoint.stat().st_uid == APP_UID
    assert (mountpoint / "secret_key").stat().st_mode & 0o777 == 0o600


def test_healthcheck_passes_and_fails_when_the_app_is_stopped(app: App) -> None:
    assert json.loads(app.inspect("{{json .Config.Healthcheck.Test}}")) == [
        "CMD", "/opt/venv/bin/python", "/app/healthcheck.py"
    ]  # fmt: skip
    passed = app.podman.run("healthcheck", "run", app.name, check=False)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    # Freeze Gunicorn (master and workers): the port still accepts connections, nothing answers.
    master, workers = app.gunicorn()
    pids = " ".join(str(p.pid) for p in [master, *workers])
    app.exec("sh", "-c", f"kill -STOP {pids}")
    try:
        failed = app.podman.run("healthcheck", "run", app.name, check=False)
        direct = app.exec("python", "/app/healthcheck.py", check=False)
    finally:
        app.exec("sh", "-c", f"kill -CONT {pids}")
    assert failed.returncode != 0, failed.stdout + failed.stderr
    assert direct.returncode == 1
    assert direct.stdout.startswith("unhealthy:"), direct.stdout
    app.wait_ready(timeout=20)
    again = app.podman.run("healthcheck", "run", app.name, check=False)
    assert again.returncode == 0, again.stdout + again.stderr


def test_killed_worker_is_replaced_and_the_app_keeps_serving(app: App) -> None:
    master, workers = app.gunicorn()
    victim = workers[0].pid
    app.exec("sh", "-c", f"kill -KILL {victim}")
    killed = time.monotonic()
    while True:
        new_master, new_workers = app.gunicorn()
        pids = {w.pid for w in new_workers}
        if len(pids) == WORKERS and victim not in pids:
            break
        assert time.monotonic() - killed < 5, f"worker not replaced: {new_workers}"
        time.sleep(0.1)
    print(f"worker replaced in {time.monotonic() - killed:.2f} s")
    assert new_master.pid == master.pid
    for _ in range(2 * WORKERS):
        assert Browser(app.port).get("/healthz", accept="application/json").status == 200
    zombies = [p for p in app.processes().values() if p.state == "Z"]
    assert not zombies, zombies


def test_stop_is_graceful_and_quick(app: App, account: Account) -> None:
    started = time.monotonic()
    result = app.podman.run("stop", "--time", "20", app.name, check=False)
    elapsed = time.monotonic() - started
    print(f"podman stop: {elapsed:.2f} s")
    try:
        assert result.returncode == 0, result.stderr
        # 0: Gunicorn got SIGTERM from tini and shut down; 143/137 would mean a shell in between or a kill.
        assert app.inspect("{{.State.ExitCode}}") == "0", app.logs()
        assert elapsed < 5
    finally:
        app.podman.run("start", app.name)
        app.wait_ready()


def test_restart_keeps_key_data_and_sessions(app: App, account: Account) -> None:
    app.podman.run("restart", "--time", "20", app.name)
    app.wait_ready()
    assert_account_still_works(app, account)


def test_new_container_on_the_same_volume_keeps_key_data_sessions_and_config(app: App, account: Account) -> None:
    # An edit to the Gunicorn config in the volume must survive: it is seeded only when absent.
    marker = "# edited by the container test"
    app.exec("sh", "-c", f"echo '{marker}' >> /config/gunicorn.conf.py")
    old_name = app.name
    app.start()
    assert app.name != old_name
    assert_account_still_works(app, account)
    assert marker in app.exec("cat", "/config/gunicorn.conf.py").stdout


def test_root_owned_config_fails_with_one_clear_line(podman: Podman, image: str) -> None:
    config = Path(tempfile.mkdtemp(prefix="recipes-rootcfg-"))
    try:
        config.chmod(0o755)
        started = time.monotonic()
        result = podman.run(
            "run", "--rm", "--network", "none", "--no-healthcheck",
            "--volume", f"{config}:/config", image,
            check=False, timeout=60,
        )  # fmt: skip
        elapsed = time.monotonic() - started
    finally:
        shutil.rmtree(config, ignore_errors=True)
    # podman's own complaints about systemd are not the app's output.
    lines = [line for line in result.stderr.splitlines() if line.strip() and not line.startswith("time=")]
    assert result.returncode != 0
    assert len(lines) == 1, result.stderr
    assert str(APP_UID) in lines[0] and "/config" in lines[0], lines[0]
    assert "Traceback" not in result.stdout + result.stderr
    assert elapsed < 30


def test_a_command_given_to_the_image_runs_after_the_bootstrap(podman: Podman, image: str) -> None:
    """`docker run IMAGE CMD...` (Compose's one-shot `init`, or the CLI) gets a prepared /config."""
    volume = f"recipes-config-{uuid.uuid4().hex[:8]}"
    podman.run("volume", "create", volume)
    try:
        result = podman.run(
            "run", "--rm", "--network", "none", "--no-healthcheck", "--volume", f"{volume}:/config", image,
            "sh", "-c", "test -s /config/secret_key && test -s /config/recipes.db && recipes --help",
            check=False, timeout=60,
        )  # fmt: skip
    finally:
        podman.run("volume", "rm", "--force", volume, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "bootstrap" in result.stdout
