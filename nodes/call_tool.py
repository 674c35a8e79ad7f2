"""call-tool: mediate, validate and run the pending tool calls, concurrently, within limits.

Every call ends as one tool message: a result, or an error with ``status="error"``. Nothing a
tool does (bad arguments, a timeout, a crash) ends the run.

Every call passes :func:`nodes.side_effects.mediate` first, whichever stage proposed it: a call
that would change something the user did not ask to change is held back (a tool error that says
so), or waits for a person (left in ``awaiting``; the edge after this node sends it to
:mod:`nodes.approve`). When the person has decided, this node runs again for those calls: an
approved call runs as it is, an edited one runs the edited call (validated again, in the same
sandbox), a rejected one gets a tool error, so every tool call id gets its tool message.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, ToolCall, ToolMessage
from langchain_core.tools import BaseTool
from langgraph.runtime import Runtime
from prometheus_client import Counter

from backends.telemetry import REGISTRY
from graph.context import Context, Deps
from graph.state import State
from intent.grounding import Grounding, ground
from nodes.conversation import current_turn, last_human_index, last_user_text
from nodes.side_effects import (
    Verdict,
    approval_request,
    edited_note,
    held_error,
    mediate,
    record,
    rejected_error,
)
from tools.effects import effect_of
from tools.external.guard import invoke_tool

log = logging.getLogger(__name__)

TOOL_CALLS = Counter(
    "toolloom_tool_calls_total",
    "Tool calls by tool, detect-intent stage and status",
    ["tool", "stage", "status"],
    registry=REGISTRY,
)


async def run_tool_call(
    tool: BaseTool | None, call: ToolCall, *, timeout: float, output_chars: int
) -> tuple[str, str, float]:
    """Run one call; returns (content, status, duration in ms). Never raises.

    The rules live in :func:`tools.external.guard.invoke_tool`, which ``/mcp`` and ``toolloom
    mcp`` use too, so a call answers the same on every surface."""
    if tool is None:
        return f"Error: no tool named {call['name']!r}", "error", 0.0
    outcome = await invoke_tool(tool, call["args"], timeout=timeout, output_chars=output_chars)
    return outcome.text, "success" if outcome.ok else "error", outcome.duration_ms


def open_calls(messages: Sequence[BaseMessage]) -> tuple[AIMessage | None, list[ToolCall]]:
    """This turn's last AI message with tool calls, and its calls that have no tool message yet."""
    turn = current_turn(messages)
    for index in range(len(turn) - 1, -1, -1):
        message = turn[index]
        if isinstance(message, AIMessage) and message.tool_calls:
            answered = {m.tool_call_id for m in turn[index + 1 :] if isinstance(m, ToolMessage)}
            return message, [c for c in message.tool_calls if c["id"] not in answered]
    return None, []


def turn_grounding(state: State, deps: Deps) -> Grounding:
    """The grounding route recorded for the current user message (derived again, from that
    message alone, if the state holds none for it, as a run resumed from an older checkpoint)."""
    messages = state["messages"]
    index = last_human_index(messages)
    message_id = str(messages[index].id or "") if index >= 0 else ""
    grounding = state.get("grounding")
    if grounding is not None and grounding.get("message_id") == message_id:
        return grounding
    return ground(last_user_text(messages), deps.tools.values(), message_id)


def _message(
    call: ToolCall, stage: str, content: str, status: str, duration: float, **extra: Any
) -> ToolMessage:
    return ToolMessage(
        content=content,
        tool_call_id=call["id"],
        name=call["name"],
        status=status,
        artifact={"stage": stage, "duration_ms": duration, **extra},
    )


async def call_tool(state: State, runtime: Runtime[Context], *, deps: Deps) -> dict[str, Any]:
    """Mediate and run the open tool calls; answer each with a tool message (or leave it for a
    person to decide)."""
    ctx = deps.context(runtime.context)
    last, calls = open_calls(state["messages"])
    assert last is not None, "call-tool runs after a message with tool calls"
    stages = state.get("call_stages", {})
    decisions = state.get("decisions") or {}
    awaiting = state.get("awaiting") or {}
    if any(call["id"] in awaiting for call in calls):
        return await _decided(calls, stages, decisions, awaiting, ctx, deps)

    used = state.get("tool_calls_used", 0)
    budget = max(0, ctx.max_tool_calls - used)
    runnable, refused = calls[:budget], calls[budget:]
    grounding = turn_grounding(state, deps)
    index_of = {call["id"]: i for i, call in enumerate(last.tool_calls)}
    to_run: list[ToolCall] = []
    messages: list[ToolMessage] = []
    waiting: dict[str, Any] = {}
    tools = deps.run_tools(ctx)
    for call in runnable:
        tool = tools.get(call["name"])
        verdict = (
            mediate(tool, call["args"], grounding, ctx)
            if tool is not None and isinstance(call["args"], dict)
            else Verdict("run", None, True)
        )
        stage = stages.get(call["id"] or "", "native")
        if verdict.kind is not None or verdict.listed:
            record(call["name"], verdict.kind, verdict.grounded, ctx.side_effects,
                   verdict.decision, call["id"] or "", verdict.target)  # fmt: skip
        if verdict.action == "run":
            to_run.append(call)
        elif verdict.action == "ask":
            waiting[call["id"] or ""] = approval_request(call, index_of[call["id"]], verdict)
        else:
            TOOL_CALLS.labels(call["name"], stage, "held").inc()
            messages.append(
                _message(
                    call,
                    stage,
                    held_error(call, verdict),
                    "error",
                    0.0,
                    held={"kind": verdict.kind, "target": verdict.target, "why": verdict.why},
                )
            )
    messages.extend(await _run(to_run, stages, ctx, deps))
    for call in refused:
        messages.append(
            _message(
                call,
                stages.get(call["id"] or "", "native"),
                f"Error: the limit of {ctx.max_tool_calls} tool calls per run was reached",
                "error",
                0,
            )
        )
    update: dict[str, Any] = {
        "messages": _in_call_order(last, messages),
        "tool_calls_used": used + len(calls),
    }
    if waiting:
        update["awaiting"] = waiting
    return update


