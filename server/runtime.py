"""Everything a running toolloom holds: the tools, the backends, the checkpointer, the store,
the compiled graph, the per-key limiter and the response cache.

Opened once per process, by the FastAPI lifespan or by ``toolloom chat``, with
:func:`open_runtime`; closed in reverse order (coordinator, checkpointer, store, Redis, embedded
model, tools). The settings become the parts here and nowhere else: :func:`context_from` (run
limits), :func:`tool_config_from` (the tools' sandbox), :func:`mcp_timing_from` (how MCP servers
are reached), :func:`backends_from` (one :class:`~backends.backend.Backend` per models-file entry,
each with its own retry policy and circuit breaker, its client going through the response cache
when one is on), :func:`llm_from` and :func:`policy_from` (one model client).

The tools are the toolbox (:mod:`tools.toolbox`: built-ins, Python tools, MCP tools, minus the
disabled ones), and the graph is built with the toolbox itself, not a copy of its list: the nodes
read its current tools at every run (:mod:`graph.context`), so the tools of an MCP server that
comes up after start-up reach the model on the next request. Rebuilding the graphs on
``toolbox.subscribe`` instead would have to swap the compiled graphs, the LangServe handler and the
run recovery that each hold one, between requests; reading the source per run needs none of that.

The backends: the models file (``TOOLLOOM_MODELS``) or, without one, today's single backend from
``TOOLLOOM_LLM_*`` (:func:`backends.models_file.load_models`). The embedded model is the entry
``embedded``; it is started only when some entry needs it (the default, listed in the file, or
named as a fallback), as before when no URL is set.

Redis (``TOOLLOOM_REDIS_URL``) is optional: the limiter and the cache share one client and fall
back to in-process counts and no cache while it is away (:mod:`server.storage.redis_link`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.tools import BaseTool
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph.state import CompiledStateGraph
from langgraph.store.base import BaseStore
from redis.asyncio import Redis

from backends.backend import Backend
from backends.client import EMBEDDED_MAX_TOKENS, ToolloomChatOpenAI, make_chat_model
from backends.embedded import EmbeddedServer
from backends.models_file import ModelEntry, ModelsConfig, load_models
from backends.pool import BackendPool
from backends.resilience import CircuitBreaker, RetryPolicy
from graph.builder import build_graph
from graph.checkpoints import compile_checkpointed, prune_checkpoints
from graph.context import Context
from intent.model import IntentModel
from intent.model import shipped as shipped_intent
from server.settings import Settings, environment
from server.storage.assistant_store import AssistantStore
from server.storage.coordination import Coordinator, open_coordinator, transcript_recovery
from server.storage.engine import open_checkpoints
from server.storage.memory_store import opened_for
from server.storage.rate_limits import RateLimiter, StoredLimits, limiter_from_settings
from server.storage.redis_link import redis_from_settings
from server.storage.response_cache import ResponseCache, cache_from_settings, cached_http_client
from server.storage.store import Store
from server.storage.thread_ttl_store import ThreadTtls
from tools.base import ToolConfig
from tools.toolbox import McpTiming, Toolbox, ToolSources, open_tools

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RoadOptions:
    """What the road reads of the settings: the limits on what one request may send, how long a
    run waits for its thread, and a stored run's lease."""

    max_messages: int = 200
    max_message_chars: int = 100_000
    thread_busy_wait: float = 120.0
    run_lease: float = 30.0


def road_options_from(settings: Settings) -> RoadOptions:
    return RoadOptions(
        max_messages=settings.max_messages,
        max_message_chars=settings.max_message_chars,
        thread_busy_wait=settings.thread_busy_wait,
        run_lease=settings.run_lease,
    )


