"""Six phones on one shopping list for a minute: `make bench` (or `.venv/bin/python scripts/soak_shopping.py --help`).

On 127.0.0.1, in a temporary directory removed afterwards: a fresh config directory (`recipes bootstrap`),
two accounts of one household (alice, bob: `recipes move-user`), a list of --items rows made through the
JSON API, and Gunicorn from the seeded gunicorn.conf.py (`WEB_CONCURRENCY` workers). Then --clients
signed-in clients (half alice's, half bob's) open the list page and poll it every --poll seconds, as
static/shopping.js does (`/lists/<id>/state` with the list's ETag in If-None-Match), for --seconds; two
of them also shop, as the page's script does (the JSON API, the session cookie and its CSRF token, an
op_id with each change): they check rows off and put some back, add rows, change a row's text while
the other checks that same row off, and send some changes twice (an offline queue replayed).

At the end every change must be there, exactly once: each row as its last change left it (the check-off
and the concurrent text edit both), each added row present once, the replays changing nothing; no answer
5xx, no "database is locked" and no traceback in Gunicorn's log. SQLite by default; with --postgres, a
database made on the PostgreSQL server that TEST_DATABASE_URL names (scripts/with_postgres.py sets it).
Prints a summary, writes it into --markdown's "shopping-soak" section, and exits 1 when anything was lost.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import bench  # scripts/ is on the path: run as a script
from bench import BIN, PASSWORD, BenchError, Server, app_env, run
from bench_section import write_section

SECTION = "shopping-soak"
CSRF = re.compile(r'data-csrf="([^"]+)"')
ETAG = re.compile(r'data-etag="&#34;([^&]+)&#34;"|data-etag="&quot;([^&]+)&quot;"')


def letters(n: int) -> str:
    """A word for a number, letters only ("ba" for 26): a food name of its own for each row (a digit
    in a food's name would be read as an amount)."""
    word = ""
    while True:
        n, rest = divmod(n, 26)
        word = chr(97 + rest) + word
        if n == 0:
            return word


@dataclass
class Tally:
    """What the clients saw, shared by their threads."""

    statuses: Counter[str] = field(default_factory=Counter)
    polls: Counter[int] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, kind: str, status: int, seconds: float) -> None:
        with self.lock:
            self.statuses[f"{kind} {status}"] += 1
            self.latencies.append(seconds)
            if status >= 500:
                self.errors.append(f"{kind}: {status}")


class Phone:
    """One signed-in browser: its own cookies, the list page's CSRF token and ETag."""

    def __init__(self, base: str, username: str, list_id: int, tally: Tally) -> None:
        self.base, self.username, self.list_id, self.tally = base, username, list_id, tally
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(self.jar)
        )
        self.csrf = ""
        self.etag = ""

    def request(
        self, kind: str, method: str, path: str, body: object = None, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes, dict[str, str]]:
        data = None if body is None else json.dumps(body).encode()
        sent = {"Accept": "application/json", **(headers or {})}
        if data is not None:
            sent |= {"Content-Type": "application/json", "X-CSRFToken": self.csrf}
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=sent)  # noqa: S310
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=60) as response:
                status, content, answer = response.status, response.read(), dict(response.headers)
        except urllib.error.HTTPError as exc:
            status, content, answer = exc.code, exc.read(), dict(exc.headers)
        self.tally.note(kind, status, time.perf_counter() - started)
        return status, content, answer

    def log_in(self) -> None:
        with self.opener.open(self.base + "/auth/login", timeout=30) as response:
            page = response.read().decode()
        found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        if not found:
            raise BenchError("no CSRF token on the login page")
        form = urllib.parse.urlencode({"username": self.username, "password": PASSWORD, "csrf_token": found[1]})
        with self.opener.open(self.base + "/auth/login", data=form.encode(), timeout=60) as response:
            if urllib.parse.urlsplit(response.url).path.startswith("/auth/"):
                raise BenchError(f"{self.username} could not log in")
        self.open_list()

    def open_list(self) -> None:
        status, content, _ = self.request("list page", "GET", f"/lists/{self.list_id}", headers={"Accept": "text/html"})
        page = content.decode()
        csrf, etag = CSRF.search(page), ETAG.search(page)
        if status != 200 or not csrf or not etag:
            raise BenchError(f"the list page answered {status} without its data attributes")
        self.csrf, self.etag = csrf[1], f'"{etag[1] or etag[2]}"'

    def poll(self) -> None:
        status, content, headers = self.request(
            "poll", "GET", f"/lists/{self.list_id}/state", headers={"If-None-Match": self.etag}
        )
        with self.tally.lock:
            self.tally.polls[status] += 1
        if status == 200:
            state = json.loads(content)
            self.etag = headers.get("ETag", self.etag)
            self.csrf = state.get("csrf_token", self.csrf)

    def change(self, method: str, path: str, body: dict[str, object]) -> int:
        status, _, _ = self.request(f"{method} change", method, f"/api/v1/lists/{self.list_id}{path}", body)
        return status


