#!/usr/bin/env python3
"""Run a command against a throwaway PostgreSQL server: `with_postgres.py -- CMD ...`.

Makes a new cluster in a temporary folder (as the `postgres` user when run as root,
since PostgreSQL refuses to run as root), listens on a free loopback port, exports
TEST_DATABASE_URL to the command, then stops the server and deletes everything.
Exits with the command's exit code; exits 97 (and only then) when PostgreSQL is not
installed, and 98 when the server would not start.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NOT_INSTALLED = 97
NOT_STARTED = 98


def pg_bin_dir() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    for candidate in reversed(candidates):
        if (Path(candidate) / "initdb").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    user = pwd.getpwnam("postgres")
    return ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--init-groups", *command]


def main(argv: list[str]) -> int:
    if "--" not in argv:
        print("usage: with_postgres.py -- COMMAND [ARGS...]", file=sys.stderr)
        return 2
    command = argv[argv.index("--") + 1 :]
    bindir = pg_bin_dir()
    if bindir is None:
        print("with_postgres: PostgreSQL server binaries not found (apt-get install postgresql)", file=sys.stderr)
        return NOT_INSTALLED
    workdir = Path(tempfile.mkdtemp(prefix="recipes-pg-"))
    data, sockets, log = workdir / "data", workdir / "sockets", workdir / "server.log"
    sockets.mkdir()
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        for path in (workdir, sockets):
            os.chown(path, user.pw_uid, user.pw_gid)
    port = free_port()
    try:
        subprocess.run(
            as_server_user(
                [
                    str(bindir / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--no-sync",
                    "--locale=C.UTF-8",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        subprocess.run(
            as_server_user(
                [
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-l",
                    str(log),
                    "-w",
                    "-t",
                    "60",
                    "start",
                    "-o",
                    f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off "
                    "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
        print(f"with_postgres: PostgreSQL ({bindir.parent.name}) at 127.0.0.1:{port}", flush=True)
        started = time.monotonic()
        result = subprocess.run(command, env={**os.environ, "TEST_DATABASE_URL": url})
        print(f"with_postgres: command finished in {time.monotonic() - started:.1f}s", flush=True)
        return result.returncode
    except subprocess.CalledProcessError as exc:
        print(f"with_postgres: could not start PostgreSQL: {exc}", file=sys.stderr)
        if log.exists():
            print(log.read_text(errors="replace")[-2000:], file=sys.stderr)
        return NOT_STARTED
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
                stdout=subprocess.DEVNULL,
                check=False,
            )
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
