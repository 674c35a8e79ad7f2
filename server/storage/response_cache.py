"""An exact cache of model replies, for deterministic requests, in process or shared through Redis.

**What is cached.** A reply of a backend's ``POST .../chat/completions``, keyed by a SHA-256 of
the backend's name, the path and the canonical JSON of the whole request body (model, messages,
tools, tool_choice, response_format, max tokens, every sampling parameter) except ``stream`` and
``stream_options``. The value is the backend's raw JSON reply (a ``chat.completion``), so a hit
replays the model step exactly. Only complete replies are stored (HTTP 200, every choice with a
``finish_reason``); errors never are. Tool results are not touched: a reply is cached, never
what a tool returned (a request whose messages hold a new tool result is a new key).

**Deterministic requests only**: ``temperature`` 0, or no sampling settings at all (no
temperature, top_p, top_k, min_p, typical_p) on a backend the operator marks ``deterministic``.
Anything else, a client's ``Cache-Control: no-cache`` (:func:`no_cache` / :func:`set_bypass`, a
context variable the request path sets), or ``Cache-Control: no-cache`` on the request to the
backend, bypasses the cache.

**Streaming.** A streamed request is served from the same entries: a streamed miss is passed
through chunk by chunk as it arrives and, once the backend has finished it (every choice has a
``finish_reason``, ``[DONE]`` seen), assembled into the ``chat.completion`` it stands for and
stored; a hit on a streamed request is replayed as chunks (role, reasoning, the whole content, one
chunk per tool call, finish, usage when ``stream_options.include_usage`` asks). Why not bypass:
the server streams whenever its client does (the web page always), so bypassing streams would
leave most runs uncached, and keying streamed and plain requests apart would make the same
question miss depending on the surface. A stream cut off mid-way is not stored.

**Where.** In process: an LRU of ``TOOLLOOM_CACHE_MAX_ENTRIES`` replies, each valid for
``TOOLLOOM_CACHE_TTL`` seconds. With Redis: one key per reply with the TTL (``SET ... PX``); the
size bound is Redis's ``maxmemory`` with an LRU ``maxmemory-policy`` (``allkeys-lru``, or
``volatile-lru`` when Redis also holds the rate limits). A Redis that fails means no cache
(a warning once, then Redis is tried again every few seconds), never a failed request.

**The hook.** :class:`CachingTransport` is an httpx transport: give the backend's ``ChatOpenAI``
``http_async_client=cached_http_client(cache, backend=entry.name, deterministic=...)``. It sees
the exact request body the OpenAI SDK sends and answers a hit without touching the network;
replies carry ``x-toolloom-cache: hit`` or ``miss`` (``ChatOpenAI(include_response_headers=True)``
puts them in ``response_metadata["headers"]``).

Metrics: ``toolloom_cache_requests_total{result="hit|miss|bypass"}``.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import hashlib
import importlib
import json
import logging
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterator, Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any

import openai
from prometheus_client import Counter
from redis.asyncio import Redis

from backends.telemetry import REGISTRY
from server.settings import Settings
from server.storage.redis_link import DEFAULT_RETRY_INTERVAL, RedisLink

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

CACHE_HEADER = "x-toolloom-cache"
SAMPLING_KEYS = ("temperature", "top_p", "top_k", "min_p", "typical_p")
_UNKEYED = ("stream", "stream_options")  # a streamed and a plain request share one entry
_HOP_HEADERS = {"content-encoding", "content-length", "transfer-encoding", "connection"}

CACHE_REQUESTS = Counter(
    "toolloom_cache_requests_total",
    "Model requests by what the response cache did: hit (answered from the cache), miss (sent "
    "to the backend, reply stored), bypass (not deterministic, or the client said no-cache)",
    ["result"],
    registry=REGISTRY,
)

_BYPASS: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "toolloom_cache_bypass", default=False
)


# --- the client's no-cache ---------------------------------------------------------------------------


def set_bypass(bypass: bool) -> contextvars.Token[bool]:
    """Bypass the cache for model calls made from this context (and tasks started from it)."""
    return _BYPASS.set(bypass)


@contextlib.contextmanager
def no_cache(bypass: bool = True) -> Iterator[None]:
    """``with no_cache(wants_no_cache(request.headers)):`` around a run."""
    token = _BYPASS.set(bypass)
    try:
        yield
    finally:
        _BYPASS.reset(token)


def bypassed() -> bool:
    return _BYPASS.get()


def wants_no_cache(headers: Mapping[str, str]) -> bool:
    """True when a request's headers say ``Cache-Control: no-cache`` (or ``no-store``, or
    ``Pragma: no-cache``)."""
    directives = {
        part.split("=", 1)[0].strip().lower()
        for part in (headers.get("cache-control") or "").split(",")
    }
    pragma = (headers.get("pragma") or "").strip().lower()
    return bool(directives & {"no-cache", "no-store"}) or pragma == "no-cache"


# --- what a request is -----------------------------------------------------------------------------


def is_deterministic(payload: Mapping[str, Any], backend_deterministic: bool = False) -> bool:
    """Temperature 0, or no sampling settings on a backend marked deterministic."""
    temperature = payload.get("temperature")
    if temperature is not None:
        return (
            isinstance(temperature, int | float)
            and not isinstance(temperature, bool)
            and temperature == 0
        )
    return backend_deterministic and all(payload.get(key) is None for key in SAMPLING_KEYS)


def cache_key(backend: str, path: str, payload: Mapping[str, Any]) -> str:
    """SHA-256 of the backend, the path and the canonical JSON of the request (sorted keys, no
    spaces), ``stream`` and ``stream_options`` left out."""
    body = {k: v for k, v in payload.items() if k not in _UNKEYED}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256()
    for part in (backend, "\n", path, "\n", canonical):
        digest.update(part.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def complete_reply(body: bytes) -> dict[str, Any] | None:
    """The reply as a dict if it is a finished ``chat.completion`` worth storing, else None."""
    try:
        reply = json.loads(body)
    except ValueError:
        return None
    if not isinstance(reply, dict) or "error" in reply:
        return None
    choices = reply.get("choices")
    if not isinstance(choices, list) or not choices:
        return None
    if not all(isinstance(c, dict) and c.get("finish_reason") for c in choices):
        return None
    return reply


# --- storage -------------------------------------------------------------------------------------------


class _LruStore:
    def __init__(self, max_entries: int, ttl: float, clock: Any) -> None:
        self.max_entries = max_entries
        self.ttl = ttl
        self._clock = clock
        self._data: OrderedDict[str, tuple[float, bytes]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._data)

    def get(self, key: str) -> bytes | None:
        item = self._data.get(key)
        if item is None:
            return None
        expires, value = item
        if expires <= self._clock():
            del self._data[key]
            return None
        self._data.move_to_end(key)
        return value

    def put(self, key: str, value: bytes) -> None:
        self._data[key] = (self._clock() + self.ttl, value)
        self._data.move_to_end(key)
        while len(self._data) > self.max_entries:
            self._data.popitem(last=False)


class ResponseCache:
    """Stored replies by key: in process (LRU with TTL) or in Redis (per-entry TTL)."""

    def __init__(
        self,
        ttl: float,
        *,
        max_entries: int = 1000,
        redis: Redis | None = None,
        prefix: str = "toolloom:cache:v1:",
        retry_interval: float = DEFAULT_RETRY_INTERVAL,
        clock: Any = time.monotonic,
    ) -> None:
        if ttl <= 0:
            raise ValueError("ttl must be positive (a TTL of 0 means: no cache)")
        self.ttl = ttl
        self.prefix = prefix
        self.link = (
            RedisLink(redis, purpose="the response cache", retry_interval=retry_interval)
            if redis is not None
            else None
        )
        self._local = _LruStore(max_entries, ttl, clock) if redis is None else None

    @property
    def shared(self) -> bool:
        return self.link is not None

    async def get(self, key: str) -> bytes | None:
        """The stored reply, or None (absent, expired, or Redis unavailable)."""
        if self._local is not None:
            return self._local.get(key)
        assert self.link is not None
        name = self.prefix + key

        async def read(client: Redis) -> Any:
            return await client.get(name)

        _, value = await self.link.run(read)
        return bytes(value) if value is not None else None

    async def put(self, key: str, reply: bytes) -> None:
        """Store a reply for ``ttl`` seconds (nothing happens if Redis is unavailable)."""
        if self._local is not None:
            self._local.put(key, reply)
            return
        assert self.link is not None
        name = self.prefix + key
        ttl_ms = max(1, int(self.ttl * 1000))

        async def write(client: Redis) -> Any:
            return await client.set(name, reply, px=ttl_ms)

        await self.link.run(write)


def cache_from_settings(settings: Settings, *, redis: Redis | None = None) -> ResponseCache | None:
    """The server's cache (None when ``TOOLLOOM_CACHE_TTL`` is 0); Redis when a client is given."""
    if settings.cache_ttl <= 0:
        return None
    return ResponseCache(settings.cache_ttl, max_entries=settings.cache_max_entries, redis=redis)


