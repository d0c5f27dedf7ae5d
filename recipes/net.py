"""The one outbound HTTP client of the app (URL import, recipe pictures).

Fetching a URL a user typed is how server-side request forgery happens, so every fetch here:

- accepts http and https only, without credentials in the URL, and not to ports browsers refuse;
- resolves the host itself, checks *every* address against `address_allowed`, and pins the
  connection to the checked address (the name still goes into the Host header, SNI and the
  certificate check), so a second DNS answer cannot send the connection elsewhere;
- follows redirects itself, one hop at a time, with the same checks on every hop;
- caps time (connect and read timeouts plus one deadline for the whole fetch, enforced by a
  watchdog that shuts the socket down, so a server trickling bytes cannot hold a worker) and
  size (counted after decompression, so a gzip bomb stays small in memory);
- checks the status and the content type before reading the body;
- turns every failure into `FetchError(message, code)`.

Nothing else in the package may open connections (tests/test_no_other_http.py checks it).
"""

from __future__ import annotations

import codecs
import contextlib
import contextvars
import ipaddress
import logging
import re
import socket
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Final
from urllib.parse import SplitResult, urljoin, urlsplit

import charset_normalizer
import requests
import urllib3
from requests.adapters import HTTPAdapter
from requests.cookies import extract_cookies_to_jar
from requests.structures import CaseInsensitiveDict
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.util.connection import allowed_gai_family

from .version import __version__

logger = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

HTML_TYPES: Final[tuple[str, ...]] = ("text/html", "application/xhtml+xml")
IMAGE_TYPES: Final[tuple[str, ...]] = (
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/heic",
    "image/heif",
    "image/avif",
    # Pictures kept in object stores often come untyped; the decoder decides what they are.
    "application/octet-stream",
    "binary/octet-stream",
)

_CHUNK_SIZE = 64 * 1024
_MAX_URL_LENGTH = 4096
_DEFAULT_PORTS = {"http": 80, "https": 443}


