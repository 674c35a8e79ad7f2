"""Server-sent events, framed in one place for every stream the server sends."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from fastapi.responses import StreamingResponse

HEARTBEAT = ": heartbeat\n\n"
"""A comment line: keeps a quiet stream's connection open through proxies."""


def sse(data: Any, event: str | None = None, event_id: str | None = None) -> str:
    """One server-sent event: JSON data, or a text given as it is (``[DONE]``, JSON already
    encoded); ``event_id`` as its ``id:`` (what a client sends back as ``Last-Event-ID``)."""
    payload = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    head = f"event: {event}\n" if event else ""
    if event_id is not None:
        head += f"id: {event_id}\n"
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
