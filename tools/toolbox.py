"""Every tool toolloom offers, whatever its source: built-ins, Python modules, MCP servers.

    async with open_tools(sources) as toolbox:
        toolbox.tools        # list[BaseTool]: built-ins first, then Python tools, then MCP tools
        toolbox.describe()   # for GET /tools: schema, source, server, original name, read-only
        toolbox.health()     # for GET /health: each MCP server's state

Rules, the same for every source:

- **Names.** Built-ins and Python tools keep their names (a Python tool may not reuse a built-in's
  name). An MCP tool keeps its own name unless a built-in, a Python tool or a tool of a server
  listed *earlier* in the config has it; then it is ``SERVER__TOOL``. Characters a model API
  refuses are replaced by ``_``. The tool's metadata keeps ``source``, ``server`` and
  ``original_name``.
- **Switching off.** ``TOOLLOOM_TOOLS_DISABLED`` removes tools by their name (an MCP tool also by
  ``SERVER__TOOL``). A name that matches nothing stops start-up — unless an MCP server could not
  be listed yet (it may hold that tool); then it is a warning and applies once the server is up.
- **MCP servers** are reached in the background (see :mod:`tools.external.mcp_servers`):
  start-up waits for each server's first attempt (at most ``connect_timeout``), never for a
  server that is down. Tools of a server that comes up later join ``tools``; ``version`` counts
  changes (the graph's nodes read ``tools`` again when it moves: the toolbox is the graph's
  :class:`graph.context.ToolSource`) and :meth:`Toolbox.subscribe` tells any other listener.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool
from langchain_mcp_adapters.client import MultiServerMCPClient

from tools.base import ToolConfig
from tools.effects import effect_of, mcp_effect, static_effect
from tools.external.guard import GuardedTool
from tools.external.mcp_config import load_mcp_config
from tools.external.mcp_servers import McpServer, McpTiming, RemoteTool
from tools.external.modules import load_tool_modules
from tools.external.source_errors import ToolNameError
from tools.registry import build_tools

log = logging.getLogger(__name__)

TOOL_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
"""What OpenAI-compatible APIs accept as a function name."""
_NOT_ALLOWED = re.compile(r"[^A-Za-z0-9_-]")
DISABLED_SETTING = "TOOLLOOM_TOOLS_DISABLED"
APPROVE_SETTING = "TOOLLOOM_APPROVE_TOOLS"

__all__ = [
    "McpTiming",
    "ToolSources",
    "Toolbox",
    "check_sources",
    "effect_of",
    "local_tools",
    "open_tools",
]


def source_of(tool: BaseTool) -> str:
    return str((tool.metadata or {}).get("source", "builtin"))


def _check_local_names(builtins: Sequence[BaseTool], python_tools: Sequence[BaseTool]) -> None:
    builtin_names = {t.name for t in builtins}
    for tool in python_tools:
        module = (tool.metadata or {}).get("module")
        if tool.name in builtin_names:
            raise ToolNameError(
                f"TOOLLOOM_TOOL_MODULES: {module} defines {tool.name!r}, the name of a built-in "
                "tool; rename it"
            )
        if not TOOL_NAME.match(tool.name):
            raise ToolNameError(
                f"TOOLLOOM_TOOL_MODULES: {module} defines a tool named {tool.name!r}; names may "
                "hold only letters, digits, '_' and '-' (at most 64)"
            )


def _guard_mcp_tool(
    server: McpServer,
    remote: RemoteTool,
    name: str,
    *,
    prefix: str | None,
    timeout: float,
    output_chars: int,
) -> GuardedTool:
    original = remote.original_name
    effect = mcp_effect(remote.annotations)

    async def run(arguments: dict[str, Any]) -> str:
        return await server.call(original, arguments)

    hints = {k: v for k, v in remote.annotations.items() if v is not None}
    return GuardedTool(
        name=name,
        description=remote.description or f"{original} (from MCP server {server.name})",
        args_schema=remote.schema,
        runner=run,
        validator=remote.validator,
        timeout=timeout,
        output_chars=output_chars,
        metadata={
            "source": "mcp",
            "server": server.name,
            "original_name": original,
            "prefix": prefix,
            "effect": effect,
            "read_only": effect is None,
            "annotations": hints,
        },
    )


class Toolbox:
    """The combined, current tool list and its sources (see the module docstring)."""

    def __init__(
        self,
        builtins: Sequence[BaseTool],
        python_tools: Sequence[BaseTool],
        servers: Sequence[McpServer] = (),
        disabled: Sequence[str] = (),
        *,
        timeout: float = 15.0,
        output_chars: int = 8000,
    ) -> None:
        _check_local_names(builtins, python_tools)
        self.builtins = list(builtins)
        self.python_tools = list(python_tools)
        self.servers = list(servers)
        self.disabled = set(disabled)
        self.timeout = timeout
        self.output_chars = output_chars
        self.version = 0
        self._listeners: list[Callable[[Toolbox], None]] = []
        self._tools: list[BaseTool] = []
        self._mcp_all: list[GuardedTool] = []
        self._naming_skips: dict[str, dict[str, str]] = {}
        for server in self.servers:
            server.on_change = self._rebuild
        self._rebuild()

    # --- the tool list ------------------------------------------------------------------------

    @property
    def tools(self) -> list[BaseTool]:
        """Every enabled tool now known: built-ins, Python tools, then MCP tools."""
        return list(self._tools)

    @property
    def local_tools(self) -> list[BaseTool]:
        """The enabled built-ins and Python tools (what ``toolloom mcp`` serves)."""
        return [t for t in self._tools if source_of(t) in ("builtin", "python")]

    def get(self, name: str) -> BaseTool | None:
        return next((t for t in self._tools if t.name == name), None)

    def subscribe(self, listener: Callable[[Toolbox], None]) -> None:
        """Call ``listener(toolbox)`` whenever the tool list changes (an MCP server came up)."""
        self._listeners.append(listener)

    def _is_disabled(self, tool: BaseTool) -> bool:
        if tool.name in self.disabled:
            return True
        meta = tool.metadata or {}
        return meta.get("source") == "mcp" and f"{meta['server']}__{meta['original_name']}" in (
            self.disabled
        )

    def _name_mcp_tools(self) -> list[GuardedTool]:
        taken = {t.name for t in self.builtins} | {t.name for t in self.python_tools}
        named: list[GuardedTool] = []
        self._naming_skips = {}
        for server in self.servers:
            here: set[str] = set()
            for remote in server.tools.values():
                base = _NOT_ALLOWED.sub("_", remote.original_name)[:64]
                name = base if base not in taken else f"{server.name}__{base}"[:64]
                if not base or name in taken or name in here:
                    reason = f"its name clashes with another tool even as {name!r}"
                    self._naming_skips.setdefault(server.name, {})[remote.original_name] = reason
                    log.warning(
                        "MCP tool %s/%s left out: %s", server.name, remote.original_name, reason
                    )
                    continue
                here.add(name)
                named.append(
                    _guard_mcp_tool(
                        server,
                        remote,
                        name,
                        prefix=f"{server.name}__" if name != base else None,
                        timeout=self.timeout,
                        output_chars=self.output_chars,
                    )
                )
            taken |= here
        return named

    def _rebuild(self) -> None:
        self._mcp_all = self._name_mcp_tools()
        every: list[BaseTool] = [*self.builtins, *self.python_tools, *self._mcp_all]
        tools = [t for t in every if not self._is_disabled(t)]
        before = [(t.name, t.description, _parameters(t)) for t in self._tools]
        after = [(t.name, t.description, _parameters(t)) for t in tools]
        self._tools = tools
        if before != after:
            self.version += 1
            for listener in list(self._listeners):
                try:
                    listener(self)
                except Exception:
                    log.exception("a toolbox listener failed")

    def check_disabled(self) -> None:
        """Refuse disabled names that match no tool (see the module docstring)."""
        self.check_names(DISABLED_SETTING, self.disabled)

    def check_names(self, setting: str, names: Iterable[str]) -> None:
        """Refuse names (of ``setting``) that match no tool, or warn while an MCP server that
        may hold them has not listed its tools yet. An MCP tool may be named ``SERVER__TOOL``."""
        known: set[str] = set()
        for tool in [*self.builtins, *self.python_tools, *self._mcp_all]:
            known.add(tool.name)
            meta = tool.metadata or {}
            if meta.get("source") == "mcp":
                known.add(f"{meta['server']}__{meta['original_name']}")
        unknown = sorted(set(names) - known)
        if not unknown:
            return
        unlisted = [s.name for s in self.servers if not s.connects and s.entry.error is None]
        if unlisted:
            log.warning(
                "%s: %s match no tool yet; MCP servers %s have not listed their tools, "
                "the names apply once they do",
                setting,
                ", ".join(unknown),
                ", ".join(unlisted),
            )
            return
        raise ToolNameError(f"{setting}: no tool is named {', '.join(repr(n) for n in unknown)}")

    # --- what the routes show -----------------------------------------------------------------

    def describe(self) -> list[dict[str, Any]]:
        """One entry per enabled tool, for ``GET /tools``: the OpenAI function shape plus where
        the tool comes from, whether it may change anything, and whether it can be called now."""
        servers = {s.name: s for s in self.servers}
        entries = []
        for tool in self._tools:
            meta = tool.metadata or {}
            source = source_of(tool)
            server = meta.get("server") if source == "mcp" else None
            effect = static_effect(tool)
            entries.append(
                {
                    "type": "function",
                    "function": {
                        "name": tool.name,
                        "description": tool.description,
                        "parameters": _parameters(tool),
                    },
                    "source": source,
                    "server": server,
                    "module": meta.get("module") if source == "python" else None,
                    "original_name": meta.get("original_name", tool.name),
                    "prefix": meta.get("prefix") if source == "mcp" else None,
                    "read_only": effect is None,
                    "effect": effect,
                    "available": server is None or servers[server].state == "ok",
                }
            )
        return entries

    def health(self) -> dict[str, Any]:
        """For ``GET /health``: each MCP server's state; ``degraded`` when one is not ok or a
        tool of it was left out."""
        servers = {}
        for server in self.servers:
            info = server.status()
            skips = {**server.skipped, **self._naming_skips.get(server.name, {})}
            if skips:
                info["skipped_tools"] = skips
            servers[server.name] = info
        degraded = any(
            info["state"] != "ok" or info.get("skipped_tools") for info in servers.values()
        )
        counts = {"builtin": 0, "python": 0, "mcp": 0}
        for tool in self._tools:
            counts[source_of(tool)] = counts.get(source_of(tool), 0) + 1
        return {
            "status": "degraded" if degraded else "ok",
            "tools": counts,
            "disabled": sorted(self.disabled),
            "mcp_servers": servers,
        }

    # --- life cycle -----------------------------------------------------------------------------

    async def start(self, wait: float) -> None:
        """Start every server's supervisor and wait (at most ``wait`` s) for each first attempt."""
        for server in self.servers:
            server.start()
        await asyncio.gather(*(server.first_attempt(wait) for server in self.servers))

    async def aclose(self) -> None:
        await asyncio.gather(*(server.aclose() for server in self.servers))


