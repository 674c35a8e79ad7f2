"""Which tool calls change the world: the side-effect flag every tool carries (issue #20).

A call is *read-only* or has an effect of one kind: ``file`` (writes a file), ``database``
(changes the sandbox database), ``network`` (sends a request that may change something
remotely), ``external`` (a tool from outside whose effect toolloom cannot see) or ``memory``
(saves a fact to the user's long-term memory: ``memory_save``, :mod:`tools.memory`).

- Built-ins: ``file_write`` and ``database_execute`` always change the world; ``api_request``
  does for every method but GET and HEAD, so the flag depends on the call's arguments.
- Python tools declare it in their metadata: ``read_only=True`` or ``side_effects=False``
  makes them read-only, ``side_effects="file"`` (or another kind) names the kind; nothing
  declared means side-effecting.
- MCP tools follow their ``readOnlyHint`` annotation; without it they are side-effecting, as the
  MCP specification says (``destructiveHint`` only qualifies a tool that is not read-only).

The flag lives in ``tool.metadata`` (see :mod:`tools.external.guard`), so it travels with the
tool object; nothing here changes how a tool runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, cast, get_args

from langchain_core.tools import BaseTool

from tools.sql_tables import tables_changed

EffectKind = Literal["file", "database", "network", "external", "memory"]
EFFECT_KINDS: frozenset[str] = frozenset(get_args(EffectKind))

BUILTIN_EFFECTS: Mapping[str, EffectKind] = {
    "file_write": "file",
    "database_execute": "database",
    "api_request": "network",
}
"""Built-ins that can change the world, and how (api_request only for methods that write)."""

SAFE_METHODS = frozenset({"GET", "HEAD"})


def _source(tool: BaseTool) -> str:
    return str((tool.metadata or {}).get("source", "builtin"))


def declared_effect(metadata: Mapping[str, Any] | None) -> EffectKind | None:
    """The effect a Python tool declares in its metadata (side-effecting unless it says otherwise).

    ``read_only=True`` or ``side_effects=False``: read-only. ``side_effects`` naming a kind
    (``"file"``, ``"database"``, ``"network"``, ``"external"``): that kind. Anything else,
    including nothing: ``"external"``.
    """
    metadata = metadata or {}
    if metadata.get("read_only") is True or metadata.get("side_effects") is False:
        return None
    kind = metadata.get("side_effects")
    if isinstance(kind, str) and kind in EFFECT_KINDS:
        return cast(EffectKind, kind)
    return "external"


def mcp_effect(annotations: Mapping[str, Any] | None) -> EffectKind | None:
    """The effect of an MCP tool from its annotations: read-only only with ``readOnlyHint: true``."""
    if annotations and annotations.get("readOnlyHint") is True:
        return None
    return "external"


def static_effect(tool: BaseTool) -> EffectKind | None:
    """The effect a tool *may* have, whatever its arguments (None: never changes anything)."""
    if _source(tool) == "builtin":
        return BUILTIN_EFFECTS.get(tool.name)
    kind = (tool.metadata or {}).get("effect")
    if kind is None and "effect" in (tool.metadata or {}):
        return None
    if isinstance(kind, str) and kind in EFFECT_KINDS:
        return cast(EffectKind, kind)
    return "external"


def effect_of(tool: BaseTool, args: Mapping[str, Any]) -> EffectKind | None:
    """What this call would change: None for a read-only call, else the kind of effect.

    ``api_request`` with method GET or HEAD (the default is GET) is read-only; with any other
    method it is a ``network`` effect. Every other tool's flag does not depend on its arguments.
    """
    if _source(tool) == "builtin" and tool.name == "api_request":
        method = args.get("method") or "GET"
        return None if str(method).upper() in SAFE_METHODS else "network"
    return static_effect(tool)


def is_read_only(tool: BaseTool) -> bool:
    """True when no call of this tool changes anything (api_request is not: it may POST)."""
    return static_effect(tool) is None


def call_target(tool: BaseTool, args: Mapping[str, Any]) -> str | set[str] | None:
    """What a side-effecting call would change: the path of ``file_write``, the tables a
    ``database_execute`` statement changes (a set; None when they cannot be read), the URL of a
    writing ``api_request``. None for every other tool (toolloom cannot see inside it)."""
    if _source(tool) != "builtin":
        return None
    if tool.name == "file_write":
        path = args.get("path")
        return path if isinstance(path, str) else None
    if tool.name == "database_execute":
        statement = args.get("sql")
        return tables_changed(statement) if isinstance(statement, str) else None
    if tool.name == "api_request":
        url = args.get("url")
        return url if isinstance(url, str) else None
    return None
