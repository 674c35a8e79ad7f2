"""The registry of built-in tools: one place that lists them all."""

from __future__ import annotations

from collections.abc import Callable

from langchain_core.tools import BaseTool

from tools import calculator, time_now
from tools.base import ToolConfig

# Each module exposes ``build(config) -> BaseTool``; the order is the order the model sees.
BUILDERS: tuple[Callable[[ToolConfig], BaseTool], ...] = (
    calculator.build,
    time_now.build,
)


def build_tools(config: ToolConfig | None = None) -> list[BaseTool]:
    """Build every built-in tool with the given server-side configuration."""
    config = config or ToolConfig()
    tools = [build(config) for build in BUILDERS]
    names = [t.name for t in tools]
    if len(set(names)) != len(names):
        raise RuntimeError(f"duplicate tool names in the registry: {names}")
    return tools
