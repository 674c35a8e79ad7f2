"""Per-run settings, passed as ``context=`` and read through ``Runtime[Context]``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

ToolChoice = Literal["auto", "none", "required"] | dict[str, Any]


@dataclass(frozen=True)
class Context:
    """Limits and mode of one run. The server fills the defaults from its settings."""

    max_steps: int = 6
    """Passes through route per run."""
    max_tool_calls: int = 8
    """Tool calls per run."""
    tool_timeout: float = 15.0
    """Seconds one tool call may take."""
    tool_output_chars: int = 8000
    """Longest tool result handed to the model."""
    history_messages: int = 40
    """Most recent messages sent to the model in one prompt."""
    client_tools: list[dict[str, Any]] | None = None
    """Tool-call mode: the client's own tools (OpenAI format). Set: nothing is executed and the
    run ends with the tool calls for the client to run."""
    tool_choice: ToolChoice = "auto"
    """Tool-call mode: OpenAI's tool_choice."""
    parallel_tool_calls: bool = True
    """Tool-call mode: whether the reply may carry several calls."""
