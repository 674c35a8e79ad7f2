"""Crons (the Agent Server API): ``client.crons.*`` of ``langgraph-sdk``.

``POST /threads/{id}/runs/crons`` runs on that thread at every tick, ``POST /runs/crons`` on a new
thread each time (deleted after the run unless ``on_run_completed="keep"``); search, count, get,
update (``PATCH``) and delete, with the reference's shapes. A cron belongs to the key that made
it (another key gets 404) and its ticks run as that key's runs. What a tick does, which replica
fires it and what happens to missed ticks: :mod:`server.agentserver.crons`.
``GET /runs/crons/{id}/ticks`` (toolloom's own) lists the ticks handled: fired (with the run),
refused (why) or skipped.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from server.agentserver.assistant_config import resolve_assistant_config
from server.agentserver.calls import run_context
from server.agentserver.crons import (
    check_schedule,
    check_timezone,
    cron_json,
    next_tick,
    tick_json,
)
from server.agentserver.shapes import ASSISTANT_ID, GRAPH_ID, StreamMode, is_uuid
from server.agentserver.webhooks import check_webhook_url
from server.api_error import ApiError
from server.http.deps import CallerDep, RuntimeDep, ThreadIdPath
from server.http.routes.run_routes import RunConfig, RunCreate
from server.http.routes.thread_routes import own_thread
from server.runtime import AgentRuntime
from server.storage.agent_tables import CronRow
from server.storage.cron_store import SORTS, CronStore

router = APIRouter(tags=["crons"])

RUN_FIELDS = ("assistant_id", "input", "metadata", "config", "context", "webhook",
              "interrupt_before", "interrupt_after", "multitask_strategy", "stream_mode",
              "stream_subgraphs", "stream_resumable", "durability", "checkpoint_during")  # fmt: skip
"""The payload fields a tick's run is made from."""


class CronFields(BaseModel):
    """What ``client.crons.create`` / ``create_for_thread`` / ``update`` send."""

    model_config = ConfigDict(extra="ignore")

    schedule: Annotated[str, Field(max_length=256)] | None = None
    timezone: Annotated[str, Field(max_length=64)] | None = None
    end_time: datetime | None = None
    input: Any = None
    metadata: dict[str, Any] | None = None
    config: RunConfig | None = None
    context: dict[str, Any] | None = None
    webhook: Annotated[str, Field(min_length=1, max_length=4096)] | None = None
    interrupt_before: Literal["*"] | list[str] | None = None
    interrupt_after: Literal["*"] | list[str] | None = None
    enabled: bool | None = None
    stream_mode: StreamMode | list[StreamMode] | None = None
    stream_subgraphs: bool | None = None
    stream_resumable: bool | None = None
    durability: Literal["sync", "async", "exit"] | None = None
    checkpoint_during: bool | None = None


class CronCreate(CronFields):
    """A cron on a new thread per run."""

    assistant_id: str
    schedule: Annotated[str, Field(max_length=256)]
    on_run_completed: Literal["delete", "keep"] = "delete"


class ThreadCronCreate(CronFields):
    """A cron on one thread."""

    assistant_id: str
    schedule: Annotated[str, Field(max_length=256)]
    multitask_strategy: Literal["reject", "enqueue", "interrupt", "rollback"] = "enqueue"


class CronPatch(CronFields):
    on_run_completed: Literal["delete", "keep"] | None = None


class CronSearch(BaseModel):
    model_config = ConfigDict(extra="ignore")

    assistant_id: str | None = None
    thread_id: str | None = None
    enabled: bool | None = None
    metadata: dict[str, Any] | None = None
    limit: Annotated[int, Field(ge=1, le=1000)] = 10
    offset: Annotated[int, Field(ge=0, le=1_000_000_000)] = 0
    sort_by: Literal[SORTS] = "created_at"  # type: ignore[valid-type]
    sort_order: Literal["asc", "desc"] = "desc"
    select: list[str] | None = None


class CronCount(BaseModel):
    model_config = ConfigDict(extra="ignore")

    assistant_id: str | None = None
    thread_id: str | None = None
    metadata: dict[str, Any] | None = None


def _payload(body: CronFields) -> dict[str, Any]:
    """The body as sent (what the reference keeps as ``payload``), JSON types only."""
    return body.model_dump(mode="json", exclude_unset=True, exclude_none=True)


