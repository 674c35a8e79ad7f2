"""An assistant is a configuration of the graph: what a run made with it starts from.

An assistant's ``context`` (or, as LangGraph >= 0.6 keeps them in step, its
``config.configurable``) may set:

- ``model``: a name of the models file (``GET /v1/models`` lists them);
- ``tools``: the server's tools the run may offer and call (the others are not shown to the
  model, and not run);
- ``side_effects``: ``grounded``, ``ask`` or ``allow``, never looser than the server's
  ``TOOLLOOM_SIDE_EFFECTS`` (an assistant may only tighten it), and ``approve_tools``: tools
  whose every call waits for a person, besides the server's own;
- the limits ``max_steps``, ``max_tool_calls``, ``tool_timeout``, ``tool_output_chars``,
  ``history_messages`` (never above the server's);
- ``instructions``: extra instructions for the model, after its fixed system prompt.

:func:`check_assistant_context` checks them (a 422 that names the key) when an assistant is made
or changed, and again when a run uses it (the models file may have changed since);
:func:`resolve_assistant_config` turns a run's ``assistant_id`` into the assistant's id and these
overrides, which the run's own ``context`` then overrides in turn (within the same bounds). The
graph's default assistant (``agent``) has none: it is the graph as the server's settings make it.
"""

from __future__ import annotations

import asyncio
from typing import Any

from backends.pool import UnknownModel
from server.agentserver.shapes import ASSISTANT_ID, GRAPH_ID, is_uuid
from server.api_error import ApiError
from server.auth.api_keys import Principal
from server.runtime import AgentRuntime
from server.storage.assistant_store import AssistantNotFound

LIMITS = ("max_steps", "max_tool_calls", "tool_timeout", "tool_output_chars", "history_messages")
KEYS = (*LIMITS, "model", "tools", "side_effects", "approve_tools", "instructions")
POLICIES = ("grounded", "ask", "allow")
"""From the strictest to the loosest."""
MAX_INSTRUCTIONS = 8000
NOT_FOUND = "Thread or assistant not found."


def _names(runtime: AgentRuntime, key: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ApiError(422, f"context.{key}: a list of tool names is required")
    known = {tool.name for tool in runtime.toolbox.tools}
    unknown = sorted(set(value) - known)
    if unknown:
        raise ApiError(
            422,
            f"context.{key}: no tool is named {', '.join(unknown)} (GET /tools lists the "
            "server's tools)",
        )
    return sorted(set(value))


def check_assistant_context(runtime: AgentRuntime, context: dict[str, Any]) -> dict[str, Any]:
    """The assistant's context, checked against the server (see the module docstring)."""
    unknown = sorted(set(context) - set(KEYS))
    if unknown:
        raise ApiError(
            422,
            f"context: unknown key(s) {', '.join(unknown)}; an assistant's context takes "
            f"{', '.join(KEYS)}",
        )
    base = runtime.context
    checked: dict[str, Any] = {}
    for key, value in context.items():
        if value is None:
            continue
        if key in LIMITS:
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise ApiError(422, f"context.{key}: a positive number is required")
            limit = getattr(base, key)
            checked[key] = type(limit)(min(value, limit))
        elif key == "model":
            if not isinstance(value, str):
                raise ApiError(422, "context.model: a model's name (GET /v1/models lists them)")
            try:
                checked[key] = runtime.pool.resolve(value)
            except UnknownModel as exc:
                raise ApiError(
                    422,
                    f"context.model: unknown model {value!r}; valid models: {', '.join(exc.valid)}",
                ) from None
        elif key == "tools":
            checked[key] = _names(runtime, key, value)
        elif key == "approve_tools":
            checked[key] = sorted(set(base.approve_tools) | set(_names(runtime, key, value)))
        elif key == "side_effects":
            if value not in POLICIES:
                raise ApiError(422, "context.side_effects: one of grounded, ask, allow")
            if POLICIES.index(value) > POLICIES.index(base.side_effects):
                raise ApiError(
                    422,
                    f"context.side_effects: the server's policy is {base.side_effects!r}; an "
                    "assistant may only tighten it",
                )
            checked[key] = value
        else:  # instructions
            if not isinstance(value, str) or len(value) > MAX_INSTRUCTIONS:
                raise ApiError(
                    422, f"context.instructions: a text of at most {MAX_INSTRUCTIONS} characters"
                )
            checked[key] = value
    checked["enabled_tools"] = checked.pop("tools", None)
    if checked["enabled_tools"] is None:
        del checked["enabled_tools"]
    return checked


def assistant_context(config: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    """What an assistant sets: its ``context``, or its ``config.configurable`` (the reference
    keeps them in step; both set is a 400)."""
    configurable = (config or {}).get("configurable") or {}
    if configurable and context and configurable != context:
        raise ApiError(
            400,
            "Cannot specify both configurable and context. Prefer setting context alone. "
            "Context was introduced in LangGraph 0.6.0 and is the long term planned replacement "
            "for configurable.",
        )
    return dict(context or configurable)


async def resolve_assistant_config(
    runtime: AgentRuntime, caller: Principal, assistant_id: str
) -> tuple[str, dict[str, Any]]:
    """The assistant's id and the context overrides it gives a run: none for the graph's default
    assistant (its id or the graph's name); an unknown or another key's UUID is a 404, anything
    else a 422 (as the reference answers)."""
    if assistant_id in (GRAPH_ID, ASSISTANT_ID):
        return ASSISTANT_ID, {}
    if not is_uuid(assistant_id):
        raise ApiError(
            422,
            f"Invalid assistant: '{assistant_id}'. Must be either: a valid assistant UUID, or "
            f"one of the registered graphs: ['{GRAPH_ID}']",
        )
    assistants = runtime.assistants
    if assistants is None:
        raise ApiError(404, NOT_FOUND)
    try:
        found = await asyncio.to_thread(assistants.get, assistant_id, caller.name)
    except AssistantNotFound:
        raise ApiError(404, NOT_FOUND) from None
    preset = check_assistant_context(runtime, assistant_context(found.config, found.context))
    return found.assistant_id, preset