def _parameters(tool: BaseTool) -> dict[str, Any]:
    function = convert_to_openai_tool(tool)["function"]
    parameters: dict[str, Any] = function.get("parameters") or {
        "type": "object",
        "properties": {},
    }
    return parameters


@dataclass(frozen=True)
class ToolSources:
    """Where the tools come from and the rules every one runs under: the built-ins' sandbox,
    the Python tool modules, the MCP config file, the disabled tools, the tools that always ask
    a person first, the timeout and output cap. Built from the settings by the server's runtime
    (:func:`server.runtime.tool_sources_from`)."""

    config: ToolConfig = field(default_factory=ToolConfig)
    tool_modules: tuple[str, ...] = ()
    mcp_config: Path | None = None
    disabled: tuple[str, ...] = ()
    approve: tuple[str, ...] = ()
    timeout: float = 15.0
    output_chars: int = 8000
    timing: McpTiming = field(default_factory=McpTiming)


def _load_local(sources: ToolSources) -> tuple[list[BaseTool], list[BaseTool]]:
    builtins = build_tools(sources.config)
    python_tools: list[BaseTool] = list(
        load_tool_modules(
            sources.tool_modules, timeout=sources.timeout, output_chars=sources.output_chars
        )
    )
    return builtins, python_tools


def local_tools(sources: ToolSources) -> list[BaseTool]:
    """The built-ins and Python tools, minus the disabled ones, without reaching MCP servers.

    Raises :class:`ToolSourceError` for a module that fails to import, a clash, or a disabled
    name that matches nothing (unless an MCP config is set: the name may be an MCP tool's).
    """
    builtins, python_tools = _load_local(sources)
    toolbox = Toolbox(
        builtins,
        python_tools,
        disabled=sources.disabled,
        timeout=sources.timeout,
        output_chars=sources.output_chars,
    )
    if sources.mcp_config is None:
        toolbox.check_disabled()
        toolbox.check_names(APPROVE_SETTING, sources.approve)
    return toolbox.local_tools


