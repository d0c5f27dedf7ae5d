"""Which site a fetched page belongs to, so recipe-scrapers reads it with that site's scraper.

The page's own URL is not always the site's. A short link has already been followed by the
fetcher, but AMP and print pages, mirrors, archives, and pages saved and served from
elsewhere (a test server on 127.0.0.1, say) name their real home in `<link rel="canonical">`
or `og:url`. The site's scraper is picked by that host, so the page is read the way its site
is read. When the page says nothing useful about its address, its og:site_name and the sites
its own links name stand in (see `scraper_url`); failing all, the schema.org reader does.
"""

from __future__ import annotations

import html as html_lib
import ipaddress
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

from recipe_scrapers import SCRAPERS, AbstractScraper
from recipe_scrapers._utils import get_host_name

from ...cookbook.limits import SOURCE_URL_MAX
from ...text_cleaning import clean_line

_LINK_OR_META = re.compile(r"<(link|meta)\b", re.IGNORECASE)
# A <link> or <meta> tag longer than this is not one we look for (canonical links are short).
_MAX_TAG_CHARS = 2000
_ATTRIBUTE = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?""")
# The host of every absolute address in the page: links, pictures, scripts, JSON ("https:\/\/").
_URL_HOST = re.compile(r"https?:(?:\\?/){2}([A-Za-z0-9.-]+)", re.IGNORECASE)
# An address inside another one: an archive's or a cache's copy of a page.
_INNER_ADDRESS = re.compile(r"https?(?::|%3a)(?:/|%2f){2}[^\s\"'<>]+", re.IGNORECASE)
_NOT_A_NAME = re.compile(r"[^0-9a-z]+")
# The hints are in the head; a page's head is rarely beyond this.
_HEAD_SCAN_CHARS = 1_000_000
# The page's own links must name a site this often, and twice as often as any other
# site with a scraper, before that site is taken to be the page's.
_MIN_LINK_VOTES = 2
# A page whose links name one site this often, and this many times more than the site its
# canonical link names, is that first site's page.
_MIN_HOME_VOTES = 10
_HOME_VOTES_RATIO = 5
# A site's name must be this long to be recognised (whole, or as the start of a longer name).
_MIN_SITE_NAME_CHARS = 5
_MIN_NAME_PREFIX_CHARS = 8
_SECOND_LEVEL = {"co", "com", "org", "net", "gov", "ac", "edu"}


def _attributes(raw: str) -> dict[str, str]:
    attributes: dict[str, str] = {}
    for name, value in _ATTRIBUTE.findall(raw):
        if value[:1] in ("'", '"'):
            value = value[1:-1]
        attributes.setdefault(name.lower(), html_lib.unescape(value).strip())
    return attributes


@dataclass
class _PageHints:
    urls: list[str]  # what the page says its address is: canonical link, og:url, twitter:url
    site_name: str  # og:site_name


def _without_comments(text: str) -> str:
    """`text` without <!-- comments --> (an unclosed one runs to the end). Scanned once: a
    regular expression would take quadratic time over many unclosed comments."""
    parts = []
    position = 0
    while (start := text.find("<!--", position)) >= 0:
        parts.append(text[position:start])
        end = text.find("-->", start + 4)
        if end < 0:
            return "".join(parts)
        position = end + 3
    parts.append(text[position:])
    return "".join(parts)


def _link_and_meta_tags(head: str) -> Iterator[tuple[str, dict[str, str]]]:
    """("link" or "meta", attributes) for each such tag, in linear time whatever the text."""
    tag_end = 0
    for match in _LINK_OR_META.finditer(head):
        if match.start() < tag_end:
            continue  # inside the previous tag
        body = head[match.end() : match.end() + _MAX_TAG_CHARS]
        end = body.find(">")
        if end < 0:
            continue
        tag_end = match.end() + end
        yield match.group(1).lower(), _attributes(body[:end])


def _page_hints(html: str) -> _PageHints:
    found: dict[str, str] = {}
    for tag, attributes in _link_and_meta_tags(_without_comments(html[:_HEAD_SCAN_CHARS])):
        if tag == "link":
            rel = attributes.get("rel", "").lower().split()
            if "canonical" in rel and attributes.get("href"):
                found.setdefault("canonical", attributes["href"])
        else:
            name = (attributes.get("property") or attributes.get("name") or "").lower()
            if name in ("og:url", "twitter:url", "og:site_name") and attributes.get("content"):
                found.setdefault(name, attributes["content"])
    urls = [found[kind] for kind in ("canonical", "og:url", "twitter:url") if kind in found]
    return _PageHints(urls=urls, site_name=found.get("og:site_name", ""))


def http_url(href: str, base: str) -> str:
    """`href` made absolute against `base`, if that gives an http(s) URL with a host; else ""."""
    try:
        url = urljoin(base, href.strip()) if base else href.strip()
        parts = urlsplit(url)
        if parts.scheme.lower() in ("http", "https") and parts.hostname:
            return url
    except ValueError:  # a malformed address ("http://[::1"), from the page or the caller
        pass
    return ""


def host_of(url: str) -> str:
    """The host as recipe-scrapers keys its scrapers: lower case, without "www." ("" if none)."""
    try:
        host = (urlsplit(url).hostname or "").rstrip(".")
    except ValueError:
        return ""
    return host.removeprefix("www.")


def _library_host(url: str) -> str:
    """The host recipe-scrapers itself reads from `url` (it does not lower-case it)."""
    try:
        return str(get_host_name(url))  # type: ignore[no-untyped-call]
    except Exception:  # its pattern does not match every string
        return ""


def _scraper_key(host: str) -> str | None:
    """The SCRAPERS key for this host, also trying its parent domains
    ("m.example.com", "amp.example.com" -> "example.com"); None if no site scraper fits."""
    labels = host.split(".")
    for start in range(len(labels) - 1):
        candidate = ".".join(labels[start:])
        if candidate in _SCRAPERS:
            return candidate
    return None


def _for_scraper(url: str, key: str) -> str:
    """`url` with its host replaced by the scraper's, unless recipe-scrapers reads it so already."""
    parts = urlsplit(url)
    if _library_host(url) == key:
        return url
    path = parts.path or "/"
    return f"{parts.scheme}://{key}{path}" + (f"?{parts.query}" if parts.query else "")


