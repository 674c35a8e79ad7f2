"""The one road (server/road/run.py): what a run writes, and when."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from harness.fakes import ScriptedChatModel
from server.app import create_app
from server.settings import load_settings


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = load_settings(db=tmp_path / "app.db", workspace=tmp_path / "ws")
    with TestClient(create_app(settings, llm=ScriptedChatModel(default="Hi."))) as test_client:
        yield test_client


def count_commits(client: TestClient) -> list[int]:
    commits = [0]
    store: Any = client.app.state.runtime.store  # type: ignore[attr-defined]

    @event.listens_for(store.db.engine, "commit")
    def _count(_: Any) -> None:
        commits[0] += 1

    return commits


def turn(client: TestClient, text: str, thread: str = "t") -> None:
    response = client.post(
        "/v1/chat/completions",
        json={"messages": [{"role": "user", "content": text}]},
        headers={"X-Thread-Id": thread},
    )
    assert response.status_code == 200, response.text


def test_a_turn_writes_two_transactions_of_its_own(client: TestClient) -> None:
    """Checking the thread is a read; the run's start (run row and the user's message) is one
    transaction, its end (new messages, status, the request's usage) is another."""
    turn(client, "What is 23*19?")
    commits = count_commits(client)
    turn(client, "And 2*3?")
    assert commits[0] == 2
    usage = client.get("/usage").json()["days"][0]
    assert usage["requests"] == 2 and usage["tool_calls"] == 2


def test_a_new_thread_is_made_by_its_first_run(client: TestClient) -> None:
    commits = count_commits(client)
    turn(client, "Hello", thread="fresh")
    assert commits[0] == 2  # the thread is made in the run's first transaction
    thread = client.get("/threads/fresh/transcript").json()
    assert [m["role"] for m in thread["messages"]] == ["user", "assistant"]
    assert thread["last_run"]["status"] == "success"


def test_a_batch_is_one_request_in_the_usage(client: TestClient) -> None:
    inputs = [{"messages": [{"role": "user", "content": f"hi {i}"}]} for i in range(3)]
    response = client.post("/agent/batch", json={"inputs": inputs}, headers={"X-Thread-Id": "b"})
    assert response.status_code == 200, response.text
    assert client.get("/usage").json()["days"][0]["requests"] == 1
    stored = client.get("/threads/b/transcript").json()["messages"]
    assert sorted(m["content"] for m in stored if m["role"] == "user") == ["hi 0", "hi 1", "hi 2"]


def test_a_failed_request_is_counted_by_the_request_log(client: TestClient) -> None:
    response = client.post("/v1/chat/completions", json={"messages": []})
    assert response.status_code == 400
    day = client.get("/usage").json()["days"][0]
    assert day["requests"] == 1 and day["errors"] == 1
