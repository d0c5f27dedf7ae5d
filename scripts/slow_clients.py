"""Slow clients against a real Gunicorn: `.venv/bin/python scripts/slow_clients.py --help`.

What a reverse proxy would otherwise absorb, tried on 127.0.0.1 against `recipes bootstrap` +
Gunicorn from the shipped config (or another worker class, to compare):

1. Slow headers: N sockets send `GET /healthz HTTP/1.1\\r\\nHost: x\\r\\n` and nothing more.
2. Slow bodies: N sockets send a POST's headers with `Content-Length: 100000` and a few bytes.
3. While they hang, honest clients ask for /healthz: every answer must come within --within seconds.
4. A slow upload: a 2 MB form body sent over longer than the worker timeout (which the run lowers to
   --timeout seconds, to keep it short): it must be answered, not cut off.

Prints one line per check and exits 1 when one fails. The test suite runs the same checks
(tests/test_slow_clients.py); `make soak` runs them at full size.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """`recipes bootstrap` and Gunicorn from the seeded config, on a free loopback port."""

    config_dir: Path
    workers: int = 2
    extra_args: list[str] = field(default_factory=list)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "RECIPES_CONFIG_DIR": str(self.config_dir), "WEB_CONCURRENCY": str(self.workers)}

    def start(self, timeout: float = 30) -> None:
        subprocess.run([str(BIN / "recipes"), "bootstrap"], env=self.env, check=True, capture_output=True)
        log = (self.config_dir / "gunicorn.log").open("ab")
        command = [str(BIN / "gunicorn"), "-c", str(self.config_dir / "gunicorn.conf.py")]
        command += ["--bind", f"127.0.0.1:{self.port}", *self.extra_args]
        self.process = subprocess.Popen(command, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log()[-2000:]}")
            if healthz_seconds(self.port, 1.0) is not None:
                return
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer within {timeout} s: {self.log()[-2000:]}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log(self) -> str:
        path = self.config_dir / "gunicorn.log"
        return path.read_text(errors="replace") if path.exists() else ""


@contextlib.contextmanager
def running(workers: int = 2, extra_args: list[str] | None = None) -> Iterator[Server]:
    with tempfile.TemporaryDirectory(prefix="recipes-slow-") as directory:
        server = Server(Path(directory), workers, list(extra_args or []))
        try:
            server.start()
            yield server
        finally:
            server.stop()


def healthz_seconds(port: int, timeout: float) -> float | None:
    """How long a fresh connection's GET /healthz took to answer 200; None if it did not."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=timeout) as response:
            ok = response.status == 200
    except OSError:
        return None
    return time.monotonic() - started if ok else None


@contextlib.contextmanager
def hanging_sockets(port: int, count: int, opening: bytes) -> Iterator[list[socket.socket]]:
    """`count` connections that send `opening` and then nothing more, until the block ends."""
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            sock.sendall(opening)
            sockets.append(sock)
        time.sleep(0.5)  # let the server take them all in before anyone measures
        yield sockets
    finally:
        for sock in sockets:
            sock.close()


SLOW_HEADERS = b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
SLOW_BODY = (
    b"POST /api/v1/recipes HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\ntitle=slo"
)


def probe(port: int, count: int, within: float) -> list[float | None]:
    """`count` honest /healthz requests, one after another, each given `within` seconds."""
    return [healthz_seconds(port, within) for _ in range(count)]


def slow_upload(port: int, size: int, seconds: float) -> int:
    """POST a `size`-byte form body to /auth/login in pieces spread over `seconds`: the status.

    Any complete request gets an answer (here a form error or a CSRF refusal, 400); a worker killed
    for taking too long cuts the connection instead, which is what this looks for."""
    body = b"username=x&password=" + b"y" * (size - 20)
    chunks = 40
    piece = len(body) // chunks + 1
    with socket.create_connection(("127.0.0.1", port), timeout=seconds + 30) as sock:
        sock.sendall(
            b"POST /auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n" + f"Content-Length: {len(body)}\r\n\r\n".encode()
        )
        try:
            for start in range(0, len(body), piece):
                sock.sendall(body[start : start + piece])
                time.sleep(seconds / chunks)
        except OSError:  # the server hung up mid-upload
            return 0
        answer = b""
        with contextlib.suppress(OSError):
            while chunk := sock.recv(65536):
                answer += chunk
    if not answer.startswith(b"HTTP/1."):
        return 0
    return int(answer.split(b" ", 2)[1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sockets", type=int, default=50, help="slow sockets of each kind (default 50)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--within", type=float, default=1.0, help="seconds an honest request may take (1)")
    parser.add_argument("--timeout", type=int, default=3, help="Gunicorn worker timeout for the upload (3)")
    parser.add_argument("--worker-class", help="compare another Gunicorn worker class (sync, gthread, ...)")
    args = parser.parse_args(argv)
    extra = ["--timeout", str(args.timeout)]
    if args.worker_class:
        extra += ["--worker-class", args.worker_class]
    failed = False
    with running(args.workers, extra) as server:
        for name, opening in (("slow headers", SLOW_HEADERS), ("slow bodies", SLOW_BODY)):
            with hanging_sockets(server.port, args.sockets, opening):
                times = probe(server.port, 10, args.within)
            answered = [t for t in times if t is not None]
            worst = f"{max(answered) * 1000:.0f} ms" if answered else "-"
            ok = len(answered) == len(times)
            failed |= not ok
            print(
                f"{name}: {args.sockets} sockets hanging, {len(answered)}/{len(times)} honest requests answered "
                f"within {args.within:g} s (slowest {worst}) {'ok' if ok else 'FAILED'}"
            )
        seconds = args.timeout * 2 + 1
        status = slow_upload(server.port, 2 * 1024 * 1024, seconds)
        ok = status != 0
        failed |= not ok
        print(
            f"slow upload: 2 MB over {seconds} s with a {args.timeout} s worker timeout: "
            f"{'answered ' + str(status) if ok else 'cut off'} {'ok' if ok else 'FAILED'}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
