"""Choosing the model, per-key limits and the client's no-cache, through the HTTP app with a
scripted model (no network): the one road (server/road/request.py prepare) on every surface."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from langchain_core.messages import AIMessage

from harness.fakes import ScriptedChatModel
from server.app import create_app
from server.settings import load_settings
from server.storage.response_cache import bypassed
from server.storage.store import Store

KEY = "tl-models-api-key-0001"


def answer(messages: list[Any], kwargs: dict[str, Any]) -> AIMessage:
    """A plain answer that reports 10 + 5 tokens and whether the cache was bypassed."""
    return AIMessage(
        content=f"Hello (no-cache {bypassed()}).",
        usage_metadata={"input_tokens": 10, "output_tokens": 5, "total_tokens": 15},
    )


def make_client(tmp_path: Path, **settings: Any) -> TestClient:
    config = load_settings(
        db=tmp_path / "app.db",
        workspace=tmp_path / "ws",
        llm_base_url="http://gpu.invalid/v1",
        llm_model="gpu",
        **settings,
    )
    return TestClient(create_app(config, llm=ScriptedChatModel(default=answer)))


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with make_client(tmp_path) as test_client:
        yield test_client


def v1(client: TestClient, model: str, headers: dict[str, str] | None = None) -> Any:
    return client.post(
        "/v1/chat/completions",
        json={"model": model, "messages": [{"role": "user", "content": "Hello"}]},
        headers=headers or {},
    )


def agent(client: TestClient, model: str | None, headers: dict[str, str] | None = None) -> Any:
    return client.post(
        "/agent/invoke",
        json={"input": {"messages": [{"type": "human", "content": "Hello"}]}},
        headers={**({"X-Model": model} if model else {}), **(headers or {})},
    )


def web(client: TestClient, model: str | None) -> Any:
    return client.post(
        "/ui/chat",
        json={"thread_id": "web-1", "message": "Hello"},
        headers={"X-Model": model} if model else {},
    )


def test_models_are_listed_and_chosen_by_name(client: TestClient) -> None:
    models = client.get("/v1/models").json()["data"]
    assert [m["id"] for m in models] == ["toolloom", "gpu"]
    assert models[0]["root"] == "ScriptedChatModel" and models[0]["fallbacks"] == []

    for name in ("toolloom", "gpu"):
        response = v1(client, name)
        assert response.status_code == 200
        assert response.json()["model"] == name  # the reply keeps the name asked for
        assert response.headers["X-Toolloom-Model"] == "gpu"
        assert response.json()["toolloom"]["served_by"] == "gpu"
    response = agent(client, "gpu")
    assert response.status_code == 200 and response.headers["X-Toolloom-Model"] == "gpu"
    events = web(client, "gpu").text
    assert '"type": "done"' in events and '"model": "gpu"' in events


def test_an_unknown_model_is_a_400_that_lists_the_valid_ones(client: TestClient) -> None:
    response = v1(client, "gpt-4o")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["message"] == "model: unknown model 'gpt-4o'; valid models: toolloom, gpu"
    assert error["param"] == "model" and error["code"] == "model_not_found"
    assert error["type"] == "invalid_request_error"
    for response in (agent(client, "gpt-4o"), web(client, "gpt-4o")):
        assert response.status_code == 400
        assert response.json() == {
            "detail": "X-Model: unknown model 'gpt-4o'; valid models: toolloom, gpu"
        }
    # nothing ran, nothing was stored
    assert client.post("/threads/search", json={}).json() == []


def test_the_sixth_request_in_a_minute_is_a_429_on_every_surface(tmp_path: Path) -> None:
    with make_client(tmp_path, rate_limit_rpm=5) as client:
        statuses = [v1(client, "toolloom").status_code for _ in range(3)]
        statuses += [agent(client, None).status_code, web(client, None).status_code]
        assert statuses == [200] * 5
        refused = v1(client, "toolloom")
        assert refused.status_code == 429
        assert 55 <= int(refused.headers["Retry-After"]) <= 60
        error = refused.json()["error"]
        assert error["code"] == "rate_limit_exceeded" and error["type"] == "rate_limit_error"
        assert error["message"].startswith("Rate limit reached: 5 requests per minute")
        for other in (agent(client, None), web(client, None)):
            assert other.status_code == 429 and "Retry-After" in other.headers
            assert other.json()["detail"].startswith("Rate limit reached: 5 requests per minute")
        # a refused model name is not counted and says so before the limit
        assert v1(client, "nope").status_code == 400


def test_tokens_per_day_count_what_the_runs_used(tmp_path: Path) -> None:
    # every run here is plain chat: one model call (respond, no tool schemas: the intent model
    # saw no tool wanted), 15 tokens: the day's 40 are reached by the third run; the fourth is
    # refused
    with make_client(tmp_path, tokens_per_day=40) as client:
        assert v1(client, "toolloom").json()["usage"]["total_tokens"] == 15
        assert v1(client, "toolloom").status_code == 200  # 15 < 40
        assert v1(client, "toolloom").status_code == 200  # 30 < 40: allowed, crosses the limit
        refused = v1(client, "toolloom")
        assert refused.status_code == 429
        assert refused.json()["error"]["param"] == "tokens_per_day"
        assert "40 tokens per day" in refused.json()["error"]["message"]


def test_a_batch_counts_each_runs_tokens_once(tmp_path: Path) -> None:
    with make_client(tmp_path, tokens_per_day=1000) as client:
        greetings = ("Hello!", "Good morning", "Thanks!")  # plain chat: one model call each
        inputs = [{"messages": [{"type": "human", "content": text}]} for text in greetings]
        response = client.post("/agent/batch", json={"inputs": inputs})
        assert response.status_code == 200 and len(response.json()["output"]) == 3
        runtime: Any = client.app.state.runtime  # type: ignore[attr-defined]
        assert runtime.limiter._local.tokens[""] == 3 * 15  # one call of 15 tokens a run


def test_per_key_overrides_stored_with_the_key(tmp_path: Path) -> None:
    settings = load_settings(db=tmp_path / "app.db")
    store = Store.open(settings)
    tight = store.keys.create("tight", rate_limit_rpm=2)
    free = store.keys.create("free", rate_limit_rpm=0)  # no limit, whatever the default
    store.keys.create("plain")
    store.close()
    with make_client(tmp_path, rate_limit_rpm=3) as client:

        def sent(key: str, n: int) -> list[int]:
            auth = {"Authorization": f"Bearer {key}"}
            return [v1(client, "toolloom", auth).status_code for _ in range(n)]

        assert sent(tight, 3) == [200, 200, 429]
        assert sent(free, 5) == [200] * 5
        # changed while the server runs: applied within about a second
        store = Store.open(settings)
        store.keys.set_limits("tight", rate_limit_rpm=None)  # back to the default, 3
        store.close()
        time.sleep(1.1)
        assert sent(tight, 2) == [200, 429]  # 3 in the window now


def test_no_cache_from_the_client_reaches_the_model_calls(client: TestClient) -> None:
    plain = v1(client, "toolloom").json()["choices"][0]["message"]["content"]
    assert plain == "Hello (no-cache False)."
    bypass = v1(client, "toolloom", {"Cache-Control": "no-cache"})
    assert bypass.json()["choices"][0]["message"]["content"] == "Hello (no-cache True)."
    streamed = web(client, None).text  # and the flag does not stick to later requests
    assert "no-cache False" in streamed


def test_the_transcript_records_which_backend_answered(client: TestClient) -> None:
    v1(client, "gpu", {"X-Thread-Id": "recorded"})
    thread = client.get("/threads/recorded/transcript").json()
    assert thread["last_run"]["models"] == ["gpu"]  # plain chat: one model call
    assert [(m["role"], m["model"]) for m in thread["messages"]] == [
        ("user", None),
        ("assistant", "gpu"),
    ]


def test_keys_create_and_limits_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from server.cli import app

    monkeypatch.setenv("TOOLLOOM_DB", str(tmp_path / "cli.db"))
    monkeypatch.setenv("TOOLLOOM_RATE_LIMIT_RPM", "7")
    monkeypatch.delenv("TOOLLOOM_DATABASE_URL", raising=False)
    runner = CliRunner()
    made = runner.invoke(app, ["keys", "create", "alice", "--rpm", "5", "--tokens-per-day", "900"])
    assert made.exit_code == 0 and made.stdout.startswith("tl-")
    shown = runner.invoke(app, ["keys", "limits", "alice"])
    assert shown.stdout.strip() == "alice: 5 requests per minute, 900 tokens per day"
    changed = runner.invoke(app, ["keys", "limits", "alice", "--rpm", "default"])
    assert changed.stdout.strip() == ("alice: default (7) requests per minute, 900 tokens per day")
    unlimited = runner.invoke(app, ["keys", "limits", "alice", "--tokens-per-day", "0"])
    assert "no limit tokens per day" in unlimited.stdout
    assert runner.invoke(app, ["keys", "limits", "bob", "--rpm", "1"]).exit_code == 1
    bad = runner.invoke(app, ["keys", "limits", "alice", "--rpm", "-3"])
    assert bad.exit_code == 2 and "a whole number" in bad.output
    store = Store.open(load_settings(db=tmp_path / "cli.db"))
    try:
        assert store.keys.limits() == {"alice": (None, 0)}
    finally:
        store.close()


def test_a_stored_run_picks_its_model_in_context_and_counts_against_the_key(
    tmp_path: Path,
) -> None:
    """The Agent Server API takes the same road: ``context.model`` as ``X-Model`` (an unknown
    name a 400 that lists the valid ones, not counted), and the key's requests per minute."""
    with make_client(tmp_path, rate_limit_rpm=2) as client:
        body = {
            "assistant_id": "agent",
            "input": {"messages": [{"role": "user", "content": "Hello"}]},
            "if_not_exists": "create",
        }
        unknown = client.post("/threads/t-ctx/runs/wait", json={**body, "context": {"model": "x"}})
        assert unknown.status_code == 400
        assert unknown.json()["detail"] == (
            "context.model: unknown model 'x'; valid models: toolloom, gpu"
        )
        for _ in range(2):
            ran = client.post(
                "/threads/t-ctx/runs/wait", json={**body, "context": {"model": "gpu"}}
            )
            assert ran.status_code == 200, ran.text
        assert client.get("/threads/t-ctx/transcript").json()["last_run"]["models"] == ["gpu"]
        refused = client.post("/threads/t-ctx/runs/wait", json=body)
        assert refused.status_code == 429 and "Retry-After" in refused.headers