def check_sources(sources: ToolSources) -> None:
    """What can be checked without reaching an MCP server, for the CLI to run before anything
    starts: the Python tool modules import, names do not clash, the MCP config file reads, a
    disabled name matches a tool (when no MCP server could hold it). Raises
    :class:`ToolSourceError` with a message naming the culprit."""
    local_tools(sources)
    if sources.mcp_config is not None:
        load_mcp_config(Path(sources.mcp_config))


@contextlib.asynccontextmanager
async def open_tools(sources: ToolSources) -> AsyncIterator[Toolbox]:
    """Build the built-ins, import the Python tool modules, reach the MCP servers; close them all
    on exit. Raises :class:`ToolSourceError` (a module that fails to import, an unreadable MCP
    config file, a name clash, an unknown disabled name) before anything is started."""
    timing = sources.timing
    builtins, python_tools = _load_local(sources)
    entries = load_mcp_config(Path(sources.mcp_config)) if sources.mcp_config else []
    connections = {e.name: e.connection for e in entries if e.connection is not None}
    client = MultiServerMCPClient(connections)  # type: ignore[arg-type]
    servers = [McpServer(entry, client, timing) for entry in entries]
    toolbox = Toolbox(
        builtins,
        python_tools,
        servers,
        sources.disabled,
        timeout=sources.timeout,
        output_chars=sources.output_chars,
    )
    try:
        await toolbox.start(wait=timing.connect_timeout)
        toolbox.check_disabled()
        toolbox.check_names(APPROVE_SETTING, sources.approve)
        yield toolbox
    finally:
        await toolbox.aclose()
