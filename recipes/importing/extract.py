"""Reading a recipe out of a web page we fetched ourselves.

recipe-scrapers does the reading: it has a scraper for hundreds of sites, picked by the
page's host, and falls back to the page's schema.org data (JSON-LD or microdata) for the
rest. We only choose the host it should use and map its answers into `RecipeData`.

Choosing the host: the page's own URL is not always the site's. A short link has
already been followed by the fetcher, but AMP and print pages, mirrors, archives, and
pages saved and served from elsewhere (a test server on 127.0.0.1, say) name their real
home in `<link rel="canonical">` or `og:url`. The site's scraper is picked by that host,
so the page is read the way its site is read.

When the page says nothing useful about its address, its og:site_name and the sites its
own links name stand in (see `scraper_url`); failing all, the schema.org reader does.

Every field is read on its own: any scraper method can raise on a page it does not
expect, and a missing optional field must not lose the recipe. Nothing here raises
anything but `NoRecipeFound`, whatever the HTML.

Text: every value goes through `clean_line` (entities decoded, markup dropped, spacing
normalised), except that ingredient lines and steps recipe-scrapers already gave as plain
one-line text are kept verbatim, odd spacing included: "verbatim" is the point of them,
and the spacing (a trailing or no-break space) is invisible on a page.
"""

from __future__ import annotations

import html as html_lib
import ipaddress
import logging
import math
import re
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from bs4 import MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning
from recipe_scrapers import SCRAPERS, AbstractScraper, scrape_html
from recipe_scrapers._factory import SchemaScraperFactory
from recipe_scrapers._utils import get_host_name, get_minutes
from recipe_scrapers._warnings import StaticValueWarning

from ..cookbook.services import TITLE_MAX, RecipeData
from ..cookbook.text import normalize_tag, unique_tags

log = logging.getLogger(__name__)

MAX_TAGS = 15
MAX_TAG_CHARS = 40
SERVINGS_MAX = 100  # the column's size
SOURCE_URL_MAX = 2048  # the column's size
MAX_NUTRITION_FACTS = 40
MAX_GROUPED_LINES = 300
# Far above any real recipe page (the largest in the corpus is about 1 MB); the fetcher
# caps downloads as well. Beyond this only the start of the page is read.
MAX_HTML_CHARS = 8_000_000

# Warnings the libraries raise about pages, not about our code; silenced while we read one:
# - StaticValueWarning (and its FieldNotProvidedByWebsiteWarning): recipe-scrapers saying a
#   site's scraper returns a fixed value (e.g. a site that never states a cuisine).
# - MarkupResemblesLocatorWarning: BeautifulSoup saying the "page" looks like a URL or a file name.
# - XMLParsedAsHTMLWarning: BeautifulSoup reading an XHTML page (`<?xml ...?>`) as HTML, as we want.
_PAGE_WARNINGS: tuple[type[Warning], ...] = (
    StaticValueWarning,
    MarkupResemblesLocatorWarning,
    XMLParsedAsHTMLWarning,
)


class NoRecipeFound(Exception):
    """The page holds no recipe we can read (or nothing readable at all)."""

    def __init__(self, message: str = "No recipe found on that page.") -> None:
        super().__init__(message)
        self.message = message


@dataclass
class ExtractedRecipe:
    data: RecipeData
    image_url: str  # absolute http(s) URL of the recipe's picture, or ""
    scraper_host: str  # whose scraper read it (the schema.org reader's is the page's host)


# --- Cleaning text ---------------------------------------------------------------------

_ENTITY = re.compile(r"&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
# A tag is "<" followed by a letter, "/" + letter or "!": "<2 cups" and "a < b" are not tags.
_TAG = re.compile(r"<!--.*?(?:-->|$)|<(?:/?([A-Za-z][A-Za-z0-9]*)[^<>]*|![^<>]*)>", re.DOTALL)
# Tags inside a run of text ("<b>well</b>.") go without a trace; any other tag (a <br>, a <p>)
# separates words and leaves a space.
# fmt: off
_INLINE_TAGS = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "font", "i", "ins", "kbd",
    "mark", "nobr", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt", "u",
    "var", "wbr",
})
# fmt: on
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff"))  # zero-width space, word joiner, BOM
_SPACES = re.compile(r"\s+")
_XML_DECLARATION = re.compile(r"^[\s\ufeff]*<\?xml[^>]*>")
# Characters that mark a line as raw text that still needs reflowing: line breaks, tabs and
# other control characters. A line with only ordinary spaces is the library's own output.
_RAW_WHITESPACE = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]")


