"""toolloom's rules for every tool call, whatever the tool's source.

:class:`GuardedTool` wraps a tool from outside (an MCP tool or a Python tool): its arguments are
validated against its JSON schema before the call, the call runs under the per-call timeout, the
result is cut to the output cap with the truncation marker, and every failure leaves as a
:class:`tools.base.ToolError` with a clear message (call-tool turns that into a tool message with
``status="error"``), never as an exception that ends the run.

:func:`invoke_tool` runs any tool (built-ins too) the way call-tool does and returns the text and
whether it succeeded; the MCP server uses it, so a call over MCP behaves as in agent mode.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from langchain_core.messages import ToolMessage
from langchain_core.tools import BaseTool, ToolException
from pydantic import BaseModel, ConfigDict, ValidationError

from tools.base import ToolError, dump_result

log = logging.getLogger(__name__)

MAX_ERROR_CHARS = 1000
"""Longest error text handed back to the model (a server's traceback is cut)."""


def schema_validator(schema: Mapping[str, Any]) -> Validator:
    """A validator for a tool's argument schema; raises ``SchemaError`` when the schema is broken.

    The schema's own ``$schema`` dialect is honoured; without one, JSON Schema 2020-12 (the MCP
    default). A schema for anything but an object (``"type": "string"``) is refused as well:
    tool arguments are always an object.
    """
    cls = validator_for(schema, default=Draft202012Validator)
    cls.check_schema(schema)
    kind = schema.get("type", "object")
    if kind != "object" and not (isinstance(kind, list) and "object" in kind):
        raise SchemaError(f"the argument schema describes {kind!r}, not an object")
    return cls(schema)


def argument_errors(validator: Validator, arguments: Any) -> list[str]:
    """Schema violations, each naming the field ("(arguments)" for the whole object)."""
    errors = []
    for error in sorted(validator.iter_errors(arguments), key=lambda e: list(e.path)):
        where = ".".join(str(p) for p in error.path) or "(arguments)"
        errors.append(f"{where}: {error.message}")
    return errors[:10]


def clip(text: str, limit: int = MAX_ERROR_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class GuardedTool(BaseTool):
    """A tool from outside that runs under toolloom's rules (see the module docstring).

    ``runner`` does the real work and returns the raw result (a string or anything JSON can
    dump); it raises :class:`ToolError` for expected failures. ``metadata`` records where the
    tool comes from: ``source`` (``"mcp"`` or ``"python"``), ``server``, ``original_name``,
    ``effect`` (None for read-only, else the kind; see :mod:`tools.effects`) and ``read_only``.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    runner: Callable[[dict[str, Any]], Awaitable[Any]]
    validator: Any = None
    """A jsonschema validator for the arguments (MCP tools), or None (the pydantic schema checks)."""
    timeout: float = 15.0
    output_chars: int = 8000

    def _run(self, *args: Any, **kwargs: Any) -> Any:
        raise ToolError(f"{self.name} can only be called asynchronously")

    async def _arun(self, **kwargs: Any) -> str:
        if self.validator is not None:
            errors = argument_errors(self.validator, kwargs)
            if errors:
                raise ToolError("invalid arguments: " + "; ".join(errors))
        try:
            result = await asyncio.wait_for(self.runner(kwargs), timeout=self.timeout)
        except TimeoutError:
            raise ToolError(
                f"{self.name} took longer than {self.timeout:g} s and was stopped"
            ) from None
        return dump_result(result, self.output_chars)


def python_runner(tool: BaseTool, module: str) -> Callable[[dict[str, Any]], Awaitable[Any]]:
    """Run a Python tool: its own errors become :class:`ToolError` (logged when unexpected)."""

    async def run(arguments: dict[str, Any]) -> Any:
        try:
            result = await tool.ainvoke(arguments)
        except ToolError:
            raise
        except ToolException as exc:
            raise ToolError(clip(str(exc)) or f"{tool.name} failed") from None
        except ValidationError as exc:
            parts = [
                f"{'.'.join(str(p) for p in e['loc']) or '(arguments)'}: {e['msg']}"
                for e in exc.errors()[:5]
            ]
            raise ToolError("invalid arguments: " + "; ".join(parts)) from None
        except Exception as exc:
            log.exception("python tool %s (module %s) failed", tool.name, module)
            raise ToolError(
                f"{tool.name} failed ({type(exc).__name__}: {clip(str(exc), 300)})"
            ) from None
        if isinstance(result, ToolMessage):
            if result.status == "error":
                raise ToolError(clip(str(result.content)))
            return result.content
        return result

    return run


@dataclass(frozen=True)
class ToolOutcome:
    """One finished call: the text the model (or MCP client) gets, and whether it succeeded."""

    text: str
    ok: bool
    duration_ms: float


def _pydantic_message(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors()[:5]:
        where = ".".join(str(p) for p in error["loc"]) or "(arguments)"
        parts.append(f"{where}: {error['msg']}")
    return "invalid arguments: " + "; ".join(parts)


async def invoke_tool(
    tool: BaseTool, arguments: dict[str, Any], *, timeout: float, output_chars: int
) -> ToolOutcome:
    """Run one call as call-tool does: validate, time-limit, cap; never raises.

    The texts match agent mode's tool messages: ``Error: ...`` for a failure (bad arguments, a
    :class:`ToolError`, a timeout, a crash), the result dumped and truncated otherwise.
    """
    started = time.perf_counter()

    def outcome(text: str, ok: bool) -> ToolOutcome:
        return ToolOutcome(text, ok, round((time.perf_counter() - started) * 1000, 2))

    if not isinstance(arguments, dict):
        return outcome("Error: invalid arguments: (arguments): must be an object", False)
    try:
        schema = tool.args_schema
        if isinstance(schema, type) and issubclass(schema, BaseModel):
            schema.model_validate(arguments)
        result = await asyncio.wait_for(tool.ainvoke(arguments), timeout=timeout)
    except ValidationError as exc:
        return outcome(f"Error: {_pydantic_message(exc)}", False)
    except ToolError as exc:
        return outcome(f"Error: {exc}", False)
    except TimeoutError:
        return outcome(f"Error: {tool.name} took longer than {timeout:g} s and was stopped", False)
    except Exception as exc:
        log.exception("tool %s failed", tool.name)
        return outcome(f"Error: {tool.name} failed ({type(exc).__name__})", False)
    return outcome(dump_result(result, output_chars), True)


def render_mcp_content(content: Any, artifact: Any = None) -> str:
    """The text of an MCP tool result as converted by the adapters (content blocks).

    Text blocks are joined with newlines; images and files are named, not inlined (the model
    cannot read base64); with no text at all, the structured content as JSON.
    """
    if isinstance(content, str):
        return content
    parts: list[str] = []
    for block in content or []:
        if isinstance(block, str):
            parts.append(block)
        elif isinstance(block, dict):
            kind = block.get("type")
            if kind == "text":
                parts.append(str(block.get("text", "")))
            else:
                mime = block.get("mime_type") or "unknown type"
                where = f" at {block['url']}" if block.get("url") else ""
                parts.append(f"[{kind} ({mime}){where} not shown]")
    if not any(parts) and isinstance(artifact, dict) and artifact.get("structured_content"):
        return json.dumps(artifact["structured_content"], ensure_ascii=False, default=str)
    return "\n".join(parts)
