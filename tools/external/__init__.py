"""Tools from outside toolloom: MCP servers (through ``langchain-mcp-adapters``) and Python modules.

Every such tool is wrapped by :class:`tools.external.guard.GuardedTool`, so it runs under the same
rules as the built-ins (argument validation, per-call timeout, output cap, errors as
:class:`tools.base.ToolError`). :mod:`tools.toolbox` combines them with the built-ins.
"""
