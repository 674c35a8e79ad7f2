"""Message helpers shared by the backend and the nodes."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

CALLED_MARK = "[called "  # how a flattened history writes a tool call
RESULT_MARK = "[result of "  # ... and a tool result


def message_text(message: BaseMessage) -> str:
    """The text of a message, whatever shape its content has."""
    content = message.content
    if isinstance(content, str):
        return content
    parts = []
    for part in content:
        if isinstance(part, str):
            parts.append(part)
        elif isinstance(part, dict) and part.get("type") == "text":
            parts.append(str(part.get("text", "")))
    return "".join(parts)


def loads_first(text: str) -> Any:
    """Decode the first JSON value in ``text`` (ignoring anything after it), or None."""
    text = text.strip()
    if not text:
        return None
    try:
        value, _ = json.JSONDecoder().raw_decode(text)
    except (json.JSONDecodeError, RecursionError):
        return None
    return value


def has_tool_turns(messages: Sequence[BaseMessage]) -> bool:
    """Whether the history holds tool calls or tool results (what some backends refuse)."""
    return any(
        isinstance(m, ToolMessage) or (isinstance(m, AIMessage) and m.tool_calls) for m in messages
    )


def flatten_tool_history(messages: Sequence[BaseMessage]) -> list[BaseMessage]:
    """Tool calls and results as plain text, for backends that reject tool messages."""
    flat: list[BaseMessage] = []
    for message in messages:
        if isinstance(message, AIMessage) and message.tool_calls:
            calls = "; ".join(
                f"{call['name']}({json.dumps(call['args'], ensure_ascii=False)})"
                for call in message.tool_calls
            )
            text = message_text(message).strip()
            flat.append(AIMessage(content=f"{text}\n{CALLED_MARK}{calls}]".strip()))
        elif isinstance(message, ToolMessage):
            flat.append(
                HumanMessage(
                    content=f"{RESULT_MARK}{message.name or 'tool'}] {message_text(message)}"
                )
            )
        else:
            flat.append(message)
    return flat
