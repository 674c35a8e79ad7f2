"""Helpers the nodes share: call identity and tool-call messages."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, ToolMessage

from nodes.conversation import current_turn


def call_signature(name: str, args: dict[str, Any]) -> str:
    return name + json.dumps(args, sort_keys=True, ensure_ascii=False, default=str)


def calls_made_this_turn(messages: Sequence[BaseMessage]) -> set[str]:
    """Signatures of the tool calls already made since the last user message."""
    made = set()
    for message in current_turn(messages):
        if isinstance(message, AIMessage):
            for call in message.tool_calls:
                made.add(call_signature(call["name"], call["args"]))
    return made


def tools_ran_this_turn(messages: Sequence[BaseMessage]) -> bool:
    return any(isinstance(m, ToolMessage) for m in current_turn(messages))


def new_call_id() -> str:
    return f"call_{uuid.uuid4().hex[:24]}"


def pending_tool_calls(messages: Sequence[BaseMessage]) -> bool:
    """True when the last message is an AI message whose tool calls have not run yet."""
    return bool(messages) and isinstance(messages[-1], AIMessage) and bool(messages[-1].tool_calls)
