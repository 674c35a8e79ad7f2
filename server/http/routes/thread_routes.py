"""Threads (the Agent Server API), and toolloom's transcript of one.

The routes ``langgraph-sdk``, ``RemoteGraph`` and Studio call: create (``if_exists``), search,
count, get, patch, delete, copy; a thread's state (now, at a checkpoint, updated by hand) and its
history. Thread ids are toolloom's (any id a ``/v1`` ``X-Thread-Id`` may name; new ones are
UUIDs), and every thread belongs to the key that made it: another key's thread is a 404, as if
it did not exist.

``GET /threads/{id}/transcript`` is toolloom's own: every message the thread ever had (the state
keeps a bounded window), with tool calls, results, the detect-intent stage that found each call,
times, and how its last run ended; the web page reads it. ``POST /threads/search`` takes
``extract`` paths ``transcript.title`` and ``transcript.message_count`` beside the reference's
(``values``, ``metadata``, ``config``, ``interrupts``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse
from langchain_core.runnables import RunnableConfig
from langgraph.errors import InvalidUpdateError
from pydantic import BaseModel, ConfigDict, Field, field_validator

from graph.checkpoints import copy_thread_checkpoints
from server.agentserver.shapes import checkpoint_of, is_uuid, thread_json, thread_state
from server.agentserver.stored_runs import stop_agent_run
from server.agentserver.thread_ttl import parse_ttl, set_ttl, ttl_json
from server.api_error import ApiError
from server.http.deps import CallerDep, RuntimeDep, ThreadIdPath, WorkerDep
from server.road.encoding import jsonable
from server.runtime import AgentRuntime
from server.storage.cron_store import CronStore
from server.storage.engine import ThreadExists, ThreadNotFound
from server.storage.tables import Thread

router = APIRouter(prefix="/threads", tags=["threads"])

Field_ = Literal["thread_id", "created_at", "updated_at", "state_updated_at", "metadata",
                 "config", "status", "values", "interrupts"]  # fmt: skip
THREAD_FIELDS: tuple[str, ...] = Field_.__args__  # type: ignore[attr-defined]
Status = Literal["idle", "busy", "interrupted", "error"]


# --- request bodies ---------------------------------------------------------------------------------


class ThreadCreate(BaseModel):
    model_config = ConfigDict(extra="ignore")

    thread_id: str | None = None
    """A UUID; a new one when absent."""
    metadata: dict[str, Any] | None = None
    if_exists: Literal["raise", "do_nothing"] = "raise"
    ttl: dict[str, Any] | None = None
    supersteps: list[dict[str, Any]] | None = None


class ThreadSearch(BaseModel):
    model_config = ConfigDict(extra="ignore")

    ids: list[str] | None = None
    metadata: dict[str, Any] | None = None
    values: dict[str, Any] | None = None
    status: Status | None = None
    limit: Annotated[int, Field(ge=1, le=1000)] = 10
    offset: Annotated[int, Field(ge=0, le=1_000_000_000)] = 0
    sort_by: Literal["thread_id", "status", "created_at", "updated_at", "state_updated_at"] = (
        "created_at"
    )
    sort_order: Literal["asc", "desc"] = "desc"
    select: list[Field_] | None = None
    extract: Annotated[dict[str, str] | None, Field(max_length=10)] = None
    """alias -> path (``values.messages[-1]``, ``metadata.key``, or toolloom's
    ``transcript.title`` / ``transcript.message_count``)."""


class ThreadCount(BaseModel):
    model_config = ConfigDict(extra="ignore")

    metadata: dict[str, Any] | None = None
    values: dict[str, Any] | None = None
    status: Status | None = None


class ThreadPatch(BaseModel):
    model_config = ConfigDict(extra="ignore")

    metadata: dict[str, Any] | None = None
    ttl: dict[str, Any] | None = None


class CheckpointRef(BaseModel):
    model_config = ConfigDict(extra="ignore")

    thread_id: str | None = None
    checkpoint_ns: str | None = None
    checkpoint_id: str | None = None
    checkpoint_map: dict[str, Any] | None = None


class StateAtCheckpoint(BaseModel):
    model_config = ConfigDict(extra="ignore")

    checkpoint: CheckpointRef
    subgraphs: bool = False


class StateUpdate(BaseModel):
    model_config = ConfigDict(extra="ignore")

    values: dict[str, Any] | list[Any] | None = None
    as_node: str | None = None
    checkpoint: CheckpointRef | None = None
    checkpoint_id: str | None = None


class HistorySearch(BaseModel):
    model_config = ConfigDict(extra="ignore")

    limit: Annotated[int, Field(ge=1, le=1000)] = 1
    before: str | CheckpointRef | None = None
    metadata: dict[str, Any] | None = None
    checkpoint: CheckpointRef | None = None


# --- helpers ----------------------------------------------------------------------------------------


def not_found(thread_id: str) -> ApiError:
    return ApiError(404, f"Thread with ID {thread_id} not found")


async def own_thread(runtime: AgentRuntime, caller: Any, thread_id: str) -> Thread:
    """The caller's thread, or 404 (another key's thread too)."""
    try:
        thread: Thread = await asyncio.to_thread(
            runtime.store.threads.get_thread, thread_id, caller.name
        )
    except ThreadNotFound:
        raise not_found(thread_id) from None
    return thread


def caller_filters(caller: Any) -> dict[str, Any] | None:
    """The metadata filter an auth handler returned for this request (None: none)."""
    return dict(caller.filters) if caller.filters else None


def config_of(thread_id: str, checkpoint: CheckpointRef | None = None) -> RunnableConfig:
    configurable: dict[str, Any] = {"thread_id": thread_id}
    if checkpoint is not None:
        if checkpoint.checkpoint_id:
            if not is_uuid(checkpoint.checkpoint_id):
                raise ApiError(422, "Invalid checkpoint ID: must be a UUID")
            configurable["checkpoint_id"] = checkpoint.checkpoint_id
        if checkpoint.checkpoint_ns:
            configurable["checkpoint_ns"] = checkpoint.checkpoint_ns
        if checkpoint.checkpoint_map:
            configurable["checkpoint_map"] = checkpoint.checkpoint_map
    return {"configurable": configurable}


async def thread_body(runtime: AgentRuntime, thread: Thread) -> dict[str, Any]:
    """The thread as the Agent Server API shows it: its state's values from the checkpointer."""
    snapshot = await runtime.graph.aget_state({"configurable": {"thread_id": thread.id}})
    values = jsonable(snapshot.values) if snapshot.created_at else None
    error = None
    if thread.status == "error":
        last = await asyncio.to_thread(runtime.store.runs.last_run, thread.id)
        error = last.error if last is not None else None
    return thread_json(thread, values, ended=values is not None, error=error)


