"""The FastAPI application: ``create_app(settings, llm=None)``; uvicorn starts it with ``--factory``.

Nothing heavy runs at import or in ``create_app``: the backend, the checkpointer and the
compiled graph are opened in the lifespan and handed to the routes through ``Depends``.
"""

from __future__ import annotations

import contextlib
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any

import httpx
from fastapi import Depends, FastAPI, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from langchain_core.language_models import BaseChatModel
from langserve import APIHandler

from nodes.validation import ToolSpec
from server.runtime import AgentRuntime, open_runtime
from server.settings import Settings, load_settings

log = logging.getLogger(__name__)

THREAD_HEADER = "X-Thread-Id"
_THREAD_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,127}$")


def get_runtime(request: Request) -> AgentRuntime:
    runtime: AgentRuntime | None = getattr(request.app.state, "runtime", None)
    if runtime is None:  # pragma: no cover - only before the lifespan has run
        raise HTTPException(503, "the server is starting")
    return runtime


def get_agent_handler(request: Request) -> APIHandler:
    handler: APIHandler | None = getattr(request.app.state, "agent_handler", None)
    if handler is None:  # pragma: no cover
        raise HTTPException(503, "the server is starting")
    return handler


Runtime = Annotated[AgentRuntime, Depends(get_runtime)]
AgentHandler = Annotated[APIHandler, Depends(get_agent_handler)]


def thread_id_from(request: Request) -> str:
    """The thread named by the X-Thread-Id header, or a new one."""
    value = request.headers.get(THREAD_HEADER)
    if value is None:
        return uuid.uuid4().hex
    if not _THREAD_ID.match(value):
        raise HTTPException(
            400, f"{THREAD_HEADER} must be 1-128 characters of letters, digits and _ . : -"
        )
    return value


def _thread_config(config: dict[str, Any], request: Request) -> dict[str, Any]:
    """LangServe per-request hook: the thread comes from the header, never from the body.

    LangServe silently drops a client's ``configurable.thread_id``; here a client that sends
    any ``configurable`` key gets a 400 instead, so nothing is dropped without a word.
    """
    if config.get("configurable"):
        raise HTTPException(
            400,
            f"config.configurable is not accepted; send the thread id in the {THREAD_HEADER} header",
        )
    return {**config, "configurable": {"thread_id": request.state.thread_id}}


async def llm_status(runtime: AgentRuntime, timeout: float = 3.0) -> dict[str, Any]:
    """Whether the backend answers ``GET /models``, and how fast."""
    info: dict[str, Any] = {
        "backend": runtime.backend_name,
        "model": runtime.model,
        "base_url": runtime.base_url,
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
            app.state.runtime = runtime
            app.state.agent_handler = APIHandler(
                runtime.graph,
                path="/agent",
                per_req_config_modifier=_thread_config,
            )
            yield
            app.state.runtime = None

    app = FastAPI(
        title="toolloom",
        version="0.1.0",
        summary="Reliable tool calling for local models: a LangGraph agent server.",
        lifespan=lifespan,
    )

    @app.get("/health", tags=["meta"])
    async def health(runtime: Runtime) -> dict[str, Any]:
        """Liveness: 200 while the server runs; ``llm.ok`` says whether the model answers."""
        return {"status": "ok", "llm": await llm_status(runtime)}

    @app.get("/ready", tags=["meta"])
    async def ready(runtime: Runtime) -> JSONResponse:
        """Readiness: 200 when the model answers, 503 when it does not."""
        status = await llm_status(runtime)
        return JSONResponse(
            {"ready": status["ok"], "llm": status}, status_code=200 if status["ok"] else 503
        )

    @app.get("/tools", tags=["meta"])
    async def list_tools(runtime: Runtime) -> dict[str, Any]:
        """The built-in tools with their JSON schemas."""
        return {"tools": [ToolSpec.from_tool(t).to_openai() for t in runtime.tools]}

    async def _with_thread(request: Request, call: Any) -> Response:
        request.state.thread_id = thread_id_from(request)
        response: Response = await call(request)
        response.headers[THREAD_HEADER] = request.state.thread_id
        return response

    @app.post("/agent/invoke", tags=["agent"])
    async def agent_invoke(request: Request, handler: AgentHandler) -> Response:
        """LangServe invoke: ``{"input": {"messages": [...]}}``; thread from ``X-Thread-Id``."""
        return await _with_thread(request, handler.invoke)

    @app.post("/agent/batch", tags=["agent"])
    async def agent_batch(request: Request, handler: AgentHandler) -> Response:
        """LangServe batch (all inputs run on the thread from ``X-Thread-Id``)."""
        return await _with_thread(request, handler.batch)

    @app.post("/agent/stream", tags=["agent"])
    async def agent_stream(request: Request, handler: AgentHandler) -> Response:
        """LangServe stream (server-sent events)."""
        return await _with_thread(request, handler.stream)

    @app.post("/agent/stream_events", tags=["agent"])
    async def agent_stream_events(request: Request, handler: AgentHandler) -> Response:
        """LangServe stream_events (server-sent events, token by token)."""
        return await _with_thread(request, handler.astream_events)

    @app.get("/agent/input_schema", tags=["agent"])
    async def agent_input_schema(request: Request, handler: AgentHandler) -> Any:
        return await handler.input_schema(request)

    @app.get("/agent/output_schema", tags=["agent"])
    async def agent_output_schema(request: Request, handler: AgentHandler) -> Any:
        return await handler.output_schema(request)

    @app.get("/agent/config_schema", tags=["agent"])
    async def agent_config_schema(request: Request, handler: AgentHandler) -> Any:
        return await handler.config_schema(request)

    @app.get("/agent/playground/{file_path:path}", tags=["agent"], include_in_schema=False)
    async def agent_playground(file_path: str, request: Request, handler: AgentHandler) -> Any:
        return await handler.playground(file_path, request)

    return app
