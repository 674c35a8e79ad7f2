"""detect-intent: recover tool calls when the model made no well-formed native ones.

Stages, in order:
1. ``text``: calls written into the reply (Harmony, Hermes ``<tool_call>``, bare or fenced JSON,
   a call's arguments left without their header when they fit one tool for certain).
2. ``structured``: a constrained request for one JSON object naming a tool and its arguments,
   validated against the tool's schema and checked against what the user actually wrote
   (:mod:`nodes.structured`).
3. ``intent``: the learned intent model's calls (decided by route), and ``pattern``: where it is
   off or unsure, requests clear enough to call a built-in tool without it
   (:mod:`intent.clear`: a cue per tool, arguments from the intent extractors).

A clear request outranks stage 2, and stage 1 when they name different tools: small models pick
tools badly (SmolLM2-135M sent "What is 23*19?" to time_now) and clear requests do not guess.
Since a clear request would win anyway, it is checked before stage 2's request, and the request
is skipped when one is found. After tools have run in a turn only stage 1 applies: the model is then
driving, and asking again for the same request would repeat calls.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from langchain_core.messages import AIMessage, AnyMessage
from langgraph.runtime import Runtime

from graph.context import Context, Deps
from graph.state import Decision, Stage, State
from intent.clear import clear_calls
from nodes.common import call_signature, calls_made_this_turn, new_call_id, tools_ran_this_turn
from nodes.conversation import last_user_text
from nodes.decision import known_tools
from nodes.parsers import (
    ParsedCall,
    parse_bare_arguments,
    parse_text_tool_calls,
    without_spans,
)
from nodes.ranking import rank_tools
from nodes.structured import ask_for_call
from tools.specs import ToolSpec, argument_errors, resolve_tool

log = logging.getLogger(__name__)

Found = tuple[str, dict[str, Any], Stage]  # tool name, arguments, stage


def _valid(
    parsed: list[ParsedCall], specs: Sequence[ToolSpec], mentions: str, stage: Stage
) -> list[tuple[Found, ParsedCall]]:
    found: list[tuple[Found, ParsedCall]] = []
    for call in parsed:
        spec = resolve_tool(call.name, call.arguments, specs, mentions)
        if spec is None:
            log.info("%s: no offered tool for %r %s", stage, call.name, call.form)
            continue
        errors = argument_errors(spec, call.arguments)
        if errors:
            log.info("%s: %s arguments do not fit: %s", stage, spec.name, errors)
            continue
        found.append(((spec.name, call.arguments, stage), call))
    return found


def text_calls(draft: str, specs: Sequence[ToolSpec]) -> list[Found]:
    """Stage 1: well-formed calls to tools on offer, written into the model's reply (a call's
    bare arguments only when :func:`tools.specs.resolve_tool` is sure of the tool)."""
    parsed = parse_text_tool_calls(draft) or parse_bare_arguments(draft)
    return [found for found, _ in _valid(parsed, specs, draft, "text")]


def analysis_calls(reasoning: str, specs: Sequence[ToolSpec]) -> tuple[list[Found], str]:
    """Calls gpt-oss wrote on its analysis channel, which the backend handed over as reasoning
    (vllm-project/vllm #35907, #25514): in the Harmony call form, as a JSON call object, or as a
    call's arguments ending the reasoning, where vLLM appends the body of a call whose header it
    consumed. Each must fit an offered tool's schema; reasoning that only talks about a tool is
    not a call. Returns the calls and the reasoning without them (what goes back to the model)."""
    parsed = parse_text_tool_calls(reasoning) or parse_bare_arguments(reasoning, at_end=True)
    valid = _valid(parsed, specs, reasoning, "analysis")
    spans = [call.span for _, call in valid if call.span is not None]
    return [found for found, _ in valid], without_spans(reasoning, spans) if spans else reasoning


async def from_decision(
    deps: Deps,
    ctx: Context,
    messages: Sequence[AnyMessage],
    specs: Sequence[ToolSpec],
    decision: Decision | None,
) -> list[Found]:
    """Stage 3: the intent model's complete calls, and for a chosen tool whose arguments the
    user's words did not all give, stage 2 on that tool's schema alone."""
    if decision is None or decision["kind"] not in ("call", "fill"):
        return []
    found: list[Found] = [(call["name"], call["args"], "intent") for call in decision["calls"]]
    by_name = {spec.name: spec for spec in specs}
    for name in decision["missing"]:
        spec = by_name.get(name)
        if spec is None:
            continue
        picked = await ask_for_call(deps.backend_for(ctx), messages, ctx, [spec])
        if picked is not None:
            found.append((spec.name, picked[1], "structured"))
    return found


def ranked_specs(
    specs: Sequence[ToolSpec], decision: Decision | None, user_text: str
) -> list[ToolSpec]:
    """The candidates for stage 2: the intent model's best few when it ranked the tools, else
    the tools that share words with the request (BM25), best first. None: no candidate."""
    if decision is not None and decision["ranked"]:
        by_name = {spec.name: spec for spec in specs}
        return [by_name[name] for name in decision["ranked"] if name in by_name][:1]
    return [spec for spec, _ in rank_tools(user_text, specs)[:1]]


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
        decision = state.get("intent")
        chosen = await from_decision(deps, ctx, messages, specs, decision)
        if not chosen and (decision is None or decision["kind"] == "unsure"):
            known = known_tools(deps.run_builtin_specs(ctx), specs, ctx.client_mode)
            chosen = [(n, a, "pattern") for n, a in clear_calls(user_text, known)]
        text_tools = {name for name, _, _ in found}
        if found and chosen and not text_tools <= {name for name, _, _ in chosen}:
            # A small model writes plausible calls to the wrong tool (SmolLM2 answered
            # "GET http://.../api/status" with a calculator call): a clear request outranks it.
            log.info("stage 3 overrules stage 1 (%s) with %s", text_tools, chosen)
            found = chosen
        elif not found and chosen:
            found = chosen
        elif not found and (decision is None or decision["kind"] == "unsure"):
            # Stage 2: the model fills one schema, of the tool the request ranks highest (or of
            # the tool a named tool_choice requires).
            candidates = (
                specs if isinstance(choice, dict) else ranked_specs(specs, decision, user_text)
            )
            if not candidates and choice == "required":
                candidates = specs
            picked = (
                await ask_for_call(deps.backend_for(ctx), messages, ctx, candidates)
                if candidates
                else None
            )
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