_PATH = re.compile(r"([^.\[\]]+)|\[(-?\d+)\]")


def extract_path(source: dict[str, Any], path: str) -> Any:
    """The value at ``values.messages[-1].content`` and the like (None when absent)."""
    value: Any = source
    for name, index in _PATH.findall(path):
        if name:
            value = value.get(name) if isinstance(value, dict) else None
        else:
            try:
                value = value[int(index)] if isinstance(value, list) else None
            except IndexError:
                value = None
        if value is None:
            return None
    return value


# --- threads ----------------------------------------------------------------------------------------


@router.post("")
async def create_thread(body: ThreadCreate, runtime: RuntimeDep, caller: CallerDep) -> Any:
    """A new thread of the caller's, with ``metadata``; with an id that exists, 409 (or with
    ``if_exists="do_nothing"`` the caller's existing thread unchanged)."""
    if body.supersteps:
        raise ApiError(422, "supersteps are not supported by toolloom's threads")
    ttl = parse_ttl(body.ttl)
    thread_id = body.thread_id or str(uuid.uuid4())
    if not is_uuid(thread_id):
        raise ApiError(422, "Invalid thread ID: must be a UUID")
    try:
        thread, made = await asyncio.to_thread(
            runtime.store.threads.create_thread,
            thread_id,
            caller.name,
            body.metadata or {},
            body.if_exists,
        )
    except ThreadExists:
        raise ApiError(409, f"Thread with ID {thread_id} already exists") from None
    if made:
        await set_ttl(runtime.thread_ttls, thread_id, ttl)
    return await thread_body(runtime, thread)