@dataclass
class Expected:
    """What the shoppers did: each row's last state by field, and the rows they added."""

    checked: dict[int, bool] = field(default_factory=dict)
    text: dict[int, str] = field(default_factory=dict)
    added: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def shop(phone: Phone, rows: list[int], shared: list[int], expected: Expected, until: float, seed: int) -> None:
    """Check rows off (and some back on), add rows, and edit the text of rows the other shopper checks
    off; every fifth time, send one of the earlier changes again with its op_id, as a replayed offline
    queue would (later changes of the same row must stay)."""
    rng = random.Random(seed)  # noqa: S311 (a load pattern, not a secret)
    sent: list[tuple[str, str, dict[str, object]]] = []
    n = 0
    while time.time() < until:
        n += 1
        op_id = str(uuid.uuid4())
        roll = rng.random()
        if roll < 0.6:
            item, checked = rng.choice(rows), rng.random() < 0.8
            body: dict[str, object] = {"checked": checked, "op_id": op_id}
            method, path = "PATCH", f"/items/{item}"
        elif roll < 0.8:
            item = rng.choice(shared)
            if phone.username == "alice":
                body, checked = {"checked": True, "op_id": op_id}, True
            else:
                body = {"text": f"{n} jars of {letters(n)} jam", "op_id": op_id}
            method, path = "PATCH", f"/items/{item}"
        else:
            text = f"2 packs of {phone.username}{letters(n)} biscuits"
            body, method, path = {"text": text, "op_id": op_id}, "POST", "/items"
        status = phone.change(method, path, body)
        sent.append((method, path, body))
        if status >= 400:
            with phone.tally.lock:
                phone.tally.errors.append(f"{method} {path} {body}: {status}")
        else:
            with expected.lock:
                if method == "POST":
                    expected.added.append(str(body["text"]))
                elif "checked" in body:
                    expected.checked[int(path.rsplit("/", 1)[1])] = bool(body["checked"])
                else:
                    expected.text[int(path.rsplit("/", 1)[1])] = str(body["text"])
        if n % 5 == 0:
            phone.change(*rng.choice(sent))  # an earlier change, its op_id again: nothing changes
        time.sleep(rng.uniform(0.2, 0.6))


def watch(phone: Phone, every: float, until: float) -> None:
    next_poll = time.time()
    while time.time() < until:
        phone.poll()
        next_poll += every
        time.sleep(max(0.0, next_poll - time.time()))


def final_rows(base: str, token: str, list_id: int) -> list[dict[str, object]]:
    request = urllib.request.Request(  # noqa: S310 (loopback)
        f"{base}/api/v1/lists/{list_id}", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=60) as response:
        items: list[dict[str, object]] = json.loads(response.read())["items"]
        return items


