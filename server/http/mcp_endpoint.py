"""toolloom's own tools served to MCP clients, with the official MCP SDK (low-level ``Server``).

The tools served are the very objects agent mode runs (the built-ins and the Python tools), and
every call goes through :func:`tools.external.guard.invoke_tool`, the same validation, timeout,
output cap and error texts as call-tool: the sandboxes (workspace root, SSRF guard, SQL
authoriser) hold exactly as in agent mode. A failed call is an MCP result with ``isError: true``
whose text is what the model would have read (``Error: ...``).

Each tool carries MCP annotations from its side-effect flag (:mod:`tools.effects`):
``readOnlyHint`` for tools that never change anything, ``destructiveHint`` for the others, and
``openWorldHint`` for the network tools, so an MCP client can ask its user before a write.

Over HTTP the server's assistants are tools too (``agents``: :mod:`server.agentserver.agent_tool`),
named after the assistant (``agent`` for the default one): a call runs the agent as a stored run
for the key that called ``/mcp``.

- stdio (``toolloom mcp``): :func:`run_stdio` with :func:`build_mcp_server`.
- streamable HTTP (``/mcp`` in ``toolloom serve``): :func:`mcp_http_app` returns an ASGI endpoint
  and the lifespan the SDK's session manager needs; :func:`server.app.mcp_endpoint` mounts it
  with the runtime's current tools and the routes' key check::

      mcp = mcp_http_app(lambda: runtime.toolbox.local_tools, authenticate,
                         timeout=settings.tool_timeout, output_chars=settings.tool_output_chars)
      app.add_route("/mcp", mcp.asgi, methods=["GET", "POST", "DELETE"])
      # in the lifespan:  async with mcp.lifespan(): yield

  The session manager is stateless (no session ids kept in memory, so any replica can answer)
  and answers with plain JSON (no SSE stream to keep open).
"""

from __future__ import annotations

import contextlib
import inspect
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from typing import Any

from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool
from mcp import types
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from server.agentserver.agent_tool import AgentTools
from server.auth.api_keys import ANONYMOUS, Principal
from tools.effects import static_effect
from tools.external.guard import invoke_tool

log = logging.getLogger(__name__)

ToolsSource = Sequence[BaseTool] | Callable[[], Sequence[BaseTool]]
"""The tools to serve, or a function returning the current ones (read at every request)."""
Authenticate = Callable[[Request], Any]
"""Called with each HTTP request before it is served; it refuses a request by raising (e.g.
FastAPI's ``HTTPException`` or toolloom's ``ApiError``, turned into a response by the app)."""

OPEN_WORLD = frozenset({"api_request", "web_scrape"})
INSTRUCTIONS = (
    "toolloom's sandboxed tools: files inside one workspace folder, a sandbox SQLite database, "
    "public HTTP APIs and web pages (no private addresses), a calculator, data and time tools."
)


def _version() -> str:
    try:
        return metadata.version("toolloom")
    except metadata.PackageNotFoundError:  # pragma: no cover - a source tree without install
        return "0"


def tool_definition(tool: BaseTool) -> types.Tool:
    """The MCP listing of one tool: the JSON schema the model sees, and its annotations."""
    function = convert_to_openai_tool(tool)["function"]
    effect = static_effect(tool)
    source = (tool.metadata or {}).get("source", "builtin")
    return types.Tool(
        name=tool.name,
        description=function.get("description") or "",
        inputSchema=function.get("parameters") or {"type": "object", "properties": {}},
        annotations=types.ToolAnnotations(
            readOnlyHint=effect is None,
            destructiveHint=None if effect is None else True,
            openWorldHint=(tool.name in OPEN_WORLD) if source == "builtin" else None,
        ),
    )


