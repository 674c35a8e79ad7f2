"""Hostile and broken input on every surface: a 4xx that says what is wrong, never a 500, and
nothing stored (let alone stored altered)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from harness.fakes import ScriptedChatModel
from server.app import create_app
from server.settings import load_settings


def make_client(tmp_path: Path, **settings: Any) -> TestClient:
    config = load_settings(db=tmp_path / "app.db", workspace=tmp_path / "ws", **settings)
    return TestClient(
        create_app(config, llm=ScriptedChatModel(default="ok")), raise_server_exceptions=False
    )


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with make_client(tmp_path) as test_client:
        yield test_client


def body_for(surface: str, text: str) -> str:
    """A request carrying ``text`` as the user's message, as raw JSON (escapes kept as sent)."""
    if surface == "v1":
        return '{"messages": [{"role": "user", "content": "TEXT"}]}'.replace("TEXT", text)
    if surface == "langserve":
        return '{"input": {"messages": [{"type": "human", "content": "TEXT"}]}}'.replace(
            "TEXT", text
        )
    if surface == "langserve-role":  # OpenAI's role form, as LangGraph's API takes it
        return '{"input": {"messages": [{"role": "user", "content": "TEXT"}]}}'.replace(
            "TEXT", text
        )
    return '{"thread_id": "hostile", "message": "TEXT"}'.replace("TEXT", text)


def post(client: TestClient, surface: str, body: str | bytes) -> Any:
    path = {"v1": "/v1/chat/completions", "langserve": "/agent/invoke",
            "langserve-role": "/agent/invoke", "web": "/ui/chat"}[surface]  # fmt: skip
    return client.post(
        path, content=body, headers={"content-type": "application/json", "X-Thread-Id": "hostile"}
    )


def message_of(response: Any) -> str:
    body = response.json()
    if "error" in body:
        return str(body["error"]["message"])
    detail = body["detail"]
    return detail if isinstance(detail, str) else json.dumps(detail)


SURFACES = ["v1", "langserve", "langserve-role", "web"]
DEEP = "[" * 200 + "]" * 200


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("a\\ud800b", "lone surrogate"),
        ("a\\udfffb", "lone surrogate"),
        ("a\\u0000b", "NUL"),
        ("file\\u202etxt.exe", "U+202E"),
        ("a\\u2066b\\u2069", "U+2066"),
    ],
    ids=["high-surrogate", "low-surrogate", "nul", "rtl-override", "isolate"],
)
def test_bad_text_is_refused_and_nothing_is_stored(
    client: TestClient, surface: str, text: str, words: str
) -> None:
    response = post(client, surface, body_for(surface, text))
    assert response.status_code == 400, response.text
    assert words in message_of(response) and "Traceback" not in response.text
    assert client.get("/threads/hostile").status_code == 404  # not even the thread


@pytest.mark.parametrize("surface", SURFACES)
def test_deep_json_wrong_types_unknown_fields_and_huge_messages(
    client: TestClient, surface: str
) -> None:
    deep = body_for(surface, "hi")[:-1] + ', "x": ' + DEEP + "}"
    response = post(client, surface, deep)
    assert response.status_code == 400 and "deeper than 64" in message_of(response)

    wrong = {"v1": {"messages": "hi"}, "langserve": {"input": {"messages": "hi"}},
             "langserve-role": {"input": {"messages": [{"role": "user", "content": 7}]}},
             "web": {"thread_id": "hostile", "message": ["hi"]}}[surface]  # fmt: skip
    response = post(client, surface, json.dumps(wrong))
    text = message_of(response)
    # /v1 answers OpenAI's 400; LangServe and the web page FastAPI's 422, naming the field.
    assert response.status_code == {"v1": 400, "web": 422}.get(surface, 422), text
    assert (("list" in text or "string" in text) and "messages" in text) or "message" in text

    unknown = json.loads(body_for(surface, "hi")) | {"surprise": 1}
    response = post(client, surface, json.dumps(unknown))
    assert response.status_code == {"web": 422}.get(surface, 400)
    assert "surprise" in message_of(response)

    huge = body_for(surface, "x" * 1_000_000)
    response = post(client, surface, huge)
    assert response.status_code in (400, 413), response.status_code
    # Every refusal comes before the thread is claimed: not even an empty thread is left.
    assert client.get("/threads/hostile").status_code == 404


def test_unknown_thread_is_a_404(client: TestClient) -> None:
    response = client.get("/threads/never-made")
    assert response.status_code == 404 and "never-made" in response.json()["detail"]
    assert client.delete("/threads/never-made").status_code == 404


def test_direction_controls_can_be_allowed_and_are_stored_unaltered(tmp_path: Path) -> None:
    with make_client(tmp_path, allow_bidi_controls=True) as client:
        response = post(client, "v1", body_for("v1", "abc\\u202edef"))
        assert response.status_code == 200
        stored = client.get("/threads/hostile/transcript").json()["messages"]
        assert stored[0]["content"] == "abc\u202edef"


def test_legitimate_text_in_any_script_passes(client: TestClient) -> None:
    text = "서울 שלום مرحبا 😀 e\u0301 \u200f"  # Hangul, Hebrew, Arabic, emoji, combining mark, RLM
    response = client.post(
        "/v1/chat/completions",
        json={"messages": [{"role": "user", "content": text}]},
        headers={"X-Thread-Id": "fine"},
    )
    assert response.status_code == 200
    assert client.get("/threads/fine/transcript").json()["messages"][0]["content"] == text


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("/store/items?key=k&namespace=a%00b", "query parameter 'namespace' contains a NUL byte"),
        ("/threads?metadata=%00", "query parameter 'metadata' contains a NUL byte"),
        ("/store/items?key=k&namespace=%ff%fe", "query parameter 'namespace' is not valid Unicode"),
        ("/store/items?key=file%E2%80%AEtxt&namespace=a", "U+202E"),
        ("/threads/a%00b", "the path contains a NUL byte"),
    ],
    ids=["nul-store", "nul-threads", "not-utf8", "rtl-override", "nul-path"],
)
def test_bad_text_in_a_query_string_or_path_is_a_400_not_a_500(
    client: TestClient, url: str, words: str
) -> None:
    response = client.get(url)
    assert response.status_code == 400, response.text
    assert words in message_of(response) and "Traceback" not in response.text


def test_a_query_string_of_ordinary_text_still_reaches_the_route(client: TestClient) -> None:
    response = client.get("/store/items?key=k&namespace=caf%C3%A9.%ED%95%9C")
    assert response.status_code == 404 and message_of(response) == "Item not found"


@pytest.mark.parametrize(
    "path", ["/store/items/search", "/store/namespaces", "/assistants/search", "/runs/crons/search"]
)
def test_an_offset_past_a_64_bit_integer_is_a_422_not_a_500(client: TestClient, path: str) -> None:
    response = client.post(path, json={"limit": 10, "offset": 10655442720271333376})
    assert response.status_code == 422, response.text
    assert "offset" in response.text and "Traceback" not in response.text
