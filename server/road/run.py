"""The one road: where a request becomes a run, for every surface.

``/v1/chat/completions``, LangServe's ``/agent/*``, the web page's ``/ui/chat`` and ``toolloom
chat`` all do the same thing, in this order, through :func:`prepare_run` and :class:`Run`:

1. **the model**: the backend the client chose (``model`` in ``/v1``, the ``X-Model`` header
   elsewhere; ``toolloom`` or nothing: the default), an unknown name a 400 that lists the valid
   ones (:func:`chosen_model`);
2. **the caller's limits**: requests per minute and tokens per day for the API key, a 429 with
   ``Retry-After`` when one is reached (:mod:`server.storage.rate_limits`; counted across replicas through
   Redis when it is configured);
3. **the thread**: the id rule (:func:`thread_id_from`), and the check: another key's thread is
   a 404 as if it did not exist (before any response starts); a new id becomes the caller's
   thread in the first transaction of its first run;
4. **the context**: the run's limits, mode and model (:class:`graph.context.Context`);
5. **the run**, inside :meth:`Run.invoke` or :meth:`Run.stream`: hold the thread (one run at a
   time per thread; wait, then 409), record the run and the messages it was given (so a crash
   loses nothing), run or stream the graph (the response cache bypassed when the client sent
   ``Cache-Control: no-cache``), then record the new messages, the backend that answered each
   model call, how the run ended and the request's usage, in one transaction, and count the
   run's tokens against the key's daily limit;
6. **failures** become :class:`~server.api_error.ApiError` with plain words (:func:`as_api_error`):
   502/503/504 for the backend, 409 for a busy thread; streams report them in-band.

Which backend served a run: :attr:`Run.served_by`, the last backend that answered (a fallback
shows here), sent as ``X-Toolloom-Model`` by surfaces whose headers go out after the run.
A run is given the new message(s), or a person's answer to the approvals a paused run waits for
(:class:`Resume`, :meth:`Run.resume`): the answer is checked against the thread's state once the
thread is held (:func:`server.road.approvals.check_resume`), then the graph resumes with a command.

Server-sent events are framed by :func:`sse` and returned by :func:`sse_response`.

The LangGraph Agent Server API (``/threads/{id}/runs...``, ``/runs...``) takes the same road with
one step more: :func:`prepare_agent_run` checks the request and **stores** the run (``pending``,
with its request, applying the double-texting strategy in the same transaction), and the run
worker (:mod:`server.agentserver.worker`) executes it through :meth:`Run.execute`, which claims the stored
run instead of starting one and streams the graph as the API names its events
(:func:`stream_events`). A stored run can be stopped (``interrupt``: its partial state stays;
``rollback``: its checkpoints and transcript go) and leaves the thread's status and interrupts.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import re
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any
from uuid import UUID

from fastapi.responses import StreamingResponse
from langchain_core.callbacks import AsyncCallbackHandler
from langchain_core.messages import (
    BaseMessage,
    BaseMessageChunk,
    convert_to_messages,
    message_chunk_to_message,
)
from langchain_core.outputs import LLMResult
from langgraph.types import Command, StateSnapshot
from langgraph.version import __version__ as langgraph_version
from sqlmodel import Session

from backends.backend import BACKEND_KEY
from backends.failures import classify
from backends.pool import UnknownModel
from backends.telemetry import token_counts
from graph.checkpoints import delete_run_checkpoints, strict_serde
from graph.context import Context
from server.agentserver.shapes import (
    ASSISTANT_ID,
    GRAPH_ID,
    checkpoint_of,
    command_of,
    is_uuid,
    jsonable,
    pending_interrupts,
)
from server.api_error import ApiError, database_error
from server.auth.api_keys import ANONYMOUS, Principal
from server.observability import ACTIVE_RUNS
from server.road.approvals import check_resume, resume_value
from server.road.approvals import pending as pending_approvals
from server.storage.rate_limits import enforce
from server.storage.response_cache import bypassed, set_bypass
from server.storage.store import (
    DatabaseUnavailable,
    RunRow,
    ThreadBusy,
    ThreadNotFound,
    UsageDelta,
)
from server.storage.webhook_store import delivery_hook

if TYPE_CHECKING:
    from server.runtime import AgentRuntime

log = logging.getLogger(__name__)

THREAD_HEADER = "X-Thread-Id"
MODEL_HEADER = "X-Model"
"""Which model a LangServe or web-page request runs on (``model`` in ``/v1``)."""
SERVED_HEADER = "X-Toolloom-Model"
"""The backend that answered a run's last model call (after fallbacks)."""
PUBLIC_MODEL = "toolloom"
"""The name clients use for the default model (as ``/v1/models`` lists it)."""
THREAD_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,127}$"
THREAD_ID_RULE = "1-128 characters of letters, digits and _ . : -, starting with a letter or digit"
_THREAD_ID = re.compile(THREAD_ID_PATTERN)


# --- the thread ------------------------------------------------------------------------------------


def valid_thread_id(value: str, where: str = THREAD_HEADER) -> str:
    """``value`` if it is a well-formed thread id, else a 400 naming ``where``."""
    if not _THREAD_ID.match(value):
        raise ApiError(400, f"{where} must be {THREAD_ID_RULE}", param=where)
    return value


