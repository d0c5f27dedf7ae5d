"""Reading a recipe out of a web page we fetched ourselves.

recipe-scrapers does the reading: it has a scraper for hundreds of sites, picked by the
page's host, and falls back to the page's schema.org data (JSON-LD or microdata) for the
rest. We only choose the host it should use and map its answers into `RecipeData`.

Choosing the host (the page's own URL is not always the site's) is `site.py`'s.

Every field is read on its own: any scraper method can raise on a page it does not
expect, and a missing optional field must not lose the recipe. Nothing here raises
anything but `NoRecipeFound`, whatever the HTML.

Text: every value goes through `clean_line` (entities decoded, markup dropped, spacing
normalised), except that ingredient lines and steps recipe-scrapers already gave as plain
one-line text are kept verbatim, odd spacing included: "verbatim" is the point of them,
and the spacing (a trailing or no-break space) is invisible on a page.
"""

from __future__ import annotations

import logging
import math
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bs4 import MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning
from recipe_scrapers import AbstractScraper, scrape_html
from recipe_scrapers._factory import SchemaScraperFactory
from recipe_scrapers._utils import get_minutes
from recipe_scrapers._warnings import StaticValueWarning

from ...cookbook import limits
from ...cookbook.recipe_text import normalize_tag, unique_tags
from ...cookbook.services import RecipeData
from ...models import PRIVATE
from ...text_cleaning import clean_line, verbatim_line
from .site import host_of, http_url, scraper_url, source_url

log = logging.getLogger(__name__)

# A page's keywords are often search-engine spam: only the first few short ones are tags.
MAX_TAGS = 15
MAX_TAG_CHARS = 40
MAX_GROUPED_LINES = 300
# Far above any real recipe page (the largest in the corpus is about 1 MB); the fetcher
# caps downloads as well. Beyond this only the start of the page is read.
MAX_HTML_CHARS = 8_000_000
_XML_DECLARATION = re.compile(r"^[\s\ufeff]*<\?xml[^>]*>")

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
        if 0 < minutes <= limits.MINUTES_MAX:
            return minutes
    return None


def _lines(value: Any) -> list[str]:
    return [line for line in map(verbatim_line, _strings(value)) if line]


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
        if name and text and len(facts) < limits.NUTRIENTS_MAX:
            facts[name] = text
    return facts


def _image_url(value: Any, final_url: str) -> str:
    if isinstance(value, list):
        value = next((item for item in value if isinstance(item, str) and item.strip()), None)
    if not isinstance(value, str) or not value.strip():
        return ""
    url = http_url(clean_line(value), http_url(final_url, ""))
    return url if len(url) <= limits.SOURCE_URL_MAX else ""


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
    return host if isinstance(host, str) and host else host_of(url)


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
    if not http_url(url, ""):
        url = "http://localhost/"  # recipe-scrapers needs some host; the schema.org reader will do
    scraper = _scrape(html, url)

    title = _text(_field(scraper, "title"))
    ingredients = _ingredients(scraper)
    instructions = _instructions(scraper)
    if not ingredients and not instructions:
        raise NoRecipeFound()
    title = (title or _page_title(scraper))[: limits.TITLE_MAX].strip()
    if not title:
        raise NoRecipeFound()

    data = RecipeData(
        title=title,
        description=_text(_field(scraper, "description")),
        ingredients=ingredients,
        instructions=instructions,
        servings=_text(_field(scraper, "yields"))[: limits.SERVINGS_MAX].strip(),
        prep_time=_minutes(_field(scraper, "prep_time")),
        cook_time=_minutes(_field(scraper, "cook_time")),
        total_time=_minutes(_field(scraper, "total_time")),
        source_url=source_url(html, final_url),
        tags=_tags(scraper, title),
        visibility=PRIVATE,
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