async def _search(
    runtime: AgentRuntime, caller: Any, body: ThreadSearch
) -> tuple[list[dict[str, Any]], int]:
    if body.values:
        raise ApiError(422, "values: searching threads by their state's values is not supported")
    for alias, path in (body.extract or {}).items():
        if path.split(".", 1)[0].split("[", 1)[0] not in (
            "values", "metadata", "config", "interrupts", "transcript"
        ):  # fmt: skip
            raise ApiError(
                422,
                f"extract.{alias}: a path starts with values, metadata, config, interrupts or "
                "transcript",
            )
    threads, total = await asyncio.to_thread(
        runtime.store.threads.search_threads,
        caller.name,
        ids=body.ids,
        metadata=body.metadata,
        status=body.status,
        limit=body.limit,
        offset=body.offset,
        sort_by=body.sort_by,
        sort_order=body.sort_order,
        filters=caller_filters(caller),
    )
    wanted = set(body.select or THREAD_FIELDS)
    paths = list((body.extract or {}).values())
    reads_state = bool(wanted & {"values", "config", "interrupts"}) or any(
        not p.startswith(("metadata", "transcript")) for p in paths
    )
    found = []
    for thread in threads:
        if reads_state:
            item = await thread_body(runtime, thread)
        else:
            item = thread_json(thread, None, ended=False)
        if body.extract:
            source = {
                **item,
                "transcript": {"title": thread.title, "message_count": thread.message_count},
            }
            item["extracted"] = {a: extract_path(source, p) for a, p in body.extract.items()}
        if body.select:
            item = {k: v for k, v in item.items() if k in wanted or k == "extracted"}
        found.append(item)
    return found, total


@router.post("/search")
async def search_threads(body: ThreadSearch, runtime: RuntimeDep, caller: CallerDep) -> Any:
    """The caller's threads matching ``metadata`` (each key equal), ``status`` and ``ids``, one
    page sorted by ``sort_by``; ``X-Pagination-Total`` says how many match."""
    found, total = await _search(runtime, caller, body)
    headers = {"X-Pagination-Total": str(total)}
    if body.offset + body.limit < total:
        headers["X-Pagination-Next"] = str(body.offset + body.limit)
    return JSONResponse(jsonable(found), headers=headers)


@router.post("/count")
async def count_threads(body: ThreadCount, runtime: RuntimeDep, caller: CallerDep) -> int:
    if body.values:
        raise ApiError(422, "values: counting threads by their state's values is not supported")
    return await asyncio.to_thread(
        runtime.store.threads.count_threads,
        caller.name,
        body.metadata,
        body.status,
        caller_filters(caller),
    )


@router.get("/{thread_id}")
async def get_thread(
    thread_id: ThreadIdPath,
    runtime: RuntimeDep,
    caller: CallerDep,
    include: Annotated[str | None, Query(description="`ttl`: the thread's TTL too")] = None,
) -> Any:
    """The thread: metadata, status (idle, busy, interrupted, error), its state's values (and
    with ``include=ttl`` its TTL: strategy, minutes, when it expires if left alone)."""
    body = await thread_body(runtime, await own_thread(runtime, caller, thread_id))
    if "ttl" in (include or "").split(","):
        ttl = await ttl_json(runtime.thread_ttls, thread_id)
        if ttl is not None:
            body["ttl"] = ttl
    return body


@router.patch("/{thread_id}")
async def patch_thread(
    thread_id: ThreadIdPath, body: ThreadPatch, runtime: RuntimeDep, caller: CallerDep
) -> Any:
    """Merge ``metadata`` into the thread's; ``ttl`` replaces its TTL."""
    ttl = parse_ttl(body.ttl)
    try:
        thread = await asyncio.to_thread(
            runtime.store.threads.patch_thread, thread_id, caller.name, body.metadata or {}
        )
    except ThreadNotFound:
        raise not_found(thread_id) from None
    await set_ttl(runtime.thread_ttls, thread_id, ttl)
    return await thread_body(runtime, thread)


@router.delete("/{thread_id}", status_code=204)
async def delete_thread(
    thread_id: ThreadIdPath, runtime: RuntimeDep, caller: CallerDep, worker: WorkerDep
) -> Response:
    """Delete a thread: its runs (a running one is stopped), transcript, checkpoints and
    crons."""
    await own_thread(runtime, caller, thread_id)
    active = [
        run.run_id for run in await asyncio.to_thread(runtime.store.runs.active_runs, thread_id)
    ]
    for run_id in active:
        with contextlib.suppress(ApiError):  # it ended meanwhile
            await stop_agent_run(runtime, worker, thread_id, run_id, "interrupt")
    await worker.wait_stopped(active)  # its last checkpoint is written before they go
    try:
        await asyncio.to_thread(runtime.store.threads.delete_thread, thread_id, caller.name)
    except ThreadNotFound:
        raise not_found(thread_id) from None
    await runtime.checkpointer.adelete_thread(thread_id)
    await asyncio.to_thread(CronStore(runtime.store.db).delete_for_thread, thread_id)
    return Response(status_code=204)


