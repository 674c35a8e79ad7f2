"""A run's webhook deliveries and every attempt at them (toolloom's own route).

``GET /threads/{thread_id}/runs/{run_id}/webhooks``: each delivery of the run (its URL, status:
``waiting`` for the run to end, ``pending`` (to be sent, again), ``delivered`` or ``failed``, its
attempts so far) with each attempt's outcome, HTTP status, error, duration and replica. The run
must be the caller's (another key's is a 404). ``/metrics`` counts attempts by outcome
(``toolloom_webhook_attempts_total``).
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter

from server.agentserver.shapes import is_uuid
from server.api_error import ApiError
from server.http.deps import CallerDep, RuntimeDep, ThreadIdPath
from server.http.routes.thread_routes import own_thread
from server.road.encoding import iso
from server.storage.engine import RunNotFound
from server.storage.webhook_store import WebhookStore, attempts_json

router = APIRouter(tags=["runs"])


@router.get("/threads/{thread_id}/runs/{run_id}/webhooks")
async def run_webhooks(
    thread_id: ThreadIdPath, run_id: str, runtime: RuntimeDep, caller: CallerDep
) -> list[dict[str, Any]]:
    """The run's webhook deliveries, each with its attempts."""
    await own_thread(runtime, caller, thread_id)
    if not is_uuid(run_id):
        raise ApiError(422, "Invalid run ID: must be a UUID")
    try:
        await asyncio.to_thread(runtime.store.runs.get_run, thread_id, run_id)
    except RunNotFound:
        raise ApiError(404, f"Run {run_id} not found") from None
    found = await asyncio.to_thread(WebhookStore(runtime.store.db).for_run, run_id)
    return [
        {
            "delivery_id": delivery.id,
            "url": delivery.url,
            "status": delivery.status,
            "attempts": delivery.attempts,
            "last_status": delivery.last_status,
            "last_error": delivery.last_error,
            "created_at": iso(delivery.created_at),
            "delivered_at": iso(delivery.delivered_at),
            "next_attempt_at": iso(delivery.next_attempt_at)
            if delivery.status == "pending"
            else None,
            "history": [
                {**attempt, "started_at": iso(attempt["started_at"])}
                for attempt in attempts_json(attempts)
            ],
        }
        for delivery, attempts in found
    ]
