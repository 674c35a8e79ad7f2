"""call-tool: validate and run the pending tool calls, concurrently, within limits.

Every call ends as one tool message: a result, or an error with ``status="error"``. Nothing a
tool does (bad arguments, a timeout, a crash) ends the run.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from langchain_core.messages import AIMessage, ToolCall, ToolMessage
from langchain_core.tools import BaseTool
from langgraph.runtime import Runtime
from prometheus_client import Counter

from backends.telemetry import REGISTRY
from graph.context import Context, Deps
from graph.state import State
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


async def call_tool(state: State, runtime: Runtime[Context], *, deps: Deps) -> dict[str, Any]:
    """Run the last AI message's tool calls and answer each with a tool message."""
    ctx = deps.context(runtime.context)
    last = state["messages"][-1]
    assert isinstance(last, AIMessage)
    used = state.get("tool_calls_used", 0)
    stages = state.get("call_stages", {})
    budget = max(0, ctx.max_tool_calls - used)
    runnable, refused = last.tool_calls[:budget], last.tool_calls[budget:]
    outcomes = await asyncio.gather(
        *(
            run_tool_call(
                deps.tools.get(call["name"]),
                call,
                timeout=ctx.tool_timeout,
                output_chars=ctx.tool_output_chars,
            )
            for call in runnable
        )
    )
    messages = []
    for call, (content, status, duration) in zip(runnable, outcomes, strict=True):
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
        messages.append(
            ToolMessage(
                content=content,
                tool_call_id=call["id"],
                name=call["name"],
                status=status,
                artifact={"stage": stage, "duration_ms": duration},
            )
        )
    for call in refused:
        messages.append(
            ToolMessage(
                content=f"Error: the limit of {ctx.max_tool_calls} tool calls per run was reached",
                tool_call_id=call["id"],
                name=call["name"],
                status="error",
                artifact={"stage": stages.get(call["id"] or "", "native"), "duration_ms": 0},
            )
        )
    return {"messages": messages, "tool_calls_used": used + len(last.tool_calls)}
