"""The HTTP app with a scripted model: routes, thread header, errors (no network)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from server.app import create_app
from server.settings import load_settings
from tests.fakes import ScriptedChatModel


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = load_settings(db=tmp_path / "app.db", workspace=tmp_path / "ws")
    model = ScriptedChatModel(default="Hello from the fake model.")
    with TestClient(create_app(settings, llm=model)) as test_client:
        yield test_client


def invoke(client: TestClient, text: str, thread: str | None = None) -> tuple[dict, str]:
    headers = {"X-Thread-Id": thread} if thread else {}
    response = client.post(
        "/agent/invoke",
        json={"input": {"messages": [{"type": "human", "content": text}]}},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    return response.json()["output"], response.headers["X-Thread-Id"]


def test_health(client: TestClient) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["llm"]["ok"] is True


def test_tools_lists_json_schemas(client: TestClient) -> None:
    tools = client.get("/tools").json()["tools"]
    names = [t["function"]["name"] for t in tools]
    assert sorted(names) == sorted([
        "file_read", "file_write", "file_list", "system_info", "process_list", "environment",
        "calculator", "statistics", "json_parse", "json_query", "data_transform", "api_request",
        "web_scrape", "database_query", "database_execute", "time_now",
    ])  # fmt: skip
    calculator = next(t for t in tools if t["function"]["name"] == "calculator")
    assert calculator["function"]["parameters"]["required"] == ["expression"]


def test_invoke_returns_state_with_tool_messages(client: TestClient) -> None:
    output, thread = invoke(client, "What is 23*19?", "calc-thread")
    assert thread == "calc-thread"
    types = [m["type"] for m in output["messages"]]
    assert types == ["human", "ai", "tool", "ai"]
    assert output["messages"][1]["tool_calls"][0]["name"] == "calculator"
    assert "437" in output["messages"][2]["content"]
    assert output["messages"][-1]["content"] == "23*19 = 437"


def test_thread_header_keeps_history_and_new_threads_get_an_id(client: TestClient) -> None:
    invoke(client, "Hello", "keep")
    output, _ = invoke(client, "Hello again", "keep")
    assert [m["content"] for m in output["messages"] if m["type"] == "human"] == [
        "Hello",
        "Hello again",
    ]
    _, fresh = invoke(client, "Hello")
    assert len(fresh) == 32 and fresh != "keep"


@pytest.mark.parametrize("thread", ["../etc", "a" * 200, "has space"])
def test_bad_thread_ids_are_refused(client: TestClient, thread: str) -> None:
    response = client.post(
        "/agent/invoke", json={"input": {"messages": []}}, headers={"X-Thread-Id": thread}
    )
    assert response.status_code == 400
    assert "X-Thread-Id" in response.json()["detail"]


def test_configurable_in_the_body_is_refused_not_dropped(client: TestClient) -> None:
    response = client.post(
        "/agent/invoke",
        json={
            "input": {"messages": [{"type": "human", "content": "hi"}]},
            "config": {"configurable": {"thread_id": "other"}},
        },
    )
    assert response.status_code == 400
    assert "send the thread id in the X-Thread-Id header" in response.json()["detail"]


def test_malformed_json_is_a_4xx(client: TestClient) -> None:
    response = client.post(
        "/agent/invoke", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert 400 <= response.status_code < 500


def test_stream_sends_node_updates(client: TestClient) -> None:
    with client.stream(
        "POST",
        "/agent/stream",
        json={"input": {"messages": [{"type": "human", "content": "What is 2+3?"}]}},
    ) as response:
        body = "".join(response.iter_text())
    assert response.status_code == 200
    assert "event: data" in body and "call-tool" in body and "2+3 = 5" in body
