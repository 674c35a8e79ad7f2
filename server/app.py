"""The FastAPI application: ``create_app(settings, llm=None)``; uvicorn starts it with ``--factory``.

Nothing heavy runs at import or in ``create_app``: the backend, the checkpointer, the store and
the compiled graphs are opened in the lifespan and handed to the routes through ``Depends``.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any

import httpx
from fastapi import Depends, FastAPI, HTTPException, Path, Query, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from langchain_core.language_models import BaseChatModel
from langserve import APIHandler
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from nodes.validation import ToolSpec
from server import errors
from server.auth import ANONYMOUS, KeyRing, Principal
from server.errors import ApiError
from server.limits import BodySizeLimit, JsonGuard
from server.observability import MESSAGES, REGISTRY, THREADS, RequestLog, usage_for
from server.openai_api import make_router
from server.runtime import AgentRuntime, open_runtime
from server.settings import Settings, load_settings
from server.store import ThreadNotFound
from server.upstream import as_api_error
from server.web import make_web_router

log = logging.getLogger(__name__)

THREAD_HEADER = "X-Thread-Id"
THREAD_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,127}$"
_THREAD_ID = re.compile(THREAD_ID_PATTERN)
ThreadId = Annotated[
    str, Path(pattern=THREAD_ID_PATTERN, description="1-128 letters, digits and _ . : -")
]


class StartupRefused(RuntimeError):
    """The settings would expose the server unsafely."""


def check_exposure(settings: Settings, keyring: KeyRing) -> None:
    """Refuse to bind a non-loopback address with no API keys, unless explicitly allowed."""
    host = settings.host
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if not loopback and not keyring.required and not settings.allow_no_auth:
        raise StartupRefused(
            f"refusing to listen on {host} with no API keys: set TOOLLOOM_API_KEYS, create one with "
            "'toolloom keys create NAME', or set TOOLLOOM_ALLOW_NO_AUTH=true"
        )


def get_runtime(request: Request) -> AgentRuntime:
    runtime: AgentRuntime | None = getattr(request.app.state, "runtime", None)
    if runtime is None:  # pragma: no cover - only before the lifespan has run
        raise ApiError(503, "the server is starting")
    return runtime


def get_principal(request: Request) -> Principal:
    """The caller, from ``Authorization: Bearer KEY`` (anyone, when the server has no keys)."""
    keyring: KeyRing = request.app.state.keyring
    if not keyring.required:
        request.state.principal = ANONYMOUS
        return ANONYMOUS
    header = request.headers.get("authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise ApiError(
            401,
            "missing API key: send Authorization: Bearer KEY",
            code="missing_api_key",
            headers={"WWW-Authenticate": "Bearer"},
        )
    principal = keyring.authenticate(key.strip())
    if principal is None:
        raise ApiError(
            401, "invalid API key", code="invalid_api_key", headers={"WWW-Authenticate": "Bearer"}
        )
    request.state.principal = principal
    return principal


def get_agent_handler(request: Request) -> APIHandler:
    handler: APIHandler | None = getattr(request.app.state, "agent_handler", None)
    if handler is None:  # pragma: no cover
        raise ApiError(503, "the server is starting")
    return handler


Runtime = Annotated[AgentRuntime, Depends(get_runtime)]
Caller = Annotated[Principal, Depends(get_principal)]
AgentHandler = Annotated[APIHandler, Depends(get_agent_handler)]


def valid_thread_id(value: str) -> str:
    if not _THREAD_ID.match(value):
        raise ApiError(
            400,
            f"{THREAD_HEADER} must be 1-128 characters of letters, digits and _ . : -",
            param=THREAD_HEADER,
        )
    return value


async def owned_thread(fn: Any, thread_id: str, caller: Principal, *args: Any) -> Any:
    """Run a store call on the caller's thread; another key's thread is a 404, as if it did not exist."""
    valid_thread_id(thread_id)
    try:
        return await asyncio.to_thread(fn, thread_id, caller.name, *args)
    except ThreadNotFound:
        raise ApiError(404, f"no thread {thread_id!r}") from None


async def prepare_thread(runtime: AgentRuntime, caller: Principal, thread_id: str) -> str:
    """Validate the id and claim the thread for the caller (created if new)."""
    await owned_thread(runtime.store.claim_thread, thread_id, caller)
    return thread_id


def _thread_config(config: dict[str, Any], request: Request) -> dict[str, Any]:
    """LangServe per-request hook: the thread comes from the header (checked in ``_with_thread``)."""
    runtime: AgentRuntime = request.app.state.runtime
    thread_id = request.state.thread_id
    callbacks = [*config.get("callbacks", []), runtime.recorder(thread_id), usage_for(request)]
    return {**config, "configurable": {"thread_id": thread_id}, "callbacks": callbacks}


LANGSERVE_FIELDS = {
    "invoke": {"input", "config", "kwargs"},
    "batch": {"inputs", "config", "kwargs"},
    "stream": {"input", "config", "kwargs"},
    "stream_events": {"input", "config", "kwargs", "include_names", "include_types",
                      "include_tags", "exclude_names", "exclude_types", "exclude_tags"},
}  # fmt: skip


async def refuse_client_configurable(request: Request) -> None:
    """LangServe silently drops a client's ``config.configurable`` (thread_id included) and any
    field it does not know; here either gets a 400 that says what to do instead."""
    try:
        body = await request.json()
    except ValueError:
        return  # LangServe answers malformed JSON itself
    allowed = LANGSERVE_FIELDS.get(request.url.path.rsplit("/", 1)[-1])
    if isinstance(body, dict) and allowed is not None:
        unknown = sorted(set(body) - allowed)
        if unknown:
            raise ApiError(
                400,
                f"unknown field(s) {', '.join(unknown)}; this endpoint takes {', '.join(sorted(allowed))}",
            )
    config = body.get("config") if isinstance(body, dict) else None
    configurable = config.get("configurable") if isinstance(config, dict) else None
    sent = (
        sorted(k for k, v in (configurable or {}).items() if v is not None)
        if isinstance(configurable, dict)
        else []
    )
    if sent:
        raise ApiError(
            400,
            f"config.configurable ({', '.join(sent)}) is not accepted; "
            f"send the thread id in the {THREAD_HEADER} header",
        )


async def llm_status(runtime: AgentRuntime, timeout: float = 3.0) -> dict[str, Any]:
    """Whether the backend answers ``GET /models``, and how fast."""
    info: dict[str, Any] = {
        "backend": runtime.backend_name,
        "model": runtime.model,
        "base_url": runtime.base_url,
    }
    breaker = runtime.policy.breaker
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
    if runtime.base_url is None:  # an in-process model (tests)
        return {**info, "ok": True}
    started = time.perf_counter()
    try:
        async with httpx.AsyncClient(timeout=timeout) as client:
            response = await client.get(
                runtime.base_url.rstrip("/") + "/models",
                headers={
                    "Authorization": f"Bearer {runtime.settings.llm_api_key.get_secret_value()}"
                },
            )
        ok = response.status_code == 200
        error = None if ok else f"HTTP {response.status_code}"
    except httpx.HTTPError as exc:
        ok, error = False, type(exc).__name__
    info.update(ok=ok, latency_ms=round((time.perf_counter() - started) * 1000, 1))
    if error:
        info["error"] = error
    return info


def create_app(settings: Settings | None = None, llm: BaseChatModel | None = None) -> FastAPI:
    """Build the app. ``llm`` replaces the configured backend (tests pass a fake model)."""
    settings = settings or load_settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_runtime(settings, llm) as runtime:
            keyring = KeyRing(settings.api_keys, runtime.store)
            check_exposure(settings, keyring)
            app.state.runtime = runtime
            app.state.keyring = keyring
            app.state.agent_handler = APIHandler(
                runtime.graph, path="/agent", per_req_config_modifier=_thread_config
            )
            yield
            app.state.runtime = None

    app = FastAPI(
        title="toolloom",
        version="0.1.0",
        summary="Reliable tool calling for local models: a LangGraph agent server.",
        lifespan=lifespan,
        responses=errors.ERROR_RESPONSES,
    )
    errors.install(app)
    app.add_middleware(JsonGuard, allow_bidi=settings.allow_bidi_controls)
    app.add_middleware(BodySizeLimit, limit=settings.max_body_bytes)
    app.add_middleware(RequestLog)  # outermost: every request is logged and counted, 413s too
    app.include_router(make_router(get_runtime, get_principal, prepare_thread))
    app.include_router(make_web_router(get_runtime, get_principal, prepare_thread))

    @app.get("/health", tags=["meta"])
    async def health(runtime: Runtime) -> dict[str, Any]:
        """Liveness: 200 while the server runs; ``llm.ok`` says whether the model answers. No key needed."""
        return {
            "status": "ok",
            "llm": await llm_status(runtime),
            "auth": app.state.keyring.required,
        }

    @app.get("/ready", tags=["meta"])
    async def ready(runtime: Runtime, _: Caller) -> JSONResponse:
        """Readiness: 200 when the model answers, 503 when it does not."""
        status = await llm_status(runtime)
        return JSONResponse(
            {"ready": status["ok"], "llm": status}, status_code=200 if status["ok"] else 503
        )

    @app.get("/metrics", tags=["meta"], response_class=PlainTextResponse)
    async def metrics(runtime: Runtime, _: Caller) -> PlainTextResponse:
        """Prometheus metrics: requests, latency, LLM calls and errors, tool calls by stage, runs, threads."""
        threads, messages = await asyncio.to_thread(runtime.store.counts)
        THREADS.set(threads)
        MESSAGES.set(messages)
        return PlainTextResponse(generate_latest(REGISTRY).decode(), media_type=CONTENT_TYPE_LATEST)

    @app.get("/usage", tags=["meta"])
    async def usage(
        runtime: Runtime,
        caller: Caller,
        since: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$")] = None,
    ) -> dict[str, Any]:
        """The caller's own usage per day: requests, errors, tokens, tool calls."""
        rows = await asyncio.to_thread(runtime.store.usage, caller.name, since)
        return {"key": caller.name or None, "days": [
            {"day": r.day, "requests": r.requests, "errors": r.errors, "prompt_tokens": r.prompt_tokens,
             "completion_tokens": r.completion_tokens, "tool_calls": r.tool_calls}
            for r in rows
        ]}  # fmt: skip

    @app.get("/tools", tags=["meta"])
    async def list_tools(runtime: Runtime, _: Caller) -> dict[str, Any]:
        """The built-in tools with their JSON schemas."""
        return {"tools": [ToolSpec.from_tool(t).to_openai() for t in runtime.tools]}

    # --- threads ---------------------------------------------------------------------------------

    @app.get("/threads", tags=["threads"])
    async def list_threads(
        runtime: Runtime,
        caller: Caller,
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
        offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
    ) -> dict[str, Any]:
        """The caller's threads, most recently used first."""
        threads = await asyncio.to_thread(runtime.store.list_threads, caller.name, limit, offset)
        return {"threads": [
            {"id": t.id, "title": t.title, "created_at": t.created_at.isoformat(),
             "updated_at": t.updated_at.isoformat(), "message_count": t.message_count}
            for t in threads
        ]}  # fmt: skip

    @app.get("/threads/{thread_id}", tags=["threads"])
    async def get_thread(
        thread_id: ThreadId,
        runtime: Runtime,
        caller: Caller,
        limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
        offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
    ) -> dict[str, Any]:
        """A thread's messages with their tool calls, results, stages and times, and how its last
        run ended (``running``, ``succeeded``, ``failed``, or ``interrupted`` by a crash)."""
        thread = await owned_thread(runtime.store.get_thread, thread_id, caller)
        rows = await asyncio.to_thread(runtime.store.messages, thread_id, limit, offset)
        messages = []
        for row in rows:
            item: dict[str, Any] = {
                "seq": row.seq,
                "id": row.message_id,
                "role": row.role,
                "content": row.content,
                "created_at": row.created_at.isoformat(),
            }
            if row.tool_calls:
                item["tool_calls"] = json.loads(row.tool_calls)
            if row.role == "tool":
                item.update(
                    tool_call_id=row.tool_call_id,
                    name=row.name,
                    status=row.status,
                    stage=row.stage,
                    duration_ms=row.duration_ms,
                )
            messages.append(item)
        run = await asyncio.to_thread(runtime.store.last_run, thread_id)
        return {
            "id": thread.id,
            "title": thread.title,
            "created_at": thread.created_at.isoformat(),
            "updated_at": thread.updated_at.isoformat(),
            "message_count": thread.message_count,
            "last_run": None
            if run is None
            else {
                "status": run.status,
                "started_at": run.started_at.isoformat(),
                "finished_at": run.finished_at.isoformat() if run.finished_at else None,
                "error": run.error,
            },
            "messages": messages,
        }

    @app.delete("/threads/{thread_id}", tags=["threads"], status_code=204)
    async def delete_thread(thread_id: ThreadId, runtime: Runtime, caller: Caller) -> Response:
        """Delete a thread: its transcript and its checkpoints."""
        await owned_thread(runtime.store.delete_thread, thread_id, caller)
        await runtime.checkpointer.adelete_thread(thread_id)
        return Response(status_code=204)

    # --- LangServe ---------------------------------------------------------------------------------

    async def _with_thread(
        request: Request,
        runtime: AgentRuntime,
        caller: Principal,
        call: Any,
        *,
        streaming: bool = False,
    ) -> Response:
        await refuse_client_configurable(request)
        header = request.headers.get(THREAD_HEADER)
        thread_id = header if header is not None else uuid.uuid4().hex
        request.state.thread_id = await prepare_thread(runtime, caller, thread_id)
        if not streaming:
            async with runtime.thread_lock(thread_id):
                try:
                    response: Response = await call(request)
                except (ApiError, HTTPException):
                    raise
                except Exception as exc:  # the backend failed: 502/503/504 in plain words
                    error = as_api_error(exc)
                    if error.status == 500:
                        raise
                    log.warning("run failed: %s (%s)", error.message, type(exc).__name__)
                    raise error from None
        else:
            # The run happens while the body streams: hold the thread from the first event to the
            # last (or until the client goes away).
            response = await call(request)
            body = getattr(response, "body_iterator", None)
            if body is not None:

                async def held() -> AsyncIterator[Any]:
                    async with runtime.thread_lock(thread_id):
                        async for item in body:
                            yield item

                response.body_iterator = held()  # type: ignore[attr-defined]
        response.headers[THREAD_HEADER] = thread_id
        return response

    @app.post("/agent/invoke", tags=["agent"])
    async def agent_invoke(
        request: Request, handler: AgentHandler, runtime: Runtime, caller: Caller
    ) -> Response:
        """LangServe invoke: ``{"input": {"messages": [...]}}``; thread from ``X-Thread-Id``."""
        return await _with_thread(request, runtime, caller, handler.invoke)

    @app.post("/agent/batch", tags=["agent"])
    async def agent_batch(
        request: Request, handler: AgentHandler, runtime: Runtime, caller: Caller
    ) -> Response:
        """LangServe batch (all inputs run on the thread from ``X-Thread-Id``)."""
        return await _with_thread(request, runtime, caller, handler.batch)

    @app.post("/agent/stream", tags=["agent"])
    async def agent_stream(
        request: Request, handler: AgentHandler, runtime: Runtime, caller: Caller
    ) -> Response:
        """LangServe stream (server-sent events)."""
        return await _with_thread(request, runtime, caller, handler.stream, streaming=True)

    @app.post("/agent/stream_events", tags=["agent"])
    async def agent_stream_events(
        request: Request, handler: AgentHandler, runtime: Runtime, caller: Caller
    ) -> Response:
        """LangServe stream_events (server-sent events, token by token)."""
        return await _with_thread(request, runtime, caller, handler.astream_events, streaming=True)

    @app.get("/agent/input_schema", tags=["agent"])
    async def agent_input_schema(request: Request, handler: AgentHandler, _: Caller) -> Any:
        return await handler.input_schema(request)

    @app.get("/agent/output_schema", tags=["agent"])
    async def agent_output_schema(request: Request, handler: AgentHandler, _: Caller) -> Any:
        return await handler.output_schema(request)

    @app.get("/agent/config_schema", tags=["agent"])
    async def agent_config_schema(request: Request, handler: AgentHandler, _: Caller) -> Any:
        return await handler.config_schema(request)

    @app.get("/agent/playground/{file_path:path}", tags=["agent"], include_in_schema=False)
    async def agent_playground(file_path: str, request: Request, handler: AgentHandler) -> Any:
        return await handler.playground(file_path, request)

    return app
