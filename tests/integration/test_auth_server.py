"""Issue 26's defect, as a new user met it, on a real ``toolloom serve`` over a SQLite file: a key
made with ``toolloom keys create``, the server started (keyed because the table holds a key),
the key revoked. The server must stay closed to everyone until a key exists again (it used to
answer anyone within a second). The PostgreSQL x 3 replicas version is in test_replicas.py."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from backends.stub import StubLLM
from tests.integration.server_process import ServerProcess


def keys(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``toolloom keys ...`` as the operator runs it: another process on the server's file."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOOLLOOM_")}
    env["TOOLLOOM_DB"] = str(db)
    return subprocess.run(
        [sys.executable, "-m", "server.cli", "keys", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def search(url: str, key: str | None = None) -> int:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.post(f"{url}/threads/search", json={}, headers=headers, timeout=15).status_code


def test_revoking_the_last_key_leaves_the_server_closed(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    admin = keys(db, "create", "admin").stdout.strip()
    with StubLLM() as stub:
        server = ServerProcess(
            tmp_path,
            db=db,
            TOOLLOOM_LLM_BASE_URL=stub.base_url,
            TOOLLOOM_LLM_MODEL="stub",
            TOOLLOOM_AUTH_FAILURES_PER_MINUTE="0",  # every refusal here a 401 (no 429)
        ).start()
        try:
            assert httpx.get(f"{server.url}/health", timeout=10).json()["auth_mode"] == "keys"
            assert (search(server.url), search(server.url, admin)) == (401, 200)

            revoked = keys(db, "revoke", "admin")
            assert "that was the last usable key" in revoked.stderr
            started = time.monotonic()
            answers = []
            # Three of the server's key re-reads at least, and enough answers however loaded
            # the machine is (bounded: 30 s).
            while (time.monotonic() - started < 3.0 or len(answers) < 24) and (
                time.monotonic() - started < 30.0
            ):
                answers += [search(server.url), search(server.url, admin)]
                time.sleep(0.05)
            assert len(answers) >= 24 and set(answers) == {401}

            fresh = keys(db, "create", "admin2", "--scopes", "read").stdout.strip()
            deadline = time.monotonic() + 2.0
            while search(server.url, fresh) != 200:
                assert time.monotonic() < deadline, "the new key was not accepted within 2 s"
                time.sleep(0.05)
            assert search(server.url) == 401
        finally:
            server.stop()
    assert "key revoked" in server.log_path.read_text()  # seen by the server, and logged
