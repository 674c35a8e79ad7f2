"""SIGKILL in the middle of a run, then a restart on the same database (a SQLite file, or
PostgreSQL with the same TOOLLOOM_REPLICA_ID, which takes back its own dead runs at start): the
thread loads, the database is intact, the interrupted run is marked as such and its user message
is kept, and the thread works again."""

from __future__ import annotations

import contextlib
import signal
import sqlite3
import threading
import time
from pathlib import Path

import httpx

from backends.stub import StubLLM
from tests.integration.server_process import ServerProcess


def test_sigkill_mid_run_then_restart(tmp_path: Path, store_env: dict[str, str]) -> None:
    with StubLLM(default={"content": "Answered after the restart."}) as stub:
        env = {
            "TOOLLOOM_LLM_BASE_URL": stub.base_url,
            "TOOLLOOM_LLM_MODEL": "stub",
            "TOOLLOOM_REPLICA_ID": "crash-test",
            **store_env,
        }
        first = ServerProcess(tmp_path, **env).start()
        httpx.post(
            f"{first.url}/v1/chat/completions",
            json={"messages": [{"role": "user", "content": "A finished turn"}]},
            headers={"X-Thread-Id": "crash"},
            timeout=30,
        ).raise_for_status()

        stub.script[:] = [{"delay": 60, "content": "never sent"}]
        seen = len(stub.requests)

        def doomed() -> None:
            with contextlib.suppress(httpx.HTTPError):  # the server dies under it
                httpx.post(
                    f"{first.url}/v1/chat/completions",
                    json={"messages": [{"role": "user", "content": "Hello before the crash"}]},
                    headers={"X-Thread-Id": "crash"},
                    timeout=90,
                )

        client = threading.Thread(target=doomed, daemon=True)
        client.start()
        deadline = time.monotonic() + 30
        while len(stub.requests) == seen and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(stub.requests) > seen, "the run never reached the model"
        first.stop(signal.SIGKILL)  # mid-run: the model has the request, no answer yet
        client.join(timeout=10)

        if not store_env:  # the SQLite file is intact
            with sqlite3.connect(first.db) as db:
                assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)

        stub.script.clear()
        second = ServerProcess(tmp_path, db=first.db, **env).start()
        try:
            thread = httpx.get(f"{second.url}/threads/crash/transcript", timeout=10).json()
            assert thread["last_run"]["status"] == "interrupted"
            assert "stopped during this run" in thread["last_run"]["error"]
            users = [m["content"] for m in thread["messages"] if m["role"] == "user"]
            assert users == ["A finished turn", "Hello before the crash"]  # nothing lost

            reply = httpx.post(
                f"{second.url}/v1/chat/completions",
                json={"messages": [{"role": "user", "content": "Are you there?"}]},
                headers={"X-Thread-Id": "crash"},
                timeout=30,
            )
            assert reply.status_code == 200
            assert reply.json()["choices"][0]["message"]["content"] == "Answered after the restart."
            thread = httpx.get(f"{second.url}/threads/crash/transcript", timeout=10).json()
            assert thread["last_run"]["status"] == "success"
            users = [m["content"] for m in thread["messages"] if m["role"] == "user"]
            assert users == ["A finished turn", "Hello before the crash", "Are you there?"]
            assert "interrupted" in second.log()
        finally:
            second.stop()
