"""The access log keeps no capability URL whole: every address whose token *is* the permission
(a recipe's or a list's share link, a password reset link, a household invite, a calendar feed)
is cut to the few characters its owner sees of it, in the request line, the path, a Referer and a
`next` parameter. The routes are read from the app's url_map, so a capability route added
tomorrow that the log would keep whole fails here the day it is added."""

from __future__ import annotations

import io
import logging
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from flask import Flask
from gunicorn.config import Config
from gunicorn.glogging import Logger
from werkzeug.routing import Rule

from recipes import secret_tokens
from recipes.access_log import AccessLogWithoutSecrets, redact

from .test_security_access import CAPABILITIES, FORMS

# Every route that takes a capability token, as the access walk knows them.
CAPABILITY_ROUTES = {
    "sharing.page",
    "sharing.picture",
    "sharing.save",
    "auth.reset_password",
    "joining.join",
    "joining.use",
    "planner.feed",
    "shopping_shared.page",
}


def capability_rules(app: Flask) -> list[Rule]:
    return [rule for rule in app.url_map.iter_rules() if set(rule.arguments) & set(CAPABILITIES)]


def path_with(rule: Rule, token: str) -> str:
    values = {arg: token if arg in CAPABILITIES else FORMS.get(arg, ("a" * 64,))[0] for arg in rule.arguments}
    return rule.build(values, append_unknown=False)[1]  # type: ignore[index]


def test_the_capability_routes_are_the_ones_this_test_knows(app: Flask) -> None:
    assert {rule.endpoint for rule in capability_rules(app)} == CAPABILITY_ROUTES


@pytest.mark.parametrize("endpoint", sorted(CAPABILITY_ROUTES))
def test_every_capability_url_is_cut_short(app: Flask, endpoint: str) -> None:
    token = secret_tokens.mint().secret
    (rule,) = [rule for rule in capability_rules(app) if rule.endpoint == endpoint]
    path = path_with(rule, token)
    short = path.replace(token, token[:6] + "...")
    assert redact(f"GET {path} HTTP/1.1") == f"GET {short} HTTP/1.1"
    assert redact(f"https://recipes.example.org{path}") == f"https://recipes.example.org{short}"
    # Sent on to the login page (`next`), as it is or with its slashes encoded.
    for written in (path, quote(path, safe="")):
        logged = redact(f"GET /auth/login?next={written} HTTP/1.1")
        assert token not in logged and token[:6] in logged, logged


def test_addresses_that_only_look_alike_are_kept() -> None:
    kept = [
        "GET /recipes/s/short HTTP/1.1",
        "GET /plan/entries/12 HTTP/1.1",
        "GET /plan?start=2026-05-04 HTTP/1.1",
        "GET /lists/3/items/4 HTTP/1.1",
        "GET /recipes/7/picture/" + "0" * 64 + "/full.webp HTTP/1.1",
    ]
    for line in kept:
        assert redact(line) == line


def test_no_atom_a_log_format_could_use_keeps_a_token() -> None:
    token = secret_tokens.mint().secret
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/join/{token}",
        "PATH_INFO": f"/join/{token}",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"http://recipes.lan:8288/plan/{token}.ics",
    }
    response = SimpleNamespace(status="200 OK", headers=[], sent=10)
    request = SimpleNamespace(headers=[("REFERER", f"http://recipes.lan:8288/plan/{token}.ics")])
    atoms = AccessLogWithoutSecrets(Config()).atoms(response, request, environ, timedelta(milliseconds=5))
    assert token not in repr(atoms)
    assert atoms["U"] == f"/join/{token[:6]}..."
    assert atoms["f"] == f"http://recipes.lan:8288/plan/{token[:6]}....ics"


def _logged_line(logger: Logger, response: object, request: object, environ: dict[str, str]) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger.access_log.handlers = [handler]
    logger.access_log.propagate = False
    logger.access(response, request, environ, timedelta(milliseconds=5))
    return stream.getvalue()


def test_a_logged_line_is_gunicorns_own_with_the_tokens_cut() -> None:
    """The atoms are cut as a format reads them (not all of them first): the line is the one
    gunicorn's own logger writes for the same request once its tokens are cut, header atoms in
    any case, a missing one as "-", a double quote escaped."""
    token = secret_tokens.mint().secret
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/s/{token}?next=%2Fjoin%2F{token}",
        "PATH_INFO": f"/s/{token}",
        "QUERY_STRING": f"next=%2Fjoin%2F{token}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "192.0.2.7",
        "HTTP_REFERER": f"http://recipes.lan:8288/plan/{token}.ics",
        "HTTP_USER_AGENT": 'Phone "browser"',
    }
    response = SimpleNamespace(status="200 OK", headers=[("Content-Type", "text/html")], sent=10)
    request = SimpleNamespace(
        headers=[("REFERER", environ["HTTP_REFERER"]), ("USER-AGENT", environ["HTTP_USER_AGENT"])]
    )
    config = Config()
    config.set("accesslog", "-")
    config.set(
        "access_log_format",
        '%(h)s "%(r)s" %(s)s "%(f)s" "%(a)s" %(U)s %(q)s %({Referer}i)s %({content-type}o)s %({x-none}i)s %(nothing)s',
    )
    ours = _logged_line(AccessLogWithoutSecrets(config), response, request, environ)
    cut = {key: redact(value) for key, value in environ.items()}
    cut_request = SimpleNamespace(headers=[(name, redact(value)) for name, value in request.headers])
    theirs = _logged_line(Logger(config), response, cut_request, cut)
    assert token not in ours
    assert ours == theirs
    assert f"/s/{token[:6]}..." in ours and '\\"browser\\"' in ours and " - - " in ours.replace("\n", " ") + " "
