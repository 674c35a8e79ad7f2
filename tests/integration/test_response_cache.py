"""The response cache end to end: LangChain's real ``ChatOpenAI`` with the cache's httpx client,
against the stub OpenAI server over real HTTP, with the cache in process and in a real Redis
(shared by two clients, as by two replicas), and Redis going away."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage
from langchain_openai import ChatOpenAI
from redis.asyncio import Redis

from backends.stub import StubLLM
from backends.telemetry import REGISTRY
from harness.redis_server import RedisServer
from server.storage.redis_link import make_redis
from server.storage.response_cache import ResponseCache, cached_http_client, no_cache

QUESTION = [HumanMessage(content="What is 23*19?")]
TOOL = {
    "type": "function",
    "function": {
        "name": "calculator",
        "description": "Evaluate an arithmetic expression.",
        "parameters": {
            "type": "object",
            "properties": {"expression": {"type": "string"}},
            "required": ["expression"],
        },
    },
}


def reply(request: dict[str, Any]) -> dict[str, Any]:
    """A tool call for a question; the answer once the tool result is there."""
    if any(m.get("role") == "tool" for m in request["messages"]):
        return {"content": "23*19 = 437"}
    return {"tool_calls": [{"name": "calculator", "arguments": {"expression": "23*19"}}]}


@pytest.fixture
def stub() -> Iterator[StubLLM]:
    with StubLLM(default=reply) as server:
        yield server


def chat_model(stub: StubLLM, cache: ResponseCache, temperature: float | None = 0) -> ChatOpenAI:
    return ChatOpenAI(
        base_url=stub.base_url,
        model="stub",
        api_key="not-needed",  # type: ignore[arg-type]
        temperature=temperature,
        max_retries=0,
        stream_usage=True,
        include_response_headers=True,
        http_async_client=cached_http_client(cache, backend="stub"),
    )


def served_from(message: Any) -> str | None:
    return (message.response_metadata.get("headers") or {}).get("x-toolloom-cache")


async def test_chat_openai_through_the_in_process_cache(stub: StubLLM) -> None:
    llm = chat_model(stub, ResponseCache(60)).bind_tools([TOOL])
    first = await llm.ainvoke(QUESTION)
    second = await llm.ainvoke(QUESTION)
    assert len(stub.requests) == 1  # two identical calls, one request to the backend
    assert isinstance(second, AIMessage) and second.tool_calls == first.tool_calls
    assert second.tool_calls[0]["args"] == {"expression": "23*19"}
    assert (served_from(first), served_from(second)) == ("miss", "hit")
    assert second.usage_metadata == first.usage_metadata

    # the next step carries the tool result: a new request, never a cached one
    result = [
        *QUESTION,
        first,
        {"role": "tool", "tool_call_id": first.tool_calls[0]["id"], "content": "437"},
    ]
    answer = await llm.ainvoke(result)
    assert answer.content == "23*19 = 437" and len(stub.requests) == 2

    # the same question streamed (as the web page asks it) is answered from the same entry
    streamed: Any = None
    async for chunk in llm.astream(QUESTION):
        streamed = chunk if streamed is None else streamed + chunk
    assert len(stub.requests) == 2
    assert streamed.tool_calls == first.tool_calls


async def test_sampling_and_no_cache_reach_the_backend(stub: StubLLM) -> None:
    cache = ResponseCache(60)
    warm = chat_model(stub, cache, temperature=0.8)
    await warm.ainvoke(QUESTION)
    await warm.ainvoke(QUESTION)
    assert len(stub.requests) == 2
    greedy = chat_model(stub, cache)
    await greedy.ainvoke(QUESTION)
    with no_cache():
        bypassed = await greedy.ainvoke(QUESTION)
    assert len(stub.requests) == 4 and served_from(bypassed) is None
    assert served_from(await greedy.ainvoke(QUESTION)) == "hit" and len(stub.requests) == 4


@pytest.fixture
async def shared(redis_url: str) -> AsyncIterator[list[Redis]]:
    clients = [make_redis(redis_url), make_redis(redis_url)]
    yield clients
    for client in clients:
        await client.aclose()


async def test_two_replicas_share_the_cache_through_redis(
    stub: StubLLM, shared: list[Redis]
) -> None:
    prefix = f"test:{uuid.uuid4().hex[:8]}:"
    replica_a = chat_model(stub, ResponseCache(60, redis=shared[0], prefix=prefix))
    replica_b = chat_model(stub, ResponseCache(60, redis=shared[1], prefix=prefix))
    first = await replica_a.ainvoke(QUESTION)
    second = await replica_b.ainvoke(QUESTION)
    assert len(stub.requests) == 1 and served_from(second) == "hit"
    assert second.tool_calls == first.tool_calls
    assert second.response_metadata["id"] == first.response_metadata["id"]  # the stored reply
    changed = await replica_b.ainvoke([HumanMessage(content="What is 23*18?")])
    assert served_from(changed) == "miss" and len(stub.requests) == 2
    keys = [key async for key in shared[0].scan_iter(match=f"{prefix}*")]
    assert len(keys) == 2
    assert 0 < await shared[0].pttl(keys[0]) <= 60_000  # every entry carries the TTL


async def test_entries_in_redis_expire(stub: StubLLM, shared: list[Redis]) -> None:
    prefix = f"test:{uuid.uuid4().hex[:8]}:"
    llm = chat_model(stub, ResponseCache(0.3, redis=shared[0], prefix=prefix))
    await llm.ainvoke(QUESTION)
    assert served_from(await llm.ainvoke(QUESTION)) == "hit"
    await asyncio.sleep(0.4)
    assert served_from(await llm.ainvoke(QUESTION)) == "miss"
    assert len(stub.requests) == 2


async def test_redis_going_away_means_no_cache_never_a_failed_request(
    stub: StubLLM, own_redis: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="server.storage.redis_link")
    client = make_redis(own_redis.url)
    cache = ResponseCache(60, redis=client, retry_interval=0.2)
    llm = chat_model(stub, cache)
    misses = REGISTRY.get_sample_value("toolloom_cache_requests_total", {"result": "miss"})
    try:
        await llm.ainvoke(QUESTION)
        assert served_from(await llm.ainvoke(QUESTION)) == "hit"
        own_redis.stop()
        for _ in range(3):
            answer = await llm.ainvoke(QUESTION)
            assert answer.tool_calls[0]["args"] == {"expression": "23*19"}
            assert served_from(answer) == "miss"
        assert len(stub.requests) == 4  # every call reached the backend
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) == 1 and "the response cache" in warnings[0].message

        own_redis.start()  # empty
        await asyncio.sleep(0.25)
        await llm.ainvoke(QUESTION)  # stored again
        assert served_from(await llm.ainvoke(QUESTION)) == "hit"
        assert len(stub.requests) == 5
        assert "Redis is back for the response cache" in caplog.text
        after = REGISTRY.get_sample_value("toolloom_cache_requests_total", {"result": "miss"})
        assert after == (misses or 0) + 5
    finally:
        await client.aclose()


async def test_no_cache_reaches_model_calls_inside_a_graph_run(stub: StubLLM) -> None:
    """The request path sets the flag around a run; LangGraph's node tasks inherit it, and a run
    streamed with ``stream_mode="messages"`` (ChatOpenAI then streams) is cached like any other."""
    from langgraph.graph import END, START, MessagesState, StateGraph

    llm = chat_model(stub, ResponseCache(60))

    async def ask(state: MessagesState) -> dict[str, Any]:
        return {"messages": [await llm.ainvoke(state["messages"])]}

    builder = StateGraph(MessagesState)
    builder.add_node("ask", ask)
    builder.add_edge(START, "ask")
    builder.add_edge("ask", END)
    graph = builder.compile()
    run_input = {"messages": QUESTION}

    streamed = [part async for part in graph.astream(run_input, stream_mode="messages")]
    assert streamed and stub.requests[-1].get("stream") is True  # the model call streamed
    state = await graph.ainvoke(run_input)  # the same step, not streamed: from the cache
    assert len(stub.requests) == 1 and served_from(state["messages"][-1]) == "hit"
    with no_cache():
        state = await graph.ainvoke(run_input)
    assert len(stub.requests) == 2 and served_from(state["messages"][-1]) is None


async def test_the_cache_benchmark_runs_and_no_hit_reaches_the_stub(redis_url: str) -> None:
    from benchmarks import cache_bench

    result = await cache_bench.run(calls=2, redis_url=redis_url)
    assert result["stub_requests"] == result["expected_stub_requests"] == 2 + 12 * 3
    assert {
        "no_cache_ms",
        "memory_miss_ms",
        "memory_hit_ms",
        "redis_miss_ms",
        "redis_hit_ms",
    } <= set(result)
    assert "redis  miss" in cache_bench.format_result(result)