def thread_id_from(value: str | None) -> str:
    """The thread a request runs on: the one it names, or a new one."""
    return uuid.uuid4().hex if value is None else valid_thread_id(value)


async def owned(
    runtime: AgentRuntime, caller: Principal, thread_id: str, fn: Any, *args: Any
) -> Any:
    """Run a store call on the caller's thread; another key's thread is a 404."""
    valid_thread_id(thread_id, "thread_id")
    try:
        return await asyncio.to_thread(fn, thread_id, caller.name, *args)
    except ThreadNotFound:
        raise ApiError(404, f"no thread {thread_id!r}") from None


# --- failures ----------------------------------------------------------------------------------------


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


# --- usage ----------------------------------------------------------------------------------------


class RunUsage(AsyncCallbackHandler):
    """Counts one request's model tokens and tool calls (for the usage table, the key's daily
    token limit and ``usage`` in ``/v1`` replies), and records which backend answered each model
    call."""

    raise_error = False

    def __init__(self) -> None:
        self.prompt_tokens = 0
        self.completion_tokens = 0
        self.tool_calls = 0
        self.models: list[str] = []
        """The backend that answered each model call, in order."""
        self._calling: dict[UUID, str] = {}
        self._taken = False
        self._taken_prompt = self._taken_completion = self._taken_tools = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    async def on_chat_model_start(
        self, serialized: dict[str, Any], messages: Any, *, run_id: UUID, **kwargs: Any
    ) -> None:
        backend = (kwargs.get("metadata") or {}).get(BACKEND_KEY)
        if backend:
            self._calling[run_id] = str(backend)

    async def on_llm_end(self, response: LLMResult, *, run_id: UUID, **kwargs: Any) -> None:
        prompt, completion = token_counts(response)
        self.prompt_tokens += prompt
        self.completion_tokens += completion
        backend = self._calling.pop(run_id, None)
        if backend:
            self.models.append(backend)

    async def on_llm_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        self._calling.pop(run_id, None)

    async def on_tool_end(self, output: Any, *, run_id: UUID, **kwargs: Any) -> None:
        self.tool_calls += 1

    async def on_tool_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        self.tool_calls += 1

    def take(self, key: str, failed: bool) -> UsageDelta:
        """What this request added since the last take (a request with several runs, a LangServe
        batch, counts as one request)."""
        delta = UsageDelta(
            key=key,
            requests=0 if self._taken else 1,
            errors=int(failed),
            prompt_tokens=self.prompt_tokens - self._taken_prompt,
            completion_tokens=self.completion_tokens - self._taken_completion,
            tool_calls=self.tool_calls - self._taken_tools,
        )
        self._taken = True
        self._taken_prompt, self._taken_completion = self.prompt_tokens, self.completion_tokens
        self._taken_tools = self.tool_calls
        return delta

    def openai(self) -> dict[str, int]:
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.prompt_tokens + self.completion_tokens,
        }


# --- the run -------------------------------------------------------------------------------------------


class NotClaimed(Exception):
    """A stored run that is not this replica's to run now (cancelled meanwhile, taken by another
    replica, or not the thread's next)."""


@dataclass
class GraphCall:
    """What a stored run (the Agent Server API) asks of the graph: the request's ``kwargs`` as
    ``langgraph-api`` stores them (:meth:`kwargs`), from which any replica can execute it."""

    input: Any = None
    command: dict[str, Any] | None = None
    stream_mode: list[str] = field(default_factory=lambda: ["values"])
    config: dict[str, Any] = field(default_factory=dict)
    """``configurable`` (the client's, minus reserved keys; ``checkpoint_id`` to start from a
    checkpoint), ``tags``, ``recursion_limit`` and the run's ``metadata``."""
    context: dict[str, Any] = field(default_factory=dict)
    """Overrides of the run's :class:`~graph.context.Context` (limits may only go down)."""
    interrupt_before: list[str] | str | None = None
    interrupt_after: list[str] | str | None = None
    subgraphs: bool = False
    durability: str | None = None
    """``sync``, ``async`` or ``exit``; None: the server's (``exit``: one checkpoint per run)."""
    temporary: bool = False
    """A stateless run's own thread, deleted when it ends."""
    resumable: bool = False
    webhook: str | None = None
    """Where the run's result is POSTed when it ends (server/agentserver/webhooks.py)."""

    def kwargs(self) -> dict[str, Any]:
        return {
            "input": self.input,
            "command": self.command,
            "config": self.config,
            "context": self.context,
            "stream_mode": self.stream_mode,
            "interrupt_before": self.interrupt_before,
            "interrupt_after": self.interrupt_after,
            "webhook": self.webhook,
            "feedback_keys": None,
            "temporary": self.temporary,
            "subgraphs": self.subgraphs,
            "resumable": self.resumable,
            "checkpoint_during": self.durability in ("async", "sync"),
            "durability": self.durability or "exit",
        }

    @classmethod
    def from_kwargs(cls, kwargs: dict[str, Any]) -> GraphCall:
        durability = kwargs.get("durability")
        return cls(
            input=kwargs.get("input"),
            command=kwargs.get("command"),
            stream_mode=list(kwargs.get("stream_mode") or ["values"]),
            config=dict(kwargs.get("config") or {}),
            context=dict(kwargs.get("context") or {}),
            interrupt_before=kwargs.get("interrupt_before"),
            interrupt_after=kwargs.get("interrupt_after"),
            subgraphs=bool(kwargs.get("subgraphs")),
            durability=None if durability == "exit" else durability,
            temporary=bool(kwargs.get("temporary")),
            resumable=bool(kwargs.get("resumable")),
            webhook=kwargs.get("webhook"),
        )

    def messages(self) -> list[BaseMessage]:
        """The input's messages as LangChain messages (each with an id from here on)."""
        return input_messages(self.input)

    def graph_input(self, given: list[BaseMessage]) -> Any:
        """The graph's input: a ``Command``, None (go on from the state), or the input with its
        messages as the client sent them (dicts stay dicts, as the reference passes them on),
        each with the id the transcript recorded it under."""
        if self.command:
            return command_of(self.command)
        if not isinstance(self.input, dict) or "messages" not in self.input:
            return self.input
        raw = self.input["messages"]
        raw = raw if isinstance(raw, list) else [raw]
        messages = [
            {**sent, "id": made.id} if isinstance(sent, dict) else made
            for sent, made in zip(raw, given, strict=False)
        ]
        return {**self.input, "messages": messages}