# --- streams -------------------------------------------------------------------------------------------


class StreamAssembler:
    """Builds the ``chat.completion`` a stream of ``chat.completion.chunk`` events stands for."""

    def __init__(self) -> None:
        self.head: dict[str, Any] = {}
        self.choices: dict[int, dict[str, Any]] = {}
        self.usage: Any = None
        self.broken = False
        self.done = False  # [DONE] seen

    def feed_event(self, data: str) -> None:
        if data.strip() == "[DONE]":
            self.done = True
            return
        try:
            chunk = json.loads(data)
        except ValueError:
            self.broken = True
            return
        if not isinstance(chunk, dict) or "error" in chunk:
            self.broken = True
            return
        self.feed(chunk)

    def feed(self, chunk: Mapping[str, Any]) -> None:
        for field in ("id", "created", "model", "system_fingerprint"):
            if field in chunk and field not in self.head:
                self.head[field] = chunk[field]
        if chunk.get("usage"):
            self.usage = chunk["usage"]
        for choice in chunk.get("choices") or []:
            state = self.choices.setdefault(
                int(choice.get("index", 0)),
                {"role": "assistant", "text": {}, "calls": {}, "finish": None, "logprobs": None},
            )
            delta = choice.get("delta") or {}
            if delta.get("role"):
                state["role"] = delta["role"]
            for field in ("content", "reasoning_content", "reasoning", "refusal"):
                piece = delta.get(field)
                if isinstance(piece, str):
                    state["text"][field] = state["text"].get(field, "") + piece
            for call in delta.get("tool_calls") or []:
                slot = state["calls"].setdefault(
                    int(call.get("index", 0)),
                    {"id": None, "type": "function", "function": {"name": "", "arguments": ""}},
                )
                if call.get("id"):
                    slot["id"] = call["id"]
                if call.get("type"):
                    slot["type"] = call["type"]
                function = call.get("function") or {}
                slot["function"]["name"] += function.get("name") or ""
                slot["function"]["arguments"] += function.get("arguments") or ""
            if choice.get("logprobs"):
                state["logprobs"] = choice["logprobs"]
            if choice.get("finish_reason"):
                state["finish"] = choice["finish_reason"]

    def completion(self) -> dict[str, Any] | None:
        """The assembled reply, or None if the stream was broken or not finished."""
        if self.broken or not self.choices:
            return None
        if not all(state["finish"] for state in self.choices.values()):
            return None
        choices = []
        for index in sorted(self.choices):
            state = self.choices[index]
            message: dict[str, Any] = {"role": state["role"], "content": None}
            for field, text in state["text"].items():
                message[field] = text
            if state["calls"]:
                message["tool_calls"] = [state["calls"][i] for i in sorted(state["calls"])]
            choices.append(
                {
                    "index": index,
                    "message": message,
                    "finish_reason": state["finish"],
                    "logprobs": state["logprobs"],
                }
            )
        reply: dict[str, Any] = {**self.head, "object": "chat.completion", "choices": choices}
        if self.usage is not None:
            reply["usage"] = self.usage
        return reply


