"""detect-intent: recover tool calls when the model made no well-formed native ones.

Stages, in order:
1. ``text``: calls written into the reply (Harmony, Hermes ``<tool_call>``, bare or fenced JSON).
2. ``structured``: a constrained request for one JSON object naming a tool and its arguments,
   validated against the tool's schema and checked against what the user actually wrote.
3. ``pattern``: deterministic patterns for clear requests to built-in tools (English, Korean).

A clear pattern match outranks stage 2, and stage 1 when they name different tools: small models
pick tools badly (SmolLM2-135M sent "What is 23*19?" to time_now) and patterns do not guess. Since a match would win anyway, the
patterns are checked before stage 2's request, and the request is skipped when one fires.
After tools have run in a turn only stage 1 applies: the model is then driving, and asking
again for the same request would repeat calls.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from typing import Any

from langchain_core.messages import AIMessage, SystemMessage
from langgraph.runtime import Runtime

from graph.context import Context
from graph.state import STAGE_PATTERN, STAGE_STRUCTURED, STAGE_TEXT, State
from nodes.common import (
    call_signature,
    calls_made_this_turn,
    new_call_id,
    run_specs,
    tools_ran_this_turn,
)
from nodes.llm_io import Backend, last_user_text, tool_list_text, window
from nodes.parsers import parse_text_tool_calls
from nodes.patterns import match_patterns
from nodes.prompts import STRUCTURED_SYSTEM
from nodes.validation import ToolSpec, argument_errors, match_tool

log = logging.getLogger(__name__)

Found = tuple[str, dict[str, Any], str]  # tool name, arguments, stage

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


def structured_schema(specs: Sequence[ToolSpec], allow_none: bool) -> dict[str, Any]:
    options: list[dict[str, Any]] = [
        {
            "type": "object",
            "properties": {"tool": {"const": spec.name}, "arguments": spec.parameters},
            "required": ["tool", "arguments"],
        }
        for spec in specs
    ]
    if allow_none:
        options.append(
            {
                "type": "object",
                "properties": {"tool": {"const": "none"}, "arguments": {"type": "object"}},
                "required": ["tool", "arguments"],
            }
        )
    return {"anyOf": options} if len(options) > 1 else options[0]


def _text_calls(draft: str, specs: Sequence[ToolSpec]) -> list[Found]:
    found: list[Found] = []
    for parsed in parse_text_tool_calls(draft):
        spec = match_tool(parsed.name, specs)
        if spec is None:
            log.info("stage 1: text names unknown tool %r", parsed.name)
            continue
        errors = argument_errors(spec, parsed.arguments)
        if errors:
            log.info("stage 1: %s arguments do not fit: %s", spec.name, errors)
            continue
        found.append((spec.name, parsed.arguments, STAGE_TEXT))
    return found


def make_detect_intent(backend: Backend, builtin: Sequence[ToolSpec], defaults: Context) -> Any:
    builtin_names = {spec.name for spec in builtin}

    async def structured_call(
        state: State, ctx: Context, specs: list[ToolSpec], user_text: str
    ) -> list[Found]:
        choice = ctx.tool_choice if ctx.client_tools is not None else "auto"
        forced = choice == "required" or isinstance(choice, dict)
        if isinstance(choice, dict):
            wanted = (choice.get("function") or {}).get("name")
            specs = [s for s in specs if s.name == wanted] or specs
        schema = structured_schema(specs, allow_none=not forced)
        prompt = [
            SystemMessage(content=STRUCTURED_SYSTEM.format(tool_list=tool_list_text(specs))),
            *window(state["messages"], min(ctx.history_messages, 6)),
        ]
        value = await backend.json_object(prompt, schema)
        if not value or not isinstance(value.get("tool"), str) or value["tool"] == "none":
            return []
        spec = match_tool(value["tool"], specs)
        arguments = value.get("arguments")
        if spec is None or not isinstance(arguments, dict):
            return []
        errors = argument_errors(spec, arguments)
        if errors:
            log.info("stage 2: %s arguments do not fit: %s", spec.name, errors)
            return []
        if not forced and not grounded(spec, arguments, user_text):
            log.info("stage 2: %s%s is not supported by the user's words", spec.name, arguments)
            return []
        return [(spec.name, arguments, STAGE_STRUCTURED)]

    by_name = {spec.name: spec for spec in builtin}

    def pattern_tools(specs: list[ToolSpec], ctx: Context) -> set[str]:
        """The tools the patterns may call: the built-ins, and in tool-call mode those of the
        client's tools that *are* built-ins (same name and schema, as ``GET /tools`` lists them)."""
        if ctx.client_tools is None:
            return builtin_names
        return {
            spec.name
            for spec in specs
            if spec.name in by_name and spec.parameters == by_name[spec.name].parameters
        }

    async def detect_intent(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
        """Find the tool calls the model meant, or decide that none is needed."""
        ctx = runtime.context or defaults
        messages = state["messages"]
        specs = run_specs(builtin, ctx)
        choice = ctx.tool_choice if ctx.client_tools is not None else "auto"
        if choice == "none" or not specs:
            return {}
        user_text = last_user_text(messages)

        found = _text_calls(state.get("draft", ""), specs)
        if not tools_ran_this_turn(messages):
            patterns: list[Found] = [
                (name, args, STAGE_PATTERN)
                for name, args in match_patterns(user_text, pattern_tools(specs, ctx))
            ]
            text_tools = {name for name, _, _ in found}
            if found and patterns and not text_tools <= {name for name, _, _ in patterns}:
                # A small model writes plausible calls to the wrong tool (SmolLM2 answered
                # "GET http://.../api/status" with a calculator call): a clear request outranks it.
                log.info("stage 3 overrules stage 1 (%s) with %s", text_tools, patterns)
                found = patterns
            elif not found:
                # A clear pattern match wins over whatever stage 2 would say, so the model is only
                # asked when no pattern fires.
                found = patterns or await structured_call(state, ctx, specs, user_text)

        made = calls_made_this_turn(messages)
        fresh: list[Found] = []
        for name, args, stage in found:
            signature = call_signature(name, args)
            if signature not in made:
                made.add(signature)
                fresh.append((name, args, stage))
        if not fresh:
            return {}
        if not ctx.parallel_tool_calls:
            fresh = fresh[:1]
        calls = [
            {"name": name, "args": args, "id": new_call_id(), "type": "tool_call"}
            for name, args, _ in fresh
        ]
        return {
            "messages": [AIMessage(content="", tool_calls=calls)],
            "call_stages": {
                call["id"]: stage for call, (_, _, stage) in zip(calls, fresh, strict=True)
            },
            "draft": "",
        }

    return detect_intent


# A request that names several things ("Seoul and Tokyo", "서울과 도쿄", "a, b, c") may need several
# calls at once; backends that make one call per turn (gpt-oss through vLLM) return only the first.
_SEVERAL = re.compile(r"\b(?:and|both|each|every|all)\b|,|、|와|과|그리고|및|각각", re.IGNORECASE)

COMPLETE_SYSTEM = """The assistant answered the user's last message with these tool calls:
{made}
Some requests need several calls made at the same time (one per city, file, item...). List the
further calls, if any, that the user's request needs in addition to those, as
{{"calls": [{{"tool": NAME, "arguments": {{...}}}}, ...]}}, or {{"calls": []}} when none is needed.
Use only argument values the user's message gives.

Tools:
{tool_list}"""


async def complete_parallel_calls(
    backend: Backend,
    messages: Sequence[Any],
    specs: Sequence[ToolSpec],
    calls: list[dict[str, Any]],
    history: int,
) -> list[tuple[str, dict[str, Any]]]:
    """Further calls to make together with ``calls``, when the request names several things."""
    user_text = last_user_text(messages)
    if not _SEVERAL.search(user_text):
        return []
    options = [
        {
            "type": "object",
            "properties": {"tool": {"const": s.name}, "arguments": s.parameters},
            "required": ["tool", "arguments"],
        }
        for s in specs
    ]
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
    value = await backend.json_object(prompt, schema)
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
