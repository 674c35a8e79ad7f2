"""MCP servers as tool sources: one supervised, persistent session per server.

Each configured server gets a supervisor task that owns its session (the MCP SDK's transports are
anyio task groups, which must be entered and left in one task):

1. ``connecting``: open the session through ``MultiServerMCPClient.session`` (stdio: start the
   child process; streamable HTTP: connect), ``initialize``, list the tools with
   ``load_mcp_tools`` — all within ``connect_timeout``.
2. ``ok``: calls from any task go over this one session (requests are multiplexed). The
   supervisor pings every ``ping_interval`` seconds; a failed ping, or a call that finds the
   connection closed, ends the session, and calls still waiting on it fail at once.
3. ``down``: the last error is kept and the session is reopened after a backoff that doubles
   from ``retry_initial`` up to ``retry_max`` (and starts over after a session that worked). A
   server that comes back lists its tools again; the toolbox is told through ``on_change``.

A call to a server that is down fails at once with a :class:`ToolError` that says so.
Why a persistent session rather than one per call: see ``benchmarks/mcp_sessions.py`` (over stdio
a session per call starts a process each time).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import anyio
import httpx
from jsonschema.exceptions import SchemaError
from jsonschema.protocols import Validator
from langchain_core.messages import ToolMessage
from langchain_core.tools import BaseTool, ToolException
from langchain_mcp_adapters.client import MultiServerMCPClient
from langchain_mcp_adapters.tools import load_mcp_tools
from mcp import ClientSession
from mcp.shared.exceptions import McpError
from mcp.types import CONNECTION_CLOSED

from tools.base import ToolError
from tools.external.guard import clip, render_mcp_content, schema_validator
from tools.external.mcp_config import ServerEntry

log = logging.getLogger(__name__)

ServerState = Literal["connecting", "ok", "down"]


@dataclass(frozen=True)
class McpTiming:
    """How patiently MCP servers are reached and watched (seconds)."""

    connect_timeout: float = 10.0
    """Start (or connect), initialize and list the tools within this."""
    ping_interval: float = 5.0
    ping_timeout: float = 5.0
    retry_initial: float = 1.0
    retry_max: float = 60.0


class _ConnectionLost(Exception):
    pass


def _leaves(exc: BaseException) -> Iterator[BaseException]:
    if isinstance(exc, BaseExceptionGroup):
        for inner in exc.exceptions:
            yield from _leaves(inner)
    else:
        yield exc


def describe_error(exc: BaseException) -> str:
    """One line for a connection failure (exception groups unwrapped to their first cause)."""
    leaves = [e for e in _leaves(exc) if not isinstance(e, asyncio.CancelledError)]
    leaf = leaves[0] if leaves else exc
    if isinstance(leaf, McpError):
        return clip(f"MCP error: {leaf.error.message}", 300)
    if isinstance(leaf, _ConnectionLost):
        return clip(str(leaf), 300)
    if isinstance(leaf, TimeoutError):
        return "no answer in time"
    text = str(leaf).strip()
    return clip(f"{type(leaf).__name__}: {text}" if text else type(leaf).__name__, 300)


_TRANSPORT_ERRORS = (
    anyio.ClosedResourceError,
    anyio.BrokenResourceError,
    anyio.EndOfStream,
    httpx.TransportError,
    ConnectionError,
    BrokenPipeError,
)


@dataclass
class RemoteTool:
    """A tool as the server lists it, converted by the adapters (bound to the current session)."""

    original_name: str
    description: str
    schema: dict[str, Any]
    annotations: dict[str, Any]
    """``readOnlyHint``, ``destructiveHint``, ... as the server declares them."""
    validator: Validator
    adapter_tool: BaseTool


@dataclass
class McpServer:
    """One configured MCP server: its state, its tools, its session (see the module docstring)."""

    entry: ServerEntry
    client: MultiServerMCPClient
    timing: McpTiming = field(default_factory=McpTiming)
    on_change: Callable[[], None] = lambda: None

    state: ServerState = "connecting"
    last_error: str | None = None
    tools: dict[str, RemoteTool] = field(default_factory=dict)
    """The tools of the last successful listing, by original name (kept while the server is down)."""
    retry_at: float | None = None
    since: float = field(default_factory=time.time)
    connects: int = 0

    skipped: dict[str, str] = field(default_factory=dict)
    """Tools left out of the last listing, with the reason (a malformed argument schema)."""

    _session: ClientSession | None = field(default=None, init=False, repr=False)
    _generation: int = field(default=0, init=False, repr=False)
    _lost: asyncio.Event = field(default_factory=asyncio.Event, init=False, repr=False)
    _lost_reason: str = field(default="", init=False, repr=False)
    _ended: asyncio.Event = field(default_factory=asyncio.Event, init=False, repr=False)
    """Set when the current session ends: calls still waiting on it fail at once."""
    _first_attempt: asyncio.Event = field(default_factory=asyncio.Event, init=False, repr=False)
    _task: asyncio.Task[None] | None = field(default=None, init=False, repr=False)

    @property
    def name(self) -> str:
        return self.entry.name

    # --- life cycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Start the supervisor (an entry with a configuration error stays down, no retries)."""
        if self.entry.error is not None:
            self._set_state("down", f"invalid configuration: {self.entry.error}")
            self._first_attempt.set()
            log.warning("MCP server %s: invalid configuration: %s", self.name, self.entry.error)
            return
        self._task = asyncio.create_task(self._supervise(), name=f"mcp-server:{self.name}")

    async def first_attempt(self, timeout: float) -> None:
        """Wait until the first connection attempt has succeeded or failed (at most ``timeout``)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._first_attempt.wait(), timeout)

    async def aclose(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._session = None

    def _set_state(self, state: ServerState, error: str | None = None) -> None:
        if state != self.state:
            self.since = time.time()
        self.state = state
        if error is not None:
            self.last_error = error

    async def _supervise(self) -> None:
        delay = self.timing.retry_initial
        while True:
            self._set_state("connecting")
            self.retry_at = None
            connects = self.connects
            try:
                await self._connect_and_watch()
                error = (
                    "the session ended"  # pragma: no cover - the watch loop only ends by raising
                )
            except Exception as exc:
                error = describe_error(exc)
            self._session = None
            if self.connects > connects:  # it worked for a while: start the backoff over
                delay = self.timing.retry_initial
            self._set_state("down", error)
            self.retry_at = time.monotonic() + delay
            self._first_attempt.set()
            log.warning("MCP server %s is down: %s; retrying in %.1f s", self.name, error, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.timing.retry_max)

    async def _connect_and_watch(self) -> None:
        async with self.client.session(self.name, auto_initialize=False) as session:
            with anyio.fail_after(self.timing.connect_timeout):
                await session.initialize()
                converted = await load_mcp_tools(
                    session, server_name=self.name, handle_tool_errors=False
                )
            self._install(session, converted)
            lost = self._lost
            try:
                while True:
                    with anyio.move_on_after(self.timing.ping_interval):
                        await lost.wait()
                    if lost.is_set():
                        raise _ConnectionLost(self._lost_reason or "the connection was lost")
                    try:
                        with anyio.fail_after(self.timing.ping_timeout):
                            await session.send_ping()
                    except TimeoutError:
                        raise _ConnectionLost("no answer to a ping") from None
            finally:
                self._session = None
                self._ended.set()

    def _install(self, session: ClientSession, converted: list[BaseTool]) -> None:
        tools, skipped = {}, {}
        for tool in converted:
            schema = tool.args_schema
            try:
                if not isinstance(schema, dict):
                    raise SchemaError(f"the argument schema is {type(schema).__name__}")
                validator = schema_validator(schema)
            except SchemaError as exc:
                reason = f"malformed argument schema: {clip(exc.message, 200)}"
                skipped[tool.name] = reason
                log.warning("MCP server %s: tool %s left out: %s", self.name, tool.name, reason)
                continue
            metadata = dict(tool.metadata or {})
            metadata.pop("_meta", None)
            tools[tool.name] = RemoteTool(
                original_name=tool.name,
                description=tool.description or "",
                schema=schema,
                annotations=metadata,
                validator=validator,
                adapter_tool=tool,
            )
        self.skipped = skipped
        self._generation += 1
        self._lost = asyncio.Event()
        self._lost_reason = ""
        self._ended = asyncio.Event()
        self._session = session
        self.tools = tools
        self.connects += 1
        self._set_state("ok")
        self.last_error = None
        self._first_attempt.set()
        log.info("MCP server %s: connected, %d tools", self.name, len(tools))
        self.on_change()

    def _mark_lost(self, generation: int, reason: str) -> None:
        if generation == self._generation and not self._lost.is_set():
            self._lost_reason = reason
            self._lost.set()

    # --- calls ------------------------------------------------------------------------------

    def down_message(self) -> str:
        message = f"MCP server {self.name!r} is {'still connecting' if self.state == 'connecting' else 'down'}"
        if self.last_error:
            message += f" ({self.last_error})"
        if self.retry_at is not None and self.state == "down":
            message += f"; next attempt in {max(0.0, self.retry_at - time.monotonic()):.0f} s"
        return message

    async def call(self, original_name: str, arguments: dict[str, Any]) -> str:
        """Call a tool over the current session; every failure is a :class:`ToolError`."""
        if self.state != "ok" or self._session is None:
            raise ToolError(self.down_message())
        remote = self.tools.get(original_name)
        if remote is None:
            raise ToolError(f"MCP server {self.name!r} no longer offers {original_name!r}")
        generation, ended = self._generation, self._ended
        call = {
            "type": "tool_call",
            "id": uuid.uuid4().hex,
            "name": remote.adapter_tool.name,
            "args": arguments,
        }
        # The SDK fails pending requests when a stdio stream closes, but not when an HTTP
        # session's task group is torn down: race the call against the session's end.
        task = asyncio.ensure_future(remote.adapter_tool.ainvoke(call))
        task.add_done_callback(lambda t: t.cancelled() or t.exception())
        waiter = asyncio.ensure_future(ended.wait())
        try:
            await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            waiter.cancel()
            if not task.done():
                task.cancel()
        if not task.done() or task.cancelled():
            raise ToolError(
                f"MCP server {self.name!r} went away during the call; it is being reconnected"
            )
        try:
            message = task.result()
        except ToolException as exc:
            # The adapters raise this for a result with isError: the tool itself failed.
            raise ToolError(
                f"{original_name} on MCP server {self.name!r} reported an error: "
                f"{clip(str(exc)) or '(no message)'}"
            ) from None
        except McpError as exc:
            if exc.error.code == CONNECTION_CLOSED:
                self._mark_lost(generation, "the connection closed during a call")
                raise ToolError(
                    f"MCP server {self.name!r} went away during the call; it is being reconnected"
                ) from None
            raise ToolError(
                f"MCP server {self.name!r} refused the call: {clip(exc.error.message)}"
            ) from None
        except _TRANSPORT_ERRORS as exc:
            self._mark_lost(generation, describe_error(exc))
            raise ToolError(
                f"MCP server {self.name!r} is unreachable ({describe_error(exc)}); "
                "it is being reconnected"
            ) from None
        except Exception as exc:
            log.warning("MCP tool %s/%s: unusable result", self.name, original_name, exc_info=True)
            raise ToolError(
                f"{original_name} on MCP server {self.name!r} gave a result toolloom cannot use "
                f"({describe_error(exc)})"
            ) from None
        if isinstance(message, ToolMessage):
            return render_mcp_content(message.content, message.artifact)
        return render_mcp_content(message)

    # --- health -----------------------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        """This server's entry in ``/health``."""
        info: dict[str, Any] = {
            "state": self.state,
            "transport": self.entry.transport,
            "tools": len(self.tools),
            "since": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.since)),
        }
        if self.state != "ok" and self.last_error:
            info["last_error"] = self.last_error
        if self.skipped:
            info["skipped_tools"] = dict(self.skipped)
        if self.state == "down":
            info["retry_in_s"] = (
                None
                if self.retry_at is None
                else round(max(0.0, self.retry_at - time.monotonic()), 1)
            )
        return info
