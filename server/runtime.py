"""Everything a running toolloom holds: backend, checkpointer, compiled graph.

Opened once per process, by the FastAPI lifespan or by ``toolloom chat``, with
:func:`open_runtime`; closed in reverse order (graph, database, embedded model).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.tools import BaseTool
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from langgraph.graph.state import CompiledStateGraph

from graph.builder import build_graph
from graph.checkpoints import compile_checkpointed, open_checkpointer
from graph.context import Context
from nodes.resilience import RetryPolicy
from server.embedded import EmbeddedServer
from server.errors import ApiError
from server.llm import EMBEDDED_MAX_TOKENS, make_llm, make_policy
from server.observability import LLMCallLog
from server.recorder import TranscriptRecorder, recover_interrupted
from server.settings import Settings
from server.store import Store
from server.upstream import as_api_error
from tools.base import ToolConfig
from tools.registry import build_tools

log = logging.getLogger(__name__)


class ThreadLocks:
    """One lock per thread: runs on a thread are serialised, so concurrent requests on one thread
    keep every message, in order. A request that cannot get the thread within ``wait`` seconds
    gets 409 instead of piling up."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._users: dict[str, int] = {}

    @contextlib.asynccontextmanager
    async def hold(self, thread_id: str, wait: float) -> AsyncIterator[None]:
        lock = self._locks.setdefault(thread_id, asyncio.Lock())
        self._users[thread_id] = self._users.get(thread_id, 0) + 1
        try:
            try:
                await asyncio.wait_for(lock.acquire(), timeout=wait)
            except TimeoutError:
                raise ApiError(
                    409, f"thread {thread_id!r} is busy with another run; try again"
                ) from None
            try:
                yield
            finally:
                lock.release()
        finally:
            self._users[thread_id] -= 1
            if not self._users[thread_id]:
                del self._users[thread_id]
                self._locks.pop(thread_id, None)


@dataclass
class AgentRuntime:
    """The live parts of a toolloom process."""

    settings: Settings
    graph: CompiledStateGraph[Any, Any, Any, Any]
    checkpointer: AsyncSqliteSaver
    llm: BaseChatModel
    base_url: str | None
    model: str
    stateless_graph: CompiledStateGraph[Any, Any, Any, Any]
    store: Store
    embedded: EmbeddedServer | None = None
    tools: list[BaseTool] = field(default_factory=list)
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    locks: ThreadLocks = field(default_factory=ThreadLocks)

    def thread_lock(self, thread_id: str) -> contextlib.AbstractAsyncContextManager[None]:
        """Hold the thread for one run (wait up to TOOLLOOM_THREAD_BUSY_WAIT seconds, then 409)."""
        return self.locks.hold(thread_id, self.settings.thread_busy_wait)

    @property
    def backend_name(self) -> str:
        return "embedded" if self.embedded else "openai-compatible"

    def recorder(self, thread_id: str) -> TranscriptRecorder:
        """A callback that copies the thread's new messages to the transcript when a run ends."""
        return TranscriptRecorder(
            self.store, self.graph, thread_id, self.settings.checkpoint_history
        )

    async def run_graph(
        self,
        graph: CompiledStateGraph[Any, Any, Any, Any],
        run_input: dict[str, Any],
        config: dict[str, Any],
        context: Context | None = None,
    ) -> dict[str, Any]:
        """Run to the end; a backend failure becomes an ApiError (502/503/504) with plain words."""
        try:
            state: dict[str, Any] = await graph.ainvoke(run_input, config, context=context)  # type: ignore[call-overload]
        except Exception as exc:
            error = as_api_error(exc)
            if error.status == 500:
                log.exception("run failed")
            else:
                log.warning("run failed: %s (%s)", error.message, type(exc).__name__)
            raise error from None
        return state


def context_from(settings: Settings) -> Context:
    """The run limits that come from the process settings."""
    return Context(
        max_steps=settings.max_steps,
        max_tool_calls=settings.max_tool_calls,
        tool_timeout=settings.tool_timeout,
        tool_output_chars=settings.tool_output_chars,
        history_messages=settings.history_messages,
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


@contextlib.asynccontextmanager
async def open_runtime(
    settings: Settings,
    llm: BaseChatModel | None = None,
    progress: Callable[[str], None] | None = None,
) -> AsyncIterator[AgentRuntime]:
    """Start the backend (embedded unless configured), open the checkpoints, compile the graph."""
    async with contextlib.AsyncExitStack() as stack:
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
            llm = make_llm(
                settings,
                base_url=base_url,
                model=embedded.alias if embedded else None,
                max_tokens=EMBEDDED_MAX_TOKENS if embedded else None,
            )
        model = str(
            getattr(llm, "model_name", None) or getattr(llm, "model", None) or type(llm).__name__
        )
        backend_name = "embedded" if embedded else "openai-compatible"
        llm.callbacks = [*(llm.callbacks or []), LLMCallLog(backend_name, model)]  # type: ignore[misc]

        checkpointer = await stack.enter_async_context(open_checkpointer(settings.db))

        store = Store(settings.db)
        stack.callback(store.close)

        tools = build_tools(tool_config_from(settings))
        policy = make_policy(settings, backend_name)
        builder = build_graph(llm, tools, defaults=context_from(settings), policy=policy)
        graph = compile_checkpointed(builder, checkpointer)
        stateless_graph = builder.compile(name="toolloom")
        await recover_interrupted(store, graph)
        log.info(
            "toolloom: graph ready; backend %s model %s; database %s",
            base_url or "(in-process)",
            model,
            settings.db,
        )
        yield AgentRuntime(
            settings=settings,
            graph=graph,
            stateless_graph=stateless_graph,
            store=store,
            checkpointer=checkpointer,
            llm=llm,
            base_url=base_url,
            model=model,
            embedded=embedded,
            tools=tools,
            policy=policy,
        )