def build_mcp_server(
    tools: ToolsSource,
    *,
    timeout: float = 15.0,
    output_chars: int = 8000,
    name: str = "toolloom",
    agents: AgentTools | None = None,
) -> Server[Any, Any]:
    """An MCP server offering ``tools``; each call runs as call-tool runs it (see the module).
    ``agents``: the assistants' tools too (over HTTP, where the caller is known)."""
    if callable(tools):
        current = tools
    else:
        fixed = list(tools)

        def current() -> Sequence[BaseTool]:
            return fixed

    server: Server[Any, Any] = Server(name, version=_version(), instructions=INSTRUCTIONS)

    def caller() -> Principal:
        """Who called ``/mcp`` (checked by the endpoint before the SDK saw the request)."""
        state = getattr(server.request_context.request, "state", None)
        return getattr(state, "principal", ANONYMOUS) if state is not None else ANONYMOUS

    @server.list_tools()
    async def list_tools() -> list[types.Tool]:
        offered = [tool_definition(tool) for tool in current()]
        if agents is None:
            return offered
        specs = await agents.specs(caller(), {t.name for t in offered})
        return offered + agents.definitions(specs)

    @server.call_tool(validate_input=False)
    async def call_tool(tool_name: str, arguments: dict[str, Any]) -> types.CallToolResult:
        tool = next((t for t in current() if t.name == tool_name), None)
        if tool is None and agents is not None:
            who = caller()
            taken = {t.name for t in current()}
            spec = next((s for s in await agents.specs(who, taken) if s.name == tool_name), None)
            if spec is not None:
                return await agents.call(spec, arguments or {}, who)
        if tool is None:
            text, ok, duration = f"Error: no tool named {tool_name!r}", False, 0.0
        else:
            outcome = await invoke_tool(tool, arguments, timeout=timeout, output_chars=output_chars)
            text, ok, duration = outcome.text, outcome.ok, outcome.duration_ms
        log.info(
            "mcp tool call",
            extra={
                "fields": {
                    "tool": tool_name,
                    "stage": "mcp",
                    "status": "success" if ok else "error",
                    "duration_ms": duration,
                    "result_chars": len(text),
                }
            },
        )
        return types.CallToolResult(
            content=[types.TextContent(type="text", text=text)], isError=not ok
        )

    return server


async def run_stdio(server: Server[Any, Any]) -> None:
    """Serve over stdin/stdout until the client closes the stream (logs go to stderr)."""
    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())


class _Endpoint:
    """The ASGI endpoint: authenticate, then hand the request to the SDK's session manager.

    A class instance, not a function, so Starlette's ``Route`` passes it the raw ASGI call."""

    def __init__(
        self, manager: StreamableHTTPSessionManager, authenticate: Authenticate | None
    ) -> None:
        self.manager = manager
        self.authenticate = authenticate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.authenticate is not None and scope["type"] == "http":
            result = self.authenticate(Request(scope))
            if inspect.isawaitable(result):
                await result
        await self.manager.handle_request(scope, receive, send)


@dataclass
class McpHttpApp:
    """toolloom's tools over streamable HTTP: mount ``asgi``, run ``lifespan()`` in the app's."""

    asgi: Callable[[Scope, Receive, Send], Awaitable[None]]
    session_manager: StreamableHTTPSessionManager

    def lifespan(self) -> contextlib.AbstractAsyncContextManager[None]:
        """The SDK's session manager task group; enter it once, in the app's lifespan."""
        return self.session_manager.run()


def mcp_http_app(
    tools: ToolsSource,
    authenticate: Authenticate | None = None,
    *,
    timeout: float = 15.0,
    output_chars: int = 8000,
    max_body_bytes: int = 1_000_000,
    allowed_hosts: Sequence[str] | None = None,
    agents: AgentTools | None = None,
) -> McpHttpApp:
    """The streamable HTTP endpoint for ``tools`` (see the module docstring for mounting).

    ``authenticate(request)`` runs before every request and refuses one by raising.
    ``allowed_hosts`` (e.g. ``["127.0.0.1:*", "localhost:*"]``) turns on the SDK's DNS-rebinding
    protection: other ``Host`` headers, and browser ``Origin`` headers of other hosts, get 421/403.
    Worth setting when the server runs on loopback without API keys.
    """
    server = build_mcp_server(tools, timeout=timeout, output_chars=output_chars, agents=agents)
    security = None
    if allowed_hosts:
        origins = [f"{scheme}://{host}" for host in allowed_hosts for scheme in ("http", "https")]
        security = TransportSecuritySettings(
            enable_dns_rebinding_protection=True,
            allowed_hosts=list(allowed_hosts),
            allowed_origins=origins,
        )
    manager = StreamableHTTPSessionManager(
        server,
        json_response=True,
        stateless=True,
        security_settings=security,
        max_request_body_size=max_body_bytes,
    )
    return McpHttpApp(asgi=_Endpoint(manager, authenticate), session_manager=manager)
