"""A real toolloom server in a child process on 127.0.0.1, on the real embedded model."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from backends.embedded import free_port

START_TIMEOUT = 180.0


class ServerProcess:
    def __init__(
        self, tmp: Path, db: Path | None = None, *, ready_path: str = "/health", **env: str
    ) -> None:
        self.tmp = tmp
        self.ready_path = ready_path
        """What start polls until it answers 200 (``/health`` checks every backend: slow with
        dozens of them)."""
        self.db = db or tmp / "toolloom.db"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("TOOLLOOM_")},
            "TOOLLOOM_DB": str(self.db),
            "TOOLLOOM_WORKSPACE": str(tmp / "workspace"),
            "TOOLLOOM_SANDBOX_DB": str(tmp / "sandbox.db"),
            "TOOLLOOM_EMBEDDED_THREADS": "2",
            **env,
        }
        self.log_path = tmp / f"server-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> ServerProcess:
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "serve", "--port", str(self.port)],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=self.tmp,
        )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}:\n{self.log()}")
            try:
                if httpx.get(f"{self.url}{self.ready_path}", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"server did not answer within {START_TIMEOUT} s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def invoke(self, text: str, thread: str, timeout: float = 180) -> dict[str, Any]:
        response = httpx.post(
            f"{self.url}/agent/invoke",
            json={"input": {"messages": [{"type": "human", "content": text}]}},
            headers={"X-Thread-Id": thread},
            timeout=timeout,
        )
        assert response.status_code == 200, response.text
        output: dict[str, Any] = response.json()["output"]
        return output