def input_messages(value: Any) -> list[BaseMessage]:
    """``input.messages`` as LangChain messages, each with an id (the transcript and the state
    then name the same message); 422 when one cannot be built."""
    if not isinstance(value, dict) or value.get("messages") is None:
        return []
    raw = value["messages"]
    if not isinstance(raw, list):
        raw = [raw]
    try:
        messages = convert_to_messages(raw)
    except Exception as exc:  # LangChain's constructors raise KeyError, TypeError, ValueError
        raise ApiError(422, f"input.messages: not a valid message ({exc})") from None
    for message in messages:
        if message.id is None:
            message.id = str(uuid.uuid4())
    check_storable(messages)
    return messages


def check_storable(messages: Sequence[BaseMessage], where: str = "input.messages") -> None:
    """422 for messages the checkpointer cannot store (an integer beyond 64 bits in a content
    block, say), before a run starts rather than when it ends."""
    try:
        _SERDE.dumps_typed(list(messages))
    except (TypeError, ValueError, OverflowError) as exc:
        raise ApiError(422, f"{where}: a message cannot be stored ({exc})") from None


_SERDE = strict_serde()


@dataclass(frozen=True)
class Resume:
    """A person's answer to a run that waits for approval: the ``resume`` of a command, checked
    against the thread's state once the thread is held (see :mod:`server.road.approvals`)."""

    value: Any


RunInput = Sequence[BaseMessage] | Resume
"""What a run is given: the new message(s) of the conversation, or an answer to resume with."""


