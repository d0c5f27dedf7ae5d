"""Audit the installed dependencies for known vulnerabilities: `.venv/bin/python scripts/audit_deps.py`.

What is audited: every distribution that `recipes` (with its `test` extra; --runtime for the app's
own dependencies only) pulls in, at the version installed in this virtualenv, written out as
`name==version` pins. Those pins go to pip-audit (`--no-deps`, so nothing is resolved or
downloaded), first against PyPI's vulnerability data, then against OSV if PyPI could not answer.

Some networks (a registry proxy) serve PyPI's package pages but neither of those services. Then
the script falls back to what the proxy does serve, each project's JSON page, whose
`vulnerabilities` list is exact for the newest release: a dependency installed at its newest
release is checked there, and any other one is named as not checked.

Exit status: 1 when a vulnerability is found (or, with --require, when any dependency could not be
checked); 0 otherwise, with a warning naming what could not be checked.
"""

from __future__ import annotations

import argparse
import importlib.metadata as metadata
import json
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

BIN = Path(sys.executable).parent
PROJECT = "recipes"
PYPI_JSON = "https://pypi.org/pypi/{name}/json"
TIMEOUT = 30


@dataclass
class Finding:
    name: str
    version: str
    vulns: list[dict[str, Any]] = field(default_factory=list)
    skipped: str = ""  # why it could not be checked


def installed_closure(root: str, extras: tuple[str, ...]) -> dict[str, str]:
    """{canonical name: installed version} of everything `root[extras]` requires, transitively."""
    found: dict[str, str] = {}
    pending: list[tuple[str, tuple[str, ...]]] = [(root, extras)]
    done: set[tuple[str, tuple[str, ...]]] = set()
    while pending:
        name, wanted = pending.pop()
        key = (canonicalize_name(name), wanted)
        if key in done:
            continue
        done.add(key)
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # a requirement whose marker held but is not installed: nothing to audit
        found[canonicalize_name(dist.metadata["Name"])] = dist.version
        environments = [{"extra": extra} for extra in wanted] or [{"extra": ""}]
        for line in dist.requires or []:
            requirement = Requirement(line)
            if requirement.marker is None or any(requirement.marker.evaluate(env) for env in environments):
                pending.append((requirement.name, tuple(sorted(requirement.extras))))
    found.pop(canonicalize_name(root), None)  # the project itself is not on PyPI
    return dict(sorted(found.items()))


def pip_audit(pins: dict[str, str], service: str, ignored: list[str]) -> list[Finding] | None:
    """pip-audit's findings against `service`, or None when it could not run or reach it."""
    with tempfile.TemporaryDirectory() as work:
        requirements = Path(work, "requirements.txt")
        requirements.write_text("".join(f"{name}=={version}\n" for name, version in pins.items()))
        report = Path(work, "report.json")
        command = [str(BIN / "pip-audit"), "--requirement", str(requirements), "--no-deps", "--disable-pip"]
        command += ["--vulnerability-service", service, "--format", "json", "--output", str(report)]
        command += ["--progress-spinner", "off", *(f"--ignore-vuln={vuln}" for vuln in ignored)]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            print(f"audit: pip-audit could not run: {exc}", file=sys.stderr)
            return None
        if not report.exists():
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            print(f"audit: pip-audit with {service} failed: {last[:300]}", file=sys.stderr)
            return None
        data = json.loads(report.read_text())
    findings = [
        Finding(d["name"], d.get("version", "?"), list(d.get("vulns", [])), d.get("skip_reason", ""))
        for d in data.get("dependencies", [])
    ]
    if findings and all(f.skipped for f in findings):
        print(f"audit: {service} answered for none of the {len(findings)} dependencies", file=sys.stderr)
        print(f"       (pip-audit: {findings[0].skipped})", file=sys.stderr)
        return None
    return findings


def newest_release_check(pins: dict[str, str], ignored: list[str]) -> list[Finding]:
    """PyPI's project pages: their `vulnerabilities` are those of the newest release."""
    findings = []
    for name, version in pins.items():
        try:
            with urllib.request.urlopen(PYPI_JSON.format(name=name), timeout=TIMEOUT) as response:  # noqa: S310
                page = json.load(response)
        except (OSError, ValueError) as exc:
            findings.append(Finding(name, version, skipped=f"PyPI's page could not be read: {exc}"))
            continue
        newest = page["info"]["version"]
        if newest != version:
            findings.append(Finding(name, version, skipped=f"not the newest release ({newest})"))
            continue
        vulns = [
            {"id": v.get("id"), "fix_versions": v.get("fixed_in", []), "aliases": v.get("aliases", [])}
            for v in page.get("vulnerabilities", [])
            if v.get("id") not in ignored and not set(v.get("aliases", [])) & set(ignored)
        ]
        findings.append(Finding(name, version, vulns))
    return findings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runtime", action="store_true", help="only the app's dependencies, not the test tools")
    parser.add_argument("--require", action="store_true", help="fail when any dependency could not be checked")
    parser.add_argument("--ignore-vuln", action="append", default=[], metavar="ID", help="a vulnerability to accept")
    args = parser.parse_args(argv)

    pins = installed_closure(PROJECT, () if args.runtime else ("test",))
    if not pins:
        print(f"audit: {PROJECT} is not installed in {sys.prefix}", file=sys.stderr)
        return 2
    what = "runtime" if args.runtime else "runtime and test"
    print(f"audit: {len(pins)} installed {what} dependencies of {PROJECT}")

    findings, source = None, ""
    for service in ("pypi", "osv"):
        findings = pip_audit(pins, service, args.ignore_vuln)
        if findings is not None:
            source = f"pip-audit ({service})"
            break
    if findings is None:
        print("audit: no vulnerability service reachable; checking PyPI's project pages instead", file=sys.stderr)
        findings = newest_release_check(pins, args.ignore_vuln)
        source = "PyPI project pages (newest releases only)"

    vulnerable = [f for f in findings if f.vulns]
    unchecked = [f for f in findings if f.skipped]
    checked = len(findings) - len(unchecked)
    for finding in vulnerable:
        for vuln in finding.vulns:
            fixes = ", ".join(str(v) for v in vuln.get("fix_versions") or []) or "none yet"
            print(f"VULNERABLE {finding.name} {finding.version}: {vuln.get('id')} (fixed in {fixes})")
    if unchecked:
        print(f"audit: WARNING: {len(unchecked)} dependencies could not be checked:", file=sys.stderr)
        for finding in unchecked:
            print(f"  {finding.name} {finding.version}: {finding.skipped}", file=sys.stderr)
    print(f"audit: {checked} of {len(findings)} checked with {source}; {len(vulnerable)} vulnerable")
    if vulnerable:
        return 1
    if unchecked and args.require:
        print("audit: --require: every dependency must be checked", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
