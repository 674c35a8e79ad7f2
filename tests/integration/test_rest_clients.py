"""Unmodified clients against a running server: the official openai SDK (sync, async, streaming,
a tool round trip, a thread) on the embedded model, and LangServe's RemoteRunnable."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import openai
import pytest
from langserve import RemoteRunnable

from backends.stub import StubLLM
from tests.integration.server_process import ServerProcess

KEY = "key-for-tests-0123456789"
OTHER_KEY = "another-key-9876543210"
WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather for a city.",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string", "description": "City name"}},
            "required": ["city"],
        },
    },
}


@pytest.fixture(scope="module")
def keyed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = ServerProcess(
        tmp_path_factory.mktemp("rest"), TOOLLOOM_API_KEYS=f"tester={KEY},other={OTHER_KEY}"
    ).start()
    yield process
    process.stop()


def client_for(server: ServerProcess, key: str = KEY) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server.url}/v1", api_key=key, max_retries=0, timeout=180)


def test_sync_agent_mode(keyed_server: ServerProcess) -> None:
    reply = client_for(keyed_server).chat.completions.create(
        model="toolloom", messages=[{"role": "user", "content": "What is 23*19?"}]
    )
    assert reply.choices[0].finish_reason == "stop"
    assert "437" in (reply.choices[0].message.content or "")
    # The intent model made the call and the answer was written from the result: no model tokens.
    assert reply.usage is not None and reply.usage.total_tokens == 0
    hello = client_for(keyed_server).chat.completions.create(
        model="toolloom", messages=[{"role": "user", "content": "Hello! Who are you?"}]
    )
    assert hello.usage is not None and hello.usage.total_tokens > 0  # one model call, counted


async def test_async_agent_mode(keyed_server: ServerProcess) -> None:
    client = openai.AsyncOpenAI(
        base_url=f"{keyed_server.url}/v1", api_key=KEY, max_retries=0, timeout=180
    )
    reply = await client.chat.completions.create(
        model="toolloom", messages=[{"role": "user", "content": "서울은 지금 몇 시야?"}]
    )
    assert reply.choices[0].message.content
    assert reply.choices[0].message.content.count(":") >= 1
    await client.close()


def test_streaming(keyed_server: ServerProcess) -> None:
    stream = client_for(keyed_server).chat.completions.create(
        model="toolloom",
        messages=[{"role": "user", "content": "What is 12 times 12?"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert "144" in text
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    assert chunks[-1].usage is not None


@pytest.fixture(scope="module")
def stub_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[ServerProcess, StubLLM]]:
    """toolloom on a scripted backend: the reply after a tool result is known in advance."""
    with StubLLM() as stub:
        process = ServerProcess(
            tmp_path_factory.mktemp("rest-stub"),
            TOOLLOOM_API_KEYS=f"tester={KEY}",
            TOOLLOOM_LLM_BASE_URL=stub.base_url,
            TOOLLOOM_LLM_MODEL="stub",
        ).start()
        yield process, stub
        process.stop()


def test_tool_round_trip(stub_server: tuple[ServerProcess, StubLLM]) -> None:
    """The client runs its tool and sends the result back: the next reply is the answer."""
    server, stub = stub_server
    stub.script = [
        {"tool_calls": [{"name": "get_weather", "arguments": {"city": "Seoul"}}]},
        {"content": "It is 21 °C and sunny in Seoul."},
    ]
    client = client_for(server)
    messages: list[dict] = [{"role": "user", "content": "What is the weather in Seoul right now?"}]
    first = client.chat.completions.create(
        model="toolloom",
        messages=messages,  # type: ignore[arg-type]
        tools=[WEATHER],  # type: ignore[arg-type]
        tool_choice={"type": "function", "function": {"name": "get_weather"}},
    )
    choice = first.choices[0]
    assert choice.finish_reason == "tool_calls"
    (call,) = choice.message.tool_calls or []
    assert call.function.name == "get_weather"  # type: ignore[union-attr]
    assert json.loads(call.function.arguments) == {"city": "Seoul"}  # type: ignore[union-attr]
    messages.append(choice.message.model_dump(exclude_none=True))
    messages.append(
        {
            "role": "tool",
            "tool_call_id": call.id,
            "content": json.dumps({"temp_c": 21, "sky": "sunny"}),
        }
    )
    second = client.chat.completions.create(model="toolloom", messages=messages, tools=[WEATHER])  # type: ignore[arg-type]
    assert second.choices[0].finish_reason == "stop"
    assert second.choices[0].message.content == "It is 21 °C and sunny in Seoul."
    assert not second.choices[0].message.tool_calls
    # The backend saw the client's call and result as OpenAI tool messages.
    sent = stub.requests[-1]["messages"]
    assert [m["role"] for m in sent[-2:]] == ["assistant", "tool"]
    assert sent[-1]["tool_call_id"] == call.id


def test_streamed_tool_calls_assemble(keyed_server: ServerProcess) -> None:
    stream = client_for(keyed_server).chat.completions.create(
        model="toolloom",
        messages=[{"role": "user", "content": "Weather in Busan?"}],
        tools=[WEATHER],  # type: ignore[list-item]
        tool_choice="required",
        stream=True,
    )
    names, arguments, finish = "", "", None
    for chunk in stream:
        if not chunk.choices:
            continue
        for delta in chunk.choices[0].delta.tool_calls or []:
            names += delta.function.name or "" if delta.function else ""
            arguments += delta.function.arguments or "" if delta.function else ""
        finish = chunk.choices[0].finish_reason or finish
    assert names == "get_weather" and finish == "tool_calls"
    assert "city" in json.loads(arguments)


def test_thread_kept_by_the_server_and_private_to_its_key(keyed_server: ServerProcess) -> None:
    client = client_for(keyed_server)
    headers = {"X-Thread-Id": "sdk-thread"}
    client.chat.completions.create(
        model="toolloom",
        messages=[{"role": "user", "content": "What is 2+2?"}],
        extra_headers=headers,
    )
    reply = client.chat.completions.create(
        model="toolloom", messages=[{"role": "user", "content": "And 3*3?"}], extra_headers=headers
    )
    assert "9" in (reply.choices[0].message.content or "")
    thread = httpx.get(
        f"{keyed_server.url}/threads/sdk-thread",
        headers={"Authorization": f"Bearer {KEY}"},
        timeout=10,
    ).json()
    assert [m["content"] for m in thread["messages"] if m["role"] == "user"] == [
        "What is 2+2?",
        "And 3*3?",
    ]
    other = httpx.get(
        f"{keyed_server.url}/threads/sdk-thread",
        headers={"Authorization": f"Bearer {OTHER_KEY}"},
        timeout=10,
    )
    assert other.status_code == 404
    with pytest.raises(openai.NotFoundError):
        client_for(keyed_server, OTHER_KEY).chat.completions.create(
            model="toolloom", messages=[{"role": "user", "content": "hi"}], extra_headers=headers
        )
    with pytest.raises(openai.AuthenticationError):
        client_for(keyed_server, "wrong").chat.completions.create(
            model="toolloom", messages=[{"role": "user", "content": "hi"}]
        )


def test_models(keyed_server: ServerProcess) -> None:
    ids = [m.id for m in client_for(keyed_server).models.list()]
    assert "toolloom" in ids


async def test_remote_runnable(keyed_server: ServerProcess) -> None:
    agent = RemoteRunnable(
        f"{keyed_server.url}/agent",
        headers={"Authorization": f"Bearer {KEY}", "X-Thread-Id": "remote"},
        timeout=180,
    )
    state = await agent.ainvoke({"messages": [{"type": "human", "content": "What is 7*8?"}]})
    assert "56" in state["messages"][-1].content
    assert any(getattr(m, "type", "") == "tool" for m in state["messages"])
    updates = [
        chunk
        async for chunk in agent.astream(
            {"messages": [{"type": "human", "content": "What is 9*9?"}]}
        )
    ]
    assert any("respond" in u for u in updates)


def test_one_clients_malformed_tool_history_leaves_the_next_client_in_the_normal_format(
    stub_server: tuple[ServerProcess, StubLLM],
) -> None:
    """Client A sends a tool result for a call it never made; a strict backend refuses that
    history. A's request is served (sent again as text), and client B's well-formed history
    still goes to the backend as OpenAI tool messages: one bad request does not switch the
    format for everyone."""
    server, stub = stub_server

    def strict(request: dict) -> dict:
        made = {c["id"] for m in request["messages"] for c in m.get("tool_calls") or []}
        orphans = [
            m for m in request["messages"] if m["role"] == "tool" and m["tool_call_id"] not in made
        ]
        if orphans:
            return {"status": 400, "body": {"error": {"message": "tool_call_id not found"}}}
        return {"content": "Done."}

    stub.script, stub.default = [], strict
    call = {"id": "call_a", "type": "function",
            "function": {"name": "get_weather", "arguments": '{"city": "Seoul"}'}}  # fmt: skip
    malformed = [
        {"role": "user", "content": "Weather in Seoul?"},
        {"role": "assistant", "content": None, "tool_calls": [call]},
        {"role": "tool", "tool_call_id": "call_never_made", "content": '{"temp_c": 21}'},
    ]
    well_formed = [*malformed[:2], {"role": "tool", "tool_call_id": "call_a", "content": "21"}]
    client = client_for(server)
    first = client.chat.completions.create(model="toolloom", messages=malformed, tools=[WEATHER])  # type: ignore[arg-type]
    assert first.choices[0].message.content == "Done."
    before = len(stub.requests)
    second = client.chat.completions.create(model="toolloom", messages=well_formed, tools=[WEATHER])  # type: ignore[arg-type]
    assert second.choices[0].message.content == "Done."
    (sent,) = stub.requests[before:]  # one request, accepted as it was
    assert [m["role"] for m in sent["messages"]][-2:] == ["assistant", "tool"]
    assert sent["messages"][-1]["tool_call_id"] == "call_a"
