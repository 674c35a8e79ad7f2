"""``ttl`` on threads, as ``langgraph-api`` takes it: ``{"strategy": "delete" | "keep_latest",
"ttl": minutes}`` on ``POST /threads`` and ``PATCH /threads/{id}`` (the SDK also sends a bare
number of minutes as ``{"ttl": n, "strategy": "delete"}``), and ``GET /threads/{id}?include=ttl``
shows it as ``{"strategy", "ttl_minutes", "expires_at"}``. The sweeping is
:mod:`server.agentserver.sweeper`'s."""

from __future__ import annotations

import asyncio
from typing import Any

from server.agentserver.shapes import iso
from server.api_error import ApiError
from server.storage.thread_ttl_store import STRATEGIES, ThreadTtls

MAX_MINUTES = 10 * 365 * 24 * 60.0


def parse_ttl(value: Any) -> tuple[str, float] | None:
    """(strategy, minutes) of a request's ``ttl`` (None: none given); 422 when malformed."""
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = {"ttl": value}
    if not isinstance(value, dict):
        raise ApiError(422, "ttl: an object {strategy, ttl} is required")
    strategy = value.get("strategy") or "delete"
    minutes = value.get("ttl")
    if strategy not in STRATEGIES:
        raise ApiError(422, f"ttl.strategy: one of {', '.join(STRATEGIES)}")
    if (
        isinstance(minutes, bool)
        or not isinstance(minutes, int | float)
        or not 0 < minutes <= MAX_MINUTES
    ):
        raise ApiError(422, "ttl.ttl: a positive number of minutes is required")
    return str(strategy), float(minutes)


async def set_ttl(ttls: ThreadTtls | None, thread_id: str, ttl: tuple[str, float] | None) -> None:
    """Give the thread its TTL (nothing when none was asked)."""
    if ttl is not None and ttls is not None:
        await asyncio.to_thread(ttls.set, thread_id, *ttl)


async def ttl_json(ttls: ThreadTtls | None, thread_id: str) -> dict[str, Any] | None:
    """The thread's TTL as ``?include=ttl`` shows it (None: it has none)."""
    if ttls is None:
        return None
    found = await asyncio.to_thread(ttls.get, thread_id)
    if found is None:
        return None
    return {**found, "expires_at": iso(found["expires_at"])}
