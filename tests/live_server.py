"""Start the app for real: `recipes bootstrap`, then Gunicorn on a free loopback port."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class GunicornServer:
    def __init__(self, config_dir: Path, env: dict[str, str]) -> None:
        self.config_dir = config_dir
        self.env = env
        self.log_path = config_dir / "gunicorn.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30) -> str:
        subprocess.run([str(BIN / "recipes"), "bootstrap"], env=self.env, check=True, capture_output=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    str(BIN / "gunicorn"),
                    "-c",
                    str(self.config_dir / "gunicorn.conf.py"),
                    "--bind",
                    f"127.0.0.1:{self.port}",
                ],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}: {self.log()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/healthz", timeout=1) as response:
                    if response.status == 200:
                        return self.base_url
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer within {timeout}s: {self.log()[-2000:]}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)
        # Any traceback in the server's log is a failure even if every response looked fine.
        assert "Traceback" not in self.log(), self.log()[-4000:]

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