def _tag_replacement(match: re.Match[str]) -> str:
    name = match.group(1)
    return "" if name is None or name.lower() in _INLINE_TAGS else " "


def clean_line(text: str) -> str:
    """One line of plain text: entities decoded (also double-escaped ones, "&amp;amp;"),
    markup dropped, zero-width characters removed, no-break spaces and every run of
    whitespace made one space, ends trimmed."""
    for _ in range(3):  # "&amp;amp;lt;" at most; a real text is not escaped more often
        if "&" not in text or not _ENTITY.search(text):
            break
        text = html_lib.unescape(text)
    if "<" in text:
        text = _TAG.sub(_tag_replacement, text)
    text = text.translate(_INVISIBLE)
    return _SPACES.sub(" ", text).strip()


def _verbatim_line(text: str) -> str:
    """An ingredient line or a step as the source wrote it, cleaned only where it needs it.

    Lines that carry markup, entities, line breaks or control characters get the whole of
    `clean_line`. A line without any is kept verbatim apart from zero-width characters:
    recipe-scrapers already normalised it, and the spacing it kept (a no-break space, a
    trailing space) is the source's and invisible on a page.
    """
    if _ENTITY.search(text) or _TAG.search(text) or _RAW_WHITESPACE.search(text):
        return clean_line(text)
    text = text.translate(_INVISIBLE)
    return text if text.strip() else ""


# --- Which scraper -------------------------------------------------------------------------

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


def _http_url(href: str, base: str) -> str:
    """`href` made absolute against `base`, if that gives an http(s) URL with a host; else ""."""
    try:
        url = urljoin(base, href.strip()) if base else href.strip()
        parts = urlsplit(url)
        if parts.scheme.lower() in ("http", "https") and parts.hostname:
            return url
    except ValueError:  # a malformed address ("http://[::1"), from the page or the caller
        pass
    return ""


def _host_of(url: str) -> str:
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
        inner = _http_url(unquote(match), "")
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
    base = _http_url(final_url, "")
    urls: list[str] = []
    for href in _page_hints(html).urls:
        url = _http_url(href, base)
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
    final = _http_url(final_url, "")
    if final:
        for url in [final, *_inner_urls(final)]:
            key = _scraper_key(_host_of(url))
            if key is not None:
                return _for_scraper(url, key)
    hints = _page_hints(html)
    stated = [url for url in (_http_url(href, final) for href in hints.urls) if url]
    stated = list(dict.fromkeys([*stated, *(inner for url in stated for inner in _inner_urls(url))]))
    known = [(url, key) for url in stated if (key := _scraper_key(_host_of(url))) is not None]
    votes = _LinkVotes.count(html)
    # Served from an address that cannot be its site's: a saved copy, a test server.
    copy = _is_local(_host_of(final))
    if known:
        url, key = _stated_site(known, votes if copy else None)
        return _for_scraper(url, key)
    base = stated[0] if stated else final or "http://localhost/"
    hosts = [_host_of(url) for url in [final, *stated] if url]
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


def _source_url(html: str, final_url: str) -> str:
    """What to keep as the recipe's source: its canonical address, else where we found it."""
    for url in [*_page_urls(html, final_url), _http_url(final_url, "")]:
        if url and len(url) <= SOURCE_URL_MAX:
            return url
    return ""


# --- Reading the fields ----------------------------------------------------------------


def _read(method: Callable[[], Any], field: str) -> Any:
    """One scraper method's answer, or None when it fails: every method can raise on a
    page its site scraper does not expect, and one missing field must not lose the rest."""
    try:
        return method()
    except Exception as error:  # any failure means "this field is absent"
        log.debug("recipe field %s not read: %r", field, error)
        return None


def _field(scraper: AbstractScraper, name: str) -> Any:
    value = _read(getattr(scraper, name), name)
    if value in (None, "", [], {}) and not isinstance(scraper, SchemaScraperFactory.SchemaScraper):
        # A site scraper that fails on this page (a new layout) may still have the page's
        # schema.org data to fall back on.
        schema = getattr(scraper, "schema", None)
        fallback = getattr(schema, name, None)
        if fallback is not None and getattr(schema, "data", None):
            value = _read(fallback, f"schema.{name}")
    return value


