"""Hostile input for the security tests, and checks that none of it became live markup.

`scan(html)` parses a page the way a browser would see its tags and reports anything an
attacker could have planted: a script that is neither a file of ours nor JSON-LD data, an
event-handler attribute, a `javascript:` (or `data:`, `vbscript:`) address, an embedded
frame or object, a `<base>` or a meta refresh. The app's own templates have none of these
(see test_security_xss.py), so any of them on a page is injected.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from markupsafe import escape

from .conftest import Client

# Markup payloads: each tries to become an element or an attribute.
XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '" autofocus onfocus=alert(1) x="',
    "' autofocus onfocus=alert(1) x='",
    "</textarea><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "<a href=javascript:alert(1)>click</a>",
    "<iframe src=javascript:alert(1)></iframe>",
    "<ScRiPt>alert(1)</sCrIpT>",
]

# Sources a recipe must never keep: every spelling a browser would still run as script or
# HTML, and addresses that are not http(s) at all.
BAD_SOURCE_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "\x01javascript:alert(1)",
    "javascript&colon;alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//evil.example/x",
]

_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "background", "srcdoc"}
_FORBIDDEN_TAGS = {"iframe", "frame", "object", "embed", "base", "svg", "math", "applet"}
_SCRIPT_URL = re.compile(r"^(javascript|vbscript|data):", re.IGNORECASE)


def dangerous_url(value: str) -> bool:
    """What a browser would run: leading spaces and control characters, and tabs or
    newlines anywhere, are ignored by URL parsing, so ` java\\tscript:` is `javascript:`."""
    cleaned = re.sub(r"[\t\n\r]", "", value).lstrip("".join(map(chr, range(33))))
    return bool(_SCRIPT_URL.match(cleaned))


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.json_ld: list[str] = []
        self._in_json_ld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name, value in values.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>: an event handler")
            if name in _URL_ATTRIBUTES and dangerous_url(value):
                self.problems.append(f"<{tag} {name}={value!r}>: a script address")
        if tag in _FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}>: an element no template uses")
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            self.problems.append("<meta http-equiv=refresh>")
        if tag == "script":
            kind = values.get("type", "").lower()
            if kind == "application/ld+json":
                self._in_json_ld = True
                self.json_ld.append("")
            elif "src" not in values or not values["src"].startswith("/static/"):
                self.problems.append(f"<script {values}>: a script that is not one of our files")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "script":
            self._in_json_ld = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_json_ld = False

    def handle_data(self, data: str) -> None:
        if self._in_json_ld:
            self.json_ld[-1] += data


def scan(page: str) -> list[str]:
    """What in `page` is injected markup (empty when the page is clean)."""
    scanner = _Scanner()
    scanner.feed(page)
    scanner.close()
    return scanner.problems


def json_ld_blocks(page: str) -> list[str]:
    """The text of each `<script type="application/ld+json">` element, as a browser splits them."""
    scanner = _Scanner()
    scanner.feed(page)
    scanner.close()
    return scanner.json_ld


def escaped_forms(text: str) -> tuple[str, ...]:
    """How `text` looks once escaped: by Jinja (markupsafe), or by html.escape (search snippets)."""
    import html

    return (str(escape(text)), html.escape(text))


def assert_clean(page: str, payloads: list[str], where: str) -> None:
    """No injected markup on the page, and no payload in it as raw markup."""
    problems = scan(page)
    assert not problems, f"{where}: {problems}"
    for payload in payloads:
        if any(ch in payload for ch in "<>\"'"):
            assert payload not in page, f"{where}: {payload!r} is on the page unescaped"


def share_path(client: Client, recipe_id: int) -> tuple[str, str]:
    """Make a share link through the recipe page's form: (its path /s/<token>, the page showing it)."""
    made = client.post(f"/recipes/{recipe_id}/shares", data={"expiry": "1w"})
    assert made.status_code == 303, made.text
    response = client.get(made.headers["Location"])
    match = re.search(r'id="share-url" type="text" value="http://localhost(/s/[A-Za-z0-9_-]+)"', response.text)
    assert match, response.text
    return match[1], response.text
