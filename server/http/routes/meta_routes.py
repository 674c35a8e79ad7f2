"""The server itself: liveness, readiness, metrics, the caller's usage, the tools on offer."""

from __future__ import annotations

import asyncio
import time
from typing import Annotated, Any, Literal

import httpx
from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, PlainTextResponse
from langgraph.version import __version__ as langgraph_version
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel

from backends.backend import Backend
from graph.databases import DatabaseUnavailable
from server.http.deps import CallerDep, KeyRingDep, RuntimeDep
from server.observability import MESSAGES, REGISTRY, THREADS
from server.runtime import AgentRuntime
from server.settings import VERSION

router = APIRouter(tags=["meta"])


@router.get("/ok")
async def ok(runtime: RuntimeDep, check_db: int = 0) -> JSONResponse:
    """Liveness, as the Agent Server API has it (``?check_db=1`` also asks the database: 500
    when it does not answer). No key needed."""
    if check_db:
        try:
            await asyncio.to_thread(runtime.store.db.ping)
        except DatabaseUnavailable:
            return JSONResponse({"ok": False, "services": {"database": "unreachable"}}, 500)
    return JSONResponse({"ok": True, "services": {}})


@router.get("/info")
async def info() -> dict[str, Any]:
    """What this server is and which Agent Server features it has (``langgraph-sdk`` reads
    ``flags``): assistants (made, versioned, per key), no crons, no LangSmith, and ``strict_resume`` (a
    resume with nothing pending is refused). No key needed."""

    return {
        "version": f"toolloom {VERSION}",
        "langgraph_py_version": langgraph_version,
        "flags": {
            "assistants": True,
            "crons": False,
            "langsmith": False,
            "langsmith_tracing_replicas": False,
            "langsmith_tracing_session_on_runs": False,
            "strict_resume": True,
        },
        "host": {
            "kind": "toolloom",
            "project_id": None,
            "host_revision_id": None,
            "revision_id": None,
            "tenant_id": None,
        },
    }


async def backend_status(backend: Backend, timeout: float = 3.0) -> dict[str, Any]:
    """Whether one backend answers ``GET /models``, and how fast; its circuit."""
    info: dict[str, Any] = {
        "backend": backend.name,
        "model": backend.model,
        "base_url": backend.base_url,
    }
    breaker = backend.policy.breaker
    circuit = breaker.state if breaker is not None else "closed"
    info["circuit"] = circuit
    if circuit == "open" and breaker is not None:
        # Calls are refused until the breaker lets a probe through: the model is down for clients.
        return {
            **info,
            "ok": False,
            "error": "circuit open",
            "retry_after": round(breaker.retry_after(), 1),
        }
    if backend.base_url is None:  # an in-process model (tests)
        return {**info, "ok": True}
    key = getattr(backend.llm, "openai_api_key", None)
    headers = {"Authorization": f"Bearer {key.get_secret_value()}"} if key is not None else {}
    started = time.perf_counter()
    try:
        async with httpx.AsyncClient(timeout=timeout) as client:
            response = await client.get(backend.base_url.rstrip("/") + "/models", headers=headers)
        ok = response.status_code == 200
        error = None if ok else f"HTTP {response.status_code}"
    except httpx.HTTPError as exc:
        ok, error = False, type(exc).__name__
    info.update(ok=ok, latency_ms=round((time.perf_counter() - started) * 1000, 1))
    if error:
        info["error"] = error
    return info


async def backends_status(runtime: AgentRuntime) -> list[dict[str, Any]]:
    """Every backend's status (checked at once), the default first, with its fallbacks."""
    pool = runtime.pool
    names = pool.names()
    found = await asyncio.gather(*(backend_status(pool.get(name)) for name in names))
    for name, status in zip(names, found, strict=True):
        status["default"] = name == pool.default
        status["fallbacks"] = [b.name for b in pool.chain(name)[1:]]
    return list(found)


async def llm_status(runtime: AgentRuntime) -> dict[str, Any]:
    """The default backend's status (``llm`` in /health and /ready)."""
    return (await backends_status(runtime))[0]


