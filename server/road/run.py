"""A run on the road: hold the thread, record, drive the graph, record the end.

A :class:`Run` is made by :func:`server.road.request.prepare` once the request is checked, then
executed inside the response (``/v1``, LangServe, the page, the CLI) or by the run worker (a run
stored through the Agent Server API, :mod:`server.agentserver`). Whatever the surface:

1. **hold** the thread: one run at a time per thread, across replicas on PostgreSQL (wait, then
   409);
2. **record** the run and the messages it was given before the graph runs (a crash loses
   nothing): a new run row, or the claim of a stored one (pending -> running);
3. **drive** the graph (:func:`server.road.driver.drive`, the one driver): :meth:`Run.invoke`
   drains it, :meth:`Run.stream` and :meth:`Run.events` hand its items to the surface; the
   response cache is bypassed when the client sent ``Cache-Control: no-cache``;
4. **record the end** in one transaction: the new messages, the backend that answered each model
   call, how the run ended, the request's usage; the run's tokens count against the key's daily
   limit; a stored run leaves the thread's status and interrupts, a rolled-back one nothing;
5. **failures** become :class:`~server.api_error.ApiError` with plain words
   (:func:`as_api_error`): 502/503/504 for the backend, 409 for a busy thread.

What a run is given (:data:`RunInput`): the new message(s); a person's answer to what the
thread waits for (:class:`Resume`, checked again here under the hold, so two answers to one
interrupt cannot both pass); or, for a stored run, the messages to record with the graph's input
as the client sent it (:class:`Given`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from langchain_core.messages import BaseMessage

from backends.failures import classify
from graph.checkpoints import delete_run_checkpoints
from graph.context import Context
from graph.databases import DatabaseUnavailable
from server.api_error import ApiError, database_error
from server.auth.api_keys import ANONYMOUS, Principal
from server.observability import ACTIVE_RUNS
from server.road.approvals import command_of, validate_resume
from server.road.driver import Drive, Item, drive
from server.road.encoding import pending_interrupts
from server.road.usage import RunUsage
from server.runtime import AgentRuntime
from server.storage.engine import ThreadNotFound
from server.storage.memory_store import agent_namespace
from server.storage.response_cache import bypassed, set_bypass
from server.storage.tables import Thread

log = logging.getLogger(__name__)

SERVED_HEADER = "X-Toolloom-Model"
"""The backend that answered a run's last model call (after fallbacks)."""
QUEUED_RUN_WAIT = 7 * 24 * 3600.0
"""How long a stored run waits for the thread (it is queued: it waits for the runs before it)."""


def as_api_error(exc: BaseException) -> ApiError:
    """What a client sees for a failed run: the ApiError itself, or the backend failure in plain
    words (502, 503 with Retry-After, 504), or a 500 for a bug."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, DatabaseUnavailable):
        return database_error(exc)
    failure = classify(exc)
    headers = None
    if failure.retry_after is not None and failure.status == 503:
        headers = {"Retry-After": str(max(1, math.ceil(failure.retry_after)))}
    return ApiError(failure.status, failure.message, headers=headers)


class NotClaimed(Exception):
    """A stored run that is not this replica's to run now (cancelled meanwhile, taken by another
    replica, or not the thread's next)."""


@dataclass(frozen=True)
class Resume:
    """A person's answer to what a thread waits for: the ``resume`` of a command (``command``:
    the rest of it, ``goto`` and ``update``, for the Agent Server API)."""

    value: Any
    command: dict[str, Any] | None = None


@dataclass(frozen=True)
class Given:
    """A stored run's input: the messages to record, and the graph's input as the client sent
    it (dicts stay dicts, each with the id the transcript records it under)."""

    messages: Sequence[BaseMessage]
    value: Any


RunInput = Sequence[BaseMessage] | Resume | Given
"""What a run is given (see the module docstring)."""


