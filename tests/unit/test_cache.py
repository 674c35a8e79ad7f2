"""The response cache in process: keys, which requests are cached, the LRU with its TTL, streamed
replies, and the transport in front of a scripted backend (an httpx MockTransport, no network)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from typing import Any

import openai
import pytest

from backends.stub import completion, stream_chunks
from backends.telemetry import REGISTRY
from server.storage.response_cache import (
    CACHE_HEADER,
    ResponseCache,
    StreamAssembler,
    cache_key,
    cached_http_client,
    is_deterministic,
    no_cache,
    replay_chunks,
    sdk_httpx,
    wants_no_cache,
)

http = sdk_httpx()
MESSAGES = [{"role": "user", "content": "What is 23*19?"}]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def counted(result: str) -> float:
    return REGISTRY.get_sample_value("toolloom_cache_requests_total", {"result": result}) or 0.0


class Backend:
    """A scripted backend behind an httpx MockTransport; records the requests it received."""

    def __init__(self, reply: dict[str, Any] | None = None) -> None:
        self.reply = reply or {"content": "437"}
        self.requests: list[dict[str, Any]] = []
        self.status = 200
        self.gzip = False
        self.cut_after: int | None = None

    def __call__(self, request: Any) -> Any:
        payload = json.loads(request.content)
        self.requests.append(payload)
        if self.status != 200:
            return http.Response(self.status, json={"error": {"message": "overloaded"}})
        if payload.get("stream"):
            chunks = list(stream_chunks(payload, self.reply))
            events = [f"data: {json.dumps(c)}\n\n" for c in chunks[: self.cut_after]]
            if self.cut_after is None:
                events.append("data: [DONE]\n\n")
            return http.Response(
                200, headers={"content-type": "text/event-stream"}, content="".join(events)
            )
        body = json.dumps(completion(payload, self.reply)).encode()
        if self.gzip:
            return http.Response(
                200,
                headers={"content-type": "application/json", "content-encoding": "gzip"},
                content=gzip.compress(body),
            )
        return http.Response(200, headers={"content-type": "application/json"}, content=body)


def client_for(
    backend: Callable[[Any], Any], cache: ResponseCache, *, deterministic: bool = False
) -> openai.AsyncOpenAI:
    http_client = cached_http_client(
        cache,
        backend="stub",
        deterministic=deterministic,
        inner=http.MockTransport(backend),
    )
    return openai.AsyncOpenAI(
        base_url="http://backend.test/v1", api_key="k", http_client=http_client, max_retries=0
    )


async def ask(client: openai.AsyncOpenAI, **kwargs: Any) -> Any:
    kwargs.setdefault("messages", MESSAGES)
    kwargs.setdefault("temperature", 0)
    response = await client.chat.completions.with_raw_response.create(model="stub", **kwargs)
    return response.headers.get(CACHE_HEADER), response.parse()


async def ask_streamed(client: openai.AsyncOpenAI, **kwargs: Any) -> tuple[str, list[Any]]:
    kwargs.setdefault("messages", MESSAGES)
    kwargs.setdefault("temperature", 0)
    response = await client.chat.completions.with_raw_response.create(
        model="stub", stream=True, stream_options={"include_usage": True}, **kwargs
    )
    chunks = [chunk async for chunk in response.parse()]
    return response.headers.get(CACHE_HEADER), chunks


# --- what is keyed and what is cacheable ------------------------------------------------------------


def test_the_key_is_the_whole_request_in_canonical_form() -> None:
    payload = {"model": "m", "messages": MESSAGES, "temperature": 0, "tools": [{"a": 1}]}
    reordered = {"tools": [{"a": 1}], "temperature": 0, "messages": MESSAGES, "model": "m"}
    streamed = {**payload, "stream": True, "stream_options": {"include_usage": True}}
    key = cache_key("gpu", "/v1/chat/completions", payload)
    assert key == cache_key("gpu", "/v1/chat/completions", reordered)
    assert key == cache_key("gpu", "/v1/chat/completions", streamed)  # one entry for both
    changed = [
        {**payload, "messages": [{"role": "user", "content": "What is 23*18?"}]},
        {**payload, "model": "other"},
        {**payload, "tools": [{"a": 2}]},
        {**payload, "tool_choice": "required"},
        {**payload, "response_format": {"type": "json_object"}},
        {**payload, "max_tokens": 10},
        {**payload, "seed": 1},
    ]
    assert len({key, *(cache_key("gpu", "/v1/chat/completions", p) for p in changed)}) == 8
    assert key != cache_key("big", "/v1/chat/completions", payload)  # per backend


@pytest.mark.parametrize(
    ("payload", "marked", "expected"),
    [
        ({"temperature": 0}, False, True),
        ({"temperature": 0.0, "top_p": 0.5}, False, True),  # greedy: top_p cannot matter
        ({"temperature": 0.7}, False, False),
        ({"temperature": 0.7}, True, False),  # the client asked for sampling
        ({}, False, False),  # the backend's default sampling, not vouched for
        ({}, True, True),  # ... vouched for by the operator
        ({"top_p": 0.9}, True, False),
        ({"top_k": 40}, True, False),
        ({"temperature": None}, True, True),
        ({"temperature": "0"}, False, False),
        ({"temperature": False}, False, False),
    ],
)
def test_which_requests_are_deterministic(
    payload: dict[str, Any], marked: bool, expected: bool
) -> None:
    assert is_deterministic(payload, marked) is expected


def test_cache_control_from_the_client() -> None:
    assert wants_no_cache({"cache-control": "no-cache"})
    assert wants_no_cache({"cache-control": "max-age=0, No-Store"})
    assert wants_no_cache({"pragma": "no-cache"})
    assert not wants_no_cache({"cache-control": "max-age=60"})
    assert not wants_no_cache({})


# --- storage -----------------------------------------------------------------------------------------


async def test_entries_expire_after_the_ttl() -> None:
    clock = Clock()
    cache = ResponseCache(30, clock=clock)
    await cache.put("k", b"reply")
    clock.now += 29.9
    assert await cache.get("k") == b"reply"
    clock.now += 0.2
    assert await cache.get("k") is None


async def test_the_in_process_cache_keeps_the_most_recently_used_entries() -> None:
    cache = ResponseCache(60, max_entries=3, clock=Clock())
    for key in "abc":
        await cache.put(key, key.encode())
    assert await cache.get("a") == b"a"  # a is now the most recent
    await cache.put("d", b"d")  # over the bound: b, the least recently used, goes
    assert [await cache.get(k) for k in "abcd"] == [b"a", None, b"c", b"d"]
    assert cache._local is not None and len(cache._local) == 3


def test_a_zero_ttl_is_no_cache() -> None:
    with pytest.raises(ValueError, match="TTL of 0 means: no cache"):
        ResponseCache(0)


# --- the transport -----------------------------------------------------------------------------------


async def test_identical_deterministic_requests_reach_the_backend_once() -> None:
    backend = Backend({"content": "23*19 = 437", "reasoning_content": "multiply"})
    client = client_for(backend, ResponseCache(60))
    hits, misses = counted("hit"), counted("miss")
    first_header, first = await ask(client)
    second_header, second = await ask(client)
    assert len(backend.requests) == 1
    assert (first_header, second_header) == ("miss", "hit")
    assert second.model_dump() == first.model_dump()  # the same reply, id and usage included
    assert second.choices[0].message.content == "23*19 = 437"
    assert counted("hit") == hits + 1 and counted("miss") == misses + 1


async def test_a_changed_message_misses() -> None:
    backend = Backend()
    client = client_for(backend, ResponseCache(60))
    await ask(client)
    header, _ = await ask(client, messages=[{"role": "user", "content": "What is 23*18?"}])
    assert header == "miss" and len(backend.requests) == 2


async def test_sampling_and_no_cache_bypass_the_cache() -> None:
    backend = Backend()
    cache = ResponseCache(60)
    client = client_for(backend, cache)
    bypasses = counted("bypass")
    for _ in range(2):
        header, _ = await ask(client, temperature=0.7)
        assert header is None
    assert len(backend.requests) == 2 and counted("bypass") == bypasses + 2
    await ask(client)  # stored
    with no_cache():  # the client sent Cache-Control: no-cache
        header, _ = await ask(client)
    assert header is None and len(backend.requests) == 4
    header, _ = await ask(client, extra_headers={"Cache-Control": "no-cache"})
    assert header is None and len(backend.requests) == 5
    header, _ = await ask(client)  # and the entry is still there for everyone else
    assert header == "hit" and len(backend.requests) == 5
    assert counted("bypass") == bypasses + 4


async def test_a_backend_marked_deterministic_caches_unset_sampling() -> None:
    backend = Backend()
    plain = client_for(backend, ResponseCache(60))
    marked = client_for(backend, ResponseCache(60), deterministic=True)
    for client in (plain, plain, marked, marked):
        await client.chat.completions.create(model="stub", messages=MESSAGES)
    assert len(backend.requests) == 3  # plain: twice; marked: once


async def test_errors_and_unfinished_replies_are_not_stored() -> None:
    backend = Backend()
    client = client_for(backend, ResponseCache(60))
    backend.status = 503
    with pytest.raises(openai.InternalServerError):
        await ask(client)
    backend.status = 200
    header, reply = await ask(client)
    assert header == "miss" and reply.choices[0].message.content == "437"
    assert len(backend.requests) == 2


async def test_a_compressed_reply_is_stored_decoded() -> None:
    backend = Backend()
    backend.gzip = True
    client = client_for(backend, ResponseCache(60))
    _, first = await ask(client)
    header, second = await ask(client)
    assert header == "hit" and second.choices[0].message.content == "437"
    assert second.id == first.id and len(backend.requests) == 1


async def test_a_streamed_miss_is_stored_and_replays_as_a_stream_or_a_reply() -> None:
    tool_call = {"name": "calculator", "arguments": {"expression": "23*19"}}
    backend = Backend({"content": "Let me compute.", "tool_calls": [tool_call]})
    client = client_for(backend, ResponseCache(60))
    header, chunks = await ask_streamed(client)
    assert header == "miss" and len(backend.requests) == 1
    header, replayed = await ask_streamed(client)
    assert header == "hit" and len(backend.requests) == 1

    def summary(chunks: list[Any]) -> tuple[str, str, str, str | None, Any]:
        text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
        calls = [call for c in chunks if c.choices for call in c.choices[0].delta.tool_calls or []]
        name = "".join(call.function.name or "" for call in calls)
        arguments = "".join(call.function.arguments or "" for call in calls)
        finish = next(c.choices[0].finish_reason for c in chunks[::-1] if c.choices)
        usage = next(c.usage for c in chunks[::-1] if c.usage)
        return text, name, arguments, finish, usage

    assert summary(replayed) == summary(chunks)
    assert summary(replayed)[:4] == (
        "Let me compute.",
        "calculator",
        '{"expression": "23*19"}',
        "tool_calls",
    )
    header, reply = await ask(client)  # the same request, not streamed: the same entry
    assert header == "hit" and len(backend.requests) == 1
    message = reply.choices[0].message
    assert message.content == "Let me compute." and reply.choices[0].finish_reason == "tool_calls"
    assert message.tool_calls[0].function.arguments == '{"expression": "23*19"}'
    streamed_ids = [
        call.id
        for c in chunks
        if c.choices
        for call in c.choices[0].delta.tool_calls or []
        if call.id
    ]
    assert [call.id for call in message.tool_calls] == streamed_ids  # the backend's own id


async def test_a_stored_reply_replays_as_a_stream() -> None:
    backend = Backend({"content": "437", "reasoning_content": "23*19 is 437"})
    client = client_for(backend, ResponseCache(60))
    _, reply = await ask(client)
    header, chunks = await ask_streamed(client)
    assert header == "hit" and len(backend.requests) == 1
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "437"
    reasoning = [
        (c.choices[0].delta.model_extra or {}).get("reasoning_content") for c in chunks if c.choices
    ]
    assert "23*19 is 437" in reasoning
    assert chunks[-1].usage.total_tokens == reply.usage.total_tokens


async def test_a_stream_cut_off_mid_way_is_not_stored() -> None:
    backend = Backend({"content": "a long answer that is cut"})
    backend.cut_after = 2
    client = client_for(backend, ResponseCache(60))
    await ask_streamed(client)
    backend.cut_after = None
    header, chunks = await ask_streamed(client)
    assert header == "miss" and len(backend.requests) == 2
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == (
        "a long answer that is cut"
    )


async def test_other_requests_pass_through_untouched() -> None:
    seen: list[str] = []

    def handler(request: Any) -> Any:
        seen.append(f"{request.method} {request.url.path}")
        return http.Response(200, json={"object": "list", "data": [{"id": "stub"}]})

    client = client_for(handler, ResponseCache(60))
    await client.models.list()
    await client.models.list()
    assert seen == ["GET /v1/models", "GET /v1/models"]


# --- assembling and replaying streams --------------------------------------------------------------


def test_assembled_stream_equals_the_plain_reply() -> None:
    reply = {
        "content": "The answer is 437.",
        "reasoning_content": "23*19",
        "tool_calls": [
            {"id": "call_1", "name": "calculator", "arguments": {"expression": "23*19"}},
            {"id": "call_2", "name": "time_now", "arguments": {}},
        ],
    }
    request = {"model": "stub", "stream": True, "stream_options": {"include_usage": True}}
    assembler = StreamAssembler()
    for chunk in stream_chunks(request, reply):
        assembler.feed(chunk)
    assembled = assembler.completion()
    plain = completion(request, reply)
    assert assembled is not None
    assert (
        assembled["choices"][0]["message"]["tool_calls"]
        == (plain["choices"][0]["message"]["tool_calls"])
    )
    assert assembled["choices"][0]["message"]["content"] == "The answer is 437."
    assert assembled["choices"][0]["message"]["reasoning_content"] == "23*19"
    assert assembled["choices"][0]["finish_reason"] == "tool_calls"
    assert assembled["usage"] == plain["usage"]
    # and a replay of it assembles to the same reply again
    again = StreamAssembler()
    for chunk in replay_chunks(assembled, include_usage=True):
        again.feed(chunk)
    assert again.completion() == assembled


def test_an_unfinished_or_failed_stream_assembles_to_nothing() -> None:
    request = {"model": "stub", "stream": True}
    chunks = list(stream_chunks(request, {"content": "cut"}))
    assembler = StreamAssembler()
    for chunk in chunks[:-1]:  # no finish_reason
        assembler.feed(chunk)
    assert assembler.completion() is None
    failed = StreamAssembler()
    for chunk in chunks:
        failed.feed(chunk)
    failed.feed_event(json.dumps({"error": {"message": "backend died"}}))
    assert failed.completion() is None


def test_the_cache_comes_from_the_settings() -> None:
    from server.settings import SettingsError, load_settings
    from server.storage.response_cache import cache_from_settings

    assert cache_from_settings(load_settings(cache_ttl=0)) is None  # the default: no cache
    cache = cache_from_settings(load_settings(cache_ttl=300, cache_max_entries=50))
    assert cache is not None and cache.ttl == 300 and not cache.shared
    assert cache._local is not None and cache._local.max_entries == 50
    with pytest.raises(SettingsError, match="TOOLLOOM_CACHE_MAX_ENTRIES"):
        load_settings(cache_max_entries=0)


async def test_an_unreadable_entry_is_a_miss_and_is_replaced(
    caplog: pytest.LogCaptureFixture,
) -> None:
    backend = Backend()
    cache = ResponseCache(60)
    client = client_for(backend, cache)
    payload = {"messages": MESSAGES, "model": "stub", "temperature": 0}
    await cache.put(cache_key("stub", "/v1/chat/completions", payload), b"{not json")
    header, reply = await ask(client)
    assert header == "miss" and reply.choices[0].message.content == "437"
    assert "unreadable entry for backend stub" in caplog.text
    header, _ = await ask(client)
    assert header == "hit" and len(backend.requests) == 1