@router.get("/health")
async def health(runtime: RuntimeDep, keyring: KeyRingDep) -> dict[str, Any]:
    """Liveness: 200 while the server runs. ``llm`` is the default backend (``ok``: it answers);
    ``backends`` lists every backend with its model, URL, circuit and whether it answers;
    ``tools`` counts the tools by source and gives each MCP server's state (``connecting``,
    ``ok``, ``down`` with ``last_error`` and ``retry_in_s``; ``tools.status`` is ``degraded``
    while one is not ok). No key needed."""
    backends = await backends_status(runtime)
    return {
        "status": "ok",
        "llm": backends[0],
        "backends": backends,
        "auth": keyring.required,
        "tools": runtime.toolbox.health(),
    }


@router.get("/ready")
async def ready(runtime: RuntimeDep, _: CallerDep) -> JSONResponse:
    """Readiness: 200 when the database is reachable and a backend of the default's chain answers
    (the default, or a fallback that would serve its requests), 503 otherwise."""
    backends = await backends_status(runtime)
    chain = {b.name for b in runtime.pool.chain()}
    serving = [b for b in backends if b["backend"] in chain and b["ok"]]
    database: dict[str, Any] = {"backend": "postgresql" if runtime.store.shared else "sqlite"}
    try:
        await asyncio.to_thread(runtime.store.db.ping)
        database["ok"] = True
    except DatabaseUnavailable:
        database.update(ok=False, error="unreachable")
    ok = bool(serving and database["ok"])
    return JSONResponse(
        {
            "ready": ok,
            "llm": backends[0],
            "serving": serving[0]["backend"] if serving else None,
            "database": database,
        },
        status_code=200 if ok else 503,
    )


@router.get("/metrics", response_class=PlainTextResponse)
async def metrics(runtime: RuntimeDep, _: CallerDep) -> PlainTextResponse:
    """Prometheus metrics: requests, latency, LLM calls and errors, tool calls by stage, runs, threads."""
    threads, messages = await asyncio.to_thread(runtime.store.leases.counts)
    THREADS.set(threads)
    MESSAGES.set(messages)
    return PlainTextResponse(generate_latest(REGISTRY).decode(), media_type=CONTENT_TYPE_LATEST)


class UsageDayOut(BaseModel):
    day: str
    requests: int
    errors: int
    prompt_tokens: int
    completion_tokens: int
    tool_calls: int


class UsageOut(BaseModel):
    key: str | None
    """The API key's name (null when the server has no keys)."""
    days: list[UsageDayOut]


@router.get("/usage")
async def usage(
    runtime: RuntimeDep,
    caller: CallerDep,
    since: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$")] = None,
) -> UsageOut:
    """The caller's own usage per day: requests, errors, tokens, tool calls."""
    rows = await asyncio.to_thread(runtime.store.usage.days, caller.name, since)
    return UsageOut(
        key=caller.name or None,
        days=[UsageDayOut.model_validate(row, from_attributes=True) for row in rows],
    )


class FunctionOut(BaseModel):
    name: str
    description: str
    parameters: dict[str, Any]
    """The arguments' JSON schema."""


class ToolOut(BaseModel):
    """One tool in OpenAI's tool format (a client may send it back as it is in ``tools``), with
    where it comes from and what it may change."""

    type: Literal["function"] = "function"
    function: FunctionOut
    source: Literal["builtin", "python", "mcp"]
    """A built-in, a tool of a ``TOOLLOOM_TOOL_MODULES`` module, or a tool of an MCP server."""
    server: str | None
    """The MCP server (``TOOLLOOM_MCP_CONFIG``) for an MCP tool."""
    module: str | None
    """The Python module for a Python tool."""
    original_name: str
    """The name at its source (an MCP tool may be renamed: a prefix, characters replaced)."""
    prefix: str | None
    """``SERVER__`` when the name was prefixed because another tool had it."""
    read_only: bool
    """True when no call changes anything."""
    effect: str | None
    """What a call may change (``file``, ``database``, ``network``, ``external``); null when
    read-only."""
    available: bool
    """False while the tool's MCP server is down (a call gets a tool error saying so)."""


class ToolsOut(BaseModel):
    tools: list[ToolOut]


@router.get("/tools")
async def list_tools(runtime: RuntimeDep, _: CallerDep) -> ToolsOut:
    """Every tool on offer (built-ins, Python tools, MCP tools; not the switched-off ones) with its
    JSON schema, its source and its side-effect flag."""
    return ToolsOut.model_validate({"tools": runtime.toolbox.describe()})
