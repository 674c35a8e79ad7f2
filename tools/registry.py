"""The registry of built-in tools: one place that lists them all."""

from __future__ import annotations

from collections.abc import Callable

from langchain_core.tools import BaseTool

from tools import calculator, data, database, files, net, system, time_now
from tools.base import ToolConfig

# Each entry builds one tool from the server-side configuration; the order is the order the
# model sees them in.
BUILDERS: tuple[Callable[[ToolConfig], BaseTool], ...] = (
    files.build_read,
    files.build_write,
    files.build_list,
    system.build_system_info,
    system.build_process_list,
    system.build_environment,
    calculator.build,
    data.build_statistics,
    data.build_json_parse,
    data.build_json_query,
    data.build_data_transform,
    net.build_api_request,
    net.build_web_scrape,
    database.build_query,
    database.build_execute,
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
