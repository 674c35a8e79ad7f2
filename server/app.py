"""The FastAPI application: ``create_app(settings, llm=None)``; uvicorn starts it with ``--factory``.

``create_app`` only assembles: the lifespan opens the runtime (tools, backend, checkpointer,
store, compiled graph) and the key ring, the middleware guards every request, and the routers in
:mod:`server.http.routes` serve the API. ``/mcp`` serves toolloom's own tools to MCP clients
(:mod:`server.http.mcp_endpoint`) behind the same keys and middleware; the MCP SDK's session manager
runs inside the lifespan. Nothing heavy runs at import or in ``create_app``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from langchain_core.language_models import BaseChatModel
from pydantic.json_schema import models_json_schema
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Mount
from starlette.types import Scope

from server import api_error as errors
from server.agentserver.agent_tool import AgentTools
from server.agentserver.crons import CronScheduler
from server.agentserver.shapes import assistant as default_assistant
from server.agentserver.sweeper import Sweeper
from server.agentserver.webhooks import WebhookSender
from server.agentserver.worker import RunWorker
from server.auth.api_keys import KeyRing
from server.auth.attempts import FailureLimiter
from server.auth.gate import Authenticator, AuthGate
from server.auth.handlers import CustomAuth
from server.auth.mode import AuthMode, StartupRefused, decide, is_loopback
from server.auth.rules import PUBLIC, RouteTable
from server.http.body_limits import BodySizeLimit, JsonGuard
from server.http.deps import authenticate
from server.http.mcp_endpoint import McpHttpApp, mcp_http_app
from server.http.openai_schemas import ChatCompletionChunk
from server.http.plain_json import PlainTextJson
from server.http.routes import (
    a2a_routes,
    assistant_routes,
    cron_routes,
    key_routes,
    langserve_routes,
    meta_routes,
    openai_routes,
    run_routes,
    store_routes,
    thread_routes,
    web_routes,
    webhook_routes,
)
from server.observability import RequestLog
from server.runtime import AgentRuntime, open_runtime
from server.settings import VERSION, Settings, load_settings
from server.storage.memory_store import StoreSetupError
from tools.external.source_errors import ToolSourceError

EXPOSED_HEADERS = (
    "Location",
    "Content-Location",
    "X-Pagination-Total",
    "X-Pagination-Next",
    "X-Thread-Id",
)
"""Response headers a browser page (LangGraph Studio) may read: where a run's stream and record
are, the page counts of a search, a new thread's id."""
log = logging.getLogger(__name__)
__all__ = ["StartupRefused", "create_app"]


LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


def mcp_endpoint(settings: Settings, app: FastAPI) -> McpHttpApp:
    """toolloom's own tools (built-ins and Python tools, minus the disabled ones) and its
    assistants (the tool ``agent``) for MCP clients at ``/mcp``: the tools are read from the
    runtime at each request, the caller is checked as on every other route. On a loopback address the SDK's DNS-rebinding guard is on: a ``Host`` other
    than 127.0.0.1/localhost/[::1] gets 421 and a browser ``Origin`` of another site 403, so a web
    page cannot reach a keyless local server's tools through a rebound name."""

    def tools() -> list[Any]:
        return list(app.state.runtime.toolbox.local_tools)

    hosts = None
    if is_loopback(settings.host):
        hosts = [name + port for name in LOOPBACK_NAMES for port in ("", ":*")]
    return mcp_http_app(
        tools,
        authenticate,
        timeout=settings.tool_timeout,
        output_chars=settings.tool_output_chars,
        max_body_bytes=settings.max_body_bytes,
        allowed_hosts=hosts,
        agents=AgentTools(lambda: _running(app)),
    )


@contextlib.asynccontextmanager
async def _noting_refusal(app: FastAPI) -> AsyncIterator[None]:
    """Keep a tool source's refusal on ``app.state.startup_error`` for ``toolloom serve`` to print
    (uvicorn only logs a failed start-up)."""
    try:
        yield
    except (ToolSourceError, StoreSetupError, StartupRefused) as exc:
        app.state.startup_error = exc
        raise


