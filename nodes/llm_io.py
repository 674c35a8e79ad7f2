"""How the nodes talk to the model: prompt windows, tool lists, and backend quirks found at run time.

Nothing here knows which server it talks to. Capabilities are discovered from replies: a
backend that rejects tool messages in the history gets them as plain text from then on; one
that rejects ``response_format: json_schema`` (llama.cpp answers 500) gets ``json_object`` with
a schema, and one that rejects both gets the schema in the prompt. Replies are always validated.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

import openai
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import (
    AIMessage,
    AnyMessage,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)

from nodes.parsers import _loads_object
from nodes.resilience import RetryPolicy
from nodes.validation import ToolSpec

log = logging.getLogger(__name__)

INTERNAL_TAG = "toolloom:internal"
ANSWER_TAG = "toolloom:answer"
# route's reply: the answer if no tool is needed, but it may still turn into a tool call, so a
# surface that streams it must be able to take it back (the web page does; /v1 does not).
DRAFT_TAG = "toolloom:draft"
_STRUCTURED_MODES = ("json_schema", "json_object", "prompt")
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


def _is_request_rejection(exc: Exception) -> bool:
    """The backend refused the request's shape (not an outage): 400, 422 or a 500 about it."""
    return isinstance(exc, openai.BadRequestError | openai.UnprocessableEntityError) or (
        isinstance(exc, openai.InternalServerError)
        and any(w in str(exc).lower() for w in ("validation", "harmony", "input should", "schema"))
    )


class Backend:
    """A chat model plus what this process has learnt about the server behind it."""

    def __init__(self, llm: BaseChatModel, policy: RetryPolicy | None = None) -> None:
        self.llm = llm
        self.policy = policy or RetryPolicy()
        self.flatten_history = False
        self.structured_mode: str | None = None

    async def _invoke(self, model: Any, messages: Sequence[BaseMessage]) -> Any:
        """One call through the retry loop and the circuit breaker (the attempt number goes to
        the callbacks' metadata, so the LLM log line shows retries)."""

        async def attempt(n: int) -> Any:
            return await model.with_config(metadata={"toolloom_attempt": n}).ainvoke(
                self._prepare(messages)
            )

        return await self.policy.run(attempt)

    def _prepare(self, messages: Sequence[BaseMessage]) -> list[BaseMessage]:
        return flatten_tool_history(messages) if self.flatten_history else list(messages)

    async def chat(
        self,
        messages: Sequence[BaseMessage],
        *,
        tools: Sequence[ToolSpec] = (),
        tool_choice: Any = None,
        tags: Sequence[str] = (INTERNAL_TAG,),
    ) -> AIMessage:
        """One chat completion; retried once with a plain-text history if the shape is refused."""
        model: Any = self.llm
        if tools:
            kwargs: dict[str, Any] = {}
            if tool_choice not in (None, "auto"):
                kwargs["tool_choice"] = tool_choice
            model = model.bind_tools([spec.to_openai() for spec in tools], **kwargs)
        model = model.with_config(tags=list(tags))
        flattened = self.flatten_history  # the shape this request is sent in
        try:
            reply = await self._invoke(model, messages)
        except Exception as exc:
            # Decided by what *this* request sent: a concurrent request may have switched the
            # shape meanwhile, and this one must still be sent again in the new shape.
            if flattened or not _is_request_rejection(exc):
                raise
            # Not a retry of the same request: a different shape, once per process.
            log.info(
                "backend refused the history's shape (%s); sending tool turns as text",
                type(exc).__name__,
            )
            self.flatten_history = True
            reply = await self._invoke(model, messages)
        if not isinstance(reply, AIMessage):
            reply = AIMessage(content=message_text(reply))
        return reply

    async def json_object(
        self, messages: Sequence[BaseMessage], schema: dict[str, Any]
    ) -> dict[str, Any] | None:
        """A JSON object from the model, constrained by ``schema`` where the backend allows.

        Returns the decoded object or None; the caller validates it.
        """
        known = self.structured_mode  # what this request starts from (others may learn meanwhile)
        modes = [known] if known else list(_STRUCTURED_MODES)
        for mode in modes:
            assert mode is not None
            model: Any = self.llm
            if mode == "json_schema":
                model = model.bind(
                    response_format={
                        "type": "json_schema",
                        "json_schema": {"name": "tool_choice", "schema": schema},
                    }
                )
            elif mode == "json_object":
                model = model.bind(response_format={"type": "json_object", "schema": schema})
            prompt = list(messages)
            if mode == "prompt":
                prompt.append(
                    SystemMessage(content="Reply with JSON only, matching: " + json.dumps(schema))
                )
            try:
                reply = await self._invoke(model.with_config(tags=[INTERNAL_TAG]), prompt)
            except openai.LengthFinishReasonError:
                # The reply hit max_tokens before the JSON was complete (a small model rambling):
                # no structured answer, not a failed request.
                log.info("structured reply cut at the token limit (mode %s)", mode)
                self.structured_mode = mode
                return None
            except Exception as exc:
                if known or not _is_request_rejection(exc):
                    raise
                log.info("backend refused response_format mode %s (%s)", mode, type(exc).__name__)
                continue
            self.structured_mode = mode
            value = _loads_object(message_text(reply).strip().strip("`").removeprefix("json"))
            return value if isinstance(value, dict) else None
        return None