async def _check_run(runtime: AgentRuntime, caller: Any, payload: dict[str, Any]) -> str:
    """Check the run a tick will make, now (each a 4xx): the assistant (the caller's, or the
    graph's default), the request's fields, the context, the webhook. Returns the assistant's
    id."""
    assistant_id, _ = await resolve_assistant_config(runtime, caller, str(payload["assistant_id"]))
    fields = {k: v for k, v in payload.items() if k in RUN_FIELDS}
    request = RunCreate.model_validate(fields).request()
    configurable = (request.config or {}).get("configurable") or {}
    if {k for k in configurable if k != "cron_id"} and request.context:
        raise ApiError(400, "Cannot specify both configurable and context. Prefer context.")
    run_context(runtime.context, request.context or {})
    await check_webhook_url(runtime.settings, payload.get("webhook"))
    return assistant_id


def _assistant_filter(assistant_id: str | None) -> str | None:
    """A search's ``assistant_id``: a UUID, or the graph's name for its default assistant."""
    if assistant_id is None:
        return None
    if assistant_id == GRAPH_ID:
        return ASSISTANT_ID
    if not is_uuid(assistant_id):
        raise ApiError(422, "Invalid assistant ID: must be a UUID")
    return assistant_id


def _cron_uuid(cron_id: str) -> str:
    if not is_uuid(cron_id):
        raise ApiError(422, "Invalid cron ID: must be a UUID")
    return cron_id


async def _create(
    runtime: AgentRuntime,
    caller: Any,
    body: CronCreate | ThreadCronCreate,
    thread_id: str | None,
    on_run_completed: str | None,
) -> dict[str, Any]:
    schedule = check_schedule(body.schedule)
    timezone = check_timezone(body.timezone)
    payload = _payload(body)  # the body as sent, as the reference keeps it
    assistant_id = await _check_run(runtime, caller, payload)
    payload["assistant_id"] = assistant_id
    cron_id = str(uuid.uuid4())
    config = payload.setdefault("config", {})
    config.setdefault("configurable", {})["cron_id"] = cron_id
    row = await asyncio.to_thread(
        CronStore(runtime.store.db).create,
        caller.name,
        cron_id=cron_id,
        assistant_id=assistant_id,
        thread_id=thread_id,
        schedule=schedule,
        timezone=timezone,
        end_time=body.end_time,
        enabled=True if body.enabled is None else body.enabled,
        on_run_completed=on_run_completed,
        payload=payload,
        metadata=body.metadata or {},
        next_run_date=next_tick(schedule, datetime.now(UTC), timezone),
    )
    return cron_json(row)


@router.post("/runs/crons")
async def create_cron(body: CronCreate, runtime: RuntimeDep, caller: CallerDep) -> Any:
    """A cron that runs on a new thread at each tick."""
    return await _create(runtime, caller, body, None, body.on_run_completed)


@router.post("/threads/{thread_id}/runs/crons")
async def create_thread_cron(
    thread_id: ThreadIdPath, body: ThreadCronCreate, runtime: RuntimeDep, caller: CallerDep
) -> Any:
    """A cron that runs on this thread at each tick (``multitask_strategy`` decides what a
    tick does while a run is in flight)."""
    await own_thread(runtime, caller, thread_id)
    return await _create(runtime, caller, body, thread_id, None)


@router.post("/runs/crons/search")
async def search_crons(body: CronSearch, runtime: RuntimeDep, caller: CallerDep) -> Any:
    """The caller's crons matching every filter, one page; ``X-Pagination-Total`` says how many
    match."""
    rows, total = await asyncio.to_thread(
        CronStore(runtime.store.db).search,
        caller.name,
        assistant_id=_assistant_filter(body.assistant_id),
        thread_id=body.thread_id,
        enabled=body.enabled,
        metadata=body.metadata,
        limit=body.limit,
        offset=body.offset,
        sort_by=body.sort_by,
        sort_order=body.sort_order,
    )
    found = [cron_json(row) for row in rows]
    if body.select:
        found = [{k: v for k, v in item.items() if k in body.select} for item in found]
    headers = {"X-Pagination-Total": str(total)}
    if body.offset + body.limit < total:
        headers["X-Pagination-Next"] = str(body.offset + body.limit)
    return JSONResponse(found, headers=headers)