def _strings(value: Any) -> list[str]:
    """The strings in a field that should be a list of them (a lone string counts as one)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [item if isinstance(item, str) else str(item) for item in value if isinstance(item, str | int | float)]
    return []


def _text(value: Any) -> str:
    if isinstance(value, str):
        return clean_line(value)
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return clean_line(str(value))
    if isinstance(value, list):
        return clean_line(" ".join(_strings(value)))
    return ""


def _minutes(value: Any) -> int | None:
    """Whole minutes from a scraper's time: a number, or (from some site scrapers) a text such
    as "27 minutes", "1 hr 10 mins" or "PT1H10M"; None when absent, zero or unreadable."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.strip()[:100]
        value = _read(lambda: get_minutes(text), "minutes")  # type: ignore[no-untyped-call]
    if isinstance(value, int | float) and math.isfinite(value):
        minutes = round(value)
        if 0 < minutes <= 100_000:
            return minutes
    return None


def _lines(value: Any) -> list[str]:
    return [line for line in map(_verbatim_line, _strings(value)) if line]


def _ingredients(scraper: AbstractScraper) -> list[str]:
    """Ingredient lines in the page's order; when the recipe groups them ("For the sauce"),
    each named group starts with a section header line ending in ":"."""
    lines = _lines(_field(scraper, "ingredients"))
    if len(lines) > MAX_GROUPED_LINES:
        return lines  # grouping compares every line with every other: no real recipe is this long
    groups = _read(scraper.ingredient_groups, "ingredient_groups")
    if not isinstance(groups, list) or len(groups) < 2:
        return lines
    grouped: list[tuple[str, list[str]]] = []
    for group in groups:
        purpose = getattr(group, "purpose", None)
        items = getattr(group, "ingredients", None)
        if not isinstance(items, list):
            return lines
        grouped.append((clean_line(purpose) if isinstance(purpose, str) else "", _lines(items)))
    if not any(purpose for purpose, _ in grouped):
        return lines
    # Headers only when the groups hold exactly the recipe's lines in the same order (the
    # library matches grouped lines to the list by similarity and can pair them wrongly).
    if [line for _, items in grouped for line in items] != lines:
        return lines
    result: list[str] = []
    for purpose, items in grouped:
        if purpose and items:
            result.append(purpose if purpose.endswith(":") else f"{purpose}:")
        result.extend(items)
    return result


def _instructions(scraper: AbstractScraper) -> list[str]:
    steps = _lines(_read(scraper.instructions_list, "instructions_list"))
    if not steps:
        text = _field(scraper, "instructions")
        if isinstance(text, str):
            steps = _lines(text.split("\n"))
    return steps


def _tags(scraper: AbstractScraper, title: str) -> list[str]:
    """Category, cuisine and keywords as tags. Keyword lists are often long SEO strings:
    overlong ones, and ones that only repeat the title, are left out."""
    names: list[str] = []
    for field in ("category", "cuisine", "keywords"):
        for value in _strings(_field(scraper, field)):
            names.extend(clean_line(part) for part in value.split(","))
    title_tag = normalize_tag(title)
    kept = (name for name in names if 0 < len(name) <= MAX_TAG_CHARS and normalize_tag(name) != title_tag)
    return unique_tags(kept)[:MAX_TAGS]


