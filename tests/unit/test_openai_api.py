"""/v1/chat/completions, threads, keys and limits, with a scripted model (no network)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest
from fastapi.testclient import TestClient
from langchain_core.messages import AIMessage

from harness.fakes import ScriptedChatModel, tool_call
from server.app import create_app
from server.settings import load_settings

WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather in a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}


def make_client(tmp_path: Path, model: ScriptedChatModel, **settings: Any) -> TestClient:
    config = load_settings(db=tmp_path / "app.db", workspace=tmp_path / "ws", **settings)
    return TestClient(create_app(config, llm=model))


@pytest.fixture
def model() -> ScriptedChatModel:
    return ScriptedChatModel(default="I am a scripted model.")


@pytest.fixture
def client(tmp_path: Path, model: ScriptedChatModel) -> Iterator[TestClient]:
    with make_client(tmp_path, model) as test_client:
        yield test_client


def chat(
    client: TestClient,
    messages: list[dict[str, Any]],
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> httpx.Response:
    return client.post(
        "/v1/chat/completions",
        json={"model": "toolloom", "messages": messages, **extra},
        headers=headers or {},
    )


def user(text: str) -> dict[str, str]:
    return {"role": "user", "content": text}


def sse(response: httpx.Response) -> list[Any]:
    events = []
    for line in response.text.splitlines():
        if line.startswith("data: "):
            data = line[6:]
            events.append(data if data == "[DONE]" else json.loads(data))
    return events


def test_agent_mode(client: TestClient) -> None:
    response = chat(client, [user("What is 23*19?")])
    assert response.status_code == 200
    body = response.json()
    assert body["object"] == "chat.completion"
    choice = body["choices"][0]
    assert choice["finish_reason"] == "stop"
    assert choice["message"] == {"role": "assistant", "content": "23*19 = 437"}
    assert set(body["usage"]) == {"prompt_tokens", "completion_tokens", "total_tokens"}
    assert list(body["toolloom"]["call_stages"].values()) == ["intent"]


def test_tool_call_mode_returns_calls_and_runs_nothing(
    client: TestClient, model: ScriptedChatModel
) -> None:
    model.script = [
        AIMessage(content="", tool_calls=[tool_call("get_weather", {"city": "Seoul"}, "call_w")])
    ]
    body = chat(client, [user("Weather in Seoul?")], tools=[WEATHER]).json()
    choice = body["choices"][0]
    assert choice["finish_reason"] == "tool_calls"
    call = choice["message"]["tool_calls"][0]
    assert call["id"] == "call_w" and call["type"] == "function"
    assert call["function"]["name"] == "get_weather"
    assert json.loads(call["function"]["arguments"]) == {"city": "Seoul"}
    assert [t["function"]["name"] for t in model.calls[0]["kwargs"]["tools"]] == ["get_weather"]


def test_tool_call_mode_round_trip(client: TestClient, model: ScriptedChatModel) -> None:
    model.script = [
        '<tool_call>{"name": "get_weather", "arguments": {"city": "Seoul"}}</tool_call>',
        "It is sunny in Seoul, 21 degrees.",
    ]
    first = chat(client, [user("Weather in Seoul?")], tools=[WEATHER]).json()["choices"][0][
        "message"
    ]
    assert first["tool_calls"][0]["function"]["name"] == "get_weather"
    follow_up = [
        user("Weather in Seoul?"),
        first,
        {
            "role": "tool",
            "tool_call_id": first["tool_calls"][0]["id"],
            "content": '{"temp": 21, "sky": "sunny"}',
        },
    ]
    second = chat(client, follow_up, tools=[WEATHER]).json()["choices"][0]
    assert second["finish_reason"] == "stop"
    assert second["message"]["content"] == "It is sunny in Seoul, 21 degrees."


def test_tool_choice_validation(client: TestClient) -> None:
    response = chat(
        client,
        [user("hi")],
        tools=[WEATHER],
        tool_choice={"type": "function", "function": {"name": "nope"}},
    )
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "tool_choice"
    assert chat(client, [user("hi")], tool_choice="required").status_code == 400


def test_stream_agent_mode(client: TestClient) -> None:
    with client.stream(
        "POST",
        "/v1/chat/completions",
        json={
            "model": "toolloom",
            "messages": [user("What is 6*7?")],
            "stream": True,
            "stream_options": {"include_usage": True},
        },
    ) as response:
        response.read()
    events = sse(response)
    assert events[-1] == "[DONE]"
    chunks = events[:-1]
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])
    assert text == "6*7 = 42"
    finishes = [c["choices"][0]["finish_reason"] for c in chunks if c["choices"]]
    assert finishes[-1] == "stop"
    assert chunks[-1]["choices"] == [] and "total_tokens" in chunks[-1]["usage"]


def test_stream_tool_calls(client: TestClient, model: ScriptedChatModel) -> None:
    model.script = [
        AIMessage(content="", tool_calls=[tool_call("get_weather", {"city": "Seoul, " * 10}, "c1")])
    ]
    with client.stream(
        "POST",
        "/v1/chat/completions",
        json={
            "model": "toolloom",
            "messages": [user("Weather?")],
            "tools": [WEATHER],
            "stream": True,
        },
    ) as response:
        response.read()
    chunks = [e for e in sse(response) if e != "[DONE]"]
    deltas = [d for c in chunks for d in c["choices"][0]["delta"].get("tool_calls") or []]
    assert deltas[0]["id"] == "c1" and deltas[0]["function"]["name"] == "get_weather"
    arguments = "".join(d["function"].get("arguments", "") for d in deltas)
    assert json.loads(arguments) == {"city": "Seoul, " * 10}
    assert len(deltas) > 2 and all(d["index"] == 0 for d in deltas)
    assert chunks[-1]["choices"][0]["finish_reason"] == "tool_calls"


def test_models(client: TestClient) -> None:
    ids = [m["id"] for m in client.get("/v1/models").json()["data"]]
    assert "toolloom" in ids


def test_thread_keeps_history_and_is_served(client: TestClient) -> None:
    headers = {"X-Thread-Id": "t-openai"}
    chat(client, [user("What is 2+3?")], headers)
    response = chat(
        client,
        [user("What is 2+3?"), {"role": "assistant", "content": "2+3 = 5"}, user("And 4*4?")],
        headers,
    )
    assert response.json()["choices"][0]["message"]["content"] == "4*4 = 16"
    assert response.headers["X-Thread-Id"] == "t-openai"
    thread = client.get("/threads/t-openai/transcript").json()
    roles = [m["role"] for m in thread["messages"]]
    assert roles == ["user", "assistant", "tool", "assistant"] * 2
    calls = [m for m in thread["messages"] if m.get("tool_calls")]
    assert (
        calls[0]["tool_calls"][0]["name"] == "calculator"
        and calls[0]["tool_calls"][0]["stage"] == "intent"
    )
    tool_rows = [m for m in thread["messages"] if m["role"] == "tool"]
    assert tool_rows[0]["status"] == "success" and tool_rows[0]["stage"] == "intent"
    assert thread["title"] == "What is 2+3?"
    found = client.post("/threads/search", json={}).json()
    assert [t["thread_id"] for t in found] == ["t-openai"]
    assert client.delete("/threads/t-openai").status_code == 204
    assert client.get("/threads/t-openai").status_code == 404


def test_langserve_turns_are_recorded_too(client: TestClient) -> None:
    response = client.post(
        "/agent/invoke",
        json={"input": {"messages": [{"type": "human", "content": "What is 1+1?"}]}},
        headers={"X-Thread-Id": "ls"},
    )
    assert response.status_code == 200
    messages = client.get("/threads/ls/transcript").json()["messages"]
    assert [m["content"] for m in messages if m["role"] == "user"] == ["What is 1+1?"]


def test_keys_and_thread_ownership(tmp_path: Path, model: ScriptedChatModel) -> None:
    with make_client(tmp_path, model, api_keys="alice=key-a,bob=key-b") as client:
        assert client.get("/health").status_code == 200
        missing = chat(client, [user("hi")])
        assert missing.status_code == 401 and missing.json()["error"]["code"] == "missing_api_key"
        assert chat(client, [user("hi")], {"Authorization": "Bearer wrong"}).status_code == 401
        assert client.post("/threads/search", json={}).status_code == 401
        alice = {"Authorization": "Bearer key-a"}
        bob = {"Authorization": "Bearer key-b"}
        assert chat(client, [user("hi")], {**alice, "X-Thread-Id": "secret"}).status_code == 200
        assert client.get("/threads/secret", headers=alice).status_code == 200
        assert client.get("/threads/secret", headers=bob).status_code == 404
        assert chat(client, [user("hi")], {**bob, "X-Thread-Id": "secret"}).status_code == 404
        assert client.delete("/threads/secret", headers=bob).status_code == 404
        assert client.post("/threads/search", json={}, headers=bob).json() == []
        invoke = client.post(
            "/agent/invoke",
            json={"input": {"messages": [{"type": "human", "content": "let me in"}]}},
            headers={**bob, "X-Thread-Id": "secret"},
        )
        assert invoke.status_code == 404


@pytest.mark.parametrize(
    ("payload", "param"),
    [
        ({"messages": []}, "messages"),
        ({"messages": [{"role": "wizard", "content": "x"}]}, "messages.0.role"),
        ({"messages": [{"role": "user", "content": "a\u0000b"}]}, "messages"),
        ({"messages": [{"role": "user", "content": 42}]}, None),
        (
            {
                "messages": [
                    {
                        "role": "assistant",
                        "content": "",
                        "tool_calls": [
                            {
                                "id": "x",
                                "type": "function",
                                "function": {"name": "f", "arguments": "{bad"},
                            }
                        ],
                    },
                    user("x"),
                ]
            },
            "messages[0]",
        ),
        ({"messages": [{"role": "tool", "content": "x"}]}, "messages[0].tool_call_id"),
    ],
)
def test_bad_requests_get_openai_errors(
    client: TestClient, payload: dict[str, Any], param: str | None
) -> None:
    response = client.post("/v1/chat/completions", json=payload)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error" and error["message"]
    if param:
        assert param in (error["param"] or "") or param in error["message"]


def test_lone_surrogate_and_malformed_json(client: TestClient) -> None:
    raw = b'{"messages": [{"role": "user", "content": "a\\ud800b"}]}'
    response = client.post(
        "/v1/chat/completions", content=raw, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400 and "surrogate" in response.json()["error"]["message"]
    broken = client.post(
        "/v1/chat/completions", content=b"{nope", headers={"content-type": "application/json"}
    )
    assert broken.status_code == 400 and "error" in broken.json()


def test_limits(tmp_path: Path, model: ScriptedChatModel) -> None:
    with make_client(
        tmp_path, model, max_messages=3, max_message_chars=10, max_body_bytes=2048
    ) as client:
        assert chat(client, [user("a")] * 4).status_code == 400
        too_long = chat(client, [user("x" * 11)])
        assert (
            too_long.status_code == 400 and "longer than 10" in too_long.json()["error"]["message"]
        )
        big = client.post(
            "/v1/chat/completions",
            content=b"x" * 5000,
            headers={"content-type": "application/json"},
        )
        assert big.status_code == 413 and big.json()["error"]["type"] == "request_too_large"
        assert client.post("/agent/invoke", content=b"x" * 5000).status_code == 413


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (openai.APIConnectionError(request=httpx.Request("POST", "http://llm")), 503),
        (openai.APITimeoutError(request=httpx.Request("POST", "http://llm")), 504),
        (
            openai.InternalServerError(
                "boom",
                response=httpx.Response(500, request=httpx.Request("POST", "http://llm")),
                body=None,
            ),
            502,
        ),
    ],
)
def test_backend_failures_are_clear_and_keep_the_message(
    tmp_path: Path, error: Exception, status: int
) -> None:
    # Three attempts (one call and TOOLLOOM_LLM_MAX_RETRIES=2 retries), all failing.
    model = ScriptedChatModel(script=[error] * 3)
    with make_client(tmp_path, model, llm_retry_base_delay=0.001) as client:
        response = chat(client, [user("Tell me a story")], {"X-Thread-Id": "fails"})
        assert response.status_code == status
        assert model.script == []  # every attempt was used, and no more
        assert "LLM backend" in response.json()["error"]["message"]
        assert "Traceback" not in response.text
        kept = client.get("/threads/fails/transcript").json()["messages"]
        assert [m["content"] for m in kept] == ["Tell me a story"]
        model.script = ["Once upon a time."]
        again = chat(client, [user("Try again")], {"X-Thread-Id": "fails"})
        assert (
            again.status_code == 200
            and again.json()["choices"][0]["message"]["content"] == "Once upon a time."
        )


def test_tool_choice_none_answers_without_tools(
    client: TestClient, model: ScriptedChatModel
) -> None:
    model.script = ["Just text."]
    body = chat(client, [user("Weather in Seoul?")], tools=[WEATHER], tool_choice="none").json()
    assert body["choices"][0]["finish_reason"] == "stop"
    assert body["choices"][0]["message"]["content"] == "Just text."
    assert "tools" not in model.calls[0]["kwargs"]


def test_parallel_tool_calls_false_returns_one_call(
    client: TestClient, model: ScriptedChatModel
) -> None:
    two = AIMessage(
        content="",
        tool_calls=[
            tool_call("get_weather", {"city": "Seoul"}, "a"),
            tool_call("get_weather", {"city": "Tokyo"}, "b"),
        ],
    )
    model.script = [two]
    calls = chat(
        client, [user("Weather in Seoul and Tokyo?")], tools=[WEATHER], parallel_tool_calls=False
    ).json()["choices"][0]["message"]["tool_calls"]
    assert [json.loads(c["function"]["arguments"]) for c in calls] == [{"city": "Seoul"}]
    model.script = [two]
    both = chat(client, [user("Weather in Seoul and Tokyo?")], tools=[WEATHER]).json()["choices"][
        0
    ]["message"]
    assert len(both["tool_calls"]) == 2


def test_non_loopback_bind_without_keys_is_refused(tmp_path: Path) -> None:
    from server.app import StartupRefused, check_exposure
    from server.auth.api_keys import KeyRing
    from server.storage.store import Store

    store = Store(tmp_path / "k.db")
    try:
        for host, keys, allow, refused in [
            ("0.0.0.0", "", False, True),
            ("0.0.0.0", "a=b", False, False),
            ("0.0.0.0", "", True, False),
            ("127.0.0.1", "", False, False),
            ("::1", "", False, False),
            ("192.168.0.10", "", False, True),
        ]:
            settings = load_settings(
                host=host, api_keys=keys, allow_no_auth=allow, db=tmp_path / "k.db"
            )
            keyring = KeyRing(settings.api_keys, store)
            if refused:
                with pytest.raises(StartupRefused, match="no API keys"):
                    check_exposure(settings, keyring)
            else:
                check_exposure(settings, keyring)
        store.keys.create_key("ops")  # a key in the table counts too
        check_exposure(load_settings(host="0.0.0.0", db=tmp_path / "k.db"), KeyRing((), store))
    finally:
        store.close()


def test_working_state_stays_bounded_and_the_transcript_keeps_everything(
    tmp_path: Path, model: ScriptedChatModel
) -> None:
    import asyncio

    with make_client(tmp_path, model, history_messages=6) as client:
        for i in range(10):
            reply = chat(client, [user(f"What is {i}+1?")], {"X-Thread-Id": "long"})
            assert reply.json()["choices"][0]["message"]["content"] == f"{i}+1 = {i + 1}"
        runtime = client.app.state.runtime  # type: ignore[attr-defined]
        state = asyncio.run(
            runtime.graph.aget_state({"configurable": {"thread_id": "long"}})
        ).values
        thread = client.get("/threads/long/transcript").json()
    assert len(state["messages"]) <= 6
    assert state["messages"][-1].content == "9+1 = 10"
    # The stages of the ten calls do not pile up either: only the calls still in the window.
    in_window = {m.tool_call_id for m in state["messages"] if getattr(m, "tool_call_id", None)}
    assert set(state["call_stages"]) == in_window and len(in_window) <= 2
    stored_calls = [m for m in thread["messages"] if m["role"] == "tool"]
    assert len(stored_calls) == 10 and all(m["stage"] == "intent" for m in stored_calls)
    assert thread["message_count"] == 40
    assert [m["content"] for m in thread["messages"] if m["role"] == "user"] == [
        f"What is {i}+1?" for i in range(10)
    ]
    assert [m["seq"] for m in thread["messages"]] == list(range(40))


@pytest.mark.parametrize(("keep", "expected"), [(3, 3), (0, 8)])
def test_old_checkpoints_are_pruned(
    tmp_path: Path, model: ScriptedChatModel, keep: int, expected: int
) -> None:
    import sqlite3

    with make_client(tmp_path, model, checkpoint_history=keep) as client:
        for i in range(8):
            assert (
                chat(client, [user(f"What is {i}+1?")], {"X-Thread-Id": "pruned"}).status_code
                == 200
            )
            assert chat(client, [user("hi")], {"X-Thread-Id": "other"}).status_code == 200
        with sqlite3.connect(tmp_path / "app.db") as db:
            rows = dict(
                db.execute("SELECT thread_id, count(*) FROM checkpoints GROUP BY thread_id")
            )
        # One checkpoint per run; the newest `keep` stay, per thread; the thread goes on.
        assert rows == {"pruned": expected, "other": expected}
        again = chat(client, [user("What is 41+1?")], {"X-Thread-Id": "pruned"})
        assert again.json()["choices"][0]["message"]["content"] == "41+1 = 42"
        assert client.get("/threads/pruned/transcript").json()["message_count"] == 9 * 4