@router.post("/{thread_id}/copy")
async def copy_thread(thread_id: ThreadIdPath, runtime: RuntimeDep, caller: CallerDep) -> Any:
    """A new thread with this one's metadata, transcript and checkpoints."""
    await own_thread(runtime, caller, thread_id)
    target = str(uuid.uuid4())
    try:
        copy = await asyncio.to_thread(
            runtime.store.threads.copy_thread, thread_id, target, caller.name
        )
    except ThreadNotFound:
        raise not_found(thread_id) from None
    await copy_thread_checkpoints(runtime.checkpointer, thread_id, target)
    body = thread_json(copy, None, ended=False)
    del body["values"]  # the reference answers the new thread's record, without its state
    return body


# --- state and history ------------------------------------------------------------------------------


async def _state(runtime: AgentRuntime, thread_id: str, checkpoint: CheckpointRef | None) -> Any:
    snapshot = await runtime.graph.aget_state(config_of(thread_id, checkpoint))
    if checkpoint is not None and checkpoint.checkpoint_id and not snapshot.created_at:
        raise ApiError(404, f"Checkpoint {checkpoint.checkpoint_id} not found")
    return jsonable(thread_state(snapshot))


@router.get("/{thread_id}/state")
async def get_thread_state(
    thread_id: ThreadIdPath, runtime: RuntimeDep, caller: CallerDep, subgraphs: bool = False
) -> Any:
    """The thread's state now: values, the nodes to run next, pending tasks and interrupts,
    the checkpoint (empty before the first run)."""
    await own_thread(runtime, caller, thread_id)
    return await _state(runtime, thread_id, None)


@router.get("/{thread_id}/state/{checkpoint_id}")
async def get_thread_state_at(
    thread_id: ThreadIdPath,
    checkpoint_id: str,
    runtime: RuntimeDep,
    caller: CallerDep,
    subgraphs: bool = False,
) -> Any:
    await own_thread(runtime, caller, thread_id)
    return await _state(runtime, thread_id, CheckpointRef(checkpoint_id=checkpoint_id))


@router.post("/{thread_id}/state/checkpoint")
async def post_thread_state_at(
    thread_id: ThreadIdPath, body: StateAtCheckpoint, runtime: RuntimeDep, caller: CallerDep
) -> Any:
    """The state at a checkpoint (what ``RemoteGraph.get_state`` asks)."""
    await own_thread(runtime, caller, thread_id)
    return await _state(runtime, thread_id, body.checkpoint)


@router.post("/{thread_id}/state")
async def update_thread_state(
    thread_id: ThreadIdPath, body: StateUpdate, runtime: RuntimeDep, caller: CallerDep
) -> Any:
    """Change the state by hand, as if node ``as_node`` had written ``values``; 409 while a run
    is pending or running on the thread."""
    await own_thread(runtime, caller, thread_id)
    busy = ApiError(409, f"Thread {thread_id} is busy: a run is pending or running on it")
    if await asyncio.to_thread(runtime.store.runs.active_runs, thread_id):
        raise busy
    checkpoint = body.checkpoint
    if body.checkpoint_id:
        checkpoint = CheckpointRef(checkpoint_id=body.checkpoint_id)
    try:
        async with runtime.coordinator.hold_thread(thread_id, 0):
            config = await runtime.graph.aupdate_state(
                config_of(thread_id, checkpoint), body.values, as_node=body.as_node
            )
            snapshot = await runtime.graph.aget_state({"configurable": {"thread_id": thread_id}})
    except ApiError as error:
        raise busy if error.status == 409 else error from None
    except (InvalidUpdateError, ValueError, KeyError) as error:
        raise ApiError(400, f"the state update was refused: {error}") from None
    await asyncio.to_thread(
        runtime.store.threads.touch_state, thread_id, (snapshot.values or {}).get("messages", [])
    )
    return {
        "checkpoint": checkpoint_of(config),
        "configurable": jsonable(config.get("configurable", {})),
        "checkpoint_id": config.get("configurable", {}).get("checkpoint_id"),
    }


