"""The road's front door: one request object and one :func:`prepare` for every surface.

``/v1/chat/completions``, LangServe's ``/agent/*``, the web page's ``/ui/*``, ``toolloom chat``
and the Agent Server API (``/threads/{id}/runs...``, ``/runs...``) each describe what they want
as a :class:`RunRequest`; :func:`prepare` checks it, each thing once and in this order, before a
response starts and before anything is written:

1. **the model**: the backend the client chose (``model`` in ``/v1``, ``X-Model`` elsewhere,
   ``context.model`` in the Agent Server API; ``toolloom`` or nothing: the default); an unknown
   name is a 400 that lists the valid ones;
2. **the caller's limits**: requests per minute and tokens per day for the API key, a 429 with
   ``Retry-After`` when one is reached (counted across replicas through Redis when configured);
3. **the thread**: the id rule, then ownership: another key's thread is a 404 as if it did not
   exist; an unknown one is made by the first run (in the transaction that records it) when the
   surface allows it (:attr:`RunRequest.create_thread`), else a 404;
4. **the messages**: the server's limits on how many and how long (the surface's status for an
   invalid request: 400 in ``/v1``'s OpenAI convention, 422 in the Agent Server's), and that the
   checkpointer can store them;
5. **a resume**: something must wait for it (a pending interrupt, a run stopped before or after
   a node); approvals must be answered in full and once
   (:func:`~server.road.approvals.validate_resume`). Checked here
   for a clear 4xx, and again by the run once it holds the thread (a second answer racing this
   one then gets its 409 there).

Every failure is an :class:`~server.api_error.ApiError`, which each surface renders in its own
shape. :func:`prepare` returns the :class:`~server.road.run.Run`, which does the rest.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from langchain_core.messages import BaseMessage, convert_to_messages

from backends.pool import UnknownModel
from graph.checkpoints import strict_serde
from graph.context import Context
from server.api_error import ApiError
from server.auth.api_keys import Principal
from server.road.approvals import validate_resume
from server.road.run import Run
from server.runtime import AgentRuntime
from server.storage.engine import ThreadNotFound
from server.storage.rate_limits import enforce
from server.storage.tables import Thread

THREAD_HEADER = "X-Thread-Id"
MODEL_HEADER = "X-Model"
"""Which model a LangServe or web-page request runs on (``model`` in ``/v1``)."""
PUBLIC_MODEL = "toolloom"
"""The name clients use for the default model (as ``/v1/models`` lists it)."""
THREAD_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,127}$"
THREAD_ID_RULE = "1-128 characters of letters, digits and _ . : -, starting with a letter or digit"
_THREAD_ID = re.compile(THREAD_ID_PATTERN)
THREAD_NOT_FOUND = "no thread {!r}"


@dataclass
class RunRequest:
    """What a surface asks of the road. Only ``caller`` is required: a stateless run with no
    messages of its own (a LangServe request whose input the runnable reads later)."""

    caller: Principal
    thread_id: str | None = None
    """The thread, or None for a stateless run (``/v1`` without ``X-Thread-Id``)."""
    messages: Sequence[BaseMessage] = ()
    """The new message(s) of the conversation, checked against the server's limits."""
    resume: Any = None
    resuming: bool = False
    """The request answers what the thread waits for with :attr:`resume`."""
    model: str | None = None
    model_param: str = "model"
    """Where the model's name came from, for the 400 (``model``, ``X-Model``, ``context.model``)."""
    context: Context | None = None
    """The run's context (tool-call mode, lowered limits); None: the server's."""
    create_thread: bool = True
    """An unknown thread is made by the run (the Agent Server API: ``if_not_exists="create"``)."""
    thread_where: str = THREAD_HEADER
    """Where the thread id came from, for the 400 on a malformed one."""
    invalid_status: int = 400
    """The surface's status for an invalid request (OpenAI's 400, the Agent Server's 422)."""
    messages_param: str = "messages"
    """How the surface names its messages in an error (``messages``, ``input.messages``)."""
    not_found: str = THREAD_NOT_FOUND
    """The surface's words for an unknown thread (``{!r}`` is the id)."""
    no_cache: bool = False
    """The client said ``Cache-Control: no-cache``: every model call goes to the backend."""
    request_state: Any = None
    """The HTTP request's state: told the thread and handed the usage, for the request log."""


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
        raise ApiError(404, THREAD_NOT_FOUND.format(thread_id)) from None


