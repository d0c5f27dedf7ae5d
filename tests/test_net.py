"""recipes.net against real servers on loopback: the address policy, every hop checked and
pinned, size, time and type caps, and that nothing but FetchError ever comes out.

The test servers live on 127.0.0.1, which the real policy refuses unless allow_private=True.
Tests of the default policy either expect that refusal, or use `server_is_public`, which makes
exactly 127.0.0.1 count as public and leaves the rest of the policy alone. No test touches real
DNS: `dns` (autouse) answers made-up names from a table and passes only numeric hosts and
"localhost" to the real resolver.
"""

from __future__ import annotations

import gzip
import ipaddress
import itertools
import json
import logging
import re
import select
import shutil
import socket
import ssl
import struct
import subprocess
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
import requests.adapters

from recipes import net
from recipes.net import HTML_TYPES, IMAGE_TYPES, FetchError, FetchResult, address_allowed, fetch

PAGE = b"<!doctype html><html><head><title>Soup</title></head><body>Tomato soup</body></html>"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)
GIB = 1 << 30


# ---------------------------------------------------------------------------------------------
# The test server
# ---------------------------------------------------------------------------------------------


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, bomb: bytes) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.bomb = bomb
        self.stopping = threading.Event()
        self.paths: list[str] = []
        self.sni_names: list[str] = []
        # How each request's answer ended, by its path and query (see `Handler.do_GET`).
        self.endings: dict[str, str] = {}
        self.ended = threading.Condition()

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def record_ending(self, path: str, how: str) -> None:
        with self.ended:
            self.endings[path] = how
            self.ended.notify_all()

    def ending(self, path: str) -> str | None:
        """How the answer to `path` ended: "finished" (all of it was sent), "hung up" (the
        client closed the connection first) or "stuck" (the client neither read nor closed).
        Waits for it: a cut-off answer ends at once; the wait only runs long when it was
        not cut off, and then the answer is "finished" (or None) and the test fails anyway."""
        with self.ended:
            self.ended.wait_for(lambda: path in self.endings, timeout=30)
            return self.endings.get(path)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients hanging up mid-answer is what many of these tests do


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 2
    server: Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        path, _, query = self.path.partition("?")
        self.server.paths.append(self.path)
        route = ROUTES.get(path, Handler.not_found)
        try:
            route(self, unquote(query))
        except TimeoutError:  # a write blocked for `timeout`: the client stopped reading, yet held on
            self.close_connection = True
            self.server.record_ending(self.path, "stuck")
        except OSError:
            self.close_connection = True  # the client went away (or the watchdog cut it off)
            self.server.record_ending(self.path, "hung up")
        else:
            self.server.record_ending(self.path, "finished")

    # -- helpers --

    def answer(self, status: int, body: bytes, content_type: str | None = "text/html; charset=utf-8") -> None:
        self.send_response(status)
        if content_type is not None:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location: str, status: int = 302) -> None:
        self.send_response(status)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def pause(self, seconds: float) -> bool:
        """Sleep unless the server is stopping; True to go on."""
        return not self.server.stopping.wait(seconds)

    def wait_for_hang_up(self, seconds: float) -> None:
        """Send nothing for `seconds` (or until the server stops), but raise as soon as the
        client closes the connection, as a write would."""
        end = time.monotonic() + seconds
        while time.monotonic() < end and not self.server.stopping.is_set():
            readable, _, _ = select.select([self.connection], [], [], 0.05)
            if readable and not self.connection.recv(1, socket.MSG_PEEK):
                raise ConnectionAbortedError("the client hung up")

    def endless_chunks(self, seconds: float = 5) -> None:
        end = time.monotonic() + seconds
        chunk = b"x" * 65536
        while time.monotonic() < end and not self.server.stopping.is_set():
            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))

    # -- routes --

    def not_found(self, _query: str) -> None:
        self.answer(404, b"<p>Not here</p>")

    def page(self, _query: str) -> None:
        self.answer(200, PAGE)

    def echo(self, _query: str) -> None:
        self.answer(200, json.dumps(dict(self.headers.items())).encode(), "text/html")

    def chain(self, query: str) -> None:
        n = int(query or 0)
        self.redirect(f"/chain?{n - 1}" if n > 1 else "/page")

    def to(self, query: str) -> None:
        self.redirect(query)

    def loop(self, _query: str) -> None:
        self.redirect("/loop", 301)

    def status(self, query: str) -> None:
        self.answer(int(query), b"<p>Error page</p>")

    def pdf(self, _query: str) -> None:
        self.answer(200, b"%PDF-1.4", "application/pdf")

    def no_type(self, _query: str) -> None:
        self.answer(200, PAGE, None)

    def image(self, query: str) -> None:
        self.answer(200, PNG, query or "image/png")

    def latin1(self, _query: str) -> None:
        self.answer(
            200,
            b'<html><head><meta charset="windows-1252"></head><body>Cr\xe8me br\xfbl\xe9e</body></html>',
            "text/html",
        )

    def huge_length(self, _query: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(50_000_000))
        self.end_headers()
        for _ in range(50_000_000 // 65536):
            self.wfile.write(b"x" * 65536)

    def huge(self, _query: str) -> None:
        # No Content-Length, no chunking: the body ends when the connection does.
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        for _ in range(50_000_000 // 65536):
            self.wfile.write(b"x" * 65536)

    def endless(self, _query: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.endless_chunks()

    def redirect_with_endless_body(self, _query: str) -> None:
        self.send_response(302)
        self.send_header("Location", "/page")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.endless_chunks()

    def trickle(self, _query: str) -> None:
        # Each byte comes well within any read timeout; only the overall deadline stops it.
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", "100")
        self.end_headers()
        for _ in range(100):
            if not self.pause(0.05):
                return
            self.wfile.write(b"x")
            self.wfile.flush()

    def slow_headers(self, _query: str) -> None:
        self.wfile.write(b"HTTP/1.1 200 OK\r\n")
        for byte in b"X-Padding: " + b"a" * 100:
            if not self.pause(0.05):
                return
            self.wfile.write(bytes([byte]))
            self.wfile.flush()

    def stall(self, _query: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", "10")
        self.end_headers()
        self.wfile.flush()
        self.wait_for_hang_up(10)

    def gzip_bomb(self, _query: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(self.server.bomb)))
        self.end_headers()
        self.wfile.write(self.server.bomb)

    def cookie_redirect(self, _query: str) -> None:
        self.send_response(302)
        self.send_header("Set-Cookie", "visited=yes; Path=/")
        self.send_header("Location", "/echo")
        self.send_header("Content-Length", "0")
        self.end_headers()


ROUTES: dict[str, Callable[[Handler, str], None]] = {
    "/page": Handler.page,
    "/echo": Handler.echo,
    "/chain": Handler.chain,
    "/to": Handler.to,
    "/loop": Handler.loop,
    "/status": Handler.status,
    "/pdf": Handler.pdf,
    "/no-type": Handler.no_type,
    "/image": Handler.image,
    "/latin1": Handler.latin1,
    "/huge-length": Handler.huge_length,
    "/huge": Handler.huge,
    "/endless": Handler.endless,
    "/redirect-endless-body": Handler.redirect_with_endless_body,
    "/trickle": Handler.trickle,
    "/slow-headers": Handler.slow_headers,
    "/stall": Handler.stall,
    "/gzip-bomb": Handler.gzip_bomb,
    "/cookie-redirect": Handler.cookie_redirect,
}


def gzip_bomb() -> bytes:
    """A valid gzip stream of 1 GiB of zeros, about 1 MB long, built in a fraction of a second.

    After a full flush the compressor starts afresh, so every further MiB of zeros compresses
    to the same bytes: compress two, repeat the second.
    """
    mib = bytes(1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = compressor.compress(mib) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(mib) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(GIB // len(mib)):
        crc = zlib.crc32(mib, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
    return header + first + again * (GIB // len(mib) - 1) + compressor.flush() + struct.pack("<II", crc, GIB)


def serve(server: Server) -> Iterator[Server]:
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield server
    server.stopping.set()
    server.shutdown()
    server.server_close()  # waits for the handler threads
    thread.join()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return gzip_bomb()


@pytest.fixture(scope="module")
def server(bomb: bytes) -> Iterator[Server]:
    yield from serve(Server(bomb))


@pytest.fixture
def base(server: Server) -> str:
    return f"http://127.0.0.1:{server.port}"


# ---------------------------------------------------------------------------------------------
# Resolver and policy fixtures
# ---------------------------------------------------------------------------------------------

NUMERIC_HOST = re.compile(r"^[0-9a-fA-FxX.:]+$")


class FakeDNS:
    """Made-up names answered from a table; numeric hosts and localhost by the real resolver."""

    def __init__(self, real: Callable[[str, int], list[net.IPAddress]]) -> None:
        self.real = real
        self.table: dict[str, list[str]] = {}
        self.asked: list[str] = []

    def __call__(self, host: str, port: int) -> list[net.IPAddress]:
        self.asked.append(host)
        if host in self.table:
            return [ipaddress.ip_address(address) for address in self.table[host]]
        if host == "localhost" or NUMERIC_HOST.match(host):
            return self.real(host, port)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")


@pytest.fixture(autouse=True)
def dns(monkeypatch: pytest.MonkeyPatch) -> FakeDNS:
    fake = FakeDNS(net.resolve)
    monkeypatch.setattr(net, "resolve", fake)
    return fake


@pytest.fixture
def server_is_public(monkeypatch: pytest.MonkeyPatch) -> None:
    """127.0.0.1 (the test server) counts as public; every other address keeps the real policy."""
    real = net.address_allowed
    server_address = ipaddress.ip_address("127.0.0.1")

    def policy(ip: net.IPAddress, *, allow_private: bool) -> bool:
        return ip == server_address or real(ip, allow_private=allow_private)

    monkeypatch.setattr(net, "address_allowed", policy)


_request_numbers = itertools.count()


def once(path: str) -> str:
    """`path` with a query of its own, so `Server.ending` finds this request's answer."""
    return f"{path}?{next(_request_numbers)}"


@pytest.fixture
def body_read(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The sizes of the body chunks the fetcher got from requests (it reads bodies with
    `iter_content`), so a test can tell how much of a body was read."""
    sizes: list[int] = []
    original = requests.Response.iter_content

    def counting(self: requests.Response, *args: Any, **kwargs: Any) -> Iterator[Any]:
        for chunk in original(self, *args, **kwargs):
            sizes.append(len(chunk))
            yield chunk

    monkeypatch.setattr(requests.Response, "iter_content", counting)
    return sizes


def refused(url: str, **kwargs: Any) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetch(url, **kwargs)
    return caught.value


# ---------------------------------------------------------------------------------------------
# address_allowed: the policy table
# ---------------------------------------------------------------------------------------------

# address, allowed by default, allowed with allow_private
POLICY = [
    # public
    ("8.8.8.8", True, True),
    ("1.1.1.1", True, True),
    ("93.184.216.34", True, True),
    ("172.32.0.1", True, True),  # just past 172.16/12
    ("100.128.0.1", True, True),  # just past CGNAT
    ("2606:4700:4700::1111", True, True),
    ("2001:4860:4860::8888", True, True),
    # the LAN and the host itself: allowed only with allow_private
    ("127.0.0.1", False, True),
    ("127.0.0.2", False, True),
    ("127.255.255.254", False, True),
    ("10.0.0.1", False, True),
    ("10.255.255.255", False, True),
    ("172.16.0.1", False, True),
    ("172.31.255.255", False, True),
    ("192.168.1.10", False, True),
    ("100.64.0.1", False, True),
    ("100.127.255.254", False, True),
    ("198.18.0.1", False, True),
    ("198.19.255.255", False, True),
    ("::1", False, True),
    ("fc00::1", False, True),
    ("fd12:3456:789a::1", False, True),
    ("fec0::1", False, True),
    # cloud metadata: never
    ("169.254.169.254", False, False),
    ("169.254.170.2", False, False),
    ("100.100.100.200", False, False),
    ("192.0.0.192", False, False),
    ("fd00:ec2::254", False, False),
    ("fd00:ec2::23", False, False),
    # link-local, unspecified, multicast, reserved, broadcast, documentation, protocol assignments: never
    ("169.254.0.1", False, False),
    ("169.254.255.255", False, False),
    ("fe80::1", False, False),
    ("fe80::a9fe:a9fe%eth0", False, False),
    ("0.0.0.0", False, False),  # noqa: S104 (an address to refuse, not one to bind)
    ("0.1.2.3", False, False),
    ("::", False, False),
    ("224.0.0.1", False, False),
    ("239.255.255.250", False, False),
    ("ff02::1", False, False),
    ("ff0e::1", False, False),
    ("240.0.0.1", False, False),
    ("255.255.255.255", False, False),
    ("192.0.2.1", False, False),
    ("198.51.100.7", False, False),
    ("203.0.113.9", False, False),
    ("2001:db8::1", False, False),
    ("3fff::1", False, False),
    ("192.0.0.1", False, False),
    ("192.88.99.1", False, False),
    ("100::1", False, False),
    ("2001:2::1", False, False),
    ("5f00::1", False, False),
    # IPv6 carrying IPv4: judged by the IPv4 address
    ("::ffff:8.8.8.8", True, True),
    ("::ffff:127.0.0.1", False, True),
    ("::ffff:10.0.0.1", False, True),
    ("::ffff:169.254.169.254", False, False),
    ("::ffff:0.0.0.0", False, False),
    ("64:ff9b::8.8.8.8", True, True),
    ("64:ff9b::127.0.0.1", False, True),
    ("64:ff9b::169.254.169.254", False, False),
    ("2002:808:808::1", True, True),  # 6to4 of 8.8.8.8
    ("2002:7f00:1::1", False, True),  # 6to4 of 127.0.0.1
    ("2002:a9fe:a9fe::1", False, False),  # 6to4 of the metadata address
    # local-use NAT64 is inside the operator's network; its embedded address is checked too
    ("64:ff9b:1::8.8.8.8", False, True),
    ("64:ff9b:1::169.254.169.254", False, False),
    # deprecated or opaque forms: never
    ("::127.0.0.1", False, False),  # IPv4-compatible
    ("::8.8.8.8", False, False),
    ("2001:0:4136:e378:8000:63bf:3fff:fdd2", False, False),  # Teredo
]


@pytest.mark.parametrize(("address", "by_default", "with_private"), POLICY)
def test_address_policy(address: str, by_default: bool, with_private: bool) -> None:
    ip = ipaddress.ip_address(address)
    assert address_allowed(ip, allow_private=False) is by_default
    assert address_allowed(ip, allow_private=True) is with_private


def test_policy_table_is_big_and_covers_both_families() -> None:
    versions = [ipaddress.ip_address(row[0]).version for row in POLICY]
    assert len(POLICY) >= 40
    assert versions.count(4) >= 20
    assert versions.count(6) >= 20


def test_the_real_resolver_reads_every_numeric_spelling_as_the_address_it_is() -> None:
    for spelling in ("127.0.0.1", "2130706433", "0x7f000001", "0177.0.0.1", "127.1"):
        assert net.resolve.real(spelling, 80) == [ipaddress.ip_address("127.0.0.1")]  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------------------------
# URLs refused before any connection
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.test/recipe.html",
        "gopher://127.0.0.1:70/_GET",
        "javascript:alert(1)",
        "data:text/html,<p>hi</p>",
        "example.test/recipe",
        "//example.test/recipe",
        "",
        "http://",
        "http:///recipe",
        "http:/example.test",
        "http:\\\\example.test\\",
        "http://user:secret@example.test/",
        "http://user@example.test/",
        "http://:secret@example.test/",
        "http://example.test@127.0.0.1/",
        "http://example.test:99999/",
        "http://example.test:port/",
        "http://exa\nmple.test/",
        "http://example.test/\r\nX-Injected: 1",
        "http://example.test/" + "a" * 5000,
    ],
)
def test_bad_urls_are_refused(url: str, dns: FakeDNS) -> None:
    assert refused(url).code == "bad_url"
    assert dns.asked == []


@pytest.mark.parametrize("port", [25, 22, 6667, 0])
def test_ports_browsers_refuse_are_refused(port: int, server: Server) -> None:
    error = refused(f"http://127.0.0.1:{port}/", allow_private=True)
    assert error.code == "blocked_address"


@pytest.mark.parametrize(
    "url",
    [
        "http://[::1",
        "http://[zz::1]/",
        "http://a..b/",
        "http://%zz/",
        "http://xn--/",
        "http://\u2603.test/",
        "http://" + "a" * 300 + ".test/",
        pytest.param("https://\udcff.test/", id="lone-surrogate"),
        "http://example.test:-1/",
        "HTTP://EXAMPLE.TEST/",
        "http://0/",
    ],
)
def test_odd_urls_give_fetch_errors_only(url: str) -> None:
    error = refused(url)
    assert error.code in {"bad_url", "unreachable", "blocked_address"}
    assert error.message


# ---------------------------------------------------------------------------------------------
# The loopback server with the real policy
# ---------------------------------------------------------------------------------------------

LOOPBACK_SPELLINGS = ["127.0.0.1", "2130706433", "0x7f000001", "0177.0.0.1", "127.1"]


@pytest.mark.parametrize("host", [*LOOPBACK_SPELLINGS, "localhost", "[::1]", "[::ffff:127.0.0.1]", "0.0.0.0"])  # noqa: S104
def test_loopback_is_refused_by_default_in_every_spelling(host: str, server: Server) -> None:
    before = len(server.paths)
    error = refused(f"http://{host}:{server.port}/page")
    assert error.code == "blocked_address"
    assert "private or reserved" in error.message
    assert len(server.paths) == before  # refused before connecting


@pytest.mark.parametrize("host", LOOPBACK_SPELLINGS)
def test_allow_private_reaches_the_loopback_server(host: str, server: Server) -> None:
    result = fetch(f"http://{host}:{server.port}/page", allow_private=True)
    assert result.status == 200
    assert result.body == PAGE


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://169.254.170.2/v2/credentials",
        "http://100.100.100.200/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://[::ffff:169.254.169.254]/",
        "http://[::ffff:a9fe:a9fe]/",
        "http://2852039166/",  # 169.254.169.254 as one number
        "http://0xa9fea9fe/",
        "http://metadata.test/computeMetadata/v1/",
    ],
)
def test_metadata_stays_refused_with_allow_private(url: str, dns: FakeDNS) -> None:
    dns.table["metadata.test"] = ["169.254.169.254"]
    assert refused(url, allow_private=True).code == "blocked_address"


# ---------------------------------------------------------------------------------------------
# Every hop checked, the connection pinned
# ---------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("server_is_public")
def test_fetch_follows_a_redirect_chain(base: str) -> None:
    result = fetch(f"{base}/chain?4")
    assert result.url == f"{base}/page"
    assert (result.status, result.content_type, result.charset, result.body) == (200, "text/html", "utf-8", PAGE)
    assert "Tomato soup" in result.text()


@pytest.mark.usefixtures("server_is_public")
@pytest.mark.parametrize(
    ("target", "code"),
    [
        ("file:///etc/passwd", "bad_url"),
        ("ftp://127.0.0.1/", "bad_url"),
        ("gopher://127.0.0.1:{port}/_", "bad_url"),
        ("http://user:pw@127.0.0.1:{port}/page", "bad_url"),
        ("http://127.0.0.2:{port}/page", "blocked_address"),
        ("http://[::1]:{port}/page", "blocked_address"),
        ("http://10.0.0.1/", "blocked_address"),
        ("http://0x7f000002:{port}/page", "blocked_address"),
        ("http://169.254.169.254/latest/meta-data/", "blocked_address"),
        ("http://internal.test:{port}/page", "blocked_address"),
        ("http://127.0.0.1:25/", "blocked_address"),
    ],
)
def test_every_redirect_hop_is_checked(base: str, server: Server, dns: FakeDNS, target: str, code: str) -> None:
    dns.table["internal.test"] = ["10.0.0.1"]
    error = refused(f"{base}/to?{target.format(port=server.port)}")
    assert error.code == code


@pytest.mark.usefixtures("server_is_public")
def test_a_redirect_to_metadata_is_refused_even_with_allow_private(base: str) -> None:
    assert refused(f"{base}/to?http://169.254.169.254/latest/meta-data/", allow_private=True).code == "blocked_address"


def test_the_connection_goes_to_the_checked_address(server: Server, dns: FakeDNS) -> None:
    # recipes.test exists only in our table: had urllib3 looked the name up itself, it would fail.
    dns.table["recipes.test"] = ["127.0.0.1"]
    result = fetch(f"http://recipes.test:{server.port}/echo", allow_private=True)
    assert json.loads(result.body)["Host"] == f"recipes.test:{server.port}"
    assert result.url == f"http://recipes.test:{server.port}/echo"


@pytest.mark.usefixtures("server_is_public")
def test_each_hop_is_resolved_afresh(base: str, server: Server, dns: FakeDNS) -> None:
    dns.table["recipes.test"] = ["127.0.0.1"]
    result = fetch(f"{base}/to?http://recipes.test:{server.port}/echo")
    assert json.loads(result.body)["Host"] == f"recipes.test:{server.port}"
    assert dns.asked == ["127.0.0.1", "recipes.test"]


@pytest.mark.parametrize(
    ("addresses", "public_server"),
    [
        (["93.184.216.34", "127.0.0.1"], False),
        (["127.0.0.1", "10.0.0.1"], True),  # the first one is fine; the second is not
        (["127.0.0.1", "169.254.169.254"], True),
    ],
)
def test_a_name_with_any_bad_address_is_refused(
    request: pytest.FixtureRequest, server: Server, dns: FakeDNS, addresses: list[str], public_server: bool
) -> None:
    if public_server:
        request.getfixturevalue("server_is_public")
    dns.table["rebind.test"] = addresses
    before = len(server.paths)
    assert refused(f"http://rebind.test:{server.port}/page").code == "blocked_address"
    assert len(server.paths) == before


@pytest.mark.usefixtures("server_is_public")
def test_redirect_limit(base: str) -> None:
    assert fetch(f"{base}/chain?5", max_redirects=5).status == 200
    assert refused(f"{base}/chain?6", max_redirects=5).code == "too_many_redirects"
    assert refused(f"{base}/chain?1", max_redirects=0).code == "too_many_redirects"
    error = refused(f"{base}/loop")
    assert error.code == "too_many_redirects"
    assert "more than 5" in error.message


@pytest.mark.usefixtures("server_is_public")
def test_a_redirect_body_is_not_read(server: Server, base: str, body_read: list[int]) -> None:
    redirect = once("/redirect-endless-body")  # 5 s of body, as fast as the client reads it
    assert fetch(f"{base}{redirect}").body == PAGE
    assert sum(body_read) == len(PAGE)  # only the final page's body was read
    assert server.ending(redirect) == "hung up"  # the redirect's connection was closed unread


@pytest.mark.usefixtures("server_is_public")
def test_headers_sent_and_cookies_kept_between_hops(base: str) -> None:
    headers = json.loads(fetch(f"{base}/cookie-redirect").body)
    assert re.fullmatch(r"Recipes/\S+ \(\+self-hosted recipe manager\)", headers["User-Agent"])
    assert headers["Accept"].startswith("text/html, application/xhtml+xml")
    assert headers["Cookie"] == "visited=yes"
    assert "Authorization" not in headers


# ---------------------------------------------------------------------------------------------
# Answers: status, type, size, time
# ---------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("server_is_public")
@pytest.mark.parametrize(
    ("status", "message"),
    [(404, "The site answered 404 Not Found."), (500, "The site answered 500 Internal Server Error."), (299, "")],
)
def test_status(base: str, status: int, message: str) -> None:
    if not message:
        assert fetch(f"{base}/status?{status}").status == status  # any 2xx is an answer
        return
    error = refused(f"{base}/status?{status}")
    assert (error.code, error.message) == ("http_error", message)


@pytest.mark.usefixtures("server_is_public")
def test_content_type_checks(base: str) -> None:
    error = refused(f"{base}/pdf")
    assert error.code == "bad_type"
    assert "application/pdf" in error.message
    assert refused(f"{base}/no-type").code == "bad_type"
    assert refused(f"{base}/page", accept=IMAGE_TYPES).code == "bad_type"
    assert refused(f"{base}/image?image/svg%2Bxml", accept=IMAGE_TYPES).code == "bad_type"

    picture = fetch(f"{base}/image", accept=IMAGE_TYPES)
    assert (picture.content_type, picture.body) == ("image/png", PNG)
    assert fetch(f"{base}/image?image/x-icon", accept=("image/",)).content_type == "image/x-icon"
    assert fetch(f"{base}/image?IMAGE/JPEG; q=1", accept=IMAGE_TYPES).content_type == "image/jpeg"


@pytest.mark.usefixtures("server_is_public")
@pytest.mark.parametrize("path", ["/huge-length", "/huge", "/endless"])
def test_bodies_over_the_cap_are_refused(server: Server, base: str, body_read: list[int], path: str) -> None:
    request = once(path)
    error = refused(f"{base}{request}", max_bytes=200_000)
    assert error.code == "too_large"
    assert "0.2 MB" in error.message
    if path == "/huge-length":
        assert body_read == []  # refused on the announced 50 MB, before reading any of it
    else:
        assert 200_000 < sum(body_read) <= 200_000 + 64 * 1024  # read up to the cap, one chunk past it
    assert server.ending(request) == "hung up"  # and the rest of the 50 MB (or 5 s) was never sent


@pytest.mark.usefixtures("server_is_public")
def test_a_body_at_the_cap_is_fine(base: str) -> None:
    assert len(fetch(f"{base}/page", max_bytes=len(PAGE)).body) == len(PAGE)
    assert refused(f"{base}/page", max_bytes=len(PAGE) - 1).code == "too_large"


@pytest.mark.usefixtures("server_is_public")
def test_a_gzip_bomb_is_capped_after_decompression_without_using_memory(base: str, bomb: bytes) -> None:
    assert struct.unpack("<I", bomb[-4:])[0] == GIB  # it really expands to 1 GiB
    assert len(bomb) < 2_000_000  # and is sent whole, under the 5 MB cap
    tracemalloc.start()
    try:
        error = refused(f"{base}/gzip-bomb", max_bytes=5_000_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.code == "too_large"
    assert peak < 50_000_000, f"peak {peak / 1e6:.0f} MB"


def test_small_gzip_bodies_are_decompressed(server: Server, base: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server, "bomb", gzip.compress(PAGE))
    assert fetch(f"{base}/gzip-bomb", allow_private=True).body == PAGE


@pytest.mark.usefixtures("server_is_public")
@pytest.mark.parametrize("path", ["/trickle", "/slow-headers"])
def test_the_deadline_cuts_off_a_trickle(server: Server, base: str, path: str) -> None:
    request = once(path)  # a byte every 0.05 s for 5 s: no read ever waits long enough to time out
    started = time.monotonic()
    error = refused(f"{base}{request}", read_timeout=5, deadline=0.5)
    elapsed = time.monotonic() - started
    assert error.code == "timeout"
    assert error.message == "The site took too long to answer."
    assert elapsed > 0.4  # not before the deadline
    assert server.ending(request) == "hung up"  # cut off mid-trickle, not waited out


@pytest.mark.usefixtures("server_is_public")
def test_read_timeout(server: Server, base: str) -> None:
    request = once("/stall")  # the headers, then nothing for 10 s
    assert refused(f"{base}{request}", read_timeout=0.3, deadline=60).code == "timeout"
    assert server.ending(request) == "hung up"  # the client gave up during the silence


def test_the_deadline_cuts_off_a_tls_handshake_that_never_comes() -> None:
    # The kernel accepts the connection from the backlog; nobody ever answers the ClientHello.
    # The socket timeouts would wait a minute: only the deadline can end it sooner.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        started = time.monotonic()
        url = f"https://127.0.0.1:{silent.getsockname()[1]}/"
        error = refused(url, allow_private=True, connect_timeout=60, read_timeout=60, deadline=0.5)
    assert error.code == "timeout"
    assert time.monotonic() - started < 30  # generous for a loaded machine, still far from 60 s


def test_nothing_listening_is_unreachable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    error = refused(f"http://127.0.0.1:{port}/", allow_private=True)
    assert error.code == "unreachable"


def test_unknown_name_is_unreachable() -> None:
    error = refused("http://no-such-site.test/recipe")
    assert (error.code, error.message) == ("unreachable", "Could not find the site no-such-site.test.")


# ---------------------------------------------------------------------------------------------
# HTTPS: pinned to the address, while SNI and the certificate check use the name
# ---------------------------------------------------------------------------------------------


def openssl(*args: str | Path) -> None:
    subprocess.run(["openssl", *map(str, args)], check=True, capture_output=True)


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command")
    folder = tmp_path_factory.mktemp("tls")
    files = {name: folder / name for name in ("ca.key", "ca.pem", "leaf.key", "leaf.csr", "leaf.pem", "ext.cnf")}
    ec = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")
    openssl("req", "-x509", *ec, "-keyout", files["ca.key"], "-out", files["ca.pem"], "-days", "2",
            "-subj", "/CN=Recipes test CA")  # fmt: skip
    openssl("req", *ec, "-keyout", files["leaf.key"], "-out", files["leaf.csr"], "-subj", "/CN=recipes.test")
    files["ext.cnf"].write_text(
        "subjectAltName=DNS:recipes.test\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
        "authorityKeyIdentifier=keyid,issuer\nsubjectKeyIdentifier=hash\n"
    )
    openssl("x509", "-req", "-in", files["leaf.csr"], "-CA", files["ca.pem"], "-CAkey", files["ca.key"],
            "-CAcreateserial", "-out", files["leaf.pem"], "-days", "2", "-extfile", files["ext.cnf"])  # fmt: skip
    return files


@pytest.fixture(scope="module")
def tls_server(tls_files: dict[str, Path]) -> Iterator[Server]:
    server = Server(b"")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(tls_files["leaf.pem"], tls_files["leaf.key"])

    def remember_name(_sock: Any, name: str, _context: ssl.SSLContext) -> None:
        server.sni_names.append(name)

    context.sni_callback = remember_name
    server.socket = context.wrap_socket(server.socket, server_side=True)
    yield from serve(server)


@pytest.fixture
def trust_test_ca(monkeypatch: pytest.MonkeyPatch, tls_files: dict[str, Path]) -> None:
    monkeypatch.setattr(requests.adapters, "DEFAULT_CA_BUNDLE_PATH", str(tls_files["ca.pem"]))


@pytest.mark.usefixtures("trust_test_ca")
def test_https_is_pinned_and_checked_against_the_name(tls_server: Server, dns: FakeDNS) -> None:
    dns.table["recipes.test"] = ["127.0.0.1"]
    result = fetch(f"https://recipes.test:{tls_server.port}/echo", allow_private=True)
    assert json.loads(result.body)["Host"] == f"recipes.test:{tls_server.port}"
    assert tls_server.sni_names[-1] == "recipes.test"


@pytest.mark.usefixtures("trust_test_ca")
def test_https_with_a_certificate_for_another_name_fails(tls_server: Server, dns: FakeDNS) -> None:
    dns.table["other.test"] = ["127.0.0.1"]
    error = refused(f"https://other.test:{tls_server.port}/echo", allow_private=True)
    assert error.code == "unreachable"
    assert "secure connection" in error.message
    assert refused(f"https://127.0.0.1:{tls_server.port}/echo", allow_private=True).code == "unreachable"


def test_https_with_an_unknown_authority_fails(tls_server: Server, dns: FakeDNS) -> None:
    dns.table["recipes.test"] = ["127.0.0.1"]
    assert refused(f"https://recipes.test:{tls_server.port}/echo", allow_private=True).code == "unreachable"


# ---------------------------------------------------------------------------------------------
# Logging and decoding
# ---------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("server_is_public")
def test_fetches_and_refusals_are_logged_without_bodies(base: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="recipes.net")
    fetch(f"{base}/page")
    refused("http://10.1.2.3/secret?token=abc")
    ok, refusal = caplog.records[-2:]
    assert ok.levelno == logging.INFO
    assert re.search(r"host=127\.0\.0\.1 status=200 bytes=\d+ ms=\d+", ok.getMessage())
    assert refusal.levelno == logging.WARNING
    assert "host=10.1.2.3 code=blocked_address" in refusal.getMessage()
    assert all(b"Tomato" not in record.getMessage().encode() for record in caplog.records)
    assert all("token" not in record.getMessage() for record in caplog.records)


def test_blocked_addresses_are_in_the_log_but_not_the_message(dns: FakeDNS, caplog: pytest.LogCaptureFixture) -> None:
    dns.table["intranet.test"] = ["10.9.8.7"]
    error = refused("http://intranet.test/")
    assert "10.9.8.7" not in error.message
    assert "10.9.8.7" in caplog.records[-1].getMessage()


def result(body: bytes, charset: str | None = None) -> FetchResult:
    return FetchResult("http://example.test/", 200, "text/html", charset, body)


@pytest.mark.parametrize(
    ("body", "charset", "text"),
    [
        ("Crème brûlée".encode(), "utf-8", "Crème brûlée"),
        ("Crème brûlée".encode("latin-1"), "iso-8859-1", "Crème brûlée"),
        (b"\x80 5", "iso-8859-1", "€ 5"),  # browsers read latin-1 labels as windows-1252
        (
            '<meta charset="windows-1252"><p>Crème</p>'.encode("cp1252"),
            None,
            '<meta charset="windows-1252"><p>Crème</p>',
        ),
        (
            b'<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-15"><p>\xa4</p>',
            None,
            '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-15"><p>€</p>',
        ),
        ("Crème".encode(), None, "Crème"),  # nothing declared: UTF-8 when it fits
        ("Crème".encode(), "no-such-charset", "Crème"),
        (b"\xef\xbb\xbfCr\xc3\xa8me", "iso-8859-1", "Crème"),  # the BOM wins
        ("Crème".encode("utf-16"), None, "Crème"),
        ("Crème".encode("utf-16-le"), "utf-16le", "Crème"),  # declared by the server: believed
        (b'<meta charset="utf-16"><p>Cr\xc3\xa8me</p>', None, '<meta charset="utf-16"><p>Crème</p>'),
        (b"<p>Cr\xff\xfeme</p>", "utf-8", "<p>Cr\ufffd\ufffdme</p>"),  # broken bytes do not raise
    ],
)
def test_text_decoding(body: bytes, charset: str | None, text: str) -> None:
    assert result(body, charset).text() == text


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("<p>" + "Crème brûlée à la française, très délicieuse. " * 20 + "</p>", "cp1252"),
        ("<p>Ñoquis de patata con salsa de tomate, añadir sal. Cocción 10 minutos.</p>", "cp1252"),
        ("<p>Die Zwiebeln in Butter glasig dünsten, über die Spätzle geben. Größere Mengen.</p>", "cp1252"),
    ],
)
def test_text_guesses_an_undeclared_legacy_encoding(text: str, encoding: str) -> None:
    assert result(text.encode(encoding)).text() == text


@pytest.mark.usefixtures("server_is_public")
def test_fetched_page_text_follows_meta_charset(base: str) -> None:
    page = fetch(f"{base}/latin1")
    assert page.charset is None
    assert "Crème brûlée" in page.text()


def test_interface_constants() -> None:
    assert HTML_TYPES == ("text/html", "application/xhtml+xml")
    assert {"image/jpeg", "image/png", "image/webp", "image/heic", "image/heif", "image/avif"} <= set(IMAGE_TYPES)
    assert issubclass(FetchError, Exception)
    error = FetchError("Nope.", "bad_url")
    assert (error.message, error.code, str(error)) == ("Nope.", "bad_url", "Nope.")


def test_a_lookup_that_hangs_is_given_up(dns: FakeDNS, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a LAN without internet the system resolver can hang for many seconds per name."""
    monkeypatch.setattr(net, "resolve", dns.real)
    monkeypatch.setattr(net, "DNS_TIMEOUT", 0.2)
    release = threading.Event()
    answered = threading.Event()

    def hanging(*args: Any, **kwargs: Any) -> list[Any]:
        release.wait(10)
        answered.set()
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(net.socket, "getaddrinfo", hanging)
    error = refused("http://slow-dns.example/recipe")
    gave_up_while_hanging = not answered.is_set()
    release.set()
    assert error.code == "timeout"
    assert error.message == "Looking up the site slow-dns.example took too long."
    assert gave_up_while_hanging  # the fetch did not wait for the resolver


def test_a_lookup_never_outlasts_the_fetch_deadline(dns: FakeDNS, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(net, "resolve", dns.real)
    monkeypatch.setattr(net, "DNS_TIMEOUT", 60)  # so only the fetch's deadline can end the wait
    release = threading.Event()
    answered = threading.Event()

    def hanging(*args: Any, **kwargs: Any) -> list[Any]:
        release.wait(10)
        answered.set()
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(net.socket, "getaddrinfo", hanging)
    error = refused("http://slow-dns.example/recipe", deadline=0.3)
    gave_up_while_hanging = not answered.is_set()
    release.set()
    assert error.code == "timeout"
    assert gave_up_while_hanging  # at the deadline, not after the resolver's 10 s


def test_lookup_errors_come_through(dns: FakeDNS, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(net, "resolve", dns.real)

    def failing(*args: Any, **kwargs: Any) -> list[Any]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(net.socket, "getaddrinfo", failing)
    assert refused("http://nowhere.example/").code == "unreachable"


@pytest.mark.parametrize(
    "label", ["rot13", "base64", "hex", "zlib", "bz2", "uu", "idna", "punycode", "unicode-escape", "no-such-codec"]
)
def test_a_charset_that_is_not_a_text_encoding_is_ignored(label: str) -> None:
    body = f'<html><head><meta charset="{label}"></head><body>Crème brûlée</body></html>'.encode()
    assert "Crème brûlée" in result(body, label).text()
    assert "Crème brûlée" in result(body, None).text()


@pytest.mark.parametrize("address", ["168.63.129.16", "::ffff:0:7f00:1", "::ffff:0:a00:1"])
def test_more_places_that_are_never_recipe_sites(address: str) -> None:
    ip = ipaddress.ip_address(address)
    assert not address_allowed(ip, allow_private=False)
    assert not address_allowed(ip, allow_private=True)