def _inner_urls(url: str) -> list[str]:
    """Addresses inside an address: web.archive.org/web/2020/https://site/..., a cache's ?q=..."""
    after_host = url.split("://", 1)[-1].partition("/")[2]
    found = []
    for match in _INNER_ADDRESS.findall(after_host):
        inner = http_url(unquote(match), "")
        if inner:
            found.append(inner)
    return found


def _is_local(host: str) -> bool:
    """A host that cannot be a recipe site's own: an IP address, localhost, a LAN name."""
    if not host or "." not in host or host.endswith((".local", ".localhost", ".internal", ".lan", ".home.arpa")):
        return True
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _site_names(key: str) -> set[str]:
    """The names a site's host spells: each label but the public suffix, and all of them run
    together ("dagelijksekost.vrt.be" -> "dagelijksekost", "vrt", "dagelijksekostvrt")."""
    labels = key.split(".")
    suffix = 2 if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2 else 1
    own = [_NOT_A_NAME.sub("", label) for label in labels[:-suffix]]
    return {*own, "".join(own)} - {""}


# Site scrapers by host ("allrecipes.com"), and hosts by the names they spell ("allrecipes").
_SCRAPERS: dict[str, type[AbstractScraper]] = {str(host): scraper for host, scraper in SCRAPERS.items()}
_BY_NAME: dict[str, list[str]] = {}
for _host in _SCRAPERS:
    for _name in _site_names(_host):
        _BY_NAME.setdefault(_name, []).append(_host)


def _one_site(keys: list[str], hosts: list[str]) -> str | None:
    """The one site among `keys` (several hosts of one scraper count as one); among several,
    the one in the same top-level domain as the page's address; else None."""
    if len({_SCRAPERS[key] for key in keys}) > 1:
        keys = [key for key in keys if any(host.rsplit(".", 1)[-1] == key.rsplit(".", 1)[-1] for host in hosts)]
    if not keys or len({_SCRAPERS[key] for key in keys}) > 1:
        return None
    return keys[0]


def _key_from_site_name(site_name: str, hosts: list[str], anonymous: bool) -> str | None:
    """The scraper of the site the page names in og:site_name: "Allt om Mat" -> alltommat.se,
    "Well Plated by Erin" -> wellplated.com (a long name that starts the site's name).

    Only for a page whose address says nothing (`anonymous`: served from 127.0.0.1, say) or
    whose address spells that name (alltommat.expressen.se): a site of its own that happens
    to share a name with one that has a scraper is read from its schema.org data.
    """
    name = clean_line(site_name).lower().removeprefix("www.")
    compact = _NOT_A_NAME.sub("", name)
    found: str | None = None
    if name in _SCRAPERS:  # "nhs.uk"
        found, keys = name, [name]
    else:
        for candidate in dict.fromkeys([compact, compact.removeprefix("the")]):
            if len(candidate) >= _MIN_SITE_NAME_CHARS and candidate in _BY_NAME:
                found = candidate
                break
        else:
            starts = [known for known in _BY_NAME if len(known) >= _MIN_NAME_PREFIX_CHARS and compact.startswith(known)]
            found = max(starts, key=len) if starts else None
        keys = _BY_NAME.get(found or "", [])
    if found is None:
        return None
    spelled = any(found in host.split(".") or host == found for host in hosts)
    return _one_site(keys, hosts) if anonymous or spelled else None