async def _history(runtime: AgentRuntime, thread_id: str, body: HistorySearch) -> Any:
    before: RunnableConfig | None = None
    if isinstance(body.before, str):
        before = config_of(thread_id, CheckpointRef(checkpoint_id=body.before))
    elif body.before is not None:
        before = config_of(thread_id, body.before)
    config = config_of(thread_id, body.checkpoint)
    config["configurable"].pop("checkpoint_id", None)  # the history of the thread, not a fork
    for key in body.metadata or {}:
        if not _FILTER_KEY.fullmatch(key):
            raise ApiError(422, "metadata: keys are letters, digits, underscores, dots and hyphens")
    states = [
        thread_state(snapshot)
        async for snapshot in runtime.graph.aget_state_history(
            config, filter=body.metadata or None, before=before, limit=body.limit
        )
    ]
    return jsonable(states)


_FILTER_KEY = re.compile(r"[A-Za-z0-9_.\-]+")


@router.get("/{thread_id}/history")
async def get_thread_history(
    thread_id: ThreadIdPath,
    runtime: RuntimeDep,
    caller: CallerDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 1,
    before: str | None = None,
) -> Any:
    """The thread's past states, newest first (one per run: toolloom checkpoints a run once,
    at its end, unless the run asks ``durability``)."""
    await own_thread(runtime, caller, thread_id)
    return await _history(runtime, thread_id, HistorySearch(limit=limit, before=before))


@router.post("/{thread_id}/history")
async def post_thread_history(
    thread_id: ThreadIdPath, body: HistorySearch, runtime: RuntimeDep, caller: CallerDep
) -> Any:
    await own_thread(runtime, caller, thread_id)
    return await _history(runtime, thread_id, body)


# --- toolloom's transcript --------------------------------------------------------------------------


class LastRun(BaseModel):
    run_id: str
    status: Literal["pending", "running", "success", "error", "timeout", "interrupted"]
    """``interrupted``: cancelled, stopped by a newer run, or the server stopped during it."""
    started_at: datetime
    finished_at: datetime | None
    error: str | None
    models: list[str] = []
    """The backend (models-file entry) that answered each model call of the run, in order: a
    fallback shows as a second name."""

    @field_validator("models", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        if value is None:
            return []
        return value.split(",") if isinstance(value, str) else value


class TranscriptMessage(BaseModel):
    seq: int
    id: str
    role: str
    """user, assistant, tool or system."""
    content: str
    created_at: datetime
    tool_calls: list[dict[str, Any]] | None = None
    """An assistant's calls: name, args, id and the detect-intent stage that found each."""
    tool_call_id: str | None = None
    name: str | None = None
    status: str | None = None
    """A tool result's status: success or error."""
    stage: str | None = None
    duration_ms: float | None = None
    model: str | None = None
    """An assistant message's author: the backend (models-file entry) that wrote it; null when
    toolloom wrote it from the tool results or the message came from the client."""


class Transcript(BaseModel):
    thread_id: str
    title: str
    """The first user message, shortened."""
    created_at: datetime
    updated_at: datetime
    message_count: int
    status: Status
    last_run: LastRun | None
    messages: list[TranscriptMessage]


@router.get("/{thread_id}/transcript", response_model=Transcript)
async def get_transcript(
    thread_id: ThreadIdPath,
    runtime: RuntimeDep,
    caller: CallerDep,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> Transcript:
    """toolloom's record of the thread: every message with its tool calls, results, stages and
    times (the state keeps only a window), and how its last run ended."""
    thread = await own_thread(runtime, caller, thread_id)
    rows = await asyncio.to_thread(runtime.store.transcript.messages, thread_id, limit, offset)
    run = await asyncio.to_thread(runtime.store.runs.last_run, thread_id)
    messages = []
    for row in rows:
        item = TranscriptMessage(
            seq=row.seq, id=row.message_id, role=row.role, content=row.content,
            created_at=row.created_at,
            tool_calls=json.loads(row.tool_calls) if row.tool_calls else None,
            model=row.model,
        )  # fmt: skip
        if row.role == "tool":
            item.tool_call_id, item.name, item.status = row.tool_call_id, row.name, row.status
            item.stage, item.duration_ms = row.stage, row.duration_ms
        messages.append(item)
    return Transcript(
        thread_id=thread.id,
        title=thread.title,
        created_at=thread.created_at,
        updated_at=thread.updated_at,
        message_count=thread.message_count,
        status=thread.status,  # type: ignore[arg-type]
        last_run=LastRun.model_validate(run, from_attributes=True) if run else None,
        messages=messages,
    )
