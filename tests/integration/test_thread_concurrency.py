"""Concurrent requests on one thread: runs are serialised, every message is kept and no turn
interleaves another; past the wait a request gets a clear 409. (On the stock stack two of forty
messages survived this.) The backend is a stub that takes 50 ms a reply. Both storage backends:
a SQLite file (asyncio locks) and PostgreSQL (row leases in the database)."""

from __future__ import annotations

import concurrent.futures
import time
from pathlib import Path

import httpx

from backends.stub import StubLLM
from tests.integration.server_process import ServerProcess


def ask(server: ServerProcess, text: str, thread: str) -> httpx.Response:
    return httpx.post(
        f"{server.url}/v1/chat/completions",
        timeout=120,
        headers={"X-Thread-Id": thread},
        json={"model": "toolloom", "messages": [{"role": "user", "content": text}]},
    )


def test_twenty_concurrent_requests_on_one_thread_keep_every_message(
    tmp_path: Path, store_env: dict[str, str]
) -> None:
    with StubLLM(default={"content": "noted", "delay": 0.05}) as stub:
        server = ServerProcess(
            tmp_path, TOOLLOOM_LLM_BASE_URL=stub.base_url, TOOLLOOM_LLM_MODEL="stub", **store_env
        ).start()
        try:
            texts = [f"message number {i}" for i in range(20)]
            with concurrent.futures.ThreadPoolExecutor(max_workers=20) as pool:
                replies = list(pool.map(lambda t: ask(server, t, "shared"), texts))
            assert [r.status_code for r in replies] == [200] * 20
            thread = httpx.get(f"{server.url}/threads/shared/transcript", timeout=10).json()
        finally:
            server.stop()
    messages = thread["messages"]
    users = [m["content"] for m in messages if m["role"] == "user"]
    assert sorted(users) == sorted(texts)
    # serialised: every user message is followed by its own answer, never by another user message
    roles = [m["role"] for m in messages]
    assert roles == ["user", "assistant"] * 20


def test_a_request_that_cannot_get_the_thread_gets_409(
    tmp_path: Path, store_env: dict[str, str]
) -> None:
    with StubLLM(default={"content": "slow", "delay": 1.5}) as stub:
        server = ServerProcess(
            tmp_path,
            TOOLLOOM_LLM_BASE_URL=stub.base_url,
            TOOLLOOM_LLM_MODEL="stub",
            TOOLLOOM_THREAD_BUSY_WAIT="0.2",
            **store_env,
        ).start()
        try:
            with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
                first = pool.submit(ask, server, "first", "busy")
                deadline = time.monotonic() + 30
                while (
                    not stub.requests and time.monotonic() < deadline
                ):  # the first run holds the thread
                    time.sleep(0.01)
                second = pool.submit(ask, server, "second", "busy")
                statuses = sorted([first.result().status_code, second.result().status_code])
            assert statuses == [200, 409]
            body = second.result().json()
            assert "busy" in body["error"]["message"]
            thread = httpx.get(f"{server.url}/threads/busy/transcript", timeout=10).json()
        finally:
            server.stop()
    assert [m["content"] for m in thread["messages"] if m["role"] == "user"] == ["first"]
