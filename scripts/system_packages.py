"""A Debian package the benchmark and soak scripts need (wrk, tini): found on the PATH, or
installed with apt-get when we are root on Debian (as CI is). Imported by scripts run from
this folder (`scripts/` is then on the path)."""

from __future__ import annotations

import os
import shutil
import subprocess


def ensure_command(command: str, package: str | None = None) -> str | None:
    """The path of `command`, installing `package` (default: the command's name) if needed
    and possible; None when it is still missing."""
    found = shutil.which(command)
    if found or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found
    package = package or command
    print(f"{command} is missing: installing {package} with apt-get", flush=True)
    apt_env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run(["apt-get", "install", "-y", package], env=apt_env, check=False).returncode != 0:
        subprocess.run(["apt-get", "update"], env=apt_env, check=False)
        subprocess.run(["apt-get", "install", "-y", package], env=apt_env, check=False)
    return shutil.which(command)
