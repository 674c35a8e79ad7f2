"""The one road: where a request becomes a run, for every surface.

``/v1/chat/completions``, LangServe's ``/agent/*``, the web page's ``/ui/chat`` and ``toolloom
chat`` all do the same thing, in this order, through :func:`prepare_run` and :class:`Run`:

1. **the model**: the backend the client chose (``model`` in ``/v1``, the ``X-Model`` header
   elsewhere; ``toolloom`` or nothing: the default), an unknown name a 400 that lists the valid
   ones (:func:`chosen_model`);
2. **the caller's limits**: requests per minute and tokens per day for the API key, a 429 with
   ``Retry-After`` when one is reached (:mod:`server.ratelimit`; counted across replicas through
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
6. **failures** become :class:`~server.errors.ApiError` with plain words (:func:`as_api_error`):
   502/503/504 for the backend, 409 for a busy thread; streams report them in-band.

Which backend served a run: :attr:`Run.served_by`, the last backend that answered (a fallback
shows here), sent as ``X-Toolloom-Model`` by surfaces whose headers go out after the run.
A run is given the new message(s), or a person's answer to the approvals a paused run waits for
(:class:`Resume`, :meth:`Run.resume`): the answer is checked against the thread's state once the
thread is held (:func:`server.approvals.check_resume`), then the graph resumes with a command.

Server-sent events are framed by :func:`sse` and returned by :func:`sse_response`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import re
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any
from uuid import UUID

from fastapi.responses import StreamingResponse
from langchain_core.callbacks import AsyncCallbackHandler
from langchain_core.messages import BaseMessage
from langchain_core.outputs import LLMResult
from langgraph.types import Command

from backends.backend import BACKEND_KEY
from backends.errors import classify
from backends.pool import UnknownModel
from backends.telemetry import token_counts
from graph.context import Context
from server.approvals import check_resume, resume_value
from server.auth import ANONYMOUS, Principal
from server.cache import bypassed, set_bypass
from server.errors import ApiError, database_error
from server.observability import ACTIVE_RUNS
from server.ratelimit import enforce
from server.store import DatabaseUnavailable, ThreadNotFound, UsageDelta

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


@dataclass(frozen=True)
class Resume:
    """A person's answer to a run that waits for approval: the ``resume`` of a command, checked
    against the thread's state once the thread is held (see :mod:`server.approvals`)."""

    value: Any


RunInput = Sequence[BaseMessage] | Resume
"""What a run is given: the new message(s) of the conversation, or an answer to resume with."""


@dataclass
class Run:
    """One request's run, prepared before the response starts and executed inside it."""

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
                if wanted is not None and item[0] == "values":
                    self.final = item[1]
                    if not values:
                        continue
                yield item

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
        hold = (
            runtime.coordinator.hold_thread(thread_id, runtime.settings.thread_busy_wait)
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
            run_id = None
            if thread_id:
                # Runs checkpoint once, at their end (durability "exit"): the user's message is
                # recorded first, so a crash mid-run cannot lose it.
                try:
                    run_id = await asyncio.to_thread(
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
                    await asyncio.shield(self._record_end(run_id, error))

    async def _count_tokens(self) -> None:
        """The run's tokens against the key's daily limit (a failure is logged, never raised).
        A batch runs several times on one usage: each time adds what is new since the last."""
        fresh = self.usage.total_tokens - self._tokens_counted
        self._tokens_counted = self.usage.total_tokens
        try:
            await self.runtime.limiter.add_tokens(self.caller.name, fresh)
        except Exception:
            log.exception("could not count the run's tokens for the daily limit")

    async def _record_end(self, run_id: int | None, error: BaseException | None) -> None:
        """The run's new messages and how it ended, in one transaction; old checkpoints pruned."""
        runtime, thread_id = self.runtime, self.thread_id
        assert thread_id is not None
        try:
            values = self.final if error is None and "messages" in self.final else None
            if values is None:  # a failed run: what its checkpoint holds
                state = await runtime.graph.aget_state({"configurable": {"thread_id": thread_id}})
                values = state.values or {}
            text = None
            if error is not None:
                text = (
                    "cancelled: the client went away"
                    if isinstance(error, asyncio.CancelledError | GeneratorExit)
                    else f"{type(error).__name__}: {as_api_error(error).message}"
                    if isinstance(error, Exception)
                    else type(error).__name__
                )
            await asyncio.to_thread(
                runtime.store.finish_run,
                run_id,
                thread_id,
                values.get("messages", []),
                values.get("call_stages", {}),
                text,
                list(self.usage.models),
                self.usage.take(self.caller.name, failed=error is not None),
            )
            if self.request_state is not None:
                self.request_state.usage_recorded = True
            await runtime.prune_checkpoints(thread_id)
        except Exception:
            log.exception("could not record the end of a run on thread %s", thread_id)


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