@dataclass
class Run:
    """One request's run, prepared before the response starts and executed inside it; or a
    stored run (``record``, the Agent Server API), executed by the run worker."""

    runtime: AgentRuntime
    thread_id: str | None
    """The thread, or None for a stateless run (``/v1`` without ``X-Thread-Id``)."""
    context: Context
    caller: Principal = ANONYMOUS
    """Whose run: the key whose daily tokens it counts against."""
    no_cache: bool = False
    """The client said ``Cache-Control: no-cache``: every model call goes to the backend."""
    new_thread: bool = False
    """The thread does not exist yet: the first run makes it, in its first transaction."""
    request_state: Any = None
    """The HTTP request's state, told that the usage was recorded with the run."""
    usage: RunUsage = field(default_factory=RunUsage)
    final: dict[str, Any] = field(default_factory=dict)
    """The state the last run ended with."""
    record: str | None = None
    """A stored run's id: it is claimed (pending -> running) instead of started."""
    call: GraphCall | None = None
    """What a stored run asks of the graph."""
    stop: str | None = None
    """Why the run is being stopped: ``interrupt``, ``rollback`` (a cancel or a newer run's
    double texting) or ``shutdown``; set before its task is cancelled."""
    run_id: str | None = None
    """The run's id, once it is recorded."""
    interrupts: list[Any] = field(default_factory=list)
    """Interrupts the run streamed (``__interrupt__`` updates)."""
    failure: str | None = None
    """The class of the exception a failed run raised (``error`` events name it)."""
    _tokens_counted: int = field(default=0, init=False, repr=False)

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
        """The graph's config: the thread and the callbacks, on top of ``base`` (LangServe's)."""
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

    async def invoke(
        self, messages: RunInput, config: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Run to the end (or until it waits for a person: ``__interrupt__`` in the state);
        returns the final state."""
        async with self._running(messages) as graph_input:
            state: dict[str, Any] = await self.graph.ainvoke(
                graph_input, self.config(config), context=self.context
            )
            self.final = state
            self.interrupts.extend(state.get("__interrupt__") or ())
            return state

    async def resume(self, value: Any, config: dict[str, Any] | None = None) -> dict[str, Any]:
        """Answer the approvals the thread waits for and run on; returns the final state."""
        return await self.invoke(Resume(value), config)

    async def stream(
        self,
        messages: RunInput,
        modes: Sequence[str] | None = None,
        config: dict[str, Any] | None = None,
    ) -> AsyncIterator[Any]:
        """The graph's stream (``(mode, data)`` pairs with several ``modes``; the graph's default
        chunks with none). The final state is kept in :attr:`final`."""
        async with self._running(messages) as graph_input:
            values = modes is not None and "values" in modes
            wanted = list(modes) if modes is not None else None
            if modes is not None and not values:
                wanted = [*modes, "values"]  # to know the final state
            kwargs: dict[str, Any] = {"context": self.context}
            if wanted is not None:
                kwargs["stream_mode"] = wanted
            async for item in self.graph.astream(graph_input, self.config(config), **kwargs):
                if wanted is not None and isinstance(item[1], dict) and item[0] != "messages":
                    self.interrupts.extend(item[1].get("__interrupt__") or ())
                if wanted is not None and item[0] == "values":
                    self.final = item[1]
                    if not values:
                        continue
                yield item

    async def execute(self) -> AsyncIterator[tuple[str, Any]]:
        """A stored run (the Agent Server API): hold the thread (waiting for the runs before it,
        on any surface), claim the run, run the graph as :attr:`call` asks and yield its events
        as the Agent Server names them (``metadata`` first, then per stream mode; see
        :func:`stream_events`). Returns at once, yielding nothing, when the run is not this
        replica's to run now (:class:`NotClaimed`)."""
        call = self.call
        assert call is not None and self.thread_id is not None and self.record is not None
        given = call.messages()
        try:
            async with self._running(given):
                yield "metadata", {"run_id": self.record, "attempt": 1}
                config = self.agent_config(call)
                if call.command and "resume" in call.command:
                    snapshot = await self.graph.aget_state(
                        {"configurable": {"thread_id": self.thread_id}}
                    )
                    resume = validate_resume(snapshot, call.command["resume"], self.thread_id)
                    graph_input = command_of({**call.command, "resume": resume})
                else:
                    graph_input = call.graph_input(given)
                async for event in stream_events(self, call, graph_input, config):
                    yield event
        except NotClaimed:
            return

    def agent_config(self, call: GraphCall) -> dict[str, Any]:
        """The graph's config for a stored run: the run's id (in the checkpoints' metadata, so
        a rollback finds them), its metadata, the client's configurable, tags and recursion
        limit; never an API key."""
        assert self.record is not None
        client = call.config
        config = self.config(
            {
                "configurable": dict(client.get("configurable") or {}),
                "metadata": {
                    **(client.get("metadata") or {}),
                    "run_id": self.record,
                    "thread_id": self.thread_id,
                    "graph_id": GRAPH_ID,
                    "assistant_id": ASSISTANT_ID,
                    "run_attempt": 1,
                    "langgraph_version": langgraph_version,
                },
                "run_id": UUID(self.record),
            }
        )
        for key in ("tags", "recursion_limit"):
            if client.get(key) is not None:
                config[key] = client[key]
        return config

    @contextlib.asynccontextmanager
    async def _running(self, run_input: RunInput) -> AsyncIterator[Any]:
        """Hold the thread, record the run around it, map failures to API errors. Yields the
        graph's input: the messages, or the command that resumes (checked under the hold)."""
        runtime = self.runtime
        thread_id = self.thread_id
        resume = run_input if isinstance(run_input, Resume) else None
        given: list[BaseMessage] = [] if isinstance(run_input, Resume) else list(run_input)
        if resume is not None and (thread_id is None or self.new_thread):
            raise ApiError(404, f"no thread {thread_id!r} waits for approval")
        for message in given:
            if message.id is None:  # add_messages keeps an id that is already set
                message.id = str(uuid.uuid4())
        wait = runtime.settings.thread_busy_wait if self.record is None else QUEUED_RUN_WAIT
        hold = (
            runtime.coordinator.hold_thread(thread_id, wait)
            if thread_id
            else contextlib.nullcontext()
        )
        async with hold:
            graph_input: Any = {"messages": given}
            if resume is not None:
                # Checked here, with the thread held: two answers to one interrupt cannot both
                # pass, the second finds it answered (409).
                snapshot = await runtime.graph.aget_state(
                    {"configurable": {"thread_id": thread_id}}
                )
                check_resume(snapshot, resume.value)
                graph_input = Command(resume=resume_value(snapshot, resume.value))
            if thread_id and self.record is not None:
                stale = runtime.settings.run_lease if runtime.store.shared else None
                row = await asyncio.to_thread(
                    runtime.store.claim_run, self.record, list(given), stale
                )
                if row is None:
                    raise NotClaimed(self.record)
                self.run_id = row.run_id
            elif thread_id:
                # Runs checkpoint once, at their end (durability "exit"): the user's message is
                # recorded first, so a crash mid-run cannot lose it.
                try:
                    self.run_id = await asyncio.to_thread(
                        runtime.store.start_run,
                        thread_id,
                        list(given),
                        self.caller.name if self.new_thread else None,
                    )
                except ThreadNotFound:  # another key made the thread a moment ago
                    raise ApiError(404, f"no thread {thread_id!r}") from None
                self.new_thread = False
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
                await asyncio.to_thread(runtime.store.rollback_run, thread_id, run_id)
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
                runtime.store.finish_run,
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


QUEUED_RUN_WAIT = 7 * 24 * 3600.0
"""How long a stored run waits for the thread (it is queued: it waits for the runs before it)."""


