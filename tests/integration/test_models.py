"""Several backends in one real server: two stub backends and the embedded model, named in a
models file (``gpu`` falls back to ``spare``, then ``embedded``). Routing by name, a step sent on
when ``gpu`` answers 503, times out or is killed, never on a 400, and the embedded model as the
last resort keeping tool calling alive (detect-intent) while both stubs are down."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest

from backends.stub import StubLLM
from tests.integration.server_process import ServerProcess


def reply_as(name: str) -> Any:
    def reply(request: dict[str, Any]) -> dict[str, Any]:
        if request.get("response_format"):  # detect-intent's structured question: no tool
            return {"content": '{"tool": null, "arguments": {}}'}
        return {"content": f"Hello from {name}."}

    return reply


@pytest.fixture(scope="module")
def gpu() -> Iterator[StubLLM]:
    with StubLLM(default=reply_as("gpu")) as stub:
        yield stub


@pytest.fixture(scope="module")
def spare() -> Iterator[StubLLM]:
    with StubLLM(default=reply_as("spare")) as stub:
        yield stub


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, gpu: StubLLM, spare: StubLLM
) -> Iterator[ServerProcess]:
    tmp = tmp_path_factory.mktemp("models")
    models = tmp / "models.yaml"
    models.write_text(
        f"""
- name: gpu
  base_url: {gpu.base_url}
  model: stub-gpu
  timeout: 1
  fallbacks: [spare, embedded]
- name: spare
  base_url: {spare.base_url}
  model: stub-spare
  timeout: 1
  fallbacks: [embedded]
- name: embedded
  timeout: 600  # two cores shared with other work: a slow answer, not a failure
