"""The routes' dependencies, as ``Annotated`` aliases (the FastAPI full-stack template's style).

A route asks for what it needs by type: ``runtime: RuntimeDep``, ``caller: CallerDep``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Path, Request

from server.agentserver.worker import RunWorker
from server.api_error import ApiError
from server.auth.api_keys import ANONYMOUS, KeyRing, Principal
from server.road.request import MODEL_HEADER, THREAD_HEADER, THREAD_ID_PATTERN, THREAD_ID_RULE
from server.runtime import AgentRuntime


def get_runtime(request: Request) -> AgentRuntime:
    runtime: AgentRuntime | None = getattr(request.app.state, "runtime", None)
    if runtime is None:  # pragma: no cover - only before the lifespan has run
        raise ApiError(503, "the server is starting")
    return runtime


def get_worker(request: Request) -> RunWorker:
    worker: RunWorker | None = getattr(request.app.state, "worker", None)
    if worker is None:  # pragma: no cover - only before the lifespan has run
        raise ApiError(503, "the server is starting")
    return worker


def get_keyring(request: Request) -> KeyRing:
    keyring: KeyRing = request.app.state.keyring
    return keyring


def get_caller(request: Request, keyring: Annotated[KeyRing, Depends(get_keyring)]) -> Principal:
    """The caller, from ``Authorization: Bearer KEY`` or ``x-api-key: KEY`` (what
    ``langgraph-sdk``, ``RemoteGraph`` and LangGraph Studio send); anyone, when the server has no
    keys. Both headers naming different keys is a 401 rather than a guess."""
    if not keyring.required:
        request.state.principal = ANONYMOUS
        return ANONYMOUS
    header = request.headers.get("authorization", "")
    scheme, _, bearer = header.partition(" ")
    bearer = bearer.strip() if scheme.lower() == "bearer" else ""
    api_key = request.headers.get("x-api-key", "").strip()
    if bearer and api_key and bearer != api_key:
        raise ApiError(
            401,
            "two different API keys (Authorization and x-api-key): send one",
            code="invalid_api_key",
            headers={"WWW-Authenticate": "Bearer"},
        )
    key = bearer or api_key
    if not key:
        raise ApiError(
            401,
            "missing API key: send Authorization: Bearer KEY (or x-api-key: KEY)",
            code="missing_api_key",
            headers={"WWW-Authenticate": "Bearer"},
        )
    principal = keyring.authenticate(key)
    if principal is None:
        raise ApiError(
            401, "invalid API key", code="invalid_api_key", headers={"WWW-Authenticate": "Bearer"}
        )
    request.state.principal = principal
    return principal


def authenticate(request: Request) -> Principal:
    """:func:`get_caller` for an endpoint outside FastAPI's dependency injection (``/mcp``, a raw
    ASGI endpoint): the same keys, the same 401s."""
    return get_caller(request, get_keyring(request))


RuntimeDep = Annotated[AgentRuntime, Depends(get_runtime)]
WorkerDep = Annotated[RunWorker, Depends(get_worker)]
KeyRingDep = Annotated[KeyRing, Depends(get_keyring)]
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
