"""compose.yaml parses and agrees with the Dockerfile: port, volume, healthcheck, stop timing.

The commented PostgreSQL variant is uncommented here and checked too, so it cannot rot.
"""

from __future__ import annotations

import ast
import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = ROOT / "compose.yaml"
DOCKERFILE = ROOT / "Dockerfile"
GUNICORN_CONF = ROOT / "config" / "gunicorn.conf.py"

UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}


def seconds(duration: str | int) -> float:
    """A Compose/Docker duration ("1m30s", "15s", 10) in seconds."""
    if isinstance(duration, int):
        return float(duration)
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|s|m|h)", duration)
    assert parts and "".join(n + u for n, u in parts) == duration, f"not a duration: {duration!r}"
    return sum(float(n) * UNITS[u] for n, u in parts)


def dockerfile_final_stage() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the last stage, continuation lines joined, comments dropped."""
    logical: list[str] = []
    pending = ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    instructions = [(text.split(None, 1)[0].upper(), text.split(None, 1)[1].strip()) for text in logical]
    last_from = max(i for i, (name, _) in enumerate(instructions) if name == "FROM")
    return instructions[last_from:]


def instruction(name: str) -> str:
    found = [args for inst, args in dockerfile_final_stage() if inst == name]
    assert len(found) == 1, f"expected one {name} in the final stage, found {found}"
    return found[0]


def dockerfile_healthcheck() -> tuple[dict[str, str], list[str]]:
    """The HEALTHCHECK's options and its exec-form command."""
    options: dict[str, str] = {}
    rest = instruction("HEALTHCHECK")
    while rest.startswith("--"):
        option, rest = rest.split(None, 1)
        key, value = option[2:].split("=", 1)
        options[key] = value
    keyword, command = rest.split(None, 1)
    assert keyword == "CMD"
    parsed = json.loads(command)  # exec form: a JSON array, no shell in between
    assert isinstance(parsed, list)
    return options, parsed


def compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def postgres_variant() -> dict[str, Any]:
    text = COMPOSE.read_text(encoding="utf-8")
    block = re.search(r"^# BEGIN POSTGRES VARIANT\n(.*?)^# END POSTGRES VARIANT", text, re.M | re.S)
    assert block, "the PostgreSQL variant's BEGIN/END markers are missing"
    lines = block.group(1).splitlines()
    assert all(line == "#" or line.startswith("# ") for line in lines), "every line of the variant is commented"
    data = yaml.safe_load("\n".join(line[2:] for line in lines))
    assert isinstance(data, dict)
    return data


def graceful_timeout() -> float:
    tree = ast.parse(GUNICORN_CONF.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "graceful_timeout" for t in node.targets
        ):
            return float(ast.literal_eval(node.value))
    raise AssertionError("config/gunicorn.conf.py sets no literal graceful_timeout")


def expected_healthcheck() -> dict[str, Any]:
    options, command = dockerfile_healthcheck()
    return {
        "test": ["CMD", *command],
        "interval": options["interval"],
        "timeout": options["timeout"],
        "start_period": options["start-period"],
        "retries": int(options["retries"]),
    }


def check_app_service(service: dict[str, Any]) -> None:
    assert service["healthcheck"] == expected_healthcheck()
    assert "/config" in [v.split(":")[1] for v in service["volumes"]]
    assert service["restart"] == "unless-stopped"
    # Compose must wait longer than Gunicorn's graceful shutdown before it kills.
    assert seconds(service["stop_grace_period"]) > graceful_timeout()


def test_the_service_publishes_the_port_the_image_exposes() -> None:
    exposed = instruction("EXPOSE")
    assert exposed == "8288"
    env = dict(re.findall(r"(\w+)=(\S+)", instruction("ENV")))
    assert env["PORT"] == exposed
    ports = compose()["services"]["recipes"]["ports"]
    assert [p.rsplit(":", 1)[1] for p in ports] == [exposed]
    assert ports == [f"{exposed}:{exposed}"]


def test_the_service_builds_this_dockerfile() -> None:
    service = compose()["services"]["recipes"]
    assert service["build"] == "."


def test_the_config_volume_is_a_named_volume_on_the_images_volume() -> None:
    data = compose()
    assert shlex.split(instruction("VOLUME")) == ["/config"]
    env = dict(re.findall(r"(\w+)=(\S+)", instruction("ENV")))
    assert env["RECIPES_CONFIG_DIR"] == "/config"
    assert data["services"]["recipes"]["volumes"] == ["recipes-config:/config"]
    assert "recipes-config" in data["volumes"]


def test_the_healthcheck_is_the_dockerfiles() -> None:
    options, command = dockerfile_healthcheck()
    # The venv's Python runs the stdlib-only script the image copies to /app.
    assert command == ["/opt/venv/bin/python", "/app/healthcheck.py"]
    copies = [args.split() for name, args in dockerfile_final_stage() if name == "COPY"]
    assert any("healthcheck.py" in words and words[-1] in ("/app/", "/app/healthcheck.py") for words in copies)
    assert seconds(options["timeout"]) > 3, "the script's own timeout (3 s) must fire first"
    check_app_service(compose()["services"]["recipes"])


def test_the_postgres_variant_parses_and_shares_one_database() -> None:
    data = postgres_variant()
    services = data["services"]
    assert set(services) == {"postgres", "init", "recipes"}
    app = services["recipes"]
    check_app_service(app)
    assert app["deploy"]["replicas"] == 2
    assert app["depends_on"]["init"]["condition"] == "service_completed_successfully"
    urls = {services[name]["environment"]["DATABASE_URL"] for name in ("init", "recipes")}
    assert len(urls) == 1
    url = urls.pop()
    assert url.startswith("postgresql+psycopg://") and "@postgres:" in url
    # One /config for the init job and every replica: one secret key, so sessions work on any replica.
    assert services["init"]["volumes"] == app["volumes"] == ["recipes-config:/config"]
    assert {"recipes-config", "recipes-db"} <= set(data["volumes"])


@pytest.mark.parametrize(("text", "value"), [("15s", 15.0), ("1m30s", 90.0), ("500ms", 0.5), (10, 10.0)])
def test_seconds(text: str | int, value: float) -> None:
    assert seconds(text) == value
