"""Run untrusted-input work (reading a web page, decoding a picture) in a child process with a
time, CPU and memory limit.

A hostile page can make the parsing libraries take minutes: recipe-scrapers strips tags with
`<[^>]*>`, which is quadratic on a long run of "<" (100 kB of them take half a minute; a
regular expression cannot be interrupted by a signal). Run in the web worker, that would block
it until Gunicorn kills it. Run in a forked child, it is simply stopped at the deadline and the
user gets a clear message. A picture that decodes to hundreds of megabytes does so in the
child, whose memory goes back to the system when it ends, instead of growing the worker.

The child is forked from the worker, so the libraries the worker has already loaded cost
nothing to start (about 10 ms); it never touches the database or the worker's sockets, and it
ends with `os._exit`, so nothing of the parent's is cleaned up twice.
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import resource
import warnings
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

# Room the child may take on top of what it inherits (its address space is capped).
MEMORY_HEADROOM = 1024 * 1024 * 1024
# How long a child that has answered may take to exit.
JOIN_SECONDS = 2.0


class SandboxError(Exception):
    """The work gave no usable answer."""


class TooSlow(SandboxError):
    """The work did not finish in time (or the child died, e.g. out of memory)."""


def _address_space() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def _limit(seconds: float) -> None:
    """Cap the child's memory, and its CPU time, so it stops even if the parent is killed
    before it can stop the child (an orphan must not spin for hours)."""
    try:
        limit = _address_space() + MEMORY_HEADROOM
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        cpu = math.ceil(seconds) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    except (OSError, ValueError):  # no /proc, or a limit cannot be lowered: the parent's kill still applies
        pass


def _child(connection: Connection, seconds: float, work: Callable[..., Any], args: tuple[Any, ...]) -> None:
    # Forked from a worker that may hold database connections (SQLite files, PostgreSQL
    # sockets): the child never uses them and leaves with os._exit (multiprocessing does),
    # so it neither closes nor rolls back anything of the parent's.
    _limit(seconds)
    try:
        outcome: tuple[str, Any] = ("ok", work(*args))
    except Exception as error:  # handed to the parent, which raises it there
        outcome = ("error", error)
    try:
        connection.send(outcome)
    except Exception as error:  # an unpicklable result or exception
        connection.send(("error", SandboxError(f"could not send the result back: {error!r}")))
    connection.close()


def call(work: Callable[..., T], *args: Any, seconds: float) -> T:
    """`work(*args)` in a forked child; its result, or its exception raised here.
    TooSlow when it takes longer than `seconds` or dies."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, seconds, work, args), daemon=True)
    with warnings.catch_warnings():
        # Python 3.12 warns when forking a process that has threads (a test's web server):
        # the child only parses text and is killed at the deadline, so a lock it inherited
        # held could at worst make it time out.
        warnings.simplefilter("ignore", DeprecationWarning)
        child.start()
    sender.close()
    answer: tuple[str, Any] | None = None
    timed_out = False
    try:
        if receiver.poll(seconds):
            answer = receiver.recv()
        else:
            timed_out = True
    except EOFError:
        pass  # the child died without answering: its exit code says how
    finally:
        receiver.close()
        if timed_out or answer is None:
            child.kill()  # harmless if it has already ended
        child.join(JOIN_SECONDS)
        if child.exitcode is None:  # answered, but stuck on the way out
            child.kill()
            child.join()
        exit_code = child.exitcode
        child.close()
    if timed_out:
        raise TooSlow(f"no answer within {seconds:g} s")
    if answer is None:
        raise TooSlow(f"the child ended without an answer (exit code {exit_code})")
    status, value = answer
    if status == "error":
        raise value
    return value  # type: ignore[no-any-return]