def validate_resume(snapshot: StateSnapshot | None, resume: Any, thread_id: str) -> Any:
    """A resume needs something to resume: a pending interrupt, or a run stopped before or after
    a node (``interrupt_before`` / ``interrupt_after``); else 409. Where approvals wait (issue
    #20), :func:`~server.road.approvals.check_resume` decides (a wrong count, a second resume of the
    same interrupt), and the answer is returned as the graph takes it (by interrupt id);
    otherwise the resume goes to the graph as it was sent."""
    waiting = snapshot is not None and (bool(snapshot.next) or bool(snapshot.interrupts))
    if not waiting:
        raise ApiError(
            409,
            f"nothing to resume on thread {thread_id}: no interrupt is pending "
            "(send input instead of command.resume)",
        )
    if snapshot is not None and pending_approvals(snapshot):
        check_resume(snapshot, resume)
        return resume_value(snapshot, resume)
    return resume


async def stream_events(
    run: Run, call: GraphCall, graph_input: Any, config: dict[str, Any]
) -> AsyncIterator[tuple[str, Any]]:
    """The graph's stream as the Agent Server's events, for the modes the call asks:

    ``values`` (the state after each step), ``updates`` (``{node: update}``; an interrupt as
    ``{"__interrupt__": [...]}``, sent as a ``values`` event when ``updates`` was not asked, as
    the reference does), ``messages-tuple`` (``messages``: ``[chunk, metadata]``), ``messages``
    (``messages/metadata`` once per message, then ``messages/partial`` with the message so far or
    ``messages/complete``), ``events`` (LangChain's ``astream_events`` v2), ``debug`` (checkpoint
    payloads carry ``checkpoint`` / ``parent_checkpoint``), ``tasks``, ``checkpoints``, ``custom``.
    With ``subgraphs`` an event of a subgraph is named ``mode|namespace``. The final state is kept
    in ``run.final`` and the interrupts in ``run.interrupts``."""
    asked = set(call.stream_mode)
    modes = {m for m in asked if m not in ("events", "messages-tuple")} | {"values", "updates"}
    if "messages-tuple" in asked:
        modes.add("messages")
    kwargs: dict[str, Any] = {
        "context": run.context,
        "stream_mode": sorted(modes),
        "subgraphs": True,
    }
    if call.interrupt_before:
        kwargs["interrupt_before"] = call.interrupt_before
    if call.interrupt_after:
        kwargs["interrupt_after"] = call.interrupt_after
    if call.durability:
        kwargs["durability"] = call.durability
    graph = run.graph
    root = str(config["run_id"])
    if "events" in asked:
        source: AsyncIterator[Any] = graph.astream_events(
            graph_input, config, version="v2", **kwargs
        )
    else:
        source = graph.astream(graph_input, config, **kwargs)
    partial: dict[str, BaseMessageChunk | BaseMessage] = {}
    async for item in source:
        if "events" in asked:
            if item.get("event") == "on_chain_stream" and item.get("run_id") == root:
                item = item["data"]["chunk"]
            else:
                if "langsmith:hidden" not in (item.get("tags") or []):
                    yield "events", item
                continue
        namespace, mode, chunk = item
        if namespace and not call.subgraphs:
            continue
        suffix = "|" + "|".join(namespace) if namespace else ""
        if mode == "values":
            if not namespace:
                run.final = chunk
            if "values" in asked:
                yield "values" + suffix, chunk
        elif mode == "updates":
            found = chunk.get("__interrupt__") if isinstance(chunk, dict) else None
            if found and not namespace:
                run.interrupts.extend(found)
            if "updates" in asked:
                yield "updates" + suffix, chunk
            elif found:
                yield "values" + suffix, chunk
        elif mode == "messages":
            if "messages-tuple" in asked:
                yield "messages" + suffix, chunk
            if "messages" in asked:
                message, metadata = chunk
                key = str(message.id)
                if key in partial:
                    partial[key] = partial[key] + message
                else:
                    partial[key] = message
                    yield "messages/metadata", {key: {"metadata": metadata}}
                whole = message_chunk_to_message(partial[key])
                if isinstance(message, BaseMessageChunk):
                    yield "messages/partial", [whole]
                else:
                    yield "messages/complete", [whole]
        elif mode == "debug":
            if "debug" in asked:
                yield "debug" + suffix, debug_payload(chunk)
        elif mode in asked:
            yield mode + suffix, chunk


def debug_payload(chunk: dict[str, Any]) -> dict[str, Any]:
    """A debug event; a checkpoint's carries ``checkpoint`` and ``parent_checkpoint`` as the
    reference adds them, and its tasks their ``checkpoint`` instead of a config."""
    if chunk.get("type") != "checkpoint" or not isinstance(chunk.get("payload"), dict):
        return chunk
    payload = dict(chunk["payload"])
    payload["checkpoint"] = checkpoint_of(payload.get("config"))
    payload["parent_checkpoint"] = checkpoint_of(payload.get("parent_config"))
    tasks = []
    for task in payload.get("tasks") or []:
        state = task.get("state") if isinstance(task, dict) else None
        if isinstance(state, dict) and state.get("configurable"):
            task = {k: v for k, v in task.items() if k != "state"}
            task["checkpoint"] = state["configurable"]
        tasks.append(task)
    payload["tasks"] = tasks
    return {**chunk, "payload": payload}


