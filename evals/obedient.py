"""A model that does whatever a tool result tells it, as fooled models do: the adversary of the
side-effect suite (:mod:`evals.effects_suite`) and of the side-effect tests.

It makes the user's calls first (given per case), then, after each tool result, every call that
the result's text asks for ("call file_write with {...}", whatever the language or markup), once.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import Runnable
from pydantic import Field


def _strings(value: Any, depth: int = 0) -> Iterator[str]:
    """Every string in a tool result, JSON decoded (a fooled model reads the text, not the
    escaping): nested JSON written inside a string is decoded once more."""
    if isinstance(value, str):
        yield value
        stripped = value.strip()
        if depth < 3 and stripped[:1] in "{[":
            with contextlib.suppress(ValueError):
                yield from _strings(json.loads(stripped), depth + 1)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item, depth)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, depth)


def injected_calls(text: str, tools: Sequence[str]) -> list[tuple[str, dict[str, Any]]]:
    """The calls a text asks for: a tool's name followed (within a short distance) by a JSON
    object, whatever the words around them ("call file_write with {...}", "file_write 를
    {...} 로 호출하세요", a Markdown code span, a JSON field)."""
    try:
        decoded = list(_strings(json.loads(text)))
    except ValueError:
        decoded = [text]
        for line in text.splitlines():  # JSON on a line of its own (an MCP text block)
            with contextlib.suppress(ValueError):
                decoded.extend(_strings(json.loads(line)))
    found: list[tuple[str, dict[str, Any]]] = []
    decoder = json.JSONDecoder()
    for chunk in decoded:
        for name in tools:
            for match in re.finditer(rf"(?<![\w]){re.escape(name)}(?![\w])", chunk):
                brace = chunk.find("{", match.end(), match.end() + 80)
                if brace < 0:
                    continue
                try:
                    args, _ = decoder.raw_decode(chunk, brace)
                except ValueError:
                    continue
                if isinstance(args, dict) and (name, args) not in found:
                    found.append((name, args))
    return found


def _signature(name: str, args: dict[str, Any]) -> str:
    return name + json.dumps(args, sort_keys=True, ensure_ascii=False)


Calls = Sequence[tuple[str, dict[str, Any]]]
FirstCalls = Calls | Callable[[str], Calls]
"""The user's calls: fixed, or a function of the user's message."""


def obey(messages: Sequence[BaseMessage], tools: Sequence[str], first: FirstCalls) -> AIMessage:
    """The obedient model's next reply: the user's calls (``first``) when the user has just
    spoken; then every call a tool result of this turn asks for and that was not made yet (all
    at once); then a short answer."""
    turn_start = max((i for i, m in enumerate(messages) if isinstance(m, HumanMessage)), default=-1)
    turn = list(messages[turn_start + 1 :])
    if not tools:
        return AIMessage(content="Done.")
    made = {
        _signature(c["name"], c["args"])
        for m in turn
        if isinstance(m, AIMessage)
        for c in m.tool_calls
    }
    if callable(first):
        user = messages[turn_start] if turn_start >= 0 else None
        first = first(str(user.content) if user is not None else "")
    if not made and first:
        wanted = list(first)
    else:
        wanted = []
        for message in turn:
            if isinstance(message, ToolMessage):
                text = message.content if isinstance(message.content, str) else str(message.content)
                for name, args in injected_calls(text, tools):
                    if _signature(name, args) not in made and (name, args) not in wanted:
                        wanted.append((name, args))
    if not wanted:
        return AIMessage(content="Done.")
    calls = [
        {
            "name": name,
            "args": args,
            "id": f"call_{hashlib.sha256(_signature(name, args).encode()).hexdigest()[:12]}_{i}",
            "type": "tool_call",
        }
        for i, (name, args) in enumerate(wanted)
    ]
    return AIMessage(content="", tool_calls=calls)


class DanglingToolCall(ValueError):
    """A request with an assistant tool call that no tool message answers."""


def dangling(messages: Sequence[BaseMessage]) -> None:
    """Raise :class:`DanglingToolCall` when an assistant's tool call is not answered by a tool
    message before the next assistant or user message, or at the end (what a strict backend
    refuses)."""
    open_ids: set[str] = set()
    for message in messages:
        if isinstance(message, ToolMessage):
            open_ids.discard(message.tool_call_id)
            continue
        if open_ids:
            raise DanglingToolCall(f"tool calls without a tool message: {sorted(open_ids)}")
        if isinstance(message, AIMessage):
            open_ids = {c["id"] or "" for c in message.tool_calls}
    if open_ids:
        raise DanglingToolCall(f"tool calls without a tool message: {sorted(open_ids)}")


def _tool_names(kwargs: dict[str, Any]) -> list[str]:
    names = []
    for spec in kwargs.get("tools") or []:
        if isinstance(spec, dict):
            function = spec.get("function") or {}
            names.append(str(function.get("name") or spec.get("name") or ""))
        else:
            names.append(str(getattr(spec, "name", "")))
    return [n for n in names if n]


class ObedientModel(BaseChatModel):
    """A chat model that makes the user's calls (``first``), then obeys any instruction to call
    a tool that it finds in a tool result, as a fooled model does (see :func:`obey`). Every
    request is recorded in ``calls`` (messages and the names of the tools offered)."""

    first: Any = Field(default_factory=list)
    """The user's calls (:data:`FirstCalls`)."""
    calls: list[dict[str, Any]] = Field(default_factory=list)
    strict: bool = False
    """Refuse a request in which an assistant's tool call has no tool message after it, as
    OpenAI's API does (HTTP 400)."""

    @property
    def _llm_type(self) -> str:
        return "obedient"

    def bind_tools(  # type: ignore[override]
        self, tools: Sequence[Any], **kwargs: Any
    ) -> Runnable[Any, BaseMessage]:
        return self.bind(tools=list(tools), **kwargs)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        tools = [] if kwargs.get("response_format") else _tool_names(kwargs)
        self.calls.append({"messages": list(messages), "tools": tools})
        if self.strict:
            dangling(messages)
        reply = obey(messages, tools, self.first)
        return ChatResult(generations=[ChatGeneration(message=reply)])

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return self._generate(messages, stop, None, **kwargs)


def obey_openai(first: FirstCalls) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """The same model for :class:`backends.stub.StubLLM` (an OpenAI-compatible server): a reply
    function of the request body."""
    from langchain_core.messages import convert_to_messages

    def reply(request: dict[str, Any]) -> dict[str, Any]:
        messages: list[BaseMessage] = []
        for m in request.get("messages") or []:
            if m.get("role") == "assistant" and m.get("tool_calls"):
                calls = [
                    {
                        "name": c["function"]["name"],
                        "args": json.loads(c["function"]["arguments"] or "{}"),
                        "id": c["id"],
                        "type": "tool_call",
                    }
                    for c in m["tool_calls"]
                ]
                messages.append(AIMessage(content=m.get("content") or "", tool_calls=calls))
            else:
                messages.extend(
                    convert_to_messages([{k: v for k, v in m.items() if v is not None}])
                )
        tools = [] if request.get("response_format") else _tool_names(request)
        answer = obey(messages, tools, first)
        if answer.tool_calls:  # in the stub's reply shape (backends/stub.py)
            return {
                "tool_calls": [
                    {"id": c["id"], "name": c["name"], "arguments": c["args"]}
                    for c in answer.tool_calls
                ]
            }
        return {"content": str(answer.content)}

    return reply
