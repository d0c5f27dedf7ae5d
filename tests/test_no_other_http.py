"""recipes/net.py is the one way out: no other module of the package may open connections.

Every outbound fetch must get net.py's address checks, pinning and caps (see DESIGN.md), so a
module that imports an HTTP or socket library itself fails the build, whatever it does with it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import recipes

PACKAGE = Path(recipes.__file__).parent
ALLOWED = PACKAGE / "net.py"

FORBIDDEN_MODULES = (
    "requests",
    "requests_hardened",
    "urllib3",
    "urllib.request",
    "http.client",
    "httpx",
    "aiohttp",
    "socket",
    "pycurl",
)
FORBIDDEN_NAMES = {"urlopen"}
DYNAMIC_IMPORTERS = {"import_module", "__import__"}


def forbidden(module: str) -> bool:
    return any(module == name or module.startswith(name + ".") for name in FORBIDDEN_MODULES)


def violations(source: str, filename: str = "<source>") -> list[str]:
    """What in `source` reaches the network without recipes.net, as "line: what" strings."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source, filename)):
        line = getattr(node, "lineno", 0)
        for module in imported_modules(node):
            if forbidden(module):
                found.append(f"{line}: imports {module}")
        name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
        if name in FORBIDDEN_NAMES:
            found.append(f"{line}: uses {name}")
        dotted = dotted_name(node)
        if dotted and "." in dotted and any(dotted.startswith(m + ".") for m in FORBIDDEN_MODULES if "." in m):
            # `import http` then `http.client.HTTPConnection`: works once anything imported http.client
            found.append(f"{line}: uses {dotted}")
    return found


def dotted_name(node: ast.AST) -> str | None:
    """ "a.b.c" for the expression a.b.c; None for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted_name(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def imported_modules(node: ast.AST) -> list[str]:
    """The absolute module names an import statement or dynamic import call brings in."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        if node.level or node.module is None:
            return []  # relative: a module of our own package
        # `from urllib import request` imports urllib.request
        return [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
    if isinstance(node, ast.Call) and node.args:
        function = node.func
        name = function.id if isinstance(function, ast.Name) else getattr(function, "attr", None)
        first = node.args[0]
        if name in DYNAMIC_IMPORTERS and isinstance(first, ast.Constant) and isinstance(first.value, str):
            return [first.value]
    return []


def package_modules() -> list[Path]:
    return sorted(path for path in PACKAGE.rglob("*.py") if path != ALLOWED)


def test_only_net_py_talks_to_the_network() -> None:
    assert ALLOWED.is_file(), "recipes/net.py moved: update this test"
    modules = package_modules()
    assert len(modules) > 10  # the walk found the package
    problems = [
        f"{path.relative_to(PACKAGE.parent)}:{problem}"
        for path in modules
        for problem in violations(path.read_text(encoding="utf-8"), str(path))
    ]
    assert not problems, "Fetch URLs with recipes.net.fetch instead:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    "source",
    [
        "import requests",
        "import requests.adapters",
        "import requests_hardened",
        "import urllib3",
        "import urllib.request",
        "import http.client as client",
        "import httpx, json",
        "import aiohttp",
        "import socket",
        "import pycurl",
        "from requests import get",
        "from requests.adapters import HTTPAdapter",
        "from urllib import request",
        "from urllib.request import urlopen",
        "from http import client",
        "from socket import create_connection",
        "from urllib3.util import connection",
        "def f():\n    import requests",
        "try:\n    import httpx\nexcept ImportError:\n    pass",
        "import importlib\nimportlib.import_module('requests')",
        "from importlib import import_module\nimport_module('urllib.request')",
        "__import__('socket')",
        "import six\nsix.moves.urllib.request.urlopen('http://x')",
        "opener = urlopen",
        "import http\nhttp.client.HTTPConnection('example.org')",
        "import urllib\nurllib.request.Request('http://x')",
    ],
)
def test_the_checker_catches(source: str) -> None:
    assert violations(source)


@pytest.mark.parametrize(
    "source",
    [
        "from recipes import net\nnet.fetch('https://example.org/')",
        "from .. import net",
        "from .net import fetch, FetchError",
        "import urllib.parse",
        "from urllib.parse import urljoin",
        "from http import HTTPStatus",
        "import http",
        "import importlib\nimportlib.import_module('recipes.importing')",
        "text = 'import requests; socket urlopen'",
        "import requestsish",  # a prefix of a name is not the name
        "import socketserver",
        "requests = []\nrequests.append(1)",  # a variable may have the name
        "import urllib.parse\nurllib.parse.urlsplit('http://x')",
    ],
)
def test_the_checker_lets_through(source: str) -> None:
    assert violations(source) == []


def test_the_checker_names_the_line() -> None:
    assert violations("import json\n\nimport socket\n") == ["3: imports socket"]
