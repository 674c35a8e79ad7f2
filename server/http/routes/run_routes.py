"""Runs (the Agent Server API): on a thread and stateless; wait, stream, in the background.

Every run is stored first (``pending``) and executed by the run worker on the one road
(:func:`server.agentserver.stored_runs.prepare_agent_run`, :mod:`server.agentserver.worker`): a ``wait`` answers the run's
final values (holding the connection with a newline every 5 s), a ``stream`` sends its events
(``metadata`` first; a ``: heartbeat`` comment every 5 s), ``POST .../runs`` answers the stored
run at once. The run's final status is stored before a stream or a wait ends, so the SDK's
check of the run afterwards finds it finished and does not reconnect.

``multitask_strategy`` decides what a run does to the runs in flight on its thread: ``reject``
(409), ``enqueue`` (the default: it runs after them), ``interrupt`` (they stop and keep their
partial state), ``rollback`` (they and their checkpoints are removed). ``on_disconnect="cancel"``
stops the run when the client of its ``wait`` or ``stream`` goes away.

``webhook``: the run's result is POSTed there when it ends (:mod:`server.agentserver.webhooks`;
the URL is checked first, a 422 when the network guard refuses it). ``stream_resumable``: the
run's events are kept and carry an ``id:``; ``GET .../stream`` with ``Last-Event-ID`` replays
what came after it, on any replica (``-1``, or no header once the run has ended: from the start).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from datetime import UTC
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Response
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from server.agentserver.event_log import EventsGone, parse_last_event_id
from server.agentserver.shapes import (
    STREAM_MODES,
    MultitaskStrategy,
    StreamMode,
    is_uuid,
    run_json,
)
from server.agentserver.stored_runs import (
    AgentRunRequest,
    StoredRun,
    prepare_agent_run,
    run_result,
    stop_agent_run,
)
from server.agentserver.webhooks import check_webhook_url
from server.agentserver.worker import HEARTBEAT, Listener, LogListener, RunWorker
from server.api_error import ApiError
from server.http.deps import CallerDep, RuntimeDep, ThreadIdPath, WorkerDep
from server.http.routes.thread_routes import own_thread
from server.http.sse import HEARTBEAT as HEARTBEAT_COMMENT
from server.http.sse import sse, sse_documented, sse_response
from server.road.encoding import dumps
from server.runtime import AgentRuntime
from server.storage.engine import RunNotFound, ThreadBusy
from server.storage.tables import ACTIVE, RunRow, utcnow

router = APIRouter(tags=["runs"])

NODES = ("route", "detect-intent", "call-tool", "reflect", "respond")


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid")

    resume: Any = None
    goto: str | dict[str, Any] | list[str | dict[str, Any]] | None = None
    update: dict[str, Any] | list[Any] | None = None


class RunConfig(BaseModel):
    model_config = ConfigDict(extra="ignore")

    tags: list[str] | None = None
    recursion_limit: Annotated[int, Field(ge=1, le=10_000)] | None = None
    configurable: dict[str, Any] | None = None


class CheckpointRef(BaseModel):
    model_config = ConfigDict(extra="ignore")

    checkpoint_id: str | None = None
    checkpoint_ns: str | None = None


class RunCreate(BaseModel):
    """A run on a thread (``/threads/{id}/runs...``); fields the reference's SDK may send and
    toolloom ignores: ``feedback_keys``, ``langsmith_tracer``, ``strict_resume`` (a resume with
    nothing pending is always refused)."""

    model_config = ConfigDict(extra="ignore")

    assistant_id: str
    """The assistant's UUID, or the graph's name ``agent``."""
    input: Any = None
    command: Command | None = None
    metadata: dict[str, Any] | None = None
    config: RunConfig | None = None
    context: dict[str, Any] | None = None
    checkpoint: CheckpointRef | None = None
    checkpoint_id: str | None = None
    stream_mode: StreamMode | list[StreamMode] = ["values"]
    stream_subgraphs: bool = False
    stream_resumable: bool = False
    interrupt_before: Literal["*"] | list[str] | None = None
    interrupt_after: Literal["*"] | list[str] | None = None
    multitask_strategy: MultitaskStrategy = "enqueue"
    if_not_exists: Literal["create", "reject"] = "reject"
    on_disconnect: Literal["cancel", "continue"] = "continue"
    after_seconds: float | None = None
    durability: Literal["sync", "async", "exit"] | None = None
    checkpoint_during: bool | None = None
    webhook: Annotated[str, Field(min_length=1, max_length=4096)] | None = None

    def request(self) -> AgentRunRequest:
        if self.after_seconds:
            raise ApiError(422, "after_seconds: delayed runs are not supported by toolloom")
        for name in ("interrupt_before", "interrupt_after"):
            nodes = getattr(self, name)
            if isinstance(nodes, list) and (unknown := sorted(set(nodes) - set(NODES))):
                raise ApiError(
                    422,
                    f"{name}: unknown node(s) {', '.join(unknown)}; the graph's nodes are "
                    f"{', '.join(NODES)}",
                )
        checkpoint_id = self.checkpoint_id or (self.checkpoint and self.checkpoint.checkpoint_id)
        if checkpoint_id and not is_uuid(checkpoint_id):
            raise ApiError(422, "Invalid checkpoint ID: must be a UUID")
        durability = self.durability
        if durability is None and self.checkpoint_during is not None:
            durability = "async" if self.checkpoint_during else "exit"
        modes = [self.stream_mode] if isinstance(self.stream_mode, str) else self.stream_mode
        return AgentRunRequest(
            assistant_id=self.assistant_id,
            input=self.input,
            command=self.command.model_dump(exclude_unset=True) if self.command else None,
            metadata=self.metadata or {},
            config=self.config.model_dump(exclude_none=True) if self.config else {},
            context=self.context or {},
            stream_mode=list(dict.fromkeys(modes)) or ["values"],
            interrupt_before=self.interrupt_before,
            interrupt_after=self.interrupt_after,
            multitask_strategy=self.multitask_strategy,
            if_not_exists=self.if_not_exists,
            on_completion=getattr(self, "on_completion", "delete"),
            checkpoint_id=checkpoint_id or None,
            stream_subgraphs=self.stream_subgraphs,
            stream_resumable=self.stream_resumable,
            durability=durability,
            webhook=self.webhook,
        )

    async def checked(self, runtime: AgentRuntime) -> AgentRunRequest:
        """:meth:`request`, with the webhook's URL checked by the network guard (a 422)."""
        await check_webhook_url(runtime.settings, self.webhook)
        return self.request()