class _SseReader:
    """Splits a byte stream into server-sent events' ``data`` and hands them to an assembler."""

    def __init__(self, assembler: StreamAssembler) -> None:
        self.assembler = assembler
        self._buffer = b""

    def feed(self, data: bytes) -> None:
        self._buffer += data.replace(b"\r\n", b"\n")
        while b"\n\n" in self._buffer:
            event, self._buffer = self._buffer.split(b"\n\n", 1)
            lines = [
                line[5:].removeprefix(b" ")
                for line in event.split(b"\n")
                if line.startswith(b"data:")
            ]
            if lines:
                self.assembler.feed_event(b"\n".join(lines).decode("utf-8", "replace"))


def replay_chunks(reply: Mapping[str, Any], *, include_usage: bool) -> list[dict[str, Any]]:
    """A stored ``chat.completion`` as the ``chat.completion.chunk`` events of a stream."""
    head = {
        "id": reply.get("id", "chatcmpl-cached"),
        "object": "chat.completion.chunk",
        "created": reply.get("created", int(time.time())),
        "model": reply.get("model", ""),
    }
    if reply.get("system_fingerprint"):
        head["system_fingerprint"] = reply["system_fingerprint"]

    def chunk(index: int, delta: dict[str, Any], **extra: Any) -> dict[str, Any]:
        choice = {"index": index, "delta": delta, "finish_reason": None, "logprobs": None}
        return {**head, "choices": [{**choice, **extra}]}

    chunks = []
    for choice in reply.get("choices") or []:
        index = int(choice.get("index", 0))
        message = choice.get("message") or {}
        chunks.append(chunk(index, {"role": message.get("role", "assistant"), "content": ""}))
        for field in ("reasoning_content", "reasoning", "refusal"):
            if message.get(field):
                chunks.append(chunk(index, {field: message[field]}))
        if message.get("content"):
            chunks.append(
                chunk(index, {"content": message["content"]}, logprobs=choice.get("logprobs"))
            )
        for position, call in enumerate(message.get("tool_calls") or []):
            chunks.append(chunk(index, {"tool_calls": [{"index": position, **call}]}))
        chunks.append(chunk(index, {}, finish_reason=choice.get("finish_reason") or "stop"))
    if include_usage and reply.get("usage"):
        chunks.append({**head, "choices": [], "usage": reply["usage"]})
    return chunks