def check(rows: list[dict[str, object]], expected: Expected) -> list[str]:
    """Every change the shoppers saw accepted, in the list as it ended, exactly once."""
    by_id = {int(str(row["id"])): row for row in rows}
    lost = []
    for item, checked in expected.checked.items():
        if by_id.get(item, {}).get("checked") is not checked:
            lost.append(f"row {item}: checked should be {checked}, is {by_id.get(item, {}).get('checked')}")
    for item, text in expected.text.items():
        if by_id.get(item, {}).get("text") != text:
            lost.append(f"row {item}: text should be {text!r}, is {by_id.get(item, {}).get('text')!r}")
    texts = Counter(str(row["text"]) for row in rows)
    for text in expected.added:
        if texts[text] != 1:
            lost.append(f"added row {text!r} is there {texts[text]} times")
    return lost


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000 if ordered else 0.0


def soak(args: argparse.Namespace, work: Path) -> dict[str, object]:
    config_dir = work / "config"
    extra: dict[str, str] = {}
    if args.postgres:
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url
        from sqlalchemy.pool import NullPool

        server_url = os.environ.get("TEST_DATABASE_URL", "")
        if not server_url:
            raise BenchError("--postgres needs TEST_DATABASE_URL (run under scripts/with_postgres.py)")
        admin = create_engine(make_url(server_url), isolation_level="AUTOCOMMIT", poolclass=NullPool)
        with admin.connect() as connection:
            connection.execute(text('DROP DATABASE IF EXISTS "recipes_soak_shopping" WITH (FORCE)'))
            connection.execute(text('CREATE DATABASE "recipes_soak_shopping"'))
        admin.dispose()
        extra["DATABASE_URL"] = make_url(server_url).set(database="recipes_soak_shopping").render_as_string(False)
    env = app_env(config_dir, **extra)
    run([str(BIN / "recipes"), "bootstrap"], env)
    for name in ("alice", "bob"):
        run([str(BIN / "recipes"), "create-user", name], env, stdin=PASSWORD + "\n")
    run([str(BIN / "recipes"), "move-user", "bob", "--to", "alice"], env)
    token = (
        subprocess.run(
            [str(BIN / "recipes"), "create-token", "alice"], env=env, capture_output=True, text=True, check=True
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    server = Server("shopping-soak", config_dir, work, env=extra)
    try:
        server.start("/healthz")
        tally = Tally()
        made = urllib.request.Request(  # noqa: S310 (loopback)
            f"{server.base}/api/v1/lists",
            data=json.dumps({"name": "Groceries"}).encode(),
            method="POST",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(made, timeout=60) as response:
            list_id = int(json.loads(response.read())["id"])
        for n in range(args.items):
            add = urllib.request.Request(  # noqa: S310 (loopback)
                f"{server.base}/api/v1/lists/{list_id}/items",
                data=json.dumps({"text": f"3 tins of {letters(n)}brand beans"}).encode(),
                method="POST",
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
            opener.open(add, timeout=60).close()
        items = [int(str(row["id"])) for row in final_rows(server.base, token, list_id)]
        phones = [Phone(server.base, "alice" if n % 2 == 0 else "bob", list_id, tally) for n in range(args.clients)]
        for phone in phones:
            phone.log_in()
        shared = items[: max(1, len(items) // 5)]
        own = {"alice": items[len(shared) :: 2], "bob": items[len(shared) + 1 :: 2]}
        expected = Expected()
        until = time.time() + args.seconds
        threads = [threading.Thread(target=watch, args=(phone, args.poll, until)) for phone in phones]
        shoppers = phones[:2]
        threads += [
            threading.Thread(target=shop, args=(phone, own[phone.username], shared, expected, until, seed))
            for seed, phone in enumerate(shoppers)
        ]
        started = time.time()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(args.seconds + 120)
        elapsed = time.time() - started
        rows = final_rows(server.base, token, list_id)
        lost = check(rows, expected)
        log = server.log_path.read_text(errors="replace")
    finally:
        server.stop()
    changes = sum(v for k, v in tally.statuses.items() if "change" in k)
    return {
        "database": "PostgreSQL" if args.postgres else "SQLite",
        "seconds": elapsed,
        "clients": args.clients,
        "polls": dict(tally.polls),
        "changes": changes,
        "checked": len(expected.checked),
        "edited": len(expected.text),
        "added": len(expected.added),
        "rows": len(rows),
        "lost": lost,
        "errors": tally.errors,
        "server_errors": sum(v for k, v in tally.statuses.items() if int(k.rsplit(" ", 1)[1]) >= 500),
        "locked": log.count("database is locked"),
        "tracebacks": log.count("Traceback"),
        "p95_ms": percentile(tally.latencies, 0.95),
    }


def markdown(result: dict[str, object], args: argparse.Namespace) -> str:
    polls = result["polls"]
    assert isinstance(polls, dict)
    ok = not result["lost"] and not result["errors"] and not result["locked"] and not result["tracebacks"]
    return "\n".join(
        [
            f"## Shopping list soak ({result['database']})",
            "",
            "Written by `scripts/soak_shopping.py` (part of `make bench`): Gunicorn from the seeded config",
            f"(`WEB_CONCURRENCY={bench.WORKERS}`), {result['clients']} signed-in clients on one list of {args.items} "
            f"rows polling every {args.poll:g} s",
            f"for {result['seconds']:.0f} s, two of them shopping through the API as the page's script does",
            "(check-offs, rows put back, rows added, a row's text edited while the other checks that row off;",
            "every fifth time an earlier change is sent again with its op_id, as a replayed offline queue would).",
            "Every change each shopper saw accepted must be in the list at the end, exactly once.",
            "",
            "| | |",
            "|---|---|",
            f"| Polls | {sum(polls.values())} ({polls.get(304, 0)} answered 304, {polls.get(200, 0)} answered 200) |",
            f"| Changes sent (replays included) | {result['changes']} |",
            f"| Rows checked or put back / texts edited / rows added | {result['checked']} / {result['edited']} / "
            f"{result['added']} |",
            f"| Rows at the end | {result['rows']} |",
            f"| Changes lost | {len(result['lost'])} |",  # type: ignore[arg-type]
            f"| Answers 5xx | {result['server_errors']} |",
            f'| "database is locked" / tracebacks in the log | {result["locked"]} / {result["tracebacks"]} |',
            f"| p95 latency, all requests | {result['p95_ms']:.0f} ms |",
            f"| Result | {'nothing lost, no error' if ok else '**FAILED**'} |",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--poll", type=float, default=3.0, help="seconds between a client's polls (default 3)")
    parser.add_argument("--items", type=int, default=60, help="rows on the list at the start (default 60)")
    parser.add_argument("--postgres", action="store_true", help="on TEST_DATABASE_URL's server, not SQLite")
    parser.add_argument("--markdown", type=Path, help="write the summary into this file's shopping-soak section")
    args = parser.parse_args(argv)
    try:
        with tempfile.TemporaryDirectory(prefix="recipes-soak-shopping-") as work:
            result = soak(args, Path(work))
    except (BenchError, subprocess.SubprocessError, OSError) as exc:
        print(f"soak_shopping: {exc}", file=sys.stderr)
        return 2
    text = markdown(result, args)
    print(text)
    for problem in [*result["lost"], *result["errors"]][:20]:  # type: ignore[misc]
        print(f"  {problem}", file=sys.stderr)
    if args.markdown:
        name = f"{SECTION}-{'postgresql' if args.postgres else 'sqlite'}"
        write_section(args.markdown, name, text)
        print(f"\nWrote {args.markdown}")
    failed = result["lost"] or result["errors"] or result["locked"] or result["tracebacks"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
