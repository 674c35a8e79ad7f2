"""detect-intent: recover tool calls when the model made no well-formed native ones.

Stages, in order:
1. ``text``: calls written into the reply (Harmony, Hermes ``<tool_call>``, bare or fenced JSON).
2. ``structured``: a constrained request for one JSON object naming a tool and its arguments,
   validated against the tool's schema and checked against what the user actually wrote
   (:mod:`nodes.structured`).
3. ``pattern``: deterministic patterns for clear requests to built-in tools (English, Korean).

A clear pattern match outranks stage 2, and stage 1 when they name different tools: small models
pick tools badly (SmolLM2-135M sent "What is 23*19?" to time_now) and patterns do not guess. Since
a match would win anyway, the patterns are checked before stage 2's request, and the request is
skipped when one fires. After tools have run in a turn only stage 1 applies: the model is then
driving, and asking again for the same request would repeat calls.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from langchain_core.messages import AIMessage
from langgraph.runtime import Runtime

from graph.context import Context, Deps
from graph.state import Stage, State
from nodes.common import call_signature, calls_made_this_turn, new_call_id, tools_ran_this_turn
from nodes.conversation import last_user_text
from nodes.parsers import parse_text_tool_calls
from nodes.patterns import match_patterns
from nodes.structured import ask_for_call
from nodes.validation import ToolSpec, argument_errors, match_tool

log = logging.getLogger(__name__)

Found = tuple[str, dict[str, Any], Stage]  # tool name, arguments, stage


def text_calls(draft: str, specs: Sequence[ToolSpec]) -> list[Found]:
    """Stage 1: well-formed calls to tools on offer, written into the model's reply."""
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
        found.append((spec.name, parsed.arguments, "text"))
    return found


def pattern_tools(deps: Deps, specs: Sequence[ToolSpec], ctx: Context) -> set[str]:
    """The tools the patterns may call: the enabled built-ins, and in tool-call mode those of the
    client's tools that *are* enabled built-ins (same name and schema, as ``GET /tools`` lists
    them). A built-in switched off by ``TOOLLOOM_TOOLS_DISABLED`` is never a pattern's target."""
    builtin = {spec.name: spec for spec in deps.builtin_specs}
    if not ctx.client_mode:
        return set(builtin)
    return {
        spec.name
        for spec in specs
        if spec.name in builtin and spec.parameters == builtin[spec.name].parameters
    }


async def detect_intent(state: State, runtime: Runtime[Context], *, deps: Deps) -> dict[str, Any]:
    """Find the tool calls the model meant, or decide that none is needed."""
    ctx = deps.context(runtime.context)
    messages = state["messages"]
    specs = deps.run_specs(ctx)
    choice = ctx.tool_choice if ctx.client_mode else "auto"
    if choice == "none" or not specs:
        return {}
    user_text = last_user_text(messages)

    found = text_calls(state.get("draft", ""), specs)
    if not tools_ran_this_turn(messages):
        patterns: list[Found] = [
            (name, args, "pattern")
            for name, args in match_patterns(user_text, pattern_tools(deps, specs, ctx))
        ]
        text_tools = {name for name, _, _ in found}
        if found and patterns and not text_tools <= {name for name, _, _ in patterns}:
            # A small model writes plausible calls to the wrong tool (SmolLM2 answered
            # "GET http://.../api/status" with a calculator call): a clear request outranks it.
            log.info("stage 3 overrules stage 1 (%s) with %s", text_tools, patterns)
            found = patterns
        elif not found and patterns:
            found = patterns
        elif not found:
            # A clear pattern match wins over whatever stage 2 would say, so the model is only
            # asked when no pattern fires.
            picked = await ask_for_call(deps.backend_for(ctx), messages, ctx, specs)
            if picked is not None:
                found = [(picked[0].name, picked[1], "structured")]

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