@dataclass
class Run:
    """One request's run (see the module docstring)."""

    runtime: AgentRuntime
    thread_id: str | None
    """The thread, or None for a stateless run (``/v1`` without ``X-Thread-Id``)."""
    context: Context
    caller: Principal = ANONYMOUS
    """Whose run: the key whose daily tokens it counts against."""
    no_cache: bool = False
    new_thread: bool = False
    """The thread does not exist yet: the first run makes it, in its first transaction."""
    thread: Thread | None = None
    """The thread's row as :func:`~server.road.request.prepare` found it (None: a new one)."""
    request_state: Any = None
    """The HTTP request's state, told that the usage was recorded with the run."""
    record: str | None = None
    """A stored run's id: it is claimed (pending -> running) instead of started."""
    usage: RunUsage = field(default_factory=RunUsage)
    seen: Drive = field(default_factory=Drive)
    """What the last drive of the graph saw: the final values, the interrupts."""
    stop: str | None = None
    """Why the run is being stopped: ``interrupt``, ``rollback`` (a cancel or a newer run's
    double texting) or ``shutdown``; set before its task is cancelled."""
    run_id: str | None = None
    """The run's id, once it is recorded."""
    failure: str | None = None
    """The class of the exception a failed run raised (``error`` events name it)."""
    _tokens_counted: int = field(default=0, init=False, repr=False)

    def __post_init__(self) -> None:
        # The caller's long-term memory: their own namespace of the graph's store, never a
        # client's choice.
        self.context = with_memory(self.runtime, self.context, self.caller.name)

    @property
    def final(self) -> dict[str, Any]:
        """The state the run ended with."""
        return self.seen.final

    @property
    def interrupts(self) -> list[Any]:
        return self.seen.interrupts

    @property
    def served_by(self) -> str | None:
        """The backend that answered the last model call (None: no model call was made)."""
        return self.usage.models[-1] if self.usage.models else None

    def served_headers(self) -> dict[str, str]:
        """``X-Toolloom-Model`` for a response whose headers go out after the run."""
        served = self.served_by
        return {SERVED_HEADER: served} if served else {}

    @property
    def graph(self) -> Any:
        return self.runtime.graph if self.thread_id else self.runtime.stateless_graph

    def config(self, base: dict[str, Any] | None = None) -> dict[str, Any]:
        """The graph's config: the thread and the callbacks, on top of ``base`` (LangServe's, or
        a stored run's)."""
        config = dict(base or {})
        callbacks = config.get("callbacks")
        if callbacks is None:
            callbacks = [self.usage]
        elif isinstance(callbacks, list):
            callbacks = [*callbacks, self.usage]
        else:  # a callback manager (LangServe's stream_events)
            callbacks = callbacks.copy()
            callbacks.add_handler(self.usage, inherit=True)
        config["callbacks"] = callbacks
        if self.thread_id:
            config["configurable"] = {**config.get("configurable", {}), "thread_id": self.thread_id}
        return config

    # --- driving -----------------------------------------------------------------------------------

    async def events(
        self, run_input: RunInput, config: dict[str, Any] | None = None, **options: Any
    ) -> AsyncIterator[Item]:
        """The run, on the road: the graph's ``(namespace, mode, chunk)`` items as the one
        driver yields them (``options``: ``modes``, ``events``, ``interrupt_before``,
        ``interrupt_after``, ``durability``; see :func:`server.road.driver.drive`)."""
        async with self._running(run_input) as graph_input:
            self.seen = Drive()
            async for item in drive(
                self.graph,
                graph_input,
                self.config(config),
                self.seen,
                context=self.context,
                **options,
            ):
                yield item

    async def invoke(
        self, run_input: RunInput, config: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """The run to its end (or until it waits for a person: ``__interrupt__`` in the state);
        returns the final state. The driver, drained."""
        async for _ in self.events(run_input, config):
            pass
        return self.seen.state()

    async def stream(
        self,
        run_input: RunInput,
        modes: Sequence[str] | None = None,
        config: dict[str, Any] | None = None,
    ) -> AsyncIterator[Any]:
        """The root graph's stream: ``(mode, data)`` pairs for ``modes``, or, with none, the
        chunks of the graph's default mode (what LangServe streams)."""
        if modes is None:
            default = str(getattr(self.graph, "stream_mode", "values"))
            async for namespace, mode, chunk in self.events(run_input, config, modes=[default]):
                if not namespace and mode == default:
                    yield chunk
            return
        wanted = set(modes)
        async for namespace, mode, chunk in self.events(run_input, config, modes=list(modes)):
            if not namespace and mode in wanted:
                yield mode, chunk

    # --- hold, record, map failures ----------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def _running(self, run_input: RunInput) -> AsyncIterator[Any]:
        """Hold the thread, record the run around it, map failures to API errors. Yields the
        graph's input: the messages, the client's input, or the command that resumes (checked
        under the hold)."""
        runtime = self.runtime
        thread_id = self.thread_id
        resume = run_input if isinstance(run_input, Resume) else None
        if resume is not None and (thread_id is None or self.new_thread):
            raise ApiError(404, f"no thread {thread_id!r} waits for approval")
        given: list[BaseMessage]
        if isinstance(run_input, Resume):
            given = []
        elif isinstance(run_input, Given):
            given = list(run_input.messages)
        else:
            given = list(run_input)
        for message in given:
            if message.id is None:  # add_messages keeps an id that is already set
                message.id = str(uuid.uuid4())
        wait = runtime.road.thread_busy_wait if self.record is None else QUEUED_RUN_WAIT
        hold = (
            runtime.coordinator.hold_thread(thread_id, wait)
            if thread_id
            else contextlib.nullcontext()
        )
        async with hold:
            graph_input: Any = (
                run_input.value if isinstance(run_input, Given) else {"messages": given}
            )
            if resume is not None:
                # Checked here, with the thread held: two answers to one interrupt cannot both
                # pass, the second finds it answered (409).
                snapshot = await runtime.graph.aget_state(
                    {"configurable": {"thread_id": thread_id}}
                )
                value = validate_resume(snapshot, resume.value, str(thread_id))
                graph_input = command_of({**(resume.command or {}), "resume": value})
            await self._record_start(given)
            ACTIVE_RUNS.inc()
            error: BaseException | None = None
            cache_token = set_bypass(self.no_cache or bypassed())
            try:
                yield graph_input
            except BaseException as exc:
                error = exc
                if isinstance(exc, Exception):
                    self.failure = type(exc).__name__
                    mapped = as_api_error(exc)
                    if mapped.status == 500:
                        log.exception("run failed")
                    elif not isinstance(exc, ApiError):
                        log.warning("run failed: %s (%s)", mapped.message, type(exc).__name__)
                    raise mapped from None
                raise
            finally:
                _reset_bypass(cache_token)
                ACTIVE_RUNS.dec()
                # Shielded: a client that went away cancels the stream, not the records.
                await asyncio.shield(self._count_tokens())
                if thread_id:
                    await asyncio.shield(self._record_end(self.run_id, error))

    async def _record_start(self, given: list[BaseMessage]) -> None:
        """A new run row with the messages it was given (runs checkpoint once, at their end:
        the user's message is recorded first, so a crash mid-run cannot lose it), or the claim
        of a stored run (:class:`NotClaimed` when it is not this replica's to run now)."""
        runtime, thread_id = self.runtime, self.thread_id
        if not thread_id:
            return
        if self.record is not None:
            stale = runtime.road.run_lease if runtime.store.shared else None
            row = await asyncio.to_thread(runtime.store.runs.claim_run, self.record, given, stale)
            if row is None:
                raise NotClaimed(self.record)
            self.run_id = row.run_id
            return
        try:
            self.run_id = await asyncio.to_thread(
                runtime.store.runs.start_run,
                thread_id,
                given,
                self.caller.name if self.new_thread else None,
            )
        except ThreadNotFound:  # another key made the thread a moment ago
            raise ApiError(404, f"no thread {thread_id!r}") from None
        self.new_thread = False

    async def _count_tokens(self) -> None:
        """The run's tokens against the key's daily limit (a failure is logged, never raised).
        A batch runs several times on one usage: each time adds what is new since the last."""
        fresh = self.usage.total_tokens - self._tokens_counted
        self._tokens_counted = self.usage.total_tokens
        try:
            await self.runtime.limiter.add_tokens(self.caller.name, fresh)
        except Exception:
            log.exception("could not count the run's tokens for the daily limit")

    async def _record_end(self, run_id: str | None, error: BaseException | None) -> None:
        """The run's new messages and how it ended, in one transaction; old checkpoints pruned.
        A stored run also leaves the thread's status and interrupts; a rolled-back one leaves
        nothing (its checkpoints and messages go)."""
        runtime, thread_id = self.runtime, self.thread_id
        assert thread_id is not None
        try:
            stopped = isinstance(error, asyncio.CancelledError | GeneratorExit)
            if stopped and self.stop == "rollback" and run_id is not None:
                await delete_run_checkpoints(runtime.checkpointer, thread_id, [run_id])
                await asyncio.to_thread(runtime.store.runs.rollback_run, thread_id, run_id)
                return
            values = self.final if error is None and "messages" in self.final else None
            snapshot = None
            # A stored run leaves the thread's status; so does any run that stopped at an
            # interrupt (the thread then waits for a resume).
            settles = self.record is not None or bool(self.interrupts)
            if values is None or settles:
                snapshot = await runtime.graph.aget_state(
                    {"configurable": {"thread_id": thread_id}}
                )
                if values is None:  # a failed or stopped run: what its checkpoint holds
                    values = snapshot.values or {}
            text = status = None
            if stopped:
                status = "interrupted"
                text = {
                    "interrupt": "cancelled",
                    "shutdown": "the server shut down during this run",
                }.get(self.stop or "", "cancelled: the client went away")
            elif error is not None:
                text = (
                    f"{type(error).__name__}: {as_api_error(error).message}"
                    if isinstance(error, Exception)
                    else type(error).__name__
                )
            settled = interrupts = None
            if snapshot is not None and settles:
                interrupts = pending_interrupts(snapshot)
                if error is not None and not stopped:
                    settled = "error"
                elif snapshot.next or interrupts:
                    settled = "interrupted"
                else:
                    settled = "idle"
            await asyncio.to_thread(
                runtime.store.runs.finish_run,
                run_id,
                thread_id,
                values.get("messages", []),
                values.get("call_stages", {}),
                text,
                list(self.usage.models),
                self.usage.take(self.caller.name, failed=error is not None and not stopped),
                status=status,
                settled=settled,
                interrupts=interrupts,
            )
            if self.request_state is not None:
                self.request_state.usage_recorded = True
            await runtime.prune_checkpoints(thread_id)
        except Exception:
            log.exception("could not record the end of a run on thread %s", thread_id)


def with_memory(runtime: AgentRuntime, context: Context, owner: str) -> Context:
    """The run's context with the caller's memory namespace, when the server keeps memories
    (``TOOLLOOM_MEMORY``) and the run is the agent's own (not tool-call mode)."""
    if (
        runtime.memory is None
        or not runtime.settings.memory
        or context.client_mode
        or context.memory_namespace is not None
    ):
        return context
    return replace(context, memory_namespace=agent_namespace(owner))


def _reset_bypass(token: Any) -> None:
    """Undo :func:`set_bypass` (a stream's generator may finish in another context: then the
    flag is simply cleared there)."""
    try:
        token.var.reset(token)
    except ValueError:
        set_bypass(False)
