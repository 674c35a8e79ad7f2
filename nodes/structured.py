"""Stage 2 of detect-intent: ask the model for a call as one JSON object, constrained by the tools'
schemas, and keep it only when the user's own words support it.

Used by detect-intent (one call for a request the model did not answer with a call) and by route
(further calls a one-call-per-turn backend left out, in tool-call mode).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from typing import Any

from langchain_core.messages import AnyMessage, SystemMessage

from backends.pool import ChatBackend
from graph.context import Context
from nodes.common import call_signature
from nodes.conversation import last_user_text, tool_list_text, window
from nodes.prompts import COMPLETE_SYSTEM, STRUCTURED_SYSTEM
from tools.specs import ToolSpec, argument_errors, match_tool

log = logging.getLogger(__name__)

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


def _tokens(text: str) -> set[str]:
    return {t.lower() for t in _TOKEN.findall(text)}


_NUMBER = re.compile(r"(?<![\d.])\d[\d,]*(?:\.\d+)?")


def _numbers(text: str) -> set[float]:
    """The numbers written in ``text`` (1,000 and 1000 alike)."""
    found = set()
    for match in _NUMBER.findall(text):
        try:
            found.add(float(match.replace(",", "")))
        except ValueError:
            continue
    return found


def grounded(spec: ToolSpec, arguments: dict[str, Any], user_text: str) -> bool:
    """Whether a stage-2 pick is supported by the user's words.

    String arguments must mostly appear in the user's message and numbers must be numbers the user
    wrote (a 135M model invents values, or cuts 15000 to 150); a call with no arguments needs a
    word of the tool's name or description in it.
    """
    words = _tokens(user_text)
    joined = user_text.lower().replace(" ", "")
    values = [
        v
        for v in arguments.values()
        if isinstance(v, str | int | float) and not isinstance(v, bool)
    ]
    if not values:
        about = _tokens(spec.name.replace("_", " ") + " " + spec.description)
        return any(len(w) >= 4 and w in words for w in about)
    numbers = _numbers(user_text)
    for value in values:
        if isinstance(value, int | float):
            # A number must be one the user wrote, whole: 150 is not grounded by "$15000".
            if float(value) in numbers:
                continue
            return False
        text = str(value).strip()
        if not text:
            return False
        if text.lower().replace(" ", "") in joined:
            continue
        parts = _tokens(text)
        if not parts or len(parts & words) * 2 < len(parts):
            return False
    return True


def reply_budget(specs: Sequence[ToolSpec], user_text: str, calls: int = 1) -> int:
    """Tokens a structured reply can need: the JSON around the arguments, a few tokens per
    argument name, and the argument values, which come from the user's words (so at most about
    as many tokens as the message has bytes / 2). A small model that rambles past that is cut
    early instead of writing until the backend's own limit."""
    names = max((len(spec.parameters.get("properties") or {}) for spec in specs), default=0)
    return calls * (40 + 12 * names + len(user_text.encode("utf-8")) // 2)


def call_schema(spec: ToolSpec) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"tool": {"const": spec.name}, "arguments": spec.parameters},
        "required": ["tool", "arguments"],
    }


def structured_schema(specs: Sequence[ToolSpec], allow_none: bool) -> dict[str, Any]:
    options: list[dict[str, Any]] = [call_schema(spec) for spec in specs]
    if allow_none:
        options.append(
            {
                "type": "object",
                "properties": {"tool": {"const": "none"}, "arguments": {"type": "object"}},
                "required": ["tool", "arguments"],
            }
        )
    return {"anyOf": options} if len(options) > 1 else options[0]


async def ask_for_call(
    backend: ChatBackend,
    messages: Sequence[AnyMessage],
    ctx: Context,
    specs: Sequence[ToolSpec],
) -> tuple[ToolSpec, dict[str, Any]] | None:
    """One call the model picks among ``specs`` (or none), validated and grounded in the user's
    words; with a forced ``tool_choice`` (tool-call mode) grounding is not required."""
    choice = ctx.tool_choice if ctx.client_mode else "auto"
    forced = choice == "required" or isinstance(choice, dict)
    if isinstance(choice, dict):
        wanted = (choice.get("function") or {}).get("name")
        specs = [s for s in specs if s.name == wanted] or specs
    schema = structured_schema(specs, allow_none=not forced)
    prompt = [
        SystemMessage(content=STRUCTURED_SYSTEM.format(tool_list=tool_list_text(specs))),
        *window(messages, min(ctx.history_messages, 6)),
    ]
    budget = reply_budget(specs, last_user_text(messages))
    value = await backend.json_object(prompt, schema, budget)
    if not value or not isinstance(value.get("tool"), str) or value["tool"] == "none":
        return None
    spec = match_tool(value["tool"], specs)
    arguments = value.get("arguments")
    if spec is None or not isinstance(arguments, dict):
        return None
    errors = argument_errors(spec, arguments)
    if errors:
        log.info("stage 2: %s arguments do not fit: %s", spec.name, errors)
        return None
    if not forced and not grounded(spec, arguments, last_user_text(messages)):
        log.info("stage 2: %s%s is not supported by the user's words", spec.name, arguments)
        return None
    return spec, arguments


# A request that names several things ("Seoul and Tokyo", "서울과 도쿄", "a, b, c") may need several
# calls at once; backends that make one call per turn (gpt-oss through vLLM) return only the first.
_SEVERAL = re.compile(r"\b(?:and|both|each|every|all)\b|,|、|와|과|그리고|및|각각", re.IGNORECASE)


async def complete_parallel_calls(
    backend: ChatBackend,
    messages: Sequence[Any],
    specs: Sequence[ToolSpec],
    calls: list[dict[str, Any]],
    history: int,
) -> list[tuple[str, dict[str, Any]]]:
    """Further calls to make together with ``calls``, when the request names several things."""
    user_text = last_user_text(messages)
    if not _SEVERAL.search(user_text):
        return []
    options = [call_schema(spec) for spec in specs]
    item = {"anyOf": options} if len(options) > 1 else options[0]
    schema = {
        "type": "object",
        "properties": {"calls": {"type": "array", "items": item, "maxItems": 8}},
        "required": ["calls"],
    }
    made = "\n".join(f"- {c['name']}({json.dumps(c['args'], ensure_ascii=False)})" for c in calls)
    prompt = [
        SystemMessage(content=COMPLETE_SYSTEM.format(made=made, tool_list=tool_list_text(specs))),
        *window(messages, min(history, 6)),
    ]
    value = await backend.json_object(prompt, schema, reply_budget(specs, user_text, calls=8))
    extra: list[tuple[str, dict[str, Any]]] = []
    seen = {call_signature(c["name"], c["args"]) for c in calls}
    for entry in (value or {}).get("calls") or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("arguments"), dict):
            continue
        spec = match_tool(str(entry.get("tool", "")), specs)
        if spec is None or argument_errors(spec, entry["arguments"]):
            continue
        if not grounded(spec, entry["arguments"], user_text):
            continue
        signature = call_signature(spec.name, entry["arguments"])
        if signature not in seen:
            seen.add(signature)
            extra.append((spec.name, entry["arguments"]))
    return extra[:8]