def replay_sse(reply: Mapping[str, Any], *, include_usage: bool) -> bytes:
    events = [
        f"data: {json.dumps(c, ensure_ascii=False)}\n\n"
        for c in replay_chunks(reply, include_usage=include_usage)
    ]
    return ("".join(events) + "data: [DONE]\n\n").encode()


# --- the transport --------------------------------------------------------------------------------------


def sdk_httpx() -> ModuleType:
    """The httpx library the installed OpenAI SDK is built on (openai >= 3: ``httpx2``, an
    API-identical fork; before: ``httpx``). Transports handed to it must come from the same one."""
    for cls in openai.DefaultAsyncHttpxClient.__mro__:
        root = cls.__module__.split(".")[0]
        if cls.__name__ == "AsyncClient" and root in ("httpx", "httpx2"):
            return importlib.import_module(root)
    return importlib.import_module("httpx")


@functools.cache
def _recording_stream_class(http: ModuleType) -> type:
    class RecordingStream(http.AsyncByteStream):  # type: ignore[name-defined]
        """Passes a streamed reply through as it arrives and stores it once it is complete."""

        def __init__(self, response: Any, store: Any) -> None:
            self.response = response
            self.store = store
            self.assembler = StreamAssembler()
            self.reader = _SseReader(self.assembler)
            self.stored = False

        async def _store_if_complete(self) -> None:
            if self.stored:
                return
            reply = self.assembler.completion()
            if reply is not None:
                self.stored = True
                await self.store(reply)

        async def __aiter__(self) -> AsyncIterator[bytes]:
            async for piece in self.response.aiter_bytes():
                self.reader.feed(piece)
                if self.assembler.done:
                    await self._store_if_complete()
                yield piece
            await self._store_if_complete()

        async def aclose(self) -> None:
            await self.response.aclose()

    return RecordingStream


