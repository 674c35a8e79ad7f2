"""A2A (Agent2Agent): each assistant as an A2A agent (:mod:`server.agentserver.a2a`).

``POST /a2a/{assistant_id}``: JSON-RPC (``message/send``, ``message/stream``, ``tasks/get``,
``tasks/cancel``, and their v1.0 names); ``GET /.well-known/agent-card.json?assistant_id=`` (the
default assistant without one) and ``GET /a2a/{assistant_id}/.well-known/agent-card.json``: the
agent card. Behind the same keys as every route (the card says so in ``securitySchemes``); an
assistant id is the assistant's UUID or the graph's name ``agent``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from server.agentserver.a2a import agent_card, handle
from server.agentserver.shapes import ASSISTANT_ID
from server.auth.mode import AuthMode
from server.http.deps import AuthDep, CallerDep, RuntimeDep

router = APIRouter(tags=["a2a"])


@router.post(
    "/a2a/{assistant_id}",
    responses={200: {"description": "A JSON-RPC response, or an event stream for message/stream"}},
)
async def a2a_endpoint(assistant_id: str, request: Request, _: CallerDep) -> Response:
    """The assistant as an A2A agent (JSON-RPC 2.0)."""
    return await handle(request, assistant_id)


@router.get("/.well-known/agent-card.json")
async def agent_card_default(
    request: Request,
    runtime: RuntimeDep,
    auth: AuthDep,
    caller: CallerDep,
    assistant_id: str = ASSISTANT_ID,
) -> dict[str, Any]:
    """The agent card of an assistant (the default one without ``assistant_id``)."""
    return await agent_card(
        runtime,
        caller,
        str(request.base_url),
        assistant_id,
        keys_required=auth.mode is not AuthMode.OPEN,
    )


@router.get("/a2a/{assistant_id}/.well-known/agent-card.json")
async def agent_card_of(
    assistant_id: str,
    request: Request,
    runtime: RuntimeDep,
    auth: AuthDep,
    caller: CallerDep,
) -> dict[str, Any]:
    """The assistant's agent card."""
    return await agent_card(
        runtime,
        caller,
        str(request.base_url),
        assistant_id,
        keys_required=auth.mode is not AuthMode.OPEN,
    )
