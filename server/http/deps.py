"""The routes' dependencies, as ``Annotated`` aliases (the FastAPI full-stack template's style).

A route asks for what it needs by type: ``runtime: RuntimeDep``, ``caller: CallerDep``.
The caller comes from the auth gate, which ran before routing.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Path, Request

from server.agentserver.worker import RunWorker
from server.api_error import ApiError
from server.auth.gate import Authenticator
from server.auth.principal import Principal
from server.road.request import MODEL_HEADER, THREAD_HEADER, THREAD_ID_PATTERN, THREAD_ID_RULE
from server.runtime import AgentRuntime

# The dependencies are coroutines: FastAPI runs a plain function in a worker thread, one hop per
# dependency per request, for what is an attribute lookup.


async def get_runtime(request: Request) -> AgentRuntime:
    runtime: AgentRuntime | None = getattr(request.app.state, "runtime", None)
    if runtime is None:  # pragma: no cover - only before the lifespan has run
        raise ApiError(503, "the server is starting")
    return runtime


async def get_worker(request: Request) -> RunWorker:
    worker: RunWorker | None = getattr(request.app.state, "worker", None)
    if worker is None:  # pragma: no cover - only before the lifespan has run
        raise ApiError(503, "the server is starting")
    return worker


async def get_caller(request: Request) -> Principal:
    """The caller, as the auth gate (:mod:`server.auth.gate`) authenticated and authorized it
    before routing: every route but the public ones passes the gate, so a route that asks for
    the caller always finds one (a 401 otherwise: it fails closed)."""
    return authenticate(request)


def authenticate(request: Request) -> Principal:
    """:func:`get_caller` for an endpoint outside FastAPI's dependency injection (``/mcp``, a raw
    ASGI endpoint)."""
    principal: Principal | None = getattr(request.state, "principal", None)
    if principal is None:
        raise ApiError(401, "not authenticated", code="missing_api_key")
    return principal


async def get_auth(request: Request) -> Authenticator:
    auth: Authenticator = request.app.state.auth
    return auth


RuntimeDep = Annotated[AgentRuntime, Depends(get_runtime)]
WorkerDep = Annotated[RunWorker, Depends(get_worker)]
AuthDep = Annotated[Authenticator, Depends(get_auth)]
CallerDep = Annotated[Principal, Depends(get_caller)]
ThreadIdPath = Annotated[str, Path(pattern=THREAD_ID_PATTERN, description=THREAD_ID_RULE)]
ThreadIdHeader = Annotated[
    str | None,
    Header(
        alias=THREAD_HEADER,
        pattern=THREAD_ID_PATTERN,
        description="Keep the conversation on the server under this thread id "
        f"({THREAD_ID_RULE}). Without it a new thread is made and its id returned in this header.",
    ),
]
ModelHeader = Annotated[
    str | None,
    Header(
        alias=MODEL_HEADER,
        max_length=128,
        description="The model to run on: `toolloom` (the default) or a name `GET /v1/models` "
        "lists; an unknown name is a 400. Non-streamed replies say which backend answered in "
        "`X-Toolloom-Model`.",
    ),
]