class CachingTransport:
    """An httpx transport (for the OpenAI SDK's client) that answers deterministic chat
    completions from a :class:`ResponseCache` and sends everything else on to ``inner``."""

    def __init__(
        self,
        cache: ResponseCache,
        *,
        backend: str,
        deterministic: bool = False,
        inner: Any = None,
        http: ModuleType | None = None,
    ) -> None:
        self.cache = cache
        self.backend = backend
        self.deterministic = deterministic
        self.http = http or sdk_httpx()
        self.inner = inner or self.http.AsyncHTTPTransport(
            limits=self.http.Limits(max_connections=1000, max_keepalive_connections=100)
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method != "POST" or not request.url.path.endswith("/chat/completions"):
            return await self.inner.handle_async_request(request)
        body = await request.aread()
        try:
            payload = json.loads(body)
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            return await self.inner.handle_async_request(request)
        if (
            bypassed()
            or wants_no_cache(request.headers)
            or not is_deterministic(payload, self.deterministic)
        ):
            CACHE_REQUESTS.labels("bypass").inc()
            return await self.inner.handle_async_request(request)

        key = cache_key(self.backend, request.url.path, payload)
        streamed = bool(payload.get("stream"))
        include_usage = bool((payload.get("stream_options") or {}).get("include_usage"))
        stored = await self.cache.get(key)
        reply = complete_reply(stored) if stored is not None else None
        if stored is not None and reply is None:
            log.warning("response cache: an unreadable entry for backend %s; ignored", self.backend)
        if stored is not None and reply is not None:
            CACHE_REQUESTS.labels("hit").inc()
            if streamed:
                return self.http.Response(
                    200,
                    headers={"content-type": "text/event-stream", CACHE_HEADER: "hit"},
                    content=replay_sse(reply, include_usage=include_usage),
                )
            return self.http.Response(
                200,
                headers={"content-type": "application/json", CACHE_HEADER: "hit"},
                content=stored,
            )

        CACHE_REQUESTS.labels("miss").inc()
        response = await self.inner.handle_async_request(request)
        if response.status_code != 200:
            return response
        headers = [
            (name, value)
            for name, value in response.headers.multi_items()
            if name.lower() not in _HOP_HEADERS
        ]
        headers.append((CACHE_HEADER, "miss"))
        content_type = response.headers.get("content-type", "")
        if streamed and "text/event-stream" in content_type:

            async def store_stream(reply: dict[str, Any]) -> None:
                await self.cache.put(key, json.dumps(reply, ensure_ascii=False).encode())

            stream = _recording_stream_class(self.http)(response, store_stream)
            return self.http.Response(200, headers=headers, stream=stream)
        try:
            content = await response.aread()
        finally:
            await response.aclose()
        if complete_reply(content) is not None:
            await self.cache.put(key, content)
        return self.http.Response(200, headers=headers, content=content)

    async def aclose(self) -> None:
        await self.inner.aclose()

    async def __aenter__(self) -> CachingTransport:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


def cached_http_client(
    cache: ResponseCache,
    *,
    backend: str,
    deterministic: bool = False,
    inner: Any = None,
    **client_kwargs: Any,
) -> Any:
    """An ``httpx.AsyncClient`` (of the OpenAI SDK's flavour) whose requests go through a
    :class:`CachingTransport`: pass it as ``ChatOpenAI(http_async_client=...)``."""
    transport: Any = CachingTransport(
        cache, backend=backend, deterministic=deterministic, inner=inner
    )
    return openai.DefaultAsyncHttpxClient(transport=transport, **client_kwargs)