def _nutrition(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    facts: dict[str, str] = {}
    for key, amount in value.items():
        if not isinstance(key, str) or not isinstance(amount, str | int | float) or isinstance(amount, bool):
            continue
        name, text = clean_line(key), clean_line(str(amount))
        if name and text and len(facts) < MAX_NUTRITION_FACTS:
            facts[name] = text
    return facts


def _image_url(value: Any, final_url: str) -> str:
    if isinstance(value, list):
        value = next((item for item in value if isinstance(item, str) and item.strip()), None)
    if not isinstance(value, str) or not value.strip():
        return ""
    url = _http_url(clean_line(value), _http_url(final_url, ""))
    return url if len(url) <= SOURCE_URL_MAX else ""


def _page_title(scraper: AbstractScraper) -> str:
    """The page's own title (og:title, else <title>), for a recipe whose data has none."""
    soup = getattr(scraper, "soup", None)
    if soup is None:
        return ""
    meta = soup.find("meta", attrs={"property": "og:title", "content": True})
    if meta is not None and isinstance(meta.get("content"), str):
        return clean_line(meta["content"])
    if soup.title is not None:
        return clean_line(soup.title.get_text())
    return ""


def _scraper_host(scraper: AbstractScraper, url: str) -> str:
    host = _read(scraper.host, "host")
    return host if isinstance(host, str) and host else _host_of(url)


def _scrape(html: str, url: str) -> AbstractScraper:
    try:
        return scrape_html(html, url, supported_only=False)
    except Exception as error:  # no schema.org recipe, or a page the parser chokes on
        log.info("no recipe read from %s: %r", url, error)
        raise NoRecipeFound() from None


def _parseable(html: str) -> str:
    """The page as the parsers should see it.

    - Without an XHTML page's XML declaration, which makes lxml (under the schema.org
      reader) refuse the whole text.
    - Without what follows the last ">" if that holds a "<": no recipe is there, and an
      unclosed tag or comment at the end makes Python's HTML parser (under BeautifulSoup)
      take time quadratic in the page's length (60 kB of "<a " took over 20 seconds).
    """
    html = _XML_DECLARATION.sub("", html, count=1)
    last = html.rfind(">")
    if html.find("<", last + 1) >= 0:
        html = html[: last + 1]
    return html


def extract_recipe(html: str, final_url: str) -> ExtractedRecipe:
    """The recipe on this page (fetched from `final_url`, after redirects).

    Raises NoRecipeFound when the page has none: no title and nothing to cook, or a title
    with neither ingredients nor steps (a blog's index, a "page not found").
    """
    if not isinstance(html, str) or not html.strip():
        raise NoRecipeFound()
    html = _parseable(html[:MAX_HTML_CHARS])
    try:
        with warnings.catch_warnings():
            for category in _PAGE_WARNINGS:
                warnings.simplefilter("ignore", category)
            return _extract(html, final_url)
    except NoRecipeFound:
        raise
    except Exception as error:  # a page must never break the import with anything else
        log.warning("recipe extraction failed on %s: %r", final_url, error)
        raise NoRecipeFound() from None


def _extract(html: str, final_url: str) -> ExtractedRecipe:
    url = scraper_url(html, final_url)
    if not _http_url(url, ""):
        url = "http://localhost/"  # recipe-scrapers needs some host; the schema.org reader will do
    scraper = _scrape(html, url)

    title = _text(_field(scraper, "title"))
    ingredients = _ingredients(scraper)
    instructions = _instructions(scraper)
    if not ingredients and not instructions:
        raise NoRecipeFound()
    title = (title or _page_title(scraper))[:TITLE_MAX].strip()
    if not title:
        raise NoRecipeFound()

    data = RecipeData(
        title=title,
        description=_text(_field(scraper, "description")),
        ingredients=ingredients,
        instructions=instructions,
        servings=_text(_field(scraper, "yields"))[:SERVINGS_MAX].strip(),
        prep_time=_minutes(_field(scraper, "prep_time")),
        cook_time=_minutes(_field(scraper, "cook_time")),
        total_time=_minutes(_field(scraper, "total_time")),
        source_url=_source_url(html, final_url),
        tags=_tags(scraper, title),
        is_public=False,
        nutrition=_nutrition(_field(scraper, "nutrients")),
    )
    return ExtractedRecipe(
        data=data,
        image_url=_image_url(_field(scraper, "image"), final_url),
        scraper_host=_scraper_host(scraper, url),
    )


# A small page with the usual kinds of markup (JSON-LD and microdata).
_WARM_UP_PAGE = (
    '<html><head><script type="application/ld+json">{"@context": "https://schema.org", "@type": "Recipe",'
    ' "name": "Boiled egg", "recipeIngredient": ["1 egg"], "recipeInstructions": [{"@type": "HowToStep",'
    ' "text": "Boil it."}], "totalTime": "PT5M", "recipeYield": "1"}</script></head>'
    '<body itemscope itemtype="https://schema.org/Recipe"><h1 itemprop="name">Boiled egg</h1></body></html>'
)
_warmed_up = False


def warm_up() -> None:
    """Read one small page here, once: the libraries load plugins and compile patterns on
    first use, and pages are read in forked children (see recipes/sandbox.py) that would
    otherwise each redo that work and throw it away (about 110 ms a page)."""
    global _warmed_up
    if not _warmed_up:
        _warmed_up = True
        extract_recipe(_WARM_UP_PAGE, "http://localhost/warm-up")
