"""The repository's load balancer config (deploy/nginx.conf) run by a local nginx, in front of
toolloom replicas on 127.0.0.1: for the multi-replica test and ``toolloom bench``.

The config is the one the scaled deployment ships; only what ties it to the compose network is
replaced in a copy: the replicas' host names become 127.0.0.1 ports, it listens on a loopback
port, and its pid file, logs and temporary files go to a work folder. Debian's ``nginx`` package
provides the binary (scripts/test.sh installs it when missing).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "deploy" / "nginx.conf"
_SERVER_LINE = re.compile(r"^(\s*)server (toolloom-\d+):8001([^;]*);\n", re.M)


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None
    )


def replica_hosts(text: str) -> list[str]:
    """The replicas' host names the shipped config names (toolloom-1, ...)."""
    return [match.group(2) for match in _SERVER_LINE.finditer(text)]


def local_config(text: str, upstreams: Sequence[str], port: int, workdir: Path) -> str:
    """``text`` (deploy/nginx.conf) pointed at ``upstreams`` (``host:port`` each), listening on
    127.0.0.1:``port``, with its temporary files under ``workdir``."""
    matches = list(_SERVER_LINE.finditer(text))
    if not matches:
        raise ValueError("no 'server toolloom-N:8001' lines in the config")
    indent, options = matches[0].group(1), matches[0].group(3)
    servers = "".join(f"{indent}server {upstream}{options};\n" for upstream in upstreams)
    text = text[: matches[0].start()] + servers + _SERVER_LINE.sub("", text[matches[0].start() :])
    text, listens = re.subn(r"listen 8001;", f"listen 127.0.0.1:{port};", text)
    if listens != 1:
        raise ValueError("expected one 'listen 8001;' in the config")
    temp = "".join(
        f"\n    {kind}_temp_path {workdir / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return text.replace("http {", "http {" + temp, 1)


def main_directives(workdir: Path) -> str:
    """What ``-g`` adds: no daemon, pid and error log in ``workdir``; workers as root when run as
    root (the work folder is private to this user)."""
    user = "user root; " if os.geteuid() == 0 else ""
    return f"daemon off; {user}pid {workdir / 'nginx.pid'}; error_log {workdir / 'error.log'} warn;"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Balancer:
    """nginx with deploy/nginx.conf in front of ``upstreams``; ``url`` is where clients go."""

    def __init__(self, upstreams: Sequence[str], workdir: Path) -> None:
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError("no nginx: run 'apt-get install -y nginx' (scripts/test.sh does)")
        self.binary = binary
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        workdir.mkdir(parents=True, exist_ok=True)
        self.config = workdir / "nginx.conf"
        self.config.write_text(local_config(CONFIG.read_text(), upstreams, self.port, workdir))
        self.process: subprocess.Popen[bytes] | None = None

    def command(self, *extra: str) -> list[str]:
        return [
            self.binary,
            "-p",
            str(self.workdir),
            "-c",
            str(self.config),
            "-g",
            main_directives(self.workdir),
            *extra,
        ]

    def start(self, timeout: float = 15.0) -> Balancer:
        check = subprocess.run(  # noqa: S603
            self.command("-t"), capture_output=True, text=True, check=False
        )
        if check.returncode != 0:
            raise RuntimeError(f"nginx -t refused the config:\n{check.stderr}")
        self.process = subprocess.Popen(  # noqa: S603
            self.command(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=(self.workdir / "stderr.log").open("wb"),
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited: {self.log()}")
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=1),
            ):
                return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"nginx did not listen within {timeout} s: {self.log()}")

    def log(self) -> str:
        path = self.workdir / "error.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""

    def stop(self) -> None:
        """A quick shutdown (SIGTERM to the master, which stops its workers)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