class StatelessRunCreate(RunCreate):
    """A run on a thread of its own, deleted when it ends unless ``on_completion="keep"``."""

    on_completion: Literal["delete", "keep"] = "delete"


class CancelMany(BaseModel):
    model_config = ConfigDict(extra="ignore")

    thread_id: str | None = None
    run_ids: list[str] | None = None
    status: Literal["pending", "running", "all"] | None = None


# --- responses ----------------------------------------------------------------------------------


def run_headers(run: StoredRun | RunRow, tail: str, *, stateless: bool = False) -> dict[str, str]:
    """``Location`` (where to re-attach: ``.../join`` or ``.../stream``) and
    ``Content-Location`` (the run's record), which the SDK follows and reports."""
    base = f"/runs/{run.run_id}" if stateless else f"/threads/{run.thread_id}/runs/{run.run_id}"
    return {"Location": f"{base}/{tail}", "Content-Location": base}


def _cancel_on_disconnect(
    runtime: AgentRuntime, worker: RunWorker, run: StoredRun | RunRow
) -> None:
    """The client went away and asked for the run to stop with it."""

    async def stop() -> None:
        with contextlib.suppress(ApiError):  # it had ended
            await stop_agent_run(runtime, worker, run.thread_id, run.run_id, "interrupt")

    task = asyncio.get_running_loop().create_task(stop())
    _background.add(task)
    task.add_done_callback(_background.discard)


_background: set[asyncio.Task[None]] = set()


async def _wait_body(
    runtime: AgentRuntime,
    worker: RunWorker,
    run: StoredRun | RunRow,
    listener: Listener,
    on_disconnect: str,
) -> AsyncIterator[str]:
    """A newline every few seconds until the run ends, then its result (leading whitespace is
    valid JSON)."""
    finished = False
    try:
        async for event in listener.events(fresh=isinstance(run, StoredRun)):
            if event is None:
                yield "\n"
        finished = True
    finally:
        listener.close()
        if not finished and on_disconnect == "cancel":
            _cancel_on_disconnect(runtime, worker, run)
    body = listener.outcome.body() if listener.outcome else None
    if body is None:  # not seen here: from the run's row and the thread
        row = await asyncio.to_thread(runtime.store.runs.find_run, run.run_id)
        body = await run_result(runtime, row, None)
    yield dumps(body)