async def _decided(
    calls: list[ToolCall],
    stages: dict[str, Any],
    decisions: dict[str, dict[str, Any]],
    awaiting: dict[str, dict[str, Any]],
    ctx: Context,
    deps: Deps,
) -> dict[str, Any]:
    """The calls a person decided: run the approved ones, run the edited call instead of an
    edited one, answer a rejected one with a tool error."""
    to_run: list[ToolCall] = []
    edited: dict[str, ToolCall] = {}
    messages: list[ToolMessage] = []
    for call in calls:
        call_id = call["id"] or ""
        request = awaiting.get(call_id)
        decision = decisions.get(call_id)
        if request is None or decision is None:
            continue
        kind, grounded = request.get("kind"), bool(request.get("grounded"))
        stage = stages.get(call_id, "native")
        if decision["type"] == "approve":
            record(call["name"], kind, grounded, ctx.side_effects, "approved", call_id)
            to_run.append(call)
        elif decision["type"] == "edit":
            action = decision["edited_action"]
            replacement = ToolCall(name=action["name"], args=action["args"], id=call["id"],
                                   type="tool_call")  # fmt: skip
            tool = deps.run_tools(ctx).get(action["name"])
            record(action["name"], effect_of(tool, action["args"]) if tool else kind, grounded,
                   ctx.side_effects, "edited", call_id)  # fmt: skip
            edited[call_id] = replacement
            to_run.append(replacement)
        else:
            record(call["name"], kind, grounded, ctx.side_effects, "rejected", call_id)
            TOOL_CALLS.labels(call["name"], stage, "rejected").inc()
            messages.append(
                _message(
                    call,
                    stage,
                    rejected_error(decision.get("message")),
                    "error",
                    0.0,
                    decision="rejected",
                )
            )
    for message in await _run(to_run, stages, ctx, deps):
        call_id = message.tool_call_id
        if call_id in edited:
            replacement = edited[call_id]
            note = edited_note(replacement["name"], replacement["args"])
            message.content = f"{note}\n{message.content}"
            assert isinstance(message.artifact, dict)
            message.artifact["decision"] = "edited"
            message.artifact["edited_action"] = {
                "name": replacement["name"], "args": replacement["args"]}  # fmt: skip
        elif isinstance(message.artifact, dict):
            message.artifact["decision"] = "approved"
        messages.append(message)
    done = {m.tool_call_id for m in messages}
    return {
        "messages": [m for call in calls for m in messages if m.tool_call_id == call["id"]],
        "awaiting": {call_id: None for call_id in done},
    }


async def _run(
    calls: list[ToolCall], stages: dict[str, Any], ctx: Context, deps: Deps
) -> list[ToolMessage]:
    """Run the calls concurrently; one tool message each."""
    tools = deps.run_tools(ctx)
    outcomes = await asyncio.gather(
        *(
            run_tool_call(
                tools.get(call["name"]),
                call,
                timeout=ctx.tool_timeout,
                output_chars=ctx.tool_output_chars,
            )
            for call in calls
        )
    )
    messages = []
    for call, (content, status, duration) in zip(calls, outcomes, strict=True):
        stage = stages.get(call["id"] or "", "native")
        TOOL_CALLS.labels(call["name"], stage, status).inc()
        log.info(
            "tool call",
            extra={
                "fields": {
                    "tool": call["name"],
                    "stage": stage,
                    "status": status,
                    "duration_ms": duration,
                    "argument_chars": len(json.dumps(call["args"], default=str)),
                    "result_chars": len(content),
                }
            },
        )
        messages.append(_message(call, stage, content, status, duration))
    return messages


def _in_call_order(last: AIMessage, messages: list[ToolMessage]) -> list[ToolMessage]:
    order = {call["id"]: i for i, call in enumerate(last.tool_calls)}
    return sorted(messages, key=lambda m: order.get(m.tool_call_id, len(order)))
