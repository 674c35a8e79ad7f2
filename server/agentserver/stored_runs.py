"""Runs of the Agent Server API: checked and stored here, executed by the run worker.

The Agent Server API (``/threads/{id}/runs...``, ``/runs...``) takes the same road as every
other surface, with one step more: :func:`prepare_agent_run` checks the request through the
road's front door (:func:`server.road.request.prepare`: model, limits, thread, messages, resume)
and **stores** the run (``pending``, with its request as ``kwargs``, applying the double-texting
strategy in the same transaction); the run worker (:mod:`server.agentserver.worker`) then
executes it on the road (:class:`server.road.run.Run`, claiming the stored run instead of
starting one) and names its events as the API does (:mod:`server.agentserver.events`). A stored
run can be stopped (``interrupt``: its partial state stays; ``rollback``: its checkpoints and
transcript go) and leaves the thread's status and interrupts.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from server.agentserver.assistant_config import resolve_assistant_config
from server.agentserver.calls import GraphCall, client_config, run_context
from server.agentserver.shapes import GRAPH_ID
from server.agentserver.worker import RunWorker
from server.api_error import ApiError
from server.auth.api_keys import Principal
from server.road.encoding import jsonable, pending_interrupts
from server.road.request import RunRequest, input_messages, prepare
from server.runtime import AgentRuntime
from server.storage.engine import RunNotFound, ThreadBusy, ThreadNotFound
from server.storage.tables import RunRow
from server.storage.webhook_store import delivery_hook

REJECTED = (
    "Thread is already running a task. Wait for it to finish or choose a different multitask "
    "strategy."
)
NOT_FOUND = "Thread or assistant not found."


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
    """Checked by the route (:func:`server.agentserver.webhooks.check_webhook_url`)."""


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


async def prepare_agent_run(
    runtime: AgentRuntime,
    worker: RunWorker,
    caller: Principal,
    thread_id: str | None,
    request: AgentRunRequest,
    *,
    listen: bool = False,
    on_store: Callable[[Session, RunRow], None] | None = None,
) -> StoredRun:
    """Store a run for the caller and hand it to the worker; nothing has run yet when this
    returns. Checked first, each a 4xx before anything is written: the assistant, ``config``
    and ``context`` not both set, the context's keys, then the road's checks (the model, the
    caller's limits, the thread: another key's is a 404, an unknown one is made only with
    ``if_not_exists="create"``; the input's messages and the server's limits on them; a
    ``command.resume`` against what the thread waits for). Then one transaction stores the run
    and applies the double-texting strategy (``reject``: 409 while a run is pending or
    running); runs it stops on this replica are cancelled at once. ``thread_id`` None: a
    stateless run on a new thread of its own, deleted when it ends unless
    ``on_completion="keep"``. ``on_store`` runs in the run's transaction (a cron's tick); a
    ``webhook``'s delivery is stored there too."""
    # The assistant's config (server/agentserver/assistant_config.py): its context, under the run's.
    assistant_id, preset = await resolve_assistant_config(runtime, caller, request.assistant_id)
    configurable = (request.config or {}).get("configurable") or {}
    if configurable and request.context:
        raise ApiError(
            400,
            "Cannot specify both configurable and context. Prefer setting context alone. "
            "Context was introduced in LangGraph 0.6.0 and is the long term planned replacement "
            "for configurable.",
        )
    context = {**preset, **run_context(runtime.context, request.context or {})}
    resume = request.command is not None and "resume" in request.command
    temporary = False
    create = request.if_not_exists == "create"
    if thread_id is None:
        if resume:
            raise ApiError(400, "You must provide a thread_id when resuming.")
        thread_id, create = str(uuid.uuid4()), True
        temporary = request.on_completion != "keep"
    run = await prepare(
        runtime,
        RunRequest(
            caller,
            thread_id,
            messages=input_messages(request.input),
            resume=(request.command or {}).get("resume"),
            resuming=resume,
            model=context.get("model"),
            model_param="context.model",
            create_thread=create,
            thread_where="thread_id",
            invalid_status=422,
            messages_param="input.messages",
            not_found=NOT_FOUND,
        ),
    )
    if "model" in context:  # the backend the run asks for, as X-Model does elsewhere
        context["model"] = run.context.model
    exists = run.thread is not None
    thread_metadata: dict[str, Any] = json.loads(run.thread.metadata_json) if run.thread else {}
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
            runtime.store.runs.create_run,
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
    for stop in stopped:
        worker.stop_here(stop)
    stored = StoredRun(row, worker.listen(row.run_id) if listen else None)
    worker.kick(row.thread_id)
    return stored


def _all(
    hooks: list[Callable[[Session, RunRow], None]],
) -> Callable[[Session, RunRow], None] | None:
    """One ``on_store`` hook that runs each of ``hooks`` in order (None for none)."""
    if not hooks:
        return None

    def run_all(session: Session, row: RunRow) -> None:
        for hook in hooks:
            hook(session, row)

    return run_all


async def stop_agent_run(
    runtime: AgentRuntime, worker: RunWorker, thread_id: str, run_id: str, action: str
) -> None:
    """Cancel a run (``interrupt``: it stops and keeps its partial state; ``rollback``: it and
    its checkpoints are removed): a pending one at once, a running one by its replica (here at
    once, another replica within about a second). 404: no such run, or it has ended."""
    try:
        stop = await asyncio.to_thread(runtime.store.runs.stop_run, thread_id, run_id, action)
    except RunNotFound:
        raise ApiError(404, "No runs found to cancel.") from None
    if stop is None:
        worker.stopped_pending(run_id)
    else:
        worker.stop_here(stop)


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
    owner = await asyncio.to_thread(runtime.store.threads.thread_owner, run.thread_id)
    if owner is None:
        return {}
    snapshot = await runtime.graph.aget_state({"configurable": {"thread_id": run.thread_id}})
    values = jsonable(snapshot.values or {})
    waiting = [i for items in pending_interrupts(snapshot).values() for i in items]
    return {**values, "__interrupt__": waiting} if waiting else values