"""
    )
    process = ServerProcess(
        tmp,
        TOOLLOOM_MODELS=str(models),
        TOOLLOOM_LLM_MAX_RETRIES="0",  # a failure moves on at once
        TOOLLOOM_LLM_BREAKER_FAILURES="1000",  # no circuit opens here (tests/unit/test_pool.py)
    ).start()
    yield process
    process.stop()


def client(server: ServerProcess) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server.url}/v1", api_key="none", max_retries=0, timeout=180)


def ask(server: ServerProcess, model: str, thread: str | None = None) -> Any:
    headers = {"X-Thread-Id": thread} if thread else {}
    return client(server).chat.completions.with_raw_response.create(
        model=model, messages=[{"role": "user", "content": "Hello"}], extra_headers=headers
    )


def test_models_are_listed_and_chosen_by_name(
    server: ServerProcess, gpu: StubLLM, spare: StubLLM
) -> None:
    listed = client(server).models.list().data
    assert [m.id for m in listed] == ["toolloom", "gpu", "spare", "embedded"]
    health = httpx.get(f"{server.url}/health", timeout=30).json()
    assert [(b["backend"], b["ok"], b["circuit"]) for b in health["backends"]] == [
        ("gpu", True, "closed"),
        ("spare", True, "closed"),
        ("embedded", True, "closed"),
    ]
    assert health["backends"][1]["base_url"] == spare.base_url
    assert health["backends"][0]["fallbacks"] == ["spare", "embedded"]

    seen = len(gpu.requests), len(spare.requests)
    raw = ask(server, "spare")
    assert raw.headers["X-Toolloom-Model"] == "spare"
    completion = raw.parse()
    assert completion.model == "spare" and completion.choices[0].message.content == (
        "Hello from spare."
    )
    assert len(gpu.requests) == seen[0] and len(spare.requests) > seen[1]
    assert {r["model"] for r in spare.requests[seen[1] :]} == {"stub-spare"}

    raw = ask(server, "toolloom")  # the default entry
    assert raw.headers["X-Toolloom-Model"] == "gpu"
    assert raw.parse().choices[0].message.content == "Hello from gpu."

    agent = httpx.post(
        f"{server.url}/agent/invoke",
        json={"input": {"messages": [{"type": "human", "content": "Hello"}]}},
        headers={"X-Model": "spare"},
        timeout=60,
    )
    assert agent.status_code == 200 and agent.headers["X-Toolloom-Model"] == "spare"
    assert agent.json()["output"]["messages"][-1]["content"] == "Hello from spare."

    with pytest.raises(openai.BadRequestError) as error:
        client(server).chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": "Hello"}]
        )
    assert "valid models: toolloom, gpu, spare, embedded" in str(error.value)

    # a stream's headers go out before the run: its finishing chunk says who served it
    chunks = list(
        client(server).chat.completions.create(
            model="spare", stream=True, messages=[{"role": "user", "content": "Hello"}]
        )
    )
    finishing = [c for c in chunks if c.choices and c.choices[0].finish_reason]
    assert finishing[-1].model_extra == {"toolloom": {"served_by": "spare"}}


@pytest.mark.parametrize(
    "fault",
    [{"status": 503, "body": {"error": {"message": "overloaded"}}}, {"delay": 1.5}],
    ids=["503", "timeout"],
)
def test_a_failing_backend_hands_the_step_to_its_fallback(
    server: ServerProcess, gpu: StubLLM, spare: StubLLM, fault: dict[str, Any]
) -> None:
    gpu.default = {**fault, "content": "too late"}
    try:
        seen = len(spare.requests)
        raw = ask(server, "gpu", thread=f"fallback-{fault.get('status', 'timeout')}")
    finally:
        gpu.default = reply_as("gpu")
    assert raw.headers["X-Toolloom-Model"] == "spare"
    assert raw.parse().choices[0].message.content == "Hello from spare."
    assert len(spare.requests) > seen
    thread = httpx.get(f"{server.url}/threads/{raw.headers['X-Thread-Id']}", timeout=10).json()
    # every model call of the run was answered by spare; the answer is recorded as its
    assert set(thread["last_run"]["models"]) == {"spare"}
    assert thread["messages"][-1]["model"] == "spare"


def test_a_request_the_backend_refuses_is_not_sent_on(
    server: ServerProcess, gpu: StubLLM, spare: StubLLM
) -> None:
    gpu.default = {"status": 400, "body": {"error": {"message": "bad request"}}}
    try:
        seen = len(spare.requests)
        with pytest.raises(openai.APIStatusError) as error:
            client(server).chat.completions.create(
                model="gpu", messages=[{"role": "user", "content": "Hello"}]
            )
    finally:
        gpu.default = reply_as("gpu")
    assert error.value.status_code == 502 and "HTTP 400" in error.value.message
    assert len(spare.requests) == seen  # nothing went on


def test_a_killed_backend_hands_the_step_to_its_fallback(
    server: ServerProcess, gpu: StubLLM, spare: StubLLM
) -> None:
    gpu.kill()  # connections are refused (and open ones closed) from now on
    raw = ask(server, "gpu")
    assert raw.headers["X-Toolloom-Model"] == "spare"
    assert raw.parse().choices[0].message.content == "Hello from spare."


def test_the_embedded_model_keeps_tool_calling_alive_when_both_stubs_are_down(
    server: ServerProcess, spare: StubLLM
) -> None:
    spare.kill()  # gpu is down already: only the embedded model is left
    response = httpx.post(
        f"{server.url}/agent/invoke",
        json={"input": {"messages": [{"type": "human", "content": "What is 23*19?"}]}},
        headers={"X-Thread-Id": "last-resort"},  # the default model: gpu, then spare, then embedded
        timeout=900,
    )
    assert response.status_code == 200, response.text
    assert response.headers["X-Toolloom-Model"] == "embedded"
    output = response.json()["output"]
    calls = [c for m in output["messages"] if m["type"] == "ai" for c in m.get("tool_calls") or []]
    assert [(c["name"], c["args"]) for c in calls] == [("calculator", {"expression": "23*19"})]
    # chosen by the learned intent model, no model call needed (SmolLM2 on llama.cpp's chatml
    # makes no native tool calls)
    assert output["call_stages"][calls[0]["id"]] == "intent"
    result = next(m for m in output["messages"] if m["type"] == "tool")
    assert json.loads(result["content"])["result"] == "437"
    assert "437" in output["messages"][-1]["content"]
    thread = httpx.get(f"{server.url}/threads/last-resort", timeout=10).json()
    assert thread["last_run"]["models"] and set(thread["last_run"]["models"]) == {"embedded"}
    health = httpx.get(f"{server.url}/health", timeout=30).json()
    assert [(b["backend"], b["ok"]) for b in health["backends"]] == [
        ("gpu", False),
        ("spare", False),
        ("embedded", True),
    ]
    ready = httpx.get(f"{server.url}/ready", timeout=30)
    assert ready.status_code == 200 and ready.json()["serving"] == "embedded"
    log = Path(server.log_path).read_text()
    assert "backend gpu failed (connection" in log and "the step goes to spare" in log
    assert "backend spare failed (connection" in log and "the step goes to embedded" in log