async def find_thread(runtime: AgentRuntime, request: RunRequest) -> Thread | None:
    """The request's thread if it exists (another key's is a 404), None for a new one (a 404
    unless the surface makes threads on first use)."""
    assert request.thread_id is not None
    valid_thread_id(request.thread_id, request.thread_where)
    missing = ApiError(404, request.not_found.format(request.thread_id))
    try:
        thread = await asyncio.to_thread(
            runtime.store.threads.find_thread, request.thread_id, request.caller.name
        )
    except ThreadNotFound:
        raise missing from None
    if thread is None and not request.create_thread:
        raise missing
    return thread


# --- the model and the caller's limits -------------------------------------------------------------


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


# --- the messages ---------------------------------------------------------------------------------


def check_messages(runtime: AgentRuntime, request: RunRequest) -> None:
    """The server's limits on what one request may send, in the surface's status."""
    options = runtime.road
    where, status = request.messages_param, request.invalid_status
    if len(request.messages) > options.max_messages:
        raise ApiError(status, f"{where}: more than {options.max_messages} messages", param=where)
    for index, message in enumerate(request.messages):
        text = message.content if isinstance(message.content, str) else str(message.content)
        if len(text) > options.max_message_chars:
            raise ApiError(
                status,
                f"{where}[{index}]: longer than {options.max_message_chars} characters",
                param=f"{where}[{index}]",
            )
    check_storable(request.messages, where)


def input_messages(value: Any, where: str = "input.messages") -> list[BaseMessage]:
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
        raise ApiError(422, f"{where}: not a valid message ({exc})") from None
    for message in messages:
        if message.id is None:
            message.id = str(uuid.uuid4())
    return messages


def check_storable(messages: Sequence[BaseMessage], where: str = "input.messages") -> None:
    """422 for messages the checkpointer cannot store (an integer beyond 64 bits in a content
    block, say), before a run starts rather than when it ends."""
    try:
        _SERDE.dumps_typed(list(messages))
    except (TypeError, ValueError, OverflowError) as exc:
        raise ApiError(422, f"{where}: a message cannot be stored ({exc})") from None


_SERDE = strict_serde()


# --- prepare ----------------------------------------------------------------------------------------


async def prepare(runtime: AgentRuntime, request: RunRequest) -> Run:
    """Check the request (see the module docstring) and build its run. Nothing runs yet, and
    nothing is written."""
    chosen = chosen_model(runtime, request.model, request.model_param)
    await check_key_limits(runtime, request.caller)
    thread: Thread | None = None
    if request.thread_id is not None:
        thread = await find_thread(runtime, request)
    check_messages(runtime, request)
    if request.resuming:
        if thread is None:
            raise ApiError(404, f"no thread {request.thread_id!r} waits for approval")
        snapshot = await runtime.graph.aget_state(
            {"configurable": {"thread_id": request.thread_id}}
        )
        validate_resume(snapshot, request.resume, str(request.thread_id))
    context = request.context or runtime.context
    if chosen is not None:
        context = replace(context, model=chosen)
    if request.thread_id is None and context.can_pause:
        context = replace(context, can_pause=False)  # a stateless run has nowhere to wait
    run = Run(
        runtime,
        request.thread_id,
        context,
        caller=request.caller,
        no_cache=request.no_cache,
        new_thread=request.thread_id is not None and thread is None,
        thread=thread,
        request_state=request.request_state,
    )
    if request.request_state is not None:
        request.request_state.thread_id = request.thread_id
        request.request_state.usage = run.usage
    return run


def with_client_tools(
    context: Context, tools: list[dict[str, Any]], choice: Any, parallel: bool
) -> Context:
    """Tool-call mode: the client's own tools, executed by the client."""
    return replace(context, client_tools=tools, tool_choice=choice, parallel_tool_calls=parallel)
