"""Start-up errors of the tool sources; each message names the setting and the culprit."""

from __future__ import annotations


class ToolSourceError(Exception):
    """A tool source cannot be used as configured; start-up stops and the CLI prints the message."""


class McpConfigError(ToolSourceError):
    """The file named by ``TOOLLOOM_MCP_CONFIG`` cannot be read or is not a server mapping."""


class ToolModuleError(ToolSourceError):
    """A module of ``TOOLLOOM_TOOL_MODULES`` failed to import or holds no usable tools."""


class ToolNameError(ToolSourceError):
    """Two tools share a name that cannot be prefixed, or ``TOOLLOOM_TOOLS_DISABLED`` names no tool."""