@dataclass
class AgentRuntime:
    """The live parts of a toolloom process."""

    settings: Settings
    graph: CompiledStateGraph[Any, Any, Any, Any]
    """The graph with the checkpointer: runs on a thread."""
    stateless_graph: CompiledStateGraph[Any, Any, Any, Any]
    """The same graph without one: a ``/v1`` request that names no thread."""
    checkpointer: BaseCheckpointSaver[Any]
    store: Store
    coordinator: Coordinator
    """One run at a time per thread (across replicas on PostgreSQL), run leases, crash recovery."""
    pool: BackendPool
    """The backends by name, with their fallback chains."""
    context: Context
    """The run limits from the settings; each run starts from these."""
    toolbox: Toolbox
    """Every tool on offer and where it comes from; MCP servers' states."""
    limiter: RateLimiter
    """Per-key requests per minute and tokens per day (through Redis when configured)."""
    key_limits: StoredLimits
    """The per-key overrides stored with the keys (``toolloom keys limits``)."""
    cache: ResponseCache | None = None
    """The response cache (None when ``TOOLLOOM_CACHE_TTL`` is 0)."""
    redis: Redis | None = None
    embedded: EmbeddedServer | None = None
    road: RoadOptions = field(default_factory=lambda: RoadOptions())
    """The road's own limits (:mod:`server.road`)."""
    memory: BaseStore | None = None
    """The long-term memory store (LangGraph's ``BaseStore``; the graph's ``Runtime.store``)."""
    assistants: AssistantStore | None = None
    """The assistants (configurations of the graph) and their versions."""
    thread_ttls: ThreadTtls | None = None
    """The threads' TTLs (swept by :class:`~server.agentserver.sweeper.Sweeper`, which the
    server starts beside the run worker)."""

    @property
    def tools(self) -> list[BaseTool]:
        """The tools on offer now (an MCP server's join when it comes up)."""
        return self.toolbox.tools

    @property
    def backend(self) -> Backend:
        """The default backend."""
        return self.pool.get()

    @property
    def backend_name(self) -> str:
        return self.backend.name

    @property
    def base_url(self) -> str | None:
        return self.backend.base_url

    @property
    def model(self) -> str:
        return self.backend.model

    async def prune_checkpoints(self, thread_id: str) -> None:
        """Keep only the newest TOOLLOOM_CHECKPOINT_HISTORY checkpoints of the thread."""
        if self.settings.checkpoint_history:
            await prune_checkpoints(self.checkpointer, thread_id, self.settings.checkpoint_history)


def context_from(settings: Settings) -> Context:
    """The run limits that come from the process settings."""
    return Context(
        max_steps=settings.max_steps,
        max_tool_calls=settings.max_tool_calls,
        tool_timeout=settings.tool_timeout,
        tool_output_chars=settings.tool_output_chars,
        history_messages=settings.history_messages,
        side_effects=settings.side_effects,
        approve_tools=frozenset(settings.approve_tools),
    )


def tool_config_from(settings: Settings) -> ToolConfig:
    return ToolConfig(
        workspace=settings.workspace,
        sandbox_db=settings.sandbox_db,
        timeout=settings.tool_timeout,
        output_chars=settings.tool_output_chars,
        file_max_bytes=settings.file_max_bytes,
        db_time_limit=settings.db_time_limit,
        net_timeout=settings.net_timeout,
        net_max_bytes=settings.net_max_bytes,
        net_methods=settings.net_methods,
        net_allowed_hosts=settings.net_allowed_hosts,
        net_allow_private=settings.net_allow_private,
    )


def tool_sources_from(settings: Settings, config: ToolConfig | None = None) -> ToolSources:
    """Where the tools come from and the rules they run under (``config``: the built-ins'
    sandbox, when not the settings')."""
    return ToolSources(
        config=config or tool_config_from(settings),
        tool_modules=settings.tool_modules,
        mcp_config=settings.mcp_config,
        disabled=settings.tools_disabled,
        approve=settings.approve_tools,
        timeout=settings.tool_timeout,
        output_chars=settings.tool_output_chars,
        timing=mcp_timing_from(settings),
    )


def mcp_timing_from(settings: Settings) -> McpTiming:
    """How patiently MCP servers are reached, and how long a server that is down waits."""
    return McpTiming(
        connect_timeout=settings.mcp_connect_timeout,
        retry_max=settings.mcp_retry_max,
    )


