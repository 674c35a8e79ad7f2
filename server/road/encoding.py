"""LangGraph's values as JSON: messages, interrupts, sends, times and the rest, for response
bodies, server-sent events and the interrupts a thread waits on (the shapes of the Agent Server
API, which every surface shares)."""

from __future__ import annotations

import base64
import dataclasses
import json
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from langgraph.types import Send, StateSnapshot


def _default(value: Any) -> Any:
    """What ``json`` cannot encode by itself: LangChain messages and pydantic models (their
    ``model_dump``), LangGraph's ``Interrupt`` and other dataclasses, ``Send``, times, UUIDs,
    sets, bytes; an exception as ``{"error", "message"}``."""
    if isinstance(value, Send):
        return {"node": value.node, "args": value.arg}
    if hasattr(value, "model_dump") and not isinstance(value, type):
        return value.model_dump()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, set | frozenset):
        return list(value)
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode()
    if isinstance(value, BaseException):
        return {"error": type(value).__name__, "message": str(value)}
    if hasattr(value, "_asdict"):
        return value._asdict()
    return repr(value)


def dumps(value: Any) -> str:
    """One line of JSON (a server-sent event's data, a response body)."""
    return json.dumps(value, default=_default, ensure_ascii=False, separators=(",", ":"))


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON types."""
    return json.loads(dumps(value))


def iso(moment: datetime | None) -> str | None:
    """ISO 8601 with the offset (SQLite gives back naive UTC times)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat()


def interrupt_json(interrupt: Any) -> dict[str, Any]:
    """``{"id", "value"}`` of a LangGraph ``Interrupt`` (or its dict), with ``response_schema``
    when it has one."""
    get = interrupt.get if isinstance(interrupt, Mapping) else partial(getattr, interrupt)
    found = {"id": get("id", None), "value": jsonable(get("value", None))}
    if get("response_schema", None) is not None:
        found["response_schema"] = jsonable(get("response_schema", None))
    return found


def pending_interrupts(snapshot: StateSnapshot | None) -> dict[str, list[dict[str, Any]]]:
    """The interrupts a state waits on, by task id (a thread's ``interrupts``)."""
    if snapshot is None:
        return {}
    found: dict[str, list[dict[str, Any]]] = {}
    for task in snapshot.tasks:
        if task.interrupts:
            found[task.id] = [interrupt_json(i) for i in task.interrupts]
    return found