@router.post("/runs/crons/count")
async def count_crons(body: CronCount, runtime: RuntimeDep, caller: CallerDep) -> int:
    return await asyncio.to_thread(
        CronStore(runtime.store.db).count,
        caller.name,
        assistant_id=_assistant_filter(body.assistant_id),
        thread_id=body.thread_id,
        metadata=body.metadata,
    )


async def _own_cron(runtime: AgentRuntime, caller: Any, cron_id: str) -> CronRow:
    row = await asyncio.to_thread(CronStore(runtime.store.db).get, _cron_uuid(cron_id), caller.name)
    if row is None:
        raise ApiError(404, f"Cron '{cron_id}' not found")
    return row


@router.get("/runs/crons/{cron_id}")
async def get_cron(cron_id: str, runtime: RuntimeDep, caller: CallerDep) -> Any:
    return cron_json(await _own_cron(runtime, caller, cron_id))


@router.patch("/runs/crons/{cron_id}")
async def update_cron(cron_id: str, body: CronPatch, runtime: RuntimeDep, caller: CallerDep) -> Any:
    """Change a cron: its schedule or time zone (the next tick is counted from now), end time
    (``null`` clears it), ``enabled`` (turned back on, it resumes from now: ticks while it was
    off do not fire), ``on_run_completed``, ``metadata`` (merged) and the run's fields (merged
    into its payload)."""
    row = await _own_cron(runtime, caller, cron_id)
    sent = body.model_fields_set
    if not sent:
        raise ApiError(400, "No fields to update")
    changes: dict[str, Any] = {}
    schedule, timezone = row.schedule, row.timezone
    if "timezone" in sent and body.timezone is not None:
        timezone = changes["timezone"] = check_timezone(body.timezone)
    if "schedule" in sent and body.schedule is not None:
        schedule = changes["schedule"] = check_schedule(body.schedule)
    restart = bool({"schedule", "timezone"} & set(changes)) or (
        body.enabled is True and not row.enabled
    )
    if restart:
        changes["next_run_date"] = next_tick(schedule, datetime.now(UTC), timezone)
    if "end_time" in sent:
        changes["end_time"] = body.end_time
    if body.enabled is not None:
        changes["enabled"] = body.enabled
    if body.on_run_completed is not None and row.thread_id is None:
        changes["on_run_completed"] = body.on_run_completed
    if body.metadata is not None:
        changes["metadata_json"] = json.dumps({**json.loads(row.metadata_json), **body.metadata})
    sent_fields = _payload(body)
    if sent_fields:  # merged into the payload, as the reference does; the run reads RUN_FIELDS
        payload = {**json.loads(row.payload_json), **sent_fields}
        payload["assistant_id"] = row.assistant_id
        config = payload.get("config") or {}
        config.setdefault("configurable", {})["cron_id"] = row.cron_id
        payload["config"] = config
        await _check_run(runtime, caller, payload)
        changes["payload_json"] = json.dumps(payload)
    updated = await asyncio.to_thread(
        CronStore(runtime.store.db).update, row.cron_id, caller.name, changes
    )
    if updated is None:
        raise ApiError(404, f"Cron '{cron_id}' not found")
    return cron_json(updated)


@router.delete("/runs/crons/{cron_id}", status_code=204)
async def delete_cron(cron_id: str, runtime: RuntimeDep, caller: CallerDep) -> Response:
    """Delete a cron (its runs stay; a tick being fired now may still make its run)."""
    deleted = await asyncio.to_thread(
        CronStore(runtime.store.db).delete, _cron_uuid(cron_id), caller.name
    )
    if not deleted:
        raise ApiError(404, f"Cron '{cron_id}' not found")
    return Response(status_code=204)


@router.get("/runs/crons/{cron_id}/ticks")
async def cron_ticks(
    cron_id: str,
    runtime: RuntimeDep,
    caller: CallerDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> list[dict[str, Any]]:
    """The cron's handled ticks, newest first: ``fired`` (with its run), ``refused`` (why) or
    ``skipped`` (older than ``TOOLLOOM_CRON_GRACE``; ``skipped`` counts the earlier missed
    ticks folded into a tick)."""
    row = await _own_cron(runtime, caller, cron_id)
    ticks = await asyncio.to_thread(CronStore(runtime.store.db).ticks, row.cron_id, limit, offset)
    return [tick_json(t) for t in ticks]