async def _event_stream(
    runtime: AgentRuntime,
    worker: RunWorker,
    run: StoredRun | RunRow,
    listener: Listener | LogListener,
    on_disconnect: str,
    modes: set[str] | None = None,
    *,
    ids: bool = False,
    fresh: bool | None = None,
) -> AsyncIterator[str]:
    """The run's events as server-sent events (``modes``: only these; a comment every few
    seconds; ``ids``: each with its ``id:``, a resumable run's); the stream ends once the run's
    end is stored."""
    finished = False
    fresh = isinstance(run, StoredRun) if fresh is None else fresh
    try:
        async for item in listener.events(HEARTBEAT, fresh=fresh):
            if item is None:
                yield HEARTBEAT_COMMENT
                continue
            event, data, seq = item
            if modes is None or event.split("|")[0].split("/")[0] in modes or event == "error":
                yield sse(data, event, str(seq) if ids else None)
        finished = True
    finally:
        listener.close()
        if not finished and on_disconnect == "cancel":
            _cancel_on_disconnect(runtime, worker, run)


def _stream_response(body: AsyncIterator[str], headers: dict[str, str]) -> StreamingResponse:
    return sse_response(body, headers)


def _wait_response(body: AsyncIterator[str], headers: dict[str, str]) -> StreamingResponse:
    return StreamingResponse(body, media_type="application/json", headers=headers)


# --- runs on a thread ---------------------------------------------------------------------------

WAIT: dict[int | str, dict[str, Any]] = {
    200: {"description": "The run's final values (see the module docstring)"}
}
STREAM = sse_documented("The run's events: metadata, then one per stream mode")


@router.post("/threads/{thread_id}/runs/wait", responses=WAIT)
async def wait_run(
    thread_id: ThreadIdPath,
    body: RunCreate,
    runtime: RuntimeDep,
    caller: CallerDep,
    worker: WorkerDep,
) -> StreamingResponse:
    """Run on the thread and answer its final values."""
    request = await body.checked(runtime)
    run = await prepare_agent_run(runtime, worker, caller, thread_id, request, listen=True)
    return _wait_response(
        _wait_body(runtime, worker, run, run.events, body.on_disconnect), run_headers(run, "join")
    )


@router.post("/threads/{thread_id}/runs/stream", response_model=None, responses=STREAM)
async def stream_run(
    thread_id: ThreadIdPath,
    body: RunCreate,
    runtime: RuntimeDep,
    caller: CallerDep,
    worker: WorkerDep,
) -> StreamingResponse:
    """Run on the thread and stream its events."""
    request = await body.checked(runtime)
    run = await prepare_agent_run(runtime, worker, caller, thread_id, request, listen=True)
    return _stream_response(
        _event_stream(
            runtime, worker, run, run.events, body.on_disconnect, ids=body.stream_resumable
        ),
        run_headers(run, "stream"),
    )


@router.post("/threads/{thread_id}/runs")
async def create_run(
    thread_id: ThreadIdPath,
    body: RunCreate,
    runtime: RuntimeDep,
    caller: CallerDep,
    worker: WorkerDep,
) -> JSONResponse:
    """Store a run on the thread; it runs in the background (``join`` waits for it)."""
    request = await body.checked(runtime)
    run = await prepare_agent_run(runtime, worker, caller, thread_id, request)
    return JSONResponse(
        run_json(run.row), headers={"Content-Location": run_headers(run, "")["Content-Location"]}
    )


@router.get("/threads/{thread_id}/runs")
async def list_runs(
    thread_id: ThreadIdPath,
    runtime: RuntimeDep,
    caller: CallerDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 10,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
    status: Literal["pending", "running", "error", "success", "timeout", "interrupted"]
    | None = None,
) -> list[dict[str, Any]]:
    """The thread's runs, newest first, with their request and status; any surface's runs
    (``/v1``, ``/agent``, the web page) are here too."""
    await own_thread(runtime, caller, thread_id)
    runs = await asyncio.to_thread(runtime.store.runs.list_runs, thread_id, limit, offset, status)
    return [run_json(run) for run in runs]


async def _own_run(runtime: AgentRuntime, caller: Any, thread_id: str, run_id: str) -> RunRow:
    await own_thread(runtime, caller, thread_id)
    if not is_uuid(run_id):
        raise ApiError(422, "Invalid run ID: must be a UUID")
    try:
        run: RunRow = await asyncio.to_thread(runtime.store.runs.get_run, thread_id, run_id)
    except RunNotFound:
        raise ApiError(404, f"Run {run_id} not found") from None
    return run


@router.get("/threads/{thread_id}/runs/{run_id}")
async def get_run(
    thread_id: ThreadIdPath, run_id: str, runtime: RuntimeDep, caller: CallerDep
) -> dict[str, Any]:
    return run_json(await _own_run(runtime, caller, thread_id, run_id))