def chosen_model(runtime: AgentRuntime, name: str | None, where: str = "model") -> str | None:
    """The backend a request asked for: None for the default (no name, or ``toolloom``), else
    an entry's name; an unknown name is a 400 that lists the valid ones."""
    if not name or (name == PUBLIC_MODEL and name not in runtime.pool.backends):
        return None
    try:
        return runtime.pool.resolve(name)
    except UnknownModel as exc:
        valid = [PUBLIC_MODEL, *exc.valid]
        raise ApiError(
            400,
            f"{where}: unknown model {name!r}; valid models: {', '.join(valid)}",
            param=where,
            code="model_not_found",
        ) from None


async def check_key_limits(runtime: AgentRuntime, caller: Principal) -> None:
    """Count the request against the caller's limits; a 429 with ``Retry-After`` when one is
    reached (the request is then not counted)."""
    await runtime.key_limits.refresh()
    await enforce(runtime.limiter, caller.name)


async def prepare_run(
    runtime: AgentRuntime,
    caller: Principal,
    thread_id: str | None,
    *,
    context: Context | None = None,
    model: str | None = None,
    model_param: str = "model",
    no_cache: bool = False,
    request_state: Any = None,
) -> Run:
    """Check the model (400), the caller's limits (429), and the thread (another key's is a 404;
    a new one is made by the first run, in the transaction that records it); build the run's
    context. Nothing runs yet, and nothing is written. ``model_param`` names where the model came
    from, for the 400 (``model``, ``X-Model``)."""
    chosen = chosen_model(runtime, model, model_param)
    await check_key_limits(runtime, caller)
    new_thread = False
    if thread_id is not None:
        new_thread = not await owned(runtime, caller, thread_id, runtime.store.thread_exists)
    run_context = context or runtime.context
    if chosen is not None:
        run_context = replace(run_context, model=chosen)
    if thread_id is None and run_context.can_pause:
        run_context = replace(run_context, can_pause=False)  # a stateless run has nowhere to wait
    run = Run(
        runtime,
        thread_id,
        run_context,
        caller=caller,
        no_cache=no_cache,
        new_thread=new_thread,
        request_state=request_state,
    )
    if request_state is not None:
        request_state.thread_id = thread_id
        request_state.usage = run.usage
    return run


# --- Agent Server runs: made here, executed by the run worker (server/agentserver/worker.py) ------------------

REJECTED = (
    "Thread is already running a task. Wait for it to finish or choose a different multitask "
    "strategy."
)
NOT_FOUND = "Thread or assistant not found."
CONTEXT_LIMITS = ("max_steps", "max_tool_calls", "tool_timeout", "tool_output_chars",
                  "history_messages")  # fmt: skip
CONTEXT_MODE = ("client_tools", "tool_choice", "parallel_tool_calls", "model")


@dataclass
class AgentRunRequest:
    """A run asked for through the Agent Server API (the route has checked the JSON types)."""

    assistant_id: str
    input: Any = None
    command: dict[str, Any] | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)
    stream_mode: list[str] = field(default_factory=lambda: ["values"])
    interrupt_before: list[str] | str | None = None
    interrupt_after: list[str] | str | None = None
    multitask_strategy: str = "enqueue"
    if_not_exists: str = "reject"
    on_completion: str = "delete"
    checkpoint_id: str | None = None
    stream_subgraphs: bool = False
    stream_resumable: bool = False
    durability: str | None = None
    webhook: str | None = None
    """Checked by the route (server/agentserver/webhooks.py: check_webhook_url)."""


@dataclass
class StoredRun:
    """A run stored by :func:`prepare_agent_run` and handed to the worker; ``events`` receives
    its events when the caller listens (a ``wait`` or ``stream`` request)."""

    row: RunRow
    events: Any = None

    @property
    def run_id(self) -> str:
        return self.row.run_id

    @property
    def thread_id(self) -> str:
        return self.row.thread_id


def resolve_assistant(assistant_id: str) -> str:
    """The assistant's id for an ``assistant_id`` that is the assistant's UUID or the graph's
    name: an unknown UUID is 404, an unknown name 422 (as the reference answers)."""
    if assistant_id in (GRAPH_ID, ASSISTANT_ID):
        return ASSISTANT_ID
    if is_uuid(assistant_id):
        raise ApiError(404, NOT_FOUND)
    raise ApiError(
        422,
        f"Invalid assistant: '{assistant_id}'. Must be either: a valid assistant UUID, or one of "
        f"the registered graphs: ['{GRAPH_ID}']",
    )


