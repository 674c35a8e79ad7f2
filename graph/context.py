"""What a run needs besides its state.

- :class:`Context`: per-run settings, passed as ``context=`` and read through ``Runtime[Context]``.
- :class:`Deps`: what the nodes are built with (the model backends, the tools), given once to each
  node by the builder (``functools.partial``). A node asks ``deps.backend_for(ctx)`` for the
  backend of its run: the chain of the model the run chose, fallbacks included
  (:class:`backends.pool.Routed`), so no node knows which server answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

from langchain_core.tools import BaseTool

from backends.pool import BackendPool, Routed
from nodes.validation import ToolSpec

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
    model: str | None = None
    """The backend the run asks first (a models-file entry's name); its fallbacks follow.
    None: the default entry."""

    @cached_property
    def client_specs(self) -> tuple[ToolSpec, ...]:
        """The client's tools as the model sees them, converted once per run."""
        return tuple(ToolSpec.from_openai(spec) for spec in self.client_tools or ())

    @property
    def client_mode(self) -> bool:
        """Tool-call mode: the run decides calls for the client's tools and executes nothing."""
        return self.client_tools is not None


@dataclass(frozen=True)
class Deps:
    """The parts every node is built with: one per compiled graph, shared by its runs."""

    pool: BackendPool
    """The model backends by name (each with its retries, circuit breaker and learned quirks)
    and their fallback chains."""
    tools: Mapping[str, BaseTool]
    """The built-in tools by name: what call-tool runs."""
    specs: tuple[ToolSpec, ...]
    """The built-in tools as the model sees them, converted once."""
    defaults: Context
    """The context of a run that passes none (LangGraph Studio)."""

    def context(self, given: Context | None) -> Context:
        return given if given is not None else self.defaults

    def backend_for(self, ctx: Context) -> Routed:
        """The run's backend: the chain of the model it chose (the default when it chose none)."""
        return self.pool.routed(ctx.model)

    def run_specs(self, ctx: Context) -> list[ToolSpec]:
        """The tools on offer in this run: the client's own in tool-call mode, else the built-ins."""
        return list(ctx.client_specs if ctx.client_mode else self.specs)
