"""A reasoning model's reasoning through ``/v1`` tool-call mode, both ways.

gpt-oss needs the reasoning of a tool-calling turn back on the next request (the Harmony format
renders it before the call; without it the model degrades, and Ollama answers a 500). In
tool-call mode the client holds the history, so toolloom hands the reasoning out beside the
calls, as ``reasoning_content`` (what vLLM calls it), and reads it back from the assistant
messages the client sends, as ``reasoning_content`` or ``reasoning`` (newer vLLM). A client that
appends the reply's message to its history as it is carries it without knowing. A call found
in the reasoning (gpt-oss's analysis channel) is not in what is handed out: it is a tool call.

The answer of a run (no calls) carries no reasoning: only a tool-calling turn's is needed back.
"""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessage

REASONING_KEY = "reasoning_content"
"""Where the model client keeps a reply's reasoning (``additional_kwargs``), and the field name
in replies."""
REASONING_FIELDS = ("reasoning_content", "reasoning")
"""The names clients and servers give it."""


def reasoning_out(message: AIMessage) -> dict[str, str]:
    """The field to add to a reply's assistant message (or a stream delta) that carries
    ``message``'s tool calls: ``{"reasoning_content": ...}``, or nothing."""
    reasoning = message.additional_kwargs.get(REASONING_KEY)
    if not message.tool_calls or not isinstance(reasoning, str) or not reasoning.strip():
        return {}
    return {REASONING_KEY: reasoning}


def reasoning_in(fields: dict[str, Any]) -> dict[str, str]:
    """The ``additional_kwargs`` for an assistant message a client sent with its reasoning in
    any of :data:`REASONING_FIELDS` (``fields``: the message as sent)."""
    for name in REASONING_FIELDS:
        value = fields.get(name)
        if isinstance(value, str) and value.strip():
            return {REASONING_KEY: value}
    return {}