@router.delete("/threads/{thread_id}/runs/{run_id}", status_code=204)
async def delete_run(
    thread_id: ThreadIdPath, run_id: str, runtime: RuntimeDep, caller: CallerDep
) -> Response:
    """Forget a run that has ended (409 while it is pending or running: cancel it first)."""
    await _own_run(runtime, caller, thread_id, run_id)
    try:
        await asyncio.to_thread(runtime.store.runs.delete_run, thread_id, run_id)
    except ThreadBusy:
        raise ApiError(409, f"Run {run_id} is pending or running: cancel it first") from None
    except RunNotFound:
        raise ApiError(404, f"Run {run_id} not found") from None
    return Response(status_code=204)


@router.get("/threads/{thread_id}/runs/{run_id}/join", responses=WAIT)
async def join_run(
    thread_id: ThreadIdPath,
    run_id: str,
    runtime: RuntimeDep,
    caller: CallerDep,
    worker: WorkerDep,
    cancel_on_disconnect: bool = False,
) -> StreamingResponse:
    """Wait for the run to end and answer its final values (at once for a run that has ended)."""
    run = await _own_run(runtime, caller, thread_id, run_id)
    listener = worker.listen(run_id)
    return _wait_response(
        _wait_body(
            runtime, worker, run, listener, "cancel" if cancel_on_disconnect else "continue"
        ),
        run_headers(run, "join"),
    )


@router.get("/threads/{thread_id}/runs/{run_id}/stream", response_model=None, responses=STREAM)
async def join_run_stream(
    thread_id: ThreadIdPath,
    run_id: str,
    runtime: RuntimeDep,
    caller: CallerDep,
    worker: WorkerDep,
    stream_mode: Annotated[list[str] | None, Query()] = None,
    cancel_on_disconnect: bool = False,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID", max_length=64)] = None,
) -> StreamingResponse:
    """Re-attach to a run: its events from now on (only ``stream_mode``'s, when given, among the
    modes it was made with); a run that has ended gives an empty stream. A resumable run
    (``stream_resumable``) replays the events after ``Last-Event-ID`` first (``-1``, or no header
    once the run has ended: all of them), on any replica; 410 when they are no longer kept."""
    run = await _own_run(runtime, caller, thread_id, run_id)
    modes = _stream_modes(stream_mode)
    on_disconnect = "cancel" if cancel_on_disconnect else "continue"
    resumable = bool(json.loads(run.kwargs_json or "{}").get("resumable"))
    try:
        after = parse_last_event_id(last_event_id) if resumable else None
    except ValueError:
        raise ApiError(422, "Last-Event-ID: an event id of this run's stream (or -1)") from None
    if resumable and after is None and run.status not in ACTIVE:
        after = 0
    if after is None:
        listener: Listener | LogListener = worker.listen(run_id)
        body = _event_stream(runtime, worker, run, listener, on_disconnect, modes, ids=resumable)
        return _stream_response(body, run_headers(run, "stream"))
    try:
        listener = worker.replay(run_id, after)
        if isinstance(listener, LogListener):
            expired = run.status not in ACTIVE and _ended_before(
                run, runtime.settings.stream_events_ttl
            )
            await worker.log.check(run_id, after, expired)
    except EventsGone as gone:
        kept = f"; the oldest kept is {gone.first_kept}" if gone.first_kept else ""
        raise ApiError(
            410, f"the events of run {run_id} after {after} are no longer kept{kept}"
        ) from None
    body = _event_stream(runtime, worker, run, listener, on_disconnect, modes, ids=True, fresh=True)
    return _stream_response(body, run_headers(run, "stream"))


def _ended_before(run: RunRow, seconds: float) -> bool:
    ended = run.finished_at or run.updated_at
    if ended.tzinfo is None:
        ended = ended.replace(tzinfo=UTC)
    return (utcnow() - ended).total_seconds() > seconds


def _stream_modes(values: list[str] | None) -> set[str] | None:
    """``?stream_mode=`` as one or more values, or a JSON array (the SDK's form)."""
    if not values:
        return None
    found: set[str] = set()
    for value in values:
        text = value.strip()
        if text.startswith("["):
            try:
                parsed = json.loads(text)
            except ValueError:
                raise ApiError(422, "stream_mode: not a JSON array") from None
            found.update(str(v) for v in parsed)
        elif text:
            found.add(text)
    unknown = sorted(found - set(STREAM_MODES))
    if unknown:
        raise ApiError(422, f"stream_mode: unknown mode(s) {', '.join(unknown)}")
    return {"messages" if m == "messages-tuple" else m for m in found} or None


