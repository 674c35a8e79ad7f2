"""Checking a candidate tool call against the tools on offer: known name, arguments that fit."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool

MAX_ARGUMENT_CHARS = 64_000


@dataclass(frozen=True)
class ToolSpec:
    """A tool as the model sees it: name, description and JSON schema of its arguments."""

    name: str
    description: str
    parameters: dict[str, Any]

    @classmethod
    def from_tool(cls, tool: BaseTool) -> ToolSpec:
        function = convert_to_openai_tool(tool)["function"]
        return cls(
            name=function["name"],
            description=function.get("description", ""),
            parameters=function.get("parameters") or {"type": "object", "properties": {}},
        )

    @classmethod
    def from_openai(cls, spec: dict[str, Any]) -> ToolSpec:
        """From an OpenAI ``{"type": "function", "function": {...}}`` entry."""
        function = spec.get("function", spec)
        return cls(
            name=function["name"],
            description=function.get("description") or "",
            parameters=function.get("parameters") or {"type": "object", "properties": {}},
        )

    @cached_property
    def openai(self) -> dict[str, Any]:
        """The OpenAI tool definition, built once (it is sent with every model call)."""
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": self.parameters,
            },
        }

    @property
    def required(self) -> list[str]:
        return list(self.parameters.get("required") or [])


@lru_cache(maxsize=256)
def _validator(schema_json: str) -> Draft202012Validator:
    schema = json.loads(schema_json)
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError:
        schema = {"type": "object"}
    return Draft202012Validator(schema)


def _key(name: str) -> str:
    name = name.strip()
    name = name.removeprefix("functions.").removeprefix("function.")
    return name.lower().replace("-", "_")


def match_tool(name: str, specs: Sequence[ToolSpec]) -> ToolSpec | None:
    """The spec a model meant by ``name`` (exact, or ignoring case, ``functions.`` and -/_)."""
    for spec in specs:
        if spec.name == name:
            return spec
    wanted = _key(name)
    for spec in specs:
        if _key(spec.name) == wanted:
            return spec
    return None


def argument_errors(spec: ToolSpec, arguments: dict[str, Any]) -> list[str]:
    """Schema violations of ``arguments``, each naming the field; empty when they fit."""
    if len(json.dumps(arguments, default=str)) > MAX_ARGUMENT_CHARS:
        return [f"arguments are longer than {MAX_ARGUMENT_CHARS} characters"]
    validator = _validator(json.dumps(spec.parameters, sort_keys=True))
    errors = []
    for error in sorted(validator.iter_errors(arguments), key=lambda e: list(e.path)):
        where = ".".join(str(p) for p in error.path) or "(arguments)"
        errors.append(f"{where}: {error.message}")
    return errors[:10]


# What a Harmony parser leaves in a tool name: a channel after it (``get_weather<|channel|>
# commentary``, vllm-project/vllm #32587), or a role and channel instead of it
# (``assistant<|channel|>analysis``, ollama/ollama #11704).
_NOT_NAMES = frozenset({"", "assistant", "analysis", "commentary", "final", "user", "system"})


def tool_name(name: str) -> str:
    """The tool name a model wrote, without Harmony tokens and what follows them; ``""`` when
    what is left is a role or a channel, not a name."""
    head = name.split("<|", 1)[0].strip()
    return "" if head.lower() in _NOT_NAMES else head


def fits(spec: ToolSpec, arguments: dict[str, Any]) -> bool:
    """Arguments that can only mean this tool: not empty, every key one of its parameters, every
    required one present, all valid under its schema."""
    properties = spec.parameters.get("properties") or {}
    return (
        bool(arguments)
        and set(arguments) <= set(properties)
        and not argument_errors(spec, arguments)
    )


def resolve_tool(
    name: str, arguments: dict[str, Any], specs: Sequence[ToolSpec], mentions: str = ""
) -> ToolSpec | None:
    """The offered tool a found call is for. A call with a name: that tool (:func:`match_tool`,
    Harmony tokens removed from the name). A call with none (bare arguments, a name that is only
    a Harmony role or channel): the tool its arguments :func:`fits`, only when that is the only
    tool on offer, or the one tool among those they fit that ``mentions`` (the reply's own
    words) names. Anything less certain is no call."""
    cleaned = tool_name(name)
    if cleaned:
        return match_tool(cleaned, specs)
    fitting = [spec for spec in specs if fits(spec, arguments)]
    if len(specs) == 1:
        return fitting[0] if fitting else None
    named = [spec for spec in fitting if re.search(rf"(?<!\w){re.escape(spec.name)}\b", mentions)]
    return named[0] if len(named) == 1 else None