def llm_from(
    settings: Settings, *, base_url: str | None = None, embedded_alias: str | None = None
) -> ToolloomChatOpenAI:
    """The chat model for the configured backend, or for the embedded one at ``base_url``."""
    url = base_url or (str(settings.llm_base_url) if settings.llm_base_url else None)
    if url is None:
        raise ValueError("no LLM base URL: set TOOLLOOM_LLM_BASE_URL or start the embedded model")
    return make_chat_model(
        base_url=url,
        model=embedded_alias or settings.llm_model,
        api_key=settings.llm_api_key,
        timeout=settings.llm_timeout,
        temperature=settings.llm_temperature,
        max_tokens=settings.llm_max_tokens or (EMBEDDED_MAX_TOKENS if embedded_alias else None),
    )


def intent_from(settings: Settings) -> IntentModel | None:
    """The intent model ``TOOLLOOM_INTENT_MODEL`` names (``shipped``, a file, or ``off``).

    Raises :class:`~intent.model.ArtefactError` for a file that is missing or not a model."""
    choice = settings.intent_model.strip()
    if choice.lower() == "off":
        return None
    if choice.lower() == "shipped":
        return shipped_intent()
    return IntentModel.load(choice)


def policy_from(settings: Settings, name: str = "llm") -> RetryPolicy:
    """The retry loop and circuit breaker for calls to the configured backend."""
    return RetryPolicy(
        attempts=1 + settings.llm_max_retries,
        base_delay=settings.llm_retry_base_delay,
        breaker=CircuitBreaker(
            failures=settings.llm_breaker_failures,
            reset_after=settings.llm_breaker_reset,
            name=name,
        ),
    )


def backends_from(
    settings: Settings,
    models: ModelsConfig,
    *,
    embedded: EmbeddedServer | None = None,
    cache: ResponseCache | None = None,
) -> tuple[BackendPool, list[Any]]:
    """One backend per entry the server runs (``embedded`` at the started server's URL), and the
    cache's HTTP clients (closed by the caller)."""
    backends: list[Backend] = []
    clients: list[Any] = []
    served = models.served()
    for entry in served:
        url = embedded.base_url if entry.is_embedded and embedded else None
        if not entry.is_embedded:
            url = str(entry.base_url)
        if url is None:
            raise ValueError("the embedded model is needed but was not started")
        client = None
        if cache is not None:
            client = cached_http_client(
                cache, backend=entry.name, deterministic=entry.deterministic
            )
            clients.append(client)
        llm = make_chat_model(
            base_url=url,
            model=(embedded.alias if entry.is_embedded and embedded else entry.model),
            api_key=entry.key(),
            timeout=entry.timeout or settings.llm_timeout,
            temperature=entry.temperature,
            max_tokens=entry.max_tokens or (EMBEDDED_MAX_TOKENS if entry.is_embedded else None),
            http_async_client=client,
        )
        backends.append(_backend(settings, entry, llm, url))
    names = {entry.name for entry in served}
    fallbacks = {e.name: [f for f in e.fallbacks if f in names] for e in served}
    return BackendPool(backends, default=models.default, fallbacks=fallbacks), clients


def answers_from_results(settings: Settings, entry: ModelEntry) -> bool:
    """Whether answers that a tool result gives by itself skip this backend's phrasing: the
    entry's own choice, else the setting (``auto``: only for the embedded model, whose phrasing
    adds seconds and risks nothing but errors; gpt-oss phrases it well)."""
    if entry.answer_from_results is not None:
        return entry.answer_from_results
    if settings.answer_from_results == "auto":
        return entry.is_embedded
    return settings.answer_from_results == "always"


def _backend(settings: Settings, entry: ModelEntry, llm: BaseChatModel, url: str | None) -> Backend:
    backend = Backend(
        llm,
        policy_from(settings, entry.name),
        name=entry.name,
        base_url=url,
        answer_from_results=answers_from_results(settings, entry),
    )
    if entry.structured_output is not None:  # the operator says how this backend takes JSON
        backend.quirks.structured[entry.structured_output] = True
    return backend


