"""What every built-in tool shares: the error type, result shaping and size limits."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TRUNCATION_MARKER = "…[truncated: {omitted} more characters]"


class ToolError(Exception):
    """A clear, expected failure of a tool call; its message goes back to the model."""


def check_input_size(field: str, value: str, limit: int) -> None:
    """Refuse an argument longer than ``limit`` characters, naming the field."""
    if len(value) > limit:
        raise ToolError(f"{field}: {len(value)} characters is over the limit of {limit}")


def truncate(text: str, limit: int) -> str:
    """Cut ``text`` to ``limit`` characters, ending with a marker that says how much was cut."""
    if len(text) <= limit:
        return text
    marker = TRUNCATION_MARKER.format(omitted=len(text) - limit)
    return text[: max(0, limit - len(marker))] + marker


def dump_result(result: Any, limit: int) -> str:
    """Serialise a tool result for the model: compact JSON (strings as they are), truncated."""
    text = (
        result
        if isinstance(result, str)
        else json.dumps(result, ensure_ascii=False, default=str, separators=(",", ":"))
    )
    return truncate(text, limit)


@dataclass(frozen=True)
class ToolConfig:
    """Server-side settings the tools need; never visible to the model."""

    workspace: Path = Path("workspace")
    sandbox_db: Path = Path("sandbox.db")
    timeout: float = 15.0
    output_chars: int = 8000