def create_app(settings: Settings | None = None, llm: BaseChatModel | None = None) -> FastAPI:
    """Build the app. ``llm`` replaces the configured backend (tests pass a fake model)."""
    settings = settings or load_settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with _noting_refusal(app), open_runtime(settings, llm) as runtime:
            app.state.auth = await open_auth(settings, runtime, app)
            worker = RunWorker(runtime)  # executes the Agent Server API's stored runs
            assert runtime.thread_ttls is not None and runtime.assistants is not None
            # The graph's default assistant, as a stored row (searched, versioned like the others)
            await asyncio.to_thread(runtime.assistants.ensure_system, default_assistant())
            sweeper = Sweeper(  # expired store items and thread TTLs
                runtime.store,
                runtime.thread_ttls,
                runtime.checkpointer,
                runtime.memory,
                settings.sweep_seconds,
                runtime.coordinator,
            )
            webhooks = WebhookSender(runtime)  # POSTs the results of runs made with a webhook
            worker.on_webhook = webhooks.run_ended
            crons = CronScheduler(runtime, worker)  # stores a run at each tick of a cron
            app.state.runtime = runtime
            app.state.worker = worker
            app.state.agent_handler = langserve_routes.make_handler(runtime.graph)
            await worker.start()
            await sweeper.start()
            webhooks.start()
            crons.start()
            try:
                async with mcp.lifespan():
                    yield
            finally:
                await crons.stop()
                await sweeper.stop()
                await worker.stop()
                await webhooks.stop()
                app.state.runtime = None

    app = FastAPI(
        title="toolloom",
        version=VERSION,
        summary="Reliable tool calling for local models: a LangGraph agent server.",
        lifespan=lifespan,
        responses=errors.ERROR_RESPONSES,
    )
    errors.install(app)
    app.add_middleware(JsonGuard, allow_bidi=settings.allow_bidi_controls)
    app.add_middleware(PlainTextJson)  # Studio's text/plain JSON, before the guard reads it
    # Every route but the public ones needs the caller authenticated and authorized, here,
    # before routing (inside the body limit: a handler's body is read within it).
    app.add_middleware(AuthGate, authenticator=_authenticator, public=public_routes())
    app.add_middleware(BodySizeLimit, limit=settings.max_body_bytes)
    app.add_middleware(RequestLog)  # every request is logged and counted, 413s too
    if settings.cors_origins:  # outermost: a browser's preflight is answered before anything
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=list(EXPOSED_HEADERS),
            allow_private_network=True,  # Chrome asks before a public page calls 127.0.0.1
        )
    for module in (
        meta_routes,
        key_routes,
        assistant_routes,
        thread_routes,
        cron_routes,
        run_routes,
        webhook_routes,
        a2a_routes,
        store_routes,
        langserve_routes,
        openai_routes,
        web_routes,
    ):
        app.include_router(module.router)
    mcp = mcp_endpoint(settings, app)
    # A raw ASGI endpoint (Starlette passes it the call as it is), as the SDK's own apps mount it.
    app.add_route("/mcp", mcp.asgi, methods=["GET", "POST", "DELETE"], include_in_schema=False)  # type: ignore[arg-type]
    _document_models(app)
    return app


def public_routes() -> frozenset[tuple[str, str]]:
    """Answered without credentials: /health, /ok, /info, the page and its static files."""
    return PUBLIC | {("GET", f"/ui/{name}") for name in web_routes.ASSETS}


def _authenticator(scope: Scope) -> Authenticator | None:
    auth: Authenticator | None = getattr(scope["app"].state, "auth", None)
    return auth


def route_table(app: FastAPI) -> RouteTable:
    """Every route the app mounts, in its order (the gate classifies requests with it)."""
    table = RouteTable()
    for route in iter_route_contexts(app.routes):
        path, methods = route.path, route.methods
        if path is None:
            continue
        if isinstance(route.original_route, Mount):
            table.add(path.rstrip("/") + "/{rest:path}", frozenset({"*"}))
            continue
        table.add(path, frozenset(methods or ()))
    return table


async def open_auth(settings: Settings, runtime: AgentRuntime, app: FastAPI) -> Authenticator:
    """Decide the auth mode (once: it never changes while the server runs) and build what it
    needs. StartupRefused: an unsafe open server, or a custom handler that cannot be loaded."""
    keys = runtime.store.keys
    decision = decide(settings, await asyncio.to_thread(keys.exists))
    custom = CustomAuth.load(decision.handler) if decision.handler is not None else None
    keyring = None
    if decision.mode is AuthMode.KEYS:
        keyring = KeyRing(settings.api_keys, keys)
        usable = await asyncio.to_thread(keyring.usable)
        if not usable:
            log.warning("auth: keys, but no usable key: every request is refused until one is "
                        "created ('toolloom keys create NAME')")  # fmt: skip
    if custom is not None and custom.uncovered:
        log.warning("auth: no handler for %s: allowed without authorization checks (add a "
                    "default-deny @auth.on)", ", ".join(custom.uncovered))  # fmt: skip
    log.info("auth: %s (%s)", decision.mode.value, decision.reason)
    store = runtime.store

    async def threads(thread_id: str, owner: str) -> dict[str, Any] | None:
        thread = await asyncio.to_thread(store.threads.find_thread, thread_id, owner)
        return None if thread is None else dict(json.loads(thread.metadata_json))

    failures = FailureLimiter(settings.auth_failures_per_minute, redis=runtime.redis)
    return Authenticator(decision, keyring, custom, failures, threads, route_table(app))


def _running(app: FastAPI) -> tuple[AgentRuntime, RunWorker] | None:
    """The running server's runtime and run worker (None before the lifespan has run)."""
    runtime = getattr(app.state, "runtime", None)
    worker = getattr(app.state, "worker", None)
    return None if runtime is None or worker is None else (runtime, worker)


def _document_models(app: FastAPI) -> None:
    """Put the models that routes refer to but FastAPI does not see in the OpenAPI components:
    the streamed chunk, and the LangServe bodies (LangServe reads its body itself)."""
    build = app.openapi
    models = [
        (ChatCompletionChunk, "serialization"),
        (langserve_routes.InvokeBody, "validation"),
        (langserve_routes.BatchBody, "validation"),
    ]

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            _, extra = models_json_schema(models, ref_template="#/components/schemas/{model}")  # type: ignore[arg-type]
            schema.setdefault("components", {}).setdefault("schemas", {}).update(
                extra.get("$defs", {})
            )
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
