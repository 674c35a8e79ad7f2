"""The HTTP app with a scripted model: routes, thread header, errors (no network)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from harness.fakes import ScriptedChatModel
from server.app import create_app
from server.settings import load_settings


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
        "/agent/invoke",
        json={"input": {"messages": [{"type": "human", "content": "hi"}]}},
        headers={"X-Thread-Id": thread},
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


LANGSERVE_ROUTES = ["/agent/invoke", "/agent/batch", "/agent/stream", "/agent/stream_events"]


def langserve_body(route: str, messages: list) -> dict:
    if route.endswith("/batch"):
        return {"inputs": [{"messages": messages}]}
    return {"input": {"messages": messages}}


@pytest.mark.parametrize("route", LANGSERVE_ROUTES)
def test_openai_style_role_messages_are_taken_on_every_langserve_route(
    client: TestClient, route: str
) -> None:
    """LangGraph's own API takes {"role": "user", "content": ...}; so does every /agent route
    (it answered 500 before)."""
    thread = "role-" + route.rsplit("/", 1)[-1]
    messages = [{"role": "user", "content": "What is 23*19?"}]
    response = client.post(
        route, json=langserve_body(route, messages), headers={"X-Thread-Id": thread}
    )
    assert response.status_code == 200, response.text
    stored = client.get(f"/threads/{thread}/transcript").json()["messages"]
    assert [(m["role"], m["content"]) for m in stored][:1] == [("user", "What is 23*19?")]
    assert stored[-1]["role"] == "assistant" and stored[-1]["content"] == "23*19 = 437"


def test_role_messages_of_each_kind_convert_as_add_messages_does(client: TestClient) -> None:
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "What is 2+2?"},
        {"role": "assistant", "content": "4."},
        {"role": "human", "content": "And 3*3?"},
    ]
    response = client.post("/agent/invoke", json=langserve_body("/agent/invoke", messages))
    assert response.status_code == 200, response.text
    types = [m["type"] for m in response.json()["output"]["messages"]]
    assert types[:4] == ["system", "human", "ai", "human"]


@pytest.mark.parametrize("route", LANGSERVE_ROUTES)
@pytest.mark.parametrize(
    ("message", "field"),
    [
        ({"content": "no role, no type"}, "role"),
        ({"role": "user"}, "content"),
        ({"role": "wizard", "content": "hi"}, "role"),
        ({"role": "user", "content": "hi", "mood": "sunny"}, "mood"),
        ({"type": "nonsense", "content": "hi"}, "nonsense"),
        ({"type": "human", "content": 5}, "content"),
        ("just a string", "messages"),
    ],
    ids=["no-role", "no-content", "bad-role", "extra-field", "bad-type", "bad-content", "string"],
)
def test_a_message_that_fits_no_shape_is_a_422_that_names_the_field(
    client: TestClient, route: str, message: object, field: str
) -> None:
    response = client.post(
        route, json=langserve_body(route, [message]), headers={"X-Thread-Id": "bad-shape"}
    )
    assert response.status_code == 422, response.text
    assert field in response.text and "Traceback" not in response.text
    assert client.get("/threads/bad-shape").status_code == 404  # refused before the claim


@pytest.mark.parametrize(
    "body",
    [
        {"input": {"messages": []}},
        {"input": {"messages": [{"type": "human", "content": "hi"}]}, "kwargs": [None, None]},
        {"input": {"messages": [{"type": "AIMessageChunk", "content": [],
                   "invalid_tool_calls": [{"args": None, "extras": {}, "type": "invalid_tool_call"}]}]}},
    ],
    ids=["no-messages", "kwargs-not-an-object", "message-its-constructor-rejects"],
)  # fmt: skip
def test_bodies_schemathesis_found_are_422_not_500(client: TestClient, body: dict) -> None:
    response = client.post("/agent/invoke", json=body)
    assert response.status_code == 422, response.text
