"""The conversation as the nodes read it: the current turn, the prompt window, the tool list."""

from __future__ import annotations

from collections.abc import Sequence

from langchain_core.messages import AIMessage, AnyMessage, BaseMessage, HumanMessage, ToolMessage

from backends.messages import message_text
from nodes.parsers import HARMONY_TOKEN, strip_harmony
from tools.specs import ToolSpec


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


UNANSWERED = "Error: not run: the user moved on before deciding on this call."


def window(messages: Sequence[AnyMessage], limit: int) -> list[AnyMessage]:
    """The most recent ``limit`` messages, never starting inside a tool exchange, with a tool
    message for every tool call (see :func:`answer_every_call`), and assistant messages without
    Harmony markers (see :func:`plain_assistant`)."""
    recent = list(messages[-limit:])
    while recent and isinstance(recent[0], ToolMessage):
        recent.pop(0)
    return [plain_assistant(m) for m in answer_every_call(recent)]


def plain_assistant(message: AnyMessage) -> AnyMessage:
    """An assistant message as the model should see it again: a client that keeps a gpt-oss
    reply as it came (``<|channel|>analysis<|message|>...<|channel|>final<|message|>...``) sends
    the markers back, and gpt-oss's chat template refuses such a history on every request
    (ml-explore/mlx-lm via llm-mlx #24). Only the final channel's text goes back."""
    if not isinstance(message, AIMessage) or not isinstance(message.content, str):
        return message
    if not HARMONY_TOKEN.search(message.content):
        return message
    return message.model_copy(update={"content": strip_harmony(message.content)})


def answer_every_call(messages: Sequence[AnyMessage]) -> list[AnyMessage]:
    """The messages with an error tool message after each tool call that has none: a call left
    waiting for approval when the user sent a new message instead. Strict backends refuse a
    request whose assistant tool call has no tool message. Calls at the very end are left as they
    are: they are about to run."""
    fixed: list[AnyMessage] = []
    open_calls: list[dict[str, str]] = []

    def close() -> None:
        for call in open_calls:
            fixed.append(
                ToolMessage(
                    content=UNANSWERED, tool_call_id=call["id"], name=call["name"], status="error"
                )
            )
        open_calls.clear()

    for message in messages:
        if isinstance(message, ToolMessage):
            open_calls[:] = [c for c in open_calls if c["id"] != message.tool_call_id]
        else:
            close()
        fixed.append(message)
        if isinstance(message, AIMessage) and message.tool_calls:
            open_calls.extend({"id": c["id"] or "", "name": c["name"]} for c in message.tool_calls)
    return fixed  # calls still open at the end are this step's, about to run


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