@dataclass
class _LinkVotes:
    """How often the page's addresses (links, pictures, scripts, its schema.org data) name
    each site that has a scraper; a site's hosts count together."""

    by_host: Counter[str]
    by_scraper: Counter[type[AbstractScraper]]

    @classmethod
    def count(cls, html: str) -> _LinkVotes:
        by_host: Counter[str] = Counter()
        for host in _URL_HOST.findall(html):
            key = _scraper_key(host.lower().rstrip(".").removeprefix("www."))
            if key is not None:
                by_host[key] += 1
        by_scraper: Counter[type[AbstractScraper]] = Counter()
        for key, count in by_host.items():
            by_scraper[_SCRAPERS[key]] += count
        return cls(by_host, by_scraper)

    def of(self, key: str) -> int:
        return self.by_scraper[_SCRAPERS[key]]

    def winner(self) -> str | None:
        """The site clearly named most (at least twice, and twice as often as any other)."""
        ranked = self.by_scraper.most_common(2)
        if not ranked or ranked[0][1] < _MIN_LINK_VOTES:
            return None
        if len(ranked) > 1 and ranked[0][1] < 2 * ranked[1][1]:
            return None
        return max((key for key in self.by_host if _SCRAPERS[key] is ranked[0][0]), key=self.by_host.__getitem__)


def _page_urls(html: str, final_url: str) -> list[str]:
    """The page's own absolute http(s) addresses, best first (canonical, og:url, ...)."""
    base = http_url(final_url, "")
    urls: list[str] = []
    for href in _page_hints(html).urls:
        url = http_url(href, base)
        if url and url not in urls:
            urls.append(url)
    return urls


def scraper_url(html: str, final_url: str) -> str:
    """The URL whose host picks recipe-scrapers' scraper for this page, the first of:

    1. the final URL (after redirects), when its host has a scraper of its own: the page is
       that site's even if it names another as canonical (sites that republish recipes do);
    2. the page's canonical link, og:url or twitter:url (or an address inside one of these
       or the final URL, as archives make), when its host has a scraper: the page is a copy,
       or an AMP or print version, of that site's page. When the page names several such
       sites, the one its own addresses (links, pictures, feeds) agree with; and a page whose
       addresses overwhelmingly name yet another site with a scraper is that site's page,
       republishing a recipe from elsewhere (see `_stated_site`);
    3. the site the page names in og:site_name, when that is the name of a site with a scraper;
    4. for a page served from an address that cannot be its site's (127.0.0.1, a LAN name) and
       naming no other, the site with a scraper that its own addresses mostly name;
    5. else the canonical address (it still names the recipe's home), else the final URL; the
       page is then read from its schema.org data.
    """
    final = http_url(final_url, "")
    if final:
        for url in [final, *_inner_urls(final)]:
            key = _scraper_key(host_of(url))
            if key is not None:
                return _for_scraper(url, key)
    hints = _page_hints(html)
    stated = [url for url in (http_url(href, final) for href in hints.urls) if url]
    stated = list(dict.fromkeys([*stated, *(inner for url in stated for inner in _inner_urls(url))]))
    known = [(url, key) for url in stated if (key := _scraper_key(host_of(url))) is not None]
    votes = _LinkVotes.count(html)
    # Served from an address that cannot be its site's: a saved copy, a test server.
    copy = _is_local(host_of(final))
    if known:
        url, key = _stated_site(known, votes if copy else None)
        return _for_scraper(url, key)
    base = stated[0] if stated else final or "http://localhost/"
    hosts = [host_of(url) for url in [final, *stated] if url]
    anonymous = all(_is_local(host) for host in hosts)
    found = _key_from_site_name(hints.site_name, hosts, anonymous) if hints.site_name else None
    if found is None and anonymous:
        found = votes.winner()
    if found is not None:
        return _for_scraper(base, found)
    return stated[0] if stated else final or final_url


def _stated_site(known: list[tuple[str, str]], votes: _LinkVotes | None) -> tuple[str, str]:
    """Of the addresses a page states (with a scraper for their site), the first, or for a
    copy served elsewhere (`votes` given) the one its own links agree with. A copy whose links
    name another site with a scraper overwhelmingly (its feed, its short link, its navigation)
    was that site's page, republishing a recipe whose canonical home is elsewhere, as community
    recipe sites do: it is read as a page of that site, as it would be there."""
    winner = votes.winner() if votes is not None else None
    if votes is None or winner is None:
        return known[0]
    for url, key in known:
        if _SCRAPERS[key] is _SCRAPERS[winner]:
            return url, key
    stated_votes = max(votes.of(key) for _, key in known)
    if votes.of(winner) >= _MIN_HOME_VOTES and votes.of(winner) >= _HOME_VOTES_RATIO * stated_votes:
        return _for_scraper(known[0][0], winner), winner
    return known[0]


def source_url(html: str, final_url: str) -> str:
    """What to keep as the recipe's source: its canonical address, else where we found it."""
    for url in [*_page_urls(html, final_url), http_url(final_url, "")]:
        if url and len(url) <= SOURCE_URL_MAX:
            return url
    return ""