@contextlib.asynccontextmanager
async def open_runtime(
    settings: Settings,
    llm: BaseChatModel | None = None,
    progress: Callable[[str], None] | None = None,
) -> AsyncIterator[AgentRuntime]:
    """Open the tools, start the backends (the embedded model when an entry needs it), open
    Redis, the store and the checkpoints, compile the graph. ``llm`` replaces the configured
    backends with one (tests pass a fake model). The run worker of the Agent Server API is not
    part of it: the server starts one beside it (:mod:`server.app`); ``toolloom chat`` must not
    pick up a server's pending runs.

    The tools come first: a Python tool module that fails to import (or another
    :class:`~tools.external.source_errors.ToolSourceError`) stops here, before a model is started."""
    async with contextlib.AsyncExitStack() as stack:
        toolbox = await stack.enter_async_context(open_tools(tool_sources_from(settings)))
        models = load_models(settings, environment())
        embedded: EmbeddedServer | None = None
        if llm is None and models.needs_embedded():
            embedded = EmbeddedServer(
                settings.embedded_model,
                ctx=settings.embedded_ctx,
                threads=settings.embedded_threads,
                start_timeout=settings.embedded_start_timeout,
            )
            stack.callback(embedded.stop)
            await embedded.start(progress)
            watch = asyncio.create_task(embedded.watch(), name="embedded-watch")
            stack.callback(watch.cancel)

        redis = redis_from_settings(settings)
        if redis is not None:
            stack.push_async_callback(redis.aclose)
        cache = cache_from_settings(settings, redis=redis)
        if llm is None:
            pool, clients = backends_from(settings, models, embedded=embedded, cache=cache)
            for client in clients:
                stack.push_async_callback(client.aclose)
        else:  # an in-process model (tests): one backend under the default entry's name
            name = models.default
            pool = BackendPool.single(Backend(llm, policy_from(settings, name), name=name))

        store = await asyncio.to_thread(Store.open, settings)  # migrated to the latest schema
        stack.callback(store.close)
        key_limits = StoredLimits(store.keys.limits)
        limiter = limiter_from_settings(settings, redis=redis, limits_for=key_limits)
        checkpointer = await stack.enter_async_context(open_checkpoints(settings))
        memory = await stack.enter_async_context(opened_for(settings))
        assistants = AssistantStore(store)
        thread_ttls = ThreadTtls(store)

        context = context_from(settings)
        if settings.side_effects == "allow":
            log.warning(
                "TOOLLOOM_SIDE_EFFECTS=allow: calls that write files, change the database or "
                "send requests run even when the user did not ask for them (a page or file the "
                "agent reads can make it do so); use it only for trusted batch jobs"
            )
        intent = intent_from(settings)
        if intent is not None:  # the encoder loaded now, not by (and on the loop of) a request
            threading.Thread(target=intent.warm, name="intent-warm-up", daemon=True).start()
        builder = build_graph(
            pool, toolbox, defaults=context, intent=intent, memory=settings.memory
        )
        graph = compile_checkpointed(builder, checkpointer, memory)
        coordinator = await stack.enter_async_context(
            open_coordinator(
                store,
                lease=settings.run_lease,
                on_interrupted=transcript_recovery(store, graph),
            )
        )
        log.info(
            "toolloom: graph ready; backends %s (default %s); database %s; replica %s; "
            "redis %s; response cache %s; tools %s",
            ", ".join(f"{b.name}={b.base_url or '(in-process)'}" for b in pool.backends.values()),
            pool.default,
            "PostgreSQL" if store.shared else settings.db,
            coordinator.replica_id,
            "on" if redis is not None else "off",
            ("shared" if cache.shared else "in process") if cache is not None else "off",
            toolbox.health()["tools"],
        )
        runtime = AgentRuntime(
            settings=settings,
            graph=graph,
            stateless_graph=builder.compile(name="toolloom", store=memory),
            checkpointer=checkpointer,
            store=store,
            coordinator=coordinator,
            pool=pool,
            context=context,
            toolbox=toolbox,
            limiter=limiter,
            key_limits=key_limits,
            cache=cache,
            redis=redis,
            embedded=embedded,
            road=road_options_from(settings),
            memory=memory,
            assistants=assistants,
            thread_ttls=thread_ttls,
        )
        yield runtime