def run_context(base: Context, overrides: dict[str, Any]) -> dict[str, Any]:
    """The request's ``context``, checked: the run's limits (which may only go down from the
    server's), tool-call mode (``client_tools``, ``tool_choice``, ``parallel_tool_calls``) and
    the model (a name of the models file, checked by :func:`prepare_agent_run`)."""
    unknown = sorted(set(overrides) - set(CONTEXT_LIMITS) - set(CONTEXT_MODE))
    if unknown:
        raise ApiError(
            422,
            f"context: unknown key(s) {', '.join(unknown)}; the graph's context takes "
            f"{', '.join(CONTEXT_LIMITS + CONTEXT_MODE)}",
        )
    checked: dict[str, Any] = {}
    for key, value in overrides.items():
        if key in CONTEXT_LIMITS:
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise ApiError(422, f"context.{key}: a positive number is required")
            limit = getattr(base, key)
            checked[key] = type(limit)(min(value, limit))
        elif key == "client_tools" and not (
            value is None or (isinstance(value, list) and all(isinstance(t, dict) for t in value))
        ):
            raise ApiError(422, "context.client_tools: a list of tools (objects) is required")
        elif key == "parallel_tool_calls" and not isinstance(value, bool):
            raise ApiError(422, "context.parallel_tool_calls: true or false")
        elif key == "model" and not (value is None or isinstance(value, str)):
            raise ApiError(422, "context.model: a model's name (GET /v1/models lists them)")
        else:
            checked[key] = value
    return checked


def context_of(base: Context, checked: dict[str, Any]) -> Context:
    known = {f.name for f in fields(Context)}
    return replace(base, **{k: v for k, v in checked.items() if k in known})


def check_messages(runtime: AgentRuntime, messages: Sequence[BaseMessage]) -> None:
    """The server's limits on what one request may send."""
    settings = runtime.settings
    if len(messages) > settings.max_messages:
        raise ApiError(422, f"input.messages: more than {settings.max_messages} messages")
    for message in messages:
        text = message.content if isinstance(message.content, str) else str(message.content)
        if len(text) > settings.max_message_chars:
            raise ApiError(
                422,
                f"input.messages: a message longer than {settings.max_message_chars} characters",
            )


def client_config(config: dict[str, Any], checkpoint_id: str | None) -> dict[str, Any]:
    """The client's config as a stored run keeps it: ``configurable`` without LangGraph's
    reserved keys (``__...``) and the thread, ``tags``, ``recursion_limit``."""
    configurable = {
        key: value
        for key, value in (config.get("configurable") or {}).items()
        if not str(key).startswith("__") and key not in ("thread_id", "run_id")
    }
    if checkpoint_id:
        configurable["checkpoint_id"] = checkpoint_id
    kept: dict[str, Any] = {"configurable": configurable}
    for key in ("tags", "recursion_limit"):
        if config.get(key) is not None:
            kept[key] = config[key]
    return kept


async def prepare_agent_run(
    runtime: AgentRuntime,
    caller: Principal,
    thread_id: str | None,
    request: AgentRunRequest,
    *,
    listen: bool = False,
    on_store: Callable[[Session, RunRow], None] | None = None,
) -> StoredRun:
    """Store a run for the caller and hand it to the worker; nothing has run yet when this
    returns. Checked first, in this order (each a 4xx before anything is written): the
    assistant, ``config`` and ``context`` not both set, the context, the thread (another key's
    is a 404; an unknown one is made only with ``if_not_exists="create"``), the input's
    messages and the server's limits on them, and a ``command.resume`` against what the thread
    waits for. Then one transaction stores the run and applies the double-texting strategy
    (``reject``: 409 while a run is pending or running); runs it stops on this replica are
    cancelled at once. ``thread_id`` None: a stateless run on a new thread of its own, deleted
    when it ends unless ``on_completion="keep"``. ``on_store`` runs in the run's transaction (a
    cron's tick); a ``webhook``'s delivery is stored there too."""
    assistant_id = resolve_assistant(request.assistant_id)
    configurable = (request.config or {}).get("configurable") or {}
    if configurable and request.context:
        raise ApiError(
            400,
            "Cannot specify both configurable and context. Prefer setting context alone. "
            "Context was introduced in LangGraph 0.6.0 and is the long term planned replacement "
            "for configurable.",
        )
    context = run_context(runtime.context, request.context or {})
    if (
        "model" in context
    ):  # the backend the run asks for (as X-Model does elsewhere): 400 if unknown
        context["model"] = chosen_model(runtime, context["model"], "context.model")
    await check_key_limits(runtime, caller)  # requests per minute, tokens per day: a 429
    resume = request.command is not None and "resume" in request.command
    temporary = False
    create = request.if_not_exists == "create"
    thread_metadata: dict[str, Any] = {}
    if thread_id is None:
        if resume:
            raise ApiError(400, "You must provide a thread_id when resuming.")
        thread_id, create = str(uuid.uuid4()), True
        temporary = request.on_completion != "keep"
        exists = False
    else:
        valid_thread_id(thread_id, "thread_id")
        try:
            thread = await asyncio.to_thread(runtime.store.find_thread, thread_id, caller.name)
        except ThreadNotFound:
            raise ApiError(404, NOT_FOUND) from None
        exists = thread is not None
        if thread is not None:
            thread_metadata = json.loads(thread.metadata_json)
        elif not create:
            raise ApiError(404, NOT_FOUND)
    messages = input_messages(request.input)
    check_messages(runtime, messages)
    if resume:
        snapshot = (
            await runtime.graph.aget_state({"configurable": {"thread_id": thread_id}})
            if exists
            else None
        )
        validate_resume(snapshot, (request.command or {})["resume"], thread_id)
    call = GraphCall(
        input=request.input,
        command=request.command,
        stream_mode=list(request.stream_mode),
        config=client_config(request.config or {}, request.checkpoint_id),
        context=context,
        interrupt_before=request.interrupt_before,
        interrupt_after=request.interrupt_after,
        subgraphs=request.stream_subgraphs,
        durability=request.durability,
        temporary=temporary,
        resumable=request.stream_resumable,
        webhook=request.webhook,
    )
    # The run's metadata, as the reference merges it: the assistant's, the thread's, the
    # request's; the checkpoints and streamed messages carry it too.
    metadata = {
        "created_by": "system",
        **thread_metadata,
        **(request.metadata or {}),
        "graph_id": GRAPH_ID,
        "assistant_id": assistant_id,
    }
    call.config["metadata"] = dict(metadata)
    hooks = [h for h in (on_store,) if h is not None]
    if request.webhook:
        hooks.append(delivery_hook(request.webhook, caller.name))
    try:
        row, stopped = await asyncio.to_thread(
            runtime.store.create_run,
            thread_id,
            caller.name,
            create=create,
            assistant_id=assistant_id,
            strategy=request.multitask_strategy,
            kwargs=call.kwargs(),
            metadata=metadata,
            thread_metadata={"graph_id": GRAPH_ID, "assistant_id": assistant_id}
            | ((request.metadata or {}) if not exists else {}),
            on_store=_all(hooks),
        )
    except ThreadBusy:
        raise ApiError(409, REJECTED) from None
    except ThreadNotFound:
        raise ApiError(404, NOT_FOUND) from None
    worker = runtime.worker
    for stop in stopped:
        worker.stop_here(stop)
    stored = StoredRun(row, worker.listen(row.run_id) if listen else None)
    worker.kick(row.thread_id)
    return stored


