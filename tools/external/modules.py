"""Python tools: LangChain tools from the modules named in ``TOOLLOOM_TOOL_MODULES``.

A module offers its tools either as a module-level ``tools`` list (or tuple) of ``BaseTool``, or,
without one, as module attributes that are ``BaseTool`` instances (``@tool`` functions), in the
order they are defined. Each tool is wrapped in :class:`GuardedTool` (timeout, output cap, errors
as :class:`ToolError`) and flagged side-effecting unless its metadata says ``read_only=True``
(see :func:`tools.effects.declared_effect`).

A module that fails to import, or holds no tools, stops start-up with a
:class:`ToolModuleError` naming it.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Sequence
from types import ModuleType

from langchain_core.tools import BaseTool

from tools.effects import declared_effect
from tools.external.guard import GuardedTool, clip, python_runner
from tools.external.source_errors import ToolModuleError

log = logging.getLogger(__name__)

SETTING = "TOOLLOOM_TOOL_MODULES"


def import_module(name: str) -> ModuleType:
    """Import one module; any failure is a :class:`ToolModuleError` that names it."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        hint = (
            " (is its folder on PYTHONPATH, or the package installed?)"
            if exc.name and name.startswith(exc.name)
            else ""
        )
        raise ToolModuleError(f"{SETTING}: cannot import {name!r}: {exc}{hint}") from None
    except Exception as exc:
        raise ToolModuleError(
            f"{SETTING}: importing {name!r} failed: {type(exc).__name__}: {clip(str(exc), 300)}"
        ) from None


def tools_in_module(module: ModuleType) -> list[BaseTool]:
    """The tools a module offers (its ``tools`` list, or its tool attributes)."""
    name = module.__name__
    listed = getattr(module, "tools", None)
    if listed is not None and not isinstance(listed, ModuleType):
        if not isinstance(listed, list | tuple):
            raise ToolModuleError(
                f"{SETTING}: {name}.tools must be a list of LangChain tools, "
                f"not {type(listed).__name__}"
            )
        wrong = [repr(item)[:60] for item in listed if not isinstance(item, BaseTool)]
        if wrong:
            raise ToolModuleError(
                f"{SETTING}: {name}.tools holds things that are not LangChain tools: "
                + ", ".join(wrong)
                + " (decorate functions with @tool)"
            )
        found = list(listed)
    else:
        found = [value for value in vars(module).values() if isinstance(value, BaseTool)]
    if not found:
        raise ToolModuleError(
            f"{SETTING}: {name} defines no tools (give it a 'tools' list or @tool functions)"
        )
    return found


def guard_python_tool(
    tool: BaseTool, module: str, *, timeout: float, output_chars: int
) -> GuardedTool:
    """Wrap one Python tool so it runs under toolloom's rules, recording where it comes from."""
    effect = declared_effect(tool.metadata)
    metadata = {
        **(tool.metadata or {}),
        "source": "python",
        "server": None,
        "module": module,
        "original_name": tool.name,
        "effect": effect,
        "read_only": effect is None,
    }
    return GuardedTool(
        name=tool.name,
        description=tool.description,
        args_schema=tool.tool_call_schema,
        runner=python_runner(tool, module),
        timeout=timeout,
        output_chars=output_chars,
        metadata=metadata,
        tags=list(tool.tags or []),
    )


def load_tool_modules(
    names: Sequence[str], *, timeout: float, output_chars: int
) -> list[GuardedTool]:
    """Import the modules and wrap their tools, in the order given; names must be unique."""
    loaded: list[GuardedTool] = []
    origin: dict[str, str] = {}
    for name in names:
        module = import_module(name)
        for tool in tools_in_module(module):
            if tool.name in origin:
                raise ToolModuleError(
                    f"{SETTING}: two tools are named {tool.name!r} "
                    f"(in {origin[tool.name]} and {name})"
                )
            origin[tool.name] = name
            loaded.append(guard_python_tool(tool, name, timeout=timeout, output_chars=output_chars))
        log.info("loaded %d tools from %s", len(loaded), name)
    return loaded
