"""Logs, metrics and usage from a running server (JSON logs, stub LLM with known token counts)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import httpx

from backends.stub import StubLLM
from tests.integration.server_process import ServerProcess

KEY = "tl-observability-secret-key-123456"
LLM_KEY = "sk-upstream-secret-987654321"


def metric(text: str, name: str, **labels: str) -> float:
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        if all(f'{k}="{v}"' in line for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_logs_metrics_and_usage(tmp_path: Path) -> None:
    with StubLLM(default={"content": "three words here"}) as stub:
        server = ServerProcess(
            tmp_path,
            TOOLLOOM_LLM_BASE_URL=stub.base_url,
            TOOLLOOM_LLM_MODEL="stub",
            TOOLLOOM_LLM_API_KEY=LLM_KEY,
            TOOLLOOM_API_KEYS=f"ops={KEY}",
            TOOLLOOM_LOG_FORMAT="json",
        ).start()
        auth = {"Authorization": f"Bearer {KEY}"}
        try:
            before = httpx.get(f"{server.url}/metrics", headers=auth, timeout=10).text
            replies = []
            for text in ("What is 23*19?", "Hello there", "What is 2+2?"):
                replies.append(
                    httpx.post(
                        f"{server.url}/v1/chat/completions",
                        timeout=30,
                        headers={
                            **auth,
                            "X-Request-Id": f"req-{len(replies)}",
                            "X-Thread-Id": "obs",
                        },
                        json={"model": "toolloom", "messages": [{"role": "user", "content": text}]},
                    )
                )
            denied = httpx.post(
                f"{server.url}/threads/search",
                json={},
                headers={"Authorization": "Bearer sk-wrong-key-555555555"},
                timeout=10,
            )
            after = httpx.get(f"{server.url}/metrics", headers=auth, timeout=10).text
            usage = httpx.get(f"{server.url}/usage", headers=auth, timeout=10).json()
        finally:
            server.stop()

    # request ids: taken from the client, returned, and on every log line of the request
    assert [r.status_code for r in replies] == [200, 200, 200]
    assert [r.headers["X-Request-Id"] for r in replies] == ["req-0", "req-1", "req-2"]
    assert denied.status_code == 401 and re.fullmatch(
        r"[0-9a-f]{32}", denied.headers["X-Request-Id"]
    )
    lines = [
        json.loads(line)
        for line in server.log_path.read_text().splitlines()
        if line.startswith("{")
    ]
    first = [line for line in lines if line["request_id"] == "req-0"]
    access = next(line for line in first if line["message"] == "request")
    assert access["status"] == 200 and access["route"] == "/v1/chat/completions"
    assert access["thread_id"] == "obs" and access["key"] == "ops" and access["duration_ms"] > 0
    tool = next(line for line in first if line["message"] == "tool call")
    assert (
        tool["tool"] == "calculator" and tool["stage"] == "intent" and tool["status"] == "success"
    )
    assert tool["argument_chars"] > 0 and tool["result_chars"] > 0 and "437" not in json.dumps(tool)
    llm = [line for line in first if line["message"] == "llm call"]
    assert llm and all(line["model"] == "stub" and line["status"] == "ok" for line in llm)

    # secrets appear nowhere in the logs
    log_text = server.log_path.read_text()
    for secret in (KEY, LLM_KEY, "sk-wrong-key-555555555"):
        assert secret not in log_text

    # metrics moved by the right amounts
    route = "/v1/chat/completions"
    assert (
        metric(after, "toolloom_requests_total", route=route, status="200")
        - metric(before, "toolloom_requests_total", route=route, status="200")
        == 3
    )
    assert (
        metric(
            after, "toolloom_tool_calls_total", tool="calculator", stage="intent", status="success"
        )
        == 2
    )
    assert metric(after, "toolloom_requests_total", route="/threads/search", status="401") == 1
    assert metric(after, "toolloom_threads") == 1
    assert (
        metric(after, "toolloom_messages") == 2 * 4 + 2
    )  # two tool turns of 4 messages, one plain turn of 2
    llm_calls = len(stub.requests)
    assert metric(after, "toolloom_llm_request_duration_seconds_count", model="stub") == llm_calls

    # usage: what was sent, counted per key and day (the stub reports 10 prompt tokens a call)
    chats = usage["days"]
    assert usage["key"] == "ops" and len(chats) == 1
    day = chats[0]
    assert day["requests"] >= 3 and day["errors"] == 0 and day["tool_calls"] == 2
    assert day["prompt_tokens"] == 10 * llm_calls
    assert (
        day["completion_tokens"] == 4 * llm_calls
    )  # the stub counts words + 1: "three words here"

    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TOOLLOOM_")},
        "TOOLLOOM_DB": str(server.db),
    }
    table = subprocess.run(
        [sys.executable, "-m", "server.cli", "usage", "--key", "ops"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    ).stdout
    header, row = (line.split() for line in table.strip().splitlines())
    assert dict(zip(header, row, strict=True)) == {
        "day": day["day"],
        "key": "ops",
        "requests": str(day["requests"]),
        "errors": "0",
        "prompt_tokens": str(10 * llm_calls),
        "completion_tokens": str(4 * llm_calls),
        "tool_calls": "2",
    }
