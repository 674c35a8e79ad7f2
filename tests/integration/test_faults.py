"""The fault matrix: a real server on 127.0.0.1 in front of a stub backend told to fail.

For each fault and each surface (OpenAI JSON, OpenAI stream, LangServe invoke, the web page's
stream): what the client sees (status and plain words, no stack trace), that the user's message
is kept in the thread, and that the thread works afterwards. Then the circuit breaker: it opens
after failures in a row, refuses without calling the backend, shows in /health and /metrics, and
closes by itself when the backend is back.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from backends.embedded import free_port
from backends.stub import StubLLM
from tests.integration.server_process import ServerProcess

FAST = {
    "TOOLLOOM_LLM_MODEL": "stub",
    "TOOLLOOM_LLM_TIMEOUT": "1",
    "TOOLLOOM_LLM_MAX_RETRIES": "2",
    "TOOLLOOM_LLM_RETRY_BASE_DELAY": "0.05",
}


@pytest.fixture(scope="module")
def stub() -> Iterator[StubLLM]:
    with StubLLM(default={"content": "Fine, thanks."}) as llm:
        yield llm


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, stub: StubLLM) -> Iterator[ServerProcess]:
    process = ServerProcess(
        tmp_path_factory.mktemp("faults"),
        TOOLLOOM_LLM_BASE_URL=stub.base_url,
        TOOLLOOM_LLM_BREAKER_FAILURES="1000",  # the matrix must not trip the breaker
        **FAST,
    ).start()
    yield process
    process.stop()


def v1(server: ServerProcess, thread: str, text: str) -> tuple[int, str, dict[str, str]]:
    response = httpx.post(
        f"{server.url}/v1/chat/completions",
        json={"model": "toolloom", "messages": [{"role": "user", "content": text}]},
        headers={"X-Thread-Id": thread},
        timeout=60,
    )
    if response.status_code == 200:
        return 200, response.json()["choices"][0]["message"]["content"], dict(response.headers)
    error = response.json()["error"]
    assert set(error) >= {"message", "type", "code"}
    return response.status_code, error["message"], dict(response.headers)


def v1_stream(server: ServerProcess, thread: str, text: str) -> tuple[int, str, dict[str, str]]:
    content, error = "", None
    with httpx.stream(
        "POST",
        f"{server.url}/v1/chat/completions",
        json={"model": "toolloom", "stream": True, "messages": [{"role": "user", "content": text}]},
        headers={"X-Thread-Id": thread},
        timeout=60,
    ) as response:
        assert response.status_code == 200
        for line in response.iter_lines():
            if not line.startswith("data: ") or line == "data: [DONE]":
                continue
            payload = json.loads(line[6:])
            if "error" in payload:
                error = payload["error"]
            else:
                content += payload["choices"][0]["delta"].get("content") or ""
    if error:
        return int(error["code"]), error["message"], {}
    return 200, content, {}


def langserve(server: ServerProcess, thread: str, text: str) -> tuple[int, str, dict[str, str]]:
    response = httpx.post(
        f"{server.url}/agent/invoke",
        json={"input": {"messages": [{"type": "human", "content": text}]}},
        headers={"X-Thread-Id": thread},
        timeout=60,
    )
    if response.status_code == 200:
        return 200, response.json()["output"]["messages"][-1]["content"], dict(response.headers)
    return response.status_code, response.json()["detail"], dict(response.headers)


def web(server: ServerProcess, thread: str, text: str) -> tuple[int, str, dict[str, str]]:
    events = []
    with httpx.stream(
        "POST",
        f"{server.url}/ui/chat",
        json={"thread_id": thread, "message": text},
        timeout=60,
    ) as response:
        assert response.status_code == 200
        events = [json.loads(x[6:]) for x in response.iter_lines() if x.startswith("data: ")]
    last = events[-1]
    if last["type"] == "error":
        return last["status"], last["message"], {}
    assert last["type"] == "done"
    return 200, last["content"], {}


SURFACES = {"v1": v1, "v1-stream": v1_stream, "langserve": langserve, "web": web}
STREAMED = {"v1-stream", "web"}  # surfaces whose run streams from the backend

# fault id -> (replies the stub gives, one per attempt; expected status; words in the message)
FAULTS: dict[str, tuple[list[dict[str, Any]], int, str]] = {
    "connection-dropped": ([{"drop": True}] * 3, 503, "unavailable"),
    "timeout": ([{"delay": 2.5, "content": "late"}] * 3, 504, "in time"),
    "http-500": ([{"status": 500}] * 3, 502, "failed (HTTP 500)"),
    "http-503": ([{"status": 503}] * 3, 503, "unavailable (HTTP 503)"),
    "http-429": ([{"status": 429, "headers": {"Retry-After": "0"}}] * 3, 503, "overloaded"),
    # A streamed call finds no events in it: "cut off", retried like a cut stream.
    "malformed-json": ([{"raw": b"{not json at all"}] * 3, 502, "could not be read|cut off"),
}


def check_thread(server: ServerProcess, thread: str, sent: list[str]) -> None:
    stored = httpx.get(f"{server.url}/threads/{thread}/transcript", timeout=10).json()["messages"]
    assert [m["content"] for m in stored if m["role"] == "user"] == sent


@pytest.mark.parametrize("surface", list(SURFACES))
@pytest.mark.parametrize("fault", list(FAULTS))
def test_fault_gives_a_clear_error_and_loses_nothing(
    server: ServerProcess, stub: StubLLM, fault: str, surface: str
) -> None:
    replies, status, words = FAULTS[fault]
    call = SURFACES[surface]
    thread = f"{fault}-{surface}-{uuid.uuid4().hex[:6]}"
    stub.script[:] = [dict(r) for r in replies]
    got, message, _ = call(server, thread, "Hello there")
    stub.script.clear()
    assert got == status, message
    assert any(w in message for w in words.split("|")), message
    assert "Traceback" not in message
    if fault == "http-500":  # the backend's reason, in one line (issue 25)
        assert "stub error" in message
    check_thread(server, thread, ["Hello there"])
    again, answer, _ = call(server, thread, "Are you back?")
    assert again == 200 and answer == "Fine, thanks."
    check_thread(server, thread, ["Hello there", "Are you back?"])


@pytest.mark.parametrize("surface", sorted(STREAMED))
def test_a_stream_cut_off_mid_answer_is_retried_then_reported(
    server: ServerProcess, stub: StubLLM, surface: str
) -> None:
    call = SURFACES[surface]
    # Cut once: the retry gets the whole answer.
    thread = f"cut-once-{surface}-{uuid.uuid4().hex[:6]}"
    stub.script[:] = [{"content": "A long answer that is cut", "cut_after": 2}]
    got, answer, _ = call(server, thread, "Tell me something")
    assert got == 200 and answer.endswith("Fine, thanks.")
    # Cut on every attempt: a 502 that says so.
    thread = f"cut-always-{surface}-{uuid.uuid4().hex[:6]}"
    stub.script[:] = [{"content": "A long answer that is cut", "cut_after": 2}] * 3
    got, message, _ = call(server, thread, "Tell me something")
    stub.script.clear()
    assert got == 502 and "cut off" in message
    check_thread(server, thread, ["Tell me something"])


def test_429_with_retry_after_is_waited_for_then_succeeds(
    server: ServerProcess, stub: StubLLM
) -> None:
    sent_before = len(stub.requests)
    v1(server, f"retry-after-{uuid.uuid4().hex[:6]}", "Hello")
    normal = len(stub.requests) - sent_before  # backend calls of a normal turn
    stub.script[:] = [{"status": 429, "headers": {"Retry-After": "1"}}]
    sent_before = len(stub.requests)
    started = time.monotonic()
    got, answer, _ = v1(server, f"retry-after-{uuid.uuid4().hex[:6]}", "Hello")
    assert got == 200 and answer == "Fine, thanks."
    assert time.monotonic() - started >= 1.0
    # One more call than a normal turn: the refused one. No stacked retries.
    assert len(stub.requests) - sent_before == normal + 1


def test_retries_are_bounded_to_one_loop(server: ServerProcess, stub: StubLLM) -> None:
    """Three attempts reach the backend for a 503 that never ends: not 3 x 3 (client and graph
    retrying both)."""
    stub.script[:] = [{"status": 503}] * 20
    sent_before = len(stub.requests)
    got, _, _ = v1(server, f"bounded-{uuid.uuid4().hex[:6]}", "Hello")
    stub.script.clear()
    assert got == 503
    assert len(stub.requests) - sent_before == 3


@pytest.mark.parametrize(
    "nonsense",
    [
        "<|channel|>commentary to=functions.nowhere <|constrain|>json<|message|>{{{",
        '{"name": "no_such_tool", "arguments": {"x": 1}}',
    ],
    ids=["harmony-garbage", "unknown-tool-json"],
)
def test_nonsense_from_the_model_gets_a_plain_answer(
    server: ServerProcess, stub: StubLLM, nonsense: str
) -> None:
    stub.script[:] = [{"content": nonsense}] * 6
    thread = f"nonsense-{uuid.uuid4().hex[:6]}"
    got, answer, _ = v1(server, thread, "Tell me a joke")
    stub.script.clear()
    assert got == 200
    assert "<|" not in answer and "no_such_tool" not in answer and answer.strip()
    check_thread(server, thread, ["Tell me a joke"])


def test_connection_refused_shows_in_health_and_keeps_the_message(tmp_path: Path) -> None:
    dead = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens here
    process = ServerProcess(tmp_path, TOOLLOOM_LLM_BASE_URL=dead, **FAST).start()
    try:
        got, message, _ = v1(process, "refused", "Hello")
        assert got == 503 and "connection failed" in message
        health = httpx.get(f"{process.url}/health", timeout=10).json()
        assert health["status"] == "ok" and health["llm"]["ok"] is False
        assert httpx.get(f"{process.url}/ready", timeout=10).status_code == 503
        check_thread(process, "refused", ["Hello"])
    finally:
        process.stop()


def test_circuit_breaker_opens_refuses_and_recovers(tmp_path: Path) -> None:
    with StubLLM(default={"content": "Back again."}) as stub:
        process = ServerProcess(
            tmp_path,
            TOOLLOOM_LLM_BASE_URL=stub.base_url,
            TOOLLOOM_LLM_BREAKER_FAILURES="3",
            TOOLLOOM_LLM_BREAKER_RESET="2",
            **FAST,
        ).start()
        try:
            stub.script[:] = [{"status": 503}] * 100
            got, _, _ = v1(process, "breaker", "first")  # three attempts: the circuit opens
            assert got == 503
            calls = len(stub.requests)
            assert calls == 3

            got, message, headers = v1(process, "breaker", "second")
            assert got == 503 and "stopped calling it" in message
            assert int(headers["retry-after"]) in (1, 2)
            assert len(stub.requests) == calls  # refused without calling the backend
            health = httpx.get(f"{process.url}/health", timeout=10).json()["llm"]
            assert health["ok"] is False and health["circuit"] == "open"
            metrics = httpx.get(f"{process.url}/metrics", timeout=10).text
            assert 'toolloom_llm_circuit_state{backend="stub"} 1.0' in metrics

            stub.script.clear()  # the backend is back
            time.sleep(2.1)
            got, answer, _ = v1(process, "breaker", "third")
            assert got == 200 and answer == "Back again."
            health = httpx.get(f"{process.url}/health", timeout=10).json()["llm"]
            assert health["ok"] is True and health["circuit"] == "closed"
            check_thread(process, "breaker", ["first", "second", "third"])
            log = process.log_path.read_text()
            assert "circuit stub: closed -> open" in log
            assert "attempt=3" in log  # the LLM log line shows the retries
        finally:
            process.stop()
