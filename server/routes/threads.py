"""The caller's threads: list them, read one (messages with tool calls, results, stages and times,
and how its last run ended), delete one. Another key's thread is a 404, as if it did not exist."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, field_validator

from server.deps import CallerDep, RuntimeDep, ThreadIdPath
from server.runs import owned

router = APIRouter(prefix="/threads", tags=["threads"])


class ThreadSummary(BaseModel):
    id: str
    title: str
    """The first user message, shortened."""
    created_at: datetime
    updated_at: datetime
    message_count: int


class ThreadList(BaseModel):
    threads: list[ThreadSummary]


class LastRun(BaseModel):
    status: Literal["running", "succeeded", "failed", "interrupted"]
    """``interrupted``: the server stopped during the run."""
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


class ThreadDetail(ThreadSummary):
    last_run: LastRun | None
    messages: list[TranscriptMessage]


@router.get("", response_model=ThreadList)
async def list_threads(
    runtime: RuntimeDep,
    caller: CallerDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> ThreadList:
    """The caller's threads, most recently used first."""
    threads = await asyncio.to_thread(runtime.store.list_threads, caller.name, limit, offset)
    return ThreadList(
        threads=[ThreadSummary.model_validate(t, from_attributes=True) for t in threads]
    )


@router.get("/{thread_id}", response_model=ThreadDetail)
async def get_thread(
    thread_id: ThreadIdPath,
    runtime: RuntimeDep,
    caller: CallerDep,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> ThreadDetail:
    """A thread's messages with their tool calls, results, stages and times, and how its last
    run ended (``running``, ``succeeded``, ``failed``, or ``interrupted`` by a crash)."""
    thread = await owned(runtime, caller, thread_id, runtime.store.get_thread)
    rows = await asyncio.to_thread(runtime.store.messages, thread_id, limit, offset)
    run = await asyncio.to_thread(runtime.store.last_run, thread_id)
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
    return ThreadDetail(
        **ThreadSummary.model_validate(thread, from_attributes=True).model_dump(),
        last_run=LastRun.model_validate(run, from_attributes=True) if run else None,
        messages=messages,
    )


@router.delete("/{thread_id}", status_code=204)
async def delete_thread(
    thread_id: ThreadIdPath, runtime: RuntimeDep, caller: CallerDep
) -> Response:
    """Delete a thread: its transcript and its checkpoints."""
    await owned(runtime, caller, thread_id, runtime.store.delete_thread)
    await runtime.checkpointer.adelete_thread(thread_id)
    return Response(status_code=204)
