"""Per-key limits and the response cache across two real toolloom processes sharing one real
Redis (one stub backend): the sixth request in a minute is refused whichever process gets it,
a reply cached by one process is served by the other, a changed message misses, ``no-cache``
bypasses; and Redis going away means no cache and in-process limits, never a failed request.

Each test uses its own API key, so their counts do not meet."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from backends.stub import StubLLM
from harness.redis_server import RedisServer
from tests.integration.server_process import ServerProcess

KEYS = {
    "limits": "tl-limits-key-0001",
    "other": "tl-other-key-0002",
    "cache": "tl-cache-key-0003",
    "outage": "tl-outage-key-0004",
}


def reply(request: dict[str, Any]) -> dict[str, Any]:
    if request.get("response_format"):  # detect-intent's structured question: no tool
        return {"content": '{"tool": null, "arguments": {}}'}
    return {"content": "Fine, thanks."}


@pytest.fixture(scope="module")
def stub() -> Iterator[StubLLM]:
    with StubLLM(default=reply) as llm:
        yield llm


@pytest.fixture(scope="module")
def redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """This module's own Redis: the last test stops it."""
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def servers(
    tmp_path_factory: pytest.TempPathFactory, stub: StubLLM, redis: RedisServer
) -> Iterator[list[ServerProcess]]:
    env = {
        "TOOLLOOM_LLM_BASE_URL": stub.base_url,
        "TOOLLOOM_LLM_MODEL": "stub",
        "TOOLLOOM_LLM_MAX_RETRIES": "0",
        "TOOLLOOM_REDIS_URL": redis.url,
        "TOOLLOOM_RATE_LIMIT_RPM": "5",
        "TOOLLOOM_CACHE_TTL": "600",
        "TOOLLOOM_API_KEYS": ",".join(f"{name}={key}" for name, key in KEYS.items()),
    }
    started: list[ServerProcess] = []
    try:
        for name in ("a", "b"):
            started.append(ServerProcess(tmp_path_factory.mktemp(f"replica-{name}"), **env).start())
        yield started
    finally:
        for process in started:
            process.stop()


def ask(
    server: ServerProcess, key: str, text: str = "How are you?", **headers: str
) -> httpx.Response:
    return httpx.post(
        f"{server.url}/v1/chat/completions",
        json={"model": "toolloom", "messages": [{"role": "user", "content": text}]},
        headers={"Authorization": f"Bearer {KEYS[key]}", **headers},
        timeout=60,
    )


def metric(server: ServerProcess, name: str, **labels: str) -> float:
    text = httpx.get(
        f"{server.url}/metrics", headers={"Authorization": f"Bearer {KEYS['limits']}"}, timeout=10
    ).text
    for line in text.splitlines():
        if line.startswith(name + "{") and all(f'{k}="{v}"' in line for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_five_a_minute_across_two_processes(servers: list[ServerProcess]) -> None:
    a, b = servers
    statuses = [ask(server, "limits").status_code for server in (a, b, a, b, a)]
    assert statuses == [200] * 5
    refused = ask(b, "limits")
    assert refused.status_code == 429
    assert 55 <= int(refused.headers["Retry-After"]) <= 60
    error = refused.json()["error"]
    assert error["code"] == "rate_limit_exceeded" and error["type"] == "rate_limit_error"
    assert error["message"].startswith("Rate limit reached: 5 requests per minute")
    other = httpx.post(  # LangServe on the other process: the same count, FastAPI's shape
        f"{a.url}/agent/invoke",
        json={"input": {"messages": [{"type": "human", "content": "hi"}]}},
        headers={"Authorization": f"Bearer {KEYS['limits']}"},
        timeout=60,
    )
    assert other.status_code == 429 and other.json()["detail"].startswith("Rate limit reached")
    assert ask(a, "other").status_code == 200  # another key is not affected


def test_identical_requests_hit_the_shared_cache(
    servers: list[ServerProcess], stub: StubLLM
) -> None:
    a, b = servers
    question = "What does a cache do?"
    sent = len(stub.requests)
    hits = metric(a, "toolloom_cache_requests_total", result="hit")
    assert ask(a, "cache", question).status_code == 200
    calls = len(stub.requests) - sent  # the model calls of one run, all misses
    assert calls >= 1

    first = ask(a, "cache", question)  # the same run again: every model call from the cache
    assert first.status_code == 200 and first.json()["choices"][0]["message"]["content"] == (
        "Fine, thanks."
    )
    other = ask(b, "cache", question)  # the other process: stored by a, through Redis
    assert other.status_code == 200
    assert len(stub.requests) - sent == calls  # the stub saw the question once
    assert metric(a, "toolloom_cache_requests_total", result="hit") == hits + calls
    assert metric(b, "toolloom_cache_requests_total", result="hit") >= calls

    assert ask(b, "cache", question + " Really?").status_code == 200  # a changed message
    assert len(stub.requests) - sent == 2 * calls
    bypass = ask(a, "cache", question, **{"Cache-Control": "no-cache"})
    assert bypass.status_code == 200
    assert len(stub.requests) - sent == 3 * calls  # no-cache went to the backend


def test_redis_going_away_means_no_cache_and_limits_in_process(
    servers: list[ServerProcess], stub: StubLLM, redis: RedisServer
) -> None:
    a, _ = servers
    question = "Is Redis there?"
    assert ask(a, "outage", question).status_code == 200  # stored in Redis
    redis.stop()
    sent = len(stub.requests)
    statuses = [ask(a, "outage", question).status_code for _ in range(5)]
    # counted in process from zero: five accepted (none failed), then the sixth refused
    assert statuses == [200] * 5
    assert ask(a, "outage", question).status_code == 429
    assert len(stub.requests) - sent >= 5  # no cache: every run reached the backend
    log = Path(a.log_path).read_text()
    assert log.count("Redis unavailable for rate limits") == 1
    assert log.count("Redis unavailable for the response cache") == 1
    assert " 500 " not in log and "Traceback" not in log