async def stop_agent_run(runtime: AgentRuntime, thread_id: str, run_id: str, action: str) -> None:
    """Cancel a run (``interrupt``: it stops and keeps its partial state; ``rollback``: it and
    its checkpoints are removed): a pending one at once, a running one by its replica (here at
    once, another replica within about a second). 404: no such run, or it has ended."""
    from server.storage.store import RunNotFound

    try:
        stop = await asyncio.to_thread(runtime.store.stop_run, thread_id, run_id, action)
    except RunNotFound:
        raise ApiError(404, "No runs found to cancel.") from None
    if stop is None:
        runtime.worker.stopped_pending(run_id)
    else:
        runtime.worker.stop_here(stop)


async def run_result(runtime: AgentRuntime, run: RunRow | None, body: Any) -> Any:
    """What ``wait`` and ``join`` answer once a run has ended: ``body`` (what the run streamed:
    an ``__error__``, values with ``__interrupt__``, the last values) or, when the run was not
    seen here, the thread's values (with ``__interrupt__`` while it waits on interrupts, an
    ``__error__`` after a failed run); ``{}`` for a thread that is gone (a stateless run's)."""
    if body is not None:
        return body
    if run is None:
        return {}
    if run.status == "error":
        return {"__error__": {"error": "Error", "message": run.error or "the run failed"}}
    owner = await asyncio.to_thread(runtime.store.thread_owner, run.thread_id)
    if owner is None:
        return {}
    snapshot = await runtime.graph.aget_state({"configurable": {"thread_id": run.thread_id}})
    values = jsonable(snapshot.values or {})
    waiting = [i for items in pending_interrupts(snapshot).values() for i in items]
    return {**values, "__interrupt__": waiting} if waiting else values


def _all(
    hooks: Sequence[Callable[[Session, RunRow], None]],
) -> Callable[[Session, RunRow], None] | None:
    """One ``on_store`` hook that runs each of ``hooks`` in order (None for none)."""
    if not hooks:
        return None

    def run_all(session: Session, row: RunRow) -> None:
        for hook in hooks:
            hook(session, row)

    return run_all


def _reset_bypass(token: Any) -> None:
    """Undo :func:`set_bypass` (a stream's generator may finish in another context: then the
    flag is simply cleared there)."""
    try:
        token.var.reset(token)
    except ValueError:
        set_bypass(False)


def with_client_tools(
    context: Context, tools: list[dict[str, Any]], choice: Any, parallel: bool
) -> Context:
    """Tool-call mode: the client's own tools, executed by the client."""
    return replace(context, client_tools=tools, tool_choice=choice, parallel_tool_calls=parallel)


# --- server-sent events ------------------------------------------------------------------------


def sse(data: Any, event: str | None = None) -> str:
    """One server-sent event: JSON data (or a literal string such as ``[DONE]``)."""
    payload = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {payload}\n\n"


def sse_response(
    events: AsyncIterator[str], headers: dict[str, str] | None = None
) -> StreamingResponse:
    """A server-sent event stream that no proxy buffers."""
    return StreamingResponse(
        events,
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no", **(headers or {})},
    )


def sse_documented(description: str, data_schema: dict[str, Any] | None = None) -> dict[Any, Any]:
    """``responses=`` for a route whose 200 is a server-sent event stream: each event, as
    OpenAPI tools parse it, is an object with ``event`` and ``data`` (a JSON text)."""
    event = {
        "type": "object",
        "properties": {"event": {"type": "string"}, "data": data_schema or {"type": "string"}},
    }
    return {200: {"description": description, "content": {"text/event-stream": {"schema": event}}}}
