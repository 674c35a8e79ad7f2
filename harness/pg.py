"""A throwaway PostgreSQL cluster for tests: Debian's PostgreSQL 15 started with initdb and pg_ctl
in a temporary directory, on a free 127.0.0.1 port, and removed at the end.

PostgreSQL refuses to run as root, so as root the cluster belongs to the ``postgres`` user (the
Debian package creates it) and every command runs through ``runuser -u postgres``. fsync is off:
the data is thrown away anyway. Each test gets its own database (``fresh_database``), made with
CREATE DATABASE from template0, so tests never see each other's rows.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg

PG_BIN = Path(os.environ.get("TOOLLOOM_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))
SUPERUSER = "postgres"


class PostgresMissing(RuntimeError):
    """PostgreSQL's server binaries are not installed (``apt-get install -y postgresql``)."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresCluster:
    """One PostgreSQL server in its own directory; ``start``, ``stop`` (to test outages), ``remove``."""

    def __init__(self, root: Path | None = None, port: int | None = None) -> None:
        if not (PG_BIN / "initdb").exists():
            raise PostgresMissing(
                f"no PostgreSQL in {PG_BIN}: run 'apt-get install -y postgresql' "
                "(scripts/test.sh does this when it runs as root)"
            )
        self._as_root = os.geteuid() == 0
        self.root = root or Path(tempfile.mkdtemp(prefix="toolloom-pg-"))
        self.data = self.root / "data"
        self.sockets = self.root / "sockets"
        self.log = self.root / "server.log"
        self.port = port or free_port()
        self._names = itertools.count(1)
        self.sockets.mkdir(parents=True, exist_ok=True)
        if self._as_root:
            owner = pwd.getpwnam("postgres")
            for path in (self.root, self.sockets):
                os.chown(path, owner.pw_uid, owner.pw_gid)

    def _run(self, *args: str) -> None:
        command = [*(["runuser", "-u", "postgres", "--"] if self._as_root else []), *args]
        result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
        if result.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(
                f"{' '.join(args[:2])} failed ({result.returncode}): {result.stderr.strip()}\n{log}"
            )

    def init(self) -> PostgresCluster:
        self._run(
            str(PG_BIN / "initdb"),
            "-D",
            str(self.data),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        )
        return self

    def start(self) -> None:
        options = " ".join(
            [
                f"-p {self.port}",
                f"-k {self.sockets}",
                "-c listen_addresses=127.0.0.1",
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                "-c max_connections=200",
                "-c shared_buffers=32MB",
            ]
        )
        self._run(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (``fast``: disconnect clients; ``immediate``: as if it crashed)."""
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def remove(self) -> None:
        with contextlib.suppress(RuntimeError):
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def fresh_database(self) -> str:
        """A new, empty database; returns its URL."""
        name = f"t{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
        return self.url(name)


def start_cluster() -> PostgresCluster:
    cluster = PostgresCluster().init()
    try:
        cluster.start()
    except BaseException:
        cluster.remove()
        raise
    return cluster
