"""Everything a running toolloom holds: the tools, the backend, the checkpointer, the store, the
compiled graph.

Opened once per process, by the FastAPI lifespan or by ``toolloom chat``, with
:func:`open_runtime`; closed in reverse order (coordinator, checkpointer, store, embedded model,
tools). The settings become the parts here and nowhere else: :func:`context_from` (run limits),
:func:`tool_config_from` (the tools' sandbox), :func:`mcp_timing_from` (how MCP servers are
reached), :func:`llm_from` and :func:`policy_from` (the model client).

The tools are the toolbox (:mod:`tools.toolbox`: built-ins, Python tools, MCP tools, minus the
disabled ones), and the graph is built with the toolbox itself, not a copy of its list: the nodes
read its current tools at every run (:mod:`graph.context`), so the tools of an MCP server that
comes up after start-up reach the model on the next request. Rebuilding the graphs on
``toolbox.subscribe`` instead would have to swap the compiled graphs, the LangServe handler and the
run recovery that each hold one, between requests; reading the source per run needs none of that.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.tools import BaseTool
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph.state import CompiledStateGraph

from backends.backend import Backend
from backends.client import EMBEDDED_MAX_TOKENS, ToolloomChatOpenAI, make_chat_model
from backends.resilience import CircuitBreaker, RetryPolicy
from graph.builder import build_graph
from graph.checkpoints import compile_checkpointed, open_checkpointer, prune_checkpoints
from graph.context import Context
from server.coordination import Coordinator, open_coordinator, transcript_recovery
from server.embedded import EmbeddedServer
from server.settings import Settings
from server.store import Store
from tools.base import ToolConfig
from tools.toolbox import McpTiming, Toolbox, open_tools

log = logging.getLogger(__name__)


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
    backend: Backend
    base_url: str | None
    context: Context
    """The run limits from the settings; each run starts from these."""
    toolbox: Toolbox
    """Every tool on offer and where it comes from; MCP servers' states."""
    embedded: EmbeddedServer | None = None

    @property
    def tools(self) -> list[BaseTool]:
        """The tools on offer now (an MCP server's join when it comes up)."""
        return self.toolbox.tools

    @property
    def backend_name(self) -> str:
        return "embedded" if self.embedded else "openai-compatible"

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


@contextlib.asynccontextmanager
async def open_runtime(
    settings: Settings,
    llm: BaseChatModel | None = None,
    progress: Callable[[str], None] | None = None,
) -> AsyncIterator[AgentRuntime]:
    """Open the tools, start the backend (embedded unless configured), open the checkpoints,
    compile the graph. ``llm`` replaces the configured backend (tests pass a fake model).

    The tools come first: a Python tool module that fails to import (or another
    :class:`~tools.external.errors.ToolSourceError`) stops here, before a model is started."""
    async with contextlib.AsyncExitStack() as stack:
        toolbox = await stack.enter_async_context(
            open_tools(settings, tool_config_from(settings), timing=mcp_timing_from(settings))
        )
        embedded: EmbeddedServer | None = None
        base_url = str(settings.llm_base_url) if settings.llm_base_url else None
        if llm is None and settings.embedded:
            embedded = EmbeddedServer(
                settings.embedded_model,
                ctx=settings.embedded_ctx,
                threads=settings.embedded_threads,
                start_timeout=settings.embedded_start_timeout,
            )
            stack.callback(embedded.stop)
            base_url = await embedded.start(progress)
        if llm is None:
            llm = llm_from(
                settings, base_url=base_url, embedded_alias=embedded.alias if embedded else None
            )
        name = "embedded" if embedded else "openai-compatible"
        backend = Backend(llm, policy_from(settings, name), name=name)

        store = await asyncio.to_thread(Store.open, settings)  # migrated to the latest schema
        stack.callback(store.close)
        checkpointer = await stack.enter_async_context(open_checkpointer(settings))

        context = context_from(settings)
        if settings.side_effects == "allow":
            log.warning(
                "TOOLLOOM_SIDE_EFFECTS=allow: calls that write files, change the database or "
                "send requests run even when the user did not ask for them (a page or file the "
                "agent reads can make it do so); use it only for trusted batch jobs"
            )
        builder = build_graph(backend, toolbox, defaults=context)
        graph = compile_checkpointed(builder, checkpointer)
        coordinator = await stack.enter_async_context(
            open_coordinator(
                store,
                lease=settings.run_lease,
                on_interrupted=transcript_recovery(store, graph),
            )
        )
        log.info(
            "toolloom: graph ready; backend %s model %s; database %s; replica %s; tools %s",
            base_url or "(in-process)",
            backend.model,
            "PostgreSQL" if store.shared else settings.db,
            coordinator.replica_id,
            toolbox.health()["tools"],
        )
        yield AgentRuntime(
            settings=settings,
            graph=graph,
            stateless_graph=builder.compile(name="toolloom"),
            checkpointer=checkpointer,
            store=store,
            coordinator=coordinator,
            backend=backend,
            base_url=base_url,
            context=context,
            toolbox=toolbox,
            embedded=embedded,
        )
