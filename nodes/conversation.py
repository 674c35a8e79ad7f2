"""The conversation as the nodes read it: the current turn, the prompt window, the tool list."""

from __future__ import annotations

from collections.abc import Sequence

from langchain_core.messages import AnyMessage, BaseMessage, HumanMessage, ToolMessage

from backends.messages import message_text
from nodes.validation import ToolSpec


def last_human_index(messages: Sequence[BaseMessage]) -> int:
    for index in range(len(messages) - 1, -1, -1):
        if isinstance(messages[index], HumanMessage):
            return index
    return -1


def current_turn(messages: Sequence[BaseMessage]) -> list[BaseMessage]:
    """The messages after the last user message (this turn's tool calls and results)."""
    return list(messages[last_human_index(messages) + 1 :])


def last_user_text(messages: Sequence[BaseMessage]) -> str:
    index = last_human_index(messages)
    return message_text(messages[index]) if index >= 0 else ""


def window(messages: Sequence[AnyMessage], limit: int) -> list[AnyMessage]:
    """The most recent ``limit`` messages, never starting inside a tool exchange."""
    recent = list(messages[-limit:])
    while recent and isinstance(recent[0], ToolMessage):
        recent.pop(0)
    return recent


def trim_to_window(messages: Sequence[BaseMessage], limit: int) -> list[str]:
    """Ids of the messages to drop so the state keeps about ``limit`` messages, cut at a user
    message so no tool exchange is split. The full transcript lives in the store; the working
    state only needs what the prompt window can use, so a turn costs the same at any length."""
    if len(messages) <= limit:
        return []
    cut = len(messages) - limit
    while cut < len(messages) and not isinstance(messages[cut], HumanMessage):
        cut += 1
    if cut >= len(messages):  # one turn longer than the window: keep it whole
        cut = last_human_index(messages)
    return [str(m.id) for m in messages[:cut] if m.id]


def tool_list_text(specs: Sequence[ToolSpec]) -> str:
    """One line per tool: name, arguments with their types, first line of the description."""
    lines = []
    for spec in specs:
        props = spec.parameters.get("properties") or {}
        required = set(spec.required)
        args = ", ".join(
            f"{name}{'' if name in required else '?'}: {schema.get('type', 'any')}"
            for name, schema in props.items()
        )
        summary = " ".join(spec.description.split())[:200]
        lines.append(f"- {spec.name}({args}): {summary}")
    return "\n".join(lines)
