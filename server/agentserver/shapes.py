"""The LangGraph Agent Server API's shapes: ids, JSON encoding, threads, runs, states, commands.

Pure functions with no I/O, shared by the run machinery (:mod:`server.road.run`,
:mod:`server.agentserver.worker`) and the route modules (``server/routes/{assistants,threads,runs}.py``).
The shapes follow ``langgraph-api`` 0.16.7 (the server ``langgraph dev`` runs), as
docs/agent-server-api.md records them: a ``Thread``, a ``Run``, a ``ThreadState``, the default
assistant of a graph, and how a ``command`` becomes a ``langgraph.types.Command``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from langgraph.types import StateSnapshot

from server.road.encoding import interrupt_json, iso, jsonable

if TYPE_CHECKING:
    from server.storage.tables import RunRow, Thread

GRAPH_ID = "agent"
"""toolloom's one graph, as the Agent Server API names it (``assistant_id`` may be this name)."""
NAMESPACE_GRAPH = uuid.UUID("6ba7b821-9dad-11d1-80b4-00c04fd430c8")
ASSISTANT_ID = str(uuid.uuid5(NAMESPACE_GRAPH, GRAPH_ID))
"""The graph's default assistant: ``uuid5(NAMESPACE_GRAPH, graph id)`` as in ``langgraph-api``,
so clients and Studio that keep the id across restarts (and servers) find it again."""
SERVER_STARTED = datetime(2025, 1, 1, tzinfo=UTC)
"""The assistant's ``created_at``: fixed, the assistant is part of the code."""

StreamMode = Literal[
    "values",
    "messages",
    "messages-tuple",
    "tasks",
    "checkpoints",
    "updates",
    "events",
    "debug",
    "custom",
]
STREAM_MODES: tuple[str, ...] = StreamMode.__args__  # type: ignore[attr-defined]
MultitaskStrategy = Literal["reject", "enqueue", "interrupt", "rollback"]


# --- ids -----------------------------------------------------------------------------------------


def is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


# --- assistants -----------------------------------------------------------------------------------


def assistant() -> dict[str, Any]:
    """The graph's one assistant, as ``langgraph-api`` makes it for each graph of its config."""
    created = iso(SERVER_STARTED)
    return {
        "assistant_id": ASSISTANT_ID,
        "graph_id": GRAPH_ID,
        "config": {},
        "context": {},
        "metadata": {"created_by": "system"},
        "name": GRAPH_ID,
        "description": None,
        "version": 1,
        "created_at": created,
        "updated_at": created,
    }


# --- states ----------------------------------------------------------------------------------------


def checkpoint_of(config: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """``{thread_id, checkpoint_ns, checkpoint_id}`` of a checkpoint's config (None without one)."""
    configurable = (config or {}).get("configurable") or {}
    if not configurable.get("thread_id") or not configurable.get("checkpoint_id"):
        return None
    found = {"thread_id": configurable["thread_id"], "checkpoint_id": configurable["checkpoint_id"]}
    if "checkpoint_ns" in configurable:
        found["checkpoint_ns"] = configurable["checkpoint_ns"] or ""
    if "checkpoint_map" in configurable:
        found["checkpoint_map"] = configurable["checkpoint_map"]
    return found


def thread_state(snapshot: StateSnapshot | None, thread_id: str | None = None) -> dict[str, Any]:
    """A ``ThreadState``; a thread with no checkpoint yet has empty values and no checkpoint."""
    if snapshot is None or snapshot.config is None or not snapshot.created_at:
        return {
            "values": {},
            "next": [],
            "tasks": [],
            "metadata": {},
            "created_at": None,
            "checkpoint": None,
            "parent_checkpoint": None,
            "interrupts": [],
            "checkpoint_id": None,
            "parent_checkpoint_id": None,
        }
    checkpoint = checkpoint_of(snapshot.config)
    parent = checkpoint_of(snapshot.parent_config)
    return {
        "values": jsonable(snapshot.values),
        "next": list(snapshot.next),
        "tasks": [
            {
                "id": task.id,
                "name": task.name,
                "path": jsonable(task.path),
                "error": None if task.error is None else jsonable(task.error),
                "interrupts": [interrupt_json(i) for i in task.interrupts],
                "checkpoint": task.state["configurable"]
                if task.state is not None and not isinstance(task.state, StateSnapshot)
                else None,
                "state": thread_state(task.state)
                if isinstance(task.state, StateSnapshot)
                else None,
                "result": jsonable(getattr(task, "result", None)),
            }
            for task in snapshot.tasks
        ],
        "metadata": jsonable(snapshot.metadata or {}),
        "created_at": snapshot.created_at,
        "checkpoint": checkpoint,
        "parent_checkpoint": parent,
        "interrupts": [interrupt_json(i) for i in getattr(snapshot, "interrupts", ())],
        "checkpoint_id": checkpoint["checkpoint_id"] if checkpoint else None,
        "parent_checkpoint_id": parent["checkpoint_id"] if parent else None,
    }


# --- threads and runs -------------------------------------------------------------------------------


def thread_json(
    thread: Thread, values: dict[str, Any] | None, *, ended: bool, error: str | None = None
) -> dict[str, Any]:
    """A ``Thread``: ``values`` is None before its first checkpoint; a thread whose run has ended
    also shows its ``interrupts`` and ``error``."""
    body: dict[str, Any] = {
        "thread_id": thread.id,
        "created_at": iso(thread.created_at),
        "updated_at": iso(thread.updated_at),
        "state_updated_at": iso(thread.state_updated_at or thread.created_at),
        "metadata": json.loads(thread.metadata_json),
        "status": thread.status,
        "config": {"configurable": {}} if values is not None else {},
        "values": values,
    }
    if ended:
        body["interrupts"] = json.loads(thread.interrupts_json)
        body["error"] = error
    return body


def run_json(run: RunRow) -> dict[str, Any]:
    """A ``Run``: its request as stored in ``kwargs``."""
    kwargs = json.loads(run.kwargs_json) if run.kwargs_json else {}
    return {
        "run_id": run.run_id,
        "thread_id": run.thread_id,
        "assistant_id": run.assistant_id or ASSISTANT_ID,
        "created_at": iso(run.created_at),
        "updated_at": iso(run.updated_at),
        "status": run.status,
        "metadata": json.loads(run.metadata_json),
        "kwargs": kwargs,
        "multitask_strategy": run.multitask_strategy or "enqueue",
        "langsmith_session_name": None,
    }
