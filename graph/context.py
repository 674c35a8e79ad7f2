"""What a run needs besides its state.

- :class:`Context`: per-run settings, passed as ``context=`` and read through ``Runtime[Context]``.
- :class:`Deps`: what the nodes are built with (the model backends, the tools), given once to each
  node by the builder (``functools.partial``). A node asks ``deps.backend_for(ctx)`` for the
  backend of its run: the chain of the model the run chose, fallbacks included
  (:class:`backends.pool.Routed`), so no node knows which server answers.

The tools are read from a :class:`ToolSource` at every use, not frozen into the graph: a
toolbox whose MCP server comes up after start-up (:class:`tools.toolbox.Toolbox`) hands its new
tools to the very next run, and the compiled graphs, the LangServe handler and the run recovery
that hold them never need rebuilding. The name map and the model-facing specs are converted once
per change of the source's ``version``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal, Protocol

from langchain_core.tools import BaseTool

from backends.pool import BackendPool, Routed
from intent.model import IntentModel
from tools.memory import MEMORY_TOOLS
from tools.specs import ToolSpec

ToolChoice = Literal["auto", "none", "required"] | dict[str, Any]
SideEffects = Literal["grounded", "ask", "allow"]
"""What happens to a side-effecting call the user's message did not ask for: ``grounded`` (not
run; the model and the user are told), ``ask`` (the run waits for a person), ``allow`` (run)."""


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
    side_effects: SideEffects = "grounded"
    """TOOLLOOM_SIDE_EFFECTS: the policy for calls that change something the user did not ask
    to change (see :mod:`nodes.side_effects`)."""
    approve_tools: frozenset[str] = frozenset()
    """TOOLLOOM_APPROVE_TOOLS: tools whose every call waits for a person, asked for or not."""
    can_pause: bool = True
    """Whether the run can wait for a person (it needs a checkpointed thread): a stateless
    ``/v1`` request cannot, so a call that would wait is held back instead."""
    enabled_tools: frozenset[str] | None = None
    """The server's tools this run may offer and call (an assistant's ``tools``); None: all of
    them. A tool left out is neither shown to the model nor run."""
    instructions: str = ""
    """Extra instructions for the model (an assistant's), after the fixed system prompt."""
    memory_namespace: tuple[str, ...] | None = None
    """Where the caller's long-term memories are kept in the graph's store (set by the server
    from the caller's key, never by a client); None: this run neither saves nor recalls."""

    def __post_init__(self) -> None:
        # A stored run's context comes back from JSON: lists where sets and tuples were.
        for name in ("enabled_tools", "approve_tools"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, frozenset):
                object.__setattr__(self, name, frozenset(value))
        if self.memory_namespace is not None and not isinstance(self.memory_namespace, tuple):
            object.__setattr__(self, "memory_namespace", tuple(self.memory_namespace))

    def allows_tool(self, name: str) -> bool:
        """Whether the server's tool ``name`` is on offer in this run."""
        return self.enabled_tools is None or name in self.enabled_tools

    @cached_property
    def client_specs(self) -> tuple[ToolSpec, ...]:
        """The client's tools as the model sees them, converted once per run."""
        return tuple(ToolSpec.from_openai(spec) for spec in self.client_tools or ())

    @property
    def client_mode(self) -> bool:
        """Tool-call mode: the run decides calls for the client's tools and executes nothing."""
        return self.client_tools is not None


class ToolSource(Protocol):
    """Where a graph's tools come from: ``tools`` is the current list, ``version`` changes
    whenever it does (:class:`tools.toolbox.Toolbox` is one)."""

    @property
    def version(self) -> int: ...

    @property
    def tools(self) -> list[BaseTool]: ...


@dataclass(frozen=True)
class FixedTools:
    """A tool list that never changes (tests, Studio, the eval runner without MCP servers)."""

    fixed: tuple[BaseTool, ...]
    version: int = 0

    @property
    def tools(self) -> list[BaseTool]:
        return list(self.fixed)


@dataclass(frozen=True)
class Joined:
    """A source and a few fixed tools after it (the memory tools beside the toolbox)."""

    source: ToolSource
    extra: tuple[BaseTool, ...]

    @property
    def version(self) -> int:
        return self.source.version

    @property
    def tools(self) -> list[BaseTool]:
        return [*self.source.tools, *self.extra]


def tool_source(tools: Sequence[BaseTool] | ToolSource) -> ToolSource:
    """``tools`` as a :class:`ToolSource` (a plain list becomes :class:`FixedTools`)."""
    if isinstance(tools, Sequence):
        return FixedTools(tuple(tools))
    return tools


@dataclass(frozen=True)
class ToolView:
    """One version of a source's tools, converted for the nodes."""

    version: int
    by_name: Mapping[str, BaseTool]
    specs: tuple[ToolSpec, ...]
    builtin_specs: tuple[ToolSpec, ...]

    @classmethod
    def of(cls, source: ToolSource) -> ToolView:
        version, tools = source.version, source.tools
        specs = tuple(ToolSpec.from_tool(tool) for tool in tools)
        builtin = tuple(
            spec
            for spec, tool in zip(specs, tools, strict=True)
            if (tool.metadata or {}).get("source", "builtin") == "builtin"
        )
        return cls(version, {tool.name: tool for tool in tools}, specs, builtin)


@dataclass
class _ViewCache:
    view: ToolView | None = None


@dataclass(frozen=True)
class Deps:
    """The parts every node is built with: one per compiled graph, shared by its runs."""

    pool: BackendPool
    """The model backends by name (each with its retries, circuit breaker and learned quirks)
    and their fallback chains."""
    source: ToolSource
    """Every tool the graph runs (built-ins, Python tools, MCP tools), read at each use."""
    defaults: Context
    """The context of a run that passes none (LangGraph Studio)."""
    intent: IntentModel | None = None
    """The learned intent model for the built-in tools (None: the patterns only)."""
    _cache: _ViewCache = field(default_factory=_ViewCache, repr=False, compare=False)

    @property
    def view(self) -> ToolView:
        """The source's current tools, converted once per version."""
        view = self._cache.view
        if view is None or view.version != self.source.version:
            view = self._cache.view = ToolView.of(self.source)
        return view

    @property
    def tools(self) -> Mapping[str, BaseTool]:
        """The tools by name: what call-tool runs."""
        return self.view.by_name

    @property
    def specs(self) -> tuple[ToolSpec, ...]:
        """The tools as the model sees them."""
        return self.view.specs

    @property
    def builtin_specs(self) -> tuple[ToolSpec, ...]:
        """The enabled built-ins among them (the only tools detect-intent's patterns know)."""
        return self.view.builtin_specs

    def context(self, given: Context | None) -> Context:
        return given if given is not None else self.defaults

    def backend_for(self, ctx: Context) -> Routed:
        """The run's backend: the chain of the model it chose (the default when it chose none)."""
        return self.pool.routed(ctx.model)

    def run_specs(self, ctx: Context) -> list[ToolSpec]:
        """The tools on offer in this run: the client's own in tool-call mode, else the server's
        (those the run's context enables; the memory tools are offered by their own rules, see
        :mod:`nodes.recall`)."""
        if ctx.client_mode:
            return list(ctx.client_specs)
        return [s for s in self.specs if ctx.allows_tool(s.name) and s.name not in MEMORY_TOOLS]

    def run_tools(self, ctx: Context) -> Mapping[str, BaseTool]:
        """The tools this run may call, by name (the memory tools only where it has a memory)."""
        tools = self.tools
        if ctx.enabled_tools is None and ctx.memory_namespace is not None:
            return tools
        return {
            name: tool
            for name, tool in tools.items()
            if (name in MEMORY_TOOLS and ctx.memory_namespace is not None)
            or (name not in MEMORY_TOOLS and ctx.allows_tool(name))
        }

    def run_builtin_specs(self, ctx: Context) -> tuple[ToolSpec, ...]:
        """The enabled built-ins this run may use (what the intent model and patterns may call)."""
        if ctx.enabled_tools is None:
            return self.builtin_specs
        return tuple(s for s in self.builtin_specs if ctx.allows_tool(s.name))
