"""A small web site on loopback for import tests: pages, pictures and redirects served
by a real HTTP server in a thread, so imports go through the real fetcher."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Site:
    base: str
    routes: dict[str, Reply]
    hits: list[str]

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, reply: Reply) -> str:
        self.routes[path] = reply
        return self.url(path)

    def page(self, path: str, html: str) -> str:
        return self.add(path, Reply(html.encode()))


class _Handler(BaseHTTPRequestHandler):
    site: Site

    def do_GET(self) -> None:
        self.site.hits.append(self.path)
        reply = self.site.routes.get(self.path) or Reply(b"not here", "text/plain", 404)
        self.send_response(reply.status)
        if reply.content_type:
            self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: tests read `Site.hits` instead."""


@contextmanager
def serve_site() -> Iterator[Site]:
    site = Site(base="", routes={}, hits=[])
    handler = type("Handler", (_Handler,), {"site": site})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
