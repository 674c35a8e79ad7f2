"""What a stored run asks of the graph (:class:`GraphCall`, kept as the run's ``kwargs`` so any
replica can execute it) and the run's context as a request may set it."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

from langchain_core.messages import BaseMessage

from graph.context import Context
from server.api_error import ApiError
from server.road.approvals import command_of
from server.road.request import input_messages
from server.road.run import Given, Resume, RunInput

CONTEXT_LIMITS = ("max_steps", "max_tool_calls", "tool_timeout", "tool_output_chars",
                  "history_messages")  # fmt: skip
CONTEXT_MODE = ("client_tools", "tool_choice", "parallel_tool_calls", "model")


@dataclass
class GraphCall:
    """What a stored run (the Agent Server API) asks of the graph: the request's ``kwargs`` as
    ``langgraph-api`` stores them (:meth:`kwargs`), from which any replica can execute it."""

    input: Any = None
    command: dict[str, Any] | None = None
    stream_mode: list[str] = field(default_factory=lambda: ["values"])
    config: dict[str, Any] = field(default_factory=dict)
    """``configurable`` (the client's, minus reserved keys; ``checkpoint_id`` to start from a
    checkpoint), ``tags``, ``recursion_limit`` and the run's ``metadata``."""
    context: dict[str, Any] = field(default_factory=dict)
    """Overrides of the run's :class:`~graph.context.Context` (limits may only go down)."""
    interrupt_before: list[str] | str | None = None
    interrupt_after: list[str] | str | None = None
    subgraphs: bool = False
    durability: str | None = None
    """``sync``, ``async`` or ``exit``; None: the server's (``exit``: one checkpoint per run)."""
    temporary: bool = False
    """A stateless run's own thread, deleted when it ends."""
    resumable: bool = False
    webhook: str | None = None
    """Where the run's result is POSTed when it ends (:mod:`server.agentserver.webhooks`)."""

    def kwargs(self) -> dict[str, Any]:
        return {
            "input": self.input,
            "command": self.command,
            "config": self.config,
            "context": self.context,
            "stream_mode": self.stream_mode,
            "interrupt_before": self.interrupt_before,
            "interrupt_after": self.interrupt_after,
            "webhook": self.webhook,
            "feedback_keys": None,
            "temporary": self.temporary,
            "subgraphs": self.subgraphs,
            "resumable": self.resumable,
            "checkpoint_during": self.durability in ("async", "sync"),
            "durability": self.durability or "exit",
        }

    @classmethod
    def from_kwargs(cls, kwargs: dict[str, Any]) -> GraphCall:
        durability = kwargs.get("durability")
        return cls(
            input=kwargs.get("input"),
            command=kwargs.get("command"),
            stream_mode=list(kwargs.get("stream_mode") or ["values"]),
            config=dict(kwargs.get("config") or {}),
            context=dict(kwargs.get("context") or {}),
            interrupt_before=kwargs.get("interrupt_before"),
            interrupt_after=kwargs.get("interrupt_after"),
            subgraphs=bool(kwargs.get("subgraphs")),
            durability=None if durability == "exit" else durability,
            temporary=bool(kwargs.get("temporary")),
            resumable=bool(kwargs.get("resumable")),
            webhook=kwargs.get("webhook"),
        )

    def messages(self) -> list[BaseMessage]:
        """The input's messages as LangChain messages (each with an id from here on)."""
        return input_messages(self.input)

    def run_input(self) -> RunInput:
        """What the road is given for this call: a resume (with the rest of the command), or
        the input's messages with the graph's input as the client sent it."""
        if self.command and "resume" in self.command:
            rest = {k: v for k, v in self.command.items() if k != "resume"}
            return Resume(self.command["resume"], rest)
        given = self.messages()
        return Given(given, self.graph_input(given))

    def graph_input(self, given: list[BaseMessage]) -> Any:
        """The graph's input: a ``Command``, None (go on from the state), or the input with its
        messages as the client sent them (dicts stay dicts, as the reference passes them on),
        each with the id the transcript recorded it under."""
        if self.command:
            return command_of(self.command)
        if not isinstance(self.input, dict) or "messages" not in self.input:
            return self.input
        raw = self.input["messages"]
        raw = raw if isinstance(raw, list) else [raw]
        messages = [
            {**sent, "id": made.id} if isinstance(sent, dict) else made
            for sent, made in zip(raw, given, strict=False)
        ]
        return {**self.input, "messages": messages}


def run_context(base: Context, overrides: dict[str, Any]) -> dict[str, Any]:
    """The request's ``context``, checked: the run's limits (which may only go down from the
    server's), tool-call mode (``client_tools``, ``tool_choice``, ``parallel_tool_calls``) and
    the model (a name of the models file, checked by :func:`prepare_agent_run`)."""
    unknown = sorted(set(overrides) - set(CONTEXT_LIMITS) - set(CONTEXT_MODE))
    if unknown:
        raise ApiError(
            422,
            f"context: unknown key(s) {', '.join(unknown)}; the graph's context takes "
            f"{', '.join(CONTEXT_LIMITS + CONTEXT_MODE)}",
        )
    checked: dict[str, Any] = {}
    for key, value in overrides.items():
        if key in CONTEXT_LIMITS:
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise ApiError(422, f"context.{key}: a positive number is required")
            limit = getattr(base, key)
            checked[key] = type(limit)(min(value, limit))
        elif key == "client_tools" and not (
            value is None or (isinstance(value, list) and all(isinstance(t, dict) for t in value))
        ):
            raise ApiError(422, "context.client_tools: a list of tools (objects) is required")
        elif key == "parallel_tool_calls" and not isinstance(value, bool):
            raise ApiError(422, "context.parallel_tool_calls: true or false")
        elif key == "model" and not (value is None or isinstance(value, str)):
            raise ApiError(422, "context.model: a model's name (GET /v1/models lists them)")
        else:
            checked[key] = value
    return checked


def context_of(base: Context, checked: dict[str, Any]) -> Context:
    known = {f.name for f in fields(Context)}
    return replace(base, **{k: v for k, v in checked.items() if k in known})


def client_config(config: dict[str, Any], checkpoint_id: str | None) -> dict[str, Any]:
    """The client's config as a stored run keeps it: ``configurable`` without LangGraph's
    reserved keys (``__...``) and the thread, ``tags``, ``recursion_limit``."""
    configurable = {
        key: value
        for key, value in (config.get("configurable") or {}).items()
        if not str(key).startswith("__") and key not in ("thread_id", "run_id")
    }
    if checkpoint_id:
        configurable["checkpoint_id"] = checkpoint_id
    kept: dict[str, Any] = {"configurable": configurable}
    for key in ("tags", "recursion_limit"):
        if config.get(key) is not None:
            kept[key] = config[key]
    return kept