@router.post(
    "/threads/{thread_id}/runs/{run_id}/cancel",
    status_code=202,
    response_model=None,
    responses={200: {"description": "With wait=true: the run's final values once it stopped"}},
)
async def cancel_run(
    thread_id: ThreadIdPath,
    run_id: str,
    runtime: RuntimeDep,
    caller: CallerDep,
    worker: WorkerDep,
    wait: bool = False,
    action: Literal["interrupt", "rollback"] = "interrupt",
) -> Response:
    """Stop a pending or running run: ``interrupt`` keeps its partial state (the thread is then
    ``interrupted``); ``rollback`` removes it and its checkpoints. 202 at once, or with
    ``wait=true`` 200 and the run's final values once it has stopped. 404: no such run, or it has
    ended."""
    run = await _own_run(runtime, caller, thread_id, run_id)
    listener = worker.listen(run_id) if wait else None
    try:
        await stop_agent_run(runtime, worker, thread_id, run_id, action)
    except ApiError:
        if listener is not None:
            listener.close()
        raise
    if listener is None:
        return Response(status_code=202)
    return _wait_response(
        _wait_body(runtime, worker, run, listener, "continue"), run_headers(run, "join")
    )


# --- stateless runs -----------------------------------------------------------------------------


@router.post("/runs/wait", responses=WAIT)
async def wait_stateless(
    body: StatelessRunCreate, runtime: RuntimeDep, caller: CallerDep, worker: WorkerDep
) -> StreamingResponse:
    """Run on a thread of its own and answer its final values."""
    request = await body.checked(runtime)
    run = await prepare_agent_run(runtime, worker, caller, None, request, listen=True)
    return _wait_response(
        _wait_body(runtime, worker, run, run.events, body.on_disconnect), run_headers(run, "join")
    )


@router.post("/runs/stream", response_model=None, responses=STREAM)
async def stream_stateless(
    body: StatelessRunCreate, runtime: RuntimeDep, caller: CallerDep, worker: WorkerDep
) -> StreamingResponse:
    """Run on a thread of its own and stream its events."""
    request = await body.checked(runtime)
    run = await prepare_agent_run(runtime, worker, caller, None, request, listen=True)
    return _stream_response(
        _event_stream(
            runtime, worker, run, run.events, body.on_disconnect, ids=body.stream_resumable
        ),
        run_headers(run, "stream", stateless=True),
    )


@router.post("/runs")
async def create_stateless(
    body: StatelessRunCreate, runtime: RuntimeDep, caller: CallerDep, worker: WorkerDep
) -> JSONResponse:
    """Store a run on a thread of its own; it runs in the background."""
    request = await body.checked(runtime)
    run = await prepare_agent_run(runtime, worker, caller, None, request)
    return JSONResponse(run_json(run.row), headers={"Content-Location": f"/runs/{run.run_id}"})


@router.post("/runs/batch")
async def create_batch(
    body: Annotated[list[StatelessRunCreate], Field(max_length=100)],
    runtime: RuntimeDep,
    caller: CallerDep,
    worker: WorkerDep,
) -> list[dict[str, Any]]:
    """Several stateless background runs at once."""
    runs = [
        await prepare_agent_run(runtime, worker, caller, None, await item.checked(runtime))
        for item in body
    ]
    return [run_json(run.row) for run in runs]


@router.post("/runs/cancel", status_code=204)
async def cancel_many(
    body: CancelMany,
    runtime: RuntimeDep,
    caller: CallerDep,
    worker: WorkerDep,
    action: Literal["interrupt", "rollback"] = "interrupt",
) -> Response:
    """Stop several runs: ``run_ids`` of ``thread_id``, or every run of the caller's with
    ``status`` (pending, running or all); 404 when none matched."""
    if body.status is not None:
        statuses = ("pending", "running") if body.status == "all" else (body.status,)
        targets = await asyncio.to_thread(
            runtime.store.runs.owner_active_runs, caller.name, statuses
        )
    elif body.thread_id and body.run_ids:
        await own_thread(runtime, caller, body.thread_id)
        targets = [(body.thread_id, run_id) for run_id in body.run_ids]
    else:
        raise ApiError(422, "send status, or thread_id with run_ids")
    stopped = 0
    for thread_id, run_id in targets:
        try:
            await stop_agent_run(runtime, worker, thread_id, run_id, action)
            stopped += 1
        except ApiError:
            continue
    if not stopped:
        raise ApiError(404, "No runs found to cancel.")
    return Response(status_code=204)