class FetchError(Exception):
    """A fetch that did not give a usable answer.

    `message` is plain English for the user; `code` is for programs: bad_url, blocked_address,
    unreachable, timeout, too_large, bad_type, http_error, too_many_redirects, bad_response.
    `detail` is for the log only (it may name internal addresses the user should not learn).
    `private` is True when the address was refused only for being private (loopback, a LAN),
    which `allow_private` (RECIPES_IMPORT_ALLOW_PRIVATE) would have let through.
    """

    def __init__(self, message: str, code: str, *, detail: str = "", private: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.detail = detail
        self.private = private


@dataclass(frozen=True)
class FetchResult:
    url: str
    status: int
    content_type: str
    charset: str | None
    body: bytes

    def text(self) -> str:
        """The body as text, decoded the way a browser would (roughly)."""
        try:
            return self.body.decode(_encoding_for(self.body, self.charset), errors="replace")
        except (LookupError, UnicodeError, ValueError):  # a codec that will not decode this body
            return self.body.decode("utf-8", errors="replace")


# ---------------------------------------------------------------------------------------------
# Address policy
# ---------------------------------------------------------------------------------------------


def _networks(*cidrs: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(cidr) for cidr in cidrs)


# Cloud metadata services hand out credentials, so they stay refused even when the admin lets
# imports reach the LAN. Most of them live in link-local 169.254.0.0/16 (AWS, Azure, GCP,
# DigitalOcean, OpenStack: .169.254; AWS ECS/EKS: .170.2 and .170.23; AWS DNS/NTP: .169.253,
# .169.123; Kubernetes node-local DNS: 169.254.20.10), which is refused whole (below). These
# are the ones outside it.
_METADATA = frozenset(
    ipaddress.ip_address(address)
    for address in (
        "100.100.100.200",  # Alibaba Cloud (inside CGNAT space)
        "192.0.0.192",  # Oracle Cloud (legacy)
        "fd00:ec2::254",  # AWS IMDS over IPv6
        "fd00:ec2::23",  # AWS EKS pod identity over IPv6
        "168.63.129.16",  # Azure WireServer (public space, reachable only from inside Azure)
    )
)

# Never a place a recipe site can be, so refused even with allow_private: link-local (all of
# it, not just the metadata addresses above: no LAN serves web pages from link-local addresses
# that it does not also serve from a routable one, and cloud providers keep adding services
# there), "this network", multicast, reserved and broadcast, documentation examples, IETF
# protocol assignments, deprecated transition mechanisms whose real destination is hidden.
_NEVER = _networks(
    "0.0.0.0/8",
    "169.254.0.0/16",
    "192.0.0.0/24",
    "192.0.2.0/24",
    "198.51.100.0/24",
    "203.0.113.0/24",
    "192.88.99.0/24",  # 6to4 relay anycast (deprecated)
    "224.0.0.0/4",
    "240.0.0.0/4",  # includes 255.255.255.255
    "::/128",
    "::/96",  # IPv4-compatible (deprecated), except ::1 (see `_never`)
    "::ffff:0:0:0/96",  # IPv4-translated (SIIT): a translator would reach the IPv4 inside
    "100::/64",  # discard-only
    "2001::/32",  # Teredo: the real peer is hidden in the address, behind a relay
    "2001:2::/48",  # benchmarking
    "2001:10::/28",  # ORCHID
    "2001:20::/28",  # ORCHIDv2
    "2001:db8::/32",
    "3fff::/20",  # documentation
    "5f00::/16",  # segment routing
    "fe80::/10",
    "ff00::/8",
)

# Where a LAN or the host itself lives: refused unless allow_private (RECIPES_IMPORT_ALLOW_PRIVATE).
# Anything else Python does not call globally reachable is treated the same way (see
# `_private`), so a range forgotten here is still refused by default.
_PRIVATE = _networks(
    "127.0.0.0/8",
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "100.64.0.0/10",  # carrier-grade NAT, also Tailscale
    "198.18.0.0/15",  # benchmarking, also "fake IP" DNS of some proxies
    "::1/128",
    "fc00::/7",  # unique local
    "fec0::/10",  # site-local (deprecated)
    "64:ff9b:1::/48",  # local-use NAT64: the translator is inside the operator's network
)

_IPV6_LOOPBACK = ipaddress.IPv6Address("::1")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_LOCAL_NAT64 = ipaddress.IPv6Network("64:ff9b:1::/48")


def address_allowed(ip: IPAddress, *, allow_private: bool) -> bool:
    """May the app connect to `ip`? A pure function of the address and the one setting."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:  # fe80::1%eth0: the zone does not change what the address is
            ip = ipaddress.IPv6Address(int(ip))
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            if not address_allowed(embedded, allow_private=allow_private):
                return False
            # These forms are exactly their IPv4 address (the OS or a translator connects there).
            if ip.ipv4_mapped is not None or ip in _NAT64 or ip.sixtofour is not None:
                return True
    if ip in _METADATA or _never(ip):
        return False
    return allow_private or not _private(ip)


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for: mapped, NAT64 or 6to4."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64 or ip in _LOCAL_NAT64:
        # The well-known prefix is a /96; the local-use one may be cut anywhere, but /96 is the
        # usual choice, so its last 32 bits are checked too (on top of it counting as private).
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _never(ip: IPAddress) -> bool:
    if ip == _IPV6_LOOPBACK:  # it sits inside the deprecated IPv4-compatible ::/96, but is loopback
        return False
    return _in_any(ip, _NEVER)


def _private(ip: IPAddress) -> bool:
    return _in_any(ip, _PRIVATE) or not ip.is_global


def _in_any(ip: IPAddress, networks: Iterable[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    return any(ip.version == network.version and ip in network for network in networks)


# Ports browsers refuse to fetch from (the Fetch standard's "bad port" list): talking HTTP to
# mail, SSH, IRC and the like is a cross-protocol attack, never a recipe site.
_BAD_PORTS = frozenset(
    {1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95}
    | {101, 102, 103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161}
    | {179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563}
    | {587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060}
    | {5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080}
)


# ---------------------------------------------------------------------------------------------
# Resolving and pinning
# ---------------------------------------------------------------------------------------------


# The system resolver has no deadline of its own we can set: on a LAN without internet a
# lookup can hang for its full retry cycle (often 10 s or more per name), once per picture.
DNS_TIMEOUT = 5.0


def _lookup(host: str, port: int) -> list[Any]:
    """getaddrinfo, given up after DNS_TIMEOUT seconds (the lookup thread finishes on its own)."""
    answer: list[Any] = []

    def lookup() -> None:
        try:
            answer.append(socket.getaddrinfo(host, port, family=allowed_gai_family(), type=socket.SOCK_STREAM))
        except Exception as error:  # handed to the caller below
            answer.append(error)

    deadline = _current_deadline.get()
    wait = DNS_TIMEOUT if deadline is None else max(0.0, min(DNS_TIMEOUT, deadline.remaining()))
    thread = threading.Thread(target=lookup, name="recipes-dns", daemon=True)
    thread.start()
    thread.join(wait)
    if not answer:
        raise TimeoutError(f"no DNS answer for {host} within {wait:g} s")
    if isinstance(answer[0], Exception):
        raise answer[0]
    return list(answer[0])


def resolve(host: str, port: int) -> list[IPAddress]:
    """All addresses `host` resolves to, in the resolver's order (tests replace this).

    getaddrinfo also understands every numeric spelling (2130706433, 0x7f000001, 0177.0.0.1,
    127.1), so those are checked as the address they really are.
    """
    infos = _lookup(host, port)
    addresses: list[IPAddress] = []
    for family, _type, _proto, _name, sockaddr in infos:
        if family in (socket.AF_INET, socket.AF_INET6):
            address = ipaddress.ip_address(str(sockaddr[0]))
            if address not in addresses:
                addresses.append(address)
    return addresses


def _checked_address(host: str, port: int, *, allow_private: bool) -> IPAddress:
    """Resolve `host`, refuse it if *any* of its addresses is not allowed, return the first."""
    try:
        addresses = resolve(host, port)
    except TimeoutError as error:
        raise FetchError(f"Looking up the site {host} took too long.", "timeout", detail=str(error)) from error
    except (OSError, UnicodeError, ValueError) as error:
        raise FetchError(f"Could not find the site {host}.", "unreachable", detail=str(error)) from error
    if not addresses:
        raise FetchError(f"Could not find the site {host}.", "unreachable")
    # Checking only the address we connect to would let a name that resolves to a public and a
    # private address slip through the next time the resolver (or a retry) picks the other one.
    blocked = [address for address in addresses if not address_allowed(address, allow_private=allow_private)]
    if blocked:
        raise FetchError(
            f"{host} is or points to a private or reserved address, which cannot be imported from.",
            "blocked_address",
            detail=f"{host} resolves to {', '.join(map(str, blocked))}",
            private=all(address_allowed(address, allow_private=True) for address in blocked),
        )
    return addresses[0]


class _Deadline:
    """The time left for a whole fetch, and a watchdog that enforces it.

    Socket timeouts bound each read, not their sum: a server sending a byte every few seconds
    never trips them. So every socket a fetch opens is registered here, and when the deadline
    passes a timer thread shuts them down, which wakes any blocked read (headers, body, TLS).
    The watchdog holds its own duplicate of each socket, so it never touches a file descriptor
    number that the connection has closed and the OS has handed to someone else.
    """

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._timer.cancel()
        with self._lock:
            for sock in self._sockets:
                sock.close()
            self._sockets.clear()

    def remaining(self) -> float:
        return self.end - time.monotonic()

    def check(self) -> None:
        if self.expired or self.remaining() <= 0:
            raise _timeout()

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock.dup())
            if self.expired:
                _shut_down(self._sockets[-1])

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut_down(sock)


def _shut_down(sock: socket.socket) -> None:
    # An OSError means it is closed already: nothing left to wake.
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _timeout() -> FetchError:
    return FetchError("The site took too long to answer.", "timeout")


# The deadline of the fetch running in this thread; the connection classes below register
# their sockets with it. A context variable, because urllib3 builds connections deep inside
# requests, where no argument of ours reaches.
_current_deadline: contextvars.ContextVar[_Deadline | None] = contextvars.ContextVar("deadline", default=None)


def _watched(sock: socket.socket) -> socket.socket:
    deadline = _current_deadline.get()
    if deadline is not None:
        try:
            deadline.watch(sock)
        except OSError:  # out of file descriptors: do not leak the connection's socket too
            sock.close()
            raise
    return sock


class _WatchedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        return _watched(super()._new_conn())


class _WatchedHTTPSConnection(HTTPSConnection):
    # The plain socket is registered before TLS wraps it, so a slow handshake is cut off too.
    def _new_conn(self) -> socket.socket:
        return _watched(super()._new_conn())


class _WatchedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class _PinnedAdapter(HTTPAdapter):
    """Connects to the address `_checked_address` approved, never to a second lookup's answer.

    The technique is requests-hardened's `IPFilterAdapter`: the pool key's host becomes the
    checked IP, while the Host header, TLS SNI and the certificate check keep the name. Our own
    policy replaces its all-or-nothing private-address switch.
    """

    def __init__(self, *, allow_private: bool) -> None:
        super().__init__(max_retries=0)  # a retry would spend the deadline on a dead host
        self.allow_private = allow_private

    def init_poolmanager(self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any) -> None:
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _WatchedHTTPConnectionPool,
            "https": _WatchedHTTPSConnectionPool,
        }

    def build_connection_pool_key_attributes(
        self,
        request: requests.PreparedRequest,
        verify: bool | str,
        cert: str | tuple[str, str] | None = None,
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        scheme: str = host_params["scheme"]
        name: str = host_params["host"] or ""
        port: int | None = host_params["port"]
        if scheme not in _DEFAULT_PORTS or not name:
            raise FetchError("Only web addresses (http or https) can be imported.", "bad_url")
        ip = _checked_address(name, port or _DEFAULT_PORTS[scheme], allow_private=self.allow_private)

        # A copy: the headers object may be shared with the session.
        headers = CaseInsensitiveDict(request.headers)
        headers["Host"] = _host_header(name, port)
        request.headers = headers
        if scheme == "https":
            pool_kwargs["server_hostname"] = name
            pool_kwargs["assert_hostname"] = name
        host_params["host"] = f"[{ip}]" if ip.version == 6 else str(ip)
        return host_params, pool_kwargs


def _host_header(name: str, port: int | None) -> str:
    host = f"[{name}]" if ":" in name else name
    return host if port is None else f"{host}:{port}"


# ---------------------------------------------------------------------------------------------
# Fetching
# ---------------------------------------------------------------------------------------------


USER_AGENT: Final = f"Recipes/{__version__} (+self-hosted recipe manager)"


def fetch(
    url: str,
    *,
    accept: tuple[str, ...] = HTML_TYPES,
    max_bytes: int = 5_000_000,
    allow_private: bool = False,
    connect_timeout: float = 5,
    read_timeout: float = 10,
    deadline: float = 30,
    max_redirects: int = 5,
) -> FetchResult:
    """GET `url` safely and return the final answer's body, or raise `FetchError`.

    `accept` lists the content types wanted; an entry ending in "/" (like "image/") is a prefix.
    `allow_private` lets the fetch reach loopback and LAN addresses (never cloud metadata).
    """
    fetcher = _Fetcher(
        accept=accept,
        max_bytes=max_bytes,
        allow_private=allow_private,
        timeouts=(connect_timeout, read_timeout),
        max_redirects=max_redirects,
    )
    fetcher.host = _host_of(url)
    started = time.monotonic()
    try:
        result = fetcher.run(url, _Deadline(deadline))
    except FetchError as error:
        logger.warning(
            "fetch refused or failed: host=%s code=%s ms=%d: %s",
            _printable(fetcher.host),
            error.code,
            _ms_since(started),
            _printable(error.detail or error.message),
        )
        raise
    logger.info(
        "fetched host=%s status=%d bytes=%d ms=%d",
        _printable(fetcher.host),
        result.status,
        len(result.body),
        _ms_since(started),
    )
    return result


def _host_of(url: str) -> str:
    """The host name for the log; never the whole URL, which may carry tokens or credentials."""
    try:
        return urlsplit(url).hostname or "?"
    except (TypeError, ValueError):
        return "?"


def _printable(text: str) -> str:
    """`text` safe for a log line: no control characters (forged lines), no lone surrogates."""
    return text if text.isprintable() else ascii(text)


def _ms_since(started: float) -> int:
    return round((time.monotonic() - started) * 1000)


class _Fetcher:
    """One fetch: the hop loop, the checks on each answer, the body reader."""

    def __init__(
        self,
        *,
        accept: tuple[str, ...],
        max_bytes: int,
        allow_private: bool,
        timeouts: tuple[float, float],
        max_redirects: int,
    ) -> None:
        self.accept = accept
        self.max_bytes = max_bytes
        self.allow_private = allow_private
        self.timeouts = timeouts
        self.max_redirects = max_redirects
        self.host = "?"  # the host of the current hop, for the log

    def run(self, url: str, clock: _Deadline) -> FetchResult:
        token = _current_deadline.set(clock)
        try:
            adapter = _PinnedAdapter(allow_private=self.allow_private)
            with clock, _session(self.accept) as session, contextlib.closing(adapter):
                return self._follow(session, adapter, url, clock)
        except FetchError:
            raise
        except Exception as error:
            raise _translate(error, clock) from error
        finally:
            _current_deadline.reset(token)

    def _follow(self, session: requests.Session, adapter: _PinnedAdapter, url: str, clock: _Deadline) -> FetchResult:
        # Redirects are followed here, one checked hop at a time. The adapter is called directly:
        # `Session.send` reads a redirect's whole body into memory, however large it is.
        for _hop in range(self.max_redirects + 1):
            self.host = _check_url(url).hostname or "?"
            request = session.prepare_request(requests.Request("GET", url))  # headers, cookies
            _check_url(request.url or "")  # as requests rewrote it (IDNA, quoting)
            with adapter.send(request, stream=True, timeout=self._timeout(clock), proxies={}) as response:
                clock.check()  # headers cut short by the watchdog look complete to http.client
                extract_cookies_to_jar(session.cookies, request, response.raw)
                target = _redirect_target(session, response)
                if target is None:
                    return self._finish(response, clock)
            url = target
        raise FetchError(f"The site redirected more than {self.max_redirects} times.", "too_many_redirects")

    def _timeout(self, clock: _Deadline) -> tuple[float, float]:
        clock.check()
        left = clock.remaining()
        return (min(self.timeouts[0], left), min(self.timeouts[1], left))

    def _finish(self, response: requests.Response, clock: _Deadline) -> FetchResult:
        if not 200 <= response.status_code < 300:
            raise FetchError(f"The site answered {_status_text(response)}.", "http_error")
        content_type, charset = _parse_content_type(response.headers.get("Content-Type", ""))
        _check_type(content_type, self.accept)
        body = self._read_body(response, clock)
        return FetchResult(response.url, response.status_code, content_type, charset, body)

    def _read_body(self, response: requests.Response, clock: _Deadline) -> bytes:
        announced = response.headers.get("Content-Length", "").strip()
        if announced.isdigit() and int(announced) > self.max_bytes:
            raise _too_large(self.max_bytes)
        body = bytearray()
        # urllib3 >= 2.6 decompresses at most about one chunk per read, so counting the
        # decompressed chunks keeps a gzip bomb from ever being expanded in memory.
        for chunk in response.iter_content(chunk_size=_CHUNK_SIZE):
            body += chunk
            if len(body) > self.max_bytes:
                raise _too_large(self.max_bytes)
            clock.check()
        clock.check()  # the watchdog ends a trickle like a normal end of body: not a short page
        return bytes(body)


def _session(accept: tuple[str, ...]) -> requests.Session:
    """Headers and a cookie jar for one fetch; connections go through `_PinnedAdapter` only."""
    session = requests.Session()
    session.trust_env = False  # no proxies from the environment, no .netrc credentials
    session.headers["User-Agent"] = USER_AGENT
    session.headers["Accept"] = _accept_header(accept)
    return session


def _check_url(url: str) -> SplitResult:
    """Refuse anything but a plain http(s) URL with a host; return it split."""
    if len(url) > _MAX_URL_LENGTH:
        raise FetchError("That address is too long.", "bad_url")
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in url):
        raise FetchError("That address contains control characters.", "bad_url")
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError when not a number in range
    except ValueError as error:
        raise FetchError("That is not a valid web address.", "bad_url", detail=str(error)) from error
    if parts.scheme.lower() not in _DEFAULT_PORTS:
        raise FetchError("Only web addresses starting with http:// or https:// can be imported.", "bad_url")
    if parts.username is not None or parts.password is not None:
        raise FetchError("Web addresses with a user name or password cannot be imported.", "bad_url")
    if not parts.hostname:
        raise FetchError("That web address has no site name.", "bad_url")
    if port in _BAD_PORTS or port == 0:
        raise FetchError(f"Port {port} is not used for web pages, so it cannot be imported from.", "blocked_address")
    return parts


def _redirect_target(session: requests.Session, response: requests.Response) -> str | None:
    """The absolute URL a redirect points to, or None for a final answer."""
    if not response.is_redirect:
        return None
    location = session.get_redirect_target(response)
    if not location:
        return None
    return urljoin(response.url, location)


def _status_text(response: requests.Response) -> str:
    try:
        phrase = HTTPStatus(response.status_code).phrase
    except ValueError:
        phrase = response.reason or ""
    return f"{response.status_code} {phrase}".strip()


def _parse_content_type(header: str) -> tuple[str, str | None]:
    """("text/html", "utf-8") from 'text/html; charset="UTF-8"'; parameters other than charset dropped."""
    mime, *params = header.split(";")
    charset = None
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip().strip("\"'"):
            charset = value.strip().strip("\"'").lower()
    return mime.strip().lower(), charset


def _check_type(content_type: str, accept: tuple[str, ...]) -> None:
    wanted = " or ".join(accept)
    if not content_type:
        raise FetchError(f"The site did not say what kind of content it sent (expected {wanted}).", "bad_type")
    if not any(content_type.startswith(a) if a.endswith("/") else content_type == a for a in accept):
        raise FetchError(f"The site sent {content_type}, which cannot be used here (expected {wanted}).", "bad_type")


def _accept_header(accept: tuple[str, ...]) -> str:
    # The low-weight */* keeps servers that answer 406 to a narrow Accept from refusing us; the
    # type check still decides what is used.
    # (Untyped bytes are taken, not asked for.)
    types = [f"{a}*" if a.endswith("/") else a for a in accept if not a.endswith("octet-stream")]
    return ", ".join([*types, "*/*;q=0.1"])


def _too_large(max_bytes: int) -> FetchError:
    return FetchError(f"The site sent more than {max_bytes / 1_000_000:g} MB.", "too_large")


def _translate(error: Exception, clock: _Deadline) -> FetchError:
    """The FetchError for any other exception a fetch can raise."""
    if clock.expired or _caused_by_timeout(error):
        result = _timeout()
    elif isinstance(error, requests.exceptions.SSLError):
        result = FetchError("The site's secure connection could not be verified.", "unreachable")
    elif isinstance(error, requests.exceptions.ChunkedEncodingError | requests.exceptions.ContentDecodingError):
        result = FetchError("The site sent a broken answer.", "bad_response")
    elif isinstance(error, requests.exceptions.InvalidURL | requests.exceptions.URLRequired | UnicodeError):
        result = FetchError("That is not a valid web address.", "bad_url")
    elif isinstance(error, requests.RequestException | urllib3.exceptions.HTTPError | OSError):
        result = FetchError("Could not connect to the site.", "unreachable")
    elif isinstance(error, ValueError):  # e.g. http.client refusing a malformed URL or header
        result = FetchError("That is not a valid web address.", "bad_url")
    else:
        # A bug of ours or a library's: keep the traceback in the log, give the caller a FetchError.
        logger.exception("unexpected error while fetching")
        result = FetchError("Could not fetch that address.", "unreachable")
    result.detail = f"{type(error).__name__}: {error}"
    return result


def _caused_by_timeout(error: BaseException) -> bool:
    # requests reports a read timeout in the body as a ConnectionError wrapping urllib3's.
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, urllib3.exceptions.NewConnectionError):
            return False  # a subclass of urllib3's TimeoutError, for history's sake; it is not one
        if isinstance(seen, requests.Timeout | urllib3.exceptions.TimeoutError | TimeoutError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


# ---------------------------------------------------------------------------------------------
# Decoding
# ---------------------------------------------------------------------------------------------

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_GUESS_BYTES = 200_000  # enough to guess from, and bounded time on a 5 MB page
_SNIFF_BYTES = 4096  # browsers prescan 1024 bytes; pages with long <head>s put it a bit later


def _encoding_for(body: bytes, declared: str | None) -> str:
    """BOM, else the declared charset, else <meta charset>, else UTF-8 if it fits, else a guess."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return encoding
    usable = _usable_encoding(declared) or _usable_encoding(_meta_charset(body), in_document=True)
    if usable is not None:
        return usable
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return _guess_encoding(body)
    return "utf-8"


def _guess_encoding(body: bytes) -> str:
    """requests' detector (charset_normalizer), nudged towards what browsers assume.

    On Western European text it often ties windows-1250, -1252, -1257 and picks the first;
    browsers use windows-1252 for undeclared pages in most locales, so it wins a tie.
    """
    matches = list(charset_normalizer.from_bytes(body[:_GUESS_BYTES]))
    if not matches:
        return "utf-8"
    least_chaos = min(match.chaos for match in matches)
    candidates = [match.encoding for match in matches if match.chaos == least_chaos]
    if "cp1252" in candidates:
        return "cp1252"
    return _usable_encoding(candidates[0]) or "utf-8"


def _meta_charset(body: bytes) -> str | None:
    match = _META_CHARSET.search(body[:_SNIFF_BYTES])
    return match.group(1).decode("ascii") if match else None


# Text codecs that are not encodings of a document (and some refuse errors="replace").
_NOT_PAGE_ENCODINGS = frozenset({"idna", "punycode", "raw-unicode-escape", "unicode-escape", "undefined"})


def _usable_encoding(name: str | None, *, in_document: bool = False) -> str | None:
    """A Python codec for a charset label, following browsers where they differ from the label."""
    if not name:
        return None
    try:
        info = codecs.lookup(name)
    except LookupError:
        return None
    codec = info.name
    # Only real text encodings: a page must not pick rot13, base64, zlib or idna ("charset=rot13").
    if not getattr(info, "_is_text_encoding", True) or codec in _NOT_PAGE_ENCODINGS:
        return None
    if codec in ("iso8859-1", "ascii"):
        return "cp1252"  # what browsers (and page authors) mean by these labels
    if in_document and codec.startswith(("utf-16", "utf-32")):
        return "utf-8"  # a document whose <meta> could be read as ASCII is not UTF-16
    return codec


__all__ = [
    "HTML_TYPES",
    "IMAGE_TYPES",
    "FetchError",
    "FetchResult",
    "address_allowed",
    "fetch",
    "resolve",
]
